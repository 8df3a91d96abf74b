"""Run manifests: the hash chain that makes an altered, removed or inserted WARC detectable.

Each manifest lists the WARC files it seals (sha256, size) and the sha256 of the previous
manifest; the same text is kept in the `manifest` table, so deleting the newest manifest
file, or editing one, is caught by comparing the two.  The sha256 of the newest manifest is
the chain's *head*: published outside the data folder, it pins everything sealed before it.

Sealing writes; only the crawl path (`recover` at a run's start, `write_run_manifest` at its
end) and the explicit `gongkai seal` do it, never `verify`.  `assess` is the read-only half:
it says what sealing would do with an unlisted WARC file and why, so `verify`, `seal
--dry-run` and sealing itself give the same answer.

A file is sealed only when its own run never sealed itself: the run this manifest closes,
or a run that never ended (killed: still `running`, or marked `aborted_by` when found dead).
A file of a run that reached its own end is refused: that run wrote its manifest, so a file
it does not list was inserted, or its manifest was removed; only `gongkai seal --run ID`,
an operator's explicit repair, seals it.  A dead writer's file is first cut back to its
last committed exchange (the end of the last record a Capture row points at, so a torn tail
goes).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

import storage
from storage.config import Paths
from storage.models import Capture, CrawlRun, Manifest
from storage.warc.reader import RawRecord, TornRecord, iter_records
from storage.warc.writer import WARC_SUFFIX, lock_file

FORMAT = "gongkai-manifest/1"


@dataclass
class SealReport:
    """What a sealing pass did (or, dry, would do), for the run report, `seal` and `verify`."""

    manifest: str | None = None
    head: str | None = None  # sha256 of the manifest written: the chain's new head
    sealed: list[str] = field(default_factory=list)
    why: dict[str, str] = field(default_factory=dict)  # sealed file: why it may be sealed
    truncated: dict[str, tuple[int, int]] = field(default_factory=dict)  # file: (old, new)
    live: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)  # nothing in them to seal (or to forge)
    refused: dict[str, str] = field(default_factory=dict)  # file: why it was not sealed
    dry_run: bool = False


@dataclass(frozen=True)
class Verdict:
    """What sealing would do with one unlisted WARC file, and why (decided without writing)."""

    file: str
    action: str  # "seal" | "live" (a writer holds it) | "empty" | "refuse"
    reason: str
    run_id: int | None = None
    size: int = 0
    cut_to: int | None = None  # the committed end, when a torn tail would be cut


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def plain_name(name: object) -> bool:
    """A bare file name: no folder part, nothing that leads out of its folder.  Names read
    from manifests and the database are data under test, never paths to follow."""
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and not any(c in name for c in "/\\\0")
    )


def not_regular(path: Path) -> str | None:
    """Why `path` is not an ordinary file the archive holds (a link, a folder, a FIFO that
    would block the reader ...), else None."""
    if path.is_symlink():
        return f"a symbolic link to {os.readlink(path)} (its bytes are not in the archive)"
    if not path.is_file():
        return "not a regular file"
    return None


def sealed_files(session: Session) -> set[str]:
    """Names the manifests list (malformed entries are skipped here; `verify` names them)."""
    names: set[str] = set()
    for row in session.exec(select(Manifest)):
        try:
            warcs = json.loads(row.content).get("warcs", [])
        except (ValueError, AttributeError):
            continue
        if isinstance(warcs, list):
            names.update(
                w["file"] for w in warcs if isinstance(w, dict) and plain_name(w.get("file"))
            )
    return names


def warc_files(paths: Paths) -> list[str]:
    if not paths.warc_dir.exists():
        return []
    return sorted(p.name for p in paths.warc_dir.iterdir() if p.name.endswith(WARC_SUFFIX))


def ended_by_itself(run: CrawlRun) -> bool:
    """True for a run that reached its own end: the runner seals its manifest right after
    `finish_run`.  Runs found dead later (`mark_dead_runs`) or cut off by the scheduler are
    marked `aborted_by` and never sealed anything."""
    return run.status != "running" and not (run.report or {}).get("aborted_by")


def chain_head(session: Session) -> Manifest | None:
    """The newest manifest: its sha256 is the digest an operator publishes."""
    return session.exec(select(Manifest).order_by(col(Manifest.sequence).desc())).first()


def warcinfo_run(record: RawRecord) -> int | None:
    """The run a warcinfo record names (its `gongkai-run` field), if any."""
    run: int | None = None
    for line in record.block.decode("utf-8", "replace").split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip() == "gongkai-run" and value.strip().isdigit():
            run = int(value.strip())
    return run


def _warcinfo_run(path: Path) -> tuple[int | None, int] | None:
    """(run id named by the warcinfo record, end offset of that record), None if unreadable."""
    try:
        with open(path, "rb") as fh:
            first = next(iter_records(fh), None)
    except TornRecord:
        return None
    if first is None or first.rec_type != "warcinfo" or first.problem:
        return None
    return warcinfo_run(first), first.offset + first.length


def _committed_end(session: Session, name: str) -> int | None:
    end = session.exec(
        select(
            func.max(
                Capture.warc_offset
                + Capture.warc_length
                + func.coalesce(Capture.warc_request_length, 0)
            )
        ).where(Capture.warc_file == name)
    ).one()
    return int(end) if end is not None else None


def _why_sealable(session: Session, run_id: int | None, closing_run: int | None) -> str | None:
    """Why the files of `run_id` may be sealed now; None with the refusal in `_refusal`."""
    if run_id is not None and run_id == closing_run:
        return f"written by run {run_id}, which this manifest closes"
    run = session.get(CrawlRun, run_id) if run_id is not None else None
    if run is None or ended_by_itself(run):
        return None
    killed = (run.report or {}).get("aborted_by")
    if killed:
        return f"left by run {run_id}, which was killed ({killed}) and never sealed it"
    return f"left by run {run_id}, which has not ended (killed, or still running)"


def _refusal(session: Session, run_id: int | None) -> str:
    if run_id is None:
        return "its warcinfo names no run"
    run = session.get(CrawlRun, run_id)
    if run is None:
        return f"its warcinfo names run {run_id}, which is not in the database"
    return (
        f"run {run_id} ended ({run.status}) and sealed its own manifest, which does not list "
        f"this file (inserted, or the manifest was removed; `gongkai seal --run {run_id}` "
        f"seals it if you know which)"
    )


def assess(paths: Paths, session: Session, name: str, *, closing_run: int | None = None) -> Verdict:
    """Decide, without writing anything, whether an unlisted WARC file may be sealed."""
    path = paths.warc_dir / name
    odd = not_regular(path)
    if odd:  # checked first: opening a FIFO would block, a link would seal bytes elsewhere
        return Verdict(name, "refuse", odd)
    size = path.stat().st_size
    if size == 0:  # checked before locking: a writer creates its file empty, then locks it
        return Verdict(name, "empty", "empty file (a writer that died before its warcinfo)")
    with open(path, "rb") as fh:
        if not lock_file(fh):
            return Verdict(name, "live", "being written by a running crawl", size=size)
        info = _warcinfo_run(path)
        if info is None:
            return Verdict(name, "refuse", "no readable warcinfo record", size=size)
        run_id, info_end = info
        why = _why_sealable(session, run_id, closing_run)
        if why is None:
            return Verdict(name, "refuse", _refusal(session, run_id), run_id, size)
        end = _committed_end(session, name)
        if end is None:
            end = info_end  # a run that died (or closed) before its first exchange here
        problem = _committed_part_problem(fh, end, size)
        if problem:
            return Verdict(name, "refuse", problem, run_id, size)
    return Verdict(name, "seal", why, run_id, size, end if size > end else None)


def _committed_part_problem(fh: Any, end: int, size: int) -> str | None:
    """The committed part must be whole records ending on a record boundary."""
    if end > size:
        return f"database rows point {end - size} bytes past its end"
    last = 0
    fh.seek(0)
    try:
        for rec in iter_records(fh):
            if rec.offset >= end:
                break
            last = rec.offset + rec.length
    except TornRecord as exc:
        if exc.offset < end:
            return f"damaged before its committed end: {exc}"
    if last != end:
        return f"committed end {end} is not a record boundary"
    return None


def _cut(paths: Paths, verdict: Verdict, report: SealReport) -> bool:
    """Cut a dead writer's torn tail back to its committed end; False if the file changed."""
    assert verdict.cut_to is not None
    with open(paths.warc_dir / verdict.file, "r+b") as fh:
        if not lock_file(fh) or os.fstat(fh.fileno()).st_size != verdict.size:
            report.live.append(verdict.file)
            return False
        fh.truncate(verdict.cut_to)
        os.fsync(fh.fileno())
    report.truncated[verdict.file] = (verdict.size, verdict.cut_to)
    return True


@contextmanager
def _sealing_lock(paths: Paths) -> Iterator[None]:
    """One sealer at a time per data folder: two runs ending together would otherwise take
    the same sequence number and overwrite each other's file."""
    paths.manifests.mkdir(parents=True, exist_ok=True)
    with open(paths.manifests / ".seal.lock", "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def seal(
    paths: Paths,
    session: Session,
    *,
    run_id: int | None = None,
    always: bool = False,
    dry_run: bool = False,
    repair: str | None = None,
) -> SealReport:
    """Seal every unlisted WARC that may be sealed into a new manifest (written only if any,
    or always).

    `run_id` names the run this manifest closes; files of killed runs sealed on the way are
    marked `recovered`.  `dry_run` only says what would be sealed (and cut) and why.
    `repair` (the operator's reason) is kept in the manifest of an explicit `gongkai seal`.
    """
    if dry_run:
        session.expire_all()
        return _seal(paths, session, run_id=run_id, always=always, dry_run=True, repair=repair)
    with _sealing_lock(paths):
        session.expire_all()  # another sealer may have committed while we waited
        return _seal(paths, session, run_id=run_id, always=always, dry_run=False, repair=repair)


def _seal(
    paths: Paths,
    session: Session,
    *,
    run_id: int | None,
    always: bool,
    dry_run: bool,
    repair: str | None,
) -> SealReport:
    report = SealReport(dry_run=dry_run)
    done = sealed_files(session)
    entries: list[dict[str, Any]] = []
    for name in warc_files(paths):
        if name in done:
            continue
        verdict = assess(paths, session, name, closing_run=run_id)
        if verdict.action == "live":
            report.live.append(name)
            continue
        if verdict.action == "empty":
            report.empty.append(name)
            continue
        if verdict.action != "seal":
            report.refused[name] = verdict.reason
            continue
        report.sealed.append(name)
        report.why[name] = verdict.reason
        if dry_run:
            if verdict.cut_to is not None:
                report.truncated[name] = (verdict.size, verdict.cut_to)
            continue
        if verdict.cut_to is not None and not _cut(paths, verdict, report):
            report.sealed.remove(name)
            del report.why[name]
            continue
        path = paths.warc_dir / name
        records = session.exec(
            select(func.count()).select_from(Capture).where(Capture.warc_file == name)
        ).one()
        entries.append(
            {
                "file": name,
                "sha256": sha256_file(path),
                "bytes": path.stat().st_size,
                "run_id": verdict.run_id,
                "captures": int(records),
                "recovered": run_id is None or verdict.run_id != run_id,
            }
        )
    if dry_run or (not entries and not always):
        return report
    report.manifest, report.head = _write(paths, session, run_id, entries, repair)
    return report


def _write(
    paths: Paths,
    session: Session,
    run_id: int | None,
    entries: list[dict[str, Any]],
    repair: str | None = None,
) -> tuple[str, str]:
    """Write the manifest file (atomically) and then its row; returns its name and sha256."""
    head = chain_head(session)
    sequence = (head.sequence + 1) if head else 1
    created = datetime.now(UTC)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "sequence": sequence,
        "run_id": run_id,
        "created": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "software": f"gongkai/{storage.__version__}",
        "previous": {"file": head.file_name, "sha256": head.sha256} if head else None,
        "warcs": entries,
    }
    if repair:
        doc["repair"] = repair
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    data = text.encode("utf-8")
    paths.manifests.mkdir(parents=True, exist_ok=True)
    name = f"manifest-{sequence:06d}" + (f"-run{run_id}" if run_id is not None else "") + ".json"
    tmp = paths.manifests / f".{name}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, paths.manifests / name)
    dir_fd = os.open(paths.manifests, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    digest = hashlib.sha256(data).hexdigest()
    session.add(
        Manifest(
            sequence=sequence,
            file_name=name,
            sha256=digest,
            previous_sha256=head.sha256 if head else None,
            run_id=run_id,
            created_at=created.replace(tzinfo=None),
            content=text,
        )
    )
    session.commit()
    return name, digest


def _note_in_run(session: Session, run_id: int, report: SealReport) -> None:
    run = session.get(CrawlRun, run_id)
    if run is not None:
        run.report = {
            **(run.report or {}),
            "manifest": report.manifest,
            "manifest_head": report.head,
            "warcs_sealed": len(report.sealed),
        }
        session.add(run)
        session.commit()


def write_run_manifest(app_paths: Paths, session: Session, run_id: int) -> SealReport:
    """End of a crawl run: seal its WARCs (and any a killed run left) into its manifest.

    Call it after the run's crawl processes have ended; it always writes a manifest, even for
    a run that archived nothing, so every run has its link in the chain.  The run's report
    names the manifest and the chain's new head digest.
    """
    report = seal(app_paths, session, run_id=run_id, always=True)
    _note_in_run(session, run_id, report)
    return report


def recover(app_paths: Paths, session: Session) -> SealReport:
    """Start of a run: seal what killed runs left, cutting torn tails."""
    return seal(app_paths, session, run_id=None)


class RepairRefused(ValueError):
    """`gongkai seal --run ID` asked for something that is not a missing run manifest."""


def repair_run_manifest(
    app_paths: Paths, session: Session, run_id: int, *, dry_run: bool = False
) -> SealReport:
    """`gongkai seal --run ID`: write the manifest a run that ended never got (killed while
    sealing, or removed), sealing its unlisted files as they are now.

    This vouches for files no earlier manifest pinned, so it is never automatic: the manifest
    says it is a repair, and a head published before it still shows what was known then.
    """
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise RepairRefused(f"no crawl run {run_id}")
    if not ended_by_itself(run):
        raise RepairRefused(
            f"run {run_id} has not ended by itself ({run.status}); "
            f"`gongkai seal` seals the files a killed run left"
        )
    existing = session.exec(select(Manifest).where(Manifest.run_id == run_id)).first()
    if existing is not None:
        raise RepairRefused(f"run {run_id} already has its manifest {existing.file_name}")
    report = seal(
        app_paths,
        session,
        run_id=run_id,
        always=True,
        dry_run=dry_run,
        repair=f"gongkai seal --run {run_id}: run {run_id} ended ({run.status}) "
        f"without a manifest; its files sealed as found at repair time",
    )
    if not dry_run:
        _note_in_run(session, run_id, report)
    return report
