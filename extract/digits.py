"""Split run-together digit strings into numbers.

Why: text archives of HTML pages concatenate table cells (``640020470`` = 64,0,0,2,0,4,70).
The split is only trusted when the template identities leave exactly one choice, so this module
enumerates *every* well-formed split; callers filter with identities and keep a cell only when
all surviving splits agree on it.  Whitespace inside a run is a real cell boundary.

What narrows the readings, as a careful reader would (and nothing else, no "numbers are
usually small"):

* a printed count has no leading zero (``05``), a decimal has digits on both sides;
* 表三's row sum (six columns = 总计) and 表四's group sums (维持+纠正+其他+尚未审结 = 总计),
  here, where a placeholder part (``/``) counts 0 and a placeholder total states no sum;
* 表三's column sums, across rows (extract.mapping: 三(一)…(六) = (七), 一 + 二 = 三(七) + 四);
* the figures the 正文 states (totals, 表二's 制发/废止/现行有效 lists, 表四 outcomes; see
  extract.checks and extract.figures), while the 正文 agrees with the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

Number = int | float
MAX_SPLITS = 200_000
_LEADING_ZERO = re.compile(r"^-?0\d")


def _token_ok(tok: str) -> bool:
    """A printed count never has a leading zero ("05"); decimals need digits on both sides."""
    tok = tok[1:] if tok.startswith("-") else tok
    if not tok or tok.count(".") > 1 or tok.startswith(".") or tok.endswith("."):
        return False
    int_part = tok.split(".")[0]
    return not (len(int_part) > 1 and int_part[0] == "0")


def _as_number(tok: str) -> Number:
    return float(tok) if "." in tok else int(tok)


def _pieces(chunk: str) -> list[str]:
    """A minus sign is a boundary: ``35-15`` is 35 then -15 (本年增/减 may be negative)."""
    return [p for p in re.split(r"(?=-\d)", chunk) if p]


def _split_chunk(chunk: str, k: int) -> Iterator[list[str]]:
    """All ways to cut one chunk into k well-formed tokens."""
    if k == 1:
        if _token_ok(chunk):
            yield [chunk]
        return
    start = 2 if chunk.startswith("-") else 1
    for i in range(start, len(chunk) - k + 2):
        head = chunk[:i]
        if not _token_ok(head):
            if head.lstrip("-")[:1] == "0" and len(head.lstrip("-")) > 1:
                return  # longer heads only add digits after the leading zero
            continue
        for rest in _split_chunk(chunk[i:], k - 1):
            yield [head, *rest]


def splits(
    chunks: list[str], n: int, limit: int = MAX_SPLITS
) -> list[tuple[tuple[Number | None, str], ...]]:
    """Every way to read ``chunks`` (whitespace-separated runs) as exactly ``n`` numbers.

    Each result is a tuple of (number, raw token).  Stops at ``limit`` results (callers treat a
    truncated enumeration as ambiguous: see :func:`checked_splits`).
    """
    return checked_splits(chunks, n, limit)[0]


def _is_placeholder(chunk: str) -> bool:
    """An empty-cell mark between runs (``/``, ``—``, ``无``): exactly one null cell."""
    return chunk in PLACEHOLDERS


PLACEHOLDERS = frozenset({"/", "／", "—", "–", "-", "－", "无"})


def _value(tok: str) -> Number | None:
    return None if _is_placeholder(tok) else _as_number(tok)


def checked_splits(
    chunks: list[str],
    n: int,
    limit: int = MAX_SPLITS,
    *,
    group: int = 0,
    group_ok: Callable[[tuple[Number | None, ...]], bool] | None = None,
) -> tuple[list[tuple[tuple[Number | None, str], ...]], bool]:
    """(readings, complete): every reading of ``chunks`` as ``n`` numbers, and whether the
    enumeration finished (False: ``limit`` was hit, so the list may miss readings).

    With ``group``/``group_ok``, each completed group of ``group`` numbers must pass
    ``group_ok`` (a 表三 row's six columns add up to 总计; a 表四 group's four results to its
    total); readings are pruned as soon as a group fails, so long runs stay enumerable.
    """
    pieces = [p for c in chunks if c for p in ([c] if _is_placeholder(c) else _pieces(c))]
    if not pieces or n < len(pieces) or n > sum(len(c.replace(".", "")) for c in pieces):
        return [], True
    splitter = _Splitter(pieces, n, limit, group, group_ok)
    splitter.rec(0, 0, [])
    return splitter.out, splitter.complete


class _Splitter:
    """The depth-first enumeration behind :func:`checked_splits`, one concern per method."""

    def __init__(
        self,
        pieces: list[str],
        n: int,
        limit: int,
        group: int,
        group_ok: Callable[[tuple[Number | None, ...]], bool] | None,
    ) -> None:
        self.pieces, self.n, self.limit = pieces, n, limit
        self.group, self.group_ok = group, group_ok
        self.out: list[tuple[tuple[Number | None, str], ...]] = []
        self.complete = True

    def rec(self, ci: int, off: int, acc: list[str]) -> None:
        if self._pruned(acc):
            return
        ci, off, chunk = self._advance(ci, off)
        left = self.n - len(acc)
        if ci == len(self.pieces):
            if left == 0:
                self.out.append(tuple((_value(t), t) for t in acc))
            return
        if _is_placeholder(chunk):
            if left >= 1:
                self.rec(ci + 1, 0, [*acc, chunk])
            return
        if self._room(ci, off, chunk, left):
            self._tokens(ci, off, chunk, acc)

    def _pruned(self, acc: list[str]) -> bool:
        """Stop at the limit (the enumeration is then incomplete) or on a failed group."""
        if len(self.out) >= self.limit:
            self.complete = False
            return True
        group, ok = self.group, self.group_ok
        return bool(
            group
            and acc
            and len(acc) % group == 0
            and ok is not None
            and not ok(tuple(_value(t) for t in acc[-group:]))
        )

    def _advance(self, ci: int, off: int) -> tuple[int, int, str]:
        """Step past a chunk that is used up."""
        pieces = self.pieces
        chunk = pieces[ci] if ci < len(pieces) else ""
        if ci < len(pieces) and off == len(chunk):
            ci, off = ci + 1, 0
            chunk = pieces[ci] if ci < len(pieces) else ""
        return ci, off, chunk

    def _room(self, ci: int, off: int, chunk: str, left: int) -> bool:
        """Enough numbers left for every remaining chunk, and enough digits for the numbers."""
        if left < len(self.pieces) - ci:
            return False  # every remaining chunk needs a token of its own
        rest_digits = len(chunk[off:].replace(".", "").lstrip("-")) + sum(
            1 if _is_placeholder(c) else len(c.replace(".", "").lstrip("-"))
            for c in self.pieces[ci + 1 :]
        )
        return left <= rest_digits

    def _tokens(self, ci: int, off: int, chunk: str, acc: list[str]) -> None:
        """Every next token the chunk admits, each followed by the rest of the reading."""
        start = off + (1 if chunk.startswith("-", off) else 0)
        for end in range(start + 1, len(chunk) + 1):
            tok = chunk[off:end]
            if not _token_ok(tok):
                if _LEADING_ZERO.match(tok):
                    return  # longer tokens only add digits after a leading zero
                continue
            if end < len(chunk) and chunk[end] == ".":
                continue  # a token never ends right before a decimal point
            self.rec(ci, end, [*acc, tok])


def agreed(cands: list[tuple[Number | None, ...]]) -> list[Number | None]:
    """Per position: the value all candidates share, else None."""
    if not cands:
        return []
    out: list[Number | None] = []
    for pos in range(len(cands[0])):
        vals = {c[pos] for c in cands}
        out.append(next(iter(vals)) if len(vals) == 1 else None)
    return out


def _sums(parts: tuple[Number | None, ...], total: Number | None) -> bool:
    """``parts`` add up to ``total``; a placeholder (``/``, ``—``: nothing to count) is 0.

    A placeholder total states no sum, so it constrains nothing.
    """
    if total is None:
        return True
    return abs(sum(v or 0 for v in parts) - total) < 1e-9


def row_sum_ok(values: tuple[Number | None, ...]) -> bool:
    """表三 row identity: the six applicant columns add up to 总计."""
    return _sums(values[:6], values[6])


def review_ok(values: tuple[Number | None, ...]) -> bool:
    """表四: in each group of five, total == upheld + corrected + other + pending."""
    return all(_sums(values[g : g + 4], values[g + 4]) for g in range(0, len(values) - 4, 5))


def filter_splits(
    cands: list[tuple[tuple[Number, str], ...]], ok: Callable[[tuple[Number | None, ...]], bool]
) -> list[tuple[tuple[Number, str], ...]]:
    return [c for c in cands if ok(tuple(v for v, _ in c))]
