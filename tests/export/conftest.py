"""Shared fixtures: a temp data folder holding the known-answer database of builders.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from export import builders


@pytest.fixture
def demo_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    builders.build(data)
    return data
