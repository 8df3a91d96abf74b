"""`gongkai demo`: the whole pipeline, offline, against the bundled site simulator.

Every stage shows progress (crawl, extract, export); the summary's numbers are counted from
the files the export just wrote, so they are the numbers an analyst opening them will see.
"""

from __future__ import annotations

import csv
import importlib
import logging
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import click
import yaml

from crawler.cli.context import App
from storage.runreport import CrawlReport

DEMO_PORT_BASE = 47800  # the simulator's hosts listen on 127.0.0.N:47800+i
# Fast and deterministic against loopback; real crawls keep the polite defaults.
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_TIMES": 1,
    "LOG_LEVEL": "WARNING",
}
POLL = 0.5  # seconds between two looks at the database while the crawl runs
SERVE_URL = "http://127.0.0.1:8700/"

# What each extraction status means to a reader of reports.csv.
STATUS_MEANING = {
    "ok": "every template table found and read",
    "partial": "tables found, but some are missing, empty or fail a check",
    "no_tables": "no statistics tables in the document (narrative-only reports, mostly "
    "before the 2021 template)",
    "not_a_report": "not an annual report after all (a blank form, a spam mirror)",
    "needs_ocr": "a scanned PDF: its text needs OCR",
    "needs_converter": "a DOC/WPS file and no LibreOffice to convert it",
    "unsupported": "a file format no reader handles",
    "error": "the extractor failed (see extraction_error)",
}


# The simulator is test material, not product: it lives in the checkout's tests/sim.
CHECKOUT_TESTS = Path(__file__).resolve().parents[2] / "tests"


def load_simulator() -> ModuleType:
    """The site simulator from a source checkout (`make demo`); a clear error elsewhere."""
    if (CHECKOUT_TESTS / "sim").is_dir() and str(CHECKOUT_TESTS) not in sys.path:
        sys.path.append(str(CHECKOUT_TESTS))
    try:
        return importlib.import_module("sim")
    except ModuleNotFoundError as exc:
        if exc.name != "sim":
            raise
        raise click.ClickException(
            "the demo needs the site simulator, which ships with a source checkout "
            "(tests/sim): run `make demo` there"
        ) from exc


@click.command("demo")
@click.option(
    "--platforms",
    default="all",
    show_default=True,
    help="Comma-separated simulator platforms, or 'all'.",
)
@click.pass_context
def demo_command(ctx: click.Context, platforms: str | None) -> None:
    """Start the site simulator, crawl it, extract, export, print a summary, stop."""
    Simulator = load_simulator().Simulator

    app: App = ctx.obj
    app.paths.data.mkdir(parents=True, exist_ok=True)
    with _progress_logging():
        try:  # stable addresses: a second demo on the same data folder is incremental
            sim = Simulator(platforms=platforms, port_base=DEMO_PORT_BASE)
            sim.start()
        except OSError:
            click.echo(f"ports from {DEMO_PORT_BASE} are taken; using free ports instead")
            sim = Simulator(platforms=platforms)
            sim.start()
        with sim:
            sites_file = app.paths.data / "demo-sites.yaml"
            sites_file.write_text(
                yaml.safe_dump(sim.registry(), allow_unicode=True, sort_keys=False),
                encoding="utf-8",
            )
            click.echo(
                f"simulator: {len(sim.sites)} sites, {len(sim.reports)} reports; "
                f"registry {sites_file}"
            )
            report = crawl_with_progress(app, sites_file, expected=len(sim.reports))
        from crawler.jobs.extract_pending import extract_pending
        from crawler.progress import Progress, stage

        with Progress(label="extract", every=5) as bar:
            extract_pending(app.open(), progress=bar)
        from crawler.cli.export_cmd import echo_summary
        from crawler.jobs.export import export_tables

        with stage("export"):
            echo_summary(export_tables(app.open(), app.paths.export, ["csv"]))
    run = CrawlReport.from_dict(report)
    for line in summary_lines(app, run, export_counts(app.paths.export)):
        click.echo(line)


@contextmanager
def _progress_logging() -> Iterator[None]:
    """Progress as text lines on stderr when it is not a terminal (a bar when it is)."""
    from crawler.logs import setup_logging

    handler = setup_logging(json_lines=False, logger="gongkai.progress")
    try:
        yield
    finally:
        logging.getLogger("gongkai.progress").removeHandler(handler)


def crawl_with_progress(app: App, sites_file: Path, *, expected: int) -> dict[str, Any]:
    """run_crawl, with a bar of reports archived so far (the crawl runs in subprocesses, so
    progress is read from the database they write to)."""
    from sqlmodel import func, select

    from crawler.progress import Progress
    from crawler.runner import run_crawl
    from storage.db import session_scope
    from storage.models import Capture, Document

    def counts() -> tuple[int, int]:
        with session_scope(app.open().engine) as s:
            return (
                int(s.exec(select(func.count()).select_from(Document)).one()),
                int(s.exec(select(func.count()).select_from(Capture)).one()),
            )

    done = threading.Event()
    before = counts()  # a second demo on the same folder: count this crawl's only
    with Progress(total=expected, label="crawl", every=5) as bar:

        def poll() -> None:
            while not done.wait(POLL):
                try:
                    reports, pages = counts()
                except Exception:
                    continue
                bar.update(reports - before[0], pages=pages - before[1])

        watcher = threading.Thread(target=poll, name="demo-crawl-progress", daemon=True)
        watcher.start()
        try:
            report = run_crawl(
                app.open(),
                sites_file=sites_file,
                site_ids=(),
                allow_failures=True,
                settings_overrides=DEMO_SETTINGS,
            )
        finally:
            done.set()
            watcher.join()
        totals = report.get("totals") or {}
        bar.update(int(totals.get("reports_found", 0)), pages=int(totals.get("pages_fetched", 0)))
    return report


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def export_counts(export_dir: Path) -> dict[str, Any]:
    """The summary's numbers, counted from the exported CSV tables themselves.

    One function on purpose: when the export offers its own counts (from the same queries
    that wrote the files), this is the one place to swap.
    """
    reports = list(_rows(export_dir / "reports.csv"))
    metric_rows = values = 0
    for row in _rows(export_dir / "metrics.csv"):
        metric_rows += 1
        values += row.get("value", "") != ""
    check_status: Counter[str] = Counter(
        r.get("status", "") for r in _rows(export_dir / "checks.csv")
    )
    statuses = Counter(r.get("extraction_status") or "not extracted" for r in reports)
    no_tables_by_template = Counter(
        r.get("template") or "unknown" for r in reports if r.get("extraction_status") == "no_tables"
    )
    return {
        "reports": len(reports),
        "report_status": dict(Counter(r.get("status", "") for r in reports)),
        "extraction_status": dict(statuses),
        "no_tables_by_template": dict(no_tables_by_template),
        "metrics_rows": metric_rows,
        "values": values,
        "checks": sum(check_status.values()),
        "check_status": dict(check_status),
        "sites": len({r.get("site_id") for r in reports}),
    }


def summary_lines(app: App, run_report: CrawlReport, counts: dict[str, Any]) -> list[str]:
    """What a new user wants to see: found, extracted, why not, and what to open next."""
    sites = run_report.sites
    totals = run_report.totals()
    out = app.paths.export
    lines = [
        "",
        "gongkai demo summary",
        f"  sites crawled:    {len(sites)}"
        + "".join(
            f"\n    {sid}: {info.outcome}" + (f" — {info.reason}" if info.reason else "")
            for sid, info in sorted(sites.items())
        ),
        f"  this crawl:       {totals['pages_fetched']} pages, "
        f"{totals['new']} new, {totals['changed']} changed, "
        f"{totals['unchanged']} unchanged reports",
        f"  reports found:    {counts['reports']} (reports.csv), by extraction status:",
    ]
    for status, n in sorted(counts["extraction_status"].items(), key=lambda kv: -kv[1]):
        meaning = STATUS_MEANING.get(status, "")
        lines.append(f"    {status:<16} {n:>6}  {meaning}")
        if status == "no_tables" and counts["no_tables_by_template"]:
            parts = ", ".join(
                f"{t} template {k}" if t != "legacy" else f"pre-2019 (legacy) {k}"
                for t, k in sorted(counts["no_tables_by_template"].items(), key=lambda kv: -kv[1])
            )
            lines.append(f"    {'':<16} {'':>6}  of which {parts}")
    failed = counts["check_status"].get("fail", 0)
    lines += [
        f"  values extracted: {counts['values']} "
        f"(metrics.csv: {counts['metrics_rows']} rows, some without a value)"
        if counts["values"] != counts["metrics_rows"]
        else f"  values extracted: {counts['values']} (metrics.csv: one row each)",
        f"  checks:           {counts['checks']} rows in checks.csv: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts["check_status"].items())),
        f"  checks failed:    {failed}",
        f"  database:         {app.paths.db_url}",
        f"  archive (WARC):   {app.paths.warc_dir}",
        f"  export:           {out}",
        "",
        "what to open next",
        f"  gongkai --data {app.paths.data} serve, then open {SERVE_URL}"
        "   (the auditor workbench: every value back to its cell in the original)",
        f"  {out / 'reports.csv'}   one row per report, with extraction_status",
        f"  {out / 'metrics.csv'}   one row per value, with its provenance",
        f"  {out / 'checks.csv'}    the consistency checks (status = fail to start)",
        f"  gongkai --data {app.paths.data} coverage --agencies   who published which year",
        f"  gongkai --data {app.paths.data} runs                  the crawl's per-site outcome",
    ]
    return lines


COMMANDS = [demo_command]
