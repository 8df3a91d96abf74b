"""DOC/WPS reader: convert with headless LibreOffice to DOCX, then read that.

Legacy binary Word files (OLE2, also what WPS saves as .doc/.wps) have no maintained pure-Python
parser that keeps table structure; LibreOffice's converter does.  Without the binary the
document is not guessed at: the reader says ``needs_converter`` (the Debian package is listed
in extract/SYSTEM_PACKAGES).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from extract.cells import ParsedDocument
from extract.contract import NEEDS_CONVERTER
from extract.readers import ReaderError

CONVERT_TIMEOUT = 120.0


def soffice_path() -> str | None:
    """The LibreOffice binary, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(
    data: bytes, *, suffix: str = ".doc", timeout: float = CONVERT_TIMEOUT
) -> bytes:
    """Convert an office document to DOCX bytes with LibreOffice, in a private temp profile."""
    exe = soffice_path()
    if exe is None:
        raise ReaderError(
            "needs_converter: DOC/WPS needs LibreOffice (soffice), not installed",
            status=NEEDS_CONVERTER,
        )
    with tempfile.TemporaryDirectory(prefix="gongkai-soffice-") as tmp:
        src = os.path.join(tmp, "input" + suffix)
        with open(src, "wb") as fh:
            fh.write(data)
        profile = "file://" + os.path.join(tmp, "profile")
        cmd = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            tmp,
            src,
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReaderError(f"LibreOffice conversion timed out after {timeout:g}s") from exc
        out = os.path.join(tmp, "input.docx")
        if done.returncode != 0 or not os.path.exists(out):
            tail = done.stderr.decode("utf-8", "replace").strip()[-200:]
            raise ReaderError(f"LibreOffice could not convert the document: {tail or 'no output'}")
        with open(out, "rb") as fh:
            return fh.read()


def read_doc(data: bytes) -> ParsedDocument:
    """Read a DOC/WPS file through its DOCX conversion; format stays "doc"."""
    from extract.readers.docx import read_docx

    doc = read_docx(convert_to_docx(data), fmt="doc")
    doc.meta["converted_by"] = "libreoffice"
    return doc
