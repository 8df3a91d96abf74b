"""Run a crawl: one CrawlRun row, Scrapy in subprocesses, per-site outcomes, a run report.

Scrapy runs in a subprocess (`python -m scrapy crawl <platform> -a site=<ids>`) because the
Twisted reactor cannot be restarted: the CLI and the scheduler can call `run_crawl` any number
of times.  Sites of one platform share a process (start-up is paid once per batch).
Outcomes are loud: a site with no reports — or whose list pages no longer parse — is
`failing`; challenge pages make it `blocked`, robots.txt refusals `robots_forbidden`; a run
stopped by its deadline or a signal leaves its unfinished sites `cut_short`, with the URLs
that were in flight and the captures archived.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlmodel import col, func, select

from crawler.causes import diagnose
from crawler.clock import LOG_TIME_SETTINGS, log_time_env
from crawler.registry import SiteEntry, load_registry, select_sites
from crawler.service import Service
from storage import crud
from storage.db import session_scope
from storage.models import Capture, Document
from storage.runreport import (
    SITE_BLOCKED,
    SITE_CUT_SHORT,
    SITE_FAILING,
    SITE_OK,
    SITE_ROBOTS_FORBIDDEN,
    CrawlReport,
    SiteReport,
)
from storage.versions import mark_run_outcome
from storage.warc.manifest import recover, write_run_manifest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BATCH = 10  # sites per subprocess: bounds a crawl process's memory whatever the registry size
POLITENESS_OFF = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 64,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


def _batches(sites: list[SiteEntry]) -> list[tuple[str, list[SiteEntry]]]:
    by_platform: dict[str, list[SiteEntry]] = {}
    for site in sites:
        by_platform.setdefault(site.platform, []).append(site)
    return [
        (platform, group[i : i + BATCH])
        for platform, group in sorted(by_platform.items())
        for i in range(0, len(group), BATCH)
    ]


def _command(
    platform: str, sites: list[SiteEntry], sites_file: Path, overrides: dict[str, Any]
) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        platform,
        "-a",
        "site=" + ",".join(s.id for s in sites),
        "-a",
        f"sites_file={sites_file}",
    ]
    for key, value in overrides.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


class _Termination:
    """SIGTERM/SIGINT while crawling, or the run deadline: stop starting batches and let the
    run be recorded as aborted. SIGTERM (and the deadline) is passed on to the running Scrapy
    processes, which then close gracefully; SIGINT is not, since a terminal's Ctrl-C already
    reached the whole process group and a second signal would make Scrapy stop uncleanly.

    A graceful close can wait for ever on a download that never ends, so it is bounded: a
    second SIGTERM/SIGINT, or `grace` seconds after the first stop, SIGKILLs the processes
    (their live statistics snapshot still tells the run report what was in flight)."""

    def __init__(self, grace: float = 120.0) -> None:
        self.requested: int | None = None
        self.reason: str | None = None  # "SIGTERM" | "SIGINT" | "deadline"
        self.since: float | None = None  # monotonic time of the first stop
        self.grace = grace
        self.killed: list[int] = []
        self.running: dict[int, Any] = {}
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _Termination:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, _frame: Any) -> None:
        if self.requested is not None:  # a second signal: stop at once
            self.kill("a second " + signal.Signals(signum).name)
            return
        self.stop(signum, signal.Signals(signum).name)

    def stop(self, signum: int, reason: str) -> None:
        """The first stop: remember why; forward SIGTERM (a deadline counts as one)."""
        self.requested, self.reason, self.since = signum, reason, time.monotonic()
        print(
            f"gongkai: {reason}: stopping the crawl gracefully (at most {self.grace:.0f}s); "
            "send the signal again to stop at once",
            file=sys.stderr,
            flush=True,
        )
        if signum != signal.SIGTERM:
            return
        for pid in list(self.running):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    def kill(self, why: str) -> None:
        """SIGKILL every running crawl process (once each)."""
        for pid in list(self.running):
            if pid in self.killed:
                continue
            self.killed.append(pid)
            print(f"gongkai: {why}: killing crawl process {pid}", file=sys.stderr, flush=True)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def check_clock(self, deadline: float | None) -> None:
        """Called while waiting: the run deadline starts a stop, the grace ends it."""
        now = time.monotonic()
        if self.requested is None and deadline is not None and now >= deadline:
            self.stop(signal.SIGTERM, "deadline")
        elif self.since is not None and now >= self.since + self.grace:
            self.kill(f"still running {self.grace:.0f}s after {self.reason}")


def _reap(pids: list[int]) -> tuple[int, int, Any] | None:
    """wait4 on our own crawl processes only (never reaping a child someone else started)."""
    for pid in pids:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return done, status, usage
    return None


def _run_processes(
    jobs: list[tuple[list[str], dict[str, str], Path]],
    parallel: int,
    stop: _Termination,
    deadline: float | None = None,
) -> list[dict[str, Any]]:
    """Run the crawl subprocesses (at most `parallel` at once); wall/CPU/peak RSS of each.
    `deadline` (monotonic) stops the run as a SIGTERM would."""
    results: list[dict[str, Any]] = [{} for _ in jobs]
    running = stop.running
    pending = list(enumerate(jobs))
    while pending or running:
        stop.check_clock(deadline)
        if stop.requested is not None:
            pending.clear()  # batches not started stay unstarted
            if not running:
                break
        while pending and len(running) < parallel and stop.requested is None:
            index, (cmd, env, log) = pending.pop(0)
            with open(log, "wb") as fh:
                proc = subprocess.Popen(
                    cmd, cwd=PROJECT_ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT
                )
            running[proc.pid] = (index, proc, time.monotonic())
            if stop.requested == signal.SIGTERM:  # it came while this one was starting
                with contextlib.suppress(ProcessLookupError):
                    os.kill(proc.pid, signal.SIGTERM)
        ended = _reap(list(running))
        if ended is None:
            time.sleep(0.05)
            continue
        pid, status, usage = ended
        index, proc, began = running.pop(pid)
        proc.returncode = os.waitstatus_to_exitcode(status)
        results[index] = {
            "returncode": proc.returncode,
            "wall_s": time.monotonic() - began,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "max_rss_kb": usage.ru_maxrss,
            "log": str(jobs[index][2]),
        }
    return results


def site_outcome(counts: dict[str, Any] | None, had_reports: int) -> tuple[str, str]:
    """(outcome, reason) for one site's counters."""
    if counts is None:
        return SITE_FAILING, "the crawl process ended without statistics"
    cut = cap_reason(counts)
    found = counts.get("reports_found", 0)
    if counts.get("robots_refusals", 0) and not found:
        return SITE_ROBOTS_FORBIDDEN, f"robots.txt refused {counts['robots_refusals']} request(s)"
    if counts.get("blocked", 0) and not found:
        kinds = sorted({e["kind"] for e in counts.get("block_evidence", [])})
        return SITE_BLOCKED, f"challenge/block responses: {', '.join(kinds) or counts['blocked']}"
    if counts.get("platform_unsupported", 0):
        return SITE_FAILING, unsupported_reason(counts)
    if counts.get("lists_unparsed", 0):
        return SITE_FAILING, f"{counts['lists_unparsed']} list page(s) no longer parse"
    if counts.get("lists_truncated", 0):
        return SITE_FAILING, (
            f"{counts['lists_truncated']} list window(s) truncated: they hold more rows "
            "than could be read"
        )
    if counts.get("lists_failed", 0):
        return SITE_FAILING, f"{counts['lists_failed']} list page(s) could not be fetched"
    if cut:
        return SITE_FAILING, cut
    if not found:
        before = f" (it had {had_reports} before)" if had_reports else ""
        return SITE_FAILING, f"no reports found{before}"
    return SITE_OK, ""


def unsupported_reason(counts: dict[str, Any]) -> str:
    """ "platform X recognised, not supported: why" for each such platform a site showed."""
    found = counts.get("platform_unsupported_by") or {}
    return (
        "; ".join(found) or f"{counts['platform_unsupported']} page(s) of an unsupported platform"
    )


def cap_reason(counts: dict[str, Any]) -> str:
    """Why a site's crawl was cut short by a cap ("" if it was not)."""
    parts = []
    if counts.get("requests_capped"):
        parts.append(f"request cap reached: {counts['requests_capped']} request(s) not sent")
    if counts.get("list_links_capped"):
        parts.append(
            f"link cap reached on {counts['list_links_capped']} page(s): "
            "the rest of their links were not followed"
        )
    return "; ".join(parts)


def _run_limits(overrides: dict[str, Any], deadline: float | None) -> tuple[float, float]:
    """(deadline seconds, kill grace seconds): argument, else --set override, else settings."""
    from crawler import settings

    if deadline is None:
        deadline = float(overrides.get("GONGKAI_RUN_DEADLINE", settings.GONGKAI_RUN_DEADLINE))
    grace = float(overrides.get("GONGKAI_KILL_GRACE", settings.GONGKAI_KILL_GRACE))
    return deadline, grace


def _captures_archived(service: Service, run_id: int | None) -> dict[str, int]:
    """Captures this run archived, per site (true even for a killed crawl process)."""
    with session_scope(service.engine) as session:
        rows = session.exec(
            select(Capture.site_id, func.count())
            .where(Capture.run_id == run_id)
            .group_by(col(Capture.site_id))
        )
        return {site: n for site, n in rows.all() if site}


def _documents_before(service: Service, site_ids: Iterable[str]) -> dict[str, int]:
    with session_scope(service.engine) as session:
        rows = session.exec(
            select(Document.site_id, func.count())
            .where(col(Document.site_id).in_(list(site_ids)))
            .group_by(col(Document.site_id))
        )
        return dict(rows.all())


def run_crawl(
    service: Service,
    *,
    sites_file: str | Path,
    site_ids: Iterable[str] = (),
    allow_failures: bool = False,
    settings_overrides: dict[str, Any] | None = None,
    parallel: int | None = None,
    deadline: float | None = None,
) -> dict[str, Any]:
    """Crawl the chosen sites and return the run report (also written to the manifests).

    `deadline`: seconds the whole run may take (default GONGKAI_RUN_DEADLINE); then it is
    stopped like a SIGTERM and reported as cut short, with what it had archived."""
    sites_file = Path(sites_file).resolve()
    sites = select_sites(load_registry(sites_file), site_ids)
    with session_scope(service.engine) as session:
        crud.mark_dead_runs(session=session)  # a killed crawl never finished its row
        recover(service.paths, session)  # seal what a killed run left before this run writes
    with session_scope(service.engine) as session:
        for site in sites:
            crud.upsert_site(session=session, entry=site.as_dict())
        run_id = crud.start_run(session=session, site_ids=[s.id for s in sites]).id
    had = _documents_before(service, [s.id for s in sites])
    started = time.time()
    logs = service.paths.data / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"gongkai-run-{run_id}-"))
    jobs = []
    for n, (platform, group) in enumerate(_batches(sites)):
        env = {
            **os.environ,
            "GONGKAI_DATA": str(service.paths.data),
            "GONGKAI_DB_URL": service.paths.db_url,
            "GONGKAI_RUN_ID": str(run_id),
            "GONGKAI_STATS_FILE": str(work / f"{n}.json"),
            "SCRAPY_SETTINGS_MODULE": "crawler.settings",
            **log_time_env(),
        }
        cmd = _command(
            platform, group, sites_file, {**LOG_TIME_SETTINGS, **(settings_overrides or {})}
        )
        jobs.append((cmd, env, logs / f"run-{run_id}-{n}-{platform}.log"))
    limit, grace = _run_limits(dict(settings_overrides or {}), deadline)
    with _Termination(grace) as stop:
        processes = _run_processes(
            jobs,
            parallel or max(1, min(4, os.cpu_count() or 1)),
            stop,
            deadline=time.monotonic() + limit,
        )
    archived = _captures_archived(service, run_id)
    per_site: dict[str, SiteReport] = {}
    for n, (platform, group) in enumerate(_batches(sites)):
        stats_path = work / f"{n}.json"
        data = json.loads(stats_path.read_text("utf-8")) if stats_path.exists() else {}
        processes[n].update(platform=platform, sites=[s.id for s in group])
        if data.get("peak_rss_kb"):
            processes[n]["max_rss_kb"] = data["peak_rss_kb"]
        # a batch that did not end normally may have lost items: its lists prove no absence
        clean = processes[n].get("returncode") == 0 and data.get("finish_reason") == "finished"
        for site in group:
            counts = data.get("sites", {}).get(site.id)
            outcome, reason = site_outcome(counts, had.get(site.id, 0))
            entry = SiteReport(
                platform=platform,
                outcome=outcome,
                reason=reason,
                clean_finish=clean,
                counts=dict(counts or {}),
                captures_archived=archived.get(site.id, 0),
                diagnosis=diagnose(counts, outcome, processes[n].get("log")),
            )
            if stop.reason is not None and not clean:  # what it found is not all there is
                entry.reason = _cut_short(stop, limit, reason)
                if outcome == SITE_OK:
                    entry.outcome = SITE_CUT_SHORT
            per_site[site.id] = entry
    shutil.rmtree(work, ignore_errors=True)
    aborted = stop.requested is not None
    if not aborted:
        _mark_withdrawn(service, run_id, per_site)
    ended = {
        "reason": stop.reason or "completed",
        "deadline_s": limit,
        "killed_processes": stop.killed,
    }
    report = CrawlReport(
        run_id=run_id,
        started=started,
        seconds=time.time() - started,
        sites=per_site,
        processes=processes,
        ended=ended,
        aborted=aborted,
        cut_short=stop.reason is not None,
        allow_failures=allow_failures,
    ).to_dict()
    service.paths.manifests.mkdir(parents=True, exist_ok=True)
    path = service.paths.manifests / f"run-{run_id}.report.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    report["report_file"] = str(path)
    slim = {
        **report,
        "sites": {
            k: {x: y for x, y in v.items() if x != "reports"} for k, v in report["sites"].items()
        },
    }
    with session_scope(service.engine) as session:
        crud.finish_run(session=session, run_id=run_id or 0, status=report["status"], report=slim)
    with session_scope(service.engine) as session:
        sealed = write_run_manifest(service.paths, session, run_id or 0)
    report["manifest"] = sealed.manifest
    report["manifest_head"] = sealed.head  # the digest to publish outside the data folder
    path.write_text(
        json.dumps(
            {k: v for k, v in report.items() if k != "report_file"}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )
    return report


def _cut_short(stop: _Termination, limit: float, reason: str) -> str:
    """A cut-short site's reason: why the run ended, then what its counters say."""
    why = (
        f"run deadline of {limit:.0f}s reached"
        if stop.reason == "deadline"
        else f"stopped by {stop.reason}"
    )
    killed = "; crawl process killed" if stop.killed else ""
    return f"cut short: {why}{killed}" + (f" ({reason})" if reason else "")


def _mark_withdrawn(service: Service, run_id: int | None, per_site: dict[str, SiteReport]) -> None:
    """Reports a site no longer lists become `withdrawn` — only when its lists were all read,
    since an unread list proves nothing (their archived copies are untouched)."""
    with session_scope(service.engine) as session:
        for site_id, info in per_site.items():
            # any failed request (a list page, a dataproxy window, a report) may hide a
            # listed report: then absence from the lists proves nothing
            complete = (
                info.ok
                and info.clean_finish
                and not any(
                    info.counts.get(k)
                    for k in (
                        "lists_failed",
                        "lists_unparsed",
                        "lists_truncated",
                        "platform_unsupported",
                        "failed",
                        "blocked",
                        "spider_errors",
                        "items_dropped",
                        "requests_capped",
                        "list_links_capped",
                    )
                )
            )
            seen = {r["url"] for r in info.counts.get("reports", [])} if complete else None
            outcome = mark_run_outcome(
                session, run_id, site_id, seen, info.counts.get("gone") or {}
            )
            info.withdrawn = outcome.withdrawn
