"""The export job: the database as files an analyst opens in pandas, DuckDB or Excel.

The CLI (`gongkai export`, and `gongkai demo` after its crawl) parses options and prints;
this module builds the tables, re-reading archived originals for the year-over-year text
overlap, writes them with datapackage.json, and says what it wrote.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.service import Service
    from extract.worker import ExtractionWorker
    from storage.models import Capture


class NarrativeReader:
    """The report's prose (tables cut out, normalised), re-read from the archived original.

    Why re-read: the extraction stores numbers, not text; the archive is the source of truth.
    Parsing runs in an isolated worker (an archived file may be hostile: a PDF that loops
    must not hang the export). Cached per sha256 and measure version in <data>/cache/narrative/.
    """

    def __init__(self, service: Service) -> None:
        self.service = service
        self._worker: ExtractionWorker | None = None

    def __call__(self, sha256: str, capture: Capture | None) -> str | None:
        if capture is None:
            return None
        cache = self.service.paths.data / "cache" / "narrative" / f"{capture.sha256}.v2.txt"
        if cache.exists():
            return cache.read_text(encoding="utf-8")
        from crawler.jobs.extract_pending import archived_bytes
        from extract.worker import ExtractionWorker

        if self._worker is None:
            self._worker = ExtractionWorker(
                timeout=60, target="crawler.jobs.narrative:narrative_job"
            )
        try:
            data = archived_bytes(self.service, capture)
        except (OSError, ValueError):  # missing or undecodable original: no overlap, export goes on
            return None
        result = self._worker.extract(data)
        text = result.get("narrative")
        if not isinstance(text, str):
            return None
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(text, encoding="utf-8")
        return text

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()


def export_tables(
    service: Service,
    target: Path,
    formats: list[str],
    *,
    region: str | None = None,
    year: int | None = None,
    agency: str | None = None,
    tables: tuple[str, ...] = (),
    overlap: bool = True,
) -> dict[str, Any]:
    """Build and write the tables and datapackage.json to `target`; return what was written
    (folder, formats, rows per table, files with size and sha256)."""
    from storage.export import datapackage
    from storage.export.tables import Filters, build_tables
    from storage.export.writers import write_tables

    reader = NarrativeReader(service) if overlap else None
    try:
        built = build_tables(
            service.engine,
            Filters(region=region, year=year, agency=agency),
            text_for=reader,
            only=tables or None,
            paths=service.paths,
        )
    finally:
        if reader is not None:
            reader.close()
    files = write_tables(built, target, formats)
    options = {
        "formats": formats,
        "region": region,
        "year": year,
        "agency": agency,
        "tables": list(built),
        "overlap": overlap,
    }
    files.append(
        datapackage.write(built, target, formats, datapackage.source(service.engine), options)
    )
    return {
        "out": str(target),
        "formats": formats,
        "rows": {name: len(t.rows) for name, t in built.items()},
        "files": [
            {
                "path": str(p),
                "bytes": p.stat().st_size,
                "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
            }
            for p in files
        ],
    }
