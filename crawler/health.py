"""The one health answer behind `gongkai runs`: did the newest crawl, scheduled or not, work?

Why a module of its own: a crawl can fail in ways that never reach a CrawlRun row — the
scheduler's subprocess exits 1 before recording anything, the registry does not parse — and
an alert that only reads the runs table stays silent on exactly those nights.  Here the
scheduler's history and crawls that could not start are folded into the same verdict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crawler.service import Service
from storage.runreport import RUN_FAILED

BAD_SCHEDULED = {"failed", "aborted"}
CONFIG_ERROR = "config_error"  # history event: the scheduler could not start from its config


def history_path(data: Path) -> Path:
    return data / "schedule" / "history.jsonl"


def last_scheduled(data: Path) -> dict[str, Any] | None:
    """The newest `end` line of the scheduler's history (one scheduled execution), if any.

    A torn last line (the scheduler killed mid-write) is skipped, not fatal.
    """
    path = history_path(data)
    if not path.exists():
        return None
    newest = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("event") in ("end", CONFIG_ERROR):
            newest = entry
    return newest


def record_schedule_error(data: Path, message: str) -> None:
    """The scheduler refused to start (unreadable registry or schedule): one history line,
    shaped like a failed execution, so the alert on `runs` fires."""
    from datetime import UTC, datetime

    path = history_path(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {
        "ts": datetime.now(UTC).isoformat(),
        "event": CONFIG_ERROR,
        "job": "scheduler",
        "outcome": "failed",
        "exit_code": 1,
        "run_ids": [],
        "error": message,
    }
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def scheduled_alert(entry: dict[str, Any] | None) -> bool:
    return entry is not None and entry.get("outcome") in BAD_SCHEDULED


def record_unstarted_crawl(
    service: Service, *, sites_file: str | Path, site_ids: list[str], error: str
) -> int:
    """A crawl that stopped before it began (unreadable registry, unknown site id) still
    leaves a failed CrawlRun row, so `runs` reports it instead of the previous good run."""
    from storage import crud
    from storage.db import session_scope

    with session_scope(service.engine) as session:
        run = crud.start_run(session=session, site_ids=list(site_ids))
        run_id = run.id or 0
        report = {
            **(run.report or {}),
            "run_id": run_id,
            "status": RUN_FAILED,
            "error": error,
            "sites_file": str(sites_file),
            "sites": {},
        }
        crud.finish_run(session=session, run_id=run_id, status=RUN_FAILED, report=report)
    return run_id
