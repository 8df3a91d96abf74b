"""`gongkai export-wacz`: a WACZ 1.1.1 package (archive/, indexes/index.cdx, pages/,
datapackage.json with sha256 per file) that `wacz validate`, pywb and ReplayWeb.page accept.

The package holds one WARC built by copying the selected records byte for byte (each is its
own gzip member), so every record keeps its WARC-Record-ID and digests: an auditor can match
it against the archive and its manifests.  A revisit's original is always included.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, col, select

import storage
from storage.config import Paths
from storage.models import Capture, Document
from storage.warc.cdxj import Placed, cdxj_lines
from storage.warc.writer import Sha256WARCWriter, warc_date

WACZ_VERSION = "1.1.1"


@dataclass
class ExportResult:
    path: Path
    captures: int
    pages: int
    warc_bytes: int


def select_captures(session: Session, *, site: str | None, year: int | None) -> list[Capture]:
    """The captures to package: a site's (or all), or only a report year's documents; plus
    the originals their revisits need."""
    stmt = select(Capture)
    if site:
        stmt = stmt.where(Capture.site_id == site)
    chosen = {c.id: c for c in session.exec(stmt)}
    if year is not None:
        docs = session.exec(
            select(Document).where(
                Document.year == year, *([Document.site_id == site] if site else [])
            )
        )
        urls = {d.url for d in docs}
        chosen = {k: c for k, c in chosen.items() if c.url in urls}
    pending = [c.revisit_of for c in chosen.values() if c.revisit_of]
    while pending:
        oid = pending.pop()
        if oid in chosen:
            continue
        original = session.get(Capture, oid)
        if original is not None:
            chosen[oid] = original
            if original.revisit_of:
                pending.append(original.revisit_of)
    return sorted(chosen.values(), key=lambda c: (c.fetched_at, c.id or 0))


def _copy(paths: Paths, cap: Capture) -> bytes:
    """The response/revisit record and its request record, exactly as stored."""
    with open(paths.warc_dir / cap.warc_file, "rb") as fh:
        fh.seek(cap.warc_offset)
        return fh.read(cap.warc_length + (cap.warc_request_length or 0))


def _pages(session: Session, caps: list[Capture]) -> list[dict[str, str]]:
    by_id = {c.id: c for c in caps}
    pages = []
    for doc in session.exec(select(Document).order_by(col(Document.first_seen))):
        cap = by_id.get(doc.capture_id)
        if cap is not None:
            pages.append({"url": doc.url, "ts": _iso(cap.fetched_at), "title": doc.title})
    if not pages:  # no documents known (a bare archive): every successful response
        pages = [
            {"url": c.url, "ts": _iso(c.fetched_at)}
            for c in caps
            if c.status == 200 and c.record_type == "response"
        ]
    return pages


def _iso(moment: datetime) -> str:
    return warc_date(moment).split(".")[0] + "Z"


def export_wacz(
    paths: Paths, session: Session, out: Path, *, site: str | None = None, year: int | None = None
) -> ExportResult:
    caps = select_captures(session, site=site, year=year)
    if not caps:
        raise LookupError("nothing archived matches the selection")
    created = datetime.now(UTC)
    warc_name = f"gongkai-export-{created.strftime('%Y%m%d%H%M%S')}.warc.gz"
    warc = io.BytesIO()
    writer = Sha256WARCWriter(warc, gzip=True, warc_version="1.1")
    writer.write_record(
        writer.create_warcinfo_record(
            warc_name,
            {
                "software": f"gongkai/{storage.__version__}",
                "format": "WARC File Format 1.1",
                "description": f"gongkai export: site={site or 'all'} year={year or 'all'}; records "
                "copied verbatim from the archive",
            },
        )
    )
    placed = []
    for cap in caps:
        offset = warc.tell()
        warc.write(_copy(paths, cap))
        placed.append(Placed(cap, warc_name, offset, cap.warc_length))
    index = ("\n".join(cdxj_lines(placed, paths.warc_dir)) + "\n").encode("utf-8")
    pages = _pages(session, caps)
    header = {"format": "json-pages-1.0", "id": "pages", "title": "Reports"}
    pages_bytes = "".join(
        json.dumps(p, ensure_ascii=False) + "\n" for p in [header, *pages]
    ).encode("utf-8")
    files = {
        f"archive/{warc_name}": warc.getvalue(),
        "indexes/index.cdx": index,
        "pages/pages.jsonl": pages_bytes,
    }
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": f"gongkai archive{f' {site}' if site else ''}{f' {year}' if year else ''}",
        "created": stamp,
        "modified": stamp,
        "software": f"gongkai/{storage.__version__}",
        "resources": [
            {
                "name": Path(name).name.replace(".", "-"),
                "path": name,
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
            for name, data in files.items()
        ],
    }
    if pages:
        package["mainPageUrl"], package["mainPageDate"] = pages[0]["url"], pages[0]["ts"]
    package_bytes = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
    digest = {
        "path": "datapackage.json",
        "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w") as z:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, created.timetuple()[:6])
            # WARCs must be STORED so replay tools can range-read records inside the zip
            info.compress_type = (
                zipfile.ZIP_STORED if name.startswith("archive/") else zipfile.ZIP_DEFLATED
            )
            z.writestr(info, data)
        for name, data in (
            ("datapackage.json", package_bytes),
            ("datapackage-digest.json", json.dumps(digest).encode("utf-8")),
        ):
            info = zipfile.ZipInfo(name, created.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    tmp.replace(out)
    return ExportResult(out, len(caps), len(pages), len(files[f"archive/{warc_name}"]))
