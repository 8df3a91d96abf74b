"""PDF pages as PNG images, rendered with pypdfium2 and cached by sha256/page/zoom.

Why a cache on disk: rendering a page costs tens of milliseconds and the bytes under a sha256
never change, so a page once drawn is kept under DATA/cache/pages/<sha256>/.  Every part of
the cache path is validated (hex digest, integers, a fixed set of zooms) before it is built:
no request text ever becomes a path.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

ZOOMS = (1.0, 1.5, 2.0)  # the only scales served; 1.0 = 72 dpi
DEFAULT_ZOOM = 1.5
MAX_PAGES = 2000
# PDFium is not thread-safe (pypdfium2's documentation: no simultaneous calls from several
# threads, even on different documents) and the server renders from a thread pool.
PDFIUM_LOCK = threading.Lock()
_SHA_RE = re.compile(r"[0-9a-f]{64}")


class PageNotFound(LookupError):
    """The document has no such page."""


def cache_file(cache_root: Path, sha256: str, page: int, zoom: float) -> Path:
    if not _SHA_RE.fullmatch(sha256) or not (1 <= page <= MAX_PAGES) or zoom not in ZOOMS:
        raise ValueError("bad page reference")
    return cache_root / "pages" / sha256 / f"{page}-{int(zoom * 100)}.png"


def render_png(data: bytes, page: int, zoom: float) -> bytes:
    """One page (1-based) of a PDF as PNG bytes."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            if not 1 <= page <= len(pdf):
                raise PageNotFound(f"no page {page}")
            image = pdf[page - 1].render(scale=zoom).to_pil()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def cached_png(
    cache_root: Path | None, sha256: str, page: int, zoom: float, load: Callable[[], bytes]
) -> bytes:
    """The page image from the cache, else rendered from `load()` (the PDF bytes) and kept.

    A data folder the server may not write (read-only media) just means no cache.
    """
    path = cache_file(cache_root, sha256, page, zoom) if cache_root else None
    if path is not None and path.is_file():
        return path.read_bytes()
    png = render_png(load(), page, zoom)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(png)
            os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
        except OSError:
            pass
    return png
