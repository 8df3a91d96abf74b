"""The original beside its numbers: each format rendered with every number's source cell marked.

Why the extractor's own readers: a metric's location (table, row, col) is a coordinate in the
grid the reader built (merged cells expanded); only the same layout code finds the cell a
person sees.  So HTML tables come from extract.readers.html.report_tables (the reader's body
and table choice) and DOCX tables from extract.readers.docx.body_blocks (its grid), and every
cell that holds a number gets an anchor `gk-<key>`: the report page points the viewer at
`#gk-<key>` and CSS (`:target`) draws the highlight, so no script ever runs beside archived
content.

Rows and columns are also given as a person counts them: 1-based, and a column counts each
printed cell once however many grid columns it spans.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup, Tag
from bs4.element import AttributeValueList

from extract.readers.grid import Placed, is_valueish
from storage.models import MetricValue

ANCHOR_PREFIX = "gk-"
_DROP_TAGS = ("script", "iframe", "object", "embed", "base", "frame", "frameset", "applet")


@dataclass
class CellRef:
    """Where one number's source is, as stored and as a person counts it."""

    key: str
    raw: str | None
    value: float | None
    location: dict[str, Any]
    visible_row: int | None = None  # 1-based
    visible_col: int | None = None  # 1-based, a merged cell counted once
    found: bool = False  # the cell (or line) was located in the rendered original

    @property
    def anchor(self) -> str:
        return ANCHOR_PREFIX + self.key

    @property
    def where(self) -> str:
        """The location in words, e.g. '第2页 表1 第4行 第3列'."""
        loc, parts = self.location, []
        if isinstance(loc.get("page"), int):
            parts.append(f"第{loc['page']}页")
        if isinstance(loc.get("table"), int):
            parts.append(f"表{loc['table'] + 1}")
        if isinstance(loc.get("line"), int):
            parts.append(f"第{loc['line']}行")
        row = self.visible_row or (loc["row"] + 1 if isinstance(loc.get("row"), int) else None)
        col = self.visible_col or (loc["col"] + 1 if isinstance(loc.get("col"), int) else None)
        if row is not None and "line" not in loc:
            parts.append(f"第{row}行")
        if col is not None:
            parts.append(f"第{col}列")
        return " ".join(parts)


@dataclass
class SourceView:
    """An original rendered for the viewer: a document body and the cells found in it."""

    kind: str  # html | docx | text | pdf | none
    body: str = ""  # HTML (escaped, annotated) for html/docx/text
    cells: dict[str, CellRef] = field(default_factory=dict)
    pages: list[tuple[float, float]] = field(default_factory=list)  # PDF page sizes, points
    note: str = ""


def refs(metrics: list[MetricValue]) -> dict[str, CellRef]:
    return {m.key: CellRef(m.key, m.raw, m.value, dict(m.location or {})) for m in metrics}


def _tooltip(ref: CellRef) -> str:
    value = ref.raw if ref.raw not in (None, "") else "（空）"
    return f"{ref.key} = {value}" + (f" · {ref.where}" if ref.where else "")


def visible_col(line: list[Placed | None], col: int) -> int:
    """1-based position of the printed cell at grid column `col` (each cell counted once)."""
    seen: list[int] = []
    for placed in line[: col + 1]:
        if placed is not None and id(placed) not in seen:
            seen.append(id(placed))
    return max(1, len(seen))


def _locate(
    grids: list[list[list[Placed | None]]],
    cells: dict[str, CellRef],
) -> dict[int, list[CellRef]]:
    """id(Placed) → the refs whose (table, row, col) fall on it; sets visible coordinates."""
    out: dict[int, list[CellRef]] = {}
    for ref in cells.values():
        t, r, c = (ref.location.get(k) for k in ("table", "row", "col"))
        if not (isinstance(t, int) and isinstance(r, int) and isinstance(c, int)):
            continue
        if not (0 <= t < len(grids) and 0 <= r < len(grids[t]) and 0 <= c < len(grids[t][r])):
            continue
        placed = grids[t][r][c]
        if placed is None:
            continue
        ref.visible_row, ref.visible_col = r + 1, visible_col(grids[t][r], c)
        ref.found = True
        out.setdefault(id(placed), []).append(ref)
    return out


# ---------------------------------------------------------------------------- HTML


def _number_cells(soup: BeautifulSoup) -> None:
    """Number every td/th in document order, as report_tables numbers them (extra["cell"])."""
    for n, td in enumerate(soup.find_all(["td", "th"])):
        td["data-gk-n"] = str(n)


_STYLE = """
td:has(> a.gk-anchor:target), th:has(> a.gk-anchor:target), .gk-line:has(a.gk-anchor:target),
mark.gk-m:has(> a.gk-anchor:target), .gk-box:target {
  outline: 3px solid #d1006b !important; outline-offset: -2px;
  background: rgba(255, 214, 0, .45) !important; }
.gk-cell { cursor: pointer; box-shadow: inset 0 0 0 1px rgba(0, 102, 204, .35); }
.gk-cell:focus { outline: 2px dashed #0066cc; }
.gk-cell { position: relative; }
.gk-cell:focus::after, mark.gk-m:focus::after { content: attr(data-gk-label); display: block;
  position: absolute; left: 0; top: 100%; z-index: 10; width: max-content; max-width: 320px;
  font: 12px/1.4 sans-serif; background: #222; color: #fff; padding: 2px 4px;
  white-space: normal; text-align: left; }
td.gk-cell:last-child:focus::after, th.gk-cell:last-child:focus::after { left: auto; right: 0; }
a.gk-anchor { display: inline; scroll-margin: 40vh; }
"""


def _strip_active(soup: BeautifulSoup) -> None:
    """Remove what could run or load (CSP forbids it too; belt and braces)."""
    for bad in soup.find_all(list(_DROP_TAGS)):
        bad.decompose()
    for meta in soup.find_all("meta"):
        equiv = str(meta.get("http-equiv", "")).lower()
        if equiv in ("refresh", "content-security-policy", "content-type") or meta.has_attr(
            "charset"
        ):
            meta.decompose()  # the page is re-served as UTF-8 under our own policy
    for tag in soup.find_all(True):
        for attr in [a for a in tag.attrs if a.lower().startswith("on")]:
            del tag[attr]


def _annotate(
    soup: BeautifulSoup,
    cell_of: dict[str, Tag],
    located: dict[int, list[CellRef]],
    placed_key: dict[int, str],
) -> None:
    for pid, group in located.items():
        td = cell_of.get(placed_key[pid])
        if td is None:
            continue
        for ref in group:
            anchor = soup.new_tag("a")
            anchor["id"], anchor["class"] = ref.anchor, "gk-anchor"
            td.insert(0, anchor)
        td["class"] = AttributeValueList([*(td.get("class") or []), "gk-cell"])
        td["tabindex"] = "0"
        td["data-gk-label"] = " | ".join(_tooltip(r) for r in group)
        td["title"] = td["data-gk-label"]


def _finish_html(soup: BeautifulSoup) -> str:
    head = soup.head
    if head is None:
        head = soup.new_tag("head")
        (soup.html or soup).insert(0, head)
    meta = soup.new_tag("meta")
    meta["charset"] = "utf-8"
    head.insert(0, meta)
    style = soup.new_tag("style")
    style.string = _STYLE
    head.append(style)
    return str(soup)


def render_html(data: bytes, cells: dict[str, CellRef]) -> SourceView:
    """The archived page with its number cells anchored (the gkmlpt script body if that is
    where the report is)."""
    from extract.detect import decode_text
    from extract.readers.html import report_tables

    text, _ = decode_text(data)
    tables = report_tables(text)
    grids = tables.grids
    note = ""
    shown = text
    if tables.script_body is not None:
        shown = tables.script_body
        note = "正文在页面脚本中（gkmlpt）：此处显示脚本中的正文。"
    located = _locate(grids, cells)
    placed_key = {
        id(p): str(p.span.extra.get("cell"))
        for g in grids
        for line in g
        for p in line
        if p is not None
    }
    soup = BeautifulSoup(shown, "lxml")
    _number_cells(soup)
    cell_of = {str(td["data-gk-n"]): td for td in soup.find_all(["td", "th"])}
    _strip_active(soup)
    _annotate(soup, cell_of, located, placed_key)
    if note and soup.body is not None:
        banner = soup.new_tag("p")
        banner["style"] = (
            "background:#fffbe6;border:1px solid #e0c200;padding:4px;font:12px sans-serif"
        )
        banner.string = note
        soup.body.insert(0, banner)
    return SourceView("html", _finish_html(soup), cells, note=note)


# ---------------------------------------------------------------------------- DOCX


def _grid_table(grid: list[list[Placed | None]], located: dict[int, list[CellRef]]) -> str:
    out = ["<table class='gk-grid'>"]
    for r, line in enumerate(grid):
        out.append("<tr>")
        for c, placed in enumerate(line):
            if placed is None:
                out.append("<td></td>")
                continue
            if placed.row != r or placed.col != c:
                continue  # covered by a merged cell drawn at its origin
            span = placed.span
            attrs = ""
            if span.rowspan > 1:
                attrs += f" rowspan='{span.rowspan}'"
            if span.colspan > 1:
                attrs += f" colspan='{span.colspan}'"
            group = located.get(id(placed), [])
            anchors = ""
            if group:
                label = html.escape(" | ".join(_tooltip(x) for x in group), quote=True)
                attrs += f" class='gk-cell' tabindex='0' data-gk-label='{label}' title='{label}'"
                anchors = "".join(
                    f"<a class='gk-anchor' id='{html.escape(x.anchor, True)}'></a>" for x in group
                )
            out.append(f"<td{attrs}>{anchors}{html.escape(span.text)}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def render_docx(data: bytes, cells: dict[str, CellRef]) -> SourceView:
    """A DOCX (or a DOC converted to one) as its paragraphs and table grids."""
    from extract.readers.docx import body_blocks

    blocks = body_blocks(data)
    located = _locate([b for b in blocks if not isinstance(b, str)], cells)
    out = []
    for item in blocks:
        if isinstance(item, str):
            if item.strip():
                out.append(f"<p>{html.escape(item)}</p>")
        else:
            out.append(_grid_table(item, located))
    return SourceView("docx", _page("".join(out)), cells)


# ---------------------------------------------------------------------------- text

_CHUNK_RE = re.compile(r"[^\s|｜]+")


def _spot(line: str, ref: CellRef, taken: set[int]) -> tuple[int, int] | None:
    """Where in a line the number's raw text stands: the col-th value-like chunk when it
    holds the raw text, else the first free chunk equal to it, else the first occurrence."""
    raw = (ref.raw or "").strip()
    if not raw:
        return None
    chunks = list(_CHUNK_RE.finditer(line))
    values = [m for m in chunks if is_valueish(m.group(0))]
    col = ref.location.get("col")
    if isinstance(col, int) and 1 <= col <= len(values):
        m = values[col - 1]
        if m.group(0) == raw and m.start() not in taken:
            return m.start(), m.end()
    for m in chunks:
        if m.group(0) == raw and m.start() not in taken:
            return m.start(), m.end()
    at = line.find(raw)
    while at >= 0 and at in taken:
        at = line.find(raw, at + 1)
    return (at, at + len(raw)) if at >= 0 else None


def render_text(data: bytes, cells: dict[str, CellRef]) -> SourceView:
    """Numbered lines; each number's raw text marked on its line."""
    from extract.readers.text import decode

    lines = decode(data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    by_line: dict[int, list[CellRef]] = {}
    for ref in cells.values():
        line = ref.location.get("line")
        if isinstance(line, int) and 1 <= line <= len(lines):
            by_line.setdefault(line, []).append(ref)
    out = ["<ol class='gk-lines'>"]
    for n, line in enumerate(lines, start=1):
        marks: list[tuple[int, int, list[CellRef]]] = []
        loose: list[CellRef] = []
        taken: dict[int, int] = {}
        for ref in by_line.get(n, []):
            spot = _spot(line, ref, set(taken))
            ref.found = True
            ref.visible_row = n
            if spot is None:
                loose.append(ref)
                continue
            if spot[0] in taken:
                marks[taken[spot[0]]][2].append(ref)
            else:
                taken[spot[0]] = len(marks)
                marks.append((spot[0], spot[1], [ref]))
        marks.sort(key=lambda m: m[0])
        html_line, pos = [], 0
        for start, end, group in marks:
            if start < pos:
                loose.extend(group)
                continue
            label = html.escape(" | ".join(_tooltip(x) for x in group), quote=True)
            anchors = "".join(
                f"<a class='gk-anchor' id='{html.escape(x.anchor, True)}'></a>" for x in group
            )
            html_line.append(html.escape(line[pos:start]))
            html_line.append(
                f"<mark class='gk-m gk-cell' tabindex='0' data-gk-label='{label}'"
                f" title='{label}'>{anchors}{html.escape(line[start:end])}</mark>"
            )
            pos = end
        html_line.append(html.escape(line[pos:]))
        lead = "".join(
            f"<a class='gk-anchor' id='{html.escape(x.anchor, True)}'></a>" for x in loose
        )
        out.append(f"<li class='gk-line' value='{n}'>{lead}{''.join(html_line) or ' '}</li>")
    out.append("</ol>")
    return SourceView("text", _page("".join(out)), cells)


def _page(body: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        "body{font:14px/1.6 sans-serif;margin:12px;color:#111}"
        "table.gk-grid{border-collapse:collapse;margin:12px 0}"
        "table.gk-grid td{border:1px solid #888;padding:2px 6px;vertical-align:middle}"
        "ol.gk-lines{font:13px/1.6 monospace;white-space:pre-wrap;padding-left:4em}"
        "ol.gk-lines li::marker{color:#888}"
        + _STYLE
        + "</style></head><body>"
        + body
        + "</body></html>"
    )


# ---------------------------------------------------------------------------- PDF


def pdf_page_sizes(data: bytes) -> list[tuple[float, float]]:
    import pypdfium2 as pdfium

    from web.pages import PDFIUM_LOCK

    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            return [tuple(pdf[i].get_size()) for i in range(len(pdf))]
        finally:
            pdf.close()


def render_pdf(data: bytes, cells: dict[str, CellRef], page_url: str) -> SourceView:
    """Every page as an image (rendered on demand) with a box over each number's cell.

    `page_url` is a format string with `{page}` (1-based)."""
    sizes = pdf_page_sizes(data)
    by_page: dict[int, list[CellRef]] = {}
    for ref in cells.values():
        page, bbox = ref.location.get("page"), ref.location.get("bbox")
        if (
            isinstance(page, int)
            and 1 <= page <= len(sizes)
            and isinstance(bbox, list)
            and len(bbox) == 4
        ):
            ref.found = True
            by_page.setdefault(page, []).append(ref)
    out = []
    for n, (w, h) in enumerate(sizes, start=1):
        boxes = []
        for ref in by_page.get(n, []):
            x0, top, x1, bottom = (float(v) for v in ref.location["bbox"])
            label = html.escape(_tooltip(ref), quote=True)
            style = (
                f"left:{100 * x0 / w:.3f}%;top:{100 * top / h:.3f}%;"
                f"width:{100 * (x1 - x0) / w:.3f}%;height:{100 * (bottom - top) / h:.3f}%"
            )
            boxes.append(
                f"<a class='gk-box gk-cell' id='{html.escape(ref.anchor, True)}' "
                f"tabindex='0' style='{style}' data-gk-label='{label}' "
                f"title='{label}'></a>"
            )
        src = html.escape(page_url.format(page=n), quote=True)
        out.append(
            f"<div class='gk-page' id='gk-page-{n}' style='aspect-ratio:{w:.2f}/{h:.2f}'>"
            f"<img src='{src}' alt='第{n}页' loading='lazy'>{''.join(boxes)}"
            f"<span class='gk-pno'>第{n}页</span></div>"
        )
    style = (
        "<style>.gk-page{position:relative;width:100%;margin:0 0 12px;"
        "box-shadow:0 0 3px #888;background:#fff}.gk-page img{width:100%;height:100%;"
        "display:block}.gk-box{position:absolute;display:block;"
        "box-shadow:inset 0 0 0 1px rgba(0,102,204,.3);scroll-margin:40vh}"
        ".gk-pno{position:absolute;right:4px;bottom:2px;font:11px sans-serif;color:#888}"
        "body{margin:8px;background:#ddd}</style>"
    )
    body = _page("".join(out)).replace("</head>", style + "</head>")
    return SourceView("pdf", body, cells, pages=sizes)


# ---------------------------------------------------------------------------- locate only


def locate(kind: str, data: bytes, cells: dict[str, CellRef]) -> dict[str, CellRef]:
    """Set each ref's visible row/column and `found` without rendering the original.

    Why apart from the renderers: the report page needs only the coordinates, and rendering
    (a second parse, the annotated markup) doubled its first-visit time.
    """
    if kind == "html":
        from extract.detect import decode_text
        from extract.readers.html import report_tables

        _locate(report_tables(decode_text(data)[0]).grids, cells)
    elif kind == "docx":
        from extract.readers.docx import body_blocks

        _locate([b for b in body_blocks(data) if not isinstance(b, str)], cells)
    elif kind in ("text", "markdown"):
        from extract.readers.text import decode

        count = decode(data).replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        for ref in cells.values():
            line = ref.location.get("line")
            if isinstance(line, int) and 1 <= line <= count:
                ref.found, ref.visible_row = True, line
    elif kind == "pdf":
        pages = len(pdf_page_sizes(data))
        for ref in cells.values():
            page, bbox = ref.location.get("page"), ref.location.get("bbox")
            ref.found = isinstance(page, int) and 1 <= page <= pages and isinstance(bbox, list)
    return cells
