"""One document, one report: issue 10's analyst findings on a database written from its words."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from crawler.cli import main
from export import shared_builder as sb
from storage.config import resolve
from storage.db import make_engine, session_scope
from storage.export.tables import export_counts

pytestmark = pytest.mark.integration  # `gongkai export` starts an extraction worker


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    sb.build(data)
    return data


def _export(data: Path, out: Path, *args: str) -> dict:
    result = CliRunner().invoke(
        main,
        ["--data", str(data), "export", "--out", str(out), "--json", "--format", "jsonl", *args],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _rows(out: Path, name: str) -> list[dict]:
    return [json.loads(x) for x in (out / f"{name}.jsonl").read_text().splitlines()]


SHARED_SHA = hashlib.sha256(sb.SHARED_PDF).hexdigest()


def test_five_listings_are_one_report(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(shared, out)
    reports = _rows(out, "reports")
    assert len(reports) == 1 + len(sb.OWN)
    pdf = [r for r in reports if r["sha256"] == SHARED_SHA]
    assert len(pdf) == 1
    r = pdf[0]
    assert r["listings"] == 5 and r["listing_sites"] == 5
    # the region is the agency's (洪泽), not the first listing site's (拱墅)
    assert r["region_code"] == "320813" and r["site_id"] == "gongshu"
    assert r["agency_key"] == "320813:人民政府" and r["agency_kind"] == "government"
    assert r["listed_outside_region"] is True
    assert r["listed_date"] == "2024-01-10" and r["deadline"] == "2024-03-31"
    # counted once: its values and checks appear once
    metrics = [m for m in _rows(out, "metrics") if m["sha256"] == SHARED_SHA]
    assert len(metrics) == len(sb.METRIC_KEYS)
    assert {m["report_id"] for m in metrics} == {r["report_id"]}
    assert len([c for c in _rows(out, "checks") if c["sha256"] == SHARED_SHA]) == 1
    wide = [w for w in _rows(out, "metrics_wide") if w["sha256"] == SHARED_SHA]
    assert len(wide) == 1 and wide[0]["status"] == "current"
    assert wide[0]["region_code"] == "320813" and wide[0]["agency_key"] == "320813:人民政府"
    # every listing keeps its URL, site and capture
    listings = [x for x in _rows(out, "listings") if x["sha256"] == SHARED_SHA]
    assert sorted(x["site_id"] for x in listings) == sorted(s["id"] for s in sb.SITES)
    assert len({x["url"] for x in listings}) == 5 and all(x["capture_id"] for x in listings)
    assert {x["report_id"] for x in listings} == {r["report_id"]}
    outside = {x["site_id"]: x["listed_outside_region"] for x in listings}
    assert outside == {
        "gongshu": True,
        "binjiang": True,
        "gulou": True,
        "chengkou": True,
        "hongze": False,
    }


def test_a_district_filter_counts_the_report_for_its_agency_only(
    shared: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _export(shared, out, "--region", "330105")  # 拱墅 lists the PDF, but it is 洪泽's
    assert SHARED_SHA not in {r["sha256"] for r in _rows(out, "reports")}
    out2 = tmp_path / "out2"
    _export(shared, out2, "--region", "320813")
    assert [r["sha256"] for r in _rows(out2, "reports")] == [SHARED_SHA]


def test_crawl_context_is_kept_beside_the_document(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(shared, out)
    listings = {x["site_id"]: x for x in _rows(out, "listings") if x["sha256"] == SHARED_SHA}
    g, h, b = listings["gongshu"], listings["hongze"], listings["binjiang"]
    assert g["content_source"] == "拱墅区统计局" and g["agency"] == "洪泽区人民政府"
    assert g["context_agency_disagrees"] is True  # said so, not overwritten
    assert h["content_source"] == "洪泽区人民政府" and h["context_agency_disagrees"] is False
    assert b["content_source"] is None and b["list_title_agency"] == "淮安市洪泽区人民政府"
    assert b["context_agency_disagrees"] is False  # the list title agrees
    assert g["site_name"] == "杭州市拱墅区人民政府" and g["list_title"].endswith(".pdf")
    report = next(r for r in _rows(out, "reports") if r["sha256"] == SHARED_SHA)
    assert report["context_agency_disagrees"] is True and report["agency"] == "洪泽区人民政府"


def test_agency_identity_deadline_and_series(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _export(shared, out)
    by_agency = {r["agency_as_extracted"]: r for r in _rows(out, "reports")}
    ck = by_agency["城口县"]
    assert ck["agency_kind"] == "government" and ck["deadline"] == "2024-03-31"
    assert ck["late"] is False and ck["days_late"] == -42 and ck["region_code"] == "500229"
    g22, g23 = by_agency["拱墅区"], by_agency["杭州市拱墅区人民政府"]
    assert g22["agency_key"] == g23["agency_key"] == "330105:人民政府"
    assert g23["previous_report_id"] == g22["report_id"]
    frag = by_agency["本报告依据《中华人民共和国"]
    assert frag["agency"] is None and frag["agency_key"] is None
    assert frag["region_code"] is None  # never the listing site's (滨江)
    assert frag["agency_kind"] == "unknown" and frag["deadline"] is None
    assert frag["deadline_basis"] == "none_unknown_kind" and frag["timeliness"] == "unknown"
    street = by_agency["杭州市滨江区长河街道办事处"]
    assert street["agency_kind"] == "street_town" and street["agency_key"] == "330108:长河街道"
    assert street["deadline"] is None and street["deadline_basis"] == "none_street_town"
    assert street["timeliness"] == "no_legal_deadline" and street["late"] is None
    assert street["days_late"] is None
    assert ck["deadline_basis"] == "2019_art49_government"


def test_export_counts_equal_the_files(shared: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = _export(shared, out)
    with session_scope(make_engine(resolve(shared).db_url)) as s:
        counts = export_counts(s)
    for name in ("reports", "listings", "metrics", "checks", "metrics_wide"):
        assert counts[name] == summary["rows"][name] == len(_rows(out, name))
    assert counts["reports"] == 6 and counts["listings"] == 10
    assert counts["checks_failed"] == sum(c["status"] == "fail" for c in _rows(out, "checks"))
    assert counts["values"] == sum(m["value"] is not None for m in _rows(out, "metrics"))
    assert counts["extraction_status"] == {"ok": 6} and counts["report_status"] == {"current": 6}
    reports = pd.read_json(out / "reports.jsonl", lines=True)
    assert reports.sha256.is_unique
