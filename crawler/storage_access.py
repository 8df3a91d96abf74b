"""The data folder and database of a crawl process, opened once for all its components.

The archiving middleware, the incremental middleware and the report pipeline all need them;
each used to resolve the folder and build (and migrate) its own engine.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

from storage.config import Paths, resolve
from storage.db import init_db, make_engine

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings
    from sqlalchemy.engine import Engine


def crawl_paths(settings: BaseSettings) -> Paths:
    """GONGKAI_DATA from the Scrapy settings, else the environment the runner set."""
    return resolve(settings.get("GONGKAI_DATA") or os.environ.get("GONGKAI_DATA"))


@cache
def _engine(url: str) -> Engine:
    engine = make_engine(url)
    init_db(engine)
    return engine


def crawl_engine(settings: BaseSettings) -> Engine:
    """One migrated engine per database URL and process."""
    return _engine(crawl_paths(settings).db_url)
