"""Progress of a long command: a `rich` bar on a terminal, plain log lines otherwise.

Why both: an operator watching `gongkai extract --pending` wants a live bar; the same command
under cron or systemd must not fill the journal with control sequences, so there it logs one
line every `every` seconds (and at the end).  The bar is rich's (display-width aware, ETA),
not hand-drawn.

    from crawler.progress import Progress, stage
    with Progress(total=len(todo), label="extract") as bar:
        for item in todo:
            ...
            bar.advance(status="ok")      # counts per status are shown: ok=12 error=1
    with stage("export"):                 # a step with no count: a spinner, or two log lines
        ...
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import IO, Any, TypeVar

from crawler.logs import event

T = TypeVar("T")
_log = logging.getLogger("gongkai.progress")
REFRESH = 0.1  # seconds between two redraws of a terminal bar


def _is_tty(stream: IO[str]) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()


def _console(stream: IO[str]) -> Any:
    from rich.console import Console

    return Console(file=stream, force_terminal=True, highlight=False, markup=False, emoji=False)


class Progress:
    """Counts done items (optionally by status) and shows them as a bar or as log lines."""

    def __init__(
        self,
        total: int | None = None,
        label: str = "",
        *,
        stream: IO[str] | None = None,
        tty: bool | None = None,
        every: float = 10.0,
        width: int = 30,
    ) -> None:
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = _is_tty(self.stream) if tty is None else tty
        self.every = every
        self.width = width
        self.done = 0
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()
        self._last = 0.0
        self._lock = threading.Lock()
        self._bar: Any = None
        self._task: Any = None
        if self.tty:
            self._start_bar()

    def _start_bar(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=self.width),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=_console(self.stream),
            auto_refresh=False,
        )
        self._bar.start()
        self._task = self._bar.add_task(self.label, total=self.total, counts="")

    # ------------------------------------------------------------------ counting
    def advance(self, n: int = 1, *, status: str | None = None) -> None:
        with self._lock:
            self.done += n
            if status:
                self.counts[status] += n
        self._show()

    def update(self, done: int, *, total: int | None = None, **counts: int) -> None:
        """Set the count outright (a stage polled from outside, e.g. documents archived)."""
        with self._lock:
            self.done = done
            if total is not None:
                self.total = total
            for key, value in counts.items():
                self.counts[key] = value
        self._show()

    def set_total(self, total: int) -> None:
        self.total = total
        self._show(force=True)

    # ------------------------------------------------------------------ showing
    def _counts_text(self) -> str:
        return " ".join(f"{k}={v}" for k, v in sorted(self.counts.items()))

    def text(self) -> str:
        """The status line: `label 12/40 (30%) ok=11 error=1 eta 40s`."""
        parts = [self.label] if self.label else []
        if self.total:
            parts.append(f"{self.done}/{self.total} ({100 * self.done // self.total}%)")
        else:
            parts.append(str(self.done))
        if self.counts:
            parts.append(self._counts_text())
        eta = self.eta()
        if eta is not None:
            parts.append(f"eta {eta:.0f}s")
        return " ".join(parts)

    def eta(self) -> float | None:
        if not self.total or not self.done or self.done >= self.total:
            return None
        rate = self.done / max(time.monotonic() - self.started, 1e-9)
        return (self.total - self.done) / rate

    def _show(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._bar is not None:
            self._bar.update(
                self._task, completed=self.done, total=self.total, counts=self._counts_text()
            )
            if force or now - self._last >= REFRESH:
                self._last = now
                self._bar.refresh()
        elif force or now - self._last >= self.every:
            self._last = now
            event(
                _log,
                self.text(),
                label=self.label,
                done=self.done,
                total=self.total,
                **dict(self.counts),
            )

    def close(self) -> None:
        if self._bar is not None:
            self._show(force=True)
            self._bar.stop()
            self._bar = None
        elif not self.tty:
            event(
                _log,
                self.text() + " done",
                label=self.label,
                done=self.done,
                total=self.total,
                seconds=round(time.monotonic() - self.started, 1),
                **dict(self.counts),
            )

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def track(
    items: Iterable[T], *, total: int | None = None, label: str = "", stream: IO[str] | None = None
) -> Iterator[T]:
    """Iterate with a progress display (total taken from len() when possible)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Progress(total, label, stream=stream) as bar:
        for item in items:
            yield item
            bar.advance()


@contextmanager
def stage(label: str, *, stream: IO[str] | None = None, tty: bool | None = None) -> Iterator[None]:
    """A step without a count: a spinner with the elapsed time on a terminal, else one log
    line when it starts and one (with its duration) when it ends."""
    stream = stream or sys.stderr
    started = time.monotonic()
    if _is_tty(stream) if tty is None else tty:
        with _console(stream).status(f"{label} …"):
            yield
        _console(stream).print(f"{label} done in {time.monotonic() - started:.1f}s")
        return
    event(_log, f"{label} started", label=label)
    yield
    event(_log, f"{label} done", label=label, seconds=round(time.monotonic() - started, 1))
