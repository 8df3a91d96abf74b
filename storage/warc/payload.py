"""The decoded body of a payload-holding capture: what extraction and the measures read.

The WARC keeps a body as it crossed the wire; `sha256` (fixity) is of those bytes. Readers of
the document want it decoded. (A revisit record holds no payload: follow it first with
storage.crud.resolve_original.)
"""

from __future__ import annotations

import gzip
import zlib

from storage.config import Paths
from storage.models import Capture
from storage.warc.writer import read_record


class UndecodableBody(ValueError):
    """The archived body does not decode with the encoding its headers name (corrupt or cut)."""


def decode_content(headers: list[tuple[str, str]], payload: bytes) -> bytes:
    """Undo a Content-Encoding (gzip, deflate, br); identity and unknown ones pass through.

    A body that does not decode raises UndecodableBody, one error for every codec.
    """
    try:
        return _decode(headers, payload)
    except (OSError, EOFError, zlib.error) as exc:
        raise UndecodableBody(f"body does not decode: {exc}") from exc
    except Exception as exc:  # brotli.error and other codec-specific failures
        raise UndecodableBody(f"body does not decode: {type(exc).__name__}: {exc}") from exc


def _decode(headers: list[tuple[str, str]], payload: bytes) -> bytes:
    encoding = next((v.lower() for k, v in headers if k.lower() == "content-encoding"), "")
    if "gzip" in encoding:
        return gzip.decompress(payload)
    if "deflate" in encoding:
        try:
            return zlib.decompress(payload)
        except zlib.error:
            return zlib.decompress(payload, -zlib.MAX_WBITS)
    if "br" in encoding.replace(" ", "").split(","):
        import brotli

        return brotli.decompress(payload)
    return payload


def read_body(paths: Paths, capture: Capture, *, decoded: bool = True) -> bytes:
    """The body of a payload-holding capture, read from its WARC record by offset."""
    http, payload = read_record(
        paths.warc_dir / capture.warc_file, capture.warc_offset, capture.warc_length or None
    )
    return decode_content(list(http.headers) if http else [], payload) if decoded else payload
