"""A database with known answers for issue 10's analyst findings, written from its words.

- One PDF (the same bytes) is listed by five districts' sites.  It is 洪泽区人民政府's report
  for 2023: one report, five listings, region 320813 (洪泽), never the listing sites' regions.
  Each listing comes from an archived article page; 拱墅's page says
  `<meta name="ContentSource" content="拱墅区统计局">` (another agency: flagged), 洪泽's says
  `洪泽区人民政府` (agrees), the others have none.
- 城口县 (an agency named only by its place) publishes its 2023 report on 2024-02-18: a
  government, due 31 March, on time (not 18 days late).
- The same government signs `拱墅区` for 2022 and `杭州市拱墅区人民政府` for 2023: one agency key,
  and the 2023 report's previous report is the 2022 one.
- One report's agency is the fragment `本报告依据《中华人民共和国`: no agency, no key, no region,
  and so no deadline (the kind of body decides it).
- 杭州市滨江区长河街道办事处 publishes its 2023 report on 2024-02-18: a street, for which the
  条例 sets no date (deadline null, `no_legal_deadline`), not 18 days late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from export.builders import archive_capture, open_archive
from storage import crud
from storage.config import Paths
from storage.db import session_scope
from storage.models import Capture

SITES = [
    {
        "id": "gongshu",
        "name": "杭州市拱墅区人民政府",
        "region_code": "330105",
        "platform": "hanweb",
    },
    {
        "id": "binjiang",
        "name": "杭州市滨江区人民政府",
        "region_code": "330108",
        "platform": "jpaas",
    },
    {"id": "gulou", "name": "福州市鼓楼区人民政府", "region_code": "350102", "platform": "trs"},
    {"id": "chengkou", "name": "城口县人民政府", "region_code": "500229", "platform": "trs"},
    {"id": "hongze", "name": "淮安市洪泽区人民政府", "region_code": "320813", "platform": "hanweb"},
]
SHARED_PDF = b"%PDF-1.4\n% the same bytes on five sites: \xe6\xb4\xaa\xe6\xb3\xbd\n%%EOF\n"
SHARED_TITLE = "淮安市洪泽区人民政府2023年政府信息公开工作年度报告"
CONTENT_SOURCE = {"gongshu": "拱墅区统计局", "hongze": "洪泽区人民政府"}


@dataclass
class Own:
    """A report only its own site lists (an HTML page)."""

    site: str
    agency: str
    year: int
    listed: str


OWN = [
    Own("chengkou", "城口县", 2023, "2024-02-18"),
    Own("gongshu", "拱墅区", 2022, "2023-03-01"),
    Own("gongshu", "杭州市拱墅区人民政府", 2023, "2024-03-05"),
    Own("binjiang", "本报告依据《中华人民共和国", 2023, "2024-01-20"),
    Own("binjiang", "杭州市滨江区长河街道办事处", 2023, "2024-02-18"),
]
METRIC_KEYS = ["app.new.natural_person", "app.new.total", "review.total"]


def article(site: str, title: str, link: str) -> bytes:
    meta = (
        f'<meta name="ContentSource" content="{CONTENT_SOURCE[site]}">'
        if site in CONTENT_SOURCE
        else ""
    )
    return (
        f"<html><head><meta charset='utf-8'>{meta}<title>{title}</title></head><body>"
        f"<h1>{title}</h1><a href='{link}'>{title}.pdf</a></body></html>"
    ).encode()


def build(data: Path) -> Paths:
    paths, engine, archive = open_archive(data, SITES)
    tick = iter(range(1000))

    def fetch(site: str, url: str, body: bytes, media: str) -> Capture:
        when = datetime(2024, 5, 1, 2, 0, next(tick))
        with session_scope(engine) as s:
            cap = archive_capture(archive, s, site, url, body, media, when)
            s.expunge(cap)
        return cap

    def listing(
        site: str, url: str, title: str, year: int, cap: Capture, found_on: str | None, listed: str
    ) -> None:
        with session_scope(engine) as s:
            crud.record_document(
                session=s,
                site_id=site,
                url=url,
                title=title,
                year=year,
                capture=cap,
                found_on=found_on,
                listed_date=listed,
                seen_at=cap.fetched_at,
            )

    def extraction(sha: str, agency: str, year: int, title: str) -> None:
        metrics = [
            {
                "key": k,
                "value": float(i),
                "raw": str(i),
                "table": "表三",
                "location": {"table": 1, "row": i, "col": 1},
            }
            for i, k in enumerate(METRIC_KEYS)
        ]
        with session_scope(engine) as s:
            crud.save_extraction(
                session=s,
                result={
                    "sha256": sha,
                    "extractor_version": _version(),
                    "status": "ok",
                    "format": "pdf",
                    "template": "2021",
                    "agency": agency,
                    "year": year,
                    "title": title,
                    "metrics": metrics,
                    "checks": [
                        {"rule": "app.total_is_sum", "status": "fail", "keys": ["app.new.total"]}
                    ],
                },
            )

    for n, site in enumerate(s["id"] for s in SITES):
        page = f"http://{site}.test/art/2024/{n}.html"
        pdf = f"http://{site}.test/attach/{n}.pdf"
        fetch(site, page, article(site, SHARED_TITLE, pdf), "text/html; charset=utf-8")
        cap = fetch(site, pdf, SHARED_PDF, "application/pdf")
        listing(site, pdf, SHARED_TITLE + ".pdf", 2023, cap, page, f"2024-01-1{n}")
    extraction(cap.sha256, "洪泽区人民政府", 2023, SHARED_TITLE)
    for n, own in enumerate(OWN):
        url = f"http://{own.site}.test/nb/{own.year}-{n}.html"
        title = f"{own.agency}{own.year}年政府信息公开工作年度报告"
        body = (
            f"<html><head><title>{title}</title></head><body><p>{title}"
            f"{'正文' * (n + 1)}</p></body></html>"
        ).encode()
        cap = fetch(own.site, url, body, "text/html; charset=utf-8")
        listing(own.site, url, title, own.year, cap, None, own.listed)
        extraction(cap.sha256, own.agency, own.year, title)
    archive.close()
    return paths


def _version() -> str:
    try:
        from extract import EXTRACTOR_VERSION  # type: ignore[attr-defined]
    except ImportError:
        return "test"
    return str(EXTRACTOR_VERSION)
