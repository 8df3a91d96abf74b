"""Operator commands: `gongkai schedule`, `gongkai runs`, `gongkai coverage`."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler.causes import explain_lines
from crawler.cli.context import App
from crawler.cli.output import dump_json, json_option, render_table
from crawler.clock import TZ_ENV, show
from crawler.health import last_scheduled, record_schedule_error, scheduled_alert
from storage.runreport import (
    RUN_ABORTED,
    RUN_FAILED,
    RUN_RUNNING,
    SITE_OK,
    CrawlReport,
    SiteReport,
)

if TYPE_CHECKING:
    from storage.models import CrawlRun

OK_OUTCOMES = {SITE_OK}
FAILED_RUN_STATUSES = {RUN_FAILED, RUN_ABORTED}


_dump = dump_json


# ---------------------------------------------------------------------------- schedule


@click.command("schedule")
@click.option(
    "--config",
    "config_path",
    envvar="GONGKAI_SCHEDULE",
    default="config/schedule.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Schedule file (env GONGKAI_SCHEDULE); missing = every site at 02:00.",
)
@click.option(
    "--sites",
    "sites_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Site registry (default: the schedule's sites_file).",
)
@click.option("--list", "list_only", is_flag=True, help="Show the next run times and exit.")
@json_option("With --list: JSON output.")
@click.option(
    "--crawl-command",
    envvar="GONGKAI_CRAWL_COMMAND",
    help="Command run instead of `gongkai` (it gets `--data D crawl --sites F "
    "--site ID…`); env GONGKAI_CRAWL_COMMAND.",
)
@click.option(
    "--log-json/--log-text",
    default=None,
    help="Log format (default: JSON lines unless stderr is a terminal).",
)
@click.pass_obj
def schedule_command(
    app: App,
    config_path: Path,
    sites_file: Path | None,
    list_only: bool,
    as_json: bool,
    crawl_command: str | None,
    log_json: bool | None,
) -> None:
    """Run crawls on the cron schedules of config/schedule.yaml until SIGTERM."""
    from crawler import scheduler
    from crawler.logs import setup_logging

    try:
        cfg = scheduler.load_config(config_path, sites_file=sites_file)
    except (OSError, ValueError) as exc:
        message = " ".join(str(exc).split())
        if not list_only:  # the nightly crawls will not happen: `runs` must say so
            record_schedule_error(app.paths.data, message)
        raise click.ClickException(message) from exc
    # one time convention: runs, logs and crawls show times in the schedule's timezone
    os.environ.setdefault(TZ_ENV, cfg.timezone)
    if list_only:
        rows = scheduler.planned(cfg, app.paths.db_url)
        if as_json:
            _dump({"timezone": cfg.timezone, "sites_file": str(cfg.sites_file), "jobs": rows})
            return
        click.echo(f"timezone {cfg.timezone}; registry {cfg.sites_file}")
        render_table(
            ("schedule", "when", "next runs", "sites"),
            (
                [
                    r["name"],
                    r["schedule"],
                    "\n".join(r["next_run_times"])
                    + ("" if r["stored"] else "\n(not yet in the job store)"),
                    f"{len(r['sites'])}: {', '.join(r['sites'][:6])}"
                    f"{' …' if len(r['sites']) > 6 else ''}",
                ]
                for r in rows
            ),
        )
        return
    setup_logging(json_lines=log_json)
    app.paths.data.mkdir(parents=True, exist_ok=True)
    app.open()  # creates or migrates the database before the scheduler's job store opens
    try:
        code = scheduler.serve(
            cfg, data=app.paths.data, db_url=app.paths.db_url, command=crawl_command
        )
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    sys.exit(code)


# ---------------------------------------------------------------------------- runs


def _report(app: App, run: CrawlRun) -> CrawlReport:
    """The run report the crawl runner wrote (file first: it is complete), else the row's."""
    path = app.paths.manifests / f"run-{run.id}.report.json"
    if path.exists():
        try:
            return CrawlReport.load(path)
        except (OSError, ValueError):
            pass
    return CrawlReport.from_dict(run.report or {})


def run_summary(app: App, run: CrawlRun) -> dict[str, Any]:
    """One run with the outcome (and cause) of each site, and whether it should alert."""
    report = _report(app, run)
    sites = report.sites
    per_site: list[dict[str, Any]] = []
    for sid in run.sites or list(sites):
        v = sites.get(sid)
        if v is None:
            outcome = RUN_RUNNING if run.status == RUN_RUNNING else "no_report"
            per_site.append({"site": sid, "outcome": outcome, "reason": ""})
            continue
        entry = {
            "site": sid,
            "outcome": v.outcome,
            "reason": v.reason,
            "reports_found": v.counts.get("reports_found"),
            "new": v.counts.get("new"),
            "changed": v.counts.get("changed"),
            "pages_fetched": v.counts.get("pages_fetched"),
        }
        entry.update(v.diagnosis)
        per_site.append(entry)
    failing = [
        s["site"]
        for s in per_site
        if s["outcome"] not in OK_OUTCOMES and s["outcome"] != RUN_RUNNING
    ]
    alert = bool(failing) or run.status in FAILED_RUN_STATUSES
    return {
        "id": run.id,
        "status": run.status,
        "started_at": show(run.started_at),
        "finished_at": show(run.finished_at),
        "seconds": report.seconds if report.finished else None,
        "sites": per_site,
        "failing": failing,
        "alert": alert,
        "error": report.error,
        "aborted_by": report.aborted_by,
        "totals": report.totals() if report.finished else None,
    }


def _scheduled_view(entry: dict[str, Any] | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {
        "job": entry.get("job"),
        "outcome": entry.get("outcome"),
        "error": entry.get("error"),
        "exit_code": entry.get("exit_code"),
        "run_ids": entry.get("run_ids") or [],
        "sites": entry.get("sites") or [],
        "ended_at": show(entry.get("ts")),
        "alert": scheduled_alert(entry),
    }


def _print_runs(rows: list[dict[str, Any]], sched: dict[str, Any] | None) -> None:
    if not rows:
        click.echo("no crawl runs yet: this data folder has never crawled (is --data right?)")
    else:
        table = []
        for r in rows:
            ok = sum(s["outcome"] in OK_OUTCOMES for s in r["sites"])
            took = f"{r['seconds']:.0f}s" if isinstance(r["seconds"], int | float) else ""
            table.append([r["id"], r["status"], r["started_at"], took, f"{ok}/{len(r['sites'])}"])
        render_table(
            ("run", "status", "started", "took", "sites ok"),
            table,
            right=("run", "took", "sites ok"),
        )
    for r in rows:
        if r["error"]:
            click.echo(f"run {r['id']}: {r['status']} — {r['error']}")
        for site in r["sites"]:
            if site["outcome"] in OK_OUTCOMES:
                continue
            reason = f" — {site['reason']}" if site["reason"] else ""
            click.echo(f"run {r['id']} · {site['site']}: {site['outcome']}{reason}")
            for line in explain_lines(SiteReport.from_dict(site)):
                click.echo(f"    {line}")
    if sched is not None:
        runs = ", ".join(map(str, sched["run_ids"])) or "none recorded"
        click.echo(
            f"newest scheduled crawl: {sched['job']} {sched['outcome']} "
            f"(exit {sched['exit_code']}) at {sched['ended_at']}; runs: {runs}"
            + (f" — {sched['error']}" if sched.get("error") else "")
        )


@click.command("runs")
@click.option("--last", "last", default=10, show_default=True, help="How many recent runs.")
@json_option()
@click.pass_obj
def runs_command(app: App, last: int, as_json: bool) -> None:
    """Recent crawl runs with each site's outcome and cause.

    Exits 1 (for alerting) when a listed run failed or has a failing site, when the newest
    scheduled crawl failed (recorded run or not), or when the folder has never crawled.
    """
    from sqlmodel import col, select

    from storage.crud import mark_dead_runs
    from storage.db import session_scope
    from storage.models import CrawlRun

    with session_scope(app.open().engine) as s:
        mark_dead_runs(session=s)  # a run whose process was killed is not "running"
    with session_scope(app.open().engine) as s:
        runs = list(s.exec(select(CrawlRun).order_by(col(CrawlRun.id).desc()).limit(last)))
    rows = [run_summary(app, r) for r in runs]
    sched = _scheduled_view(last_scheduled(app.paths.data))
    alert = not rows or any(r["alert"] for r in rows) or bool(sched and sched["alert"])
    if as_json:
        dump_json({"runs": rows, "schedule": sched, "never_crawled": not rows, "alert": alert})
    else:
        _print_runs(rows, sched)
    if alert:
        sys.exit(1)


# ---------------------------------------------------------------------------- coverage


@click.command("coverage")
@click.option("--region", help="Region code prefix.")
@click.option("--year", type=int, help="Only this report year.")
@click.option("--agency", help="Text contained in the agency name (agency rows).")
@click.option("--agencies", is_flag=True, help="Also list each agency seen on a site.")
@json_option("JSON output (site and agency rows).")
@click.pass_obj
def coverage_command(
    app: App,
    region: str | None,
    year: int | None,
    agency: str | None,
    agencies: bool,
    as_json: bool,
) -> None:
    """For each registered site (and agency) and year: was its annual report found?"""
    from storage.export.tables import Filters, build_tables

    table = build_tables(
        app.open().engine, Filters(region=region, year=year, agency=agency), only=["coverage"]
    )["coverage"]
    as_of = show(datetime.now(UTC))
    if as_json:
        _dump({"generated_at": as_of, "coverage": table.rows})
        return
    years = sorted({r["year"] for r in table.rows})
    if not years:
        click.echo("no reports found yet")
        return
    cells: dict[tuple[Any, Any, Any], dict[str, Any]] = {
        (r["site_id"], r["agency"], r["year"]): r for r in table.rows
    }
    keys = sorted(
        {(r["site_id"], r["agency"]) for r in table.rows},
        key=lambda k: (k[0], k[1] is not None, k[1] or ""),
    )
    rows = []
    for site_id, ag in keys:
        if ag is not None and not agencies:
            continue
        label = site_id if ag is None else f"  {ag}"
        rows.append([label, *("✓" if cells[(site_id, ag, y)]["found"] else "·" for y in years)])
    year_columns = [str(y) for y in years]
    render_table(["site / agency", *year_columns], rows, right=year_columns)
    site_rows = [r for r in table.rows if r["level"] == "site"]
    found = sum(r["found"] for r in site_rows)
    click.echo(f"found {found}/{len(site_rows)} site-years (as of {as_of})")


COMMANDS = [schedule_command, runs_command, coverage_command]
