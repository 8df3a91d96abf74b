"""DOCX reader (gridSpan/vMerge) and the DOC/WPS path through LibreOffice."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from extract.readers import ReaderError, read_document
from extract.readers.docx import read_docx
from extract.readers.office import soffice_path
from tests.extract.test_html_reader import find_row, values


def test_blank_template_geometry(data_file) -> None:
    doc = read_docx(data_file("template-blank-2021-format.docx"))
    assert doc.format == "docx" and doc.meta["tables"] == 3
    by_table: dict[int, int] = {}
    for row in doc.rows:
        t = row.cells[0].loc.table
        by_table[t] = by_table.get(t, 0) + 1
    assert by_table == {0: 14, 1: 28, 2: 4}
    assert "三、收到和处理政府信息公开申请情况" in doc.text


def test_blank_template_merges(data_file) -> None:
    doc = read_docx(data_file("template-blank-2021-format.docx"))
    # vMerge: the 三、本年度办理结果 label repeats on every row it spans
    row = find_row(doc.rows, "2.申请人逾期未按收费通知")
    assert row.texts[:2] == ["三、本年度办理结果", "（六）其他处理"]
    assert row.cells[0].repeated and row.cells[1].repeated
    assert values(row) == [""] * 7
    # gridSpan: a value cell spanning three grid columns is one cell, not three
    permit = find_row(doc.rows, "行政许可")
    assert permit.texts == ["行政许可", ""] and permit.cells[1].colspan == 3
    assert len(doc.rows[-1].cells) == 15  # 表四's value row


def _report_docx() -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = "某局2023年政府信息公开工作年度报告"
    d.add_paragraph("一、总体情况")
    t = d.add_table(rows=4, cols=5)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "项目"
    for c, label in enumerate(["自然人", "法人", "总计"], start=2):
        t.cell(0, c).text = label
    t.cell(1, 0).merge(t.cell(1, 1)).text = "一、本年新收政府信息公开申请数量"
    for c, v in enumerate(["5", "2", "7"], start=2):
        t.cell(1, c).text = v
    t.cell(2, 0).merge(t.cell(3, 0)).text = "三、本年度办理结果"
    t.cell(2, 1).text = "（一）予以公开"
    t.cell(3, 1).text = "（二）部分公开"
    t.cell(2, 2).merge(t.cell(3, 2)).text = "3"  # a value merged over two rows
    for r, vals in ((2, ["1", "4"]), (3, ["0", "0"])):
        for c, v in enumerate(vals, start=3):
            t.cell(r, c).text = v
    d.add_paragraph("六、其他需要报告的事项")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_synthetic_report_merges_follow_the_policy() -> None:
    doc = read_document(_report_docx(), "docx")
    assert doc.meta["file_title"] == "某局2023年政府信息公开工作年度报告"
    assert values(find_row(doc.rows, "一、本年新收")) == ["5", "2", "7"]
    first = find_row(doc.rows, "（一）予以公开")
    second = find_row(doc.rows, "（二）部分公开")
    assert values(first) == ["3", "1", "4"]
    assert second.texts[0] == "三、本年度办理结果" and second.cells[0].repeated
    assert values(second) == ["", "0", "0"]  # the merged value is not copied down
    assert doc.text.index("一、总体情况") < doc.text.index("自然人") < doc.text.index("六、")


def test_system_packages_lists_the_converter_and_make_installs_them() -> None:
    root = Path(__file__).resolve().parents[2]
    packages = (root / "extract" / "SYSTEM_PACKAGES").read_text().split()
    assert any(p.startswith("libreoffice-writer") for p in packages)
    assert "extract/SYSTEM_PACKAGES" in (root / "Makefile").read_text()


def test_doc_without_converter_says_needs_converter(monkeypatch) -> None:
    monkeypatch.setattr("extract.readers.office.shutil.which", lambda name: None)
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024
    with pytest.raises(ReaderError) as info:
        read_document(ole2, "doc")
    assert info.value.status == "needs_converter"


@pytest.mark.integration  # LibreOffice subprocess
@pytest.mark.skipif(
    soffice_path() is None, reason="soffice (LibreOffice) not installed: DOC conversion untested"
)
def test_doc_conversion_round_trip(tmp_path) -> None:  # pragma: no cover - needs soffice
    import subprocess

    src = tmp_path / "r.docx"
    src.write_bytes(_report_docx())
    subprocess.run(
        [soffice_path(), "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(src)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    doc = read_document((tmp_path / "r.doc").read_bytes(), "doc")
    assert doc.format == "doc"
    assert values(find_row(doc.rows, "一、本年新收")) == ["5", "2", "7"]


def test_doc_without_converter_is_a_status_of_its_own(monkeypatch) -> None:
    from extract.api import extract_bytes

    monkeypatch.setattr("extract.readers.office.shutil.which", lambda name: None)
    result = extract_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024, name="r.doc")
    assert result["status"] == "needs_converter" and result["metrics"] == []
