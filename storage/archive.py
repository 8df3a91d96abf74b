"""The archive of originals: WARC 1.1 files written with warcio, read back by offset.

Every HTTP exchange becomes a `request` and a `response` record (or a `revisit` record when
the payload is already archived), gzip-compressed per record so each can be read alone.
Digests are sha256 so the WARC's own fixity matches the database's `sha256` column.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

import storage

DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024


class Sha256WARCWriter(WARCWriter):
    """warcio's writer with sha256 block/payload digests instead of sha1."""

    @staticmethod
    def _create_digester() -> Digester:  # type: ignore[override]
        return Digester("sha256")


def warc_date(moment: datetime) -> str:
    """WARC-Date with microseconds (WARC 1.1 allows them), always UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ArchivedRecord:
    """Where one record went: file name (relative to the WARC folder), offset, length, id."""

    warc_file: str
    offset: int
    length: int
    record_id: str
    payload_sha256: str


@dataclass(frozen=True)
class Exchange:
    """An HTTP exchange as it crossed the wire."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    protocol: str = "HTTP/1.1"


class WarcArchive:
    """Appends exchanges to rotating WARC files in one folder; safe across threads."""

    def __init__(self, folder: Path, *, prefix: str = "gongkai", run_id: int | None = None,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> None:
        self.folder = folder
        self.prefix = prefix
        self.run_id = run_id
        self.max_file_bytes = max_file_bytes
        self._lock = threading.Lock()
        self._fh: io.BufferedWriter | None = None
        self._name: str | None = None
        self._serial = 0
        self.written: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)

    # ---------------------------------------------------------------- files
    def _open_new(self) -> None:
        self._close_current()
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        self._serial += 1
        name = f"{self.prefix}-{stamp}-{os.getpid()}-{self._serial:05d}.warc.gz"
        self._fh = open(self.folder / name, "ab")  # noqa: SIM115 (kept open across records)
        self._name = name
        self.written.append(name)
        writer = Sha256WARCWriter(self._fh, gzip=True, warc_version="1.1")
        info = {
            "software": f"gongkai/{storage.__version__}",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "gongkai-run": str(self.run_id) if self.run_id is not None else "",
        }
        writer.write_record(writer.create_warcinfo_record(name, info))
        self._fh.flush()

    def _close_current(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
        self._fh = None
        self._name = None

    def close(self) -> None:
        with self._lock:
            self._close_current()

    def _writer(self) -> tuple[Sha256WARCWriter, io.BufferedWriter, str]:
        if self._fh is None or self._fh.tell() >= self.max_file_bytes:
            self._open_new()
        assert self._fh is not None and self._name is not None
        return Sha256WARCWriter(self._fh, gzip=True, warc_version="1.1"), self._fh, self._name

    # -------------------------------------------------------------- writing
    def write_exchange(self, ex: Exchange, *, revisit_of: tuple[str, datetime] | None = None,
                       revisit_profile: str | None = None) -> ArchivedRecord:
        """Write the response (or revisit) and its request; return where the response went.

        `revisit_of` = (original URL, original fetch time): the payload is not stored again.
        """
        payload_sha = hashlib.sha256(ex.body).hexdigest()
        with self._lock:
            writer, fh, name = self._writer()
            http = StatusAndHeaders(f"{ex.status} {ex.reason}".strip(), ex.response_headers,
                                    protocol=ex.protocol)
            date = warc_date(ex.fetched_at)
            if revisit_of is None:
                record = writer.create_warc_record(
                    ex.url, "response", payload=io.BytesIO(ex.body), length=len(ex.body),
                    http_headers=http, warc_headers_dict={"WARC-Date": date})
            else:
                d = Digester("sha256")
                d.update(ex.body)
                digest = str(d)
                record = writer.create_revisit_record(
                    ex.url, digest, revisit_of[0], warc_date(revisit_of[1]), http_headers=http,
                    warc_headers_dict={"WARC-Date": date})
                if revisit_profile:
                    record.rec_headers.replace_header("WARC-Profile", revisit_profile)
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            offset = fh.tell()
            writer.write_record(record)
            length = fh.tell() - offset
            path = ex.url.split("://", 1)[-1].split("/", 1)
            target = "/" + (path[1] if len(path) > 1 else "")
            req_http = StatusAndHeaders(f"{ex.method} {target} {ex.protocol}",
                                        ex.request_headers, is_http_request=True)
            request = writer.create_warc_record(
                ex.url, "request", http_headers=req_http,
                warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id})
            writer.write_record(request)
            fh.flush()
            return ArchivedRecord(name, offset, length, record_id, payload_sha)

    # -------------------------------------------------------------- reading
    def read_payload(self, warc_file: str, offset: int) -> tuple[StatusAndHeaders, bytes]:
        """The HTTP headers and the payload bytes of the record at `offset`, as captured."""
        return read_record(self.folder / warc_file, offset)


def read_record(path: Path, offset: int) -> tuple[StatusAndHeaders, bytes]:
    """Read one record by seeking to its offset: constant time whatever the file size."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            return record.http_headers, record.content_stream().read()
    raise ValueError(f"no WARC record at {path}:{offset}")
