"""A reusable extraction child for batches: the isolation of `extract_isolated`, paid once.

`extract_isolated` spawns a fresh interpreter per document, which costs more than extracting a
typical report. Batches (`gongkai extract --pending`, the demo) instead keep one child alive
under the same memory cap and per-document timeout; a document that hangs, crashes the child
or exhausts its memory gets an error result and a fresh child, and the batch goes on.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
from typing import Any

from extract.isolation import (
    DEFAULT_TARGET,
    _load,
    complete_contract,
    error_result,
    preflight,
    type_mismatch,
)


def _serve(conn: Any, memory_mb: int, target: str) -> None:
    """Child body: cap memory once, then extract each (data, name) sent until told to stop."""
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
    extract_bytes = _load(target)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        data, name = job
        try:
            conn.send(("ok", extract_bytes(data, name=name)))
        except MemoryError:
            conn.send(("error", f"memory limit ({memory_mb} MB) exceeded", "error", True))
            return  # the heap may be fragmented beyond use: let the parent start a new child
        except BaseException as exc:  # any failure is this document's, not the batch's
            reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
            with contextlib.suppress(Exception):
                conn.send(("error", str(reason)[:500], getattr(exc, "status", "error"), False))


class ExtractionWorker:
    """One long-lived extraction child with a timeout per document and a memory cap."""

    def __init__(
        self, *, timeout: float = 60, memory_mb: int = 1024, target: str = DEFAULT_TARGET
    ) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.target = target
        self._proc: Any = None
        self._conn: Any = None
        self.restarts = 0

    def __enter__(self) -> ExtractionWorker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _start(self) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe(duplex=True)
        self._proc = ctx.Process(
            target=_serve, args=(child, self.memory_mb, self.target), daemon=True
        )
        self._proc.start()
        child.close()

    def _kill(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
        if self._proc is not None:
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None
        self.restarts += 1

    def close(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            with contextlib.suppress(Exception):
                self._conn.send(None)
            self._proc.join(5)
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def extract(self, data: bytes, *, name: str | None = None) -> dict[str, Any]:
        """The contract dict for `data`; never raises."""
        try:
            fmt, refusal = preflight(data)
        except Exception as exc:
            return complete_contract(error_result(f"preflight failed: {exc}", name=name), data)
        if refusal:
            return complete_contract(error_result(refusal, name=name, fmt=fmt), data)
        result = self._ask(data, name)
        if name is not None:
            result.setdefault("name", name)
        result.setdefault("format", fmt)
        mismatch = type_mismatch(name, fmt)
        if mismatch:
            result.setdefault("warnings", []).append({"message": mismatch, "keys": []})
        return complete_contract(result, data)

    def _ask(self, data: bytes, name: str | None) -> dict[str, Any]:
        if self._proc is None or not self._proc.is_alive():
            self._start()
        try:
            self._conn.send((data, name))
            if not self._conn.poll(self.timeout):
                self._kill()
                return error_result(f"timeout after {self.timeout:g}s")
            message = self._conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            code = self._proc.exitcode if self._proc is not None else None
            self._kill()
            return error_result(f"extraction process died (exit code {code})")
        if message[0] == "ok":
            return (
                message[1]
                if isinstance(message[1], dict)
                else error_result(f"extraction returned {type(message[1]).__name__}, not a dict")
            )
        if len(message) > 3 and message[3]:
            self._kill()
        return error_result(message[1], status=message[2])
