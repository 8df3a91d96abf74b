"""Scheduler harness: a registry, a schedule file and `gongkai schedule` as a subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

FAKE = Path(__file__).with_name("fake_crawl.py")
GONGKAI = [sys.executable, "-c", "from crawler.cli import main; main()"]


def write_registry(path: Path, ids: list[str]) -> Path:
    sites = [
        {
            "id": sid,
            "name": f"{sid}人民政府",
            "region_code": f"31010{n}",
            "platform": "hanweb",
            "start_urls": [f"http://127.0.0.1:9/{sid}/"],
            "allow_private": True,
        }
        for n, sid in enumerate(ids, start=1)
    ]
    path.write_text(yaml.safe_dump({"sites": sites}, allow_unicode=True), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def wait_for(cond: Callable[[], bool], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


class Scheduler:
    """One `gongkai schedule` process with the fake crawl; stopped (or killed) at teardown."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.registry = write_registry(root / "sites.yaml", ["s1", "s2"])
        self.schedule = root / "schedule.yaml"
        self.procs: list[subprocess.Popen[bytes]] = []

    @property
    def history(self) -> list[dict]:
        return read_jsonl(self.data / "schedule" / "history.jsonl")

    @property
    def crawls(self) -> list[dict]:
        return read_jsonl(self.data / "fake-crawl.jsonl")

    def configure(self, schedules: list[dict], **extra: object) -> None:
        cfg = {
            "timezone": "Asia/Shanghai",
            "sites_file": str(self.registry),
            "misfire_grace_time": 3600,
            "stop_timeout": 5,
            "schedules": schedules,
            **extra,
        }
        self.schedule.write_text(yaml.safe_dump(cfg), encoding="utf-8")

    def cli(
        self, *args: str, env: dict[str, str] | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*GONGKAI, "--data", str(self.data), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
        )

    def start(self, *, fake: bool = True, **env: str) -> subprocess.Popen[bytes]:
        full = {**os.environ, "GONGKAI_LOG_JSON": "1", **env}
        full.pop("GONGKAI_CRAWL_COMMAND", None)
        if fake:
            full["GONGKAI_CRAWL_COMMAND"] = f"{sys.executable} {FAKE}"
        log = open(self.root / f"scheduler-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [*GONGKAI, "--data", str(self.data), "schedule", "--config", str(self.schedule)],
            env=full,
            stdout=log,
            stderr=log,
        )
        self.procs.append(proc)
        starts = len([h for h in self.history if h["event"] == "scheduler_start"])
        wait_for(
            lambda: (
                len([h for h in self.history if h["event"] == "scheduler_start"]) > starts
                or proc.poll() is not None
            ),
            30,
            "the scheduler to start",
        )
        assert proc.poll() is None, self.log()
        return proc

    def log(self) -> str:
        return "\n".join(
            p.read_text(errors="replace") for p in sorted(self.root.glob("scheduler-*.log"))
        )

    def stop(self, proc: subprocess.Popen[bytes], timeout: float = 30) -> tuple[int, float]:
        began = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=timeout)
        return code, time.monotonic() - began

    def cleanup(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for pid in {c["pid"] for c in self.crawls}:  # no fake crawl may outlive the test
            cmdline = Path(f"/proc/{pid}/cmdline")
            try:
                if FAKE.name.encode() in cmdline.read_bytes():  # still ours, not a reused pid
                    os.kill(pid, signal.SIGKILL)
            except (FileNotFoundError, ProcessLookupError):
                pass


@pytest.fixture
def sched(tmp_path: Path) -> Iterator[Scheduler]:
    s = Scheduler(tmp_path)
    try:
        yield s
    finally:
        s.cleanup()
