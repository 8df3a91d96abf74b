"""The crawl run report as types: a site's outcome, the run's status, and their JSON.

Why: the report is written to the manifests folder and the runs table, and read back by the
CLI, `gongkai runs` and the workbench; its words ("ok", "failing", "cut_short"…) were bare
strings in each of them, and each reader looked its keys up by hand. The producer
(crawler/runner.py) builds these dataclasses; `to_dict` gives the JSON exactly as before (same
keys, same order), so stored reports stay comparable; `from_dict` / `load` read any stored
copy back, older ones (missing keys that came later) and partial run records included.

It lives in storage because storage keeps it (the runs table, the manifests folder) and the
workbench, which never imports the crawler, reads it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

# A site's outcome in one run.
SITE_OK: Final = "ok"
SITE_FAILING: Final = "failing"  # lists unreadable, nothing found, or a cap reached
SITE_BLOCKED: Final = "blocked"  # challenge or block pages, and nothing found
SITE_ROBOTS_FORBIDDEN: Final = "robots_forbidden"  # robots.txt refused, and nothing found
SITE_CUT_SHORT: Final = "cut_short"  # fine so far, but the run was stopped before it ended
SITE_OUTCOMES: Final = (SITE_OK, SITE_FAILING, SITE_BLOCKED, SITE_ROBOTS_FORBIDDEN, SITE_CUT_SHORT)
SITE_UNKNOWN: Final = "unknown"  # read back: a stored site entry that names no outcome

# A run's status (the runs table also holds "running" while a crawl is under way).
RUN_OK: Final = "ok"
RUN_FAILED: Final = "failed"  # at least one site's outcome is not ok
RUN_ABORTED: Final = "aborted"  # stopped by a signal (a deadline is "failed", cut short)
RUN_RUNNING: Final = "running"


# A site entry's own fields, and the diagnosis's keys (crawler/causes.py diagnose()), in the
# flat JSON of a site; every other key of an entry is a counter.
SITE_FIELDS: Final = (
    "platform",
    "outcome",
    "reason",
    "clean_finish",
    "captures_archived",
    "withdrawn",
)
DIAGNOSIS_KEYS: Final = ("cause", "causes", "failing_urls", "failing_count", "log")


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

    # the diagnosis (crawler/causes.py), empty for a site that is ok
    @property
    def cause(self) -> str | None:
        """The most frequent cause class."""
        return self.diagnosis.get("cause")

    @property
    def causes(self) -> dict[str, int]:
        """Cause class → failed or blocked requests."""
        return dict(self.diagnosis.get("causes") or {})

    @property
    def failing_urls(self) -> list[dict[str, Any]]:
        """A few examples: {url, cause, role, status}."""
        return list(self.diagnosis.get("failing_urls") or [])

    @property
    def failing_count(self) -> int:
        return int(self.diagnosis.get("failing_count") or 0)

    @property
    def log(self) -> str | None:
        """The crawl process's log file."""
        return self.diagnosis.get("log")

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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SiteReport:
        """A site entry as `to_dict` wrote it (or as `gongkai runs --json` shows it).

        The entry is flat: the named fields, the counters, the diagnosis. The diagnosis's keys
        are read as the diagnosis, every other key as a counter: the spider's own `causes`
        counter (an ok site that retried may have one) shares its name and its meaning with
        the diagnosis's, which replaces it in a failing site's entry. A key an older report
        lacks takes its default.
        """
        diagnosis = {k: data[k] for k in DIAGNOSIS_KEYS if k in data}
        named = {*SITE_FIELDS, *DIAGNOSIS_KEYS}
        withdrawn = data.get("withdrawn")
        return cls(
            platform=str(data.get("platform") or ""),
            outcome=str(data.get("outcome") or SITE_UNKNOWN),
            reason=str(data.get("reason") or ""),
            clean_finish=bool(data.get("clean_finish", False)),
            counts={k: v for k, v in data.items() if k not in named},
            captures_archived=int(data.get("captures_archived") or 0),
            diagnosis=diagnosis,
            withdrawn=list(withdrawn) if isinstance(withdrawn, list) else None,
        )


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
    # What only a stored copy holds: the runner adds the first three after writing the report,
    # other writers of the runs table the last two. Not part of to_dict.
    report_file: str | None = None
    manifest: str | None = None
    manifest_head: str | None = None
    error: str | None = None  # a crawl that stopped before it began
    aborted_by: str | None = None  # a run found dead later, or stopped by the scheduler
    # False for a run record that holds no runner's report (a crawl that never began, a run
    # found dead): its timings and totals are unknown, not zero
    finished: bool = True

    @property
    def failing(self) -> list[str]:
        """Sites whose outcome is not ok, sorted."""
        return sorted(s for s, v in self.sites.items() if not v.ok)

    @property
    def status(self) -> str:
        if self.aborted:
            return RUN_ABORTED
        return RUN_FAILED if self.failing or self.error else RUN_OK

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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CrawlReport:
        """A stored report: the runner's JSON (the report file, or the runs table's copy
        without each site's `reports`), or a partial run record (`error`, `aborted_by`).

        A key an older report lacks takes its default; `status`, `failing` and `totals` are
        derived again from the sites, as when the report was written.
        """
        ended = data.get("ended")
        aborted_by = data.get("aborted_by")
        return cls(
            run_id=_int_or_none(data.get("run_id")),
            started=float(data.get("started") or 0.0),
            seconds=float(data.get("seconds") or 0.0),
            sites={
                str(k): SiteReport.from_dict(v)
                for k, v in (data.get("sites") or {}).items()
                if isinstance(v, Mapping)
            },
            processes=list(data.get("processes") or []),
            ended=dict(ended) if isinstance(ended, Mapping) else {},
            aborted=data.get("status") == RUN_ABORTED or bool(aborted_by),
            cut_short=bool(data.get("cut_short", False)),
            allow_failures=bool(data.get("allow_failures", False)),
            report_file=_str_or_none(data.get("report_file")),
            manifest=_str_or_none(data.get("manifest")),
            manifest_head=_str_or_none(data.get("manifest_head")),
            error=_str_or_none(data.get("error")),
            aborted_by=_str_or_none(aborted_by),
            finished="seconds" in data,
        )

    @classmethod
    def load(cls, path: Path) -> CrawlReport:
        """A report file (`manifests/run-<id>.report.json`); OSError or ValueError if it
        cannot be read."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, Mapping):
            raise ValueError(f"{path}: not a run report")
        return cls.from_dict(data)


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


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
