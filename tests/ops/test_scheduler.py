"""`gongkai schedule` end to end with a fake crawl: firing, no overlap, SIGTERM, restart."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import select

from ops.conftest import Scheduler, wait_for
from storage.config import resolve
from storage.db import make_engine, session_scope
from storage.models import CrawlRun

pytestmark = pytest.mark.integration  # `gongkai schedule` subprocesses

EVERY_SECOND = "* * * * * *"  # six fields: seconds first


def _runs(data: Path) -> list[CrawlRun]:
    engine = make_engine(resolve(data).db_url)
    with session_scope(engine) as s:
        return list(s.exec(select(CrawlRun).order_by(CrawlRun.id)))


def _spans(crawls: list[dict], site: str) -> list[tuple[float, float]]:
    starts = {c["pid"]: c["t"] for c in crawls if c["event"] == "start" and site in c["sites"]}
    ends = {c["pid"]: c["t"] for c in crawls if c["event"] == "end" and site in c["sites"]}
    return sorted((t, ends.get(pid, float("inf"))) for pid, t in starts.items())


def test_fires_one_run_per_site_without_overlap(sched: Scheduler) -> None:
    # s1 fires every second but each crawl takes 2.5 s; s2 is in its own schedule.
    sched.configure(
        [
            {"name": "fast", "cron": EVERY_SECOND, "sites": ["s1"]},
            {"name": "rest", "cron": EVERY_SECOND, "sites": "all"},
        ]
    )
    proc = sched.start(FAKE_CRAWL_SECONDS="2.5")
    wait_for(
        lambda: len([c for c in sched.crawls if c["event"] == "end"]) >= 4,
        30,
        "two finished crawls per site",
    )
    code, _took = sched.stop(proc)
    assert code == 0, sched.log()
    crawls = sched.crawls
    for site in ("s1", "s2"):
        spans = _spans(crawls, site)
        assert len(spans) >= 2
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert start >= end, f"{site}: a crawl started before the previous one ended"
    # every crawl is one site (one subprocess per schedule, one site per schedule here)
    assert all(len(c["sites"]) == 1 for c in crawls)
    skipped = [h for h in sched.history if h["event"] == "skipped"]
    assert skipped and {h["reason"] for h in skipped} == {"max_instances"}
    ends = [h for h in sched.history if h["event"] == "end"]
    assert ends and all(h["outcome"] in ("ok", "aborted") for h in ends)
    assert sched.history[-1]["event"] == "scheduler_stop"
    ok_runs = [r for r in _runs(sched.data) if r.status == "ok"]
    assert len(ok_runs) >= 4


def test_sigterm_aborts_the_running_crawl_and_records_it(sched: Scheduler) -> None:
    sched.configure([{"name": "nightly", "cron": EVERY_SECOND, "sites": "all"}])
    proc = sched.start(FAKE_CRAWL_SECONDS="60", FAKE_CRAWL_ON_TERM="exit")
    wait_for(lambda: any(c["event"] == "start" for c in sched.crawls), 20, "a crawl")
    # the crawl would sleep 60 s: stopping within the timeout means it was not waited out
    code, _took = sched.stop(proc, timeout=30)
    assert code == 0, sched.log()
    crawl = next(c for c in sched.crawls if c["event"] == "start")
    assert any(c["event"] == "term" for c in sched.crawls)  # the crawl got SIGTERM
    assert not Path(f"/proc/{crawl['pid']}").exists()
    end = next(h for h in sched.history if h["event"] == "end")
    assert end["outcome"] == "aborted" and end["run_ids"] == [crawl["run_id"]]
    run = next(r for r in _runs(sched.data) if r.id == crawl["run_id"])
    assert run.status == "aborted" and run.finished_at is not None
    assert run.report["aborted_by"] == "scheduler"
    assert sorted(run.sites) == ["s1", "s2"]  # `sites: all` = one crawl of every site


def test_a_crawl_ignoring_sigterm_is_killed_after_stop_timeout(sched: Scheduler) -> None:
    sched.configure([{"name": "nightly", "cron": EVERY_SECOND, "sites": "all"}], stop_timeout=1)
    proc = sched.start(FAKE_CRAWL_SECONDS="60", FAKE_CRAWL_ON_TERM="ignore")
    wait_for(lambda: any(c["event"] == "start" for c in sched.crawls), 20, "a crawl")
    code, _took = sched.stop(proc, timeout=30)  # the crawl would sleep 60 s
    assert code == 0, sched.log()
    crawl = next(c for c in sched.crawls if c["event"] == "start")
    assert any(c["event"] == "term" for c in sched.crawls)  # asked first, then killed
    assert "crawl did not stop in time, killed" in sched.log()
    wait_for(
        lambda: (
            not Path(f"/proc/{crawl['pid']}").exists()
            or b"Z" in Path(f"/proc/{crawl['pid']}/stat").read_bytes().split()[2]
        ),
        5,
        "the crawl to be killed",
    )
    run = next(r for r in _runs(sched.data) if r.id == crawl["run_id"])
    assert run.status == "aborted"


def test_restart_keeps_the_schedule_and_coalesces_missed_runs(sched: Scheduler) -> None:
    sched.configure([{"name": "nightly", "cron": "*/2 * * * * *", "sites": "all"}])
    first = sched.start()
    wait_for(lambda: any(c["event"] == "end" for c in sched.crawls), 20, "a first crawl")
    assert sched.stop(first)[0] == 0
    listed = json.loads(
        sched.cli("schedule", "--config", str(sched.schedule), "--list", "--json").stdout
    )
    job = listed["jobs"][0]
    assert job["stored"] and job["sites"] == ["s1", "s2"]
    stored_next = datetime.fromisoformat(job["next_run_time"])
    time.sleep(7)  # three fire times missed while down
    second = sched.start()
    starts = [h for h in sched.history if h["event"] == "scheduler_start"]
    assert starts[-1]["jobs"] == {"crawl:nightly": "kept"}  # not recreated from the YAML
    resumed = datetime.fromisoformat(starts[-1]["ts"]).timestamp()
    wait_for(
        lambda: any(
            h["event"] == "submitted" and h["ts"] > starts[-1]["ts"] for h in sched.history
        ),
        10,
        "a run after the restart",
    )
    assert sched.stop(second)[0] == 0
    after = [h for h in sched.history if h["event"] == "submitted" and h["ts"] > starts[-1]["ts"]]
    assert stored_next.timestamp() < resumed - 4  # at least two fire times passed while down
    # they were coalesced into one run, at once, for the latest missed fire time
    assert len(after[0]["run_times"]) == 1, after
    fired = datetime.fromisoformat(after[0]["run_times"][0]).timestamp()
    submitted = datetime.fromisoformat(after[0]["ts"]).timestamp()
    # the one run stands for a fire time already past when it was submitted (a missed one)
    assert resumed - 2.5 < fired <= submitted + 0.1
    missed = [
        t
        for h in after
        for t in h["run_times"]
        if datetime.fromisoformat(t).timestamp() <= submitted + 0.1
    ]
    assert len(missed) == 1, after


def test_list_without_a_job_store_and_default_nightly(sched: Scheduler) -> None:
    sched.schedule.write_text("sites_file: " + str(sched.registry) + "\n", encoding="utf-8")
    out = sched.cli("schedule", "--config", str(sched.schedule), "--list", "--json")
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    assert listed["timezone"] == "Asia/Shanghai"
    job = listed["jobs"][0]
    assert job["name"] == "nightly" and not job["stored"] and job["sites"] == ["s1", "s2"]
    nxt = datetime.fromisoformat(job["next_run_time"])
    assert (nxt.hour, nxt.minute) == (2, 0) and nxt.utcoffset().total_seconds() == 8 * 3600


def test_a_second_scheduler_on_the_same_data_is_refused(sched: Scheduler) -> None:
    sched.configure([{"name": "nightly", "cron": "0 2 * * *", "sites": "all"}])
    proc = sched.start()
    try:
        out = sched.cli(
            "schedule",
            "--config",
            str(sched.schedule),
            env={"GONGKAI_CRAWL_COMMAND": "true"},
            timeout=30,
        )
        assert out.returncode == 1 and "another gongkai scheduler" in out.stderr
    finally:
        assert sched.stop(proc)[0] == 0
    assert os.path.exists(sched.data / "schedule" / "scheduler.lock")


def test_a_failed_crawl_is_logged_as_failed_and_alerts(sched: Scheduler) -> None:
    sched.configure([{"name": "nightly", "cron": EVERY_SECOND, "sites": "all"}])
    proc = sched.start(FAKE_CRAWL_EXIT="1")
    wait_for(lambda: any(h["event"] == "end" for h in sched.history), 20, "a failed crawl")
    assert sched.stop(proc)[0] == 0
    lines = [json.loads(x) for x in sched.log().splitlines() if x.startswith("{")]
    finished = [x for x in lines if x["msg"].startswith("crawl finished")]
    assert finished and finished[0]["msg"] == "crawl finished: failed"
    assert finished[0]["outcome"] == "failed" and finished[0]["exit_code"] == 1
    assert "executed successfully" not in sched.log()  # APScheduler's claim after a failure
    runs = sched.cli("runs", "--last", "1")
    assert runs.returncode == 1 and "failed" in runs.stdout


def test_list_shows_each_schedule_as_written_with_next_times(sched: Scheduler) -> None:
    sched.configure(
        [
            {"name": "slow", "cron": "30 3 * * 0", "sites": ["s1"]},
            {"name": "nightly", "cron": "0 2 * * *", "sites": "all"},
        ]
    )
    out = sched.cli("schedule", "--config", str(sched.schedule), "--list")
    assert out.returncode == 0, out.stderr
    assert "30 3 * * 0" in out.stdout and "0 2 * * *" in out.stdout
    assert "cron[" not in out.stdout
    listed = json.loads(
        sched.cli("schedule", "--config", str(sched.schedule), "--list", "--json").stdout
    )
    nightly = next(j for j in listed["jobs"] if j["name"] == "nightly")
    assert nightly["schedule"] == "0 2 * * *" and len(nightly["next_run_times"]) == 3
    times = [datetime.fromisoformat(t) for t in nightly["next_run_times"]]
    assert all((t.hour, t.minute, t.utcoffset().total_seconds()) == (2, 0, 8 * 3600) for t in times)
    assert [(b - a).days for a, b in zip(times, times[1:], strict=False)] == [1, 1]
    for t in times:
        assert t.isoformat() in out.stdout
