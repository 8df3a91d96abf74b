"""A taken port makes start() fail at once (the demo then falls back to free ports)."""

from __future__ import annotations

import socket
import threading

import pytest

from sim import Simulator

pytestmark = pytest.mark.integration  # the simulator on loopback sockets


def test_a_taken_port_raises_instead_of_hanging() -> None:
    with Simulator(platforms=("hanweb",), port_base=0) as probe:  # learn the second host's IP
        second_ip = sorted(probe.sites[0].hosts)[1].split(":")[0]
    blocker = socket.socket()  # the second host's port is taken, after the first one bound
    blocker.bind((second_ip, 0))
    blocker.listen()
    port = blocker.getsockname()[1] - 1
    outcome: list[BaseException | None] = []

    def start() -> None:
        sim = Simulator(platforms=("hanweb",), port_base=port)
        try:
            sim.start()
            outcome.append(None)
            sim.stop()
        except BaseException as exc:  # the expected OSError
            outcome.append(exc)

    try:
        worker = threading.Thread(target=start, daemon=True)
        worker.start()
        worker.join(15)
        assert not worker.is_alive(), "start() hung on a taken port"
    finally:
        blocker.close()
    assert outcome and isinstance(outcome[0], OSError)
