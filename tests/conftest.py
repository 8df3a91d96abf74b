"""Suite-wide: with GONGKAI_TEST_DB_URL set to PostgreSQL, every test gets its own schema.

GONGKAI_DB_URL then points there for the test and for every process it starts (the CLI,
Scrapy, the scheduler), so the whole suite runs on PostgreSQL exactly as on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.db import backend, isolated_db_url

# support.tiers: fast-tier tests may not start processes, listen on sockets or sleep.
# pytester: for the guard's own test (tests/test_tiers.py).
pytest_plugins = ["support.tiers", "pytester"]


@pytest.fixture(autouse=True)
def _database_per_test(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    if backend() != "postgresql":
        yield
        return
    tmp: Path = tmp_path_factory.mktemp("db")
    with isolated_db_url(tmp) as url:
        monkeypatch.setenv("GONGKAI_DB_URL", url)
        yield
