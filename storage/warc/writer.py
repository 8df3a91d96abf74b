"""The archive of originals: WARC 1.1 files written with warcio, read back by offset.

Every HTTP exchange becomes a `response` record followed by its `request` record (or a
`revisit` when the payload is already archived), gzip-compressed per record so each can be
read alone.  Digests are sha256 so the WARC's own fixity matches the database's `sha256`.

Crash safety: a file is created exclusively and flock'ed for as long as its writer lives, so
recovery (storage.warc.manifest) can tell a dead writer's file from a live one; every exchange is
flushed (and by default fsync'ed) before its database row is committed, so a row never points
at bytes that are not on disk; `rollback()` cuts an exchange whose row could not be written.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

import storage
from storage.warc.reader import hex_to_digest, iter_records, read_raw

DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024
WARC_SUFFIX = ".warc.gz"
# Scrapy hands us the body de-chunked, so a verbatim `Transfer-Encoding: chunked` would make
# replay tools try to de-chunk it again; the original header is kept under this name.
ORIG_TRANSFER_ENCODING = "X-Archive-Orig-Transfer-Encoding"


class Sha256WARCWriter(WARCWriter):
    """warcio's writer with sha256 block/payload digests instead of sha1."""

    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def warc_date(moment: datetime) -> str:
    """WARC-Date with microseconds (WARC 1.1 allows them), always UTC (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ArchivedRecord:
    """Where one exchange went: file (relative to the WARC folder), response span, request span."""

    warc_file: str
    offset: int
    length: int
    record_id: str
    payload_sha256: str
    request_length: int = 0


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
    request_body: bytes = b""


def lock_file(fh: io.BufferedIOBase | io.RawIOBase) -> bool:
    """Take the exclusive, non-blocking advisory lock that marks a file as being written."""
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


_PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) != "%")


def ascii_header(value: str) -> str:
    """A header (name or value, decoded as latin-1 from the wire) as WARC writes it: ASCII
    as is; otherwise every byte outside printable ASCII (and `%`) percent-encoded.  warcio's
    own fallback raises on values like `t\xebxt/html; charset=gbk` (a hostile or careless
    server's header lost the whole response), and this keeps the wire bytes recoverable."""
    if value.isascii():
        return value
    return quote(value.encode("latin-1", "replace"), safe=_PRINTABLE)


def _wire_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [
        (
            ORIG_TRANSFER_ENCODING if k.lower() == "transfer-encoding" else ascii_header(k),
            ascii_header(v),
        )
        for k, v in headers
    ]


class WarcArchive:
    """Appends exchanges to rotating WARC files in one folder; safe across threads."""

    def __init__(
        self,
        folder: Path,
        *,
        prefix: str = "gongkai",
        run_id: int | None = None,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        fsync: bool = True,
    ) -> None:
        self.folder = folder
        self.prefix = prefix
        self.run_id = run_id
        self.max_file_bytes = max_file_bytes
        self.fsync = fsync
        self._lock = threading.Lock()
        self._fh: io.BufferedWriter | None = None
        self._name: str | None = None
        self._serial = 0
        self.written: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)

    # ---------------------------------------------------------------- files
    def _open_new(self) -> None:
        """Start a new file: create exclusively, lock, then write its warcinfo record."""
        self._close_current()
        while True:
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
            self._serial += 1
            name = f"{self.prefix}-{stamp}-{os.getpid()}-{self._serial:05d}{WARC_SUFFIX}"
            try:
                fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue
            fh = os.fdopen(fd, "wb")
            if lock_file(fh):  # a recovering verifier got there first: take another name
                break
            fh.close()
        self._fh, self._name = fh, name
        self.written.append(name)
        writer = Sha256WARCWriter(fh, gzip=True, warc_version="1.1")
        info = {
            "software": f"gongkai/{storage.__version__}",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/",
            "gongkai-run": str(self.run_id) if self.run_id is not None else "",
            "hostname": writer.hostname,
        }
        writer.write_record(writer.create_warcinfo_record(name, info))
        self._sync()

    def _sync(self) -> None:
        assert self._fh is not None
        self._fh.flush()
        if self.fsync:
            os.fsync(self._fh.fileno())

    def _close_current(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()  # releases the lock
        self._fh = None
        self._name = None

    def close(self) -> None:
        with self._lock:
            self._close_current()

    @property
    def current_file(self) -> str | None:
        return self._name

    def _writer(self) -> tuple[Sha256WARCWriter, io.BufferedWriter, str]:
        if self._fh is None or self._fh.tell() >= self.max_file_bytes:
            self._open_new()
        assert self._fh is not None and self._name is not None
        return Sha256WARCWriter(self._fh, gzip=True, warc_version="1.1"), self._fh, self._name

    # -------------------------------------------------------------- writing
    def write_exchange(
        self,
        ex: Exchange,
        *,
        revisit_of: tuple[str, datetime] | None = None,
        revisit_profile: str | None = None,
        original_sha256: str | None = None,
    ) -> ArchivedRecord:
        """Write the response (or revisit) and its request; return where they went.

        `revisit_of` = (original URL, original fetch time): the payload is not stored again.
        `original_sha256` is the payload digest a server-not-modified revisit refers to.
        """
        payload_sha = hashlib.sha256(ex.body).hexdigest()
        with self._lock:
            writer, fh, name = self._writer()
            http = StatusAndHeaders(
                f"{ex.status} {ex.reason}".strip(),
                _wire_headers(ex.response_headers),
                protocol=ex.protocol,
            )
            date = warc_date(ex.fetched_at)
            if revisit_of is None:
                record = writer.create_warc_record(
                    ex.url,
                    "response",
                    payload=io.BytesIO(ex.body),
                    length=len(ex.body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": date},
                )
            else:
                digest = hex_to_digest(original_sha256 or payload_sha)
                record = writer.create_revisit_record(
                    ex.url,
                    digest,
                    revisit_of[0],
                    warc_date(revisit_of[1]),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": date},
                )
                if revisit_profile:
                    record.rec_headers.replace_header("WARC-Profile", revisit_profile)
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            offset = fh.tell()
            writer.write_record(record)
            length = fh.tell() - offset
            path = ex.url.split("://", 1)[-1].split("/", 1)
            target = "/" + (path[1] if len(path) > 1 else "")
            req_http = StatusAndHeaders(
                f"{ex.method} {target} {ex.protocol}",
                _wire_headers(ex.request_headers),
                is_http_request=True,
            )
            request = writer.create_warc_record(
                ex.url,
                "request",
                http_headers=req_http,
                payload=io.BytesIO(ex.request_body),
                length=len(ex.request_body),
                warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id},
            )
            writer.write_record(request)
            request_length = fh.tell() - offset - length
            self._sync()
            return ArchivedRecord(name, offset, length, record_id, payload_sha, request_length)

    def rollback(self, ref: ArchivedRecord) -> None:
        """Cut an exchange whose database row failed, so no record is left unindexed."""
        with self._lock:
            if self._fh is None or self._name != ref.warc_file:
                return
            if self._fh.tell() != ref.offset + ref.length + ref.request_length:
                return  # something was written after it: leave it for verify to report
            self._fh.flush()
            self._fh.truncate(ref.offset)
            self._fh.seek(ref.offset)
            self._sync()


def read_record(
    path: Path, offset: int, length: int | None = None
) -> tuple[StatusAndHeaders, bytes]:
    """Read one record by seeking to its offset: constant time whatever the file size.

    The payload is returned exactly as stored (still content-encoded if the server encoded it).
    """
    if length is None:
        with open(path, "rb") as fh:
            fh.seek(offset)
            rec = next(iter_records(fh, offset), None)
        if rec is None:
            raise ValueError(f"no WARC record at {path}:{offset}")
    else:
        rec = read_raw(path, offset, length)
    head, payload = rec.split_http()
    lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
    protocol, _, status = lines[0].partition(" ")
    pairs = []
    for line in lines[1:]:
        key, _, value = line.partition(":")
        pairs.append((key.strip(), value.strip()))
    return StatusAndHeaders(status, pairs, protocol=protocol), payload
