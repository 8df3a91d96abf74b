"""Archived originals, addressed only by sha256 looked up in the database.

Why no paths: the WARC file and offset come from the Capture row of a sha256 the database
knows; a request can name a digest, never a file.  The file named by the row is still
checked to lie inside the archive folder, and the bytes read are checked against the digest.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from sqlalchemy.engine import Engine

from storage.config import Paths
from storage.models import Capture, Document
from storage.warc.payload import decode_content
from storage.warc.writer import read_record
from web import queries

SHA_RE = re.compile(r"[0-9a-f]{64}")
_EXT = {
    "text/html": ".html",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


class ArchiveMismatch(RuntimeError):
    """The archived bytes do not have the digest the database records."""


@dataclass(frozen=True)
class Original:
    sha256: str
    payload: bytes  # exactly as archived (the digest is of these bytes)
    headers: tuple[tuple[str, str], ...]  # the archived HTTP response headers
    document: Document
    capture: Capture

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def content_type(self) -> str:
        return (
            self.header("Content-Type")
            or self.capture.media_type
            or self.document.media_type
            or "application/octet-stream"
        )

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()

    @property
    def decoded(self) -> bytes:
        """The body with its Content-Encoding undone (what a reader of the document sees)."""
        return decode_content(list(self.headers), self.payload)

    @property
    def filename(self) -> str:
        return download_name(self.document.url, self.sha256, self.media_type)


def download_name(url: str, sha256: str, media_type: str) -> str:
    """The URL's last path segment (safe characters only), else the digest; with an extension."""
    name = unquote(PurePosixPath(urlsplit(url).path).name)
    name = re.sub(r"[^\w.\-]+", "_", name).strip("._")[:80]
    if not name:
        name = sha256[:16]
    if "." not in name:
        name += _EXT.get(media_type, ".bin")
    return name


def _warc_path(paths: Paths, warc_file: str) -> Path:
    root = paths.warc_dir.resolve()
    path = (root / warc_file).resolve()
    if root not in path.parents:
        raise ArchiveMismatch(f"capture names a file outside the archive: {warc_file!r}")
    return path


@lru_cache(maxsize=8)  # a few originals (a PDF page view asks for its bytes per page)
def _read(
    paths: Paths, warc_file: str, offset: int, length: int, sha256: str
) -> tuple[tuple[tuple[str, str], ...], bytes]:
    """(headers, payload) of one record; content-addressed, so caching is always right."""
    http, payload = read_record(_warc_path(paths, warc_file), offset, length or None)
    if hashlib.sha256(payload).hexdigest() != sha256:
        raise ArchiveMismatch(f"archived bytes at {warc_file}:{offset} do not match {sha256}")
    return tuple((str(k), str(v)) for k, v in (http.headers if http else [])), payload


def load(engine: Engine, paths: Paths, sha256: str) -> Original | None:
    """The original with this digest, or None when the database knows no such document."""
    if not SHA_RE.fullmatch(sha256):
        return None
    found = queries.document_for_sha(engine, sha256)
    if found is None:
        return None
    doc, cap = found
    headers, payload = _read(paths, cap.warc_file, cap.warc_offset, cap.warc_length, sha256)
    return Original(sha256, payload, headers, doc, cap)
