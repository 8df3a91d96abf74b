"""extract_isolated: hostile inputs come back as status "error" dicts, never as exceptions."""

from __future__ import annotations

import io
import zipfile

import pytest

from extract.isolation import extract_isolated, preflight
from tests.extract.pdfgen import Page, build_pdf

pytestmark = pytest.mark.integration  # each extraction in a spawned child process

H = "tests.extract.hostile:"


def test_timeout() -> None:
    out = extract_isolated(b"hello", timeout=1, target=H + "sleep_forever")
    assert out["status"] == "error" and out["error"] == "timeout after 1s"


def test_memory_limit() -> None:
    out = extract_isolated(b"hello", timeout=60, memory_mb=300, target=H + "eat_memory")
    assert out["status"] == "error" and "memory limit" in out["error"]


def test_child_crash() -> None:
    out = extract_isolated(b"hello", target=H + "die")
    assert out["status"] == "error" and "crash" in out["error"]


def test_reader_error_reason_is_kept() -> None:
    out = extract_isolated(b"hello", target=H + "raise_reader_error")
    assert (out["status"], out["error"]) == ("error", "encrypted PDF")


def test_success_passes_through_with_name() -> None:
    out = extract_isolated(b"hello", name="a.txt", target=H + "echo")
    assert (out["status"], out["name"], out["size"]) == ("ok", "a.txt", 5)


def test_too_large_sparse_file(tmp_path) -> None:
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.seek(200 * 1024 * 1024)
        fh.write(b"%%EOF\n")
    out = extract_isolated(path.read_bytes(), name=path.name, target=H + "echo")
    assert out["status"] == "error" and out["error"].startswith("too large")


def test_zip_bomb_docx_refused_before_inflating() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                member.write(chunk)
    data = buf.getvalue()
    assert len(data) < 2 * 1024 * 1024
    out = extract_isolated(data, name="report.docx", target=H + "echo")
    assert out["status"] == "error" and out["error"].startswith("zip bomb")


def test_truncated_pdf(data_file) -> None:
    data = data_file("js-huaian-hongze-2023.pdf")
    out = extract_isolated(data[: len(data) // 2], name="r.pdf", target=H + "echo")
    assert (out["status"], out["error"]) == (
        "error",
        "truncated PDF (no %%EOF at the end of the file)",
    )


def test_wrong_extension_is_read_by_content() -> None:
    out = extract_isolated(b"<html><body><p>x</p></body></html>", name="r.pdf", target=H + "echo")
    assert out["format"] == "html"
    assert any("named .pdf" in w["message"] for w in out["warnings"])


def test_preflight_formats() -> None:
    assert preflight(build_pdf([Page()])) == ("pdf", None)
    assert preflight(b"plain text") == ("text", None)
    assert preflight(b"PK\x03\x04word/document.xml broken")[1].startswith("corrupt")


# ------------------------------------------------------------ through the real extraction


def test_encrypted_pdf_end_to_end() -> None:
    page = Page()
    page.text(60, 60, "一、总体情况")
    out = extract_isolated(build_pdf([page], encrypt=bytes(range(32))), name="r.pdf")
    assert (out["status"], out["error"]) == ("error", "encrypted PDF")


def test_html_without_report_end_to_end() -> None:
    page = "<html><head><title>首页</title></head><body><p>欢迎访问</p></body></html>"
    out = extract_isolated(page.encode(), name="index.html")
    assert out["status"] in {"not_a_report", "no_tables"} and out["metrics"] == []


@pytest.mark.timeout(120)
def test_real_pdf_end_to_end(data_file) -> None:
    out = extract_isolated(data_file("js-huaian-hongze-2023.pdf"), name="r.pdf", timeout=90)
    assert out["status"] in {"ok", "partial"}
    values = {m["key"]: m["value"] for m in out["metrics"]}
    assert values["app.new.total"] == 21 and values["active.fees.amount"] == 7730.28
