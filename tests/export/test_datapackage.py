"""`datapackage.json`: the export describes itself, and frictionless validates it (issue 13)."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from frictionless import Package, validate
from sqlmodel import Session, select

from crawler.cli import main
from storage.config import resolve
from storage.db import make_engine
from storage.export.tables import TABLES, Table
from storage.export.writers import write_parquet
from storage.models import Manifest
from storage.warc.manifest import seal

pytestmark = pytest.mark.integration  # `gongkai export` starts an extraction worker


def _export(data: Path, out: Path, fmt: str, *args: str) -> dict:
    result = CliRunner().invoke(
        main,
        ["--data", str(data), "export", "--out", str(out), "--json", "--format", fmt, *args],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _errors(report) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(task.name, err.type) for task in report.tasks for err in task.errors]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_the_package_validates(demo_data: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    summary = _export(demo_data, out, fmt)
    report = validate(out / "datapackage.json")
    assert report.valid, _errors(report)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == list(TABLES)
    for res in package["resources"]:
        path = out / res["path"]
        assert res["format"] == fmt and path.name == f"{res['name']}.{fmt}"
        assert res["hash"] == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        assert res["rows"] == summary["rows"][res["name"]]
        assert all(f["description"] for f in res["schema"]["fields"])
    keys = {r["name"]: r["schema"] for r in package["resources"]}
    assert keys["reports"]["primaryKey"] == ["report_id"]
    for child in ("metrics", "checks", "listings", "metrics_wide"):
        assert keys[child]["foreignKeys"] == [
            {"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}
        ]


def test_two_formats_in_one_package(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(demo_data, out, "csv,parquet,jsonl,xlsx")
    report = validate(out / "datapackage.json")
    assert report.valid, _errors(report)
    names = [r["name"] for r in Package(out / "datapackage.json").to_descriptor()["resources"]]
    assert "reports" in names and "reports-parquet" in names and "reports-xlsx" in names


def test_an_altered_file_fails_validation(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(demo_data, out, "csv")
    path = out / "reports.csv"
    path.write_bytes(path.read_bytes().replace("上海市普陀区".encode(), "上海市徐汇区".encode(), 1))
    assert ("reports", "hash-count") in _errors(validate(out / "datapackage.json"))


def test_an_orphan_value_breaks_the_foreign_key(demo_data: Path, tmp_path: Path) -> None:
    """Attack: a metric pointing at no report; the declared key must catch it."""
    out = tmp_path / "out"
    _export(demo_data, out, "csv")
    path = out / "metrics.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][1] = "999"  # report_id
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    res = next(r for r in descriptor["resources"] if r["name"] == "metrics")
    res["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    res["bytes"] = path.stat().st_size
    (out / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False))
    assert ("metrics", "foreign-key") in _errors(validate(out / "datapackage.json"))


def test_every_column_is_in_the_dictionary(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(demo_data, out, "csv")
    dd = pd.read_csv(out / "data_dictionary.csv", encoding="utf-8-sig", dtype=str)
    described = set(zip(dd.resource, dd.field, strict=True))
    for name in TABLES:
        header = pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig", nrows=0).columns
        missing = {c for c in header if (name, c) not in described}
        assert not missing, (name, missing)
    assert dd.description.notna().all()
    keys = dd[dd.key.notna()]
    assert len(keys) >= 226 and (keys.resource == "metrics_wide").all()
    row = keys[keys.key == "app.new.total"].iloc[0]
    assert row.table == "表三" and row.unit == "件" and "新收" in row.row_label
    assert row.column_label == "总计" and row.label == f"{row.row_label} {row.column_label}"
    assert keys.row_label.notna().all() and keys.column_label.notna().all()
    agency_key = dd[(dd.resource == "reports") & (dd.field == "agency_key")].description.iloc[0]
    assert "杭州市拱墅区人民政府 → 330105:人民政府" in agency_key  # examples, as the issue asks


def test_source_database_and_manifest_head(demo_data: Path, tmp_path: Path) -> None:
    paths = resolve(demo_data)
    engine = make_engine(paths.db_url)
    with Session(engine) as s:
        sealed = seal(paths, s, always=True)
        s.commit()
        head = s.exec(select(Manifest).order_by(Manifest.sequence.desc())).first()
    assert sealed.manifest and head is not None
    out = tmp_path / "out"
    _export(demo_data, out, "csv")
    origin = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["gongkai"]
    assert origin["archive_manifest_head"]["sha256"] == head.sha256
    assert origin["archive_manifest_head"]["file"] == head.file_name
    manifest_file = paths.manifests / head.file_name
    assert hashlib.sha256(manifest_file.read_bytes()).hexdigest() == head.sha256
    assert origin["database"]["backend"] in ("sqlite", "postgresql")
    assert origin["database"]["schema_revision"]
    assert "password" not in json.dumps(origin).lower()


def test_times_carry_their_offset(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(demo_data, out, "csv,parquet,jsonl")
    reports = pd.read_csv(out / "reports.csv", encoding="utf-8-sig")
    assert reports.first_seen.str.endswith("+00:00").all()
    assert reports.first_seen.iloc[0].startswith("2024-05-01T02:00:0")
    pq_reports = pd.read_parquet(out / "reports.parquet")
    assert str(pq_reports.first_seen.dt.tz) == "UTC"
    line = json.loads((out / "metrics.jsonl").read_text().splitlines()[0])
    assert line["capture_time"].endswith("+00:00")
    created = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["created"]
    assert created.endswith("+00:00")


def test_integer_columns_with_nulls_read_as_integers(tmp_path: Path) -> None:
    table = Table(
        "t",
        [("year", "int"), ("id", "int"), ("when", "date")],
        [{"year": 2023, "id": 1, "when": date(2024, 1, 1)}, {"year": None, "id": 2, "when": None}],
    )
    path = write_parquet(table, tmp_path / "t.parquet")
    df = pd.read_parquet(path)
    assert str(df.year.dtype) == "Int64" and df.year.iloc[0] == 2023 and df.year.isna().iloc[1]
    assert str(df.id.dtype) == "int64"
    assert pq.read_schema(path).field("year").type == "int64"
