"""Format detection by content and robust decoding of Chinese text."""

from __future__ import annotations

import io
import zipfile

import pytest

from extract.detect import decode_text, detect_format
from tests.extract.pdfgen import Page, build_pdf


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        (b"\xef\xbb\xbf%PDF-1.4\n", "pdf"),  # junk before the header is allowed
        (OLE2, "doc"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image"),
        (b"GIF89a\x01\x00", "image"),
        (b"II*\x00\x08\x00\x00\x00", "image"),
        (b"BM" + b"\x36\x00\x0c\x00" + b"\x00" * 24, "image"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        ("<p>一、总体情况</p><table><tr><td>1</td></tr></table>".encode(), "html"),
        ("一、总体情况\n本年新收申请 12 件\n".encode("gbk"), "text"),
        ("| 项目 | 数量 |\n|---|---|\n| 规章 | 1 |\n".encode(), "markdown"),
        (b"\x00\x01\x02\x03binary\x00\xff", "unknown"),
        (b"", "unknown"),
    ],
)
def test_magic_and_markup(data: bytes, expected: str) -> None:
    assert detect_format(data) == expected


def test_docx_is_a_zip_with_word_document() -> None:
    assert detect_format(_zip({"word/document.xml": b"<w:document/>"})) == "docx"
    assert detect_format(_zip({"a.txt": b"hello"})) == "zip"


def test_real_files_by_content_not_name(data_file) -> None:
    assert detect_format(data_file("js-huaian-hongze-2023.pdf")) == "pdf"
    assert detect_format(data_file("template-blank-2021-format.docx")) == "docx"
    assert detect_format(data_file("fj-pingtan-2019-html.html")) == "html"
    assert detect_format(data_file("sh-gov-office-2019-legacy.html")) == "html"


def test_generated_pdf_is_pdf() -> None:
    assert detect_format(build_pdf([Page()])) == "pdf"


TEXT = "2023年政府信息公开工作年度报告：本年新收政府信息公开申请数量１２件"


def test_decode_utf8_and_gbk_whatever_is_declared() -> None:
    assert decode_text(TEXT.encode("utf-8"), "gbk") == (TEXT, "utf-8")
    text, enc = decode_text(TEXT.encode("gbk"), "utf-8")
    assert (text, enc) == (TEXT, "gb18030")
    # requests' ISO-8859-1 default must not produce mojibake
    assert decode_text(TEXT.encode("gbk"), "ISO-8859-1")[0] == TEXT


def test_decode_boms_and_meta_charset() -> None:
    assert decode_text(b"\xef\xbb\xbf" + TEXT.encode()) == (TEXT, "utf-8-sig")
    assert decode_text(TEXT.encode("utf-16"))[0] == TEXT
    page = b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    text, enc = decode_text(page + TEXT.encode("gb18030"))
    assert text.endswith(TEXT) and enc == "gb18030"


def test_decode_gb18030_only_characters() -> None:
    rare = "𠀀䶮"  # outside GBK, inside GB18030
    assert decode_text(rare.encode("gb18030"))[0] == rare


def test_decode_utf8_cut_inside_a_character() -> None:
    data = TEXT.encode()[:-1]
    text, enc = decode_text(data)
    assert enc == "utf-8" and text.startswith(TEXT[:-1])


def test_decode_mostly_gbk_with_corrupt_bytes() -> None:
    data = TEXT.encode("gbk") + b"\xff\xff" + TEXT.encode("gbk")
    text, enc = decode_text(data)
    assert enc == "gb18030" and text.count(TEXT) == 2
