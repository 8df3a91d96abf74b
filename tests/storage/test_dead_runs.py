"""A crawl killed outright (SIGKILL, power cut) never finishes its row: the next start says so."""

from __future__ import annotations

import subprocess
import sys

from sqlmodel import Session

from storage import crud
from storage.models import CrawlRun


def test_runs_whose_process_is_gone_become_aborted(engine) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with Session(engine) as s:
        live = crud.start_run(session=s, site_ids=["a"])
        dead = crud.start_run(session=s, site_ids=["b"])
        dead.report = {**dead.report, "pid": gone.pid}
        elsewhere = crud.start_run(session=s, site_ids=["c"])
        elsewhere.report = {"pid": gone.pid, "host": "another-machine"}
        s.add_all([dead, elsewhere])
        s.commit()
        assert crud.mark_dead_runs(session=s) == [dead.id]
        s.commit()
        statuses = {r.id: r.status for r in (s.get(CrawlRun, i) for i in
                                             (live.id, dead.id, elsewhere.id))}
    assert statuses == {live.id: "running", dead.id: "aborted", elsewhere.id: "running"}
