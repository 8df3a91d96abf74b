"""Suite-wide: with GONGKAI_TEST_DB_URL set to PostgreSQL, every test gets its own schema.

GONGKAI_DB_URL then points there for the test and for every process it starts (the CLI,
Scrapy, the scheduler), so the whole suite runs on PostgreSQL exactly as on SQLite.

Tests that cannot reach a database run on one backend only: the extraction stage imports no
other stage (the import-linter contract), and tests/extract imports nothing but extract and its
own helpers (checked by tests/test_backend_split.py), so running them again on PostgreSQL
would repeat the same computation. The PostgreSQL run deselects them and says how many.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.db import backend, backend_independent, isolated_db_url
from support.demo import DemoRun, demo_run

# support.tiers: fast-tier tests may not start processes, listen on sockets or sleep.
# pytester: for the guard's own test (tests/test_tiers.py).
pytest_plugins = ["support.tiers", "pytester"]

_DESELECTED = pytest.StashKey[int]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if backend() != "postgresql":
        return
    once = [item for item in items if backend_independent(item.path)]
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if not backend_independent(item.path)]
        config.stash[_DESELECTED] = len(once)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    n = config.stash.get(_DESELECTED, 0)
    if n:
        terminalreporter.write_line(
            f"PostgreSQL run: {n} backend-independent tests (tests/extract) ran on SQLite only"
        )


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


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    """The whole demo, run once per session (per worker under xdist: the tests that use it
    are grouped onto one worker by `xdist_group("demo")`)."""
    with demo_run(tmp_path_factory.mktemp("demo")) as run:
        yield run
