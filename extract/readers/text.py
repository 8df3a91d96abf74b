"""Plain-text and markdown reports -> ParsedDocument.

Why: text copies of reports come in several shapes and the mapping should see one: rows of
cells.  Handled here:

* archive ``page.txt`` files with a ``标题: …`` metadata header and a ``==== 正文 ====`` marker;
* one cell per line, tab-indented, rows separated by blank lines (DOCX flattened to text);
* one cell per line or paragraph without row breaks (rows are cut where a label follows values);
* ``|``-separated pipe / markdown tables, tab-separated rows (a table copied from a browser),
  and ``label 1 2 3`` lines;
* ``label 82135//21859`` / ``label 1件0件…`` lines (a row's values run together, a placeholder
  or a unit still ending some cells): cut at those ends, the line noted as run-together;
* whole tables (or whole reports) flattened into one long line with the cells run together
  (``…申请数量640020470二、上年结转…``): cut at the template's row labels (readers/flat.py),
  else at every digit run, into (label, digit run) rows; the digit runs are split later,
  under the template identities and the 正文 figures (extract.digits, extract.mapping).
"""

from __future__ import annotations

import re

from extract.cells import Cell, Location, ParsedDocument, Row
from extract.readers.flat import flat_rows
from extract.values import parse_value

_HEADER_KEYS = {
    "标题": "title",
    "发布时间": "published",
    "文号": "doc_number",
    "发布机构": "publisher",
    "栏目": "column",
    "原文链接": "url",
}
_BODY_MARK = re.compile(r"^=+\s*正文\s*=+\s*$")
_PIPE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TRAILING_NUMS = re.compile(r"^(.*?[^\d\s.,/])\s+((?:[\d.,]+|/|-|—)(?:\s+(?:[\d.,]+|/|-|—))*)$")
# ``label 82135//21859``: value cells run together, a placeholder among them
_UNIT = r"(?:万元|元|件|宗|个|项)"
_GLUED_TOKEN = re.compile(rf"(?:-?\d[\d.,]*)+{_UNIT}?|[/／—–－]|-(?!\d)")
_GLUED_RUN = rf"(?:(?:-?\d[\d.,]*)+{_UNIT}?|[/／—–－]|-(?!\d))+"
_GLUED_NUMS = re.compile(rf"^(.*?[^\d\s.,/／—–\-－])\s+({_GLUED_RUN})$")
_GLUED_ONLY = re.compile(rf"^{_GLUED_RUN}$")
# what makes a run of values readable as cells: a placeholder or a unit ends a cell
_CELL_END = re.compile(r"[/／—–－]|-(?!\d)|" + _UNIT)
_DATE = re.compile(r"\d{4}[/\-]\d{1,2}[/\-]\d{1,2}")
_RUN = re.compile(r"\d[\d.\s]*(?:-\d[\d.\s]*)*")
_FLAT_MIN_LEN = 300


_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def _cell_text(text: str) -> str:
    """A cell's text without markdown emphasis (``**一、本年新收…**``)."""
    return _EMPHASIS.sub(r"\2", text.strip()).strip()


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, else UTF-8 with replacement."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def read_text(data: bytes, fmt: str = "text") -> ParsedDocument:
    """Read a text or markdown document into rows of cells with line locations."""
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    meta, start = _archive_header(lines)
    body = lines[start:]
    rows, flat = text_rows(body, start)
    meta.setdefault("text_source", "text")
    if flat:  # where cells ran together: digit runs there may be split (extract.digits)
        meta["flattened_lines"] = flat
    return ParsedDocument(format=fmt, text="\n".join(body), rows=rows, meta=meta)


def text_rows(lines: list[str], offset: int = 0) -> tuple[list[Row], list[int]]:
    """(rows, run-together lines) of a text body: the numbers of the lines whose cells ran
    together (a flattened report, ``82135//21859``), where digit runs may be split."""
    glued: set[int] = set()
    tabbed = _is_tab_blocks(lines)
    rows = _tab_block_rows(lines, offset) if tabbed else _line_rows(lines, offset, glued)
    run_lines = _flat_lines(lines, offset) | glued
    return rows, sorted({c.loc.line for r in rows for c in r.cells if c.loc.line in run_lines})


def has_flat_line(text: str) -> bool:
    """Whether a text holds a whole table (or report) flattened into one line."""
    return any(_is_flat(ln.strip()) for ln in text.split("\n"))


def _is_flat(stripped: str) -> bool:
    return len(stripped) >= _FLAT_MIN_LEN and len(_RUN.findall(stripped)) >= 8


def _flat_lines(lines: list[str], offset: int) -> set[int]:
    """Line numbers of whole tables flattened into one line (cells run together)."""
    return {offset + i + 1 for i, ln in enumerate(lines) if _is_flat(ln.strip())}


def _archive_header(lines: list[str]) -> tuple[dict, int]:
    """Parse an archive page.txt header (key: value lines up to the 正文 marker)."""
    meta: dict = {}
    for i, line in enumerate(lines[:40]):
        if _BODY_MARK.match(line):
            for head in lines[:i]:
                key, sep, value = head.partition(":")
                if sep and key.strip() in _HEADER_KEYS and value.strip():
                    meta[_HEADER_KEYS[key.strip()]] = value.strip()
            return meta, i + 1
    return meta, 0


def _is_tab_blocks(lines: list[str]) -> bool:
    """One cell per tab-indented line (DOCX flattened); not tab-separated rows (copied tables)."""
    nonblank = [ln for ln in lines if ln.strip()]
    tabbed = sum(1 for ln in nonblank if ln.startswith("\t") and "\t" not in ln.strip("\t"))
    separated = sum(1 for ln in nonblank if _is_tab_row(ln))
    return bool(nonblank) and tabbed >= 0.2 * len(nonblank) and separated < tabbed


def _is_tab_row(line: str) -> bool:
    """A copied table row: cells separated by tabs (leading empty cells allowed)."""
    return "\t" in line.strip().strip("\t") or line.count("\t") >= 2


def _tab_block_rows(lines: list[str], offset: int) -> list[Row]:
    """Blank line = row break; a tab starts a cell; an untabbed line continues the cell."""
    rows: list[Row] = []
    cells: list[Cell] = []
    texts: list[str] = []
    lines_of: list[int] = []

    def flush_cell_list() -> None:
        if cells or texts:
            rows.append(
                Row([Cell(t, Location(line=n)) for t, n in zip(texts, lines_of, strict=True)])
            )
        texts.clear()
        lines_of.clear()

    for i, line in enumerate(lines):
        lineno = offset + i + 1
        if not line.strip() and not line.startswith("\t"):
            flush_cell_list()
            continue
        if line.startswith("\t"):
            texts.append(line.strip())
            lines_of.append(lineno)
        elif texts:
            texts[-1] += line.strip()
        else:
            texts.append(line.strip())
            lines_of.append(lineno)
            flush_cell_list()
    flush_cell_list()
    return rows


class _Stream:
    """Cells without row breaks: a label cell that follows value cells starts a new row."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.cells: list[Cell] = []
        self.has_values = False

    def add(self, cell: Cell) -> None:
        is_value = parse_value(cell.text).is_value_cell
        if not is_value and self.has_values:
            self.flush()
        self.cells.append(cell)
        self.has_values = self.has_values or is_value

    def flush(self) -> None:
        if self.cells:
            self.rows.append(Row(self.cells))
        self.cells = []
        self.has_values = False


def _line_rows(lines: list[str], offset: int, glued: set[int] | None = None) -> list[Row]:
    """Rows of a text body, one line at a time (see the module docstring for the shapes).

    ``glued`` collects the numbers of lines whose value cells ran together around
    placeholders (``82135//21859``): their digit runs may be split.
    """
    rows: list[Row] = []
    stream = _Stream(rows)
    for i, line in enumerate(lines):
        lineno = offset + i + 1
        stripped = line.strip()
        if not stripped:
            continue
        if _is_flat(stripped):
            stream.flush()
            rows.extend(flat_rows(line, lineno) or _flattened_rows(line, lineno))
            continue
        row = _tab_row(line, lineno) if _is_tab_row(line) else None
        if row is None and "|" in stripped:
            _pipe_line(stripped, lineno, stream)
            continue
        if row is None:
            row = _trailing_row(stripped, lineno, glued)
        if row is not None:
            stream.flush()
            rows.append(row)
            continue
        if (
            _GLUED_ONLY.match(stripped)
            and _glued_run(stripped)
            and any(c.isdigit() for c in stripped)
            and glued is not None
        ):
            # a value row without a label of its own (表四 under its header lines)
            glued.add(lineno)
            for j, tok in enumerate(_GLUED_TOKEN.findall(stripped)):
                stream.add(Cell(tok, Location(line=lineno, col=j)))
            continue
        stream.add(Cell(_cell_text(stripped), Location(line=lineno)))
    stream.flush()
    return rows


def _tab_row(line: str, lineno: int) -> Row | None:
    """A tab-separated row (a table copied from a browser), if it has any text."""
    cells = [
        Cell(p.strip(), Location(line=lineno, col=j))
        for j, p in enumerate(line.rstrip("\n").split("\t"))
    ]
    return Row(cells) if len(cells) >= 2 and any(c.text for c in cells) else None


def _pipe_line(stripped: str, lineno: int, stream: _Stream) -> None:
    """A ``|`` row: a row of its own when it has two cells, else cells for the stream."""
    if _PIPE_SEP.match(stripped):
        return
    parts = stripped.split("|")
    if stripped.startswith("|"):
        parts = parts[1:]
    if stripped.endswith("|"):
        parts = parts[:-1]
    cells = [Cell(_cell_text(p), Location(line=lineno, col=j)) for j, p in enumerate(parts)]
    if len(cells) >= 2 and any(c.text for c in cells):
        stream.flush()
        stream.rows.append(Row(cells))
        return
    for c in cells:
        if c.text or stream.cells:
            stream.add(c)


def _glued_run(run: str) -> bool:
    """Values run together that still show where cells end (``82135//21859``, ``1件0件``,
    ``///////``); a date (``2024/01/20``) is not one."""
    return _DATE.search(run) is None and _CELL_END.search(run) is not None


def _trailing_row(stripped: str, lineno: int, glued: set[int] | None) -> Row | None:
    """``label 1 2 3`` (values apart), or ``label 82135//21859`` (values run together around
    placeholders: each placeholder is a cell of its own, the digit runs between them are
    split later, so the line is noted in ``glued``)."""
    m = _TRAILING_NUMS.match(stripped)
    if m:
        parts = [_cell_text(m.group(1)), *m.group(2).split()]
    else:
        m = _GLUED_NUMS.match(stripped)
        if m is None or not _glued_run(m.group(2)):
            return None
        parts = [_cell_text(m.group(1)), *_GLUED_TOKEN.findall(m.group(2))]
        if glued is not None:
            glued.add(lineno)
    return Row([Cell(p, Location(line=lineno, col=j)) for j, p in enumerate(parts)])


def _flattened_rows(line: str, lineno: int) -> list[Row]:
    """Cut a line where table cells ran together into [label, digit chunk, …] rows.

    A digit run that ends in ``<d>.`` or ``<d>、`` before a label (``…00000002.其他法律…``) gives
    its last digit to the label: it is the sub-item number, not a value.
    """
    rows: list[Row] = []
    label_start = 0
    pending_prefix = ""
    for m in _RUN.finditer(line):
        run_start, run = m.start(), m.group(0)
        nxt = line[m.end() : m.end() + 1]
        prefix = ""
        core = run.rstrip()
        if re.search(r"[1-9][.、]$", core) and nxt and not nxt.isdigit():
            prefix = core[-2:]
            core = core[:-2].rstrip()
        elif re.search(r"[1-9]$", core) and nxt in ("、", "．"):
            prefix = core[-1]
            core = core[:-1].rstrip()
        label = pending_prefix + line[label_start:run_start]
        cells = [Cell(label.strip(), Location(line=lineno, col=0))]
        pos = run_start
        for chunk in core.split():
            pos = line.index(chunk, pos)
            cells.append(Cell(chunk, Location(line=lineno, col=len(cells))))
            pos += len(chunk)
        if core or label.strip():
            rows.append(Row(cells))
        pending_prefix = prefix
        label_start = m.end()
    tail = pending_prefix + line[label_start:]
    if tail.strip():
        rows.append(Row([Cell(tail.strip(), Location(line=lineno, col=0))]))
    return rows
