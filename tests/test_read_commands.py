"""Read commands refuse a data folder that does not exist: one line, exit 2, nothing created
(`gongkai --data <typo> verify` once created an empty archive and said OK)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main

READ = [
    ("verify",),
    ("verify", "--head"),
    ("seal", "--dry-run"),
    ("show", "http://x.gov.cn/a"),
    ("runs",),
    ("coverage",),
    ("export",),
    ("cdxj",),
]


@pytest.mark.parametrize("args", READ, ids=lambda a: " ".join(a))
def test_read_command_refuses_a_missing_data_folder(tmp_path: Path, args: tuple[str, ...]):
    typo = tmp_path / "dat"
    result = CliRunner().invoke(main, ["--data", str(typo), *args])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "no data folder" in lines[0] and str(typo) in lines[0]
    assert list(tmp_path.iterdir()) == []  # nothing created


def test_export_wacz_refuses_a_missing_data_folder(tmp_path: Path):
    result = CliRunner().invoke(
        main, ["--data", str(tmp_path / "dat"), "export-wacz", "--out", str(tmp_path / "x.wacz")]
    )
    assert result.exit_code == 2 and "no data folder" in result.output
    assert list(tmp_path.iterdir()) == []


def test_env_data_folder_is_checked_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GONGKAI_DATA", str(tmp_path / "nope"))
    result = CliRunner().invoke(main, ["verify"])
    assert result.exit_code == 2 and list(tmp_path.iterdir()) == []


def test_existing_empty_folder_still_verifies(tmp_path: Path):
    result = CliRunner().invoke(main, ["--data", str(tmp_path), "verify"])
    assert result.exit_code == 0 and "OK" in result.output


def test_help_of_a_read_command_needs_no_data_folder(tmp_path: Path):
    result = CliRunner().invoke(main, ["--data", str(tmp_path / "dat"), "verify", "--help"])
    assert result.exit_code == 0 and "--expect-head" in result.output
