"""`gongkai demo`: the whole pipeline, offline, against the bundled site simulator."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import click
import yaml

from crawler.cli.context import App

DEMO_PORT_BASE = 47800  # the simulator's hosts listen on 127.0.0.N:47800+i
# Fast and deterministic against loopback; real crawls keep the polite defaults.
DEMO_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "RETRY_TIMES": 1,
                 "LOG_LEVEL": "WARNING"}


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
            "(tests/sim): run `make demo` there") from exc


@click.command("demo")
@click.option("--platforms", default="all", show_default=True,
              help="Comma-separated simulator platforms, or 'all'.")
@click.pass_context
def demo_command(ctx: click.Context, platforms: str | None) -> None:
    """Start the site simulator, crawl it, extract, export, print a summary, stop."""
    from crawler.runner import run_crawl
    Simulator = load_simulator().Simulator

    app: App = ctx.obj
    app.paths.data.mkdir(parents=True, exist_ok=True)
    try:  # stable addresses: a second demo on the same data folder is an incremental crawl
        sim = Simulator(platforms=platforms, port_base=DEMO_PORT_BASE)
        sim.start()
    except OSError:
        click.echo(f"ports from {DEMO_PORT_BASE} are taken; using free ports instead")
        sim = Simulator(platforms=platforms)
        sim.start()
    with sim:
        sites_file = app.paths.data / "demo-sites.yaml"
        sites_file.write_text(yaml.safe_dump(sim.registry(), allow_unicode=True, sort_keys=False),
                              encoding="utf-8")
        click.echo(f"simulator: {len(sim.sites)} sites, {len(sim.reports)} reports; "
                   f"registry {sites_file}")
        report = run_crawl(app, sites_file=sites_file, site_ids=(), allow_failures=True,
                           settings_overrides=DEMO_SETTINGS)
    from crawler.pipeline_extract import extract_pending
    from crawler.progress import Progress

    with Progress(label="extract") as bar:
        extract_pending(app, progress=bar)
    from crawler.cli import main as root

    export = root.get_command(ctx, "export")
    if export is None:
        raise click.ClickException("the export command is not available")
    ctx.invoke(export, out=str(app.paths.export))
    for line in summary_lines(app, report):
        click.echo(line)


def summary_lines(app: App, run_report: dict) -> list[str]:
    """What a new user wants to see: found, extracted, failed, and where it all is."""
    from sqlmodel import func, select

    from extract import EXTRACTOR_VERSION
    from storage.db import session_scope
    from storage.models import CheckResult, Document, Extraction, MetricValue

    with session_scope(app.engine) as s:
        current = s.exec(select(Document).where(Document.status == "current")).all()
        shas = {d.sha256 for d in current}
        ex_ids = [e.id for e in s.exec(select(Extraction).where(
            Extraction.extractor_version == EXTRACTOR_VERSION)) if e.sha256 in shas]
        values = s.exec(select(func.count()).select_from(MetricValue).where(
            MetricValue.extraction_id.in_(ex_ids), MetricValue.value.is_not(None))).one()
        failed = s.exec(select(func.count()).select_from(CheckResult).where(
            CheckResult.extraction_id.in_(ex_ids), CheckResult.status == "fail")).one()
        with_values = s.exec(select(func.count(func.distinct(MetricValue.extraction_id))).where(
            MetricValue.extraction_id.in_(ex_ids))).one()
    sites = run_report.get("sites") or {}
    totals = run_report.get("totals") or {}
    lines = ["", "gongkai demo summary",
             f"  sites crawled:        {len(sites)}"
             + "".join(f"\n    {sid}: {info.get('outcome', info.get('status', '?'))}"
                       for sid, info in sorted(sites.items()) if isinstance(info, dict)),
             f"  this crawl:           {totals.get('pages_fetched', 0)} pages, "
             f"{totals.get('new', 0)} new, {totals.get('changed', 0)} changed, "
             f"{totals.get('unchanged', 0)} unchanged reports",
             f"  reports found:        {len(current)} ({with_values} with table values)",
             f"  values extracted:     {values}",
             f"  checks failed:        {failed}",
             f"  database:             {app.paths.db_url}",
             f"  archive (WARC):       {app.paths.warc_dir}",
             f"  export:               {app.paths.export}"]
    return lines


COMMANDS = [demo_command]
