"""The crawl run report as types: a site's outcome, the run's status, and their JSON.

Why: the report is written to the manifests folder and the runs table, and read back by the
CLI, `gongkai status` and the workbench; its words ("ok", "failing", "cut_short"…) were bare
strings in each of them. The producer (crawler/runner.py) builds these dataclasses; `to_dict`
gives the JSON exactly as before (same keys, same order), so stored reports stay comparable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

# A site's outcome in one run.
SITE_OK: Final = "ok"
SITE_FAILING: Final = "failing"  # lists unreadable, nothing found, or a cap reached
SITE_BLOCKED: Final = "blocked"  # challenge or block pages, and nothing found
SITE_ROBOTS_FORBIDDEN: Final = "robots_forbidden"  # robots.txt refused, and nothing found
SITE_CUT_SHORT: Final = "cut_short"  # fine so far, but the run was stopped before it ended
SITE_OUTCOMES: Final = (SITE_OK, SITE_FAILING, SITE_BLOCKED, SITE_ROBOTS_FORBIDDEN, SITE_CUT_SHORT)

# A run's status (the runs table also holds "running" while a crawl is under way).
RUN_OK: Final = "ok"
RUN_FAILED: Final = "failed"  # at least one site's outcome is not ok
RUN_ABORTED: Final = "aborted"  # stopped by a signal (a deadline is "failed", cut short)
RUN_RUNNING: Final = "running"


@dataclass
class SiteReport:
    """One site's part of a run: its outcome and why, with the spider's counters.

    `counts` are the stats of crawler/stats.py as the crawl process wrote them (open-ended:
    a new counter needs no change here); `diagnosis` is crawler/causes.py's reading of them.
    """

    platform: str
    outcome: str
    reason: str
    clean_finish: bool
    counts: dict[str, Any] = field(default_factory=dict)
    captures_archived: int = 0
    diagnosis: dict[str, Any] = field(default_factory=dict)
    withdrawn: list[str] | None = None  # URLs marked withdrawn, set once they were marked

    @property
    def ok(self) -> bool:
        return self.outcome == SITE_OK

    def count(self, key: str) -> int:
        """One counter, 0 when the crawl never incremented it."""
        return int(self.counts.get(key, 0) or 0)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "platform": self.platform,
            "outcome": self.outcome,
            "reason": self.reason,
            "clean_finish": self.clean_finish,
            **self.counts,
            "captures_archived": self.captures_archived,
        }
        out.update(self.diagnosis)
        if self.withdrawn is not None:
            out["withdrawn"] = self.withdrawn
        return out


@dataclass
class CrawlReport:
    """One run: every site's report, the crawl processes, and how the run ended."""

    run_id: int | None
    started: float
    seconds: float
    sites: dict[str, SiteReport]
    processes: list[dict[str, Any]]
    ended: dict[str, Any]
    aborted: bool
    cut_short: bool
    allow_failures: bool

    @property
    def failing(self) -> list[str]:
        """Sites whose outcome is not ok, sorted."""
        return sorted(s for s, v in self.sites.items() if not v.ok)

    @property
    def status(self) -> str:
        return RUN_ABORTED if self.aborted else RUN_FAILED if self.failing else RUN_OK

    def totals(self) -> dict[str, int]:
        """The headline counters summed over the sites."""
        return {k: sum(v.count(k) for v in self.sites.values()) for k in TOTAL_KEYS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started": self.started,
            "seconds": self.seconds,
            "status": self.status,
            "failing": self.failing,
            "ended": self.ended,
            "cut_short": self.cut_short,
            "allow_failures": self.allow_failures,
            "sites": {k: v.to_dict() for k, v in self.sites.items()},
            "processes": self.processes,
            "totals": self.totals(),
        }


TOTAL_KEYS: Final = (
    "pages_fetched",
    "reports_found",
    "new",
    "changed",
    "unchanged",
    "failed",
    "blocked",
    "bytes_downloaded",
    "report_bytes_downloaded",
    "robots_refusals",
)
