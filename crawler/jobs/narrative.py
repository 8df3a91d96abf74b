"""The export's worker target: a report's prose with its tables cut out.

Run in an isolating `extract.worker.ExtractionWorker` child (target
"crawler.jobs.narrative:narrative_job"), like an extraction: the document is hostile input.
"""

from __future__ import annotations

from typing import Any


def narrative_job(data: bytes, *, name: str | None = None) -> dict[str, Any]:
    """Worker target: the report's prose with its tables cut out (for the overlap measure)."""
    from extract.detect import detect_format
    from extract.readers import read_document
    from storage.export.measures import narrative

    doc = read_document(data, detect_format(data))
    rows = ["".join(c.text for c in row.cells) for row in doc.rows]
    return {"status": "ok", "narrative": narrative(doc.text or "", rows)}
