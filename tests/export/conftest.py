"""Shared fixtures: a temp data folder holding the known-answer database of builders.py."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from export import builders


@pytest.fixture(autouse=True)
def _naive_means_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """storage/models.py stores naive UTC datetimes; sqlmodel ≥0.0.50 refuses them on bind.

    Until the models declare their datetimes, treat naive values as UTC in tests.
    """
    from sqlmodel.sql import sqltypes

    original = sqltypes.UTCDateTime.process_bind_param

    def bind(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is not None and value.utcoffset() is None:
            value = value.replace(tzinfo=UTC)
        return original(self, value, dialect)

    monkeypatch.setattr(sqltypes.UTCDateTime, "process_bind_param", bind)


@pytest.fixture
def demo_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    builders.build(data)
    return data
