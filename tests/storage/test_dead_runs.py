"""A crawl killed outright (SIGKILL, power cut) never finishes its row: the next start says so."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlmodel import Session

from storage import crud
from storage.models import CrawlRun

pytestmark = pytest.mark.integration  # starts a subprocess to get a dead pid


def test_runs_whose_process_is_gone_become_aborted(engine) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with Session(engine) as s:
        live = crud.start_run(session=s, site_ids=["a"])
        dead = crud.start_run(session=s, site_ids=["b"])
        dead.report = {**dead.report, "pid": gone.pid}
        elsewhere = crud.start_run(session=s, site_ids=["c"])
        elsewhere.report = {"pid": gone.pid, "host": "another-machine"}
        reused = crud.start_run(session=s, site_ids=["d"])  # our pid, but another process's
        reused.report = {**reused.report, "process": "another-boot:12345"}
        s.add_all([dead, elsewhere, reused])
        s.commit()
        assert sorted(crud.mark_dead_runs(session=s)) == sorted([dead.id, reused.id])
        s.commit()
        ids = (live.id, dead.id, elsewhere.id, reused.id)
        statuses = {r.id: r.status for r in (s.get(CrawlRun, i) for i in ids)}
    assert statuses == {
        live.id: "running",
        dead.id: "aborted",
        elsewhere.id: "running",
        reused.id: "aborted",
    }
    assert crud.process_identity(os.getpid()) == crud.process_identity(os.getpid())
