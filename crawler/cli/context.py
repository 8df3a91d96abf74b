"""What every command shares: the data folder and, opened on first use, the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from storage.config import Paths, resolve

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


@dataclass
class App:
    paths: Paths
    _engine: Engine | None = field(default=None, repr=False)

    @classmethod
    def from_option(cls, data: str | None) -> App:
        return cls(resolve(data))

    @property
    def engine(self) -> Engine:
        """The database engine, created (and its tables) when a command first needs it."""
        if self._engine is None:
            from storage.db import init_db, make_engine

            self._engine = make_engine(self.paths.db_url)
            init_db(self._engine)
        return self._engine
