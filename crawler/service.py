"""The service the jobs run against: a data folder and its database, opened on purpose.

Why not the CLI's `App`: the crawl and the extraction over the archive are jobs that a
scheduler, a test or another front end runs too; they need the paths and an engine, not a
click context. Opening is the one place the database is created and migrated to the current
schema (`init_db`), once per process that opens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from storage.config import Paths

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class Service:
    """A data folder (`paths`) with its database open (`engine`) at the current schema."""

    paths: Paths
    engine: Engine

    @classmethod
    def open(cls, paths: Paths) -> Service:
        """Open the database behind `paths`, creating it or migrating it to this version."""
        from storage.db import init_db, make_engine

        engine = make_engine(paths.db_url)
        init_db(engine)
        return cls(paths, engine)
