"""The workbench's unit is the export's: one document listed on two sites is one report.

The data folder: 淮安市洪泽区人民政府's 2023 PDF (the same bytes) listed by 洪泽's own site and by
拱墅's site, and 拱墅区's own 2023 report on 拱墅's site.  So: 2 reports, 3 listings; the PDF's
region is 洪泽's (320813) whichever site listed it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from export.builders import archive_capture, open_archive
from extract.contract import EXTRACTOR_VERSION
from storage import crud
from storage.config import Paths
from storage.db import make_engine, session_scope
from storage.export.tables import build_tables, export_counts
from storage.models import Document

SITES = [
    {"id": "hongze", "name": "淮安市洪泽区人民政府", "region_code": "320813", "platform": "hanweb"},
    {
        "id": "gongshu",
        "name": "杭州市拱墅区人民政府",
        "region_code": "330105",
        "platform": "hanweb",
    },
]
PDF = b"%PDF-1.4\n% one report, two listings\n%%EOF\n"
PDF_TITLE = "淮安市洪泽区人民政府2023年政府信息公开工作年度报告"
LISTED = [  # (site, url, capture time)
    ("hongze", "http://hongze.test/nb/2023.pdf", datetime(2024, 5, 1, 2, 0, 0)),
    ("gongshu", "http://gongshu.test/zt/hongze-2023.pdf", datetime(2024, 5, 2, 3, 0, 0)),
]
OWN_URL = "http://gongshu.test/nb/2023.html"


def _build(data: Path) -> tuple[Paths, list[int], int]:
    """The data folder; the PDF's document ids (in listing order) and the own report's id."""
    paths, engine, archive = open_archive(data, SITES)

    def listed(site: str, url: str, body: bytes, media: str, when: datetime, title: str) -> int:
        with session_scope(engine) as s:
            cap = archive_capture(archive, s, site, url, body, media, when)
            doc = crud.record_document(
                session=s,
                site_id=site,
                url=url,
                title=title,
                year=2023,
                capture=cap,
                found_on=None,
                listed_date=when.date().isoformat(),
                seen_at=when,
            )
            return doc.id or 0

    pdf_ids = [listed(*x[:2], PDF, "application/pdf", x[2], PDF_TITLE) for x in LISTED]
    own_title = "杭州市拱墅区人民政府2023年政府信息公开工作年度报告"
    body = f"<html><head><title>{own_title}</title></head><body>{own_title}</body></html>"
    own = listed("gongshu", OWN_URL, body.encode(), "text/html", datetime(2024, 5, 3), own_title)
    with session_scope(engine) as s:
        for doc_id, agency, title in (
            (pdf_ids[0], "淮安市洪泽区人民政府", PDF_TITLE),
            (own, "杭州市拱墅区人民政府", own_title),
        ):
            d = s.get(Document, doc_id)
            assert d is not None
            crud.save_extraction(
                session=s,
                result={
                    "sha256": d.sha256,
                    "extractor_version": str(EXTRACTOR_VERSION),
                    "status": "ok",
                    "format": "pdf" if doc_id != own else "html",
                    "template": "2021",
                    "agency": agency,
                    "year": 2023,
                    "title": title,
                    "metrics": [
                        {"key": "app.new.total", "value": 7.0, "raw": "7", "table": "表三"}
                    ],
                    "checks": [],
                },
            )
    archive.close()
    engine.dispose()
    return paths, pdf_ids, own


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, list[int], int]:
    return _build(tmp_path_factory.mktemp("one-report") / "data")


@pytest.fixture(scope="module")
def client(folder: tuple[Paths, list[int], int]) -> Iterator[TestClient]:
    from web.app import create_app

    with TestClient(create_app(folder[0])) as c:
        yield c


def test_the_list_shows_one_report_for_two_listings(
    client: TestClient, folder: tuple[Paths, list[int], int]
) -> None:
    _, pdf_ids, own = folder
    api = client.get("/api/reports").json()
    assert api["total"] == 2
    assert {r["report_id"] for r in api["reports"]} == {pdf_ids[0], own}
    pdf = next(r for r in api["reports"] if r["report_id"] == pdf_ids[0])
    assert pdf["listings"] == 2 and pdf["listing_sites"] == 2
    assert pdf["region_code"] == "320813"  # 洪泽's, although 拱墅's site lists it too
    page = BeautifulSoup(client.get("/").text, "html.parser")
    assert len(page.select("table.reports tbody tr")) == 2
    assert "共 2 份报告（3 处发布）" in page.select_one("#counts").get_text()


def test_the_report_page_shows_both_listings(
    client: TestClient, folder: tuple[Paths, list[int], int]
) -> None:
    _, pdf_ids, _ = folder
    page = BeautifulSoup(client.get(f"/reports/{pdf_ids[0]}").text, "html.parser")
    rows = page.select("table.listings tbody tr")
    assert len(rows) == 2
    for row, (site, url, when) in zip(rows, LISTED, strict=True):
        text = row.get_text(" ")
        assert url in text
        assert next(s["name"] for s in SITES if s["id"] == site) in text
        assert when.strftime("%Y-%m-%d %H:%M:%S") in text
    api = client.get(f"/api/reports/{pdf_ids[0]}").json()
    assert [x["url"] for x in api["listings"]] == [u for _, u, _ in LISTED]
    assert [x["site_id"] for x in api["listings"]] == [s for s, _, _ in LISTED]
    assert [x["capture_time"][:19] for x in api["listings"]] == [
        w.isoformat() for _, _, w in LISTED
    ]


def test_a_later_listing_id_leads_to_its_report(
    client: TestClient, folder: tuple[Paths, list[int], int]
) -> None:
    _, pdf_ids, _ = folder
    for path in ("/reports", "/api/reports"):
        r = client.get(f"{path}/{pdf_ids[1]}", follow_redirects=False)
        assert r.status_code == 301
        assert r.headers["location"] == f"{path}/{pdf_ids[0]}"


def test_the_workbench_counts_what_the_export_counts(
    client: TestClient, folder: tuple[Paths, list[int], int]
) -> None:
    paths = folder[0]
    engine = make_engine(paths.db_url)
    try:
        exported = build_tables(engine, only=("reports", "listings"))
        with session_scope(engine) as s:
            counts = export_counts(s)
    finally:
        engine.dispose()
    api = client.get("/api/reports").json()
    assert api["counts"]["total"] == counts["reports"] == len(exported["reports"].rows) == 2
    assert api["counts"]["listings"] == counts["listings"] == len(exported["listings"].rows) == 3
    # and the rows are the export's: same ids, agencies, regions and deadlines
    mine = {r["report_id"]: r for r in api["reports"]}
    for row in exported["reports"].rows:
        ours = mine[row["report_id"]]
        for name in (
            "sha256",
            "agency",
            "agency_key",
            "agency_kind",
            "region_code",
            "year",
            "listings",
            "deadline_basis",
            "timeliness",
            "days_late",
        ):
            assert ours[name] == row[name], name
        assert ours["deadline"] == (row["deadline"].isoformat() if row["deadline"] else None)
