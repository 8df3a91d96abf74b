"""`gongkai crawl`: crawl registered sites, archive everything, print a per-site table."""

from __future__ import annotations

import sys
from typing import Any

import click

from crawler.cli.context import App

COLUMNS = (("site", 24), ("outcome", 16), ("pages", 6), ("reports", 7), ("new", 4),
           ("chg", 4), ("same", 5), ("fail", 4), ("blk", 4), ("KiB", 8))


def _row(site: str, v: dict[str, Any]) -> list[str]:
    return [site, v["outcome"], str(v.get("pages_fetched", 0)), str(v.get("reports_found", 0)),
            str(v.get("new", 0)), str(v.get("changed", 0)), str(v.get("unchanged", 0)),
            str(v.get("failed", 0)), str(v.get("blocked", 0)),
            f"{int(v.get('bytes_downloaded', 0) or 0) / 1024:.0f}"]


def print_table(report: dict[str, Any]) -> None:
    click.echo("  ".join(name.ljust(width) for name, width in COLUMNS))
    for site, values in report["sites"].items():
        cells = _row(site, values)
        click.echo("  ".join(c.ljust(w) for c, (_, w) in zip(cells, COLUMNS, strict=True)))
        if values.get("reason"):
            click.echo(f"    ↳ {values['reason']}")
    click.echo(f"run {report['run_id']}: {report['status']}  ({report['seconds']:.1f}s)  "
               f"report: {report['report_file']}")


def _overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--set")
        out[key] = value
    return out


@click.command("crawl")
@click.option("--sites", "sites_file", default="config/sites.yaml", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="The site registry.")
@click.option("--site", "site_ids", multiple=True, help="Crawl only this site id (repeatable).")
@click.option("--allow-failures", is_flag=True,
              help="Exit 0 even when a site is failing, blocked or robots-forbidden.")
@click.option("--no-politeness", is_flag=True,
              help="No download delay or autothrottle (tests and benchmarks on the simulator).")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Extra Scrapy setting for the crawl subprocess (repeatable).")
@click.option("--deadline", type=click.FloatRange(min=1), default=None, metavar="SECONDS",
              help="Stop the run after this long and report it cut short "
                   "[default: GONGKAI_RUN_DEADLINE, 4 hours].")
@click.pass_obj
def crawl_command(app: App, sites_file: str, site_ids: tuple[str, ...], allow_failures: bool,
                  no_politeness: bool, settings: tuple[str, ...],
                  deadline: float | None) -> None:
    """Crawl the registry's sites (or --site ones) and archive every response."""
    from crawler.registry import RegistryError
    from crawler.runner import POLITENESS_OFF, run_crawl

    overrides: dict[str, Any] = dict(POLITENESS_OFF) if no_politeness else {}
    overrides.update(_overrides(settings))
    try:
        report = run_crawl(app, sites_file=sites_file, site_ids=site_ids,
                           allow_failures=allow_failures, settings_overrides=overrides,
                           deadline=deadline)
    except (RegistryError, KeyError) as exc:
        raise click.ClickException(str(exc)) from exc
    print_table(report)
    if report["status"] == "aborted":
        sys.exit(143)  # stopped by a signal: never reported as a completed crawl
    if report["failing"] and not allow_failures:
        sys.exit(1)


COMMANDS = [crawl_command]
