"""`show --out` / `cdxj --out` at targets that are not ordinary files: a device (through a
link, so a failing test cannot replace the real one), a FIFO, a link to a file.  The atomic
write-and-rename must not replace them with a regular file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import storage.warc.cdxj  # noqa: F401  (imported here: urllib3 probes IPv6 with a bind on import)
from crawler.cli import main

PDF = b"%PDF-1.4 annual report bytes"


@pytest.fixture
def cli(crawl, paths, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGKAI_DB_URL", paths.db_url)
    c = crawl()
    c.fetch("http://gov.example/r.pdf", PDF)
    c.finish()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["--data", str(paths.data), *args])

    return run


@pytest.mark.parametrize("command", [("show", "http://gov.example/r.pdf"), ("cdxj",)])
def test_full_device_is_one_line_and_stays_a_device(cli, tmp_path: Path, command):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    link = tmp_path / "full"
    link.symlink_to("/dev/full")
    result = cli(*command, "--out", str(link), *(["--force"] if command[0] == "show" else []))
    assert result.exit_code == 1, result.output
    assert "No space left" in result.output and result.output.count("\n") == 1
    assert link.is_symlink() and stat.S_ISCHR(link.stat().st_mode)
    assert not any(p.name.startswith(".full.") for p in Path("/dev").iterdir())


@pytest.mark.parametrize("force", [False, True])
def test_null_device_takes_the_bytes_without_force(cli, tmp_path: Path, force: bool):
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    result = cli(
        "show", "http://gov.example/r.pdf", "--out", str(link), *(["--force"] if force else [])
    )
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and stat.S_ISCHR(link.stat().st_mode)


@pytest.mark.parametrize("command", [("show", "http://gov.example/r.pdf"), ("cdxj",)])
def test_fifo_is_written_into_not_replaced(cli, tmp_path: Path, command):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader waiting, as in `cat pipe`
    try:
        result = cli(*command, "--out", str(fifo))
        got = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert got == PDF if command[0] == "show" else b"gov.example" in got


def test_link_to_a_file_is_refused_without_force_and_followed_with_it(cli, tmp_path: Path):
    real = tmp_path / "real.pdf"
    real.write_bytes(b"precious")
    link = tmp_path / "link.pdf"
    link.symlink_to(real)
    refused = cli("show", "http://gov.example/r.pdf", "--out", str(link))
    assert refused.exit_code == 1 and real.read_bytes() == b"precious"
    forced = cli("show", "http://gov.example/r.pdf", "--out", str(link), "--force")
    assert forced.exit_code == 0, forced.output
    assert link.is_symlink() and real.read_bytes() == PDF


@pytest.mark.parametrize("name", ["../../../../etc/hostname", "/etc/hostname"])
def test_show_never_reads_a_path_a_capture_row_names(cli, session, tmp_path: Path, name: str):
    """A capture row edited to point out of the WARC folder: show refuses, in one line."""
    from sqlmodel import select

    from storage.models import Capture

    cap = session.exec(select(Capture)).one()
    cap.warc_file = name
    session.add(cap)
    session.commit()
    result = cli("show", "http://gov.example/r.pdf", "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "not a file name" in result.output and result.output.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()
