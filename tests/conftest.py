"""Suite-wide: with GONGKAI_TEST_DB_URL set to PostgreSQL, every test gets its own schema.

GONGKAI_DB_URL then points there for the test and for every process it starts (the CLI,
Scrapy, the scheduler), so the whole suite runs on PostgreSQL exactly as on SQLite.

Tests that cannot reach a database run on one backend only: the extraction stage imports no
other stage (the import-linter contract), and tests/extract imports nothing but extract and its
own helpers (checked by tests/test_backend_split.py), so running them again on PostgreSQL
would repeat the same computation. The PostgreSQL run deselects them and says how many.
With --split-backends (`make test` when PostgreSQL is up) each integration test runs once, on
the backend it concerns (support.db.split_backend).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.db import backend, backend_independent, isolated_db_url, split_backend
from support.demo import DemoRun, demo_run

# support.tiers: fast-tier tests may not start processes, listen on sockets or sleep.
# pytester: for the guard's own test (tests/test_tiers.py).
pytest_plugins = ["support.tiers", "pytester"]

_DESELECTED = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--split-backends",
        action="store_true",
        help="run each integration test only on the backend it concerns (support.db)",
    )


def _elsewhere(item: pytest.Item, split: bool) -> bool:
    """True for a test that this backend's run leaves to the other backend's run."""
    if backend() == "postgresql" and backend_independent(item.path):
        return True
    if not split or item.get_closest_marker("integration") is None:
        return False
    return split_backend(item.path) not in ("both", backend())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    split = bool(config.getoption("--split-backends"))
    elsewhere = [item for item in items if _elsewhere(item, split)]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if not _elsewhere(item, split)]
        config.stash[_DESELECTED] = len(elsewhere)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    n = config.stash.get(_DESELECTED, 0)
    if n:
        other = "SQLite" if backend() == "postgresql" else "PostgreSQL"
        terminalreporter.write_line(
            f"{backend()} run: {n} tests left to the {other} run (backend-independent, "
            "or --split-backends: support.db.split_backend)"
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
