"""Structured logs: every line carries the context it belongs to (run id, site, job).

Why: a nightly job is read afterwards by grep or a log shipper, so each line must say which
run it is about without the reader reconstructing it.  On a terminal lines are
`time level logger message key=value…`; elsewhere (systemd, cron, files) or with
GONGKAI_LOG_JSON=1 they are one JSON object per line.

    from crawler.logs import event, get_logger, log_context, setup_logging
    setup_logging()
    log = get_logger("gongkai.scheduler")
    with log_context(run_id=12, site="sh-putuo"):
        event(log, "crawl started", urls=40)
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

_CONTEXT: ContextVar[dict[str, Any]] = ContextVar("gongkai_log_context", default={})  # noqa: B039


def current_context() -> dict[str, Any]:
    return dict(_CONTEXT.get())


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add fields (run_id=…, site=…) to every log line emitted inside the block."""
    token = _CONTEXT.set({**_CONTEXT.get(), **fields})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def bind(**fields: Any) -> None:
    """Add fields to the context for the rest of this thread/task (e.g. a process's run id)."""
    _CONTEXT.set({**_CONTEXT.get(), **fields})


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    out = dict(getattr(record, "ctx", None) or {})
    out.update(getattr(record, "fields", None) or {})
    return out


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "ctx"):
            record.ctx = _CONTEXT.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (UTC ISO), level, logger, msg, then the fields."""

    def format(self, record: logging.LogRecord) -> str:
        obj: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info:
            obj["exc"] = self.formatException(record.exc_info)
        return json.dumps(obj, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Human lines with the fields appended as key=value; the time is ISO 8601 with its
    offset, in the display timezone (crawler.clock), like every other time shown."""

    def format(self, record: logging.LogRecord) -> str:
        from crawler.clock import show

        stamp = show(record.created)
        tail = " ".join(f"{k}={v}" for k, v in _fields(record).items())
        line = f"{stamp} {record.levelname:<7} {record.name}: {record.getMessage()}"
        line = f"{line} {tail}" if tail else line
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def wants_json(stream: IO[str]) -> bool:
    flag = os.environ.get("GONGKAI_LOG_JSON")
    if flag is not None:
        return flag not in ("", "0", "false", "no")
    return not (hasattr(stream, "isatty") and stream.isatty())


def setup_logging(
    level: str | int = "INFO",
    *,
    json_lines: bool | None = None,
    stream: IO[str] | None = None,
    logger: str = "",
) -> logging.Handler:
    """Install one handler on `logger` (root by default); idempotent across calls."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    handler.addFilter(_ContextFilter())
    use_json = wants_json(stream) if json_lines is None else json_lines
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    handler._gongkai = True  # type: ignore[attr-defined]
    target = logging.getLogger(logger)
    for old in [h for h in target.handlers if getattr(h, "_gongkai", False)]:
        target.removeHandler(old)
    target.addHandler(handler)
    target.setLevel(level if isinstance(level, int) else level.upper())
    return handler


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(name)


def event(logger: logging.Logger, msg: str, *, level: int = logging.INFO, **fields: Any) -> None:
    """Log `msg` with structured fields (they become JSON keys or key=value pairs)."""
    logger.log(level, msg, extra={"fields": fields})


# Scrapy's start-up dumps (settings, enabled components, telnet password): useful when
# debugging, noise above a crawl's real causes otherwise.
_DUMPS = {
    "scrapy.crawler": ("Overridden settings",),
    "scrapy.middleware": ("Enabled ",),
    "scrapy.addons": ("Enabled addons",),
    "scrapy.extensions.telnet": ("Telnet",),
    "scrapy.utils.log": ("Scrapy ", "Versions:", "Using reactor", "Using asyncio"),
    "alembic.runtime.plugins": ("setup plugin",),
}
# Loggers whose errors carry a traceback of Scrapy internals: the message line says it all.
_ONE_LINE = ("scrapy.downloadermiddlewares.robotstxt",)


class _DemoteToDebug(logging.Filter):
    """Re-level matching records to DEBUG, so a handler at INFO or above drops them."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG and str(record.msg).startswith(self.prefixes):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


class _NoTraceback(logging.Filter):
    """Drop the traceback of a record (its message names the error already)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text = None, None
        return True


def demote_scrapy_dumps() -> None:
    """Scrapy's settings dump and component lists only at LOG_LEVEL=DEBUG; the robots.txt
    middleware's errors on one line (idempotent)."""
    for name, prefixes in _DUMPS.items():
        target = logging.getLogger(name)
        if not any(isinstance(f, _DemoteToDebug) for f in target.filters):
            target.addFilter(_DemoteToDebug(prefixes))
    for name in _ONE_LINE:
        target = logging.getLogger(name)
        if not any(isinstance(f, _NoTraceback) for f in target.filters):
            target.addFilter(_NoTraceback())
