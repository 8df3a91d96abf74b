"""Shared fixtures for extraction tests: the copied corpus files in tests/data/extract."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "extract"


@pytest.fixture
def data_file():
    """Read one fixture file's bytes by name."""

    def read(name: str) -> bytes:
        return (DATA / name).read_bytes()

    return read
