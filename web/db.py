"""The workbench's database connection: opened read-only, never migrated.

Why read-only at the connection, not just by discipline: a bug (or a hostile request) in
a web application must not be able to change the audit trail.  SQLite is opened with the
`mode=ro` URI; PostgreSQL sessions are set to read-only transactions.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine


class DatabaseMissing(RuntimeError):
    """The data folder has no database to show."""


def readonly_url(db_url: str) -> str:
    """The SQLite URL rewritten to open the file read-only (other backends unchanged)."""
    if not db_url.startswith("sqlite:///"):
        return db_url
    path = Path(db_url.removeprefix("sqlite:///"))
    if not path.is_file():
        raise DatabaseMissing(f"no database at {path}")
    return f"sqlite:///file:{quote(str(path.absolute()))}?mode=ro&uri=true"


def readonly_engine(db_url: str) -> Engine:
    """An engine whose every connection refuses writes."""
    url = readonly_url(db_url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_readonly(conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = conn.cursor()
            cur.execute("PRAGMA query_only=ON")
            cur.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "connect")
    def _pg_readonly(conn, _record) -> None:  # type: ignore[no-untyped-def]
        autocommit = conn.autocommit
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cur.close()
        conn.autocommit = autocommit

    return engine
