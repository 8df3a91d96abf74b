"""Registry validation and `gongkai sites check`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crawler.cli import main
from crawler.registry import RegistryError, host_allowed, load_registry, parse_registry

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"id": "a", "name": "甲区", "region_code": "330105", "platform": "hanweb",
        "start_urls": ["http://www.example.gov.cn/"]}


def test_project_registry_is_valid():
    entries = load_registry(ROOT / "config" / "sites.yaml")
    assert {"hanweb", "trs"} <= {e.platform for e in entries}


def test_problems_are_all_collected():
    bad = [GOOD, dict(GOOD), {**GOOD, "id": "b", "platform": "wordpress"},
           {**GOOD, "id": "c", "region_code": "33010"}, {"id": "d"}]
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
    result = CliRunner().invoke(main, ["--data", str(tmp_path / "d"), "sites", "check",
                                       str(path)])
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
    entry = {**GOOD, "start_urls": ["http://127.0.0.1:9/"]}  # discard port: refused
    path.write_text(yaml.safe_dump({"sites": [entry]}), "utf-8")
    result = CliRunner().invoke(main, ["sites", "check", str(path), "--probe"])
    assert result.exit_code == 1 and "unreachable" in result.output
