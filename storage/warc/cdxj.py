"""CDXJ index lines for replay tools (pywb, ReplayWeb.page), straight from the database.

The database already knows every record's file, offset and length, so no WARC is re-read
(except the request record of a POST, whose form body pywb puts in the key); the lines match what `cdxj-indexer` would write for the same records (tests compare them).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import surt
from sqlmodel import Session, select
from warcio.timeutils import iso_date_to_timestamp

from storage.models import Capture
from storage.warc.reader import hex_to_digest, read_raw
from storage.warc.writer import warc_date


@dataclass(frozen=True)
class Placed:
    """A capture and where its record is in the WARC the index is for."""

    capture: Capture
    filename: str
    offset: int
    length: int


def url_key(url: str) -> str:
    try:
        return surt.surt(url)
    except Exception:  # an unparseable URL still gets indexed, under itself
        return url


def _post_key(cap: Capture, warc_dir: Path) -> tuple[str, str]:
    """(url to key, query) for a POST/PUT the way pywb keys them: its form body appended,
    read from the request record that follows the response (the one WARC read here)."""
    from cdxj_indexer.postquery import append_method_query

    start = cap.warc_offset + cap.warc_length
    req = read_raw(warc_dir / cap.warc_file, start, cap.warc_request_length or 0)
    head, body = req.split_http()
    ctype = length = None
    for line in head.decode("latin-1").split("\r\n")[1:]:
        key, _, value = line.partition(":")
        if key.strip().lower() == "content-type":
            ctype = value.strip()
        elif key.strip().lower() == "content-length":
            length = value.strip()
    query, append = append_method_query(
        cap.method.upper(), ctype, length or str(len(body)), io.BytesIO(body), cap.url
    )
    return cap.url + append, query


def cdxj_line(p: Placed, warc_dir: Path | None = None) -> str:
    cap = p.capture
    key_url, query = cap.url, None
    if (
        cap.method.upper() in ("POST", "PUT")
        and cap.record_type == "response"
        and warc_dir is not None
        and cap.warc_request_length
    ):
        key_url, query = _post_key(cap, warc_dir)
    fields = {
        "url": cap.url,
        "mime": "warc/revisit" if cap.record_type == "revisit" else (cap.media_type or "unk"),
        "status": str(cap.status),
        "digest": hex_to_digest(cap.sha256),
        "length": str(p.length),
        "offset": str(p.offset),
        "filename": p.filename,
    }
    if key_url != cap.url:
        fields["method"] = cap.method.upper()
        if query:
            fields["requestBody"] = query
    ts = iso_date_to_timestamp(warc_date(cap.fetched_at))
    return f"{url_key(key_url)} {ts} {json.dumps(fields)}"


def cdxj_lines(placed: Iterable[Placed], warc_dir: Path | None = None) -> list[str]:
    """Sorted index lines (replay tools binary-search them)."""
    return sorted(cdxj_line(p, warc_dir) for p in placed)


def in_place(captures: Iterable[Capture]) -> Iterator[Placed]:
    """Captures as they sit in the archive's own WARC files."""
    for cap in captures:
        yield Placed(cap, cap.warc_file, cap.warc_offset, cap.warc_length)


def archive_index(session: Session, warc_dir: Path) -> list[str]:
    """The CDXJ index of the whole archive (filenames relative to `warc_dir`)."""
    return cdxj_lines(in_place(session.exec(select(Capture))), warc_dir)
