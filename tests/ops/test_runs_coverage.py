"""`gongkai runs` (exit status for alerting) and `gongkai coverage` on a built database."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from crawler.cli import main
from export import builders
from storage import crud
from storage.config import resolve
from storage.db import init_db, make_engine, session_scope


def _run(data: Path, sites: list[str], outcomes: dict[str, str] | None, status: str | None) -> int:
    data.mkdir(parents=True, exist_ok=True)  # read commands refuse a missing data folder
    engine = make_engine(resolve(data).db_url)
    init_db(engine)
    with session_scope(engine) as s:
        run_id = crud.start_run(session=s, site_ids=sites).id or 0
    if status is None:
        return run_id
    report = {
        "run_id": run_id,
        "status": status,
        "seconds": 3.5,
        "sites": {
            k: {
                "outcome": v,
                "reason": "" if v == "ok" else "no reports found",
                "reports_found": 1 if v == "ok" else 0,
            }
            for k, v in (outcomes or {}).items()
        },
    }
    manifests = data / "archive" / "manifests"
    manifests.mkdir(parents=True, exist_ok=True)
    (manifests / f"run-{run_id}.report.json").write_text(json.dumps(report), encoding="utf-8")
    with session_scope(engine) as s:
        crud.finish_run(session=s, run_id=run_id, status=status, report={})  # file is the truth
    return run_id


def _cli(data: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--data", str(data), *args], catch_exceptions=False)


def test_runs_exit_status_follows_failing_sites(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run(data, ["a", "b"], {"a": "ok", "b": "ok"}, "ok")
    bad = _run(data, ["a", "b"], {"a": "ok", "b": "failing"}, "failed")
    assert _cli(data, "runs", "--last", "1").exit_code == 1
    out = _cli(data, "runs", "--last", "1", "--json")
    got = json.loads(out.output)
    assert got["alert"] and got["runs"][0]["id"] == bad and got["runs"][0]["failing"] == ["b"]
    assert {s["site"]: s["outcome"] for s in got["runs"][0]["sites"]} == {"a": "ok", "b": "failing"}
    assert got["runs"][0]["seconds"] == 3.5 and got["runs"][0]["totals"]["reports_found"] == 1
    text = _cli(data, "runs", "--last", "1").output
    assert "b" in text and "failing — no reports found" in text
    _run(data, ["a", "b"], {"a": "ok", "b": "ok"}, "ok")
    assert _cli(data, "runs", "--last", "1").exit_code == 0
    assert _cli(data, "runs", "--last", "2").exit_code == 1  # the failed run is still listed


def test_running_and_aborted_runs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run(data, ["a"], None, None)  # still running: no verdict, no alert
    got = json.loads(_cli(data, "runs", "--json").output)
    assert not got["alert"] and got["runs"][0]["sites"][0]["outcome"] == "running"
    engine = make_engine(resolve(data).db_url)
    with session_scope(engine) as s:
        crud.finish_run(session=s, run_id=1, status="aborted", report={"aborted_by": "scheduler"})
    result = _cli(data, "runs", "--json")
    got = json.loads(result.output)
    assert result.exit_code == 1 and got["runs"][0]["aborted_by"] == "scheduler"
    assert got["runs"][0]["sites"][0]["outcome"] == "no_report"
    # no runner's report: its time and totals are unknown, not zero
    assert got["runs"][0]["seconds"] is None and got["runs"][0]["totals"] is None


def test_no_runs_is_an_alert(tmp_path: Path) -> None:
    # issue 13: a folder that never crawled (a mistyped --data) must not look healthy
    (tmp_path / "d").mkdir()  # a missing folder is refused (tests/test_read_commands.py)
    result = _cli(tmp_path / "d", "runs")
    assert result.exit_code == 1 and "no crawl runs" in result.output


def test_coverage_command(tmp_path: Path) -> None:
    data = tmp_path / "data"
    builders.build(data)
    got = json.loads(_cli(data, "coverage", "--json").output)["coverage"]
    site = {(r["site_id"], r["year"]): r["found"] for r in got if r["level"] == "site"}
    assert site[("sh-putuo", 2023)] and site[("sh-putuo", 2022)] and not site[("sh-putuo", 2019)]
    # the withdrawn 2018 report still counts as found (it was published); superseded ones
    # never double count
    assert site[("sh-xuhui", 2018)]
    text = _cli(data, "coverage", "--agencies").output
    assert "sh-putuo" in text and "上海市普陀区民政局" in text and "found 3/12 site-years" in text
    only = json.loads(_cli(data, "coverage", "--json", "--region", "310104").output)["coverage"]
    assert {r["site_id"] for r in only} == {"sh-xuhui"}


def test_coverage_table_is_aligned_by_display_width(tmp_path: Path) -> None:
    from rich.cells import cell_len

    data = tmp_path / "data"
    builders.build(data)
    lines = _cli(data, "coverage", "--agencies").output.splitlines()
    table = [line for line in lines[2:] if not line.startswith("found ")]
    assert any("上海市普陀区民政局" in line for line in table)  # CJK rows are in the table
    # every mark sits in the same terminal column, whatever the width of the names before it
    assert len({cell_len(line) for line in [lines[0], *table]}) == 1, lines
    for line in table:
        marks = line.split()[-6:]
        assert set(marks) <= {"✓", "·"}
