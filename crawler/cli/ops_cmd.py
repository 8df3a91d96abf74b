"""Operator commands: `gongkai schedule`, `gongkai runs`, `gongkai coverage`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from crawler.cli.context import App

OK_OUTCOMES = {"ok"}
FAILED_RUN_STATUSES = {"failed", "aborted"}


def _dump(obj: Any) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=1, default=str)
    sys.stdout.write("\n")


# ---------------------------------------------------------------------------- schedule

@click.command("schedule")
@click.option("--config", "config_path", envvar="GONGKAI_SCHEDULE",
              default="config/schedule.yaml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Schedule file (env GONGKAI_SCHEDULE); missing = every site at 02:00.")
@click.option("--sites", "sites_file", type=click.Path(exists=True, dir_okay=False,
                                                       path_type=Path),
              help="Site registry (default: the schedule's sites_file).")
@click.option("--list", "list_only", is_flag=True, help="Show the next run times and exit.")
@click.option("--json", "as_json", is_flag=True, help="With --list: JSON output.")
@click.option("--crawl-command", envvar="GONGKAI_CRAWL_COMMAND",
              help="Command run instead of `gongkai` (it gets `--data D crawl --sites F "
              "--site ID…`); env GONGKAI_CRAWL_COMMAND.")
@click.option("--log-json/--log-text", default=None,
              help="Log format (default: JSON lines unless stderr is a terminal).")
@click.pass_obj
def schedule_command(app: App, config_path: Path, sites_file: Path | None, list_only: bool,
                     as_json: bool, crawl_command: str | None, log_json: bool | None) -> None:
    """Run crawls on the cron schedules of config/schedule.yaml until SIGTERM."""
    from crawler import scheduler
    from crawler.logs import setup_logging

    try:
        cfg = scheduler.load_config(config_path, sites_file=sites_file)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if list_only:
        rows = scheduler.planned(cfg, app.paths.db_url)
        if as_json:
            _dump({"timezone": cfg.timezone, "jobs": rows})
            return
        click.echo(f"timezone {cfg.timezone}; registry {cfg.sites_file}")
        for r in rows:
            state = "" if r["stored"] else "  (not yet in the job store)"
            click.echo(f"{r['name']:<16} next {r['next_run_time']}  {r['trigger']}  "
                       f"{len(r['sites'])} site(s): {', '.join(r['sites'][:6])}"
                       f"{' …' if len(r['sites']) > 6 else ''}{state}")
        return
    setup_logging(json_lines=log_json)
    app.paths.data.mkdir(parents=True, exist_ok=True)
    app.engine  # noqa: B018 (creates the tables before the scheduler's job store opens)
    try:
        code = scheduler.serve(cfg, data=app.paths.data, db_url=app.paths.db_url,
                               command=crawl_command)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    sys.exit(code)


# ---------------------------------------------------------------------------- runs

def _report(app: App, run: Any) -> dict[str, Any]:
    """The run report the crawl runner wrote (file first: it is complete), else the row's."""
    path = app.paths.manifests / f"run-{run.id}.report.json"
    if path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    return dict(run.report or {})


def run_summary(app: App, run: Any) -> dict[str, Any]:
    """One run with the outcome of each site, and whether it should alert."""
    report = _report(app, run)
    sites = report.get("sites") or {}
    per_site = []
    for sid in run.sites or list(sites):
        v = sites.get(sid)
        if v is None:
            outcome = "running" if run.status == "running" else "no_report"
            per_site.append({"site": sid, "outcome": outcome, "reason": ""})
            continue
        per_site.append({"site": sid, "outcome": v.get("outcome", "unknown"),
                         "reason": v.get("reason") or "",
                         "reports_found": v.get("reports_found"), "new": v.get("new"),
                         "changed": v.get("changed"), "pages_fetched": v.get("pages_fetched")})
    failing = [s["site"] for s in per_site
               if s["outcome"] not in OK_OUTCOMES and s["outcome"] != "running"]
    alert = bool(failing) or run.status in FAILED_RUN_STATUSES
    return {"id": run.id, "status": run.status, "started_at": run.started_at,
            "finished_at": run.finished_at, "seconds": report.get("seconds"),
            "sites": per_site, "failing": failing, "alert": alert,
            "aborted_by": report.get("aborted_by"), "totals": report.get("totals")}


@click.command("runs")
@click.option("--last", "last", default=10, show_default=True, help="How many recent runs.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_obj
def runs_command(app: App, last: int, as_json: bool) -> None:
    """Recent crawl runs with each site's outcome; exits 1 if a listed run has failures."""
    from sqlmodel import select

    from storage.crud import mark_dead_runs
    from storage.db import session_scope
    from storage.models import CrawlRun

    with session_scope(app.engine) as s:
        mark_dead_runs(session=s)  # a run whose process was killed is not "running"
    with session_scope(app.engine) as s:
        runs = list(s.exec(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(last)))  # type: ignore[union-attr]
    rows = [run_summary(app, r) for r in runs]
    if as_json:
        _dump({"runs": rows, "alert": any(r["alert"] for r in rows)})
    else:
        if not rows:
            click.echo("no crawl runs yet")
        for r in rows:
            ok = sum(s["outcome"] in OK_OUTCOMES for s in r["sites"])
            took = f" {r['seconds']:.0f}s" if isinstance(r["seconds"], int | float) else ""
            click.echo(f"run {r['id']}  {r['status']:<8} {r['started_at']:%Y-%m-%d %H:%M}"
                       f"{took}  sites ok {ok}/{len(r['sites'])}")
            for site in r["sites"]:
                if site["outcome"] not in OK_OUTCOMES:
                    reason = f" — {site['reason']}" if site["reason"] else ""
                    click.echo(f"    {site['site']:<28} {site['outcome']}{reason}")
    if any(r["alert"] for r in rows):
        sys.exit(1)


# ---------------------------------------------------------------------------- coverage

@click.command("coverage")
@click.option("--region", help="Region code prefix.")
@click.option("--year", type=int, help="Only this report year.")
@click.option("--agency", help="Text contained in the agency name (agency rows).")
@click.option("--agencies", is_flag=True, help="Also list each agency seen on a site.")
@click.option("--json", "as_json", is_flag=True, help="JSON output (site and agency rows).")
@click.pass_obj
def coverage_command(app: App, region: str | None, year: int | None, agency: str | None,
                     agencies: bool, as_json: bool) -> None:
    """For each registered site (and agency) and year: was its annual report found?"""
    from storage.export import Filters, build_tables

    table = build_tables(app.engine, Filters(region=region, year=year, agency=agency),
                         only=["coverage"])["coverage"]
    if as_json:
        _dump({"coverage": table.rows})
        return
    years = sorted({r["year"] for r in table.rows})
    if not years:
        click.echo("no reports found yet")
        return
    click.echo(f"{'site / agency':<34}" + "".join(f"{y:>6}" for y in years))
    cells: dict[tuple[Any, Any, Any], dict[str, Any]] = {
        (r["site_id"], r["agency"], r["year"]): r for r in table.rows}
    keys = sorted({(r["site_id"], r["agency"]) for r in table.rows},
                  key=lambda k: (k[0], k[1] is not None, k[1] or ""))
    for site_id, ag in keys:
        if ag is not None and not agencies:
            continue
        label = site_id if ag is None else f"  {ag}"
        marks = "".join(f"{'✓' if cells[(site_id, ag, y)]['found'] else '·':>6}" for y in years)
        click.echo(f"{label[:34]:<34}{marks}")
    site_rows = [r for r in table.rows if r["level"] == "site"]
    found = sum(r["found"] for r in site_rows)
    click.echo(f"found {found}/{len(site_rows)} site-years")


COMMANDS = [schedule_command, runs_command, coverage_command]
