"""Isolated databases for tests: a temp SQLite file, or a fresh PostgreSQL schema per test.

Set GONGKAI_TEST_DB_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run the
suite on PostgreSQL; each test then gets its own schema, selected through the connection's
search_path in the URL, so subprocesses (the CLI, a killed crawl) see the same schema.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ENV = "GONGKAI_TEST_DB_URL"

TESTS = Path(__file__).resolve().parents[1]
# Folders whose tests never open a database: they run on one backend only (tests/conftest.py);
# tests/test_backend_split.py checks that they cannot reach one.
BACKEND_INDEPENDENT = (TESTS / "extract",)


def backend_independent(path: Path) -> bool:
    """True for a test file that cannot touch a database, so one backend is enough for it."""
    return any(path.is_relative_to(folder) for folder in BACKEND_INDEPENDENT)


# `make test` with PostgreSQL (--split-backends): the fast tier runs on both backends, and each
# integration test once, on the backend it concerns. Tests of stored state (the archive index,
# versions, runs, exports, the workbench, the scheduler's job store, the demo) run on
# PostgreSQL, the production database; crawler behaviour (discovery, hostile sites, explain,
# DNS), extraction and the simulator run on SQLite. The kill test runs on both: a SIGKILL
# mid-write is where the two databases differ most. `make test-sqlite` / `make test-pg` still
# run every test on one backend.
STORED_STATE = tuple(
    TESTS / part
    for part in (
        "storage",
        "export",
        "web",
        "ops",
        "test_end_to_end.py",
        "test_pipeline_extract.py",
        "crawler/test_incremental.py",
        "crawler/test_run_lifecycle.py",
        "crawler/test_crawl_job.py",
    )
)
BOTH_BACKENDS = (TESTS / "test_kill.py",)


def split_backend(path: Path) -> str:
    """The backend an integration test runs on under --split-backends: "both", "postgresql"
    (stored state) or "sqlite" (everything else)."""
    if any(path == p or path.is_relative_to(p) for p in BOTH_BACKENDS):
        return "both"
    return "postgresql" if any(path.is_relative_to(p) for p in STORED_STATE) else "sqlite"


def backend() -> str:
    url = os.environ.get(ENV, "")
    return "postgresql" if url.startswith("postgresql") else "sqlite"


@contextmanager
def isolated_db_url(tmp: Path) -> Iterator[str]:
    """Yield a database URL nobody else uses; drop it afterwards."""
    base = os.environ.get(ENV, "")
    if not base.startswith("postgresql"):
        yield f"sqlite:///{tmp / 'test.sqlite'}"
        return
    from sqlalchemy import create_engine, text

    schema = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
