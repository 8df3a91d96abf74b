"""`gongkai export`: the database as files an analyst opens in pandas, DuckDB or Excel."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crawler.cli.context import App

if TYPE_CHECKING:
    from extract.worker import ExtractionWorker
    from storage.models import Capture


class NarrativeReader:
    """The report's prose (tables cut out, normalised), re-read from the archived original.

    Why re-read: the extraction stores numbers, not text; the archive is the source of truth.
    Parsing runs in an isolated worker (an archived file may be hostile: a PDF that loops
    must not hang the export). Cached per sha256 and measure version in <data>/cache/narrative/.
    """

    def __init__(self, app: App) -> None:
        self.app = app
        self._worker: ExtractionWorker | None = None

    def __call__(self, sha256: str, capture: Capture | None) -> str | None:
        if capture is None:
            return None
        cache = self.app.paths.data / "cache" / "narrative" / f"{capture.sha256}.v2.txt"
        if cache.exists():
            return cache.read_text(encoding="utf-8")
        from crawler.jobs.extract_pending import archived_bytes
        from extract.worker import ExtractionWorker

        if self._worker is None:
            self._worker = ExtractionWorker(timeout=60,
                                            target="crawler.jobs.narrative:narrative_job")
        try:
            data = archived_bytes(self.app.open(), capture)
        except (OSError, ValueError):  # missing or undecodable original: no overlap, export goes on
            return None
        result = self._worker.extract(data)
        text = result.get("narrative")
        if not isinstance(text, str):
            return None
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(text, encoding="utf-8")
        return text

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()


def _formats(value: str) -> list[str]:
    from storage.export import FORMATS

    chosen = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise click.BadParameter(f"unknown format(s) {bad}; choose from {','.join(FORMATS)}")
    return chosen


@click.command("export")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default <data>/export).")
@click.option("--format", "fmt", default="csv", show_default=True,
              help="Comma-separated: csv,parquet,xlsx,jsonl.")
@click.option("--region", help="Region code prefix (310107, or 31 for a province).")
@click.option("--year", type=int, help="Report year.")
@click.option("--agency", help="Text contained in the agency name.")
@click.option("--table", "tables", multiple=True,
              help="Only these tables (repeatable): reports, listings, metrics, metrics_wide, "
              "checks, data_dictionary, coverage.")
@click.option("--no-overlap", is_flag=True,
              help="Skip the year-over-year text overlap (it re-reads archived originals).")
@click.option("--json", "as_json", is_flag=True, help="Print the files written as JSON.")
@click.pass_obj
def export_command(app: App, out: Path | None, fmt: str, region: str | None, year: int | None,
                   agency: str | None, tables: tuple[str, ...], no_overlap: bool,
                   as_json: bool) -> None:
    """Write reports, listings, metrics, metrics_wide, checks, data_dictionary and coverage
    tables, and datapackage.json describing them."""
    from storage import datapackage
    from storage.export import TABLES, Filters, build_tables, write_tables

    formats = _formats(fmt)
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise click.BadParameter(f"unknown table(s) {sorted(unknown)}", param_hint="--table")
    target = Path(out) if out else app.paths.export  # `gongkai demo` passes a str
    reader = None if no_overlap else NarrativeReader(app)
    try:
        built = build_tables(app.engine, Filters(region=region, year=year, agency=agency),
                             text_for=reader, only=tables or None, paths=app.paths)
    finally:
        if reader is not None:
            reader.close()
    files = write_tables(built, target, formats)
    options = {"formats": formats, "region": region, "year": year, "agency": agency,
               "tables": list(built), "overlap": not no_overlap}
    files.append(datapackage.write(built, target, formats, datapackage.source(app.engine),
                                   options))
    summary = {"out": str(target), "formats": formats,
               "rows": {name: len(t.rows) for name, t in built.items()},
               "files": [{"path": str(p), "bytes": p.stat().st_size,
                          "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in files]}
    if as_json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    for name, n in summary["rows"].items():
        click.echo(f"{name}: {n} rows")
    click.echo(f"wrote {len(files)} file(s) to {target}")


COMMANDS = [export_command]
