"""One time convention: stored in UTC, shown in the operator's timezone with its offset.

Why: the database stores naive UTC (SQLite has no time zones), the scheduler thinks in
Asia/Shanghai, and a reader comparing a log line with `runs` must not have to guess which is
which.  Every time a person or a program reads is ISO 8601 with an explicit offset, in the
display timezone: env GONGKAI_TZ, else the schedule's default (Asia/Shanghai).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"
TZ_ENV = "GONGKAI_TZ"


def display_tz(name: str | None = None) -> ZoneInfo:
    """The timezone times are shown in: `name`, else $GONGKAI_TZ, else Asia/Shanghai."""
    return ZoneInfo(name or os.environ.get(TZ_ENV) or DEFAULT_TZ)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC (how the database stores it)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def show(value: datetime | float | str | None, tz: str | None = None) -> str | None:
    """ISO 8601 with offset in the display timezone, to the second; None stays None.

    Accepts a datetime (naive = UTC), a POSIX timestamp or an ISO string.
    """
    if value is None:
        return None
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, UTC)
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value)
    else:
        moment = value
    return as_utc(moment).astimezone(display_tz(tz)).isoformat(timespec="seconds")


# Scrapy's log lines in a crawl's log file: ISO 8601 with the offset, in the display timezone
# (the subprocess's local time is set to it with TZ; %z prints the offset as +0800).
LOG_TIME_SETTINGS = {"LOG_DATEFORMAT": "%Y-%m-%dT%H:%M:%S%z"}


def log_time_env() -> dict[str, str]:
    """Environment for a crawl subprocess: its local time is the display timezone."""
    return {"TZ": display_tz().key, TZ_ENV: display_tz().key}
