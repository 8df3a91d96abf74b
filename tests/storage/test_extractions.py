"""The one rule for which extraction of a document's bytes the export and the workbench show."""

from __future__ import annotations

from extract.contract import EXTRACTOR_VERSION
from storage.extractions import choose_extractions, current_extractor_version
from storage.models import Extraction


def _ex(id_: int, sha: str, version: str) -> Extraction:
    return Extraction(id=id_, sha256=sha, extractor_version=version, status="ok")


def test_current_version_wins_over_newer_rows_else_the_newest_row() -> None:
    rows = [
        _ex(5, "b", "old-2"),
        _ex(1, "a", "old-1"),
        _ex(2, "a", "cur"),
        _ex(4, "a", "old-2"),  # newer than the current version's row, still not chosen
        _ex(3, "b", "old-1"),
    ]
    chosen = choose_extractions(rows, "cur")
    assert chosen["a"].id == 2  # the current version's row
    assert chosen["b"].id == 5  # no current row: the newest (highest id), whatever the order
    assert set(chosen) == {"a", "b"}


def test_no_rows_and_unknown_version() -> None:
    assert choose_extractions([], "cur") == {}
    assert choose_extractions([_ex(1, "a", "x"), _ex(2, "a", "y")], None)["a"].id == 2


def test_current_version_is_the_extractors() -> None:
    assert current_extractor_version() == str(EXTRACTOR_VERSION)
