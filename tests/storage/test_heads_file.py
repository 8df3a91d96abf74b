"""`verify --expect-heads FILE` on hostile or odd files, and heads on an empty archive."""

from __future__ import annotations

import os
import random
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import delete, select

from crawler.cli import main
from storage.models import Capture, CrawlRun, Manifest


@pytest.fixture
def cli(paths, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGKAI_DB_URL", paths.db_url)

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["--data", str(paths.data), *args])

    return run


@pytest.fixture
def head(crawl, session) -> str:  # type: ignore[no-untyped-def]
    c = crawl()
    c.fetch("http://gov.example/a.pdf", random.Random(1).randbytes(3000))
    c.finish()
    return session.exec(select(Manifest)).one().sha256


def test_crlf_bom_and_comments_are_read(cli, head, tmp_path: Path):
    heads = tmp_path / "heads.txt"
    heads.write_bytes(
        b"\xef\xbb\xbf# published on a second disk\r\n"
        + head.encode()
        + b"  manifest-000001-run1.json\r\n\r\n"
    )
    result = cli("verify", "--expect-heads", str(heads))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "content", [b"\x00\xff\xfe binary", b"\x89PNG\r\n\x1a\n\x00\x00", b"ab" * 32 + b"\x00\n"]
)
def test_binary_file_is_a_usage_error(cli, head, tmp_path: Path, content: bytes):
    heads = tmp_path / "heads.bin"
    heads.write_bytes(content)
    result = cli("verify", "--expect-heads", str(heads))
    assert result.exit_code == 2 and "--expect-heads" in result.output
    assert "Traceback" not in result.output


def test_huge_file_is_refused_without_reading_it_all(cli, head, tmp_path: Path):
    heads = tmp_path / "heads.txt"
    with open(heads, "wb") as fh:  # a sparse 4 GiB file: reading it whole would take 4 GiB
        fh.truncate(4 << 30)
    result = cli("verify", "--expect-heads", str(heads))
    assert result.exit_code == 2 and "too large" in result.output, result.output


def test_endless_device_is_refused(cli, head):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    result = cli("verify", "--expect-heads", "/dev/zero")
    assert result.exit_code == 2 and "too large" in result.output, result.output


def test_many_heads_one_unknown(cli, head, tmp_path: Path):
    heads = tmp_path / "heads.txt"
    unknown = "ef" * 32
    heads.write_text((head + "\n") * 5000 + unknown + "\n")
    result = cli("verify", "--quiet", "--expect-heads", str(heads))
    assert result.exit_code == 1 and unknown in result.output


def test_head_of_an_empty_archive(cli, tmp_path: Path, paths):
    paths.data.mkdir(parents=True, exist_ok=True)
    result = cli("verify", "--head")
    assert result.exit_code == 1 and "no manifest yet" in result.output
    assert result.output.count("\n") == 1


def test_wiped_archive_passes_plain_verify_but_not_its_published_head(cli, head, paths, session):
    """Delete everything (files, rows): an empty archive is consistent; the head is not in it."""
    shutil.rmtree(paths.warc_dir)
    shutil.rmtree(paths.manifests)
    for model in (Capture, Manifest, CrawlRun):
        session.exec(delete(model))  # type: ignore[call-overload]
    session.commit()
    assert cli("verify").exit_code == 0
    result = cli("verify", "--expect-head", head)
    assert result.exit_code == 1 and head in result.output


def test_heads_from_a_pipe(cli, head, tmp_path: Path):
    """`--expect-heads <(fetch heads)`: a pipe, not a file; it must still be read."""
    fifo = tmp_path / "heads"
    os.mkfifo(fifo)

    def publish() -> None:  # the other end, as the shell's process substitution would be
        with open(fifo, "w") as fh:
            fh.write(head + "\n")

    writer = threading.Thread(target=publish, daemon=True)
    writer.start()
    result = cli("verify", "--expect-heads", str(fifo))
    writer.join(timeout=10)
    assert result.exit_code == 0, result.output
