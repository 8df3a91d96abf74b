"""`gongkai verify`, `gongkai seal`, `gongkai show`, `gongkai export-wacz`, `gongkai cdxj`:
the archive as evidence — check it, repair its seal, read an original back, package it for
replay tools."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from crawler.cli.context import App

SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


# A published-heads file holds one line per sealed run (~70 bytes): 16 MiB is centuries of
# nightly runs, and a bound keeps `--expect-heads /dev/zero` (or a 4 GiB mistake) from
# eating the machine's memory.
MAX_HEADS_BYTES = 16 << 20


def read_heads(path: Path) -> list[str]:
    """Published heads, one per line (the first word of a line: `verify --head` output or a
    sha256sum-style `DIGEST  name`); blank lines and `#` comments are skipped; a UTF-8 byte
    order mark and CRLF line ends are accepted.  The file may be a pipe (`<(...)`)."""
    heads = []
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_HEADS_BYTES + 1)
        if len(data) > MAX_HEADS_BYTES:
            raise click.BadParameter(
                f"{path} is too large (over {MAX_HEADS_BYTES >> 20} MiB) for a list of heads",
                param_hint="--expect-heads",
            )
        lines = data.decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(
            f"cannot read {path}: {exc}", param_hint="--expect-heads"
        ) from None
    for number, line in enumerate(lines, start=1):
        word = line.split("#", 1)[0].strip().split(maxsplit=1)
        if not word:
            continue
        if not SHA256.match(word[0]):
            raise click.BadParameter(
                f"{path}:{number}: not a sha256 digest: {word[0][:80]!r}",
                param_hint="--expect-heads",
            )
        heads.append(word[0].lower())
    return heads


def _digest(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    for value in values:
        if not SHA256.match(value):
            raise click.BadParameter(f"not a sha256 digest: {value!r}")
    return [v.lower() for v in values]


@click.command("verify")
@click.option(
    "--head",
    "print_head",
    is_flag=True,
    help="After a clean check, print only the chain's head digest (to publish).",
)
@click.option(
    "--expect-head",
    "expect_head",
    multiple=True,
    callback=_digest,
    metavar="DIGEST",
    help="A head published earlier; the chain must still lead to it (repeatable).",
)
@click.option(
    "--expect-heads",
    "heads_file",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file of published heads, one per line.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object on standard output.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the mismatches.")
@click.option(
    "--no-seal", is_flag=True, hidden=True, help="Accepted for old scripts: verify never seals now."
)
@click.pass_obj
def verify_command(
    app: App,
    print_head: bool,
    expect_head: list[str],
    heads_file: Path | None,
    as_json: bool,
    quiet: bool,
    no_seal: bool,
) -> None:
    """Recompute every digest in every WARC; compare with the database and the manifests.

    Writes nothing. Prints each mismatch as: MISMATCH FILE [RECORD] WHAT: expected X, found
    Y. Exits 1 on any mismatch, a published head the chain no longer leads to, a run that
    ended without a manifest, or a WARC no manifest vouches for.
    """
    import time

    from storage.db import session_scope
    from storage.warc.verify import verify

    expected = [*expect_head, *(read_heads(heads_file) if heads_file else [])]
    started = time.perf_counter()
    with session_scope(app.open().engine) as session:
        rep = verify(app.paths, session, expect_heads=expected)
    seconds = time.perf_counter() - started
    if as_json:
        click.echo(
            json.dumps(
                {**rep.as_json(), "seconds": round(seconds, 3)}, ensure_ascii=False, indent=1
            )
        )
    elif print_head and rep.ok:
        if rep.head is None:
            raise click.ClickException("no manifest yet: nothing to publish")
        click.echo(rep.head["sha256"])
    else:
        _print_verify(rep, seconds, quiet)
    if rep.problems:
        sys.exit(1)


def _print_verify(rep: Any, seconds: float, quiet: bool) -> None:
    if not quiet:
        for note in rep.notes:
            click.echo(f"note: {note}")
    for problem in rep.problems:
        click.echo(problem.line())
    if quiet:
        return
    head = f", head {rep.head['sha256']}" if rep.head else ""
    unsealed = f", {len(rep.unsealed)} unsealed (not verified)" if rep.unsealed else ""
    click.echo(
        f"{'FAILED' if rep.problems else 'OK'}: {rep.warc_files} WARC files, "
        f"{rep.records} records, {rep.bytes / 1e6:.1f} MB, {rep.manifests} manifests"
        f"{head}{unsealed}, {len(rep.problems)} mismatches ({seconds:.2f}s)"
    )


@click.command("seal")
@click.option(
    "--dry-run", is_flag=True, help="Say what would be sealed (and cut), and why; change nothing."
)
@click.option(
    "--run",
    "run_id",
    type=int,
    default=None,
    help="Repair: write the manifest of run ID, which ended without one, sealing "
    "its unlisted files as they are now.",
)
@click.pass_obj
def seal_command(app: App, dry_run: bool, run_id: int | None) -> None:
    """Seal the WARC files killed runs left into a new manifest (what a crawl does at its start).

    Refuses files of runs that ended by themselves (their manifest should list them): only
    `--run ID`, after you know why that manifest is missing, seals those. Exits 1 when any
    file is refused.
    """
    from storage import crud
    from storage.db import session_scope
    from storage.warc.manifest import RepairRefused, recover, repair_run_manifest, seal

    with session_scope(app.open().engine) as session:
        if not dry_run:
            crud.mark_dead_runs(session=session)
            session.commit()
        try:
            if run_id is not None:
                rep = repair_run_manifest(app.paths, session, run_id, dry_run=dry_run)
            else:
                rep = (
                    seal(app.paths, session, dry_run=True)
                    if dry_run
                    else recover(app.paths, session)
                )
        except RepairRefused as exc:
            raise click.ClickException(str(exc)) from None
    verb = "would seal" if dry_run else "sealed"
    for name in rep.sealed:
        click.echo(f"{verb} {name}: {rep.why[name]}")
    for name, (old, new) in rep.truncated.items():
        click.echo(f"{'would cut' if dry_run else 'cut'} torn tail of {name}: {old} -> {new} bytes")
    for name in rep.live:
        click.echo(f"skipped {name}: being written by a running crawl")
    for name in rep.empty:
        click.echo(f"skipped {name}: empty (a writer that died before its first record)")
    for name, why in rep.refused.items():
        click.echo(f"refused {name}: {why}")
    if rep.manifest:
        click.echo(f"wrote {rep.manifest}; new head {rep.head}")
    elif not dry_run:
        click.echo("nothing to seal")
    if rep.refused:
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
@click.option(
    "--at",
    "at",
    default=None,
    help="The capture as of this time (ISO 8601, UTC "
    "unless a zone is given): the newest at or before it. Default: the newest.",
)
@click.option(
    "--out",
    "out",
    default=None,
    metavar="FILE",
    help="Write the original bytes to FILE (`-`: standard output), the capture "
    "record to standard output. Default: bytes to standard output (text only, "
    "when that is a terminal), the record to standard error.",
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.pass_obj
def show_command(app: App, target: str, at: str | None, out: str | None, force: bool) -> None:
    """Write the archived original of TARGET (a URL or a payload sha256) as captured."""
    from storage.db import session_scope
    from storage.warc.lookup import UnreadableCapture, find_capture, read_original

    moment = parse_time(at) if at else None
    path = None if out in (None, "-") else Path(out)
    if path is not None:
        _check_writable(path, force)
    with session_scope(app.open().engine) as session:
        found = find_capture(session, target, at=moment, by_sha=bool(SHA256.match(target)))
        if found is None:
            raise click.ClickException(
                f"nothing archived for {target}" + (f" at or before {moment}Z" if moment else "")
            )
        try:
            record, body = read_original(app.paths, session, found)
        except UnreadableCapture as exc:
            raise click.ClickException(str(exc)) from None
    text = json.dumps(record, ensure_ascii=False, indent=1, default=str)
    if path is not None:
        _write_atomically(path, body, force=force)
        click.echo(text)
        return
    if out is None and _stdout_is_terminal() and not is_text(body, record.get("media_type")):
        raise click.ClickException(
            f"refusing to write {len(body)} bytes of {record.get('media_type') or 'binary'} "
            f"content to a terminal: use --out FILE (or --out - to insist)"
        )
    try:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    except BrokenPipeError:  # `gongkai show URL | head`: the reader has what it wanted
        return
    click.echo(text, err=True)


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


TEXT_TYPES = (
    "application/json",
    "application/xml",
    "application/javascript",
    "application/xhtml+xml",
)


def is_text(body: bytes, media_type: str | None) -> bool:
    """Whether `body` is safe to print on a terminal: a textual media type, or no NUL and
    valid UTF-8 in its first 64 KiB."""
    kind = (media_type or "").split(";", 1)[0].strip().lower()
    if kind.startswith("text/") or kind in TEXT_TYPES or kind.endswith(("+xml", "+json")):
        return True
    head = body[:65536]
    if b"\0" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # only a character cut at the 64 KiB mark
    return True


def _special(path: Path) -> bool:
    """An existing target that is not a regular file or folder (a device such as /dev/null,
    a FIFO, a socket; links followed): written into, never replaced by a file."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _check_writable(path: Path, force: bool) -> None:
    """Refuse, before any work, an existing file (without --force) or a missing folder."""
    if path.is_dir():
        raise click.ClickException(f"{path} is a folder: give a file name")
    if _special(path):
        return  # nothing there to overwrite: the bytes go into it
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists: use --force to overwrite it")
    if not path.parent.is_dir():
        raise click.ClickException(f"cannot write {path}: folder {path.parent} does not exist")


def _link_or_move(tmp: str, path: Path) -> None:
    """Put `tmp` at `path` unless something is there (a hard link fails if so); where the
    file system has no hard links, check and move."""
    import errno
    import os

    try:
        os.link(tmp, path)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if path.exists():
            raise FileExistsError(str(path)) from None
        os.replace(tmp, path)


def _write_atomically(path: Path, data: bytes, *, force: bool) -> None:
    """Write via a temporary file in the same folder, so a full disk leaves no half file
    (and an overwritten file stays whole until the new one is); without `force` the file is
    linked into place, which fails if one appeared meanwhile."""
    import os
    import tempfile

    if _special(path):
        _write_into(path, data)
        return
    if force and path.is_symlink():  # overwrite what the link names, not the link
        path = Path(os.path.realpath(path))
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # as a plain open() would (mkstemp makes it private)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if force:
            os.replace(tmp, path)
        else:
            _link_or_move(tmp, path)
    except FileExistsError:
        raise click.ClickException(f"{path} exists: use --force to overwrite it") from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _write_into(path: Path, data: bytes) -> None:
    """Write into a device or FIFO as `cat > path` would (a rename would replace it)."""
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None


@click.command("export-wacz")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--site", "site", default=None, help="Only this site id.")
@click.option("--year", "year", type=int, default=None, help="Only reports of this year.")
@click.pass_obj
def export_wacz_command(app: App, out: Path, site: str | None, year: int | None) -> None:
    """Package the archive (or a site / report year of it) as a WACZ file."""
    from storage.db import session_scope
    from storage.warc.wacz import export_wacz

    with session_scope(app.open().engine) as session:
        try:
            res = export_wacz(app.paths, session, out, site=site, year=year)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(
        f"{res.path}: {res.captures} captures, {res.pages} pages, "
        f"{res.warc_bytes / 1e6:.2f} MB of WARC"
    )


@click.command("cdxj")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.pass_obj
def cdxj_command(app: App, out: Path | None) -> None:
    """Print (or write) the CDXJ index of the whole archive, for pywb and other replayers."""
    from storage.db import session_scope
    from storage.warc.cdxj import archive_index

    with session_scope(app.open().engine) as session:
        text = "".join(line + "\n" for line in archive_index(session, app.paths.warc_dir))
    if out is not None:
        if not out.parent.is_dir():
            raise click.ClickException(f"cannot write {out}: folder {out.parent} does not exist")
        _write_atomically(out, text.encode("utf-8"), force=True)  # an index is regenerated
    else:
        click.echo(text, nl=False)


COMMANDS = [verify_command, seal_command, show_command, export_wacz_command, cdxj_command]
