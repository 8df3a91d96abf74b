"""Every simulated platform, crawled by its own spider and by `platform: auto` discovery."""

from __future__ import annotations

import pytest

from sim import available_platforms

pytestmark = pytest.mark.integration  # real crawls against the simulator

PLATFORMS = tuple(
    p
    for p in (
        "trs",
        "jpaas",
        "gkmlpt",
        "static",
        "hanweb-web",
        "hanweb-jslib",
        "shanghai",
        "jiangxi",
        "lonsun",
    )
    if p in available_platforms()
)


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
        return [
            {**{k: v for k, v in e.items() if k != "list_urls"}, "platform": "auto"}
            for e in entries
        ]

    harness.write_registry(auto_without_lists)
    report = harness.crawl()
    _check_all_reports(harness, report)
    detected = {
        k.removeprefix("detected_")
        for s in report["sites"].values()
        for k in s
        if k.startswith("detected_")
    }
    assert {
        "hanweb",
        "trs",
        "jpaas",
        "gkmlpt",
        "static",
        "shanghai",
        "jiangxi",
        "lonsun",
    } <= detected


@pytest.mark.parametrize("variant", [1, 2])
def test_gkmlpt_variants_from_the_home_page_only(make_harness, variant):
    """JS-literal `_CONFIG`, 1- or 0-based pages, 年报 categories or only `api/all/0`."""
    harness = make_harness(platforms=("gkmlpt",), switches={"variant": variant})
    harness.write_registry(
        lambda entries: [{k: v for k, v in e.items() if k != "list_urls"} for e in entries]
    )
    _check_all_reports(harness, harness.crawl())


@pytest.mark.parametrize("platform", ["trs", "jpaas", "static", "shanghai"])
def test_second_variant_of_each_platform_from_the_home_page(make_harness, platform):
    """The platform's other real shape (see each simulator module), found from home pages."""
    harness = make_harness(platforms=(platform,), switches={"variant": 2})
    harness.write_registry(
        lambda entries: [{k: v for k, v in e.items() if k != "list_urls"} for e in entries]
    )
    _check_all_reports(harness, harness.crawl())


@pytest.mark.parametrize("platform", PLATFORMS)  # every platform the simulator serves
def test_mutations_are_caught_on_the_next_crawl(make_harness, platform):
    """Added, changed and removed reports seen on the next crawl; nothing else re-downloaded."""
    harness = make_harness(platforms=(platform,))
    harness.crawl()
    site_id = harness.sim.sites[0].id
    reports = sorted(
        (r for r in harness.sim.reports if r.site_id == site_id and r.format == "html"),
        key=lambda r: r.report_id,
    )
    edited = harness.sim.edit_report(reports[0].report_id)
    harness.sim.remove_report(reports[1].report_id)
    added = harness.sim.add_report(site_id)
    site = harness.crawl()["sites"][site_id]
    assert site["outcome"] == "ok", site["reason"]
    assert site["new"] == 1 and site["changed"] == 1
    assert site["unchanged"] == site["reports_found"] - 2
    with harness.db() as db:
        current = set(db.execute("select url, sha256 from document where status = 'current'"))
    assert {(edited.url, edited.sha256), (added.url, added.sha256)} <= current
    assert (reports[1].url, reports[1].sha256) not in current


def test_script_filled_public_column_site_read_from_its_data_url(make_harness):
    """lonsun variant 2: every report through the data URL in list_urls (paged by pageIndex)."""
    harness = make_harness(platforms=("lonsun",), switches={"variant": 2})
    _check_all_reports(harness, harness.crawl())


def test_script_filled_public_column_from_home_fails_as_not_supported(make_harness):
    """From the home page only, the template page is named, not guessed: the site fails."""
    harness = make_harness(platforms=("lonsun",), switches={"variant": 2})
    harness.write_registry(
        lambda entries: [
            {**{k: v for k, v in e.items() if k != "list_urls"}, "platform": "auto"}
            for e in entries
        ]
    )
    site = harness.crawl()["sites"]["lonsun-feixi"]
    assert site["outcome"] == "failing"
    assert site["reason"].startswith("platform lonsun-template recognised, not supported:")
    assert site["reports_found"] == 0
    assert any("/public/column/6595?" in u["url"] for u in site["failing_urls"]), site
