"""Format readers: bytes of one format in, :class:`ParsedDocument` out.

``read_document`` is the single entry point; readers are imported lazily so that reading an
HTML page never pays for pdfplumber, and a missing optional dependency breaks one format only.
"""

from __future__ import annotations

from extract.cells import ParsedDocument
from extract.contract import ERROR, UNSUPPORTED


class ReaderError(Exception):
    """A document the reader cannot read.

    ``status`` is the contract status ("error", "needs_converter", "unsupported"); ``reason``
    the short message for the contract's ``error`` field ("encrypted PDF", "truncated PDF"…).
    """

    def __init__(self, reason: str, status: str = ERROR) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def read_document(data: bytes, fmt: str) -> ParsedDocument:
    """Dispatch to the reader for ``fmt`` (as returned by :func:`extract.detect.detect_format`)."""
    if fmt == "html":
        from extract.readers.html import read_html

        return read_html(data)
    if fmt == "pdf":
        from extract.readers.pdf import PdfError, read_pdf

        try:
            return read_pdf(data)
        except PdfError as exc:
            raise ReaderError(exc.reason) from exc
    if fmt == "docx":
        from extract.readers.docx import read_docx

        return read_docx(data)
    if fmt == "doc":
        from extract.readers.office import read_doc

        return read_doc(data)
    if fmt in ("text", "markdown"):
        from extract.readers.text import read_text

        return read_text(data, fmt)
    if fmt == "image":
        # A picture of a report: numbers only after OCR, never guessed.
        return ParsedDocument(format="image", meta={"needs_ocr": True})
    if fmt == "zip":
        raise ReaderError(
            "zip archive: extract its members and read them one by one", status=UNSUPPORTED
        )
    raise ReaderError(f"unknown format {fmt!r}", status=UNSUPPORTED)
