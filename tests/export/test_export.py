"""`gongkai export` in every format reads back with the database's rows and values."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlmodel import select

from crawler.cli import main
from export import builders
from storage.config import resolve
from storage.db import make_engine, session_scope
from storage.models import CheckResult, Document, MetricValue
from storage.warc.writer import read_record

pytestmark = pytest.mark.integration  # export spawns an extraction worker for narrative overlap

CSV_NAMES = [
    "reports",
    "listings",
    "metrics",
    "metrics_wide",
    "checks",
    "data_dictionary",
    "coverage",
]


def _export(data: Path, out: Path, *args: str) -> dict:
    result = CliRunner().invoke(
        main,
        ["--data", str(data), "export", "--out", str(out), "--json", *args],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _db_counts(data: Path) -> dict[str, int]:
    engine = make_engine(resolve(data).db_url)
    with session_scope(engine) as s:
        return {
            "reports": len(s.exec(select(Document)).all()),
            "metrics": len(s.exec(select(MetricValue)).all()),
            "checks": len(s.exec(select(CheckResult)).all()),
        }


def test_default_is_csv_with_bom(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = _export(demo_data, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{n}.csv" for n in CSV_NAMES] + ["datapackage.json"]
    )
    raw = (out / "reports.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "上海市普陀区人民政府".encode() in raw
    db = _db_counts(demo_data)
    for name in ("reports", "metrics", "checks"):
        assert summary["rows"][name] == db[name]
    values = [
        row.split(",")[8]
        for row in (out / "metrics.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    ]
    assert values and not any(v.endswith(".0") for v in values)  # counts print as integers


def test_every_format_reads_back_the_same(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(demo_data, out, "--format", "csv,parquet,xlsx,jsonl")
    db = _db_counts(demo_data)
    wb = load_workbook(out / "gongkai.xlsx", read_only=False)
    for name in ("reports", "metrics", "checks"):
        csv_df = pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig")
        pq_df = pd.read_parquet(out / f"{name}.parquet")
        jl_df = pd.read_json(out / f"{name}.jsonl", lines=True)
        duck = duckdb.sql(f"select count(*) from read_parquet('{out / (name + '.parquet')}')")
        duck_csv = duckdb.sql(f"select count(*) from read_csv_auto('{out / (name + '.csv')}')")
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert len(csv_df) == len(pq_df) == len(jl_df) == ws.max_row - 1 == db[name]
        assert duck.fetchall()[0][0] == duck_csv.fetchall()[0][0] == db[name]
        assert list(csv_df.columns) == list(pq_df.columns) == [c.value for c in ws[1]]

    # values: every metric value and raw text equals the database, in every format
    engine = make_engine(resolve(demo_data).db_url)
    with session_scope(engine) as s:
        truth = {m.id: (m.key, m.value, m.raw) for m in s.exec(select(MetricValue))}
    frames = {
        "csv": pd.read_csv(out / "metrics.csv", encoding="utf-8-sig", dtype={"raw": str}),
        "parquet": pd.read_parquet(out / "metrics.parquet"),
        "jsonl": pd.read_json(out / "metrics.jsonl", lines=True, dtype={"raw": str}),
    }
    ws = wb["metrics"]
    head = [c.value for c in ws[1]]
    frames["xlsx"] = pd.DataFrame(
        [list(r) for r in ws.iter_rows(min_row=2, values_only=True)], columns=head
    )
    for fmt, df in frames.items():
        got = {int(r.metric_id): (r.key, r.value, r.raw) for r in df.itertuples()}
        assert got.keys() == truth.keys(), fmt
        for mid, (key, value, raw) in truth.items():
            gkey, gvalue, graw = got[mid]
            assert gkey == key, fmt
            assert (value is None and (gvalue is None or math.isnan(gvalue))) or gvalue == value
            assert str(graw) == str(raw), fmt

    # parquet has proper types
    pq_reports = pd.read_parquet(out / "reports.parquet")
    assert str(pq_reports["year"].dtype) == "int64"
    assert str(pq_reports["late"].dtype) in ("bool", "boolean", "object")
    assert pd.api.types.is_datetime64_any_dtype(pq_reports["first_seen"])
    con = duckdb.connect()
    late = con.sql(f"select count(*) from '{out / 'reports.parquet'}' where late").fetchall()[0][0]
    assert late == 3


def test_metrics_provenance_resolves_to_archived_original(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(demo_data, out, "--format", "parquet")
    df = pd.read_parquet(out / "metrics.parquet")
    assert len(df) > 0
    for r in df.itertuples():
        _http, payload = read_record(
            demo_data / "archive" / "warc" / r.warc_file, int(r.warc_offset)
        )
        assert hashlib.sha256(payload).hexdigest() == r.sha256
        assert r.warc_record_id.startswith("<urn:uuid:")
        assert r.source_url.startswith("http://")


def test_reports_flags_and_checks(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(demo_data, out, "--format", "jsonl")
    reports = [json.loads(x) for x in (out / "reports.jsonl").read_text().splitlines()]
    by_id = {r["report_id"]: r for r in reports}
    assert [by_id[i]["late"] for i in range(1, 6)] == [False, True, True, True, False]
    assert [by_id[i]["days_late"] for i in range(1, 6)] == [-11, 2, 5, 5, -30]
    assert by_id[2]["deadline"] == "2024-03-31" and by_id[4]["deadline"] == "2024-01-31"
    assert by_id[5]["deadline"] == "2019-03-31"  # pre-2019: 31 March for departments too
    assert by_id[3]["status"] == "superseded" and by_id[3]["modified_after_publication"]
    assert by_id[4]["modified_after_publication"] and not by_id[1]["modified_after_publication"]
    assert by_id[5]["withdrawn"] and not by_id[4]["withdrawn"]
    assert by_id[2]["checks_failed"] == 1 and by_id[1]["checks_failed"] == 0
    # year-over-year overlap: recomputed from the archived originals
    assert by_id[2]["previous_report_id"] == 1 and by_id[2]["previous_year"] == 2022
    assert 0.7 < by_id[2]["text_overlap_previous"] < 1 and by_id[2]["overlap_over_50"]
    assert by_id[1]["text_overlap_previous"] is None
    metrics = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    touched = {(m["report_id"], m["key"]) for m in metrics if m["check_failed"]}
    assert touched == {(2, "app.new.total")}
    assert (
        next(m for m in metrics if m["report_id"] == 2 and m["key"] == "app.new.total")[
            "failed_rules"
        ]
        == "app.result_total"
    )
    checks = [json.loads(x) for x in (out / "checks.jsonl").read_text().splitlines()]
    failed = [c for c in checks if c["status"] == "fail"]
    assert len(failed) == 1 and failed[0]["numbers"] == {"lhs": 3, "rhs": 4}


def test_wide_and_dictionary(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(demo_data, out, "--format", "csv,parquet")
    wide = pd.read_parquet(out / "metrics_wide.parquet")
    long = pd.read_parquet(out / "metrics.parquet")
    assert len(wide) == 5
    for r in long.itertuples():
        cell = wide.loc[wide.report_id == r.report_id, r.key].iloc[0]
        assert (pd.isna(cell) and pd.isna(r.value)) or cell == r.value
    dd = pd.read_csv(out / "data_dictionary.csv", encoding="utf-8-sig")
    assert set(long.key) <= set(dd.key)
    row = dd.loc[dd.key == "app.new.total"].iloc[0]
    assert row.table == "表三" and row.unit == "件" and "新收" in row.label


@pytest.mark.parametrize(
    ("args", "docs"),
    [
        (["--region", "310107"], {1, 2, 3, 4}),
        (["--region", "31"], {1, 2, 3, 4, 5}),
        (["--year", "2023"], {2, 3, 4}),
        (["--agency", "教育局"], {3, 4}),
        (["--region", "310104", "--year", "2018"], {5}),
    ],
)
def test_filters(demo_data: Path, tmp_path: Path, args: list[str], docs: set[int]) -> None:
    out = tmp_path / "out"
    _export(demo_data, out, *args)
    assert set(pd.read_csv(out / "reports.csv", encoding="utf-8-sig").report_id) == docs
    assert set(pd.read_csv(out / "metrics.csv", encoding="utf-8-sig").report_id) == docs


def test_coverage_table(demo_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(demo_data, out, "--table", "coverage")
    cov = pd.read_csv(out / "coverage.csv", encoding="utf-8-sig")
    assert sorted(out.iterdir()) == [out / "coverage.csv", out / "datapackage.json"]
    site = cov[cov.level == "site"].set_index(["site_id", "year"])
    assert (
        bool(site.loc[("sh-putuo", 2023), "found"]) and site.loc[("sh-putuo", 2023), "reports"] == 2
    )
    assert not bool(site.loc[("sh-putuo", 2018), "found"])
    agency = cov[cov.level == "agency"].set_index(["agency", "year"])
    assert not bool(agency.loc[("上海市普陀区民政局", 2023), "found"])  # registered, never found
    assert not bool(agency.loc[("上海市普陀区教育局", 2022), "found"])
    assert bool(agency.loc[("上海市普陀区人民政府", 2022), "found"])


def test_bad_format_is_a_usage_error(demo_data: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--data", str(demo_data), "export", "--out", str(tmp_path), "--format", "xls"]
    )
    assert result.exit_code == 2 and "unknown format" in result.output


def test_known_answers_are_the_builders(demo_data: Path) -> None:
    assert [d.sha256 for d in builders.documents(demo_data)] == [
        hashlib.sha256(builders.html_for(s)).hexdigest() for s in builders.SPECS
    ]
