"""Which report is 'the same agency's previous one' for the year-over-year overlap."""

from __future__ import annotations

from datetime import datetime

from storage.export.agency import Gazetteer, identify
from storage.export.tables import _Listing, _previous_map, _Report
from storage.models import Document, Extraction, Site


def _report(doc_id: int, region: str, agency: str, year: int) -> _Report:
    site = Site(id=f"s{region}", name="x", region_code=region, platform="hanweb")
    doc = Document(
        id=doc_id,
        site_id=site.id,
        url=f"http://{region}.test/{doc_id}",
        title="t",
        sha256=f"{doc_id:064d}",
        capture_id=doc_id,
        first_seen=datetime(2024, 1, 1),
    )
    ex = Extraction(sha256=doc.sha256, extractor_version="v", status="ok", agency=agency, year=year)
    report = _Report([_Listing(doc, site, None, None)], ex, [], [])
    report.agency_id = identify(agency, Gazetteer({}))
    return report


def test_short_agency_names_are_not_compared_across_districts() -> None:
    a21, a23 = _report(1, "330105", "区统计局", 2021), _report(2, "330105", "区统计局", 2023)
    b22 = _report(3, "330106", "区统计局", 2022)  # same short name, another district
    previous = _previous_map([a21, a23, b22])
    assert previous[2] is a21  # nearest earlier year of the same district, not b22
    assert 3 not in previous and 1 not in previous


def test_a_list_year_that_disagrees_with_the_document_is_shown() -> None:
    from storage.export.tables import reports_table

    agree, differ = _report(1, "330105", "区统计局", 2023), _report(2, "330105", "区财政局", 2023)
    agree.doc.year, differ.doc.year = 2023, 2022  # the list title said 2022
    rows = {
        row["report_id"]: row for row in reports_table([agree, differ], [agree, differ], None).rows
    }
    assert rows[1]["year_disagrees"] is False and rows[2]["year_disagrees"] is True
    assert rows[2]["year"] == 2023 and rows[2]["listed_year"] == 2022
