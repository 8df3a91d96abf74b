"""The intermediate form every format reader produces.

Readers (HTML, PDF, DOCX, text, markdown) differ; the template mapping is written once,
against these types.  A reader turns a document's bytes into a :class:`ParsedDocument`:
its plain text (for metadata and 正文 figures) and its table rows in reading order, each
cell carrying the text it printed and where it stands in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a cell stands in its document; every field is optional, unset ones are omitted."""

    page: int | None = None  # 1-based PDF page
    table: int | None = None  # 0-based table index in the document
    row: int | None = None  # 0-based row in that table (after rowspan/colspan expansion)
    col: int | None = None  # 0-based column in that row
    line: int | None = None  # 1-based line in a text document
    bbox: tuple[float, float, float, float] | None = None  # PDF (x0, top, x1, bottom) in points

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("page", "table", "row", "col", "line", "bbox"):
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if name == "bbox" else value
        return out


@dataclass(frozen=True)
class Cell:
    """One printed cell: its raw text, exactly as the document has it, and its location."""

    text: str
    loc: Location = field(default_factory=Location)
    # Optional table geometry (readers of real tables set them; defaults mean "a plain cell").
    rowspan: int = 1  # rows the printed cell spans
    colspan: int = 1  # columns the printed cell spans; such a cell is emitted once
    repeated: bool = False  # a row-spanning label copied into a later row it covers


@dataclass
class Row:
    """One table row (or one reconstructed row of a flattened table)."""

    cells: list[Cell]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class ParsedDocument:
    """What a reader yields: the format, the narrative text, the table rows and reader notes."""

    format: str  # html | pdf | docx | doc | text | markdown | image
    text: str = ""
    rows: list[Row] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # title, published, text_source, pages…
    warnings: list[dict[str, Any]] = field(default_factory=list)  # {"message": …, "keys": […]}
