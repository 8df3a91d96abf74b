"""Which extraction of a document's bytes is shown: the current extractor's, else the newest.

Why one rule in one place: the analyst's dataset (storage/export) and the workbench (web/)
must show the same numbers for the same report.  A document's bytes are extracted again by
each new extractor version (one row per sha256 and version); until the current version has
run on them, the newest row stands in.
"""

from __future__ import annotations

from collections.abc import Iterable

from storage.models import Extraction


def current_extractor_version() -> str | None:
    """The running extractor's version (None when extract is not installed with storage)."""
    try:
        from extract.contract import EXTRACTOR_VERSION
    except ImportError:
        return None
    return str(EXTRACTOR_VERSION)


def choose_extractions(rows: Iterable[Extraction], version: str | None) -> dict[str, Extraction]:
    """One extraction per sha256: the row of `version` if there is one, else the newest
    (highest id) row of those bytes."""
    chosen: dict[str, Extraction] = {}
    for ex in sorted(rows, key=lambda e: e.id or 0):
        old = chosen.get(ex.sha256)
        if old is None or old.extractor_version != version:
            chosen[ex.sha256] = ex
    return chosen
