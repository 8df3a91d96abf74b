"""Progress of a long command: a bar with counts on a terminal, plain log lines otherwise.

Why both: an operator watching `gongkai extract --pending` wants a live bar; the same command
under cron or systemd must not fill the journal with carriage returns, so there it logs one
line every `every` seconds (and at the end).

    from crawler.progress import Progress
    with Progress(total=len(todo), label="extract") as bar:
        for item in todo:
            ...
            bar.advance(status="ok")      # counts per status are shown: ok=12 error=1
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import IO, TypeVar

from crawler.logs import event

T = TypeVar("T")
_log = logging.getLogger("gongkai.progress")


class Progress:
    """Counts done items (optionally by status) and shows them as a bar or as log lines."""

    def __init__(self, total: int | None = None, label: str = "", *,
                 stream: IO[str] | None = None, tty: bool | None = None, every: float = 10.0,
                 width: int = 30) -> None:
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = (hasattr(self.stream, "isatty") and self.stream.isatty()) if tty is None \
            else tty
        self.every = every
        self.width = width
        self.done = 0
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()
        self._last = 0.0

    # ------------------------------------------------------------------ counting
    def advance(self, n: int = 1, *, status: str | None = None) -> None:
        self.done += n
        if status:
            self.counts[status] += n
        self._show()

    def set_total(self, total: int) -> None:
        self.total = total
        self._show(force=True)

    # ------------------------------------------------------------------ showing
    def text(self) -> str:
        """The status line without the bar: `label 12/40 (30%) ok=11 error=1 eta 40s`."""
        parts = [self.label] if self.label else []
        if self.total:
            parts.append(f"{self.done}/{self.total} ({100 * self.done // self.total}%)")
        else:
            parts.append(str(self.done))
        parts += [f"{k}={v}" for k, v in sorted(self.counts.items())]
        eta = self.eta()
        if eta is not None:
            parts.append(f"eta {eta:.0f}s")
        return " ".join(parts)

    def eta(self) -> float | None:
        if not self.total or not self.done or self.done >= self.total:
            return None
        rate = self.done / max(time.monotonic() - self.started, 1e-9)
        return (self.total - self.done) / rate

    def _bar(self) -> str:
        if not self.total:
            return ""
        filled = min(self.width, self.width * self.done // self.total)
        return "[" + "#" * filled + "." * (self.width - filled) + "] "

    def _show(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r\x1b[K" + self._bar() + self.text())
            self.stream.flush()
        elif force or now - self._last >= self.every:
            self._last = now
            event(_log, self.text(), label=self.label, done=self.done, total=self.total,
                  **dict(self.counts))

    def close(self) -> None:
        if self.tty:
            self._show()
            self.stream.write("\n")
            self.stream.flush()
        else:
            event(_log, self.text() + " done", label=self.label, done=self.done,
                  total=self.total, seconds=round(time.monotonic() - self.started, 1),
                  **dict(self.counts))

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def track(items: Iterable[T], *, total: int | None = None, label: str = "",
          stream: IO[str] | None = None) -> Iterator[T]:
    """Iterate with a progress display (total taken from len() when possible)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Progress(total, label, stream=stream) as bar:
        for item in items:
            yield item
            bar.advance()
