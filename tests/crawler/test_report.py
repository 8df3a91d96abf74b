"""The run report's types give the JSON the runner wrote as literal dicts before them."""

from __future__ import annotations

import json

from crawler.runner import site_outcome
from storage.runreport import (
    RUN_ABORTED,
    RUN_FAILED,
    RUN_OK,
    SITE_CUT_SHORT,
    SITE_OK,
    CrawlReport,
    SiteReport,
)

# counters as a crawl process writes them (crawler/stats.py), written out by hand
COUNTS = {
    "pages_fetched": 12,
    "reports_found": 3,
    "new": 3,
    "failed": 1,
    "blocked": 0,
    "bytes_downloaded": 4096,
    "reports": [{"url": "http://a.example/1.html"}],
}
DIAGNOSIS = {"cause": None, "causes": {}, "failing_urls": [], "failing_count": 0, "log": "x.log"}


def _site(outcome: str = SITE_OK, **counts: int) -> SiteReport:
    return SiteReport(
        platform="hanweb",
        outcome=outcome,
        reason="",
        clean_finish=True,
        counts={**COUNTS, **counts},
        captures_archived=5,
        diagnosis=DIAGNOSIS,
    )


def test_a_site_serialises_in_the_order_the_runner_wrote() -> None:
    site = _site()
    site.withdrawn = ["http://a.example/2.html"]
    # the runner's former literal: fields, counters, archived captures, diagnosis, withdrawn
    before = {
        "platform": "hanweb",
        "outcome": "ok",
        "reason": "",
        "clean_finish": True,
        **COUNTS,
        "captures_archived": 5,
    }
    before.update(DIAGNOSIS)
    before["withdrawn"] = ["http://a.example/2.html"]
    assert json.dumps(site.to_dict()) == json.dumps(before)


def test_withdrawn_is_absent_until_marked() -> None:
    assert "withdrawn" not in _site().to_dict()


def test_the_run_status_follows_its_sites() -> None:
    def report(aborted: bool, *sites: SiteReport) -> CrawlReport:
        return CrawlReport(
            run_id=1,
            started=0.0,
            seconds=1.0,
            processes=[],
            ended={},
            sites={f"s{i}": s for i, s in enumerate(sites)},
            aborted=aborted,
            cut_short=False,
            allow_failures=False,
        )

    assert report(False, _site(), _site()).status == RUN_OK
    failed = report(False, _site(), _site(SITE_CUT_SHORT))
    assert failed.status == RUN_FAILED and failed.failing == ["s1"]
    assert report(True, _site()).status == RUN_ABORTED
    out = report(False, _site(pages_fetched=1), _site()).to_dict()
    assert out["totals"]["pages_fetched"] == 13 and out["totals"]["robots_refusals"] == 0
    assert list(out) == [
        "run_id",
        "started",
        "seconds",
        "status",
        "failing",
        "ended",
        "cut_short",
        "allow_failures",
        "sites",
        "processes",
        "totals",
    ]


def test_site_outcomes_are_the_declared_words() -> None:
    assert site_outcome(None, 0)[0] == "failing"
    assert site_outcome({"robots_refusals": 2}, 0)[0] == "robots_forbidden"
    assert site_outcome({"blocked": 1, "block_evidence": [{"kind": "waf"}]}, 0) == (
        "blocked",
        "challenge/block responses: waf",
    )
    assert site_outcome({"reports_found": 1}, 0) == ("ok", "")
