"""Attack: the workbench's cached index must not outlive a re-extraction.

A rerun of the extractor at the same version replaces the extraction row (storage.crud
save_extraction deletes it and inserts a new one).  On SQLite the new row can take the same id
(the deleted row was the last), so a cache keyed on (count, max id) would keep serving the old
agency, kind and deadline while the export, read afresh, already shows the new ones.
"""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from extract.contract import EXTRACTOR_VERSION
from storage import crud
from storage.db import make_engine, session_scope
from storage.export.tables import build_tables
from storage.models import Document
from tests.web.test_workbench_one_report import _build


def test_a_rerun_of_the_last_extraction_reaches_the_workbench(tmp_path: Path) -> None:
    from web.app import create_app

    paths, _pdf_ids, own = _build(tmp_path / "data")
    with TestClient(create_app(paths)) as client:
        before = {r["report_id"]: r for r in client.get("/api/reports").json()["reports"]}
        assert before[own]["agency_kind"] == "government"
        engine = make_engine(paths.db_url)
        with session_scope(engine) as s:
            d = s.get(Document, own)
            assert d is not None
            crud.save_extraction(
                session=s,
                result={
                    "sha256": d.sha256,
                    "extractor_version": str(EXTRACTOR_VERSION),
                    "status": "ok",
                    "format": "html",
                    "template": "2021",
                    "agency": "杭州市拱墅区统计局",
                    "year": 2023,
                    "title": "杭州市拱墅区统计局2023年政府信息公开工作年度报告",
                    "metrics": [],
                    "checks": [],
                },
            )
        export = {
            r["report_id"]: r for r in build_tables(engine, only=("reports",))["reports"].rows
        }
        engine.dispose()
        after = {r["report_id"]: r for r in client.get("/api/reports").json()["reports"]}
    assert export[own]["agency_kind"] == "department"
    assert after[own]["agency_kind"] == export[own]["agency_kind"]
    assert after[own]["agency"] == export[own]["agency"]


def test_a_registry_change_reaches_the_workbench(tmp_path: Path) -> None:
    """A site's platform (or name or region) changed by a registry sync, with no document or
    extraction touched, must show on the next page: the export reads the sites afresh too."""
    from storage.models import Site
    from web.app import create_app

    paths, _pdf_ids, own = _build(tmp_path / "data")
    with TestClient(create_app(paths)) as client:
        before = {r["report_id"]: r for r in client.get("/api/reports").json()["reports"]}
        engine = make_engine(paths.db_url)
        with session_scope(engine) as s:
            d = s.get(Document, own)
            assert d is not None
            site = s.get(Site, d.site_id)
            assert site is not None and site.platform != "renamed-platform"
            site.platform = "renamed-platform"
        engine.dispose()
        after = {r["report_id"]: r for r in client.get("/api/reports").json()["reports"]}
    assert before[own]["platform"] != "renamed-platform"
    assert after[own]["platform"] == "renamed-platform"
