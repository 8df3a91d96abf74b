"""Keyword-only functions that read and write the database; no business logic elsewhere."""

from __future__ import annotations

import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from storage.models import (
    Capture,
    CheckResult,
    CrawlRun,
    Document,
    Extraction,
    MetricValue,
    Site,
    utcnow,
)


def upsert_site(*, session: Session, entry: dict[str, Any]) -> Site:
    """Insert or refresh a site from its registry entry."""
    site = session.get(Site, entry["id"])
    if site is None:
        site = Site(
            id=entry["id"],
            name=entry["name"],
            region_code=str(entry["region_code"]),
            platform=entry.get("platform", "auto"),
            config=dict(entry),
        )
    else:
        site.name, site.region_code = entry["name"], str(entry["region_code"])
        site.platform, site.config = entry.get("platform", "auto"), dict(entry)
    session.add(site)
    return site


def start_run(*, session: Session, site_ids: list[str]) -> CrawlRun:
    """A new run, with the process that runs it (so a killed run can be told from a live one)."""
    run = CrawlRun(
        sites=list(site_ids),
        report={
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "process": process_identity(os.getpid()),
        },
    )
    session.add(run)
    session.flush()
    return run


def process_identity(pid: int) -> str | None:
    """Boot id + start time of a process: a reused pid (a restarted container) differs."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text("ascii").strip()
        stat = Path(f"/proc/{pid}/stat").read_text("ascii", errors="replace")
    except OSError:
        return None
    return f"{boot}:{stat.rsplit(')', 1)[-1].split()[19]}"  # field 22, after the comm field


def _alive(pid: int, identity: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return identity is None or process_identity(pid) in (None, identity)


def mark_dead_runs(*, session: Session) -> list[int]:
    """Runs still `running` whose process on this host is gone (SIGKILL, power cut): aborted."""
    here, dead = socket.gethostname(), []
    for run in session.exec(select(CrawlRun).where(CrawlRun.status == "running")):
        report = run.report or {}
        pid = report.get("pid")
        if (
            report.get("host") != here
            or not isinstance(pid, int)
            or _alive(pid, report.get("process"))
        ):
            continue
        run.status, run.finished_at = "aborted", run.finished_at or utcnow()
        run.report = {**report, "aborted_by": "found dead at a later start"}
        session.add(run)
        dead.append(run.id or 0)
    return dead


def finish_run(*, session: Session, run_id: int, status: str, report: dict[str, Any]) -> CrawlRun:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no crawl run {run_id}")
    run.status, run.report, run.finished_at = status, report, utcnow()
    session.add(run)
    return run


def latest_capture_by_payload(*, session: Session, url: str, sha256: str) -> Capture | None:
    """The first full (non-revisit) capture of these bytes at this URL, if any."""
    stmt = (
        select(Capture)
        .where(Capture.url == url, Capture.sha256 == sha256, Capture.record_type == "response")
        .order_by(col(Capture.id))
    )
    return session.exec(stmt).first()


def original_for_payload(*, session: Session, sha256: str, url: str) -> Capture | None:
    """The full capture a new response with these bytes can be a revisit of.

    Same URL first (the usual re-crawl), else the same bytes anywhere (a mirror): nothing is
    stored twice.
    """
    return (
        latest_capture_by_payload(session=session, url=url, sha256=sha256)
        or session.exec(
            select(Capture)
            .where(Capture.sha256 == sha256, Capture.record_type == "response")
            .order_by(col(Capture.id))
        ).first()
    )


def resolve_original(*, session: Session, capture: Capture) -> Capture:
    """Follow revisit links to the capture that holds the payload bytes."""
    seen: set[int] = set()
    while capture.record_type == "revisit" and capture.revisit_of and capture.id not in seen:
        seen.add(capture.id or 0)
        nxt = session.get(Capture, capture.revisit_of)
        if nxt is None:
            break
        capture = nxt
    return capture


def latest_full_capture(*, session: Session, url: str) -> Capture | None:
    """The newest 200 response (not revisit) at a URL: what a bare 304 confirms."""
    return session.exec(
        select(Capture)
        .where(Capture.url == url, Capture.status == 200, Capture.record_type == "response")
        .order_by(col(Capture.fetched_at).desc(), col(Capture.id).desc())
    ).first()


def record_document(
    *,
    session: Session,
    site_id: str,
    url: str,
    title: str,
    year: int | None,
    capture: Capture,
    found_on: str | None,
    listed_date: str | None,
    seen_at: datetime,
) -> Document:
    """Upsert the version (url, sha256); a new sha256 at a known URL supersedes the old one."""
    existing = session.exec(
        select(Document).where(Document.url == url, Document.sha256 == capture.sha256)
    ).first()
    if existing is not None:
        existing.last_seen = max(existing.last_seen, seen_at)
        # served again: this version is the current one (a withdrawn report is back, or the
        # site reverted to an older version)
        if existing.status != "current":
            for other in session.exec(
                select(Document).where(
                    Document.url == url, Document.id != existing.id, Document.status == "current"
                )
            ):
                other.status = "superseded"
                session.add(other)
        existing.status = "current"
        existing.withdrawn_at = None
        existing.withdrawn_reason = None
        session.add(existing)
        return existing
    older_versions = list(session.exec(select(Document).where(Document.url == url)))
    for older in older_versions:
        if older.status == "current":
            older.status = "superseded"
        older.modified_after_publication = True
        session.add(older)
    doc = Document(
        site_id=site_id,
        url=url,
        title=title,
        year=year,
        listed_date=listed_date,
        found_on=found_on,
        sha256=capture.sha256,
        media_type=capture.media_type,
        capture_id=capture.id or 0,
        first_seen=seen_at,
        last_seen=seen_at,
        modified_after_publication=bool(older_versions),
    )
    session.add(doc)
    session.flush()
    return doc


def save_extraction(*, session: Session, result: dict[str, Any]) -> Extraction:
    """Store an extractor result (the `gongkai extract --json` contract), replacing a rerun."""
    old = session.exec(
        select(Extraction).where(
            Extraction.sha256 == result["sha256"],
            Extraction.extractor_version == result["extractor_version"],
        )
    ).first()
    if old is not None:  # a rerun replaces the earlier rows of the same version
        for model in (MetricValue, CheckResult):
            session.execute(delete(model).where(col(model.extraction_id) == old.id))
        session.delete(old)
        session.flush()
    ex = Extraction(
        sha256=result["sha256"],
        extractor_version=result["extractor_version"],
        status=result.get("status") or "error",
        format=result.get("format"),
        template=result.get("template"),
        agency=result.get("agency"),
        year=result.get("year"),
        title=result.get("title"),
        published=result.get("published"),
        region=result.get("region"),
        error=result.get("error"),
        warnings=list(result.get("warnings") or []),
    )
    session.add(ex)
    session.flush()
    # Core bulk inserts: ~200 values per report make ORM objects the bottleneck.
    metrics = [
        {
            "extraction_id": ex.id,
            "key": m["key"],
            "value": None if m.get("value") is None else float(m["value"]),
            "raw": m.get("raw"),
            "table_name": m.get("table"),
            "location": m.get("location") or {},
        }
        for m in result.get("metrics") or []
    ]
    if metrics:
        session.execute(insert(MetricValue), metrics)
    checks = [
        {
            "extraction_id": ex.id,
            "rule": c["rule"],
            "status": c["status"],
            "keys": list(c.get("keys") or []),
            "numbers": c.get("numbers") or {},
            "culprit": c.get("culprit"),
            "message": c.get("message"),
        }
        for c in result.get("checks") or []
    ]
    if checks:
        session.execute(insert(CheckResult), checks)
    return ex
