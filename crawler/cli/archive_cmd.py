"""`gongkai verify`, `gongkai show`, `gongkai export-wacz`, `gongkai cdxj`: the archive as
evidence — check it, read an original back, package it for replay tools."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from crawler.cli.context import App

SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


@click.command("verify")
@click.option("--no-seal", is_flag=True,
              help="Do not seal WARCs left by killed runs first (report them instead).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the mismatches.")
@click.pass_obj
def verify_command(app: App, no_seal: bool, quiet: bool) -> None:
    """Recompute every digest in every WARC; compare with the database and the manifests.

    Prints each mismatch as: MISMATCH FILE [RECORD] WHAT: expected X, found Y.
    Exits 1 on any mismatch.
    """
    import time

    from storage.db import session_scope
    from storage.verify import verify

    started = time.perf_counter()
    with session_scope(app.engine) as session:
        rep = verify(app.paths, session, seal_killed=not no_seal)
    seconds = time.perf_counter() - started
    if not quiet:
        for note in rep.notes:
            click.echo(f"note: {note}")
    for problem in rep.problems:
        click.echo(problem.line())
    if not quiet:
        click.echo(f"{'FAILED' if rep.problems else 'OK'}: {rep.warc_files} WARC files, "
                   f"{rep.records} records, {rep.bytes / 1e6:.1f} MB, {rep.manifests} manifests"
                   f", {len(rep.problems)} mismatches ({seconds:.2f}s)")
    if rep.problems:
        sys.exit(1)


def parse_time(value: str) -> datetime:
    """ISO 8601 date or time (naive = UTC) -> naive UTC, the database's convention."""
    text = value.strip().replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"not an ISO 8601 time: {value}") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if len(text) == 10:  # a bare date means the end of that day
        moment = moment.replace(hour=23, minute=59, second=59, microsecond=999999)
    return moment


@click.command("show")
@click.argument("target")
@click.option("--at", "at", default=None, help="The capture as of this time (ISO 8601, UTC "
              "unless a zone is given): the newest at or before it. Default: the newest.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the original bytes here (default: standard output, with the capture "
              "record on standard error).")
@click.pass_obj
def show_command(app: App, target: str, at: str | None, out: Path | None) -> None:
    """Write the archived original of TARGET (a URL or a payload sha256) as captured."""
    from storage.db import session_scope
    from storage.show import find_capture, read_original

    moment = parse_time(at) if at else None
    with session_scope(app.engine) as session:
        found = find_capture(session, target, at=moment, by_sha=bool(SHA256.match(target)))
        if found is None:
            raise click.ClickException(f"nothing archived for {target}"
                                       + (f" at or before {moment}Z" if moment else ""))
        record, body = read_original(app.paths, session, found)
    text = json.dumps(record, ensure_ascii=False, indent=1, default=str)
    if out is not None:
        out.write_bytes(body)
        click.echo(text)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        click.echo(text, err=True)


@click.command("export-wacz")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--site", "site", default=None, help="Only this site id.")
@click.option("--year", "year", type=int, default=None, help="Only reports of this year.")
@click.pass_obj
def export_wacz_command(app: App, out: Path, site: str | None, year: int | None) -> None:
    """Package the archive (or a site / report year of it) as a WACZ file."""
    from storage.db import session_scope
    from storage.wacz_export import export_wacz

    with session_scope(app.engine) as session:
        try:
            res = export_wacz(app.paths, session, out, site=site, year=year)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"{res.path}: {res.captures} captures, {res.pages} pages, "
               f"{res.warc_bytes / 1e6:.2f} MB of WARC")


@click.command("cdxj")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_obj
def cdxj_command(app: App, out: Path | None) -> None:
    """Print (or write) the CDXJ index of the whole archive, for pywb and other replayers."""
    from storage.cdxj import archive_index
    from storage.db import session_scope

    with session_scope(app.engine) as session:
        text = "".join(line + "\n" for line in archive_index(session, app.paths.warc_dir))
    if out is not None:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


COMMANDS = [verify_command, show_command, export_wacz_command, cdxj_command]
