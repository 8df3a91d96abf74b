"""DOCX reader (python-docx + the raw WordprocessingML): body text and merged-cell tables.

python-docx's ``table.rows[i].cells`` repeats a merged cell for every grid slot it covers,
which would duplicate values under colspans.  The reader walks ``w:tr``/``w:tc`` itself:
``w:gridSpan`` is a column span (emitted once), ``w:vMerge`` continuation cells belong to the
cell above (repeated when a label), ``w:gridBefore`` shifts a row right.
"""

from __future__ import annotations

import io
from typing import Any

from extract.cells import ParsedDocument, Row
from extract.readers.grid import MAX_SPAN, Grid, Placed, Span, clean_text, grid_rows

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, *, fmt: str = "docx") -> ParsedDocument:
    """Read a DOCX (also what LibreOffice makes of a DOC/WPS) into a ParsedDocument."""
    import docx  # python-docx

    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    lines: list[str] = []
    rows: list[Row] = []
    table_index = 0
    for child in body.iterchildren():
        if child.tag == f"{W}p":
            text = _paragraph_text(child)
            if text.strip():
                lines.append(text.strip())
        elif child.tag == f"{W}tbl":
            table_rows = grid_rows(_table_grid(child), table_index)
            table_index += 1
            rows.extend(table_rows)
            for row in table_rows:
                lines.append("\t".join(c.text for c in row.cells))
        elif child.tag == f"{W}sdt":  # content controls wrap paragraphs in some templates
            for p in child.iter(f"{W}p"):
                text = _paragraph_text(p)
                if text.strip():
                    lines.append(text.strip())
    meta: dict[str, Any] = {"tables": table_index}
    props = document.core_properties
    if props.title and props.title.strip():
        # a file property ("Word Document"): recorded, never taken as the title
        meta["file_title"] = props.title.strip()
    return ParsedDocument(format=fmt, text="\n".join(lines), rows=rows, meta=meta)


def body_blocks(data: bytes) -> list[str | Grid]:
    """The body's paragraphs (their text) and tables (their grids) in document order.

    Why public: the workbench draws a DOCX beside its numbers, and a value's provenance
    ``(table, row, col)`` means the table-th grid here, laid out as `read_docx` lays it out
    (merged cells expanded).  Paragraphs inside content controls are not included.
    """
    import docx  # python-docx

    body = docx.Document(io.BytesIO(data)).element.body
    blocks: list[str | Grid] = []
    for child in body.iterchildren():
        if child.tag == f"{W}p":
            blocks.append(_paragraph_text(child))
        elif child.tag == f"{W}tbl":
            blocks.append(_table_grid(child))
    return blocks


def _paragraph_text(p: Any) -> str:
    """Text of one w:p: runs' w:t, tabs and breaks (not deleted text, not field codes)."""
    parts: list[str] = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc: Any) -> str:
    paragraphs = [_paragraph_text(p) for p in tc.iter(f"{W}p")]
    return clean_text("\n".join(paragraphs))


def _int_val(el: Any, default: int = 1) -> int:
    if el is None:
        return default
    try:
        return max(0, min(int(el.get(f"{W}val", default)), MAX_SPAN))
    except (TypeError, ValueError):
        return default


def _table_grid(tbl: Any) -> list[list[Placed | None]]:
    """Lay out one w:tbl on its column grid, resolving gridSpan and vMerge."""
    grid: list[list[Placed | None]] = []
    for r, tr in enumerate(tbl.iterchildren(f"{W}tr")):
        trpr = tr.find(f"{W}trPr")
        col = _int_val(trpr.find(f"{W}gridBefore") if trpr is not None else None, 0)
        line: list[Placed | None] = [None] * col
        for tc in tr.iterchildren(f"{W}tc"):
            tcpr = tc.find(f"{W}tcPr")
            span = max(1, _int_val(tcpr.find(f"{W}gridSpan") if tcpr is not None else None))
            vmerge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
            continuing = vmerge is not None and vmerge.get(f"{W}val", "continue") == "continue"
            above = grid[r - 1][col] if r and col < len(grid[r - 1]) else None
            if continuing and above is not None and above.col == col:
                above.span.rowspan += 1
                placed = above
            else:
                placed = Placed(Span(text=_cell_text(tc), colspan=span), r, col)
            line.extend([placed] * span)
            col += span
        grid.append(line)
    return grid
