"""Each hostility switch: detected and reported (never defeated), or survived politely."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration  # real crawls against the simulator

SITE = "hanweb-gongshu"

REPORTED = [  # (switch, value, expected outcome)
    ("ruishu", True, "blocked"),
    ("ruishu", {"status": 202}, "blocked"),
    ("ruishu", {"status": 200}, "blocked"),
    ("jsl", True, "blocked"),
    ("browser_only", True, "blocked"),
    ("robots_disallow", True, "robots_forbidden"),
    ("column_drift", True, "failing"),
]
SURVIVED = [  # switches a polite crawler gets through with every report
    ("rate_limit", 0.02),
    ("errors_5xx", 2),
    ("reset", 25),
    ("slow", 0.01),
    ("redirect_loop", True),
    ("calendar", True),
    ("oversized", 4 * 1024 * 1024),
    ("mirror", True),
]


@pytest.mark.parametrize(("switch", "value", "outcome"), REPORTED)
def test_protected_site_is_reported_with_evidence(make_harness, switch, value, outcome):
    harness = make_harness(platforms=("hanweb",), switches={SITE: {switch: value}})
    site = harness.crawl()["sites"][SITE]
    assert site["outcome"] == outcome, site["reason"]
    assert site["reports_found"] == 0 or outcome == "failing"
    if outcome == "blocked":
        evidence = site["block_evidence"][0]
        assert len(evidence["sha256"]) == 64 and evidence["status"] in (200, 202, 403, 412, 521)
        assert evidence["capture_id"]  # the challenge page itself is archived
    if outcome == "robots_forbidden":
        paths = [p for _h, _m, p, _s, _hd in harness.sim.request_log]
        assert paths and all(p == "/robots.txt" for p in paths)
    assert harness.offsite_requests() == []


@pytest.mark.parametrize(("switch", "value"), SURVIVED)
def test_polite_crawler_gets_through(make_harness, switch, value):
    harness = make_harness(platforms=("hanweb",), switches={SITE: {switch: value}})

    def discover(entries):  # calendar/loop/oversized/mirror links hang off the home page
        return [{k: v for k, v in e.items() if k != "list_urls"} for e in entries]

    if switch in ("redirect_loop", "calendar", "oversized", "mirror"):
        harness.write_registry(discover)
    # Retry-After says 1 s; capping the wait keeps the test fast while still spacing requests
    site = harness.crawl(RETRY_AFTER_MAX=0.05)["sites"][SITE]
    assert site["outcome"] == "ok", site["reason"]
    assert harness.documents() == harness.truth()
    assert harness.offsite_requests() == []
    if switch == "rate_limit":
        assert site["retry_after"] >= 1
