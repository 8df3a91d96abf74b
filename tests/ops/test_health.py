"""One health answer: `gongkai runs` exits non-zero on each failure the old alert missed.

The three cases are written from the issue's words: a scheduled crawl that failed without
recording a run (`outcome=failed exit_code=1 run_ids=`), a registry with a YAML error (the
crawl stops before its run is recorded), and a data folder that has never run a crawl.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import main
from ops.test_runs_coverage import _run


def _cli(data: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--data", str(data), *args])


def _history(data: Path, *lines: dict) -> None:
    path = data / "schedule" / "history.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line) + "\n")


def test_a_failed_scheduled_crawl_without_a_run_alerts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run(data, ["a"], {"a": "ok"}, "ok")  # yesterday's run was fine
    _history(
        data,
        {
            "ts": "2026-12-05T18:00:00+00:00",
            "event": "start",
            "job": "nightly",
            "sites": ["a"],
            "pid": 4242,
        },
        {
            "ts": "2026-12-05T18:00:01+00:00",
            "event": "end",
            "job": "nightly",
            "sites": ["a"],
            "pid": 4242,
            "exit_code": 1,
            "outcome": "failed",
            "run_ids": [],
            "seconds": 0.9,
        },
    )
    result = _cli(data, "runs", "--last", "1")
    assert result.exit_code == 1, result.output
    assert "nightly" in result.output and "failed" in result.output
    got = json.loads(_cli(data, "runs", "--last", "1", "--json").output)
    assert got["alert"] and got["schedule"]["outcome"] == "failed"
    assert got["schedule"]["exit_code"] == 1 and got["schedule"]["run_ids"] == []
    # the next scheduled crawl succeeds: the alert clears
    _run(data, ["a"], {"a": "ok"}, "ok")
    _history(
        data,
        {
            "ts": "2026-12-06T18:00:09+00:00",
            "event": "end",
            "job": "nightly",
            "sites": ["a"],
            "pid": 4343,
            "exit_code": 0,
            "outcome": "ok",
            "run_ids": [3],
            "seconds": 8.0,
        },
    )
    assert _cli(data, "runs", "--last", "1").exit_code == 0


def test_a_registry_yaml_error_leaves_a_trace_runs_sees(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run(data, ["a"], {"a": "ok"}, "ok")  # the previous run was fine
    broken = tmp_path / "sites.yaml"
    broken.write_text("sites:\n  - id: a\n    name: [unclosed\n", encoding="utf-8")
    crawl = _cli(data, "crawl", "--sites", str(broken))
    assert crawl.exit_code == 1
    assert crawl.output.count("\n") <= 2 and "Traceback" not in crawl.output
    result = _cli(data, "runs", "--last", "1")
    assert result.exit_code == 1, result.output
    assert "registry" in result.output and str(broken) in result.output
    got = json.loads(_cli(data, "runs", "--last", "1", "--json").output)
    assert got["alert"] and got["runs"][0]["status"] == "failed"
    assert "registry" in got["runs"][0]["error"]


def test_a_folder_that_never_ran_a_crawl_alerts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    result = _cli(data, "runs")
    assert result.exit_code == 1 and "no crawl runs" in result.output
    got = json.loads(_cli(data, "runs", "--json").output)
    assert got["alert"] and got["runs"] == []


def test_a_scheduler_that_cannot_read_its_registry_alerts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run(data, ["a"], {"a": "ok"}, "ok")
    broken = tmp_path / "sites.yaml"
    broken.write_text("sites: [ {id: a\n", encoding="utf-8")
    schedule = tmp_path / "schedule.yaml"
    schedule.write_text(f"sites_file: {broken}\n", encoding="utf-8")
    started = _cli(data, "schedule", "--config", str(schedule))
    assert started.exit_code == 1 and "cannot be read" in started.output
    assert len(started.output.strip().splitlines()) == 1
    result = _cli(data, "runs", "--last", "1")
    assert result.exit_code == 1 and "cannot be read" in result.output, result.output
