"""Find the capture an auditor asks for (URL or sha256, as of a time) and read its original."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage import crud
from storage.config import Paths
from storage.models import Capture
from storage.warc.manifest import plain_name
from storage.warc.reader import TornRecord, read_raw


class UnreadableCapture(ValueError):
    """The capture's record cannot be read back as archived (its row or file is damaged)."""


def find_capture(
    session: Session, target: str, *, at: datetime | None = None, by_sha: bool = False
) -> Capture | None:
    """The newest capture of a URL (or of a payload sha256) at or before `at`."""
    cond = Capture.sha256 == target.lower() if by_sha else Capture.url == target
    stmt = select(Capture).where(cond)
    if at is not None:
        stmt = stmt.where(Capture.fetched_at <= at)
    newest_first = (col(Capture.fetched_at).desc(), col(Capture.id).desc())
    return session.exec(stmt.order_by(*newest_first)).first()


def read_original(paths: Paths, session: Session, capture: Capture) -> tuple[dict[str, Any], bytes]:
    """(the capture record, for printing; the payload bytes exactly as captured)."""
    original = crud.resolve_original(session=session, capture=capture)
    if not plain_name(original.warc_file):  # a row is data: never a path to follow
        raise UnreadableCapture(
            f"capture {original.id} names {original.warc_file!r}, not a "
            f"file name in the WARC folder (run `gongkai verify`)"
        )
    try:
        rec = read_raw(
            paths.warc_dir / original.warc_file, original.warc_offset, original.warc_length
        )
    except (OSError, TornRecord) as exc:
        raise UnreadableCapture(
            f"capture {original.id}: cannot read its record in "
            f"{original.warc_file}: {exc} (run `gongkai verify`)"
        ) from None
    body = rec.payload
    record: dict[str, Any] = {
        "capture_id": capture.id,
        "url": capture.url,
        "fetched_at": capture.fetched_at.isoformat() + "Z",
        "status": capture.status,
        "record_type": capture.record_type,
        "sha256": capture.sha256,
        "size": len(body),
        "media_type": original.media_type,
        "run_id": capture.run_id,
        "site_id": capture.site_id,
        "warc_file": capture.warc_file,
        "warc_offset": capture.warc_offset,
        "warc_length": capture.warc_length,
        "warc_record_id": capture.warc_record_id,
    }
    if original.id != capture.id:
        record["payload_from"] = {
            "capture_id": original.id,
            "fetched_at": original.fetched_at.isoformat() + "Z",
            "warc_file": original.warc_file,
            "warc_offset": original.warc_offset,
            "warc_length": original.warc_length,
            "warc_record_id": original.warc_record_id,
        }
    return record, body
