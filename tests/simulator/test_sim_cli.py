"""`PYTHONPATH=tests python -m sim --once` prints a registry that YAML parsers read back."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest
import yaml

from sim import Simulator
from sim.__main__ import main, parse_switches

pytestmark = pytest.mark.integration  # the simulator on loopback sockets


def test_cli_once_prints_yaml_registry():
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--platforms", "hanweb,trs", "--once"]) == 0
    data = yaml.safe_load(out.getvalue())
    ids = [s["id"] for s in data["sites"]]
    assert ids == ["hanweb-gongshu", "trs-gulou", "trs-chengkou-gbk"]
    for s in data["sites"]:
        assert {"id", "name", "region_code", "start_urls", "allowed_domains", "platform"} <= set(s)


def test_parse_switches_global_and_per_site():
    assert parse_switches(["ruishu", "slow=0.5", "hanweb-gongshu:errors_5xx=2"]) == {
        "ruishu": True,
        "slow": 0.5,
        "hanweb-gongshu": {"errors_5xx": 2},
    }


def test_all_platforms_start_with_distinct_hosts():
    with Simulator(platforms="all") as sim:
        assert len({s.platform for s in sim.sites}) >= 5
        hosts = [h for s in sim.sites for h in s.hosts]
        assert len(hosts) == len(set(hosts))
        assert len(sim.reports) > 300


def test_all_report_bytes_are_stable_across_restarts():
    def digests() -> dict[str, str]:
        with Simulator(platforms="all", seed=3) as sim:
            return {r.report_id: r.sha256 for r in sim.reports}

    assert digests() == digests()
