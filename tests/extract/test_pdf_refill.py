"""PDF reader: continued tables with a blank sliver row, and the PDFium cell refill.

LibreOffice prints a row-spanning label cut by a page break as a blank sliver row at the top of
the next page; dropping that row must not shift the cells below (their numbers went blank).
The refill re-reads garbled cells with PDFium, whose rectangle must be the cell's on cropped,
offset and rotated pages, and must never blank a figure pdfminer read right.
"""

from __future__ import annotations

import io
import logging
import shutil

import pytest

from extract.readers import pdf as P
from extract.readers.pdf import read_pdf
from tests.extract.pdfgen import Page, build_pdf
from tests.extract.test_html_reader import find_row, values

XS = [60, 110, 190, 300, 360, 420, 480]  # 3 label columns, 3 value columns


def _row(page: Page, top: float, cells: list[tuple[int, int, str]], h: float = 24) -> None:
    for c0, c1, text in cells:
        page.cell(XS[c0], top, XS[c1 + 1], top + h, text)


def sliver_pdf() -> bytes:
    """表三-like table whose continuation starts with a blank sliver under the cut labels."""
    p1, p2 = Page(), Page()
    _row(p1, 600, [(0, 2, "项目"), (3, 3, "自然人"), (4, 4, "法人"), (5, 5, "总计")])
    _row(
        p1, 624, [(0, 2, "一、本年新收政府信息公开申请数量"), (3, 3, "5"), (4, 4, "2"), (5, 5, "7")]
    )
    p1.cell(XS[0], 648, XS[1], 672, "三、本年度办理结果")
    p1.cell(XS[1], 648, XS[2], 672, "（三）不予公开")
    _row(p1, 648, [(2, 2, "1.属于国家秘密"), (3, 3, "1"), (4, 4, "0"), (5, 5, "1")])
    p2.cell(XS[0], 40, XS[1], 104, "")  # the cut 三、本年度办理结果, blank on this page
    p2.cell(XS[1], 40, XS[2], 104, "")  # the cut （三）不予公开
    _row(p2, 40, [(2, 2, ""), (3, 3, ""), (4, 4, ""), (5, 5, "")], h=16)  # the sliver
    _row(p2, 56, [(2, 2, "2.其他法律行政法规禁止公开"), (3, 3, "2"), (4, 4, "0"), (5, 5, "2")])
    _row(p2, 80, [(2, 2, "3.危及“三安全一稳定”"), (3, 3, "3"), (4, 4, "1"), (5, 5, "4")])
    _row(p2, 104, [(0, 2, "四、结转下年度继续办理"), (3, 3, "6"), (4, 4, "0"), (5, 5, "6")], h=32)
    return build_pdf([p1, p2])


def test_blank_sliver_row_atop_a_continued_table_keeps_the_numbers_below() -> None:
    doc = read_pdf(sliver_pdf())
    assert {c.loc.table for r in doc.rows for c in r.cells} == {0}
    row = find_row(doc.rows, "2.其他法律行政法规禁止公开")
    assert row.cells[-1].loc.page == 2
    assert row.texts[:2] == ["三、本年度办理结果", "（三）不予公开"]
    assert values(row) == ["2", "0", "2"]
    assert not any(c.repeated for c in row.cells[2:])
    assert values(find_row(doc.rows, "3.危及")) == ["3", "1", "4"]
    assert values(find_row(doc.rows, "四、结转下年度")) == ["6", "0", "6"]
    rows = [r.cells[-1].loc.row for r in doc.rows]
    assert rows == sorted(rows) and len(set(rows)) == len(rows)


def _tables(data: bytes) -> list[P._Table]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [t for n, pg in enumerate(pdf.pages, 1) for t in P._page_tables(pg, n)]


PRINTED = ["行政许可", "12", "34", "7", "行政处罚", "5", "6", "11"]


def _cells_pdf() -> bytes:
    page = Page()
    _row(page, 100, [(0, 2, "行政许可"), (3, 3, "12"), (4, 4, "34"), (5, 5, "7")])
    _row(page, 124, [(0, 2, "行政处罚"), (3, 3, "5"), (4, 4, "6"), (5, 5, "11")])
    return build_pdf([page])


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
@pytest.mark.parametrize(
    "boxes",
    [
        "/MediaBox [0 0 595 842]",
        "/MediaBox [0 0 595 842] /CropBox [40 60 560 700]",
        "/MediaBox [50 -100 645 742]",
        "/MediaBox [30 40 625 882] /CropBox [60 100 500 700]",
    ],
)
def test_refill_finds_each_cell_on_cropped_offset_and_rotated_pages(
    boxes: str, rotate: int
) -> None:
    """PDFium measures from the unrotated MediaBox, pdfplumber from the displayed page."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    data = _cells_pdf().replace(b"/MediaBox [0 0 595 842]", f"{boxes} /Rotate {rotate}".encode())
    tables = _tables(data)
    spans = [p.span for t in tables for line in t.grid for p in line if p is not None]
    for s in spans:
        s.text = "本本"  # what a missing CJK font leaves
    P._refill_cells_from_pdfium(data, tables)
    assert sorted(s.text for s in spans) == sorted(PRINTED)


def test_refill_keeps_pdfminer_figures_when_pdfium_reads_nothing() -> None:
    assert P._refilled("12", "") == "12"
    assert P._refilled("7,730.28", "") == "7,730.28"
    assert P._refilled("/", "") == ""  # no digit: nothing worth keeping
    assert P._refilled("本本", "") == ""  # garbled CJK is never kept
    assert P._refilled("(cid:12)", "") == ""
    assert P._refilled("12", "13") == "13"  # PDFium read something: it is the source


@pytest.mark.integration  # LibreOffice subprocess
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_libreoffice_html_pdf_continued_table_three_is_exact() -> None:
    """The two documents whose 表三 continuation came out empty when printed from HTML."""
    import variants as V

    lay = next(lay for lay in V.LAYOUTS if lay.name == "pdf-from-html")
    stems = ["fj-pingtan-2019-html", "js-huaian-hongze-2023"]
    pdfs = V.make_pdfs(stems, [lay])
    if not pdfs:
        pytest.skip("LibreOffice produced no PDF")
    for stem in stems:
        s = V.score(V.extract_variant(stem, lay, pdfs), V.truth_for(stem, lay))
        assert s["silent"] == [] and s["right"] == s["n"], f"{stem}: {s['wrong'][:10]}"
