"""Every simulated platform, crawled by its own spider and by `platform: auto` discovery."""

from __future__ import annotations

import pytest

from sim import available_platforms

pytestmark = pytest.mark.integration  # real crawls against the simulator

PLATFORMS = tuple(p for p in ("trs", "jpaas", "gkmlpt", "static", "hanweb-web", "hanweb-jslib")
                  if p in available_platforms())


def _check_all_reports(harness, report):
    for site_id, site in report["sites"].items():
        assert site["outcome"] == "ok", (site_id, site["reason"])
    assert harness.documents() == harness.truth()  # every report, no look-alike
    assert harness.offsite_requests() == []


@pytest.mark.parametrize("platform", PLATFORMS)
def test_platform_spider_archives_every_report(make_harness, platform):
    harness = make_harness(platforms=(platform,))
    _check_all_reports(harness, harness.crawl())


@pytest.mark.sim(platforms=tuple(available_platforms()))
def test_auto_detection_and_discovery_from_home_pages(harness):
    def auto_without_lists(entries):
        return [{**{k: v for k, v in e.items() if k != "list_urls"}, "platform": "auto"}
                for e in entries]

    harness.write_registry(auto_without_lists)
    report = harness.crawl()
    _check_all_reports(harness, report)
    detected = {k.removeprefix("detected_") for s in report["sites"].values() for k in s
                if k.startswith("detected_")}
    assert {"hanweb", "trs", "jpaas", "gkmlpt", "static"} <= detected
