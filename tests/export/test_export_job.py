"""The export job runs without the CLI: a Service in, files and their summary out."""

from __future__ import annotations

import hashlib
from pathlib import Path

from crawler.jobs.export import export_tables
from crawler.service import Service
from storage.config import Paths


def test_the_job_writes_every_table_and_says_what_it_wrote(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    service = Service.open(Paths(data, f"sqlite:///{data / 'gongkai.sqlite'}"))
    out = tmp_path / "out"
    summary = export_tables(service, out, ["csv"], overlap=False)  # no worker: no overlap
    assert summary["out"] == str(out) and summary["formats"] == ["csv"]
    assert summary["rows"]["reports"] == 0 and summary["rows"]["data_dictionary"] > 0
    written = {Path(f["path"]).name: f for f in summary["files"]}
    assert "datapackage.json" in written and "reports.csv" in written
    for f in summary["files"]:
        body = Path(f["path"]).read_bytes()
        assert f["bytes"] == len(body) and f["sha256"] == hashlib.sha256(body).hexdigest()


def test_only_the_chosen_tables(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    service = Service.open(Paths(data, f"sqlite:///{data / 'gongkai.sqlite'}"))
    summary = export_tables(service, tmp_path / "out", ["jsonl"], tables=("checks",), overlap=False)
    assert list(summary["rows"]) == ["checks"]
