"""Turn a table of merged cells (rowspan/colspan) into faithful :class:`Row` lists.

Every tabular reader (HTML, DOCX, PDF) ends up with the same problem: a printed table whose
cells span rows and columns.  The template mapping reads a row as "labels, then trailing
values", so the expansion policy is chosen for that rule:

* a cell spanning k columns is emitted ONCE (its ``colspan`` recorded): repeating it would
  duplicate a value and shift the trailing values;
* a cell spanning rows is repeated in every row it covers when it is a label (so each row keeps
  its 三、本年度办理结果 / （三）不予公开 prefix), but a value spanning rows is emitted in its
  first row only and as an empty cell below, never copied into another row's numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from extract.cells import Cell, Location, Row

MAX_SPAN = 1000  # hostile rowspan="999999" must not allocate a giant grid

_VALUEISH_RE = re.compile(
    r"^[\s\d０-９,，.．%％/／\-—–－~～无]*(万元|万|元|件|宗|条|个|次|人)?[\s）)]*$"
)
_WS_RE = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_LINEBREAK_CJK_RE = re.compile(rf"(?<=[{_CJK}])\s*\n\s*(?=[{_CJK}])")


def is_valueish(text: str) -> bool:
    """True for numbers and empty markers ('', '/', '—', '无', '12件'): not a row label."""
    return bool(_VALUEISH_RE.match(text))


def clean_text(text: str) -> str:
    """Collapse layout whitespace the way a reader sees the printed cell.

    Line breaks between two CJK characters vanish (a label wrapped inside its cell); other runs
    of whitespace, including &nbsp; and ideographic spaces, become one space.
    """
    if not text:
        return ""
    text = _LINEBREAK_CJK_RE.sub("", text)
    text = text.replace("\n", " ")
    return _WS_RE.sub(" ", text).strip()


@dataclass
class Span:
    """One source cell before expansion, with its spans and any location detail (page, bbox)."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Placed:
    span: Span
    row: int  # origin row in the grid
    col: int  # origin column in the grid


Grid = list[list[Placed | None]]  # a table on its column grid: None = no cell there


def layout(rows: list[list[Span]]) -> list[list[Placed | None]]:
    """Place spans in a grid the way browsers do (first free column, occupying r×c slots)."""
    grid: list[list[Placed | None]] = []
    width = 0
    for r, spans in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for span in spans:
            line = grid[r]
            while c < len(line) and line[c] is not None:
                c += 1
            rs = max(1, min(span.rowspan, MAX_SPAN))
            cs = max(1, min(span.colspan, MAX_SPAN))
            placed = Placed(span, r, c)
            for dr in range(rs):
                rr = r + dr
                while len(grid) <= rr:
                    grid.append([])
                target = grid[rr]
                while len(target) < c + cs:
                    target.append(None)
                for dc in range(cs):
                    if target[c + dc] is None:
                        target[c + dc] = placed
            c += cs
            width = max(width, c)
    # Trailing rows created only by rowspans past the last <tr> are not printed rows.
    return grid[: max(len(rows), 0)]


def label_columns(grid: list[list[Placed | None]]) -> set[int]:
    """Columns that hold row labels: their labels outnumber their numbers and blanks."""
    labels: dict[int, int] = {}
    others: dict[int, int] = {}
    seen: set[int] = set()
    for line in grid:
        for c, placed in enumerate(line):
            if placed is None or placed.col != c or id(placed) in seen:
                continue
            seen.add(id(placed))
            bucket = others if is_valueish(placed.span.text) else labels
            bucket[c] = bucket.get(c, 0) + 1
    return {c for c, n in labels.items() if n > others.get(c, 0)}


def grid_rows(grid: list[list[Placed | None]], table: int, *, first_row: int = 0) -> list[Row]:
    """Emit one Row per grid row following the module's expansion policy.

    A blank cell in a label column right after a label (（六）其他处理 printed with an empty
    sub-item cell) is folded into that label: it is part of the label area, not a value.
    """
    out: list[Row] = []
    label_cols = label_columns(grid)
    for r, line in enumerate(grid):
        cells: list[Cell] = []
        for c, placed in enumerate(line):
            if placed is None or placed.col != c:
                continue  # a hole, or the tail of a column span (emitted once at its origin)
            span = placed.span
            repeated = placed.row != r
            text = span.text
            if repeated and is_valueish(text):
                text = ""
            if (
                not text
                and c in label_cols
                and cells
                and cells[-1].text
                and not is_valueish(cells[-1].text)
            ):
                prev = cells[-1]
                cells[-1] = replace(prev, colspan=prev.colspan + max(1, span.colspan))
                continue
            loc = Location(
                page=span.extra.get("page"),
                table=table,
                row=first_row + r,
                col=c,
                bbox=span.extra.get("bbox"),
            )
            cells.append(
                Cell(
                    text=text,
                    loc=loc,
                    rowspan=max(1, min(span.rowspan, MAX_SPAN)),
                    colspan=max(1, min(span.colspan, MAX_SPAN)),
                    repeated=repeated,
                )
            )
        if cells:
            out.append(Row(cells=cells))
    return out


def expand(rows: list[list[Span]], table: int, *, first_row: int = 0) -> list[Row]:
    """Lay out spans and emit rows: the whole pipeline for HTML and DOCX tables."""
    return grid_rows(layout(rows), table, first_row=first_row)
