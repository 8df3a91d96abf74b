"""End to end on the simulated Hanweb JCMS site: every report, no look-alike, no offsite."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.integration  # real crawls against the simulator


def test_crawl_archives_every_report_and_no_lookalike(harness):
    report = harness.crawl()
    site = report["sites"]["hanweb-gongshu"]
    assert site["outcome"] == "ok"
    truth = harness.truth()
    assert len(truth) > 50
    assert harness.documents() == truth  # all reports, nothing else (no 决算/通知/格式)
    assert site["reports_found"] == len(truth)
    assert harness.offsite_requests() == []
    # the island holds 45 records; the rest must have come from dataproxy.jsp POSTs
    proxies = [e for e in harness.sim.request_log if "dataproxy.jsp" in e[2]]
    assert proxies and all(method == "POST" for _h, method, *_ in proxies)
    assert (harness.app.paths.manifests / f"run-{report['run_id']}.report.json").exists()


def test_report_years_are_read_from_titles(harness):
    harness.crawl()
    truth = {r.url: r.year for r in harness.sim.reports}
    with harness.db() as db:
        rows = list(db.execute("select url, year from document"))
    assert rows and all(truth[url] == year for url, year in rows)


def test_discovery_from_home_page_without_list_urls(harness):
    def drop_lists(entries):
        return [{k: v for k, v in e.items() if k != "list_urls"} for e in entries]

    harness.write_registry(drop_lists)
    report = harness.crawl()
    assert report["sites"]["hanweb-gongshu"]["outcome"] == "ok"
    assert harness.documents() == harness.truth()  # department columns found by navigation
    assert harness.offsite_requests() == []


def test_attachment_host_outside_allowed_set_is_never_requested(harness):
    oss = {h for s in harness.sim.sites for h in s.hosts[1:]}

    def main_host_only(entries):
        for e in entries:
            e["allowed_domains"] = [urlsplit(e["start_urls"][0]).hostname]
        return entries

    harness.write_registry(main_host_only)
    report = harness.crawl()
    assert not [e for e in harness.sim.request_log if e[0] in oss]
    assert report["sites"]["hanweb-gongshu"]["offsite_dropped"] >= 1
    oss_reports = {(r.url, r.sha256) for r in harness.sim.reports if urlsplit(r.url).netloc in oss}
    assert oss_reports and not (harness.documents() & oss_reports)
