"""The fast-tier guard (tests/support/tiers.py): unmarked tests that start a process, listen on
a socket or sleep fail with the marker they need; marked tests are left alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

pytestmark = pytest.mark.integration  # runs pytest in a subprocess

SUITE = """
import socket, subprocess, sys, time

import pytest

def test_subprocess():
    subprocess.run([sys.executable, "-c", "pass"])

def test_swallowed_subprocess():
    try:
        subprocess.run([sys.executable, "-c", "pass"])
    except Exception:
        pass  # the code under test hides the error: the test must fail all the same

def test_child_process():
    import multiprocessing
    multiprocessing.get_context("spawn").Process(target=print).start()

def test_listening_socket():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()

@pytest.fixture
def server():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s

def test_server_fixture(server):
    pass

def test_sleep():
    time.sleep(0.01)

def test_allowed():
    time.sleep(0)  # a yield, not a wait
    with socket.socket(socket.AF_INET6) as probe:
        probe.bind(("::1", 0))  # an import-time IPv6 probe, as urllib3 makes: no server
    a, b = socket.socketpair()  # a local pipe, no network
    a.close(); b.close()

@pytest.mark.integration
def test_marked():
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
    time.sleep(0.01)
"""


def test_guard_fails_unmarked_tests_and_spares_marked_ones(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])
    )
    monkeypatch.setenv("COLUMNS", "400")  # summary lines whole, with their messages
    pytester.makeini("[pytest]\nmarkers =\n    integration: slow\n")
    pytester.makeconftest('pytest_plugins = ["support.tiers"]\n')
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rA", "--tb=no")
    result.assert_outcomes(passed=2, failed=5, errors=1)
    lines = result.stdout.lines
    for outcome, name, doing in [
        ("FAILED", "test_subprocess", "started a subprocess"),
        ("FAILED", "test_swallowed_subprocess", "started a subprocess"),
        ("FAILED", "test_child_process", "started a child process"),
        ("FAILED", "test_listening_socket", "listened on 127.0.0.1"),
        ("FAILED", "test_sleep", "slept 0.01 s"),
        ("ERROR", "test_server_fixture", "listened on 127.0.0.1"),
    ]:
        line = next(ln for ln in lines if ln.startswith(f"{outcome} test_suite.py::{name} "))
        assert line.endswith(f"a fast-tier test {doing}: mark it @pytest.mark.integration"), line
    assert "PASSED test_suite.py::test_marked" in lines
    assert "PASSED test_suite.py::test_allowed" in lines
