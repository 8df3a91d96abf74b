"""`gongkai demo`: progress through every stage, and a summary equal to the exported files.

The expected numbers are read back from the CSV files with pandas, independently of the
demo's own counting, as an analyst opening them would.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from support.demo import DemoRun

# the session's demo run (tests/conftest.py), shared with tests/test_end_to_end.py
# the first test to ask for the demo pays for it: 300 s is not enough on a loaded machine
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("demo"), pytest.mark.timeout(900)]


def test_demo_summary_equals_the_export_and_says_what_next(demo: DemoRun) -> None:
    data, out, err = demo.data, demo.stdout, demo.stderr
    # progress through every stage (stderr is not a terminal here: log lines)
    for stage in ("crawl", "extract", "export"):
        assert re.search(rf"gongkai.progress: {stage} .*done", err), (stage, err)
    export = data / "export"
    reports = pd.read_csv(export / "reports.csv", encoding="utf-8-sig")
    metrics = pd.read_csv(export / "metrics.csv", encoding="utf-8-sig", low_memory=False)
    checks = pd.read_csv(export / "checks.csv", encoding="utf-8-sig")
    summary = out[out.index("gongkai demo summary") :]
    assert f"reports found:    {len(reports)} " in summary
    assert f"values extracted: {metrics['value'].notna().sum()} " in summary
    assert f"checks failed:    {(checks['status'] == 'fail').sum()}\n" in summary
    # each extraction status with its count and what it means
    for status, n in reports["extraction_status"].value_counts().items():
        line = next(x for x in summary.splitlines() if x.strip().startswith(f"{status} "))
        assert int(line.split()[1]) == n and len(line.split()) > 3, line
    no_tables = reports[reports["extraction_status"] == "no_tables"]
    assert len(no_tables) and "narrative-only" in summary
    legacy = (no_tables["template"] == "legacy").sum()
    assert f"pre-2019 (legacy) {legacy}" in summary
    # what to open next: the workbench first, then the files
    assert "serve, then open http://127.0.0.1:8700/" in summary
    assert str(export / "reports.csv") in summary
