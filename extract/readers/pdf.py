"""PDF reader (pdfplumber): ruled tables with page and bbox per cell, text with a fallback.

Why the extra work over ``page.extract_tables()``:

* pdfplumber reports a merged cell once and ``None`` where it extends; the reader turns cell
  bboxes into row/column spans so labels spanning rows repeat and values never duplicate;
* 表三 usually breaks across pages: a table that starts at the top of a page with the same
  columns as the table ending the previous page is its continuation — joined, its repeated
  header rows dropped, and the row labels cut by the page break carried over; blank rows
  (the sliver LibreOffice leaves under a cut row-spanning label) are dropped and the grid
  re-indexed, else every cell below counts as a row-spanning copy and its number is blanked;
* fake-bold text is printed twice (``dedupe_chars``); fonts without a ToUnicode map print
  ``(cid:N)`` or U+FFFD, in which case another text source is tried and recorded;
* a PDF with no text layer is a scan: ``needs_ocr``, never guessed numbers.

Each page is parsed once; tables and text come from the same (deduplicated) page object.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from extract.cells import ParsedDocument, Row
from extract.readers.grid import Placed, Span, clean_text, grid_rows, is_valueish

_CID_RE = re.compile(r"\(cid:\d+\)")
_CJK_RE = re.compile("[\u4e00-\u9fff]")
_RADICALS_RE = re.compile("[\u2e80-\u2ef3\u2f00-\u2fd5]")
_TABLE_WORDS_RE = re.compile(r"本年新收|自然人|本年制发|行政复议|予以公开|处理决定数量")
_NUMBER_RE = re.compile(r"^[\d０-９][\d０-９,，.．]*(万元|件|宗)?$|^[/／\-—]$")
GARBAGE_RATIO = 0.05  # share of (cid:N)/U+FFFD characters above which text is unusable
MIN_TEXT_CHARS_PER_PAGE = 10  # below this on every page the PDF is treated as a scan
WORD_GAP = 6.0  # points: a wider gap between words on one line separates two cells
COL_TOLERANCE = 4.0  # points: columns of a continued table line up within this
SNAP = 1.5  # points: cell edges closer than this are the same grid line


class PdfError(Exception):
    """A PDF that cannot be read; ``reason`` is the contract's error message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Table:
    """One ruled table found on one page, before joining across pages."""

    page: int
    bbox: tuple[float, float, float, float]
    page_height: float
    xs: list[float]  # column left edges
    grid: list[list[Placed | None]]
    first_on_page: bool = False
    last_on_page: bool = False


def fix_radicals(text: str) -> str:
    """Map Kangxi/CJK radical code points (⼀ U+2F00…) to the ideographs they render as."""
    return _RADICALS_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


def pdf_string(value: object) -> str | None:
    """Decode a raw PDF info string: UTF-16 with BOM (WPS), else UTF-8, else GB18030."""
    if isinstance(value, str):
        return value.strip() or None
    if not isinstance(value, bytes) or not value:
        return None
    if value[:2] in (b"\xfe\xff", b"\xff\xfe"):
        text = value.decode("utf-16", "replace")
    else:
        for codec in ("utf-8", "gb18030", "latin-1"):
            try:
                text = value.decode(codec)
                break
            except UnicodeDecodeError:
                continue
    return text.replace("\x00", "").strip() or None


def _info_title(pdf: Any) -> str | None:
    try:
        infos = pdf.doc.info or []
    except Exception:
        return None
    for info in infos:
        raw = info.get("Title") if isinstance(info, dict) else None
        if raw is not None and hasattr(raw, "resolve"):
            raw = raw.resolve()
        title = pdf_string(raw)
        if title:
            return title
    return None


def largest_font_text(chars: list[dict[str, Any]]) -> str | None:
    """The text printed in the largest font on a page (a report's title), lines joined.

    Only when that size stands out (>= 1.2x the page's most common size) and the text is
    title-sized; the characters are read in line order (top, then x).
    """
    sizes = [round(float(c.get("size") or 0), 1) for c in chars]
    if not sizes:
        return None
    common = max(set(sizes), key=sizes.count)
    top = max(sizes)
    if top < 1.2 * common:
        return None
    big = sorted(
        (c for c, s in zip(chars, sizes, strict=True) if s >= top - 0.5),
        key=lambda c: (round(float(c["top"]) / 4), float(c["x0"])),
    )
    text = "".join(c.get("text", "") for c in big).strip()
    text = fix_radicals(re.sub(r"\s+", "", text))
    return text if 4 <= len(text) <= 120 else None


def garbage_ratio(text: str) -> float:
    """Share of the text that is undecodable glyphs: (cid:N) sequences and U+FFFD.

    A text layer whose Chinese is nearly one repeated character (a broken ToUnicode map
    sending every glyph to 国) is garbage too, though each character is valid.
    """
    if not text:
        return 0.0
    cid = sum(len(m) for m in _CID_RE.findall(text))
    bad = cid + text.count("\ufffd")
    cjk = _CJK_RE.findall(text)
    if len(cjk) >= 200 and len(set(cjk)) < 0.03 * len(cjk):
        return 1.0
    return bad / max(1, len(text))


def read_pdf(data: bytes) -> ParsedDocument:
    """Read a PDF's text and tables; raise PdfError for encrypted/corrupt files."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in PdfminerException
        raise _pdf_error(exc) from exc
    with pdf:
        try:
            return _read_open_pdf(pdf, data)
        except PdfError:
            raise
        except Exception as exc:
            if isinstance(exc, MemoryError):
                raise
            raise _pdf_error(exc) from exc


def _pdf_error(exc: BaseException) -> PdfError:
    """Name the failure: encrypted (unknown password) or unreadable (corrupt/truncated)."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    for err in (exc, inner, exc.__cause__, exc.__context__):
        if isinstance(err, PDFPasswordIncorrect | PDFEncryptionError):
            return PdfError("encrypted PDF")
    if "password" in repr(inner).lower() or "encrypt" in type(inner).__name__.lower():
        return PdfError("encrypted PDF")
    return PdfError(f"unreadable PDF: {type(inner).__name__}: {inner}".rstrip(": "))


@dataclass
class _Pages:
    """What one pass over the pages collects (each page is parsed once)."""

    texts: list[str] = field(default_factory=list)
    tables: list[_Table] = field(default_factory=list)
    char_counts: list[int] = field(default_factory=list)
    borderless: list[int] = field(default_factory=list)
    images: int = 0
    first_heading: str | None = None


def _scan_pages(pdf: Any) -> _Pages:
    scan = _Pages()
    for number, raw_page in enumerate(pdf.pages, start=1):
        page = raw_page.dedupe_chars()
        chars = page.chars
        scan.char_counts.append(len(chars))
        scan.images += len(raw_page.images)
        scan.texts.append(fix_radicals(page.extract_text() or "") if chars else "")
        if number == 1 and chars:
            scan.first_heading = largest_font_text(chars) or scan.first_heading
        found = _page_tables(page, number) if chars and (page.rects or page.lines) else []
        if not found and chars and _TABLE_WORDS_RE.search(scan.texts[-1]):
            found = _word_table(page, number)
            if found:
                scan.borderless.append(number)
        scan.tables.extend(found)
        raw_page.flush_cache()
    return scan


def _read_open_pdf(pdf: Any, data: bytes) -> ParsedDocument:
    scan = _scan_pages(pdf)
    tables = scan.tables
    meta: dict[str, Any] = {"pages": len(scan.texts), "text_source": "pdfplumber"}
    title = _info_title(pdf)
    if title:  # a file property ("Microsoft Word - 附件1.docx"): never taken as the title
        meta["file_title"] = title
    if scan.first_heading:
        meta["heading"] = scan.first_heading
    if not any(count >= MIN_TEXT_CHARS_PER_PAGE for count in scan.char_counts):
        meta.update(needs_ocr=True, text_source="none", images=scan.images)
        return ParsedDocument(format="pdf", text="", rows=[], meta=meta)
    empty_pages = [i + 1 for i, n in enumerate(scan.char_counts) if n < MIN_TEXT_CHARS_PER_PAGE]
    if empty_pages:
        meta["pages_without_text"] = empty_pages
    text = "\n".join(scan.texts)
    warnings: list[dict[str, Any]] = []
    ratio = garbage_ratio(text)
    if ratio > GARBAGE_RATIO:
        text = _garbled_text(data, text, ratio, tables, meta, warnings)
    rows = _join_tables(tables)
    if scan.borderless:
        meta["borderless_table_pages"] = scan.borderless  # rows rebuilt from word positions
    return ParsedDocument(format="pdf", text=text, rows=rows, meta=meta, warnings=warnings)


def _garbled_text(
    data: bytes,
    text: str,
    ratio: float,
    tables: list[_Table],
    meta: dict[str, Any],
    warnings: list[dict[str, Any]],
) -> str:
    """A garbled text layer: the least garbled other source, said so in meta and a warning;
    PDFium's cell text replaces pdfplumber's when PDFium reads the page cleanly."""
    text, source, ratio = _fallback_text(data, text, ratio)
    meta["text_source"] = source
    meta["garbage_ratio"] = round(ratio, 3)
    meta["text_garbled"] = ratio > GARBAGE_RATIO
    still = "still garbled" if ratio > GARBAGE_RATIO else "readable"
    warnings.append(
        {
            "message": f"PDF text layer is garbled ((cid:N)/U+FFFD/one glyph); best text "
            f"source {source} is {still} ({ratio:.0%} garbage)",
            "keys": [],
        }
    )
    if source == "pypdfium2" and ratio <= GARBAGE_RATIO:
        try:
            _refill_cells_from_pdfium(data, tables)
            meta["cell_text_source"] = "pypdfium2"
        except Exception:  # keep pdfplumber's cell text if pdfium cannot
            pass
    return text


# ---------------------------------------------------------------- text fallbacks


def _fallback_text(data: bytes, text: str, ratio: float) -> tuple[str, str, float]:
    """Try other extractors on a garbled text layer; keep the least garbled result."""
    best = (text, "pdfplumber", ratio)
    for name, extractor in (("pypdfium2", _pdfium_text), ("pdftotext", _pdftotext)):
        try:
            candidate = extractor(data)
        except Exception:  # a fallback that fails is simply not used
            continue
        if not candidate or not candidate.strip():
            continue
        candidate = fix_radicals(candidate)
        r = garbage_ratio(candidate)
        if r < best[2]:
            best = (candidate, name, r)
        if r <= GARBAGE_RATIO:
            break
    return best


def _pdfium_text(data: bytes) -> str:
    import pypdfium2

    doc = pypdfium2.PdfDocument(data)
    try:
        parts = []
        for page in doc:
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range().replace("\r\n", "\n"))
            textpage.close()
            page.close()
        return "\n".join(parts)
    finally:
        doc.close()


def _refill_cells_from_pdfium(data: bytes, tables: list[_Table]) -> None:
    """Re-read each cell's text with PDFium inside the cell's bbox (pdfminer's was garbled)."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(data)
    try:
        by_page: dict[int, list[Span]] = {}
        for table in tables:
            seen: set[int] = set()
            for line in table.grid:
                for placed in line:
                    if placed is not None and id(placed.span) not in seen:
                        seen.add(id(placed.span))
                        by_page.setdefault(table.page, []).append(placed.span)
        for number, spans in by_page.items():
            page = doc[number - 1]
            textpage = page.get_textpage()
            box = page.get_mediabox()
            rotation = page.get_rotation()
            for span in spans:
                left, bottom, right, top = _user_rect(span.extra["bbox"], box, rotation)
                raw = textpage.get_text_bounded(left, bottom, right, top)
                text = fix_radicals(clean_text(raw.replace("\r\n", "\n")))
                span.text = _refilled(span.text, text)
            textpage.close()
            page.close()
    finally:
        doc.close()


def _user_rect(
    bbox: tuple[float, float, float, float],
    mediabox: tuple[float, float, float, float],
    rotation: int,
) -> tuple[float, float, float, float]:
    """A pdfplumber cell bbox (x0, top, x1, bottom) as PDFium's (left, bottom, right, top).

    Why: pdfplumber measures ``top`` down from the MediaBox's height in displayed (rotated)
    space, PDFium takes unrotated user space; PDFium's own page height is the CropBox's, so
    flipping with it misplaces every cell of a cropped page and the refill reads nothing.
    """
    x0, top, x1, bottom = bbox
    mx0, my0, mx1, my1 = mediabox
    if rotation == 90:  # pdfminer's ctm (0, -1, 1, 0, -y0, x1), undone
        return top + 2 * mx0, x0, bottom + 2 * mx0, x1
    if rotation == 180:  # ctm (-1, 0, 0, -1, x1, y1)
        return mx1 + mx0 - x1, top + 2 * my0, mx1 + mx0 - x0, bottom + 2 * my0
    if rotation == 270:  # ctm (0, 1, -1, 0, y1, -x0)
        return mx1 - mx0 - bottom, my1 + my0 - x1, mx1 - mx0 - top, my1 + my0 - x0
    height = my1 - my0
    return x0, height - bottom, x1, height - top


_ASCII_FIGURE_RE = re.compile(r"^[0-9!-/:-@\[-`{-~ ]*[0-9][0-9!-/:-@\[-`{-~ ]*$")


def _refilled(old: str, new: str) -> str:
    """PDFium's text for a cell, but pdfplumber's when PDFium found nothing and it is a figure.

    Why: a missing CJK font garbles only CJK glyphs; ASCII digits read by pdfminer are right,
    and an empty refill (a glyph just outside the rectangle PDFium was asked about) would turn
    a printed number into a blank.
    """
    if not new and _ASCII_FIGURE_RE.match(old):
        return old
    return new


def _pdftotext(data: bytes) -> str:
    exe = shutil.which("pdftotext")
    if not exe:
        return ""
    done = subprocess.run(
        [exe, "-layout", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else ""


# ---------------------------------------------------------------- tables on one page


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index_range(edges: list[float], lo: float, hi: float) -> range:
    """Grid lines (by index) a cell from lo to hi covers: those with lo <= line < hi."""
    first = next((i for i, e in enumerate(edges) if e >= lo - SNAP), len(edges))
    last = first
    while last < len(edges) and edges[last] < hi - SNAP:
        last += 1
    return range(first, max(last, first + 1))


def _page_tables(page: Any, number: int) -> list[_Table]:
    found = page.find_tables()
    out: list[_Table] = []
    for table in found:
        texts = table.extract()
        xs = _snap([c[0] for c in table.cells])
        tops = _snap([c[1] for c in table.cells])
        if len(xs) < 2:
            continue  # a one-column box: a page frame or text box, never a template table
        grid: list[list[Placed | None]] = [[None] * len(xs) for _ in tops]
        for row_obj, row_texts in zip(table.rows, texts, strict=False):
            for bbox, raw in zip(row_obj.cells, row_texts, strict=False):
                if bbox is None:
                    continue
                x0, top, x1, bottom = bbox
                cols = _index_range(xs, x0, x1)
                rws = _index_range(tops, top, bottom)
                span = Span(
                    text=fix_radicals(clean_text(raw or "")),
                    rowspan=len(rws),
                    colspan=len(cols),
                    extra={"page": number, "bbox": tuple(round(v, 2) for v in bbox)},
                )
                placed = Placed(span, rws.start, cols.start)
                for r in rws:
                    for c in cols:
                        if r < len(grid) and c < len(xs) and grid[r][c] is None:
                            grid[r][c] = placed
        grid = _renumber([line for line in grid if not _blank_or_paragraph(line)])
        if not grid:
            continue
        out.append(
            _Table(
                page=number,
                bbox=tuple(table.bbox),
                page_height=float(page.height),
                xs=xs,
                grid=grid,
            )
        )
    out.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    if out:
        out[0].first_on_page = True
        out[-1].last_on_page = True
    return out


def _blank_or_paragraph(line: list[Placed | None]) -> bool:
    """Rows that are not table rows: all empty, or one full-width cell of running prose.

    WPS often draws a frame around the page body, and pdfplumber then reports the body's
    paragraphs as rows of the table the frame encloses.
    """
    placed = {id(p): p for p in line if p is not None}
    if not placed or all(not p.span.text for p in placed.values()):
        return True
    if len(placed) == 1 and all(p is not None for p in line):
        text = next(iter(placed.values())).span.text
        return len(text) >= 30 and bool(re.search(r"[，。；]", text))
    return False


def _word_table(page: Any, number: int) -> list[_Table]:
    """Rows of a table printed without ruling lines, rebuilt from word positions.

    A line becomes a row when it ends in at least two number cells (a label followed by its
    values); prose lines, even with a figure in them, do not.
    """
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= 2.5:
            lines[-1].append(word)
        else:
            lines.append([word])
    grid: list[list[Placed | None]] = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        cells: list[list[dict[str, Any]]] = []
        for word in line:
            if cells and word["x0"] - cells[-1][-1]["x1"] <= WORD_GAP:
                cells[-1].append(word)
            else:
                cells.append([word])
        texts = ["".join(w["text"] for w in cell) for cell in cells]
        tail = 0
        while tail < len(texts) and _NUMBER_RE.match(texts[len(texts) - 1 - tail]):
            tail += 1
        if tail < 2:
            continue
        r = len(grid)
        row: list[Placed | None] = []
        for c, (cell, text) in enumerate(zip(cells, texts, strict=True)):
            bbox = (
                round(min(w["x0"] for w in cell), 2),
                round(min(w["top"] for w in cell), 2),
                round(max(w["x1"] for w in cell), 2),
                round(max(w["bottom"] for w in cell), 2),
            )
            span = Span(text=fix_radicals(text), extra={"page": number, "bbox": bbox})
            row.append(Placed(span, r, c))
        grid.append(row)
    if not grid:
        return []
    width = max(len(line) for line in grid)
    grid = [line + [None] * (width - len(line)) for line in grid]
    top = min(p.span.extra["bbox"][1] for line in grid for p in line if p is not None)
    bottom = max(p.span.extra["bbox"][3] for line in grid for p in line if p is not None)
    return [
        _Table(
            page=number,
            bbox=(0.0, top, float(page.width), bottom),
            page_height=float(page.height),
            xs=[],  # never joined with a neighbour: no column geometry to compare
            grid=grid,
            first_on_page=True,
            last_on_page=True,
        )
    ]


# ---------------------------------------------------------------- joining across pages


def _continues(prev: _Table, cur: _Table) -> bool:
    """Is ``cur`` the rest of ``prev``, cut by a page break?"""
    if cur.page != prev.page + 1 or not (prev.last_on_page and cur.first_on_page):
        return False
    if not prev.xs or not cur.xs:
        return False
    if abs(prev.bbox[0] - cur.bbox[0]) > COL_TOLERANCE:
        return False
    if abs(prev.bbox[2] - cur.bbox[2]) > COL_TOLERANCE:
        return False
    # Same columns, or one side merges some of the other's (a header-only first part).
    small, large = sorted((prev.xs, cur.xs), key=len)
    return all(any(abs(a - b) <= COL_TOLERANCE for b in large) for a in small)


def _column_map(prev_xs: list[float], cur_xs: list[float]) -> list[int]:
    """For each column of the continuation, the previous part's column covering its left edge."""
    out = []
    for x in cur_xs:
        covering = [i for i, px in enumerate(prev_xs) if px <= x + COL_TOLERANCE]
        out.append(covering[-1] if covering else 0)
    return out


def _row_key(line: list[Placed | None]) -> tuple[str, ...]:
    seen: list[str] = []
    last: Placed | None = None
    for placed in line:
        if placed is not None and placed is not last:
            seen.append(re.sub(r"\s+", "", placed.span.text))
        last = placed
    return tuple(seen)


def _header_keys(grid: list[list[Placed | None]]) -> list[tuple[str, ...]]:
    """Rows before the first row holding a number: the table's header."""
    keys = []
    for line in grid:
        if any(
            p is not None
            and p.span.text
            and is_valueish(p.span.text)
            and re.search(r"\d", p.span.text)
            for p in line
        ):
            break
        keys.append(_row_key(line))
    return keys


def _carry_labels(
    prev_last: list[Placed | None], first: list[Placed | None], columns: list[int]
) -> None:
    """Give empty label cells at the top of a continued table the label cut by the break.

    Only a cell with a non-empty label to its right inherits: that is the shape of a
    hierarchical label (三、本年度办理结果 › （四）无法提供 › 3.补正后…) split by the page.
    """
    for c, placed in enumerate(first):
        if placed is None or placed.span.text or placed.col != c:
            continue
        right = [p for p in first[c + 1 :] if p is not None and p is not placed]
        if not any(p.span.text and not is_valueish(p.span.text) for p in right):
            continue
        pc = columns[c] if c < len(columns) else c
        above = prev_last[pc] if pc < len(prev_last) else None
        if above is not None and above.span.text and not is_valueish(above.span.text):
            placed.span.text = above.span.text
            placed.span.extra["carried_from_page"] = above.span.extra.get("page")


def _join_tables(tables: list[_Table]) -> list[Row]:
    rows: list[Row] = []
    index = -1
    offset = 0
    header: list[tuple[str, ...]] = []
    prev: _Table | None = None
    for table in tables:
        grid = table.grid
        if prev is not None and _continues(prev, table):
            while grid and header and _row_key(grid[0]) in header:
                grid = grid[1:]
            if grid:
                _carry_labels(prev.grid[-1], grid[0], _column_map(prev.xs, table.xs))
        else:
            index += 1
            offset = 0
            header = _header_keys(grid)
        rows.extend(grid_rows(_renumber(grid), index, first_row=offset))
        offset += len(grid)
        table.grid = grid
        prev = table
    return rows


def _renumber(grid: list[list[Placed | None]]) -> list[list[Placed | None]]:
    """Re-index placed cells after grid lines were cut (blank slivers, repeated headers).

    Why: ``grid_rows`` takes a cell whose origin row is not the current row for a row-spanning
    copy and blanks its number; a stale origin (a blank sliver dropped above it, as LibreOffice
    leaves where a row-spanning label crosses a page) would empty every value below.
    """
    first: dict[int, int] = {}
    lines: dict[int, int] = {}
    for r, line in enumerate(grid):
        for key in {id(p) for p in line if p is not None}:
            first.setdefault(key, r)
            lines[key] = lines.get(key, 0) + 1
    cache: dict[int, Placed] = {}
    out: list[list[Placed | None]] = []
    for line in grid:
        new_line: list[Placed | None] = []
        for p in line:
            if p is None:
                new_line.append(None)
                continue
            q = cache.get(id(p))
            if q is None:
                q = p if p.row == first[id(p)] else Placed(p.span, first[id(p)], p.col)
                p.span.rowspan = max(1, min(p.span.rowspan, lines[id(p)]))
                cache[id(p)] = q
            new_line.append(q)
        out.append(new_line)
    return out
