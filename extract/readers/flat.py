"""A report flattened onto one line: find the template's row labels, cut the tables between them.

Why: text copies of web pages sometimes hold a whole report in one paragraph: title, 正文, the
three tables with every cell run together (``规章000行政规范性文件693665…一、本年新收政府信息公开
申请数量801000081…``), sections 五/六.  Cutting that line at every digit run turns the 正文's
numbers into table rows (``本年新收政府信息公开申请81件`` looks like a 表三 row).  This reader
instead looks for the printed row labels *in template order*, each after the one before and the
tables' own headers (``第二十条第（一）项 信息内容``, ``申请人情况``), and takes as a row's values
only the run of value characters that follows its label.  The run is left whole: the mapping
splits it under the template identities and the 正文 figures (extract.digits), or leaves it null.

（六）其他处理 is read as three rows when its sub-row labels are present, else as one row.
An item number glued to the previous run (``…00000002.其他法律…``) is given back to its label
only when it is the number the template prints for the next row.
"""

from __future__ import annotations

import re
import unicodedata

from extract.cells import Cell, Location, Row
from extract.template import simplified

# Where each table starts (searched in normalized text); the rows are searched after it.
_T2_START = re.compile(r"第二十条第.{0,8}?项.{0,8}?信息内容|信息内容.{0,8}?本年(?:制发|新制作)")
_T3_START = re.compile(r"申请人情况|本年新收")
_T3_HEADER = re.compile(r"申请人情况")
_T4_START = re.compile(r"行政复议")
_T4_END = re.compile(r"五、|存在的主要问题|(?:\(|（)五(?:\)|）)存在")

# Row needles in template order: (row key, needle, printed item number or None).
_T2_2021: tuple[tuple[str, str, int | None], ...] = (
    ("active.regulations", r"规章", None),
    ("active.normative_docs", r"规范性文件", None),
    ("active.licensing", r"行政许可", None),
    ("active.punishment", r"行政处罚", None),
    ("active.coercion", r"行政强制", None),
    ("active.fees", r"行政事业性收费", None),
)
_T2_2019: tuple[tuple[str, str, int | None], ...] = (
    ("active.regulations", r"规章", None),
    ("active.normative_docs", r"规范性文件", None),
    ("active.licensing", r"行政许可", None),
    ("active.other_services", r"其他对外管理服务事项", None),
    ("active.punishment", r"行政处罚", None),
    ("active.coercion", r"行政强制", None),
    ("active.fees", r"行政事业性收费", None),
    ("active.procurement", r"政府集中采购", None),
)
_T3_HEAD: tuple[tuple[str, str, int | None], ...] = (
    ("app.new", r"本年新收", None),
    ("app.carried_over", r"上年结转", None),
    ("app.result.disclosed", r"予以公开", None),
    ("app.result.partial", r"部分公开", None),
    ("app.result.withheld.state_secret", r"国家秘密", 1),
    ("app.result.withheld.prohibited_by_law", r"禁止", 2),
    ("app.result.withheld.security_stability", r"危及|三安全一稳定", 3),
    ("app.result.withheld.third_party", r"第三方", 4),
    ("app.result.withheld.internal_affairs", r"内部事务", 5),
    ("app.result.withheld.process_info", r"过程性", 6),
    ("app.result.withheld.enforcement_file", r"执法案卷", 7),
    ("app.result.withheld.inquiry", r"查询事项", 8),
    ("app.result.unable.not_held", r"不掌握", 1),
    ("app.result.unable.needs_creation", r"没有现成|另行制作", 2),
    ("app.result.unable.unclear", r"补正后|不明确", 3),
    ("app.result.rejected.complaint", r"信访|投诉", 1),
    ("app.result.rejected.duplicate", r"重复申请", 2),
    ("app.result.rejected.publication", r"出版物", 3),
    ("app.result.rejected.excessive", r"大量反复", 4),
    ("app.result.rejected.confirm_reissue", r"确认或|重新出具", 5),
)
_T3_OTHER_SPLIT: tuple[tuple[str, str, int | None], ...] = (
    ("app.result.other.no_correction", r"逾期不补正", 1),
    ("app.result.other.no_fee", r"缴纳费用|收费通知|未缴费|未缴纳", 2),
    ("app.result.other.other", r"其他(?!处理)", 3),
)
_T3_OTHER_SINGLE = (("app.result.other", r"其他处理", None),)
_T3_TAIL: tuple[tuple[str, str, int | None], ...] = (
    ("app.result.total", r"总计", None),
    ("app.carried_forward", r"结转下年|下年度", None),
)

# A run of value characters: digits, decimal points, separators, placeholders, units.
_VALUE_RUN = re.compile(r"(?:[0-9.,\s/—–\-]|件|宗|万元|元|个|项|无(?!法|正当))+")
_TOKEN = re.compile(r"-?\d[\d.,]*(?:万元|元|件|宗|个|项)?|[/—–\-]|无")
_MAX_LABEL_TAIL = 70  # characters from a needle to its values: longer is prose, not a row
MIN_ROWS = 6  # fewer 表三 rows than this: not a flattened report table (use the old cutter)


def _normalized(line: str) -> str:
    """Same-length normalization for searching: simplified characters, NFKC per character."""
    out = []
    for ch in simplified(line):
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out).replace("．", ".")


class _Cutter:
    """Walk one normalized line, finding rows in order and cutting their value runs."""

    def __init__(self, line: str, norm: str, lineno: int) -> None:
        self.line, self.norm, self.lineno = line, norm, lineno
        self.rows: list[Row] = []
        self.pos = 0  # where the previous row's values ended
        self.found: list[str] = []

    def _cell(self, start: int, end: int, col: int) -> Cell:
        return Cell(self.line[start:end].strip(), Location(line=self.lineno, col=col))

    def find(self, needle: str, limit: int) -> tuple[int, int, int] | None:
        """(needle start, label end, values end) of the next row labelled by ``needle``."""
        for m in re.finditer(needle, self.norm[self.pos : limit]):
            start = self.pos + m.start()
            for v in _VALUE_RUN.finditer(self.norm, start + len(m.group(0)), limit):
                if v.start() - start > _MAX_LABEL_TAIL:
                    break
                if re.search(r"\d|/|—|–|-|无", v.group(0)):
                    return start, v.start(), v.end()
        return None

    def emit(self, key: str, hit: tuple[int, int, int], next_item: int | None, first: bool) -> None:
        """One row: [label, value tokens…].  The label is the text since the previous row's
        values (group labels and item numbers included); before a table's first row, that text
        is the table's header, kept as a row of its own."""
        start, label_end, end = hit
        label_start = self.pos
        if first:
            if self.line[self.pos : start].strip():
                self.rows.append(Row([self._cell(self.pos, start, 0)]))
            label_start = start
        values = self.norm[label_end:end]
        if next_item is not None:
            m = re.search(rf"{next_item}\s*[.、]\s*$", values)
            if m:  # the next row's printed item number, glued to this run
                end = label_end + m.start()
                values = values[: m.start()]
        cells = [self._cell(label_start, label_end, 0)]
        for t in _TOKEN.finditer(values):
            raw = self.line[label_end + t.start() : label_end + t.end()]
            cells.append(Cell(raw, Location(line=self.lineno, col=len(cells))))
        self.rows.append(Row(cells))
        self.found.append(key)
        self.pos = end

    def walk(
        self,
        rows: tuple[tuple[str, str, int | None], ...],
        limit: int,
        after: tuple[tuple[str, str, int | None], ...] = (),
        first: bool = False,
    ) -> None:
        """Find ``rows`` in order before ``limit``; a row not found is skipped (and reported
        missing by the mapping), and the search for the next one starts where the last ended."""
        seq = list(rows)
        for i, (key, needle, _item) in enumerate(seq):
            hit = self.find(needle, limit)
            if hit is None:
                continue
            nxt = seq[i + 1][2] if i + 1 < len(seq) else (after[0][2] if after else None)
            self.emit(key, hit, nxt, first)
            first = False


def flat_rows(line: str, lineno: int) -> list[Row] | None:
    """Rows of the tables in one flattened line, or None when its 表三 labels are not there."""
    norm = _normalized(line)
    if len(norm) != len(line):
        return None
    cut = _Cutter(line, norm, lineno)
    t2 = _T2_START.search(norm)
    t3_from = 0
    if t2 is not None:
        cut.pos = t2.start()
        t3 = _T3_START.search(norm, t2.end())
        limit = t3.start() if t3 else len(norm)
        two019 = "本年新制作" in norm[t2.start() : limit]
        cut.walk(_T2_2019 if two019 else _T2_2021, limit, first=True)
        t3_from = max(cut.pos, limit if t3 else cut.pos)
    # the table's own header first: the 正文 may say 本年新收…申请81件 before the table
    t3 = _T3_HEADER.search(norm, t3_from) or _T3_START.search(norm, t3_from)
    if t3 is None:
        return None
    cut.pos = max(cut.pos, t3.start())
    t3_rows_before = len(cut.found)
    end_t3 = _table_three_end(norm, cut.pos)
    cut.walk(_T3_HEAD, end_t3, after=_T3_OTHER_SPLIT, first=True)
    # （六）: three sub-rows when their labels are there, else one row
    total = re.search(r"总计", norm[cut.pos : end_t3])
    other_limit = cut.pos + total.start() if total else end_t3
    if cut.find(_T3_OTHER_SPLIT[0][1], other_limit) or cut.find(_T3_OTHER_SPLIT[1][1], other_limit):
        cut.walk(_T3_OTHER_SPLIT, other_limit)
    else:
        cut.walk(_T3_OTHER_SINGLE, other_limit)
    cut.walk(_T3_TAIL, end_t3)
    if len(cut.found) - t3_rows_before < MIN_ROWS:
        return None
    _review_rows(cut)
    return cut.rows


def _table_three_end(norm: str, start: int) -> int:
    """表三 ends where 表四's heading (四、…行政复议) begins, else at the end of the line."""
    m = re.search(r"四、[^0-9]{0,12}?行政复议|政府信息公开行政复议", norm[start:])
    return start + m.start() if m else len(norm)


def _review_rows(cut: _Cutter) -> None:
    """表四: from its heading to section 五, every value run with the text before it as label."""
    t4 = _T4_START.search(cut.norm, cut.pos)
    if t4 is None:
        return
    end = _T4_END.search(cut.norm, t4.end())
    limit = end.start() if end else len(cut.norm)
    pos = cut.pos
    for v in _VALUE_RUN.finditer(cut.norm, t4.start(), limit):
        if not re.search(r"\d|/|—|–|-|无", v.group(0)):
            continue
        cells = [cut._cell(pos, v.start(), 0)]
        for t in _TOKEN.finditer(v.group(0)):
            raw = cut.line[v.start() + t.start() : v.start() + t.end()]
            cells.append(Cell(raw, Location(line=cut.lineno, col=len(cells))))
        cut.rows.append(Row(cells))
        pos = v.end()
    if pos < limit and cut.line[pos:limit].strip():
        cut.rows.append(Row([cut._cell(pos, limit, 0)]))
