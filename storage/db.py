"""Engine and sessions for the embedded default (SQLite) or PostgreSQL, schema by Alembic.

`init_db` brings any database to the Alembic head, the same way on both backends; several
processes of one crawl call it at once, so it is serialised (a PostgreSQL advisory lock, a
file lock beside the SQLite file) and returns at once when the schema is already current.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, create_engine

from storage import models  # noqa: F401  (registers the tables on SQLModel.metadata)

MIGRATIONS = Path(__file__).with_name("migrations")
_MIGRATE_LOCK_KEY = 0x67_6F_6E_67  # "gong": the advisory lock id for schema upgrades
_current: set[str] = set()  # engine URLs already at head in this process


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL and a busy timeout so a crawl and a reader can share it."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never corrupt
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(connection: Connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(conn: Connection) -> None:
    from alembic import command

    cfg = _alembic_config(conn)
    if _revision(conn) is None and inspect(conn).has_table("capture"):
        # a database made by create_all before migrations existed: adopt it as the first
        # revision, then upgrade as usual
        command.stamp(cfg, "0001")
    command.upgrade(cfg, "head")


@contextmanager
def _sqlite_lock(url: str) -> Iterator[None]:
    lock_path = Path(url.removeprefix("sqlite:///") + ".migrate.lock")
    with open(lock_path, "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def init_db(engine: Engine) -> None:
    """Run the Alembic migrations up to head (fast no-op when already there)."""
    key = engine.url.render_as_string(hide_password=False)
    if key in _current:
        return
    head = head_revision()
    with engine.connect() as conn:
        if _revision(conn) == head:
            _current.add(key)
            return
    if engine.dialect.name == "sqlite":
        url = str(engine.url)
        lock = _sqlite_lock(url) if url.startswith("sqlite:///") else _null()
        with lock, engine.begin() as conn:
            if _revision(conn) != head:
                _upgrade(conn)
    else:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATE_LOCK_KEY})
            if _revision(conn) != head:
                _upgrade(conn)
    _current.add(key)


@contextmanager
def _null() -> Iterator[None]:
    yield


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
