"""Write small PDFs by hand for reader tests (no reportlab): text, ruled tables, quirks.

Chinese text uses the predefined CMap UniGB-UCS2-H with an Adobe-GB1 CID font (not embedded):
pdfminer maps those codes back to Unicode without a ToUnicode table, like real Song-typeface
PDFs.  Coordinates are given from the top of the page, as pdfplumber reports them.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

W, H = 595.0, 842.0


@dataclass
class Page:
    """Drawing operations for one page."""

    ops: list[str] = field(default_factory=list)

    def text(self, x: float, top: float, s: str, size: float = 10, font: str = "F1") -> None:
        y = H - top - size * 0.88
        if font == "F1":
            code = s.encode("utf-16-be").hex()
        else:  # F2: Identity-H, no ToUnicode -> (cid:N) garbage
            code = "".join(f"{0x4E00 + (ord(ch) % 500):04x}" for ch in s)
        self.ops.append(f"BT /{font} {size:g} Tf {x:.2f} {y:.2f} Td <{code}> Tj ET")

    def rect(self, x0: float, top: float, x1: float, bottom: float) -> None:
        self.ops.append(f"0.8 w {x0:.2f} {H - bottom:.2f} {x1 - x0:.2f} {bottom - top:.2f} re S")

    def cell(self, x0: float, top: float, x1: float, bottom: float, s: str = "") -> None:
        """A bordered table cell with its text near the left edge, vertically centred."""
        self.rect(x0, top, x1, bottom)
        if s:
            self.text(x0 + 2, top + (bottom - top - 5) / 2, s, size=5)


def build_pdf(
    pages: list[Page], *, encrypt: bytes | None = None, title: str | None = None
) -> bytes:
    """Serialize pages; ``encrypt`` adds a /Encrypt dictionary (bogus keys: unknown password)."""
    objs: list[bytes] = []

    def add(body: bytes) -> int:
        objs.append(body)
        return len(objs)

    catalog = add(b"")  # placeholder, filled once the page tree exists
    pages_id = add(b"")
    font1 = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
        b" /DescendantFonts [" + b"%d 0 R" % (len(objs) + 2) + b"] >>"
    )
    add(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>"
    )
    font2 = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /XYZ+Garbled /Encoding /Identity-H"
        b" /DescendantFonts [" + b"%d 0 R" % (len(objs) + 2) + b"] >>"
    )
    add(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /XYZ+Garbled"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"
    )
    kids = []
    for page in pages:
        content = zlib.compress("\n".join(page.ops).encode("ascii"))
        stream = add(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
            + content
            + b"\nendstream"
        )
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d]" % (pages_id, W, H)
                + b" /Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >>" % (font1, font2)
                + b" /Contents %d 0 R >>" % stream
            )
        )
    objs[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objs[pages_id - 1] = (
        b"<< /Type /Pages /Count %d /Kids [" % len(kids)
        + b" ".join(b"%d 0 R" % k for k in kids)
        + b"] >>"
    )
    info = None
    if title is not None:
        info = add(b"<< /Title <feff" + title.encode("utf-16-be").hex().encode() + b"> >>")
    enc = None
    if encrypt is not None:
        enc = add(
            b"<< /Filter /Standard /V 1 /R 2 /O <" + encrypt.hex().encode() + b">"
            b" /U <" + encrypt[::-1].hex().encode() + b"> /P -44 >>"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objs) + 1, catalog)
    if info:
        trailer += b" /Info %d 0 R" % info
    if enc:
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (enc, b"ab" * 16, b"ab" * 16)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
