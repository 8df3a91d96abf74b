"""HTML reader: find the report inside the site chrome, expand its tables, keep its metadata.

Government article pages wrap the report in navigation, sidebars and footers (TRS, Hanweb,
gkmlpt…).  Reading the chrome's tables would give the mapping rows that are not the report, so
the reader first picks the body container, then reads only its tables.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from extract.cells import ParsedDocument, Row
from extract.detect import decode_text
from extract.readers.grid import Grid, Span, clean_text, expand, layout
from extract.readers.text import has_flat_line, text_rows
from extract.template import label_norm

# Body containers of the CMS platforms on government sites (TRS, Hanweb, UCAP), most specific first.
BODY_SELECTORS: tuple[str, ...] = (
    ".TRS_Editor",
    ".TRS_UEDITOR",
    ".trs_editor_view",
    ".Custom_UnionStyle",
    "#zoom",
    "#Zoom",
    "#ivs_content",
    ".scroll_cont",
    "#UCAP-CONTENT",
    ".article-content",
    ".article_con",
    ".content",
)
# The six section headings of the report; distinct hits score a container.
SECTION_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"总体情况",
        r"主动公开政府信息(的)?情况",
        r"收到和处理政府信息公开申请",
        r"行政复议[、和及]?\s*(提起)?行政诉讼",
        r"存在的主要问题",
        r"其他需要报告的事项",
    )
)
# Words that only a report table carries (used when no headings are found).
TABLE_WORDS = re.compile(r"自然人|本年新收|行政复议|本年制发|予以公开|商业企业|不予公开")

_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "title", "iframe", "object"}
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
    "section", "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "dl",
    "center", "form", "caption", "tbody", "thead", "tfoot",
}  # fmt: skip
_HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_DATE_RE = re.compile(
    r"(发布日期|发布时间|发文日期|成文日期|日期)\s*[:：]?\s*"
    r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
_META_DATE_RE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_SPAN_RE = re.compile(r"\d+")


def read_html(data: bytes, *, _depth: int = 0) -> ParsedDocument:
    """Parse an HTML page or fragment into a ParsedDocument (rows of the report's tables).

    When the DOM holds no report but a script carries it as a string (gkmlpt's
    ``_CONFIG.DETAIL.content``, ``var content = "…"``), that string is read instead.
    """
    text, encoding = decode_text(data)
    soup = BeautifulSoup(text, "lxml")
    scripts = _strip(soup)
    meta: dict[str, object] = {"encoding": encoding}
    meta.update(_metadata(soup))
    body, how = _find_body(soup)
    if how in ("page", "none") and _depth == 0:
        embedded = _script_content(scripts)
        if embedded is not None:
            inner = read_html(embedded.encode("utf-8"), _depth=1)
            inner.meta.update({k: v for k, v in meta.items() if k != "encoding"})
            inner.meta["encoding"] = encoding
            inner.meta["body"] = "script:" + str(inner.meta.get("body"))
            return inner
    meta["body"] = how
    rows: list[Row] = []
    if body is not None:
        for index, table in enumerate(_data_tables(body, strict=how == "page")):
            rows.extend(expand(_table_spans(table), index))
    body_text = _block_text(body) if body is not None else ""
    if not rows and has_flat_line(body_text):
        # the whole report in one paragraph (a CMS page without table markup): read it as
        # the text reader reads a flattened report
        rows, flat = text_rows(body_text.split("\n"))
        if flat:
            meta["flattened_lines"] = flat
        meta["text_source"] = "flattened paragraph"
    if "published" not in meta:
        published = _visible_date(body_text) or _visible_date(_block_text(soup))
        if published:
            meta["published"] = published
    return ParsedDocument(format="html", text=body_text, rows=rows, meta=meta)


@dataclass
class ReportTables:
    """The tables `read_html` reads, laid out as it lays them out.

    ``grids[t][row][col]`` is the cell a value's provenance ``(table, row, col)`` names (merged
    cells expanded: every grid slot a cell covers holds the same `Placed`).  Each cell's
    ``span.extra["cell"]`` is its ordinal among all ``<td>``/``<th>`` of the markup in document
    order, so a caller that parses the same markup can find the element.  When the report is
    a string inside a script (gkmlpt), ``script_body`` is that markup and the grids are of it.
    """

    grids: list[Grid]
    script_body: str | None = None


def report_tables(text: str, *, _depth: int = 0) -> ReportTables:
    """The report's tables of a decoded HTML page, in the coordinates of the provenance.

    Why public: the workbench shows the original with each number's source cell marked, and
    only the reader's own body and table choice finds the cell a location points to.
    """
    soup = BeautifulSoup(text, "lxml")
    cells = soup.find_all(["td", "th"])  # numbered before anything is removed
    scripts = _strip(soup)
    body, how = _find_body(soup)
    if how in ("page", "none") and _depth == 0:
        embedded = _script_content(scripts)
        if embedded is not None:
            return ReportTables(report_tables(embedded, _depth=1).grids, script_body=embedded)
    ordinal = {id(td): n for n, td in enumerate(cells)}
    grids: list[Grid] = []
    if body is not None:
        for table in _data_tables(body, strict=how == "page"):
            grids.append(layout(_table_spans(table, ordinal)))
    return ReportTables(grids)


def _strip(soup: BeautifulSoup) -> list[str]:
    """Remove what is never shown (scripts, styles, comments…); return the scripts' text."""
    scripts = [s.get_text() for s in soup.find_all("script")]
    for bad in soup.find_all(sorted(_SKIP_TAGS - {"head", "title"})):
        bad.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    return scripts


# ---------------------------------------------------------------- metadata


def _meta_content(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find("meta", attrs={"name": re.compile(rf"^{name}$", re.I)})
    if isinstance(tag, Tag):
        content = tag.get("content")
        if isinstance(content, str) and content.strip():
            return content.strip()
    return None


def _iso_date(text: str) -> str | None:
    m = _META_DATE_RE.search(text)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _metadata(soup: BeautifulSoup) -> dict[str, object]:
    """Title and publication date from the page head.

    PubDate (or the gkmlpt/Hanweb equivalents) is the publication date; Maketime is the time
    the CMS last rebuilt the page and is deliberately ignored.
    """
    out: dict[str, object] = {}
    title = _meta_content(soup, "ArticleTitle")
    if not title and soup.title and soup.title.string:
        title = re.split(r"[_|｜]|\s-\s", soup.title.string.strip())[0].strip() or None
    if title:
        out["title"] = title
    for name in ("PubDate", "firstpublishedtime", "publishdate", "pubdate"):
        value = _meta_content(soup, name)
        if value and (iso := _iso_date(value)):
            out["published"] = iso
            out["published_source"] = f"meta:{name}"
            break
    for name in ("ContentSource", "Author", "SiteName"):
        value = _meta_content(soup, name)
        if value:
            out[name.lower()] = value
    return out


def _visible_date(text: str) -> str | None:
    m = _DATE_RE.search(text[:5000])
    return _iso_date(m.group(0)) if m else None


# ---------------------------------------------------------------- body in a script

_JS_STRING_RE = re.compile(r"""["']?content["']?\s*[:=]\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


def _script_content(scripts: list[str]) -> str | None:
    """The report HTML a script embeds as a string literal, if any."""
    for script in scripts:
        if "content" not in script:
            continue
        for m in _JS_STRING_RE.finditer(script):
            literal = m.group(1)
            if len(literal) < 200:
                continue
            body = literal[1:-1]
            if literal[0] == "'":
                body = body.replace('\\"', '"').replace('"', '\\"').replace("\\'", "'")
            try:
                value = json.loads('"' + body + '"', strict=False)
            except ValueError:
                value = body.replace('\\"', '"').replace("\\/", "/")
            if "<" in value and _heading_score(value) >= 2:
                return value
    return None


# ---------------------------------------------------------------- body container


def _heading_score(text: str) -> int:
    return sum(1 for p in SECTION_PATTERNS if p.search(text))


def _find_body(soup: BeautifulSoup) -> tuple[Tag | None, str]:
    """Choose the element holding the report; say how it was chosen.

    A known CMS container that carries at least two section headings wins; otherwise the
    lowest common ancestor of the heading lines and report tables; otherwise the whole page
    (and then only tables that look like report tables are read).
    """
    best: tuple[int, int, int] | None = None
    chosen: Tag | None = None
    chosen_how = ""
    for selector in BODY_SELECTORS:
        for tag in soup.select(selector):
            text = tag.get_text("", strip=False)
            score = _heading_score(text)
            if score < 2:
                continue
            key = (score, len(tag.find_all("table")), -len(text))
            if best is None or key > best:
                best, chosen, chosen_how = key, tag, f"selector:{selector}"
    anchors = _anchor_nodes(soup)
    if chosen is not None:
        # A CMS container may hold only part of the report (tables placed after it).
        lca = _common_ancestor(anchors)
        if (
            lca is not None
            and lca is not chosen
            and _contains(lca, chosen)
            and _heading_score(lca.get_text("")) > best[0]  # type: ignore[index]
        ):
            return lca, "headings"
        return chosen, chosen_how
    lca = _common_ancestor(anchors)
    if lca is not None:
        return lca, "headings"
    root = soup.body or soup
    return (root, "page") if isinstance(root, Tag) else (None, "none")


def _anchor_nodes(soup: BeautifulSoup) -> list[Tag]:
    """Elements that carry a section heading or a report table."""
    anchors: list[Tag] = []
    seen: set[int] = set()
    for string in soup.find_all(string=True):
        if not isinstance(string, NavigableString) or len(string) > 80:
            continue
        value = string.strip()
        if not value or not any(p.search(value) for p in SECTION_PATTERNS):
            continue
        if not re.match(r"^[（(]?[一二三四五六七八九十\d]+[、.．)）]", value):
            continue
        parent = string.parent
        if isinstance(parent, Tag) and id(parent) not in seen:
            seen.add(id(parent))
            anchors.append(parent)
    for table in soup.find_all("table"):
        if not table.find("table") and TABLE_WORDS.search(label_norm(table.get_text(""))):
            anchors.append(table)
    return anchors if len(anchors) >= 2 else []


def _ancestors(tag: Tag) -> list[Tag]:
    chain = [tag]
    chain.extend(p for p in tag.parents if isinstance(p, Tag))
    return chain[::-1]  # root first


def _common_ancestor(tags: list[Tag]) -> Tag | None:
    if not tags:
        return None
    common = _ancestors(tags[0])
    for tag in tags[1:]:
        chain = _ancestors(tag)
        n = 0
        while n < len(common) and n < len(chain) and common[n] is chain[n]:
            n += 1
        common = common[:n]
    while common and common[-1].name in {"p", "span", "font", "strong", "b", "td", "tr", "th"}:
        common.pop()
    return common[-1] if common else None


def _contains(outer: Tag, inner: Tag) -> bool:
    return any(p is outer for p in inner.parents)


# ---------------------------------------------------------------- tables


def _data_tables(body: Tag, *, strict: bool) -> Iterable[Tag]:
    """Tables to read, in document order: innermost ones (outer layout tables are skipped)."""
    tables = [body] if body.name == "table" else []
    tables += body.find_all("table")
    for table in tables:
        if table.find("table") is not None:
            continue  # a layout table around the real one
        if _hidden(table):
            continue
        if strict and len(set(TABLE_WORDS.findall(label_norm(table.get_text(""))))) < 2:
            continue  # no headings found: read only tables that look like template tables
        yield table


def _hidden(tag: Tag) -> bool:
    for node in [tag, *tag.parents]:
        if isinstance(node, Tag):
            style = node.get("style")
            if isinstance(style, str) and _HIDDEN_RE.search(style):
                return True
    return False


def _span(value: object) -> int:
    if not isinstance(value, str):
        return 1
    m = _SPAN_RE.search(value)
    return int(m.group(0)) if m and int(m.group(0)) > 0 else 1


def _own_rows(table: Tag) -> list[Tag]:
    """<tr> elements of this table, not of a table nested in one of its cells."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _table_spans(table: Tag, ordinal: dict[int, int] | None = None) -> list[list[Span]]:
    """The table's cells as spans; with `ordinal` (id of a td → its number), each span's
    extra["cell"] carries that number (for report_tables)."""
    rows: list[list[Span]] = []
    for tr in _own_rows(table):
        spans = []
        for td in tr.find_all(["td", "th"], recursive=False):
            spans.append(
                Span(
                    text=clean_text(_block_text(td, cell_sep=" ")),
                    rowspan=_span(td.get("rowspan")),
                    colspan=_span(td.get("colspan")),
                    extra={} if ordinal is None else {"cell": ordinal[id(td)]},
                )
            )
        rows.append(spans)
    return rows


# ---------------------------------------------------------------- text


def _block_text(root: Tag | BeautifulSoup | None, *, cell_sep: str = "\t") -> str:
    """Visible text with block elements on their own lines and table cells tab-separated."""
    if root is None:
        return ""
    parts: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                parts.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _SKIP_TAGS:
                continue
            style = child.get("style")
            if isinstance(style, str) and _HIDDEN_RE.search(style):
                continue
            name = child.name
            if name in ("td", "th"):
                walk(child)
                parts.append(cell_sep)
                continue
            block = name in _BLOCK_TAGS
            if block:
                parts.append("\n")
            walk(child)
            if block:
                parts.append("\n")

    walk(root)
    raw = "".join(parts).replace("\u00a0", " ")
    lines = [
        re.sub(r"[ \t\u3000]+", lambda m: "\t" if "\t" in m.group(0) else " ", ln).strip()
        for ln in raw.split("\n")
    ]
    return "\n".join(ln for ln in lines if ln)
