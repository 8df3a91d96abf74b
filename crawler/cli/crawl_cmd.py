"""`gongkai crawl`: crawl registered sites, archive everything, print a per-site table."""

from __future__ import annotations

import sys

import click

from crawler.cli.context import App
from crawler.cli.output import dump_json, json_option, render_table
from storage.runreport import RUN_ABORTED, CrawlReport, SiteReport

COLUMNS = ("site", "outcome", "pages", "reports", "new", "chg", "same", "fail", "blk", "KiB")


def _row(site: str, v: SiteReport) -> list[str]:
    return [
        site,
        v.outcome,
        str(v.counts.get("pages_fetched", 0)),
        str(v.counts.get("reports_found", 0)),
        str(v.counts.get("new", 0)),
        str(v.counts.get("changed", 0)),
        str(v.counts.get("unchanged", 0)),
        str(v.counts.get("failed", 0)),
        str(v.counts.get("blocked", 0)),
        f"{v.count('bytes_downloaded') / 1024:.0f}",
    ]


def print_table(report: CrawlReport) -> None:
    from crawler.causes import explain_lines

    sites = report.sites
    render_table(COLUMNS, (_row(site, values) for site, values in sites.items()), right=COLUMNS[2:])
    for site, values in sites.items():
        if not values.ok:
            click.echo(
                f"{site}: {values.outcome}" + (f" — {values.reason}" if values.reason else "")
            )
            for line in explain_lines(values):
                click.echo(f"    {line}")
    click.echo(
        f"run {report.run_id}: {report.status}  ({report.seconds:.1f}s)  "
        f"report: {report.report_file}"
    )


def _overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--set")
        out[key] = value
    return out


@click.command("crawl")
@click.option(
    "--sites",
    "sites_file",
    default="config/sites.yaml",
    show_default=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The site registry.",
)
@click.option("--site", "site_ids", multiple=True, help="Crawl only this site id (repeatable).")
@click.option(
    "--allow-failures",
    is_flag=True,
    help="Exit 0 even when a site is failing, blocked or robots-forbidden.",
)
@click.option(
    "--no-politeness",
    is_flag=True,
    help="No download delay or autothrottle (tests and benchmarks on the simulator).",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="Extra Scrapy setting for the crawl subprocess (repeatable).",
)
@click.option(
    "--deadline",
    type=click.FloatRange(min=1),
    default=None,
    metavar="SECONDS",
    help="Stop the run after this long and report it cut short "
    "[default: GONGKAI_RUN_DEADLINE, 4 hours].",
)
@json_option("The run report as JSON (per-site outcome, cause, failing URLs, log file).")
@click.pass_obj
def crawl_command(
    app: App,
    sites_file: str,
    site_ids: tuple[str, ...],
    allow_failures: bool,
    no_politeness: bool,
    settings: tuple[str, ...],
    deadline: float | None,
    as_json: bool,
) -> None:
    """Crawl the registry's sites (or --site ones) and archive every response."""
    from crawler.jobs.crawl import CrawlNotStarted, crawl

    try:
        report = crawl(
            app.open(),
            sites_file=sites_file,
            site_ids=site_ids,
            allow_failures=allow_failures,
            polite=not no_politeness,
            settings=_overrides(settings),
            deadline=deadline,
        )
    except CrawlNotStarted as exc:
        raise click.ClickException(exc.message) from exc
    run = CrawlReport.from_dict(report)
    if as_json:
        dump_json(report)
    else:
        print_table(run)
    if run.status == RUN_ABORTED:
        sys.exit(143)  # stopped by a signal: never reported as a completed crawl
    if run.failing and not allow_failures:
        sys.exit(1)


COMMANDS = [crawl_command]
