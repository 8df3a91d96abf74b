"""`gongkai show --out`: no silent overwrite, `-` is standard output, one-line errors, and
no binary on a terminal."""

from __future__ import annotations

import errno
import hashlib
import json
import os

import pytest
from click.testing import CliRunner

import crawler.cli.archive_cmd as archive_cmd
from crawler.cli import main

PDF = b"%PDF-1.4\x00\x01\x02 binary report body"
HTML = "<html><body>政府信息公开工作年度报告</body></html>".encode("gb18030")


@pytest.fixture
def archived(crawl, paths, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGKAI_DB_URL", paths.db_url)
    c = crawl()
    c.fetch("http://gov.example/r.pdf", PDF)
    c.fetch("http://gov.example/r.html", HTML, headers={"Content-Type": "text/html; charset=gbk"})
    c.finish()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["--data", str(paths.data), "show", *args])

    return run


@pytest.fixture
def outdir(tmp_path):  # type: ignore[no-untyped-def]
    """An empty folder of its own (tmp_path also holds the data folder)."""
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


def test_out_refuses_to_overwrite_without_force(archived, outdir):
    target = outdir / "report.pdf"
    target.write_bytes(b"precious")
    refused = archived("http://gov.example/r.pdf", "--out", str(target))
    assert refused.exit_code == 1 and "--force" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    assert target.read_bytes() == b"precious"
    forced = archived("http://gov.example/r.pdf", "--out", str(target), "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_bytes() == PDF
    assert json.loads(forced.output)["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert [p.name for p in outdir.iterdir()] == ["report.pdf"]  # no temporary left


def test_dash_means_standard_output(archived, outdir, monkeypatch):
    monkeypatch.chdir(outdir)
    result = archived("http://gov.example/r.pdf", "--out", "-")
    assert result.exit_code == 0
    assert result.stdout_bytes == PDF
    assert json.loads(result.stderr)["url"] == "http://gov.example/r.pdf"
    assert list(outdir.iterdir()) == []  # no file named "-"


def test_missing_folder_is_one_line(archived, tmp_path):
    result = archived("http://gov.example/r.pdf", "--out", str(tmp_path / "no" / "r.pdf"))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.output.count("\n") == 1 and "does not exist" in result.output


def test_full_disk_is_one_line_and_leaves_nothing(archived, outdir, monkeypatch):
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fh):  # type: ignore[no-untyped-def]
            self.fh = fh

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            self.fh.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: Full(real_fdopen(fd, mode)))
    target = outdir / "r.pdf"
    result = archived("http://gov.example/r.pdf", "--out", str(target))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "No space left on device" in result.output and result.output.count("\n") == 1
    assert list(outdir.iterdir()) == []


def test_binary_is_not_written_to_a_terminal(archived, monkeypatch):
    monkeypatch.setattr(archive_cmd, "_stdout_is_terminal", lambda: True)
    refused = archived("http://gov.example/r.pdf")
    assert refused.exit_code == 1 and "--out" in refused.output
    assert PDF not in refused.stdout_bytes
    text = archived("http://gov.example/r.html")  # declared text/html: fine on a terminal
    assert text.exit_code == 0 and text.stdout_bytes == HTML
    insisted = archived("http://gov.example/r.pdf", "--out", "-")
    assert insisted.exit_code == 0 and insisted.stdout_bytes == PDF


def test_text_detection():
    assert archive_cmd.is_text(b"plain", None)
    assert archive_cmd.is_text(HTML, "text/html")
    assert not archive_cmd.is_text(PDF, "application/pdf")
    assert not archive_cmd.is_text(HTML, "application/octet-stream")  # GBK is not UTF-8
