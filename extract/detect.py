"""Recognise a document's format from its bytes, and decode text whatever its headers claim.

Crawled files lie: a `.pdf` link serves an HTML error page, a `.doc` is really a DOCX, GBK pages
declare UTF-8.  Everything downstream therefore trusts content (magic bytes, markup), never the
URL, the extension or the Content-Type.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF little-endian
    b"MM\x00*",  # TIFF big-endian
    b"BM",  # BMP (checked with a header sanity test below)
)
_HTML_RE = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta[\s>]|<table[\s>]|<div[\s>]|<p[\s>]"
    rb"|<span[\s>]|<br\s*/?>|<tr[\s>]|<td[\s>]",
    re.IGNORECASE,
)
_PIPE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$", re.MULTILINE)
_PIPE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$", re.MULTILINE)
_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE
)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""")

SNIFF_BYTES = 8192
_SINGLE_BYTE = {"latin-1", "iso8859-1", "ascii", "cp1252", "iso8859-15", "cp1251", "mac-roman"}


def detect_format(data: bytes) -> str:
    """Return pdf, docx, doc, html, text, markdown, image, zip or unknown, judged by content."""
    if not data:
        return "unknown"
    head = data[:SNIFF_BYTES]
    # A PDF header may follow junk (e.g. a BOM or HTTP leftovers); the spec allows 1024 bytes.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(_OLE2):
        return "doc"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if _is_image(head):
        return "image"
    return _text_kind(head)


def _zip_kind(data: bytes) -> str:
    """A zip holding word/document.xml is a DOCX (WPS saves those too); anything else is a zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        # Truncated archives still carry their local headers: look for the part name.
        return "docx" if b"word/document.xml" in data[:65536] else "zip"
    return "docx" if "word/document.xml" in names else "zip"


def _is_image(head: bytes) -> bool:
    for magic in _IMAGE_MAGIC:
        if head.startswith(magic):
            if magic == b"BM":  # "BM" also starts ordinary text; require a plausible header.
                return len(head) >= 26 and head[6:10] == b"\x00\x00\x00\x00"
            return True
    return False


def _text_kind(head: bytes) -> str:
    """Decide between html, markdown, text and unknown for non-binary content."""
    if _looks_binary(head):
        return "unknown"
    if _HTML_RE.search(head[:4096]) or _HTML_RE.search(head):
        return "html"
    text, _ = decode_text(head)
    if _PIPE_SEP_RE.search(text) or len(_PIPE_ROW_RE.findall(text)) >= 3:
        return "markdown"
    return "text"


def _looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters mean binary (UTF-16 with a BOM is text)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = head[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > max(8, len(sample) // 50)


def _normalise_encoding(name: str | None) -> str | None:
    """Map a declared charset to a Python codec; GB2312/GBK are decoded as their superset."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "hz-gb-2312"}:
        return "gb18030"
    if name in {"utf8", "utf-8", "unicode-1-1-utf-8"}:
        return "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset a document declares for itself (HTML meta or XML prolog), if any."""
    head = data[:SNIFF_BYTES]
    m = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to str and say which codec was used.

    Order: BOM; then a strict trial of UTF-8 (a GBK page that happens to decode as UTF-8 is
    vanishingly rare, while UTF-8 pages declared as GBK are common); then the declared charset
    (argument or in-document meta); then GB18030; finally UTF-8 with replacement characters.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        # A file cut inside a multi-byte sequence is still UTF-8.
        if exc.start >= len(data) - 3 and exc.reason.startswith("unexpected end"):
            return data.decode("utf-8", "replace"), "utf-8"
    # Single-byte declarations (ISO-8859-1 error pages, requests' default) decode anything and
    # are never right for a Chinese page; only other multi-byte codecs (Big5…) may beat GB18030.
    candidates = [_normalise_encoding(declared), _normalise_encoding(declared_charset(data))]
    multibyte = [c for c in candidates if c and c not in _SINGLE_BYTE and c != "utf-8"]
    for enc in multibyte + ["gb18030"]:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError):
            continue
    # Mostly GB18030 with a few corrupt bytes decodes better as GB18030 than as UTF-8.
    gb = data.decode("gb18030", "replace")
    u8 = data.decode("utf-8", "replace")
    if gb.count("\ufffd") <= u8.count("\ufffd"):
        return gb, "gb18030"
    return u8, "utf-8"
