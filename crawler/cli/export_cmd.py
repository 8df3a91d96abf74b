"""`gongkai export`: the database as files an analyst opens in pandas, DuckDB or Excel."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from crawler.cli.context import App


def _formats(value: str) -> list[str]:
    from storage.export.writers import FORMATS

    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise click.BadParameter(f"unknown format(s) {bad}; choose from {','.join(FORMATS)}")
    return chosen


@click.command("export")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default <data>/export).",
)
@click.option(
    "--format",
    "fmt",
    default="csv",
    show_default=True,
    help="Comma-separated: csv,parquet,xlsx,jsonl.",
)
@click.option("--region", help="Region code prefix (310107, or 31 for a province).")
@click.option("--year", type=int, help="Report year.")
@click.option("--agency", help="Text contained in the agency name.")
@click.option(
    "--table",
    "tables",
    multiple=True,
    help="Only these tables (repeatable): reports, listings, metrics, metrics_wide, "
    "checks, data_dictionary, coverage.",
)
@click.option(
    "--no-overlap",
    is_flag=True,
    help="Skip the year-over-year text overlap (it re-reads archived originals).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the files written as JSON.")
@click.pass_obj
def export_command(
    app: App,
    out: Path | None,
    fmt: str,
    region: str | None,
    year: int | None,
    agency: str | None,
    tables: tuple[str, ...],
    no_overlap: bool,
    as_json: bool,
) -> None:
    """Write reports, listings, metrics, metrics_wide, checks, data_dictionary and coverage
    tables, and datapackage.json describing them."""
    from crawler.jobs.export import export_tables
    from storage.export.tables import TABLES

    formats = _formats(fmt)
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise click.BadParameter(f"unknown table(s) {sorted(unknown)}", param_hint="--table")
    target = Path(out) if out else app.paths.export  # `gongkai demo` passes a str
    summary = export_tables(
        app.open(),
        target,
        formats,
        region=region,
        year=year,
        agency=agency,
        tables=tables,
        overlap=not no_overlap,
    )
    if as_json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    echo_summary(summary)


def echo_summary(summary: dict[str, Any]) -> None:
    """Rows per table and the files written, as `gongkai export` (and the demo) print them."""
    for name, n in summary["rows"].items():
        click.echo(f"{name}: {n} rows")
    click.echo(f"wrote {len(summary['files'])} file(s) to {summary['out']}")


COMMANDS = [export_command]
