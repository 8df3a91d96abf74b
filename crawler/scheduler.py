"""The nightly life: APScheduler 3.x firing crawls from config/schedule.yaml.

Why it is built this way:
- each crawl is a subprocess (`gongkai --data D crawl --sites F --site A --site B`): the
  Twisted reactor cannot be restarted inside one long-lived process;
- one job per schedule entry with `max_instances=1`, plus a per-site lock across entries, so
  no two crawls of the same site overlap; a fire time that finds its crawl still running is
  skipped (logged, and written to the history);
- `coalesce=True` with a generous `misfire_grace_time`: after downtime the missed fire times
  become one run, not a burst;
- the job store is APScheduler's SQLAlchemyJobStore on the project database, so a restart
  keeps the schedule (and its missed fire times); jobs are synchronised from the YAML at
  start without resetting an unchanged job's next run time;
- a BackgroundScheduler with the main thread waiting on an Event, so SIGTERM/SIGINT are
  handled in the main thread: stop firing, forward SIGTERM to running crawls, wait
  `stop_timeout`, then SIGKILL and record the crawl as aborted.

Every execution appends one JSON line to `<data>/schedule/history.jsonl`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from crawler.logs import event, log_context

log = logging.getLogger("gongkai.scheduler")

JOB_FUNC = "crawler.scheduler:run_scheduled"
JOB_PREFIX = "crawl:"
DEFAULT_CRON = "0 2 * * *"
DEFAULT_TZ = "Asia/Shanghai"
CRAWL_COMMAND_ENV = "GONGKAI_CRAWL_COMMAND"  # replaces `gongkai` (tests use a fake crawl)


# ---------------------------------------------------------------------------- config


@dataclass(frozen=True)
class Entry:
    """One schedule: a trigger and the sites it crawls (in one subprocess)."""

    name: str
    sites: tuple[str, ...]
    cron: str | None = None  # 5 fields (crontab) or 6 (seconds first)
    every: float | None = None  # seconds, for ad-hoc and tests

    @property
    def job_id(self) -> str:
        return JOB_PREFIX + self.name


@dataclass(frozen=True)
class ScheduleConfig:
    timezone: str
    sites_file: Path
    entries: tuple[Entry, ...]
    misfire_grace_time: int = 6 * 3600
    max_parallel: int = 4
    stop_timeout: float = 60.0
    crawl_args: tuple[str, ...] = ()  # appended after `crawl` (--allow-failures, --set K=V…)


def _site_ids(sites_file: Path) -> list[str]:
    """The enabled site ids of the registry; a registry with no readable site at all (a YAML
    error, a missing file) is an error, not an empty schedule that silently crawls nothing."""
    from crawler.registry import read_registry, select_sites

    entries, problems = (
        read_registry(sites_file) if sites_file.exists() else ([], [f"{sites_file}: no such file"])
    )
    if not entries and problems:
        raise ValueError(" ".join(f"registry {sites_file} cannot be read: {problems[0]}".split()))
    return [s.id for s in select_sites(entries)]


def load_config(
    path: Path, *, sites_file: Path | None = None, site_ids: Iterable[str] | None = None
) -> ScheduleConfig:
    """Parse schedule.yaml; `all` (or no `sites`) means every site not named elsewhere.

    Relative paths are relative to the schedule file.  A site named by two entries belongs
    to the first; group names (under `groups:`) expand to their sites.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    raw = raw or {}
    base = path.parent
    sf = sites_file or Path(raw.get("sites_file") or "sites.yaml")
    sf = sf if sf.is_absolute() else (base / sf if sites_file is None else sf.absolute())
    known = list(site_ids) if site_ids is not None else _site_ids(sf)
    groups = {str(k): [str(s) for s in v] for k, v in (raw.get("groups") or {}).items()}
    specs = raw.get("schedules") or [{"name": "nightly", "cron": DEFAULT_CRON, "sites": "all"}]
    taken: set[str] = set()
    explicit: list[tuple[dict[str, Any], list[str] | None]] = []
    for spec in specs:
        wanted = spec.get("sites", "all")
        if wanted == "all":
            explicit.append((spec, None))
            continue
        names: list[str] = []
        for item in [wanted] if isinstance(wanted, str) else wanted:
            for sid in groups.get(str(item), [str(item)]):
                if sid not in known:
                    raise ValueError(f"schedule {spec.get('name')!r}: unknown site {sid!r}")
                if sid not in taken and sid not in names:
                    names.append(sid)
        taken.update(names)
        explicit.append((spec, names))
    entries: list[Entry] = []
    for spec, named in explicit:
        chosen = named if named is not None else [s for s in known if s not in taken]
        if named is None:
            taken.update(chosen)
        if not spec.get("cron") and not spec.get("every"):
            spec = {**spec, "cron": DEFAULT_CRON}
        if chosen:
            entries.append(
                Entry(
                    str(spec.get("name") or f"s{len(entries)}"),
                    tuple(chosen),
                    spec.get("cron"),
                    spec.get("every"),
                )
            )
    names_seen = [e.name for e in entries]
    if len(set(names_seen)) != len(names_seen):
        raise ValueError(f"duplicate schedule names in {path}")
    return ScheduleConfig(
        timezone=str(raw.get("timezone") or DEFAULT_TZ),
        sites_file=sf.absolute(),
        entries=tuple(entries),
        misfire_grace_time=int(raw.get("misfire_grace_time", 6 * 3600)),
        max_parallel=int(raw.get("max_parallel", 4)),
        stop_timeout=float(raw.get("stop_timeout", 60)),
        crawl_args=tuple(str(a) for a in raw.get("crawl_args") or ()),
    )


def make_trigger(entry: Entry, timezone: str) -> Any:
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    if entry.every:
        return IntervalTrigger(seconds=float(entry.every), timezone=timezone)
    fields = str(entry.cron).split()
    if len(fields) == 5:
        return CronTrigger.from_crontab(str(entry.cron), timezone=timezone)
    if len(fields) == 6:
        sec, minute, hour, day, month, dow = fields
        return CronTrigger(
            second=sec,
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=dow,
            timezone=timezone,
        )
    raise ValueError(f"schedule {entry.name!r}: cron needs 5 or 6 fields, got {entry.cron!r}")


# ---------------------------------------------------------------------------- running


def crawl_command(
    data: Path,
    sites_file: Path,
    sites: Iterable[str],
    prefix: str | None = None,
    extra: Iterable[str] = (),
) -> list[str]:
    """argv of one crawl: `<prefix> --data D crawl [extra…] --sites F --site A --site B`."""
    prefix = prefix or os.environ.get(CRAWL_COMMAND_ENV)
    if prefix:
        head = shlex.split(prefix)
    else:
        exe = Path(sys.executable).parent / "gongkai"
        head = [str(exe)] if exe.exists() else [shutil.which("gongkai") or "gongkai"]
    argv = [*head, "--data", str(data), "crawl", *extra, "--sites", str(sites_file)]
    for sid in sites:
        argv += ["--site", sid]
    return argv


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class CrawlRunner:
    """Starts crawl subprocesses, guards sites against overlap, stops them on request."""

    data: Path
    sites_file: Path
    db_url: str
    command: str | None = None
    stop_timeout: float = 60.0
    crawl_args: tuple[str, ...] = ()
    stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _busy: set[str] = field(default_factory=set)
    _procs: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    _signalled: set[int] = field(default_factory=set)

    @property
    def history(self) -> Path:
        return self.data / "schedule" / "history.jsonl"

    def record(self, entry: dict[str, Any]) -> None:
        self.history.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"ts": _now().isoformat(), **entry}, ensure_ascii=False)
        with self._lock, open(self.history, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def run(self, name: str, sites: list[str]) -> str:
        """Crawl `sites` in one subprocess; return ok | failed | aborted | skipped."""
        if self.stopping.is_set():
            return "skipped"
        with self._lock:
            free = [s for s in sites if s not in self._busy]
            self._busy.update(free)
        busy = [s for s in sites if s not in free]
        if busy:
            event(
                log,
                "sites still crawling, skipped",
                level=logging.WARNING,
                job=name,
                sites=",".join(busy),
            )
            self.record({"event": "skipped", "job": name, "sites": busy, "reason": "still running"})
        if not free:
            return "skipped"
        try:
            return self._run(name, free)
        finally:
            with self._lock:
                self._busy.difference_update(free)

    def _run(self, name: str, sites: list[str]) -> str:
        argv = crawl_command(self.data, self.sites_file, sites, self.command, self.crawl_args)
        started = _now()
        env = {**os.environ, "GONGKAI_DATA": str(self.data)}
        proc = subprocess.Popen(argv, env=env, start_new_session=True)
        with self._lock:
            self._procs[proc.pid] = proc
            late = self.stopping.is_set()  # stop() ran between our check and the Popen
            if late:
                self._signalled.add(proc.pid)
        if late:
            _terminate(proc)
        with log_context(job=name, pid=proc.pid):
            event(log, "crawl started", sites=",".join(sites))
            self.record({"event": "start", "job": name, "sites": sites, "pid": proc.pid})
            code = proc.wait()
            with self._lock:
                self._procs.pop(proc.pid, None)
                signalled = proc.pid in self._signalled
            run_ids, cut_short = self._mark_runs(sites, started, aborted=signalled)
            # a crawl that got SIGTERM but had already recorded its end simply finished
            outcome = (
                "aborted"
                if signalled and (cut_short or code != 0)
                else ("ok" if code == 0 else "failed")
            )
            event(
                log,
                f"crawl finished: {outcome}",
                level=logging.INFO if outcome == "ok" else logging.WARNING,
                outcome=outcome,
                exit_code=code,
                run_ids=",".join(map(str, run_ids)),
            )
            self.record(
                {
                    "event": "end",
                    "job": name,
                    "sites": sites,
                    "pid": proc.pid,
                    "exit_code": code,
                    "outcome": outcome,
                    "run_ids": run_ids,
                    "seconds": round((_now() - started).total_seconds(), 3),
                }
            )
        return outcome

    def _mark_runs(
        self, sites: list[str], since: datetime, *, aborted: bool
    ) -> tuple[list[int], bool]:
        """The CrawlRun rows this subprocess created, and whether one was left 'running'.

        A row still 'running' after its process ended is recorded as aborted.
        """
        try:
            from sqlmodel import col, select

            from storage import crud
            from storage.db import make_engine, session_scope
            from storage.models import CrawlRun

            engine = make_engine(self.db_url)
            ids: list[int] = []
            cut_short = False
            with session_scope(engine) as s:
                floor = since.replace(tzinfo=None)
                for run in s.exec(select(CrawlRun).order_by(col(CrawlRun.id))):
                    began = run.started_at
                    if began.tzinfo is not None:
                        began = began.astimezone(UTC).replace(tzinfo=None)
                    if began < floor.replace(microsecond=0) or not set(run.sites) & set(sites):
                        continue
                    ids.append(run.id or 0)
                    if run.status == "running":
                        cut_short = True
                        report = {
                            **(run.report or {}),
                            "aborted_by": "scheduler",
                            "reason": "stopped" if aborted else "crawl process ended",
                        }
                        crud.finish_run(
                            session=s, run_id=run.id or 0, status="aborted", report=report
                        )
            engine.dispose()
            return ids, cut_short
        except Exception:  # the history line is written regardless
            log.exception("could not look up the crawl runs")
            return [], aborted

    def stop(self) -> None:
        """Forward SIGTERM to every running crawl; SIGKILL those still alive after the grace."""
        self.stopping.set()
        with self._lock:
            procs = list(self._procs.values())
            self._signalled.update(p.pid for p in procs)
        for p in procs:
            event(log, "stopping crawl", pid=p.pid)
            _terminate(p)
        deadline = time.monotonic() + self.stop_timeout
        for p in procs:
            # the crawl's own children (Scrapy) share its process group: wait for all of them
            while time.monotonic() < deadline and (p.poll() is None or _group_alive(p.pid)):
                time.sleep(0.1)
            if p.poll() is None or _group_alive(p.pid):
                event(log, "crawl did not stop in time, killed", level=logging.WARNING, pid=p.pid)
                _signal_group(p, signal.SIGKILL)
                p.wait()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the crawl command only: it passes the signal on to its Scrapy processes
    once (a second SIGTERM would make Scrapy shut down uncleanly, losing its statistics)."""
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


# The runner the job function reaches (the job store pickles a textual reference and the
# job's arguments, never the runner).
_RUNNER: CrawlRunner | None = None


def run_scheduled(name: str, sites: list[str]) -> str:
    """The scheduled job: crawl `sites` (called by APScheduler in an executor thread)."""
    if _RUNNER is None:
        raise RuntimeError("gongkai scheduler not started")
    return _RUNNER.run(name, list(sites))


# ---------------------------------------------------------------------------- scheduler


def make_scheduler(cfg: ScheduleConfig, db_url: str) -> Any:
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    from storage.db import make_engine

    # the project's engine: SQLite gets WAL and a busy timeout, shared with crawls and readers
    return BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=make_engine(db_url))},
        executors={"default": ThreadPoolExecutor(max_workers=max(1, cfg.max_parallel))},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": cfg.misfire_grace_time,
        },
        timezone=cfg.timezone,
    )


def sync_jobs(scheduler: Any, cfg: ScheduleConfig) -> dict[str, str]:
    """Make the stored jobs match the config; unchanged jobs keep their next run time."""
    actions: dict[str, str] = {}
    wanted = {e.job_id: e for e in cfg.entries}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            scheduler.remove_job(job.id)
            actions[job.id] = "removed"
    for job_id, entry in wanted.items():
        trigger = make_trigger(entry, cfg.timezone)
        args = [entry.name, list(entry.sites)]
        old = scheduler.get_job(job_id)
        if (
            old is not None
            and str(old.trigger) == str(trigger)
            and list(old.args) == args
            and old.misfire_grace_time == cfg.misfire_grace_time
        ):
            actions[job_id] = "kept"
            continue
        scheduler.add_job(
            JOB_FUNC,
            trigger,
            args=args,
            id=job_id,
            name=entry.name,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=cfg.misfire_grace_time,
        )
        actions[job_id] = "replaced" if old else "added"
    return actions


def planned(cfg: ScheduleConfig, db_url: str, count: int = 3) -> list[dict[str, Any]]:
    """Next run times: the stored job's when it matches the config, else the trigger's;
    `count` upcoming times per schedule, ISO 8601 in the schedule's timezone."""
    from sqlalchemy import inspect

    from storage.db import make_engine

    stored: dict[str, Any] = {}
    engine = make_engine(db_url)
    has_table = inspect(engine).has_table("apscheduler_jobs")
    if has_table:
        scheduler = make_scheduler(cfg, db_url)
        scheduler.start(paused=True)
        try:
            stored = {j.id: j for j in scheduler.get_jobs()}
        finally:
            scheduler.shutdown(wait=False)
    engine.dispose()
    rows = []
    now = datetime.now(UTC)
    for e in cfg.entries:
        trigger = make_trigger(e, cfg.timezone)
        job = stored.get(e.job_id)
        same = job is not None and str(job.trigger) == str(trigger)
        if job is not None and same:
            nxt = job.next_run_time
        else:
            nxt = trigger.get_next_fire_time(None, now)
        times = next_fire_times(trigger, nxt, count)
        rows.append(
            {
                "job": e.job_id,
                "name": e.name,
                "schedule": as_written(e),
                "trigger": str(trigger),
                "sites": list(e.sites),
                "next_run_time": nxt.isoformat() if nxt else None,
                "next_run_times": [t.isoformat() for t in times],
                "stored": same,
            }
        )
    return rows


def as_written(entry: Entry) -> str:
    """The schedule as the YAML says it (`0 2 * * *`, `every 3600s`), not APScheduler's repr."""
    if entry.every:
        return f"every {float(entry.every):g}s"
    return " ".join(str(entry.cron).split())


def next_fire_times(trigger: Any, first: datetime | None, count: int) -> list[datetime]:
    """`first` and the trigger's fire times after it, `count` in all (in its timezone)."""
    times: list[datetime] = []
    current = first
    while current is not None and len(times) < count:
        times.append(current)
        current = trigger.get_next_fire_time(current, current + timedelta(microseconds=1))
    return times


class _Lock:
    """One scheduler per data folder (an flock on <data>/schedule/scheduler.lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(path, "a+")  # noqa: SIM115 (held for the process's life)
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            self.fh.close()
            raise RuntimeError(f"another gongkai scheduler holds {path}") from exc
        self.fh.truncate(0)
        self.fh.write(str(os.getpid()))
        self.fh.flush()

    def release(self) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def quiet_apscheduler_jobs() -> None:
    """APScheduler logs `Job … executed successfully` whenever the job function returned —
    also right after a crawl that failed.  Our own `crawl finished: <outcome>` line states the
    outcome, so the executor's per-job INFO lines are dropped (its errors still show)."""
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)


def serve(
    cfg: ScheduleConfig,
    *,
    data: Path,
    db_url: str,
    command: str | None = None,
    ready: Callable[[dict[str, str]], None] | None = None,
    stop_event: threading.Event | None = None,
) -> int:
    """Run until SIGTERM/SIGINT (or `stop_event`); return the exit status (0 = clean stop)."""
    from apscheduler.events import (
        EVENT_JOB_ERROR,
        EVENT_JOB_MAX_INSTANCES,
        EVENT_JOB_MISSED,
        EVENT_JOB_SUBMITTED,
    )

    global _RUNNER
    quiet_apscheduler_jobs()
    lock = _Lock(data / "schedule" / "scheduler.lock")
    runner = CrawlRunner(
        data=data,
        sites_file=cfg.sites_file,
        db_url=db_url,
        command=command,
        stop_timeout=cfg.stop_timeout,
        crawl_args=cfg.crawl_args,
    )
    _RUNNER = runner
    stop = stop_event or threading.Event()
    scheduler = make_scheduler(cfg, db_url)

    def on_event(ev: Any) -> None:
        times = [t.isoformat() for t in getattr(ev, "scheduled_run_times", None) or []]
        if ev.code == EVENT_JOB_SUBMITTED:
            runner.record({"event": "submitted", "job": ev.job_id, "run_times": times})
        elif ev.code == EVENT_JOB_MAX_INSTANCES:
            event(
                log,
                "previous run still going, fire time skipped",
                level=logging.WARNING,
                job=ev.job_id,
            )
            runner.record(
                {
                    "event": "skipped",
                    "job": ev.job_id,
                    "run_times": times,
                    "reason": "max_instances",
                }
            )
        elif ev.code == EVENT_JOB_MISSED:
            when = ev.scheduled_run_time.isoformat()
            event(
                log,
                "fire time missed beyond the grace time",
                level=logging.WARNING,
                job=ev.job_id,
                scheduled=when,
            )
            runner.record({"event": "missed", "job": ev.job_id, "run_times": [when]})
        elif ev.code == EVENT_JOB_ERROR:
            log.error("job %s raised %r", ev.job_id, ev.exception)

    scheduler.add_listener(
        on_event, EVENT_JOB_SUBMITTED | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED | EVENT_JOB_ERROR
    )

    def on_signal(signum: int, _frame: Any) -> None:
        event(log, "signal received, stopping", signal=signal.Signals(signum).name)
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler.start(paused=True)
        actions = sync_jobs(scheduler, cfg)
        written = {e.job_id: as_written(e) for e in cfg.entries}
        for job in scheduler.get_jobs():
            event(
                log,
                "scheduled",
                job=job.id,
                schedule=written.get(job.id, str(job.trigger)),
                next_run=job.next_run_time.isoformat() if job.next_run_time else None,
                action=actions.get(job.id),
            )
        runner.record({"event": "scheduler_start", "pid": os.getpid(), "jobs": actions})
        if ready:
            ready(actions)
        scheduler.resume()
        while not stop.wait(0.5):
            pass
        scheduler.pause()
        runner.stop()
        scheduler.shutdown(wait=True)
        runner.record({"event": "scheduler_stop", "pid": os.getpid()})
        event(log, "scheduler stopped cleanly")
        return 0
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _RUNNER = None
        lock.release()
