"""Fixtures for the storage tests: an isolated database (SQLite, or PostgreSQL when
GONGKAI_TEST_DB_URL is set), a data folder, and scrapy exchanges fed to the middleware."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.http import Request, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session

from crawler.archiving import WarcArchiveMiddleware
from storage import crud
from storage.config import Paths
from storage.db import init_db, make_engine
from storage.warc.writer import WarcArchive
from support.db import isolated_db_url


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    with isolated_db_url(tmp_path) as url:
        yield url


@pytest.fixture
def paths(tmp_path: Path, db_url: str) -> Paths:
    return Paths(tmp_path / "data", db_url)


@pytest.fixture
def engine(paths: Paths) -> Iterator[Engine]:
    eng = make_engine(paths.db_url)
    init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


class Crawl:
    """One simulated crawl run: a CrawlRun row and a middleware writing its WARCs."""

    def __init__(self, paths: Paths, engine: Engine, *, max_file_bytes: int = 1 << 20) -> None:
        self.paths, self.engine = paths, engine
        with Session(engine) as s:
            run = crud.start_run(session=s, site_ids=["site-a"])
            s.commit()
            self.run_id = run.id or 0
        self.archive = WarcArchive(
            paths.warc_dir, run_id=self.run_id, max_file_bytes=max_file_bytes, fsync=False
        )
        self.mw = WarcArchiveMiddleware(self.archive, engine, self.run_id, "site-a")

    def fetch(
        self,
        url: str,
        body: bytes,
        *,
        status: int = 200,
        headers: dict | None = None,
        meta: dict | None = None,
        req_headers: dict | None = None,
    ) -> Request:
        request = Request(url, meta=dict(meta or {}), headers=req_headers or {})
        hdrs = {"Content-Type": "application/pdf", **(headers or {})}
        response = Response(url, status=status, body=body, headers=hdrs, request=request)
        self.mw.process_response(request, response)
        return request

    def finish(self) -> None:
        from storage.warc.manifest import write_run_manifest

        self.archive.close()
        with Session(self.engine) as s:
            crud.finish_run(session=s, run_id=self.run_id, status="ok", report={})
            s.commit()
            write_run_manifest(self.paths, s, self.run_id)


@pytest.fixture
def crawl(paths: Paths, engine: Engine):  # type: ignore[no-untyped-def]
    """Factory: crawl() starts a new simulated run."""
    return lambda **kw: Crawl(paths, engine, **kw)
