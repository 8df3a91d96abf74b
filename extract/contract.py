"""The extraction result as a typed contract: its keys, its statuses, one builder.

Why a module of its own: the result is what the other stages (the archive pipeline, storage,
the workbench, an external scorer reading `gongkai extract --json`) depend on, so it lives
apart from the machinery that produces it and imports nothing else from `extract`; storage
may import this module and nothing else of the extractor. Every result dict, success or
failure, is started by `new_result`, so the keys and their order are decided in one place.
"""

from __future__ import annotations

from typing import Any, Final, NotRequired, TypedDict

# Bump when a change to the extraction changes its results: archived documents extracted by
# an older version are redone by `gongkai extract --pending`.
EXTRACTOR_VERSION: Final = "0.3.0"

# Document statuses, from best to worst.
OK: Final = "ok"  # every template cell found and every check passes
PARTIAL: Final = "partial"  # tables found, but cells missing, empty or failing a check
NO_TABLES: Final = "no_tables"  # a report without the statistics tables
NOT_A_REPORT: Final = "not_a_report"  # a blank form, a spam mirror, another kind of document
NEEDS_OCR: Final = "needs_ocr"  # a scan: no text layer
NEEDS_CONVERTER: Final = "needs_converter"  # DOC/WPS and no LibreOffice on this machine
UNSUPPORTED: Final = "unsupported"  # a format no reader handles
ERROR: Final = "error"  # the document could not be read (hostile, truncated, a crash)

STATUSES: Final = (
    OK,
    PARTIAL,
    NO_TABLES,
    NOT_A_REPORT,
    NEEDS_OCR,
    NEEDS_CONVERTER,
    UNSUPPORTED,
    ERROR,
)
# Outcomes that depend on this machine, not on the document: tried again on every run.
RETRY_STATUSES: Final = (NEEDS_CONVERTER,)

# Statuses of one check (`checks[*].status`).
CHECK_PASS: Final = "pass"
CHECK_FAIL: Final = "fail"
CHECK_NOT_ASSESSABLE: Final = "not_assessable"

METADATA_FIELDS: Final = ("title", "agency", "year", "published", "region")


class MetadataSource(TypedDict):
    """Where one metadata field was read (a name from extract.metadata) and how sure it is."""

    source: str | None
    confidence: float


class ResultWarning(TypedDict):
    """A doubt about the document, with the template keys it concerns (possibly none)."""

    message: str
    keys: list[str]


class Metric(TypedDict):
    """One template cell: its value, the text it was read from and where."""

    key: str
    value: int | float | None
    raw: str | None
    location: dict[str, Any] | None
    table: str | None


class ExtractionResult(TypedDict):
    """The JSON contract of one document (`gongkai extract FILE --json`), in key order.

    `format` is absent only when the bytes were never looked at (a file that could not be
    read); `error` is present on failures; `name` when the caller named the document.
    """

    sha256: str | None
    format: NotRequired[str]
    extractor_version: str
    status: str
    template: str | None
    agency: str | None
    year: int | None
    title: str | None
    published: str | None
    region: str | None
    metadata_sources: dict[str, MetadataSource]
    metrics: list[Metric]
    checks: list[dict[str, Any]]
    warnings: list[ResultWarning]
    error: NotRequired[str]
    name: NotRequired[str]


def no_sources() -> dict[str, MetadataSource]:
    """``metadata_sources`` of a document whose metadata was not read (every field absent)."""
    return {f: {"source": None, "confidence": 0.0} for f in METADATA_FIELDS}


def new_result(
    status: str,
    *,
    sha256: str | None,
    fmt: str | None,
    error: str | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """A result with every key of the contract and nothing found yet.

    The one builder: the extraction fills in what it read, a failure passes its `error`.
    An unknown status is an error (a reader raising with a misspelt status loses nothing).
    Returned as a plain dict: callers add keys in place and it is sent through pipes as is.
    """
    if status not in STATUSES:
        status = ERROR
    out: dict[str, Any] = {"sha256": sha256}
    if fmt is not None:
        out["format"] = fmt
    out.update(
        {
            "extractor_version": EXTRACTOR_VERSION,
            "status": status,
            "template": None,
            "agency": None,
            "year": None,
            "title": None,
            "published": None,
            "region": None,
            "metadata_sources": no_sources(),
            "metrics": [],
            "checks": [],
            "warnings": [],
        }
    )
    if error is not None:
        out["error"] = error if error.strip() else f"{status}: the extraction gave no reason"
    if name is not None:
        out["name"] = name
    return out
