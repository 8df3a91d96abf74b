"""Alembic environment: runs on the connection storage.db hands over (no alembic.ini needed).

`alembic -x url=...` also works from the command line for writing new revisions:
`alembic -c storage/migrations/alembic.ini revision --autogenerate -m "..."`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from storage import models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    assert url, "no database URL: pass -x url=... or set sqlalchemy.url"
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
