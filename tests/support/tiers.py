"""The fast tier stays fast: a test without `@pytest.mark.integration` may not start a process,
listen on a network socket or sleep, neither in its fixtures nor in its body.

Why a guard and not a convention: a test that quietly starts a child process or a server lands
in the fast tier and nobody notices until the tier is slow again. Here it fails at once and says
which marker it needs. The forbidden call raises (so nothing is started), and the test fails
even if the code under test swallows that error (extraction turns every exception into an
"error" result, for instance). Threads that were already running when the test began (a
server left by an earlier test) are not the test's doing and pass through.
"""

from __future__ import annotations

import multiprocessing.process
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

MARKER = "integration"


class FastTierViolation(RuntimeError):
    """A fast-tier test did what only integration tests may do."""


@contextmanager
def forbidden(seen: list[str]) -> Iterator[None]:
    """Process starts, listening network sockets and sleeps raise (and are noted in `seen`)."""
    bystanders = {t.ident for t in threading.enumerate()} - {threading.get_ident()}
    originals: dict[tuple[Any, str], Any] = {}

    def guarded(owner: Any, name: str, what: Callable[..., str | None]) -> Callable[..., Any]:
        original = originals[(owner, name)] = getattr(owner, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            doing = None if threading.get_ident() in bystanders else what(*args, **kwargs)
            if doing is None:
                return original(*args, **kwargs)
            message = f"a fast-tier test {doing}: mark it @pytest.mark.{MARKER}"
            seen.append(message)
            raise FastTierViolation(message)

        return call

    def listen(sock: socket.socket, *_backlog: Any) -> str | None:
        # listen(), not bind(): libraries probe for IPv6 by binding ('::1', 0) at import time
        inet = sock.family in (socket.AF_INET, socket.AF_INET6)
        return f"listened on {sock.getsockname()[0]}" if inet else None

    patches = {
        (subprocess.Popen, "__init__"): lambda *_a, **_k: "started a subprocess",
        (multiprocessing.process.BaseProcess, "start"): lambda *_a: "started a child process",
        (socket.socket, "listen"): listen,
        (time, "sleep"): lambda seconds: f"slept {seconds:g} s" if seconds > 0 else None,
    }
    replacements = {key: guarded(*key, what) for key, what in patches.items()}
    try:
        for (owner, name), replacement in replacements.items():
            setattr(owner, name, replacement)
        yield
    finally:
        for (owner, name), original in originals.items():
            setattr(owner, name, original)


def _guarded_phase(item: pytest.Item) -> Iterator[None]:
    if item.get_closest_marker(MARKER) is not None:
        return (yield)
    seen: list[str] = []
    with forbidden(seen):
        result = yield
    if seen:
        pytest.fail(seen[0], pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    return (yield from _guarded_phase(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    return (yield from _guarded_phase(item))
