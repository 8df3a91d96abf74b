"""Raw access to gzip-per-record WARC files: one gzip member is one record.

warcio's ArchiveIterator re-parses headers and decodes payloads for replay; fixity needs the
opposite: the exact compressed span of each record (offset, length) and the exact block bytes
the digests were computed over.  This module gives both, and reports a torn member (a write cut
short by a kill) as `TornRecord` with the offset where the damage starts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


class TornRecord(Exception):
    """The bytes from `offset` on are not one complete gzip member / WARC record."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"offset {offset}: {reason}")
        self.offset = offset
        self.reason = reason


@dataclass(frozen=True)
class RawRecord:
    """One WARC record as stored: its compressed span and its uncompressed parts."""

    offset: int
    length: int
    headers: list[tuple[str, str]]
    block: bytes
    problem: str | None = None  # set when the record's framing is wrong

    def header(self, name: str) -> str | None:
        low = name.lower()
        for key, value in self.headers:
            if key.lower() == low:
                return value
        return None

    @property
    def rec_type(self) -> str:
        return self.header("WARC-Type") or ""

    @property
    def record_id(self) -> str:
        return self.header("WARC-Record-ID") or ""

    def split_http(self) -> tuple[bytes, bytes]:
        """(HTTP header bytes including the blank line, payload) of an application/http block."""
        end = self.block.find(b"\r\n\r\n")
        if end < 0:
            return self.block, b""
        return self.block[: end + 4], self.block[end + 4 :]

    @property
    def payload(self) -> bytes:
        return self.split_http()[1]

    def http_status(self) -> int | None:
        head = self.split_http()[0].split(b"\r\n", 1)[0].split()
        try:
            return int(head[1])
        except (IndexError, ValueError):
            return None


def iter_members(fh: BinaryIO, start: int = 0) -> Iterator[tuple[int, int, bytes]]:
    """Yield (offset, compressed length, uncompressed bytes) of each gzip member from `start`.

    Raises TornRecord at the first member that is truncated or corrupt (CRC included).
    """
    pos = start
    buf = b""
    while True:
        if not buf:
            buf = fh.read(CHUNK)
            if not buf:
                return
        member_start = pos
        d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        parts: list[bytes] = []
        while True:
            try:
                parts.append(d.decompress(buf))
            except zlib.error as exc:
                raise TornRecord(member_start, f"corrupt gzip member ({exc})") from None
            if d.eof:
                used = len(buf) - len(d.unused_data)
                pos += used
                buf = d.unused_data
                break
            pos += len(buf)
            buf = fh.read(CHUNK)
            if not buf:
                raise TornRecord(member_start, "truncated gzip member")
        yield member_start, pos - member_start, b"".join(parts)


def parse_record(offset: int, length: int, data: bytes) -> RawRecord:
    """Split one uncompressed record into WARC headers and block; note framing problems."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return RawRecord(offset, length, [], b"", "no end of WARC headers")
    lines = data[:end].decode("utf-8", "replace").split("\r\n")
    problem = None if lines[0].startswith("WARC/") else f"bad version line {lines[0][:20]!r}"
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    rec = RawRecord(offset, length, headers, b"")
    try:
        size = int(rec.header("Content-Length") or "")
    except ValueError:
        return RawRecord(offset, length, headers, b"", "no Content-Length")
    block = data[end + 4 : end + 4 + size]
    trailer = data[end + 4 + size :]
    if len(block) != size:
        problem = f"block is {len(block)} bytes, Content-Length says {size}"
    elif trailer != b"\r\n\r\n":
        problem = f"record does not end with CRLF CRLF ({len(trailer)} trailing bytes)"
    return RawRecord(offset, length, headers, block, problem)


def iter_records(fh: BinaryIO, start: int = 0) -> Iterator[RawRecord]:
    for offset, length, data in iter_members(fh, start):
        yield parse_record(offset, length, data)


def read_raw(path: Path, offset: int, length: int) -> RawRecord:
    """Read exactly one record by offset and length: constant time whatever the file size."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read(length)
    if len(data) != length:
        raise TornRecord(offset, f"file ends {length - len(data)} bytes short of the record")
    d = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        raw = d.decompress(data)
    except zlib.error as exc:
        raise TornRecord(offset, f"corrupt gzip member ({exc})") from None
    if not d.eof or d.unused_data:
        raise TornRecord(offset, "offset/length do not span exactly one gzip member")
    return parse_record(offset, length, raw)


def warc_digest(data: bytes) -> str:
    """A WARC digest value as gongkai writes it: sha256, base32."""
    return "sha256:" + base64.b32encode(hashlib.sha256(data).digest()).decode("ascii")


def sha256_of_digest(value: str | None) -> str | None:
    """Hex sha256 from a WARC digest header (base32, base16 or base64), None if not sha256."""
    if not value:
        return None
    algo, _, encoded = value.partition(":")
    if algo.lower().replace("-", "") != "sha256" or not encoded:
        return None
    raw: bytes | None = None
    try:
        if len(encoded) == 64:
            raw = bytes.fromhex(encoded)
        elif len(encoded) in (52, 56):
            raw = base64.b32decode(encoded.upper() + "=" * (-len(encoded) % 8))
        else:
            raw = base64.b64decode(
                encoded + "=" * (-len(encoded) % 4),
                altchars=b"-_" if "-" in encoded or "_" in encoded else None,
            )
    except (ValueError, binascii.Error):
        return None
    return raw.hex() if raw and len(raw) == 32 else None


def hex_to_digest(sha_hex: str) -> str:
    return "sha256:" + base64.b32encode(bytes.fromhex(sha_hex)).decode("ascii")
