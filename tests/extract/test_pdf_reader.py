"""PDF reader: merged cells, tables across pages, fake bold, garbled text, scans, encryption."""

from __future__ import annotations

import pytest

from extract.readers import ReaderError, read_document
from extract.readers.pdf import garbage_ratio, read_pdf
from tests.extract.pdfgen import Page, build_pdf
from tests.extract.test_html_reader import find_row, values

XS = [60, 110, 190, 300, 360, 420, 480]  # 3 label columns, 3 value columns


def _row(page: Page, top: float, cells: list[tuple[int, int, str]], h: float = 24) -> None:
    """Draw one table row: (first column, last column, text) per cell."""
    for c0, c1, text in cells:
        page.cell(XS[c0], top, XS[c1 + 1], top + h, text)


def _header(page: Page, top: float) -> None:
    _row(page, top, [(0, 2, "项目"), (3, 3, "自然人"), (4, 4, "法人"), (5, 5, "总计")])


def split_table_pdf() -> bytes:
    """表三-like table broken across two pages, header repeated, labels cut by the break."""
    p1, p2 = Page(), Page()
    p1.text(60, 60, "三、收到和处理政府信息公开申请情况")
    _header(p1, 600)
    _row(p1, 624, [(0, 2, "一、本年新收政府信息公开申请数量")])
    _row(p1, 624, [(3, 3, "5"), (4, 4, "2"), (5, 5, "7")])
    p1.cell(XS[0], 648, XS[1], 696, "三、本年度办理结果")  # spans two rows, to the page end
    p1.cell(XS[1], 648, XS[2], 696, "（四）无法提供")
    _row(p1, 648, [(2, 2, "1.本机关不掌握相关政府信息"), (3, 3, "1"), (4, 4, "0"), (5, 5, "1")])
    _row(p1, 672, [(2, 2, "2.没有现成信息需要另行制作"), (3, 3, "2"), (4, 4, "0"), (5, 5, "2")])
    _header(p2, 80)  # the header printed again on the new page
    p2.cell(XS[0], 104, XS[1], 152, "")  # the cut 三、本年度办理结果 continues, blank
    p2.cell(XS[1], 104, XS[2], 128, "")
    _row(p2, 104, [(2, 2, "3.补正后申请内容仍不明确"), (3, 3, "3"), (4, 4, "0"), (5, 5, "3")])
    p2.cell(XS[1], 128, XS[2], 152, "（五）不予处理")
    _row(p2, 128, [(2, 2, "1.信访举报投诉类申请"), (3, 3, "4"), (4, 4, "0"), (5, 5, "4")])
    _row(p2, 152, [(0, 2, "四、结转下年度继续办理"), (3, 3, "0"), (4, 4, "0"), (5, 5, "0")])
    p2.text(60, 300, "五、存在的主要问题及改进情况")
    return build_pdf([p1, p2], title="某区2023年政府信息公开工作年度报告")


def test_split_table_joined_header_dropped_labels_carried() -> None:
    doc = read_pdf(split_table_pdf())
    assert doc.meta["file_title"] == "某区2023年政府信息公开工作年度报告"
    assert {c.loc.table for r in doc.rows for c in r.cells} == {0}
    assert sum(1 for r in doc.rows if "自然人" in r.texts) == 1  # repeated header dropped
    row = find_row(doc.rows, "3.补正后申请内容仍不明确")
    assert row.texts[:2] == ["三、本年度办理结果", "（四）无法提供"]
    assert values(row) == ["3", "0", "3"]
    assert row.cells[0].loc.page == 2 and row.cells[-1].loc.bbox is not None
    row = find_row(doc.rows, "1.信访举报投诉类申请")
    assert row.texts[:2] == ["三、本年度办理结果", "（五）不予处理"]
    assert row.cells[0].repeated
    assert values(find_row(doc.rows, "四、结转下年度")) == ["0", "0", "0"]
    table_rows = [r.cells[0].loc.row for r in doc.rows]
    assert table_rows == sorted(table_rows) and len(set(table_rows)) == len(table_rows)


def test_merged_value_cell_emitted_once() -> None:
    page = Page()
    _row(page, 76, [(0, 2, "信息内容"), (3, 3, "甲"), (4, 4, "乙"), (5, 5, "丙")])
    _row(page, 100, [(0, 2, "行政许可"), (3, 5, "550")])
    _row(page, 124, [(0, 2, "行政处罚"), (3, 5, "4119")])
    doc = read_pdf(build_pdf([page]))
    row = find_row(doc.rows, "行政许可")
    assert row.texts == ["行政许可", "550"] and row.cells[1].colspan == 3


def test_fake_bold_duplicates_removed() -> None:
    page = Page()
    for dx in (0, 0.3):
        page.text(60 + dx, 60, "一、总体情况")
    _row(page, 100, [(0, 2, "规章"), (3, 3, "1"), (4, 4, "2"), (5, 5, "3")])
    _row(page, 100, [(0, 2, "规章"), (3, 3, "1"), (4, 4, "2"), (5, 5, "3")])  # drawn twice
    doc = read_pdf(build_pdf([page]))
    assert "一、总体情况" in doc.text and "一一" not in doc.text
    assert find_row(doc.rows, "规章").texts == ["规章", "1", "2", "3"]


def test_garbled_text_layer_is_detected_and_recorded() -> None:
    page = Page()
    page.text(60, 60, "这是一段没有映射表的文字内容" * 3, font="F2")
    doc = read_pdf(build_pdf([page]))
    assert garbage_ratio("(cid:12)(cid:13)") == 1.0
    assert doc.meta["text_source"] in {"pdfplumber", "pypdfium2", "pdftotext"}
    assert "garbage_ratio" in doc.meta
    assert any("garbled" in w["message"] for w in doc.warnings)


def test_image_only_pdf_needs_ocr() -> None:
    page = Page()
    page.rect(50, 50, 500, 700)  # a scan has no text layer, only graphics
    doc = read_pdf(build_pdf([page, Page()]))
    assert doc.meta["needs_ocr"] is True
    assert doc.rows == [] and doc.text == ""


def test_encrypted_pdf_with_unknown_password() -> None:
    page = Page()
    page.text(60, 60, "一、总体情况")
    data = build_pdf([page], encrypt=bytes(range(32)))
    with pytest.raises(ReaderError) as info:
        read_document(data, "pdf")
    assert info.value.reason == "encrypted PDF"


def test_garbage_bytes_raise_reader_error() -> None:
    with pytest.raises(ReaderError):
        read_document(b"%PDF-1.4\n" + b"\x00garbage" * 100, "pdf")


# ------------------------------------------------------------------ the real report


@pytest.fixture(scope="module")
def hongze():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "data" / "extract" / "js-huaian-hongze-2023.pdf"
    return read_pdf(path.read_bytes())


def test_hongze_meta_and_text(hongze) -> None:
    assert hongze.meta["pages"] == 5
    assert hongze.meta["text_source"] == "pdfplumber"
    assert hongze.meta["file_title"] == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert "全区受理政府信息公开申请 21 件" in hongze.text


def test_hongze_page_frame_paragraphs_are_not_rows(hongze) -> None:
    assert not any("习近平" in c.text for r in hongze.rows for c in r.cells)


def test_hongze_table_two(hongze) -> None:
    assert find_row(hongze.rows, "规章").texts == ["规章", "0", "0", "0"]
    assert find_row(hongze.rows, "行政规范性文件").texts[1:] == ["0", "5", "5"]
    assert find_row(hongze.rows, "行政许可").texts == ["行政许可", "550"]
    assert find_row(hongze.rows, "行政事业性收费").texts == ["行政事业性收费", "7730.28"]


def test_hongze_table_three_joined_across_pages(hongze) -> None:
    new = find_row(hongze.rows, "一、本年新收")
    tail = find_row(hongze.rows, "3.补正后申请内容仍不明确")
    assert new.cells[0].loc.table == tail.cells[0].loc.table
    assert (new.cells[0].loc.page, tail.cells[0].loc.page) == (3, 4)
    assert tail.texts[:2] == ["三、本年度办理结果", "（四）无法提供"]
    assert values(tail) == ["0"] * 7
    assert find_row(hongze.rows, "（五）不予处理", "1.信访举报投诉类申请").texts[0] == (
        "三、本年度办理结果"
    )
    assert values(find_row(hongze.rows, "（六）其他处理")) == ["0"] * 7
    assert values(find_row(hongze.rows, "（七）总计"))[-1] == "21"
    assert values(find_row(hongze.rows, "四、结转下年度")) == ["0"] * 7
    assert values(find_row(hongze.rows, "1.本机关不掌握")) == ["10", "0", "0", "0", "0", "0", "10"]


def test_hongze_table_four(hongze) -> None:
    last = hongze.rows[-1]
    assert last.texts == ["10", "1"] + ["0"] * 8 + ["5", "0", "0", "0", "0"]
    assert all(c.loc.page == 4 and c.loc.bbox for c in last.cells)


def test_not_a_report_still_reads(data_file) -> None:
    doc = read_pdf(data_file("neg-sh-putuo-shgzb-2024-juesuan.pdf"))
    assert doc.meta["pages"] == 24 and not doc.meta.get("needs_ocr")


def test_borderless_table_rebuilt_from_word_positions() -> None:
    page = Page()
    page.text(60, 60, "本年新收申请 7 件，办理完毕。")  # prose with one figure: not a row
    for top, label, nums in (
        (100, "申请人情况", ["自然人", "法人", "总计"]),
        (120, "一、本年新收政府信息公开申请数量", ["5", "2", "7"]),
        (140, "二、上年结转政府信息公开申请数量", ["0", "0", "0"]),
    ):
        page.text(60, top, label, size=8)
        for x, n in zip((330, 380, 430), nums, strict=True):
            page.text(x, top, n, size=8)
    doc = read_pdf(build_pdf([page]))
    assert doc.meta["borderless_table_pages"] == [1]
    assert [r.texts for r in doc.rows] == [
        ["一、本年新收政府信息公开申请数量", "5", "2", "7"],
        ["二、上年结转政府信息公开申请数量", "0", "0", "0"],
    ]
    assert doc.rows[0].cells[1].loc.bbox is not None


def test_single_glyph_text_layer_counts_as_garbled() -> None:
    assert garbage_ratio("国" * 300 + "一、总体情况") == 1.0
    assert garbage_ratio("一、总体情况。本年新收政府信息公开申请数量") == 0.0


def test_libreoffice_pdf_with_one_glyph_text_layer(data_file) -> None:
    """The 平潭 page printed to PDF by LibreOffice: pdfminer maps every CJK glyph to 国,
    PDFium reads them right; 表三's first part (header only) has fewer column edges."""
    doc = read_pdf(data_file("fj-pingtan-2019-libreoffice.pdf"))
    assert doc.meta["text_source"] == "pypdfium2"
    assert doc.meta["cell_text_source"] == "pypdfium2"
    assert "一、总体情况" in doc.text
    header = find_row(doc.rows, "申请人情况")
    new = find_row(doc.rows, "一、本年新收")
    assert header.cells[0].loc.page == 6 and new.cells[0].loc.page == 7
    assert header.cells[0].loc.table == new.cells[0].loc.table
    assert values(new) == ["23", "0", "0", "0", "0", "0", "23"]
    assert values(find_row(doc.rows, "补正后申请内容仍不明确")) == [
        "5",
        "0",
        "0",
        "0",
        "0",
        "0",
        "5",
    ]
