"""Where gongkai keeps its data: one folder for the database and the archive.

`--data DIR` (or env GONGKAI_DATA, default ./data) holds `gongkai.sqlite` and `archive/`;
env GONGKAI_DB_URL overrides the database with any SQLAlchemy URL (PostgreSQL in production).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    """The resolved locations of one gongkai data folder."""

    data: Path
    db_url: str

    @property
    def archive(self) -> Path:
        return self.data / "archive"

    @property
    def warc_dir(self) -> Path:
        return self.archive / "warc"

    @property
    def manifests(self) -> Path:
        return self.archive / "manifests"

    @property
    def export(self) -> Path:
        return self.data / "export"


def resolve(data: str | os.PathLike[str] | None = None) -> Paths:
    """Paths for an explicit folder, else $GONGKAI_DATA, else ./data."""
    folder = Path(data or os.environ.get("GONGKAI_DATA") or "data").absolute()
    db_url = os.environ.get("GONGKAI_DB_URL") or f"sqlite:///{folder / 'gongkai.sqlite'}"
    return Paths(folder, db_url)
