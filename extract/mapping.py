"""ParsedDocument rows -> template metrics, with provenance and doubts.

Why: every reader (HTML, PDF, DOCX, text) yields rows of cells; the template knowledge is
applied once, here.  Principles:

* a row's values are the trailing value cells after its last label cell (stray cells before a
  label are ignored and reported);
* labelled rows anchor the 表三 row sequence; unlabelled value rows fill the gaps between anchors
  in template order only when their count matches the gap exactly;
* run-together digits are split only where the identities leave one reading; otherwise the cell
  is null and a warning names it.  Nothing is ever guessed silently.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from extract import digits
from extract.cells import Cell, ParsedDocument, Row
from extract.checks import figure_targets
from extract.template import (
    APP_CARRIED_FORWARD,
    APP_CARRIED_OVER,
    APP_NEW,
    APP_OTHER_SINGLE,
    APP_OTHER_SPLIT,
    APP_TOTAL,
    REVIEW_KEYS,
    RowDef,
    active_rows,
    app_rows,
    label_norm,
    result_rows,
)
from extract.values import parse_value

Number = int | float
_RUN_CELL = re.compile(r"^-?\d[\d.]*(?:-\d[\d.]*)*$")
_ITEM_NO = re.compile(r"^\(?\d{1,2}[.、．)）]$")
_TRAILING_PAREN = re.compile(r"\([^()]*\)$")
_2019_MARKERS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "政府集中采购",
    "第二十条第(九)项",
    "采购总金额",
)
_2021_MARKERS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额")
MAX_COMBOS = 200_000


@dataclass
class MetricOut:
    """One extracted number with its provenance; ``how`` says how it was obtained."""

    key: str
    value: Number | None
    raw: str
    loc: dict[str, Any]
    how: str = "cell"  # cell | split | aligned


@dataclass
class Mapping:
    template: str | None
    other_split: bool
    metrics: dict[str, MetricOut] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    tables_seen: set[str] = field(default_factory=set)
    other_known: bool = True  # a （六） row was seen, so other_split is read, not assumed
    flat_lines: frozenset[int] = frozenset()  # text lines the reader found flattened

    def warn(self, message: str, keys: list[str] | None = None) -> None:
        self.warnings.append({"message": message, "keys": sorted(set(keys or []))})


@dataclass
class _Obs:
    """An observed row: its template row (or None), its value cells, its label text."""

    idx: int
    rowdef: RowDef | None
    values: list[Cell]
    label: str
    stray: list[Cell]


# ------------------------------------------------------------------ template recognition
def detect_template(doc: ParsedDocument, year: int | None) -> str | None:
    """2021 / 2019 from the 表二 headers; else by report year; 'legacy' before 2019."""
    text = label_norm(doc.text + "".join(c.text for r in doc.rows for c in r.cells))
    n2019 = sum(m in text for m in _2019_MARKERS)
    n2021 = sum(m in text for m in _2021_MARKERS)
    if n2019 >= 2 and n2019 > n2021:
        return "2019"
    if n2021 >= 2:
        return "2021"
    if year is not None:
        if year >= 2021:
            return "2021"
        if year >= 2019:
            return "2019"
        return "legacy"
    if "本年新收" in text or "上年结转" in text:
        return "2021"
    return None


# ------------------------------------------------------------------ row classification
def _split_row(row: Row) -> tuple[list[Cell], list[Cell], list[Cell]]:
    """(label cells, trailing value cells after the last label, stray value cells before it)."""
    kinds = [
        parse_value(c.text).is_value_cell or bool(_RUN_CELL.match(c.text.strip()))
        for c in row.cells
    ]
    # an item number in a cell of its own ("3." | "其他") belongs to the label after it
    for i in range(len(kinds) - 1):
        if kinds[i] and not kinds[i + 1] and _ITEM_NO.match(row.cells[i].text.strip()):
            kinds[i] = False
    last_label = max((i for i, v in enumerate(kinds) if not v), default=-1)
    labels = [c for c, v in zip(row.cells, kinds, strict=True) if not v]
    values = row.cells[last_label + 1 :]
    stray = [
        c
        for c, v in zip(row.cells[: max(last_label, 0)], kinds[: max(last_label, 0)], strict=True)
        if v and c.text.strip()
    ]
    return labels, values, stray


def _strip_parens(text: str) -> str:
    prev = None
    while prev != text:
        prev, text = text, _TRAILING_PAREN.sub("", text)
    return text


_SENTENCE_END = re.compile(r"[。；;!?！？]")
MAX_LABEL = 60


def _match(labels: list[Cell], candidates: tuple[RowDef, ...]) -> RowDef | None:
    """Match the last label cell, else all label cells joined; narrative sentences never match.

    Only the text after the last sentence end counts, and it must be label-sized: a flattened
    page glues the table header onto the first row label, but narrative text is made of
    sentences.
    """
    if not labels:
        return None
    tries = [
        _SENTENCE_END.split(label_norm(labels[-1].text))[-1],
        _SENTENCE_END.split(label_norm("".join(c.text for c in labels)))[-1],
    ]
    for text in tries:
        text = _strip_parens(text)
        if not text or len(text) > MAX_LABEL * 2:
            continue
        for rd in candidates:
            if rd.matches(text):
                return rd
    return None


_ALL_APP = (*app_rows(True), APP_OTHER_SINGLE)


def _classify(doc: ParsedDocument, template: str) -> tuple[list[_Obs], list[_Obs], list[_Obs]]:
    """Walk rows in order; sort them into 表二 / 表三 / 表四 observations."""
    act, app, rev = [], [], []
    seen_art20 = app_started = review_started = False
    actives = active_rows(template)
    split = [_split_row(row) for row in doc.rows]
    for idx, _row in enumerate(doc.rows):
        labels, values, stray = split[idx]
        label_text = label_norm("".join(c.text for c in labels))
        if "第二十条" in label_text or "信息内容" in label_text:
            seen_art20 = True
        has_values = any(c.text.strip() for c in values)
        if app_started and ("复议" in label_text or "诉讼" in label_text):
            review_started = True
        if review_started:
            # a row of placeholders ("/ / / / /") is a printed row too: keep it for alignment
            if (
                values
                and any(c.text.strip() for c in values)
                and (
                    any(parse_value(c.text).kind == "number" for c in values)
                    or _review_group(label_text) is not None
                )
            ):
                rev.append(_Obs(idx, None, values, label_text, stray))
            continue
        rd = _match(labels, _ALL_APP)
        if rd is None and has_values and labels:
            labels, rd = _wrapped(split, idx, _ALL_APP)
            label_text = label_norm("".join(c.text for c in labels))
        if rd is not None and has_values:
            app_started = True
            app.append(_Obs(idx, rd, values, label_text, stray))
            continue
        if app_started and values and all(c.repeated or not c.text.strip() for c in labels):
            # no label of its own (only a spanning 三、本年度办理结果 copied down): a filler row
            app.append(_Obs(idx, None, values, "", stray))
            continue
        if seen_art20 and not app_started:
            rd = _match(labels, actives)
            if rd is not None and has_values:
                act.append(_Obs(idx, rd, values, label_text, stray))
    return act, app, rev


def _label_only(part: tuple[list[Cell], list[Cell], list[Cell]]) -> Cell | None:
    """The own (not repeated) last label of a row that has no values, else None."""
    labels, values, _ = part
    own = [c for c in labels if not c.repeated]
    if not own or any(c.text.strip() for c in values):
        return None
    return own[-1]


def _wrapped(
    split: list[tuple[list[Cell], list[Cell], list[Cell]]], idx: int, candidates: tuple[RowDef, ...]
) -> tuple[list[Cell], RowDef | None]:
    """A label cut by a page break: the tail (or head) stands alone in the next (previous) row.

    ``5.属于三类内部事`` + values on one page, ``务信息`` with empty cells on the next.  The joined
    label is used only when it matches where the cut label alone did not.
    """
    labels = split[idx][0]
    for other, after in ((idx + 1, True), (idx - 1, False)):
        if not 0 <= other < len(split):
            continue
        piece = _label_only(split[other])
        if piece is None:
            continue
        last = labels[-1]
        text = last.text + piece.text if after else piece.text + last.text
        joined = [*labels[:-1], Cell(text, last.loc)]
        rd = _match(joined, candidates)
        if rd is not None:
            return joined, rd
    return labels, None


# ------------------------------------------------------------------ value candidates
Cand = tuple[tuple[Number | None, str, Cell], ...]


def _may_split(run_cells: list[Cell], flat: frozenset[int]) -> bool:
    """Split digits only where cells ran together: one chunk, or chunks of a flattened line.

    Separate cells that are too few (a blank cell lost in a one-cell-per-line copy) are not
    run-together digits: cutting ``148`` into 1, 4, 8 to make up the count would be a guess.
    """
    return len(run_cells) == 1 or all(c.loc.line in flat for c in run_cells)


def _trims(values: list[Cell], n: int) -> list[int]:
    """Ways to keep n of the cells by dropping blank ones at the ends: the trailing counts.

    ``['', 258, 12, '', '', 1, 1, '']`` for 7 columns: drop the leading blank (a colspan filler
    in a pipe table) or the trailing one (a ghost column)?  Both are possible; the row alone
    cannot tell.
    """
    extra = len(values) - n
    if extra <= 0:
        return []
    out = []
    for trail in range(extra + 1):
        dropped = values[: extra - trail] + values[len(values) - trail :]
        if all(not c.text.strip() for c in dropped):
            out.append(trail)
    return out


def _trail_hint(obs: list[_Obs], n: int) -> int | None:
    """The trailing blank count the rows of one table agree on (rows of exactly n count 0)."""
    votes = set()
    for o in obs:
        if len(o.values) == n:
            votes.add(0)
        else:
            trims = _trims(o.values, n)
            if len(trims) == 1:
                votes.add(trims[0])
    return votes.pop() if len(votes) == 1 else None


def _candidates(
    values: list[Cell],
    n: int,
    trail: int | None = None,
    flat: frozenset[int] = frozenset(),
    group: int = 0,
    group_ok: Any = None,
) -> tuple[list[Cand], str]:
    """All readings of a row's value cells as n numbers; how = cell | aligned | split | bad.

    Extra blank cells at the ends are dropped; when several ways remain, ``trail`` (what the
    other rows of the table do) decides, else every way is a candidate ("aligned") and the
    cells they disagree on are left null and flagged.
    """
    cells = list(values)
    trims = _trims(cells, n)
    if len(trims) > 1 and trail in trims:
        trims = [trail]
    if trims:
        out = [
            tuple(
                (parse_value(c.text).value, c.text, c)
                for c in cells[len(cells) - n - t : len(cells) - t]
            )
            for t in trims
        ]
        return out, ("cell" if len(out) == 1 else "aligned")
    if len(cells) == n:
        cand = tuple((parse_value(c.text).value, c.text, c) for c in cells)
        return [cand], "cell"
    while cells and not cells[-1].text.strip():
        cells.pop()
    while cells and not cells[0].text.strip():
        cells.pop(0)
    texts = [c.text.strip() for c in cells if c.text.strip()]
    if (
        len(cells) < n
        and texts
        and all(_RUN_CELL.match(t) or t in digits.PLACEHOLDERS for t in texts)
        and any(_RUN_CELL.match(t) for t in texts)
    ):
        run_cells = [c for c in cells if c.text.strip()]
        if not _may_split(run_cells, flat):
            return [], "bad"
        texts = [c.text.strip() for c in run_cells]
        found, complete = digits.checked_splits(texts, n, group=group, group_ok=group_ok)
        if complete and not found and group_ok is not None:
            # the document may break its own identity: every reading, filtered later
            found, complete = digits.checked_splits(texts, n)
        if not complete:
            return [], "bad"  # too many readings to list: none can be trusted
        out = [
            tuple((v, raw, _cell_of(run_cells, sp, i)) for i, (v, raw) in enumerate(sp))
            for sp in found
        ]
        return out, ("split" if out else "bad")
    return [], "bad"


def _cell_of(run_cells: list[Cell], sp: tuple, i: int) -> Cell:
    """The chunk cell a split token came from (tokens consume chunks in order)."""
    consumed = 0
    for c in run_cells:
        chunk = c.text.strip()
        length = len(chunk)
        used = 0
        while used < length and consumed <= i:
            if consumed == i:
                return c
            used += len(sp[consumed][1])
            consumed += 1
    return run_cells[-1]


def _put(m: Mapping, keys: list[str], cands: list[Cand], how: str, label: str) -> None:
    """Store the cells all candidates agree on; null + warning for the others."""
    if not cands:
        m.warn(f"row {label!r}: values not readable", keys)
        return
    doubtful: list[str] = []
    for pos, key in enumerate(keys):
        vals = {c[pos][0] for c in cands}
        first = cands[0][pos]
        if len(vals) == 1:
            m.metrics[key] = MetricOut(key, first[0], first[1], first[2].loc.to_dict(), how)
        else:
            doubtful.append(key)
            m.metrics[key] = MetricOut(key, None, first[2].text, first[2].loc.to_dict(), how)
    if doubtful and how == "aligned":
        m.warn(
            f"row {label!r}: blank cells at both ends leave {len(cands)} column alignments; "
            "cells they disagree on left null",
            doubtful,
        )
    elif doubtful:
        m.warn(
            f"row {label!r}: run-together digits {cands[0][0][2].text!r}… admit "
            f"{len(cands)} readings; cells left null",
            doubtful,
        )


# ------------------------------------------------------------------ 表二
def _facts(keys: list[str], narrative: dict[str, Number]) -> list[tuple[list[int], Number]]:
    """The 正文 figures about these keys: (positions whose values add up to it, the figure)."""
    pos = {k: i for i, k in enumerate(keys)}
    out = []
    for fig, value in narrative.items():
        targets = figure_targets(fig)
        if all(t in pos for t in targets):
            out.append(([pos[t] for t in targets], value))
    return out


def _agrees(values: tuple[Number | None, ...], facts: list[tuple[list[int], Number]]) -> bool:
    for idx, figure in facts:
        parts = [values[i] for i in idx]
        if None in parts or abs(sum(parts) - figure) > 1e-9:  # type: ignore[arg-type]
            return False
    return True


def _by_narrative(cands: list[Cand], keys: list[str], narrative: dict[str, Number]) -> list[Cand]:
    """Keep the readings that agree with every figure the 正文 states for these keys.

    Used only to settle an ambiguous split: when no reading agrees, all are kept (and stay
    ambiguous), so the narrative never overrides what the table prints.  A figure may state
    a sum (行政诉讼案件7件 = both 诉讼 totals; 予以公开及部分公开42件).
    """
    facts = _facts(keys, narrative)
    if len(cands) < 2 or not facts:
        return cands
    ok = [c for c in cands if _agrees(tuple(v for v, _, _ in c), facts)]
    return ok or cands


def _readings(cands: list[Cand]) -> set[tuple[Number | None, ...]]:
    """The distinct number tuples a row's candidates give (to compare two copies of a row)."""
    return {tuple(v for v, _, _ in c) for c in cands}


def _map_active(m: Mapping, obs: list[_Obs], narrative: dict[str, Number]) -> None:
    done: dict[str, set[tuple[Number | None, ...]]] = {}
    for o in obs:
        rd = o.rowdef
        assert rd is not None
        cands, how = _candidates(o.values, len(rd.columns), flat=m.flat_lines)
        if rd.key in done:
            if how != "bad" and _readings(cands) != done[rd.key]:
                m.warn(
                    f"表二 row {o.label!r} printed again with other numbers; first kept",
                    rd.cell_keys(),
                )
            continue
        if how == "bad":
            m.warn(
                f"表二 row {o.label!r}: {len(o.values)} value cells, expected {len(rd.columns)}",
                rd.cell_keys(),
            )
            continue
        done[rd.key] = _readings(cands)
        m.tables_seen.add("表二")
        if how == "split":
            cands = _by_narrative(cands, rd.cell_keys(), narrative)
        _put(m, rd.cell_keys(), cands, how, o.label)


# ------------------------------------------------------------------ 表三
def _other_split(obs: list[_Obs], template: str) -> bool:
    if any(o.rowdef in APP_OTHER_SPLIT for o in obs):
        return True
    if any(o.rowdef is APP_OTHER_SINGLE for o in obs):
        return False
    return template == "2021"


_SUBTOTAL = ("小计", "合计")
_ORG_HEADS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构")


def _subtotal_position(doc: ParsedDocument, obs: list[_Obs]) -> int | None:
    """Where a 法人或其他组织 小计 column sits among 8 value columns (1 or 6), from the header.

    Some reports add a 小计 column the template does not have; it must be dropped, not read as
    总计 (or shift every column).  Only the header printed just above 表三 decides.
    """
    if not obs:
        return None
    first = obs[0].idx
    texts: list[str] = []
    for row in doc.rows[max(0, first - 6) : first + 1]:
        texts += [label_norm(c.text) for c in row.cells if c.text.strip()]
    sub = next((i for i, t in enumerate(texts) if t in _SUBTOTAL), None)
    orgs = [i for i, t in enumerate(texts) if t in _ORG_HEADS]
    if sub is None or not orgs:
        return None
    return 6 if sub > max(orgs) else 1 if sub < min(orgs) else None


def _drop_subtotal(m: Mapping, obs: list[_Obs], pos: int) -> None:
    """Drop the 小计 cell of 8-cell rows; a 小计 that is not the sum of its columns is flagged."""
    trail = _trail_hint(obs, 8)
    for o in obs:
        trims = _trims(o.values, 8) if len(o.values) > 8 else [0] if len(o.values) == 8 else []
        if len(trims) > 1 and trail in trims:
            trims = [trail]
        if len(trims) != 1:
            continue  # not a row of 8 (or its alignment is open): left to the 7-cell reading
        end = len(o.values) - trims[0]
        vals = list(o.values[end - 8 : end])
        sub = vals.pop(pos)
        o.values = vals
        orgs = [parse_value(c.text).value for c in vals[1:6]]
        total = parse_value(sub.text).value
        if None not in orgs and total is not None and abs(sum(orgs) - total) > 1e-9:  # type: ignore
            keys = o.rowdef.cell_keys() if o.rowdef else []
            m.warn(
                f"row {o.label!r}: 小计 {sub.text!r} is not the sum of the five organisation "
                "columns; column alignment doubtful",
                keys,
            )
    m.warn(
        f"表三 has a 小计 column (value column {pos + 1}); it is not a template cell and "
        "was left out"
    )


_AppRows = dict[str, tuple[list[Cand], str, str]]  # row key -> (readings, how, label)


def _map_app(
    m: Mapping, obs: list[_Obs], narrative: dict[str, Number], subtotal: int | None = None
) -> None:
    """表三: labelled rows anchor the template order, unlabelled rows fill the gaps, then the
    identities and the 正文 figures settle the split readings."""
    if not obs:
        return
    m.tables_seen.add("表三")
    if subtotal is not None:
        _drop_subtotal(m, obs, subtotal)
    seq = app_rows(m.other_split)
    trail = _trail_hint(obs, 7)
    rows, anchors = _anchor_rows(m, obs, seq, trail)
    _fill_gaps(m, obs, seq, anchors, trail, rows)
    _solve_app(m, rows, narrative)


def _anchor_rows(
    m: Mapping, obs: list[_Obs], seq: tuple[RowDef, ...], trail: int | None
) -> tuple[_AppRows, list[tuple[int, int]]]:
    """The labelled rows read in template order, and where they stand: (position in obs,
    template index); a stray, misfit, unreadable, repeated or out-of-order row is named."""
    order = {rd.key: i for i, rd in enumerate(seq)}
    rows: _AppRows = {}
    anchors: list[tuple[int, int]] = []
    last_t = -1
    for pos, o in enumerate(obs):
        if o.stray:
            m.warn(
                f"stray cell(s) {[c.text for c in o.stray]} before row {o.label!r} ignored",
                o.rowdef.cell_keys() if o.rowdef else [],
            )
        if o.rowdef is None:
            continue
        t = order.get(o.rowdef.key)
        if t is None:
            m.warn(
                f"row {o.label!r} does not fit the （六） layout of this table; ignored",
                o.rowdef.cell_keys(),
            )
            continue
        cands, how = _candidates(o.values, 7, trail, m.flat_lines, 7, digits.row_sum_ok)
        if how == "bad":
            m.warn(
                f"表三 row {o.label!r}: {len([c for c in o.values if c.text.strip()])} "
                "value cells, expected 7; row not used",
                o.rowdef.cell_keys(),
            )
            continue
        if t <= last_t or o.rowdef.key in rows:
            _warn_repeated(m, o, rows, cands)
            continue
        rows[o.rowdef.key] = (cands, how, o.label)
        anchors.append((pos, t))
        last_t = t
    return rows, anchors


def _warn_repeated(m: Mapping, o: _Obs, rows: _AppRows, cands: list[Cand]) -> None:
    """A row printed again (or out of order): the later copy is ignored, named if it differs."""
    assert o.rowdef is not None
    earlier = rows.get(o.rowdef.key)
    same = earlier is not None and _readings(earlier[0]) == _readings(cands)
    m.warn(
        f"表三 row {o.label!r} repeated or out of order; later copy ignored"
        + ("" if same else " (its numbers differ)"),
        [] if same else o.rowdef.cell_keys(),
    )


def _fill_gaps(
    m: Mapping,
    obs: list[_Obs],
    seq: tuple[RowDef, ...],
    anchors: list[tuple[int, int]],
    trail: int | None,
    rows: _AppRows,
) -> None:
    """Unlabelled value rows fill the gaps between anchors when the counts match exactly."""
    bounds = [(-1, -1), *anchors, (len(obs), len(seq))]
    for (p0, t0), (p1, t1) in itertools.pairwise(bounds):
        fillers = [o for o in obs[p0 + 1 : p1] if o.rowdef is None]
        fillers = [o for o in fillers if any(c.text.strip() for c in o.values)]
        gap = seq[t0 + 1 : t1]
        if not fillers:
            continue
        read = [(o, _candidates(o.values, 7, trail, m.flat_lines)) for o in fillers]
        usable = [(o, cands) for o, (cands, how) in read if how != "bad"]
        if len(usable) == len(gap) == len(fillers):
            for (_o, cands), rd in zip(usable, gap, strict=True):
                rows[rd.key] = (cands, "aligned", rd.label)
        else:
            keys = [k for rd in gap for k in rd.cell_keys()]
            m.warn(
                f"{len(fillers)} unlabelled 表三 value row(s) cannot be aligned to "
                f"{len(gap)} template row(s); left out",
                keys,
            )


def _solve_app(
    m: Mapping, rows: dict[str, tuple[list[Cand], str, str]], narrative: dict[str, Number]
) -> None:
    """Filter split readings by the row identity, then the column identities, then store."""
    cand_rows = {
        key: _row_readings(key, cands, how, narrative) for key, (cands, how, _) in rows.items()
    }
    _narrow_by_columns(cand_rows, m.other_split, narrative)
    for key, cands in cand_rows.items():
        how, label = rows[key][1], rows[key][2]
        _put(m, [f"{key}.{c}" for c in _COLS], cands, how, label)


def _row_readings(
    key: str, cands: list[Cand], how: str, narrative: dict[str, Number]
) -> list[Cand]:
    """A row's readings that keep its own identity (六 columns = 总计) and its 正文 figures."""
    if how not in ("split", "aligned"):
        return cands
    ok = [c for c in cands if digits.row_sum_ok(tuple(v for v, _, _ in c))]
    return _by_narrative(ok or cands, [f"{key}.{c}" for c in _COLS], narrative)


def _narrow_by_columns(
    cand_rows: dict[str, list[Cand]], other_split: bool, narrative: dict[str, Number]
) -> None:
    """Keep, for each ambiguous row, the readings that some table-wide combination allows.

    Every combination of the ambiguous rows' readings is tried against the column identities.
    An identity that every combination breaks by the same amount is one the document itself
    breaks, whatever the readings (a report may leave the 总计 column of result rows blank):
    it says nothing, so it is not used.  One the readings move but none keeps (a run with a
    digit too many) keeps every reading open.  The
    combinations that keep every other identity, and the 正文 figures spanning rows when any
    combination agrees with them, decide; an identity never overrides what the rows print.
    """
    ambiguous = [k for k, c in cand_rows.items() if len(c) > 1]
    size = 1
    for k in ambiguous:
        size *= len(cand_rows[k])
    if not ambiguous or size > MAX_COMBOS:
        return
    fixed = {k: c[0] for k, c in cand_rows.items() if len(c) == 1}
    broken = _broken_identities(cand_rows, ambiguous, fixed, other_split)
    valid = []
    for combo in itertools.product(*(cand_rows[k] for k in ambiguous)):
        trial = dict(fixed)
        trial.update(zip(ambiguous, combo, strict=True))
        if any(name not in broken for name, _ in _column_failures(trial, other_split)):
            continue
        valid.append((combo, _stated(trial, narrative)))
    if any(ok for _, ok in valid):
        valid = [v for v in valid if v[1]]
    for pos, k in enumerate(ambiguous):
        keep = [c for c in cand_rows[k] if any(combo[pos] is c for combo, _ in valid)]
        if keep:
            cand_rows[k] = keep


_COLS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
)


def _stated(trial: dict[str, Cand], narrative: dict[str, Number]) -> bool:
    """Whether the rows of a trial agree with every 正文 figure that spans 表三 rows."""
    for fig, figure in narrative.items():
        targets = figure_targets(fig)
        if len(targets) < 2 or not all(t.startswith("app.") for t in targets):
            continue
        parts = []
        for t in targets:
            row, col = t.rsplit(".", 1)
            c = trial.get(row)
            parts.append(None if c is None or col not in _COLS else c[_COLS.index(col)][0])
        if None in parts:
            continue
        if abs(sum(parts) - figure) > 1e-9:  # type: ignore[arg-type]
            return False
    return True


def _cell_count(c: Cand | None, ci: int) -> Number | None:
    """A cell's count in a row reading: a placeholder or blank (nothing to count) is 0; a row
    that is not read, or a cell that is not a number, is unknown (None)."""
    if c is None:
        return None
    value, raw = c[ci][0], c[ci][1].strip()
    if value is None and (not raw or raw in digits.PLACEHOLDERS):
        return 0
    return value


_BALANCE = (APP_NEW.key, APP_CARRIED_OVER.key, APP_TOTAL.key, APP_CARRIED_FORWARD.key)


def _column_failures(trial: dict[str, Cand], other_split: bool) -> Iterator[tuple[str, Number]]:
    """The column identities a trial breaks, each with its difference, lazily:
    ``balance.<col>`` (一 + 二 = 三(七) + 四) and ``results.<col>`` (三(一)…(六) = (七)总计);
    an identity with an unknown cell is kept."""
    res = [rd.key for rd in result_rows(other_split)]
    for ci, col in enumerate(_COLS):
        # the balance has no parts side: only printed numbers take part (a report may print
        # ``/`` for a 结转 total that is not 0)
        a, b, t, f = (trial[k][ci][0] if k in trial else None for k in _BALANCE)
        if None not in (a, b, t, f) and abs(a + b - t - f) > 1e-9:  # type: ignore[operator]
            yield f"balance.{col}", a + b - t - f  # type: ignore[operator]
        parts = [_cell_count(trial.get(k), ci) for k in res]
        if t is not None and None not in parts and abs(sum(parts) - t) > 1e-9:  # type: ignore
            yield f"results.{col}", sum(parts) - t  # type: ignore


def _broken_identities(
    cand_rows: dict[str, list[Cand]],
    ambiguous: list[str],
    fixed: dict[str, Cand],
    other_split: bool,
) -> set[str]:
    """The column identities the document itself breaks: one reading breaks them, and no row
    in doubt reads the cells they sum differently, so every reading breaks them alike."""
    first = dict(fixed)
    first.update({k: cand_rows[k][0] for k in ambiguous})
    res = [rd.key for rd in result_rows(other_split)]
    out = set()
    for name, _ in _column_failures(first, other_split):
        kind, col = name.split(".")
        ci = _COLS.index(col)
        keys = _BALANCE if kind == "balance" else (*res, APP_TOTAL.key)
        moved = any(
            len({c[ci][0] if kind == "balance" else _cell_count(c, ci) for c in cand_rows[k]}) > 1
            for k in keys
            if k in ambiguous
        )
        if not moved:
            out.add(name)
    return out


# ------------------------------------------------------------------ 表四
def _review_group(label: str) -> str | None:
    """The 表四 group a row label names, when a report prints 表四 as three rows of five."""
    if "复议后" in label:
        return "litigation_after_review"
    if "未经复议" in label or "直接起诉" in label:
        return "litigation_direct"
    if "复议" in label and "诉讼" not in label:
        return "review"
    return None


_GROUP_KEYS = ("review", "litigation_direct", "litigation_after_review")


def _review_by_rows(obs: list[_Obs]) -> dict[str, list[Cell]] | None:
    """表四 as three labelled rows (复议, 直接起诉, 复议后起诉): each group's value cells, or None.

    A row holds five cells, or fewer when its digits ran together (``行政复议 21104``).
    """
    found: dict[str, list[Cell]] = {}
    for o in obs:
        g = _review_group(o.label)
        vals = list(o.values)
        while len(vals) > 5 and not vals[-1].text.strip():
            vals.pop()
        if g is None or len(vals) > 5 or not any(c.text.strip() for c in vals):
            continue
        if g in found:
            return None  # two rows claim one group: do not guess
        found[g] = vals
    return found if len(found) == 3 else None


def _review_rows_readings(
    m: Mapping, groups: dict[str, list[Cell]]
) -> tuple[list[Cand], str] | None:
    """The 15-cell readings of 表四's three rows: each row read (or split under its own
    total) alone, then combined; None when a row cannot be read or the readings are too many."""
    per = [
        _candidates(groups[g], 5, flat=m.flat_lines, group=5, group_ok=digits.review_ok)
        for g in _GROUP_KEYS
    ]
    size = 1
    for cands, how in per:
        size *= len(cands)
        if how == "bad" or not cands:
            return None
    if size > MAX_COMBOS:
        return None
    hows = {how for _, how in per}
    how = "split" if "split" in hows else "aligned" if "aligned" in hows else "cell"
    combos = [
        tuple(x for part in combo for x in part)
        for combo in itertools.product(*(c for c, _ in per))
    ]
    return combos, how


def _map_review(m: Mapping, obs: list[_Obs], narrative: dict[str, Number]) -> None:
    if not obs:
        return
    by_rows = _review_by_rows(obs)
    read = _review_rows_readings(m, by_rows) if by_rows is not None else None
    if read is not None:
        m.tables_seen.add("表四")
        cands, how = read
        if how == "split":
            ok = [c for c in cands if digits.review_ok(tuple(v for v, _, _ in c))]
            cands = _by_narrative(ok or cands, list(REVIEW_KEYS), narrative)
        _put(m, list(REVIEW_KEYS), cands, how, "表四")
        return
    cells: list[Cell] = []
    for o in obs:
        cells.extend(c for c in o.values)
        filled = [c for c in cells if c.text.strip()]
        if len(filled) >= 15 or (
            filled
            and all(_RUN_CELL.match(c.text.strip()) for c in filled)
            and sum(len(c.text.strip()) for c in filled) >= 15
        ):
            break
    cands, how = _candidates(cells, 15, flat=m.flat_lines, group=5, group_ok=digits.review_ok)
    if how == "bad":
        # whole-table rows may carry trailing blanks; retry on the non-empty cells
        cands, how = _candidates(
            [c for c in cells if c.text.strip()],
            15,
            flat=m.flat_lines,
            group=5,
            group_ok=digits.review_ok,
        )
    keys = list(REVIEW_KEYS)
    if how == "bad" or not cands:
        m.warn(f"表四: {len(cells)} value cells found, expected 15; not mapped", keys)
        return
    m.tables_seen.add("表四")
    if how == "split":
        ok = [c for c in cands if digits.review_ok(tuple(v for v, _, _ in c))]
        cands = _by_narrative(ok or cands, keys, narrative)
    _put(m, keys, cands, how, "表四")


# ------------------------------------------------------------------ entry point
def map_document(
    doc: ParsedDocument, *, year: int | None, narrative: dict[str, Number] | None = None
) -> Mapping:
    """Map a parsed document's rows to canonical metrics."""
    narrative = narrative or {}
    template = detect_template(doc, year)
    if template in (None, "legacy"):
        return Mapping(template, False)
    act, app, rev = _classify(doc, template)
    m = Mapping(template, _other_split(app, template))
    m.flat_lines = frozenset(doc.meta.get("flattened_lines") or ())
    m.other_known = any(o.rowdef in (*APP_OTHER_SPLIT, APP_OTHER_SINGLE) for o in app)
    _map_active(m, act, narrative)
    _map_app(m, app, narrative, _subtotal_position(doc, app))
    _map_review(m, rev, narrative)
    return m
