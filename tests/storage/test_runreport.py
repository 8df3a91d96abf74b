"""Reading a stored run report back: the runner's JSON round-trips through the types, and an
older report or a partial run record (a crawl that never began, a run found dead) still loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.runreport import (
    RUN_ABORTED,
    RUN_FAILED,
    RUN_OK,
    SITE_FAILING,
    SITE_OK,
    SITE_UNKNOWN,
    CrawlReport,
    SiteReport,
)

# a failing site's diagnosis as crawler/causes.py diagnose() writes it
DIAGNOSIS = {
    "cause": "refused",
    "causes": {"refused": 3},
    "failing_urls": [
        {"url": "http://a.example/col/1.html", "cause": "refused", "role": "list", "status": None}
    ],
    "failing_count": 3,
    "log": "logs/run-7-0-hanweb.log",
}


def _report() -> CrawlReport:
    ok = SiteReport(
        platform="hanweb",
        outcome=SITE_OK,
        reason="",
        clean_finish=True,
        counts={
            "pages_fetched": 12,
            "reports_found": 2,
            "new": 2,
            "bytes_downloaded": 4096,
            "reports": [{"url": "http://a.example/1.html"}, {"url": "http://a.example/2.html"}],
        },
        captures_archived=14,
        withdrawn=["http://a.example/old.html"],
    )
    failing = SiteReport(
        platform="trs",
        outcome=SITE_FAILING,
        reason="3 list page(s) could not be fetched",
        clean_finish=True,
        counts={"pages_fetched": 1, "lists_failed": 3, "failed": 3},
        captures_archived=1,
        diagnosis=dict(DIAGNOSIS),
    )
    return CrawlReport(
        run_id=7,
        started=1_700_000_000.5,
        seconds=42.25,
        sites={"a": ok, "b": failing},
        processes=[{"platform": "hanweb", "returncode": 0, "log": "logs/run-7-0-hanweb.log"}],
        ended={"reason": "completed", "deadline_s": 14400.0, "killed_processes": 0},
        aborted=False,
        cut_short=False,
        allow_failures=True,
    )


def test_the_runners_json_round_trips() -> None:
    report = _report()
    written = json.loads(json.dumps(report.to_dict()))  # as stored: through JSON
    loaded = CrawlReport.from_dict(written)
    assert loaded.sites == report.sites  # counters, diagnosis, withdrawn: each in its place
    assert json.dumps(loaded.to_dict()) == json.dumps(report.to_dict())  # same keys, same order
    assert loaded.status == RUN_FAILED and loaded.failing == ["b"]
    assert loaded.totals()["pages_fetched"] == 13 and loaded.totals()["failed"] == 3
    assert loaded.finished and loaded.error is None and loaded.aborted_by is None
    failing = loaded.sites["b"]
    assert failing.cause == "refused" and failing.causes == {"refused": 3}
    assert failing.failing_count == 3 and failing.log == "logs/run-7-0-hanweb.log"
    assert [e["url"] for e in failing.failing_urls] == ["http://a.example/col/1.html"]
    assert loaded.sites["a"].count("lists_failed") == 0 and loaded.sites["a"].cause is None


def test_the_runs_table_copy_and_the_keys_the_runner_adds() -> None:
    # the runs table keeps the report without each site's `reports`, plus the report file,
    # and the manifest step adds the manifest and its head
    stored = _report().to_dict()
    stored["sites"] = {
        k: {x: y for x, y in v.items() if x != "reports"} for k, v in stored["sites"].items()
    }
    stored.update(
        report_file="manifests/run-7.report.json",
        manifest="manifests/run-7.manifest.json",
        manifest_head="ab" * 32,
        warcs_sealed=1,
    )
    loaded = CrawlReport.from_dict(stored)
    assert loaded.report_file == "manifests/run-7.report.json"
    assert loaded.manifest == "manifests/run-7.manifest.json" and loaded.manifest_head == "ab" * 32
    assert "reports" not in loaded.sites["a"].counts and loaded.sites["a"].count("new") == 2
    assert "report_file" not in loaded.to_dict()  # to_dict stays the report as written


def test_an_older_report_missing_later_keys_still_loads() -> None:
    # written before captures, diagnosis, clean_finish, totals, ended and processes existed
    old = {
        "run_id": 3,
        "started": 1_600_000_000.0,
        "seconds": 9.5,
        "status": "failed",
        "sites": {
            "a": {"platform": "hanweb", "outcome": "ok", "reason": "", "pages_fetched": 4},
            "b": {"outcome": "failing", "reason": "no reports found", "reports_found": 0},
            "c": {"pages_fetched": 1},
        },
    }
    loaded = CrawlReport.from_dict(old)
    a, b, c = (loaded.sites[k] for k in "abc")
    assert (a.platform, a.outcome, a.count("pages_fetched")) == ("hanweb", SITE_OK, 4)
    assert a.captures_archived == 0 and a.diagnosis == {} and a.withdrawn is None
    assert not a.clean_finish  # unknown: the conservative reading
    assert b.platform == "" and b.reason == "no reports found" and b.causes == {}
    assert c.outcome == SITE_UNKNOWN
    assert loaded.failing == ["b", "c"] and loaded.status == RUN_FAILED
    assert loaded.totals()["pages_fetched"] == 5  # derived again from the sites
    assert loaded.processes == [] and loaded.ended == {} and loaded.finished


def test_partial_run_records_load_with_what_they_say() -> None:
    started = {"pid": 4242, "host": "h", "process": "boot:123"}  # crud.start_run's record
    running = CrawlReport.from_dict(started)
    assert running.sites == {} and not running.finished and running.run_id is None
    unstarted = CrawlReport.from_dict(
        {**started, "run_id": 5, "status": "failed", "error": "registry x: bad", "sites": {}}
    )
    assert unstarted.status == RUN_FAILED and unstarted.error == "registry x: bad"
    assert unstarted.run_id == 5 and not unstarted.finished
    dead = CrawlReport.from_dict({**started, "aborted_by": "found dead at a later start"})
    assert dead.status == RUN_ABORTED and dead.aborted_by == "found dead at a later start"
    assert CrawlReport.from_dict({}).status == RUN_OK and not CrawlReport.from_dict({}).finished


def test_load_reads_a_report_file(tmp_path: Path) -> None:
    path = tmp_path / "run-7.report.json"
    path.write_text(json.dumps(_report().to_dict(), ensure_ascii=False), encoding="utf-8")
    assert CrawlReport.load(path).sites == _report().sites
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError, match="not a run report"):
        CrawlReport.load(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ValueError):
        CrawlReport.load(path)


def test_an_ok_sites_own_causes_counter_reads_as_its_causes() -> None:
    # a retried request that then succeeded leaves the spider's `causes` counter on an ok site
    site = SiteReport(
        platform="hanweb",
        outcome=SITE_OK,
        reason="",
        clean_finish=True,
        counts={"pages_fetched": 5, "causes": {"timeout": 1}},
    )
    loaded = SiteReport.from_dict(json.loads(json.dumps(site.to_dict())))
    assert loaded.causes == {"timeout": 1} and loaded.cause is None and loaded.ok
    assert loaded.count("pages_fetched") == 5 and "causes" not in loaded.counts
    assert loaded.to_dict() == site.to_dict()  # the same entry (the key is placed later)
