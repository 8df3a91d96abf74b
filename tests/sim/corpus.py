"""Turn the corpus files (tests/data/extract) into report bodies a real site would publish.

Only the repository's own corpus copies are read, so the project never depends on the
research share at run or test time.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html import escape
from pathlib import Path

# The one corpus folder the extraction tests use too (no copies).
CONTENT = Path(__file__).resolve().parents[1] / "data" / "extract"


def read_bytes(name: str) -> bytes:
    return (CONTENT / name).read_bytes()


def read_text(name: str) -> str:
    return read_bytes(name).decode("utf-8")


@cache
def manifest() -> dict[str, dict]:
    """Corpus manifest keyed by file name (year, agency, format …)."""
    entries = json.loads(read_text("manifest.json"))
    return {e["file"]: e for e in entries}


def _cell_html(lines: list[str]) -> str:
    return "<br/>".join(escape(x) for x in lines)


def cells_text_to_html(text: str) -> str:
    """Rebuild a DOCX-flattened report (one table cell per line) into paragraphs and tables.

    Format: a line starting with TAB opens a cell; an untabbed line right after a cell line
    continues that cell (a line break inside the cell); a blank line ends a table row; a run
    of rows is one <table>. Every other line is a paragraph. Rows are kept exactly where they
    stand (e.g. the stray "91.61" row of the seed), nothing is merged or dropped.
    """
    out: list[str] = []
    rows: list[list[list[str]]] = []
    row: list[list[str]] = []
    in_cell = False

    def end_row() -> None:
        nonlocal row
        if row:
            rows.append(row)
            row = []

    def end_table() -> None:
        nonlocal rows
        end_row()
        if rows:
            out.append('<table border="1" cellspacing="0" cellpadding="0" width="100%">')
            out.append("<tbody>")
            for r in rows:
                tds = "".join(f"<td>{_cell_html(c)}</td>" for c in r)
                out.append(f"<tr>{tds}</tr>")
            out.append("</tbody></table>")
            rows = []

    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        if line.startswith("\t"):
            row.append([line[1:].strip()] if line[1:].strip() else [])
            in_cell = True
        elif not line.strip():
            end_row()
            in_cell = False
        elif in_cell and row:
            row[-1].append(line.strip())
        else:
            end_table()
            clean = line.replace("[bookmark: _GoBack]", "").strip()
            out.append(f"<p>{escape(clean)}</p>")
            in_cell = False
    end_table()
    return "\n".join(out)


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def plain_text_to_html(text: str) -> str:
    """Wrap a text report: pipe-table lines become <table> rows, other lines paragraphs."""
    if "\n\t" in text:
        return cells_text_to_html(text)
    out: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if table:
            out.append('<table border="1" cellspacing="0" width="100%"><tbody>')
            for r in table:
                out.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>")
            out.append("</tbody></table>")
            table.clear()

    for line in text.splitlines():
        if _PIPE_ROW.match(line) and line.count("|") >= 3:
            table.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        flush()
        if line.strip():
            out.append(f"<p>{escape(line.strip())}</p>")
    flush()
    return "\n".join(out)


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)


def html_doc_body(name: str) -> str:
    """The document as published: fragments as-is, full pages reduced to their <body>."""
    text = read_text(name)
    match = _BODY.search(text)
    return match.group(1) if match else text


def report_body(name: str) -> str:
    """HTML for any corpus report file by its extension."""
    if name.endswith(".html"):
        return html_doc_body(name)
    return plain_text_to_html(read_text(name))


def seed_title_lines(name: str = "seed-gongshu-zfj-2023.txt") -> str:
    """The seed's own two-line title joined (拱墅区综合行政执法局2023年政府信息公开工作年度报告)."""
    first, second = read_text(name).split("\n")[:2]
    return first.strip() + second.strip()


def doc_title(name: str) -> str:
    """A publication title for a corpus report (agency + year), falling back to its first line."""
    meta = manifest()[name]
    agency, year = meta.get("agency") or "", meta.get("year")
    if name.endswith(".txt") and read_text(name).startswith("标题:"):
        return read_text(name).split("\n", 1)[0].removeprefix("标题:").strip()
    if year and agency and "(" not in agency and "（" not in agency:
        return f"{agency}{year}年政府信息公开工作年度报告"
    if name.endswith((".pdf", ".docx")):
        return f"{year or ''}年政府信息公开工作年度报告"
    for line in read_text(name).splitlines():
        line = line.strip().lstrip("#").strip()
        if line and not line.startswith(("标题", "正文")):
            return line[:60]
    return name
