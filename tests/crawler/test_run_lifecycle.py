"""A crawl run's own book-keeping: its manifest, and a clean abort on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from storage.db import make_engine
from storage.models import CrawlRun, Manifest

pytestmark = pytest.mark.integration  # real crawls against the simulator


def test_each_run_writes_its_manifest_and_chains_it(harness) -> None:
    first = harness.crawl()
    second = harness.crawl()
    manifests = harness.app.paths.manifests
    assert first["manifest"] and second["manifest"]
    assert (manifests / first["manifest"]).exists() and (manifests / second["manifest"]).exists()
    later = json.loads((manifests / second["manifest"]).read_text("utf-8"))
    with Session(make_engine(harness.app.paths.db_url)) as s:
        rows = s.exec(select(Manifest).order_by(Manifest.id)).all()
    assert [r.file_name for r in rows][-2:] == [first["manifest"], second["manifest"]]
    assert later["previous"] == {"file": rows[-2].file_name, "sha256": rows[-2].sha256}
    assert later["run_id"] == second["run_id"] and later["warcs"]


@pytest.mark.sim(platforms=("hanweb",), switches={"slow": 1.0})  # cannot finish before SIGTERM
def test_sigterm_aborts_the_run_cleanly(harness, tmp_path: Path) -> None:
    env = {**os.environ, "GONGKAI_DATA": str(harness.app.paths.data)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crawler.cli",
            "crawl",
            "--sites",
            str(harness.sites_file),
            "--no-politeness",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(harness.sim.request_log) < 5:
        time.sleep(0.1)
    assert len(harness.sim.request_log) >= 5, "the crawl never started"
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=90)
    assert proc.returncode != 0, out.decode(errors="replace")
    with Session(make_engine(harness.app.paths.db_url)) as s:
        run = s.exec(select(CrawlRun)).one()
    assert run.status == "aborted" and run.finished_at is not None
    report = json.loads((harness.app.paths.manifests / f"run-{run.id}.report.json").read_text())
    assert report["status"] == "aborted"
    assert all(not site.get("withdrawn") for site in report["sites"].values())
    with harness.db() as db:  # an aborted run proves no absence: nothing was withdrawn
        assert not list(db.execute("select url from document where status = 'withdrawn'"))
