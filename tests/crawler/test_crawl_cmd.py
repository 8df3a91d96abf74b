"""`gongkai crawl`: per-site table, exit status 1 on a failing site unless --allow-failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main

pytestmark = pytest.mark.integration  # real crawls against the simulator


def _crawl(harness, *extra):
    args = [
        "--data",
        str(harness.app.paths.data),
        "crawl",
        "--sites",
        str(harness.sites_file),
        "--no-politeness",
        "--set",
        "LOG_LEVEL=WARNING",
        *extra,
    ]
    return CliRunner().invoke(main, args)


def test_crawl_prints_table_and_exits_zero(harness):
    result = _crawl(harness)
    assert result.exit_code == 0, result.output
    assert "hanweb-gongshu" in result.output and " ok " in result.output
    report_file = next(harness.app.paths.manifests.glob("run-*.report.json"))
    report = json.loads(report_file.read_text("utf-8"))
    assert report["sites"]["hanweb-gongshu"]["reports_found"] == len(harness.sim.reports)


@pytest.mark.sim(platforms=("hanweb",), switches={"hanweb-gongshu": {"column_drift": True}})
def test_failing_site_sets_exit_status(harness):
    result = _crawl(harness)
    assert result.exit_code == 1 and "failing" in result.output
    assert _crawl(harness, "--allow-failures").exit_code == 0


@pytest.mark.sim(platforms=("hanweb",), switches={"hanweb-gongshu": {"column_drift": True}})
def test_a_moved_list_is_named_with_its_status_url_and_log(harness):
    result = _crawl(harness, "--json")
    site = json.loads(result.output)["sites"]["hanweb-gongshu"]
    list_url = harness.sim.registry()[0]["list_urls"][0]
    assert site["cause"] == "http 404" and site["failing_count"] >= 1
    assert list_url in [e["url"] for e in site["failing_urls"]]
    assert all(e["role"] == "list" for e in site["failing_urls"])
    log = Path(site["log"]).read_text(encoding="utf-8")
    assert f"cause='http 404' role=list url={list_url}" in log
    assert "Overridden settings" not in log


@pytest.mark.sim(platforms=("hanweb",), switches={"hanweb-gongshu": {"robots_disallow": True}})
def test_a_robots_forbidden_site_says_robots(harness):
    result = _crawl(harness)
    assert result.exit_code == 1 and "robots_forbidden" in result.output
    assert "cause: robots" in result.output and "urls:  http://" in result.output


@pytest.mark.sim(platforms=("hanweb",), switches={"hanweb-gongshu": {"ruishu": True}})
def test_a_blocked_site_names_the_challenge_and_its_urls(harness):
    result = _crawl(harness)
    assert result.exit_code == 1
    assert "blocked" in result.output and "cause: challenge ruishu" in result.output
    assert "urls:  http://" in result.output and "log:   " in result.output
