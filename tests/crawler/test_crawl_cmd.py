"""`gongkai crawl`: per-site table, exit status 1 on a failing site unless --allow-failures."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from crawler.cli import main

pytestmark = pytest.mark.integration  # real crawls against the simulator


def _crawl(harness, *extra):
    args = ["--data", str(harness.app.paths.data), "crawl", "--sites", str(harness.sites_file),
            "--no-politeness", "--set", "LOG_LEVEL=WARNING", *extra]
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
