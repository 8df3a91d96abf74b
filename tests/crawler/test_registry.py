"""Registry validation and `gongkai sites check`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crawler.cli import main
from crawler.registry import RegistryError, host_allowed, load_registry, parse_registry

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "id": "a",
    "name": "甲区",
    "region_code": "330105",
    "platform": "hanweb",
    "start_urls": ["http://www.example.gov.cn/"],
}


def test_project_registry_is_valid():
    entries = load_registry(ROOT / "config" / "sites.yaml")
    assert {"hanweb", "trs"} <= {e.platform for e in entries}


def test_problems_are_all_collected():
    bad = [
        GOOD,
        dict(GOOD),
        {**GOOD, "id": "b", "platform": "wordpress"},
        {**GOOD, "id": "c", "region_code": "33010"},
        {"id": "d"},
    ]
    _, problems = parse_registry({"sites": bad})
    text = "\n".join(problems)
    assert "duplicate id" in text and "unknown platform" in text
    assert "6-digit" in text and "missing name" in text


def test_strict_load_raises(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"sites": [{**GOOD, "platform": "x"}]}), "utf-8")
    with pytest.raises(RegistryError):
        load_registry(path)


def test_allowed_hosts_include_configured_attachment_hosts():
    (entry,), _ = parse_registry([{**GOOD, "allowed_domains": ["oss.example.cn"]}])
    assert entry.allowed_hosts == {"www.example.gov.cn", "oss.example.cn"}
    assert host_allowed("a.oss.example.cn", entry.allowed_hosts)
    assert not host_allowed("evil-example.gov.cn", entry.allowed_hosts)
    assert host_allowed("127.0.0.5:8000", {"127.0.0.5"})
    assert not host_allowed("127.0.0.6:8000", {"127.0.0.5:8000", "0.0.5"})


def test_sites_check_command(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"sites": [GOOD, {**GOOD, "region_code": "12"}]}), "utf-8")
    result = CliRunner().invoke(main, ["--data", str(tmp_path / "d"), "sites", "check", str(path)])
    assert result.exit_code == 1 and "duplicate id" in result.output
    ok = CliRunner().invoke(main, ["sites", "check", str(ROOT / "config" / "sites.yaml")])
    assert ok.exit_code == 0, ok.output


def test_sites_check_names_a_yaml_syntax_error(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("sites:\n  - id: a\n    name: [unclosed\n", "utf-8")
    result = CliRunner().invoke(main, ["sites", "check", str(path)])
    assert result.exit_code == 1 and "not valid YAML" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_sites_check_probe_reports_unreachable(tmp_path):
    path = tmp_path / "s.yaml"
    entry = {
        **GOOD,
        "start_urls": ["http://127.0.0.1:9/"],  # discard port: refused
        "allow_private": True,
    }
    path.write_text(yaml.safe_dump({"sites": [entry]}), "utf-8")
    result = CliRunner().invoke(main, ["sites", "check", str(path), "--probe"])
    assert result.exit_code == 1 and "unreachable" in result.output


# A registry with one mistake per entry, written by hand as an operator would (line numbers
# are part of the contract: `sites check` names them).
MISTAKES = """\
sites:
  - id: good
    name: 甲区人民政府
    region_code: "330105"
    start_urls: ["http://www.example.gov.cn/"]
  - id: typo-key
    name: 乙区
    region_code: "330106"
    start_urls: ["http://b.example.gov.cn/"]
    list_url: ["http://b.example.gov.cn/nb/"]
  - id: typo-bool
    name: 丙区
    region_code: "330107"
    start_urls: ["http://c.example.gov.cn/"]
    enabled: flase
  - id: a,b
    name: 丁区
    region_code: "330108"
    start_urls: ["http://d.example.gov.cn/"]
  - id: good
    name: 重复
    region_code: "330109"
    start_urls: ["http://e.example.gov.cn/"]
  - id: private
    name: 内网
    region_code: "330110"
    start_urls: ["http://192.168.1.10/"]
    list_urls: ["http://[::1]:8080/nb/", "http://169.254.169.254/latest/"]
  - id: loopback-name
    name: 本机
    region_code: "330111"
    start_urls: ["http://localhost:8000/", "http://2130706433/"]
  - id: sim
    name: 模拟
    region_code: "330112"
    start_urls: ["http://127.0.0.1:8000/"]
    allow_private: true
  - id: bad-types
    name: 类型
    region_code: "330113"
    start_urls: {"url": "http://f.example.gov.cn/"}
    allow_private: "yes"
"""


def _problems(tmp_path, text=MISTAKES):  # type: ignore[no-untyped-def]
    from crawler.registry import read_registry

    path = tmp_path / "sites.yaml"
    path.write_text(text, "utf-8")
    return read_registry(path)


def _line(problems, needle):  # type: ignore[no-untyped-def]
    hits = [p for p in problems if needle in p]
    assert hits, (needle, problems)
    return hits[0]


def test_strict_registry_names_each_mistake_with_its_line(tmp_path):
    entries, problems = _problems(tmp_path)
    assert _line(problems, "unknown key 'list_url'").startswith("line 10:")
    assert "did you mean 'list_urls'" in _line(problems, "list_url")
    assert _line(problems, "enabled must be true or false").startswith("line 15:")
    assert _line(problems, "'a,b'").startswith("line 16:")
    assert _line(problems, "duplicate id").startswith("line 20:")
    assert "first at line 2" in _line(problems, "duplicate id")
    assert _line(problems, "192.168.1.10").startswith("line 27:")
    assert "private" in _line(problems, "192.168.1.10")
    assert "loopback" in _line(problems, "[::1]")
    assert "link-local" in _line(problems, "169.254.169.254")
    assert _line(problems, "localhost:8000").startswith("line 32:")
    assert "loopback" in _line(problems, "2130706433")
    assert _line(problems, "start_urls must be").startswith("line 41:")
    assert _line(problems, "allow_private must be true or false").startswith("line 42:")
    assert not [p for p in problems if "'sim'" in p or "'good'" in p and "duplicate" not in p]
    typo = next(e for e in entries if e.id == "typo-bool")
    assert typo.enabled is False  # a typo never enables a site
    assert len(problems) == 11, "\n".join(problems)


def test_crawl_refuses_a_strict_registry_error(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MISTAKES, "utf-8")
    with pytest.raises(RegistryError) as err:
        load_registry(path)
    assert "list_url" in str(err.value)


def test_duplicate_key_in_an_entry(tmp_path):
    _, problems = _problems(
        tmp_path,
        "sites:\n  - id: a\n    name: x\n    region_code: "
        "'330105'\n    start_urls: [http://a.gov.cn/]\n"
        "    name: y\n",
    )
    assert _line(problems, "key 'name' given twice").startswith("line 6:")


def test_sites_check_prints_problems_without_a_traceback(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MISTAKES, "utf-8")
    result = CliRunner().invoke(main, ["sites", "check", str(path)])
    assert (
        result.exit_code == 1
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )
    assert "line 15: site 'typo-bool': enabled must be true or false, not 'flase'" in result.output
    assert "Traceback" not in result.output
    for junk in ("sites: [1, 2]\n", "- just\n- strings\n", "sites:\n  - id: [\n", "\xff"):
        path.write_bytes(junk.encode("latin-1"))
        res = CliRunner().invoke(main, ["sites", "check", str(path)])
        assert res.exit_code == 1 and isinstance(res.exception, SystemExit), res.output


@pytest.mark.integration  # the simulator listens on loopback
def test_simulator_registries_pass_strict_checks():
    simulator = pytest.importorskip("sim")
    with simulator.Simulator(seed=0) as sim:
        sim.start()
        entries, problems = parse_registry({"sites": sim.registry()})
    assert entries and not problems, problems
    assert all(e.allow_private for e in entries)


def test_sites_list_prints_the_registry(tmp_path):
    result = CliRunner().invoke(main, ["sites", "list", str(ROOT / "config" / "sites.yaml")])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split()[:5] == ["ID", "NAME", "PLATFORM", "ENABLED", "REGION"]
    minhang = next(r for r in rows if r.startswith("sh-minhang "))
    assert " yes " in minhang and "310112" in minhang and "https://zwgk.shmh.gov.cn/" in minhang
    as_json = CliRunner().invoke(
        main, ["sites", "list", "--json", str(ROOT / "config" / "sites.yaml")]
    )
    import json

    first = json.loads(as_json.output.splitlines()[0])
    assert {"id", "name", "platform", "enabled", "region_code", "start_urls"} <= set(first)
    off = tmp_path / "off.yaml"
    off.write_text(
        "sites:\n"
        "  - {id: zj-off, name: 杭州市某区人民政府, region_code: '330105', platform: hanweb,\n"
        "     enabled: false, start_urls: ['https://www.example.gov.cn/']}\n",
        "utf-8",
    )
    listed = CliRunner().invoke(main, ["sites", "list", str(off)])
    assert listed.exit_code == 0, listed.output
    assert " no " in next(r for r in listed.output.splitlines() if r.startswith("zj-off "))
    path = tmp_path / "s.yaml"
    path.write_text(MISTAKES, "utf-8")
    bad = CliRunner().invoke(main, ["sites", "list", str(path)])
    assert bad.exit_code == 1 and "typo-bool" in bad.output and "problem(s)" in bad.output


def test_crawl_command_refuses_a_registry_with_mistakes(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(MISTAKES, "utf-8")
    result = CliRunner().invoke(
        main, ["--data", str(tmp_path / "d"), "crawl", "--sites", str(path)]
    )
    assert result.exit_code != 0 and "list_url" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "d" / "archive").exists()  # nothing was crawled


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.1",
        "0x7f000001",
        "2130706433",
        "0.0.0.0",
        "10.1.2.3",
        "172.16.0.1",
        "100.64.0.1",
        "[::1]",
        "[fe80::1%25eth0]",
        "[::ffff:127.0.0.1]",
        "localhost",
        "api.localhost",
        "169.254.169.254",
    ],
)
def test_non_public_hosts_are_refused(host):
    _, problems = parse_registry([{**GOOD, "start_urls": [f"http://{host}:8080/"]}])
    assert any("address" in p for p in problems), (host, problems)
    _, allowed = parse_registry(
        [{**GOOD, "start_urls": [f"http://{host}:8080/"], "allow_private": True}]
    )
    assert not allowed, allowed


@pytest.mark.parametrize(
    "host", ["www.gongshu.gov.cn", "face.cafe", "1e100.net", "8.8.8.8", "[2001:4860:4860::8888]"]
)
def test_public_hosts_pass(host):
    _, problems = parse_registry([{**GOOD, "start_urls": [f"http://{host}/"]}])
    assert not problems, problems


def test_private_allowed_domain_is_refused():
    _, problems = parse_registry(
        [{**GOOD, "allowed_domains": ["oss.example.cn", "127.0.0.1:8000", "[::1]:80"]}]
    )
    assert len([p for p in problems if "allowed domain" in p]) == 2, problems
