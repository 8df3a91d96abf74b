"""Run manifests: the hash chain that makes an altered, removed or inserted WARC detectable.

Each manifest lists the WARC files it seals (sha256, size) and the sha256 of the previous
manifest; the same text is kept in the `manifest` table, so deleting the newest manifest
file, or editing one, is caught by comparing the two.

Sealing and recovery are one step: a WARC file nobody holds the lock of (its writer ended,
normally or by SIGKILL) and no manifest lists yet is cut back to its last committed exchange
(the end of the last record a Capture row points at, so a torn tail goes) and sealed.  Only
files the database vouches for are sealed: one with Capture rows, or with nothing but its
warcinfo for a run that is still marked running (or the run being closed).  Any other unlisted file is left for
`verify` to report as inserted.
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
from storage.archive import WARC_SUFFIX, lock_file
from storage.config import Paths
from storage.models import Capture, CrawlRun, Manifest
from storage.records import TornRecord, iter_records

FORMAT = "gongkai-manifest/1"


@dataclass
class SealReport:
    """What a sealing pass did, for the run report and for `verify` to print."""

    manifest: str | None = None
    sealed: list[str] = field(default_factory=list)
    truncated: dict[str, tuple[int, int]] = field(default_factory=dict)  # file: (old, new)
    live: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # file: why it was not sealed


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def sealed_files(session: Session) -> set[str]:
    names: set[str] = set()
    for row in session.exec(select(Manifest)):
        names.update(w["file"] for w in json.loads(row.content).get("warcs", []))
    return names


def warc_files(paths: Paths) -> list[str]:
    if not paths.warc_dir.exists():
        return []
    return sorted(p.name for p in paths.warc_dir.iterdir() if p.name.endswith(WARC_SUFFIX))


def _warcinfo_run(path: Path) -> tuple[int | None, int] | None:
    """(run id named by the warcinfo record, end offset of that record), None if unreadable."""
    try:
        with open(path, "rb") as fh:
            first = next(iter_records(fh), None)
    except TornRecord:
        return None
    if first is None or first.rec_type != "warcinfo" or first.problem:
        return None
    run: int | None = None
    for line in first.block.decode("utf-8", "replace").split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip() == "gongkai-run" and value.strip().isdigit():
            run = int(value.strip())
    return run, first.offset + first.length


def _committed_end(session: Session, name: str) -> int | None:
    end = session.exec(select(func.max(Capture.warc_offset + Capture.warc_length
                                       + func.coalesce(Capture.warc_request_length, 0)))
                       .where(Capture.warc_file == name)).one()
    return int(end) if end is not None else None


def _prepare(paths: Paths, session: Session, name: str, report: SealReport,
             closing_run: int | None) -> bool:
    """Cut a dead writer's file back to its committed end; True when it may be sealed."""
    path = paths.warc_dir / name
    with open(path, "r+b") as fh:
        if not lock_file(fh):
            report.live.append(name)
            return False
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            report.refused[name] = "empty file (a writer that died before its warcinfo)"
            return False
        info = _warcinfo_run(path)
        if info is None:
            report.refused[name] = "no readable warcinfo record"
            return False
        run_id, info_end = info
        end = _committed_end(session, name)
        if end is None:
            run = session.get(CrawlRun, run_id) if run_id is not None else None
            if run is None or (run.status != "running" and run_id != closing_run):
                report.refused[name] = "no capture in the database refers to it"
                return False
            end = info_end
        if end > size:
            report.refused[name] = f"database rows point {end - size} bytes past its end"
            return False
        try:  # the committed part must be whole records, ending on a record boundary
            last = 0
            fh.seek(0)
            for rec in iter_records(fh):
                if rec.offset >= end:
                    break
                last = rec.offset + rec.length
        except TornRecord as exc:
            if exc.offset < end:
                report.refused[name] = f"damaged before its committed end: {exc}"
                return False
        if last != end:
            report.refused[name] = f"committed end {end} is not a record boundary"
            return False
        if size > end:
            fh.truncate(end)
            os.fsync(fh.fileno())
            report.truncated[name] = (size, end)
    return True


def _head(session: Session) -> Manifest | None:
    return session.exec(select(Manifest).order_by(col(Manifest.sequence).desc())).first()


@contextmanager
def _sealing_lock(paths: Paths) -> Iterator[None]:
    """One sealer at a time per data folder: two runs ending together (or `verify` during a
    crawl) would otherwise take the same sequence number and overwrite each other's file."""
    paths.manifests.mkdir(parents=True, exist_ok=True)
    with open(paths.manifests / ".seal.lock", "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def seal(paths: Paths, session: Session, *, run_id: int | None = None,
         always: bool = False) -> SealReport:
    """Seal every finished, unsealed WARC into a new manifest (written only if any, or always).

    `run_id` names the run this manifest closes; files of other (killed) runs sealed on the
    way are marked `recovered`.
    """
    with _sealing_lock(paths):
        session.expire_all()  # another sealer may have committed while we waited
        return _seal(paths, session, run_id=run_id, always=always)


def _seal(paths: Paths, session: Session, *, run_id: int | None, always: bool) -> SealReport:
    report = SealReport()
    done = sealed_files(session)
    entries: list[dict[str, Any]] = []
    for name in warc_files(paths):
        if name in done or not _prepare(paths, session, name, report, run_id):
            continue
        path = paths.warc_dir / name
        info = _warcinfo_run(path)
        file_run = info[0] if info else None
        records = session.exec(select(func.count()).select_from(Capture)
                               .where(Capture.warc_file == name)).one()
        entries.append({"file": name, "sha256": sha256_file(path),
                        "bytes": path.stat().st_size, "run_id": file_run,
                        "captures": int(records),
                        "recovered": run_id is None or file_run != run_id})
        report.sealed.append(name)
    if not entries and not always:
        return report
    report.manifest = _write(paths, session, run_id, entries)
    return report


def _write(paths: Paths, session: Session, run_id: int | None,
           entries: list[dict[str, Any]]) -> str:
    """Write the manifest file (atomically) and then its row; returns the file name."""
    head = _head(session)
    sequence = (head.sequence + 1) if head else 1
    created = datetime.now(UTC)
    doc = {
        "format": FORMAT,
        "sequence": sequence,
        "run_id": run_id,
        "created": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "software": f"gongkai/{storage.__version__}",
        "previous": {"file": head.file_name, "sha256": head.sha256} if head else None,
        "warcs": entries,
    }
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
    session.add(Manifest(sequence=sequence, file_name=name,
                         sha256=hashlib.sha256(data).hexdigest(),
                         previous_sha256=head.sha256 if head else None, run_id=run_id,
                         created_at=created.replace(tzinfo=None), content=text))
    session.commit()
    return name


def write_run_manifest(app_paths: Paths, session: Session, run_id: int) -> SealReport:
    """End of a crawl run: seal its WARCs (and any a killed run left) into its manifest.

    Call it after the run's crawl processes have ended; it always writes a manifest, even for
    a run that archived nothing, so every run has its link in the chain.
    """
    report = seal(app_paths, session, run_id=run_id, always=True)
    run = session.get(CrawlRun, run_id)
    if run is not None:
        run.report = {**(run.report or {}), "manifest": report.manifest,
                      "warcs_sealed": len(report.sealed)}
        session.add(run)
        session.commit()
    return report


def recover(app_paths: Paths, session: Session) -> SealReport:
    """Start of a run (and `verify`): seal what killed runs left, cutting torn tails."""
    return seal(app_paths, session, run_id=None)
