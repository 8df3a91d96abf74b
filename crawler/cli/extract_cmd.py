"""`gongkai extract`: documents → template metrics, from a file or from the archive."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from crawler.cli.context import App


@click.command("extract")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option(
    "--pending",
    is_flag=True,
    help="(Re)process archived documents whose extraction is missing or older than "
    "the current extractor.",
)
@click.option("--all", "redo_all", is_flag=True, help="With --pending: redo every document.")
@click.option("--timeout", default=120.0, show_default=True, help="Seconds per document.")
@click.pass_obj
def extract_command(
    app: App, files: tuple[Path, ...], as_json: bool, pending: bool, redo_all: bool, timeout: float
) -> None:
    """Extract the template's numbers from FILES (or the archive with --pending)."""
    if not files and not pending:
        raise click.UsageError("give FILE(s) or --pending")
    if files:
        from extract.isolation import extract_isolated

        for path in files:
            data = read_bounded(path)
            result = (
                data
                if isinstance(data, dict)
                else extract_isolated(data, name=path.name, timeout=timeout)
            )
            if as_json:
                json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
                sys.stdout.write("\n")
            else:
                _summary(path.name, result)
    if pending:
        from crawler.jobs.extract_pending import extract_pending
        from crawler.progress import Progress

        with Progress(label="extract") as bar:
            counts = extract_pending(app.open(), redo_all=redo_all, timeout=timeout, progress=bar)
        if as_json:
            json.dump(counts, sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


def read_bounded(path: Path) -> bytes | dict[str, Any]:
    """The file's bytes, or an error result: its size is checked before a byte is read, and
    at most one byte over the limit is ever read (a file growing meanwhile, a device)."""
    from extract.isolation import MAX_BYTES, error_result

    def refused(message: str) -> dict[str, Any]:
        return error_result(message, name=path.name)  # not read: no sha256, no format

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return refused(f"too large: {size} bytes (limit {MAX_BYTES})")
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        return refused(f"cannot read: {exc.strerror or exc}")
    if len(data) > MAX_BYTES:
        return refused(f"too large: over {MAX_BYTES} bytes (limit {MAX_BYTES})")
    return data


def _summary(name: str, result: dict) -> None:
    failed = sum(c.get("status") == "fail" for c in result.get("checks") or [])
    values = sum(m.get("value") is not None for m in result.get("metrics") or [])
    click.echo(
        f"{name}: {result.get('status')} template={result.get('template')} "
        f"agency={result.get('agency')} year={result.get('year')} values={values} "
        f"checks_failed={failed} warnings={len(result.get('warnings') or [])}"
        + (f" error={result['error']}" if result.get("error") else "")
    )


COMMANDS = [extract_command]
