"""`gongkai sites explain URL` against simulated sites, from their home pages only."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from crawler.explain import explain
from crawler.registry import read_registry
from crawler.titles import is_report_title
from sim import Simulator, available_platforms

pytestmark = pytest.mark.integration  # the simulator on loopback sockets


def _hosts(site):
    return [h.split(":")[0] for h in site.hosts]


@pytest.mark.parametrize("platform", available_platforms())
def test_explain_finds_the_nianbao_columns_of_every_platform(platform):
    with Simulator(platforms=(platform,), seed=0) as sim:
        for site in sim.sites:
            found = explain(
                site.home_url,
                delay=0,
                max_pages=120,
                allow_private=True,
                allowed_domains=_hosts(site),
            )
            assert found.platform == platform.split("-")[0], site.id
            assert found.evidence
            assert set(site.list_urls) <= set(found.list_pages), site.id  # the 年报 columns
            for page in site.list_urls:
                path = found.path_to(page)
                assert path[0].role == "home" and path[-1].url == page
            accepted = found.accepted
            html = {r.url for r in sim.reports if r.site_id == site.id and r.format == "html"}
            assert html <= {c.url for c in accepted}, site.id  # every report page listed
            assert all(is_report_title(c.title) for c in accepted)
            assert any(not c.accepted and c.report_like and c.reason for c in found.candidates), (
                site.id
            )  # decoys seen, and said why


def test_explain_entry_crawls_every_report(make_harness, tmp_path):
    harness = make_harness(platforms=("trs",))
    site = harness.sim.sites[0]
    found = explain(
        site.home_url, delay=0, max_pages=120, allow_private=True, allowed_domains=_hosts(site)
    )
    entry = found.registry_entry(site_id=site.id, region_code=site.region_code)
    entry["allowed_domains"] = _hosts(site)
    sites = tmp_path / "explained.yaml"
    sites.write_text(yaml.safe_dump({"sites": [entry]}, allow_unicode=True), encoding="utf-8")
    entries, problems = read_registry(sites)
    assert problems == [] and entries[0].platform == "trs"
    harness.sites_file = sites
    report = harness.crawl()
    assert report["sites"][site.id]["outcome"] == "ok"
    with harness.db() as db:
        got = set(db.execute("select url, sha256 from document"))
    assert got == {(r.url, r.sha256) for r in harness.sim.reports if r.site_id == site.id}


def test_explain_obeys_robots():
    with Simulator(platforms=("static",), seed=0, switches={"robots_disallow": True}) as sim:
        site = sim.sites[0]
        found = explain(site.home_url, delay=0, allowed_domains=_hosts(site), allow_private=True)
        assert "robots.txt" in found.refused and found.candidates == []
        paths = [p for _h, _m, p, _s, _hd in sim.request_log]
        assert paths == ["/robots.txt"]  # nothing else asked


def test_sites_explain_command_output():
    from crawler.cli import main

    with Simulator(platforms=("gkmlpt",), seed=0) as sim:
        site = sim.sites[0]
        result = CliRunner().invoke(
            main,
            [
                "sites",
                "explain",
                site.home_url,
                "--delay",
                "0",
                "--allow-private",
                "--region-code",
                "440825",
                "--id",
                "gd-xuwen",
            ],
        )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "allow_private: true" in out  # the printed entry passes the strict registry
    assert "platform: gkmlpt" in out and "window._CONFIG" in out
    assert "ACCEPT 徐闻县人民政府2024年政府信息公开工作年度报告" in out
    assert "reject 关于做好" in out and "(does not end with the report phrase" in out
    entry = yaml.safe_load(out[out.index("sites:") :])["sites"][0]
    assert entry["id"] == "gd-xuwen" and entry["platform"] == "gkmlpt"
    assert entry["list_urls"] == site.list_urls


def test_explain_refuses_a_private_address_without_allow_private():
    found = explain("http://127.0.0.1:9/", delay=0)
    assert "loopback" in found.refused and not found.visits
