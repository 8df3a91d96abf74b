"""Run a crawl: one CrawlRun row, Scrapy in subprocesses, per-site outcomes, a run report.

Scrapy runs in a subprocess (`python -m scrapy crawl <platform> -a site=<ids>`) because the
Twisted reactor cannot be restarted: the CLI and the scheduler can call `run_crawl` any number
of times.  Sites of one platform share a process (start-up is paid once per batch).
Outcomes are loud: a site with no reports — or whose list pages no longer parse — is
`failing`; challenge pages make it `blocked`, robots.txt refusals `robots_forbidden`.
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

from sqlmodel import func, select

from crawler.causes import diagnose
from crawler.cli.context import App
from crawler.clock import LOG_TIME_SETTINGS, log_time_env
from crawler.registry import SiteEntry, load_registry, select_sites
from storage import crud
from storage.db import session_scope
from storage.manifest import recover, write_run_manifest
from storage.models import Document
from storage.versions import mark_run_outcome

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BATCH = 10  # sites per subprocess: bounds a crawl process's memory whatever the registry size
POLITENESS_OFF = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                  "CONCURRENT_REQUESTS": 64, "CONCURRENT_REQUESTS_PER_DOMAIN": 16}


def _batches(sites: list[SiteEntry]) -> list[tuple[str, list[SiteEntry]]]:
    by_platform: dict[str, list[SiteEntry]] = {}
    for site in sites:
        by_platform.setdefault(site.platform, []).append(site)
    return [(platform, group[i:i + BATCH]) for platform, group in sorted(by_platform.items())
            for i in range(0, len(group), BATCH)]


def _command(platform: str, sites: list[SiteEntry], sites_file: Path,
             overrides: dict[str, Any]) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", platform,
           "-a", "site=" + ",".join(s.id for s in sites), "-a", f"sites_file={sites_file}"]
    for key, value in overrides.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


class _Termination:
    """SIGTERM/SIGINT while crawling: stop starting batches and let the run be recorded as
    aborted. SIGTERM is passed on to the running Scrapy processes (which then close
    gracefully); SIGINT is not, since a terminal's Ctrl-C already reached the whole process
    group and a second signal would make Scrapy stop uncleanly."""

    def __init__(self) -> None:
        self.requested: int | None = None
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
        first = self.requested is None
        self.requested = signum
        if signum != signal.SIGTERM or not first:
            return
        for pid in list(self.running):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


def _reap(pids: list[int]) -> tuple[int, int, Any] | None:
    """wait4 on our own crawl processes only (never reaping a child someone else started)."""
    for pid in pids:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return done, status, usage
    return None


def _run_processes(jobs: list[tuple[list[str], dict[str, str], Path]],
                   parallel: int, stop: _Termination) -> list[dict[str, Any]]:
    """Run the crawl subprocesses (at most `parallel` at once); wall/CPU/peak RSS of each."""
    results: list[dict[str, Any]] = [{} for _ in jobs]
    running = stop.running
    pending = list(enumerate(jobs))
    while pending or running:
        if stop.requested is not None:
            pending.clear()  # batches not started stay unstarted
            if not running:
                break
        while pending and len(running) < parallel and stop.requested is None:
            index, (cmd, env, log) = pending.pop(0)
            with open(log, "wb") as fh:
                proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=fh,
                                        stderr=subprocess.STDOUT)
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
        results[index] = {"returncode": proc.returncode, "wall_s": time.monotonic() - began,
                          "cpu_s": usage.ru_utime + usage.ru_stime,
                          "max_rss_kb": usage.ru_maxrss, "log": str(jobs[index][2])}
    return results


def site_outcome(counts: dict[str, Any] | None, had_reports: int) -> tuple[str, str]:
    """(outcome, reason) for one site's counters."""
    if counts is None:
        return "failing", "the crawl process ended without statistics"
    found = counts.get("reports_found", 0)
    if counts.get("robots_refusals", 0) and not found:
        return "robots_forbidden", f"robots.txt refused {counts['robots_refusals']} request(s)"
    if counts.get("blocked", 0) and not found:
        kinds = sorted({e["kind"] for e in counts.get("block_evidence", [])})
        return "blocked", f"challenge/block responses: {', '.join(kinds) or counts['blocked']}"
    if counts.get("lists_unparsed", 0):
        return "failing", f"{counts['lists_unparsed']} list page(s) no longer parse"
    if counts.get("lists_failed", 0):
        return "failing", f"{counts['lists_failed']} list page(s) could not be fetched"
    if not found:
        before = f" (it had {had_reports} before)" if had_reports else ""
        return "failing", f"no reports found{before}"
    return "ok", ""


def _documents_before(app: App, site_ids: Iterable[str]) -> dict[str, int]:
    with session_scope(app.engine) as session:
        rows = session.exec(select(Document.site_id, func.count()).where(
            Document.site_id.in_(list(site_ids))).group_by(Document.site_id))  # type: ignore
        return dict(rows.all())


def run_crawl(app: App, *, sites_file: str | Path, site_ids: Iterable[str] = (),
              allow_failures: bool = False, settings_overrides: dict[str, Any] | None = None,
              parallel: int | None = None) -> dict[str, Any]:
    """Crawl the chosen sites and return the run report (also written to the manifests)."""
    sites_file = Path(sites_file).resolve()
    sites = select_sites(load_registry(sites_file), site_ids)
    with session_scope(app.engine) as session:
        crud.mark_dead_runs(session=session)  # a killed crawl never finished its row
        recover(app.paths, session)  # seal what a killed run left before this run writes
    with session_scope(app.engine) as session:
        for site in sites:
            crud.upsert_site(session=session, entry=site.as_dict())
        run_id = crud.start_run(session=session, site_ids=[s.id for s in sites]).id
    had = _documents_before(app, [s.id for s in sites])
    started = time.time()
    logs = app.paths.data / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"gongkai-run-{run_id}-"))
    jobs = []
    for n, (platform, group) in enumerate(_batches(sites)):
        env = {**os.environ, "GONGKAI_DATA": str(app.paths.data), "GONGKAI_DB_URL":
               app.paths.db_url, "GONGKAI_RUN_ID": str(run_id),
               "GONGKAI_STATS_FILE": str(work / f"{n}.json"),
               "SCRAPY_SETTINGS_MODULE": "crawler.settings", **log_time_env()}
        cmd = _command(platform, group, sites_file,
                       {**LOG_TIME_SETTINGS, **(settings_overrides or {})})
        jobs.append((cmd, env, logs / f"run-{run_id}-{n}-{platform}.log"))
    with _Termination() as stop:
        processes = _run_processes(jobs, parallel or max(1, min(4, os.cpu_count() or 1)), stop)
    per_site: dict[str, Any] = {}
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
            per_site[site.id] = {"platform": platform, "outcome": outcome, "reason": reason,
                                 "clean_finish": clean, **(counts or {})}
            per_site[site.id].update(diagnose(counts, outcome, processes[n].get("log")))
    shutil.rmtree(work, ignore_errors=True)
    aborted = stop.requested is not None
    if not aborted:
        _mark_withdrawn(app, run_id, per_site)
    failing = sorted(s for s, v in per_site.items() if v["outcome"] != "ok")
    status = "aborted" if aborted else "failed" if failing else "ok"
    report = {"run_id": run_id, "started": started, "seconds": time.time() - started,
              "status": status, "failing": failing,
              "allow_failures": allow_failures, "sites": per_site, "processes": processes,
              "totals": _totals(per_site)}
    app.paths.manifests.mkdir(parents=True, exist_ok=True)
    path = app.paths.manifests / f"run-{run_id}.report.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    report["report_file"] = str(path)
    slim = {**report, "sites": {k: {x: y for x, y in v.items() if x != "reports"}
                                for k, v in per_site.items()}}
    with session_scope(app.engine) as session:
        crud.finish_run(session=session, run_id=run_id or 0, status=report["status"], report=slim)
    with session_scope(app.engine) as session:
        sealed = write_run_manifest(app.paths, session, run_id or 0)
    report["manifest"] = sealed.manifest
    report["manifest_head"] = sealed.head  # the digest to publish outside the data folder
    path.write_text(json.dumps({k: v for k, v in report.items() if k != "report_file"},
                               ensure_ascii=False, indent=1), encoding="utf-8")
    return report


def _mark_withdrawn(app: App, run_id: int | None, per_site: dict[str, Any]) -> None:
    """Reports a site no longer lists become `withdrawn` — only when its lists were all read,
    since an unread list proves nothing (their archived copies are untouched)."""
    with session_scope(app.engine) as session:
        for site_id, info in per_site.items():
            # any failed request (a list page, a dataproxy window, a report) may hide a
            # listed report: then absence from the lists proves nothing
            complete = (info["outcome"] == "ok" and info.get("clean_finish")
                        and not any(info.get(k) for k in (
                            "lists_failed", "lists_unparsed", "failed", "blocked",
                            "spider_errors", "items_dropped")))
            seen = {r["url"] for r in info.get("reports", [])} if complete else None
            outcome = mark_run_outcome(session, run_id, site_id, seen, info.get("gone") or {})
            info["withdrawn"] = outcome.withdrawn


def _totals(per_site: dict[str, Any]) -> dict[str, int]:
    keys = ("pages_fetched", "reports_found", "new", "changed", "unchanged", "failed", "blocked",
            "bytes_downloaded", "report_bytes_downloaded", "robots_refusals")
    return {k: sum(int(v.get(k, 0) or 0) for v in per_site.values()) for k in keys}
