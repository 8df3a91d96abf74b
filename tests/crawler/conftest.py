"""Crawl tests against the simulator on loopback: fast settings, a fresh data folder each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from crawler.cli.context import App
from crawler.runner import POLITENESS_OFF, run_crawl
from sim import Simulator
from storage.db import make_engine

FAST = {**POLITENESS_OFF, "LOG_LEVEL": "WARNING", "RETRY_AFTER_MAX": 2}


class _Db:
    """Plain SQL on the harness's database, SQLite or PostgreSQL (`?` placeholders)."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.conn: Any = None

    def __enter__(self) -> _Db:
        self.conn = self.engine.raw_connection()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.conn.close()
        self.engine.dispose()

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if self.engine.dialect.name != "sqlite":  # psycopg: %s placeholders, literal %%
            sql = sql.replace("%", "%%").replace("?", "%s")
        cursor = self.conn.cursor()
        cursor.execute(sql, params)
        return cursor


class Harness:
    """A simulator plus a data folder; `crawl()` runs `run_crawl` against the simulator."""

    def __init__(self, sim: Simulator, root: Path) -> None:
        self.sim = sim
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.app = App.from_option(str(root / "data"))
        self.sites_file = root / "sites.yaml"
        self.write_registry()

    def write_registry(self, edit: Any = None) -> None:
        entries = self.sim.registry()
        if edit is not None:
            entries = edit(entries)
        self.sites_file.write_text(
            yaml.safe_dump({"sites": entries}, allow_unicode=True), encoding="utf-8"
        )

    def crawl(self, **overrides: Any) -> dict[str, Any]:
        return run_crawl(
            self.app.open(),
            sites_file=self.sites_file,
            allow_failures=True,
            settings_overrides={**FAST, **overrides},
        )

    def db(self) -> _Db:
        return _Db(self.app.paths.db_url)

    def documents(self) -> set[tuple[str, str]]:
        with self.db() as db:
            return set(db.execute("select url, sha256 from document"))

    def truth(self) -> set[tuple[str, str]]:
        return {(r.url, r.sha256) for r in self.sim.reports}

    def offsite_requests(self) -> list[tuple[str, str]]:
        """(host, path) of logged requests that a site's own registry entry does not allow."""
        allowed = {h for s in self.sim.sites for h in s.hosts}
        return [(h, p) for h, _m, p, _s, _hd in self.sim.request_log if h not in allowed]


@pytest.fixture
def harness(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Harness]:
    """`@pytest.mark.sim(platforms=(…), switches={…})` chooses what the simulator serves."""
    marker = request.node.get_closest_marker("sim")
    kwargs = dict(marker.kwargs) if marker else {}
    kwargs.setdefault("platforms", ("hanweb",))
    with Simulator(seed=0, **kwargs) as sim:
        yield Harness(sim, tmp_path)


@pytest.fixture
def make_harness(tmp_path: Path) -> Iterator[Any]:
    """Build a harness for chosen platforms/switches inside the test (parametrized tests)."""
    sims: list[Simulator] = []

    def build(**kwargs: Any) -> Harness:
        sim = Simulator(seed=0, **kwargs)
        sim.start()
        sims.append(sim)
        return Harness(sim, tmp_path / str(len(sims)))

    yield build
    for sim in sims:
        sim.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sim(platforms, switches): simulator for `harness`")
