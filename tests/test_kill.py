"""Crash safety: SIGKILL a real crawl (the runner and its Scrapy processes) at several
moments; afterwards every WARC parses, no row points at missing bytes, the next crawl
completes and `gongkai verify` exits 0."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from support.db import isolated_db_url

pytestmark = pytest.mark.integration  # SIGKILLs real crawl subprocesses

simulator = pytest.importorskip("sim")
pytest.importorskip("crawler.runner")

# Kill moments: when the archive has grown by this many bytes since the kill before (0: the
# instant the first file appears, usually mid-warcinfo or mid-first-record), then later on.
THRESHOLDS = (0, 1, 30_000, 150_000, 300_000, 20_000)
GONGKAI = str(Path(sys.executable).with_name("gongkai"))


def _gongkai(data: Path, env: dict[str, str], *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [GONGKAI, "--data", str(data), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        **kw,
    )


def _archive_bytes(warc_dir: Path) -> int:
    try:
        return sum(p.stat().st_size for p in warc_dir.iterdir())
    except FileNotFoundError:  # not created yet, or a file renamed under us
        return 0


def _new_file(warc_dir: Path, start_bytes: int) -> bool:
    return _archive_bytes(warc_dir) > start_bytes


def _parse_all(warc_dir: Path) -> None:
    """Every WARC is whole records (warcio check: digests and framing)."""
    files = [str(p) for p in sorted(warc_dir.iterdir())]
    out = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", *files], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_killed_crawls_leave_a_consistent_archive(tmp_path: Path) -> None:
    with (
        isolated_db_url(tmp_path) as db_url,
        simulator.Simulator(seed=0, platforms=("hanweb",)) as sim,
    ):
        sim.start()
        sites = tmp_path / "sites.yaml"
        sites.write_text(
            yaml.safe_dump({"sites": sim.registry()}, allow_unicode=True), encoding="utf-8"
        )
        data = tmp_path / "data"
        env = {**os.environ, "GONGKAI_DB_URL": db_url, "PYTHONPATH": os.getcwd()}
        crawl = (
            "crawl",
            "--sites",
            str(sites),
            "--allow-failures",
            "--no-politeness",
            "--set",
            "LOG_LEVEL=ERROR",
        )
        warc_dir = data / "archive" / "warc"
        killed_mid_run = 0
        for threshold in THRESHOLDS:
            start = _archive_bytes(warc_dir)
            proc = _gongkai(data, env, *crawl)
            deadline = time.monotonic() + 60
            while proc.poll() is None and time.monotonic() < deadline:
                grown = _archive_bytes(warc_dir) - start
                if (grown > threshold) or (threshold == 0 and _new_file(warc_dir, start)):
                    break
                time.sleep(0.002)
            if proc.poll() is None:
                killed_mid_run += 1
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # the runner and its scrapy children at once
            proc.wait(timeout=30)
            check = _gongkai(data, env, "verify")
            out = check.communicate(timeout=120)[0].decode()
            assert check.returncode == 0, f"after a kill at +{threshold} bytes:\n{out}"
            print(out)
            _parse_all(warc_dir)
        assert killed_mid_run >= len(THRESHOLDS) - 1
        final = _gongkai(data, env, *crawl)
        out = final.communicate(timeout=300)[0].decode()
        assert final.returncode == 0, out
        check = _gongkai(data, env, "verify")
        out = check.communicate(timeout=120)[0].decode()
        assert check.returncode == 0, out
        _parse_all(data / "archive" / "warc")
