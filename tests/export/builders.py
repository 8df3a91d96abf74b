"""A small database with known answers, built through storage.crud (no crawler needed).

Two sites, five report versions written to a real WARC so provenance can be resolved:

| doc | site     | agency            | year | listed     | due        | late by | notes                 |
|-----|----------|-------------------|------|------------|------------|---------|-----------------------|
| 1   | sh-putuo | 上海市普陀区人民政府 | 2022 | 2023-03-20 | 2023-03-31 | -11     |                       |
| 2   | sh-putuo | 上海市普陀区人民政府 | 2023 | 2024-04-02 | 2024-03-31 | 2       | text copied from 1    |
| 3   | sh-putuo | 上海市普陀区教育局   | 2023 | 2024-02-05 | 2024-01-31 | 5       | superseded by 4       |
| 4   | sh-putuo | 上海市普陀区教育局   | 2023 | 2024-02-05 | 2024-01-31 | 5       | same URL, new bytes   |
| 5   | sh-xuhui | 上海市徐汇区财政局   | 2018 | 2019-03-01 | 2019-03-31 | -30     | withdrawn; pre-2019   |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import crud
from storage.config import Paths, resolve
from storage.db import init_db, make_engine, session_scope
from storage.models import Capture, Document
from storage.warc.writer import Exchange, WarcArchive

NARRATIVE_2022 = (
    "一、总体情况。2022年，普陀区人民政府认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "坚持以公开为常态、不公开为例外，全年主动公开政府信息1234条。"
    "二、主动公开政府信息情况。全区围绕重点领域信息公开，持续优化政务公开平台。"
    "三、收到和处理政府信息公开申请情况。全年共受理申请56件，均在法定期限内答复。"
)
# 2023 repeats 2022 with new numbers and one new sentence: the overlap is high but < 1.
NARRATIVE_2023 = (
    NARRATIVE_2022.replace("2022", "2023").replace("1234", "2345").replace("56", "78")
    + "四、存在的主要问题及改进情况。政务公开专业化水平有待提高，下一步将加强培训。"
)
NARRATIVE_EDU = "本局2023年度政府信息公开工作坚持问题导向，完善制度建设，规范依申请公开办理流程。"


@dataclass
class Spec:
    site: str
    agency: str
    year: int
    listed: str
    url: str
    text: str
    status: str = "current"
    fail_key: str | None = None  # a failing check touching this key


SITES = [
    {
        "id": "sh-putuo",
        "name": "普陀区人民政府",
        "region_code": "310107",
        "platform": "hanweb",
        "agencies": ["上海市普陀区人民政府", "上海市普陀区教育局", "上海市普陀区民政局"],
    },
    {"id": "sh-xuhui", "name": "徐汇区人民政府", "region_code": "310104", "platform": "auto"},
]

SPECS = [
    Spec(
        "sh-putuo",
        "上海市普陀区人民政府",
        2022,
        "2023-03-20",
        "http://putuo.test/nb/2022.html",
        NARRATIVE_2022,
    ),
    Spec(
        "sh-putuo",
        "上海市普陀区人民政府",
        2023,
        "2024-04-02",
        "http://putuo.test/nb/2023.html",
        NARRATIVE_2023,
        fail_key="app.new.total",
    ),
    Spec(
        "sh-putuo",
        "上海市普陀区教育局",
        2023,
        "2024-02-05",
        "http://putuo.test/jyj/2023.html",
        NARRATIVE_EDU + "（初稿）",
    ),
    Spec(
        "sh-putuo",
        "上海市普陀区教育局",
        2023,
        "2024-02-05",
        "http://putuo.test/jyj/2023.html",
        NARRATIVE_EDU,
    ),
    Spec(
        "sh-xuhui",
        "上海市徐汇区财政局",
        2018,
        "2019-03-01",
        "http://xuhui.test/czj/2018.html",
        "徐汇区财政局2018年政府信息公开工作年度报告正文。",
        status="withdrawn",
    ),
]

KEYS = [
    "app.new.natural_person",
    "app.new.commercial",
    "app.new.total",
    "review.upheld",
    "review.total",
]


def html_for(spec: Spec) -> bytes:
    title = f"{spec.agency}{spec.year}年政府信息公开工作年度报告"
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<h1>{title}</h1><p>{spec.text}</p></body></html>"
    ).encode()


def open_archive(data: Path, sites: list[dict]) -> tuple[Paths, Engine, WarcArchive]:
    """A new data folder: its database with `sites` registered and one finished run (id 1),
    and an archive writer for that run."""
    paths = resolve(data)
    engine = make_engine(paths.db_url)
    init_db(engine)
    archive = WarcArchive(paths.warc_dir, run_id=1)
    with session_scope(engine) as s:
        for entry in sites:
            crud.upsert_site(session=s, entry=entry)
        run = crud.start_run(session=s, site_ids=[e["id"] for e in sites])
        crud.finish_run(session=s, run_id=run.id or 0, status="ok", report={})
    return paths, engine, archive


def archive_capture(
    archive: WarcArchive, s: Session, site: str, url: str, body: bytes, media: str, when: datetime
) -> Capture:
    """Archive one 200 response for `url` and add its Capture row in `s` (flushed: it has an
    id), as the crawl's archiving middleware would."""
    rec = archive.write_exchange(
        Exchange(
            url, "GET", [("User-Agent", "test")], 200, "OK", [("Content-Type", media)], body, when
        )
    )
    cap = Capture(
        run_id=1,
        site_id=site,
        url=url,
        fetched_at=when,
        status=200,
        headers=[["Content-Type", media]],
        sha256=rec.payload_sha256,
        size=len(body),
        media_type=media.split(";")[0],
        warc_file=rec.warc_file,
        warc_offset=rec.offset,
        warc_length=rec.length,
        warc_record_id=rec.record_id,
    )
    s.add(cap)
    s.flush()
    return cap


def build(data: Path) -> Paths:
    """Create `data`/gongkai.sqlite and archive/warc with the five versions above."""
    paths, engine, archive = open_archive(data, SITES)
    for n, spec in enumerate(SPECS):
        body = html_for(spec)
        when = datetime(2024, 5, 1, 2, 0, n)
        with session_scope(engine) as s:
            media = "text/html; charset=utf-8"
            cap = archive_capture(archive, s, spec.site, spec.url, body, media, when)
            doc = crud.record_document(
                session=s,
                site_id=spec.site,
                url=spec.url,
                title=f"{spec.agency}{spec.year}年年度报告",
                year=spec.year,
                capture=cap,
                found_on=None,
                listed_date=spec.listed,
                seen_at=when,
            )
            if spec.status == "withdrawn":
                doc.status, doc.withdrawn_at = "withdrawn", datetime(2024, 6, 1)
                s.add(doc)
            metrics = [
                {
                    "key": k,
                    "value": float(i + n),
                    "raw": str(i + n),
                    "table": "表三",
                    "location": {"table": 1, "row": i + 2, "col": 3},
                }
                for i, k in enumerate(KEYS)
            ]
            metrics.append(
                {
                    "key": "active.fees.amount",
                    "value": None,
                    "raw": "/",
                    "table": "表二",
                    "location": {"table": 0, "row": 7, "col": 1},
                }
            )
            checks = [
                {
                    "rule": "app.total_is_sum",
                    "status": "pass",
                    "keys": ["app.new.natural_person", "app.new.total"],
                }
            ]
            if spec.fail_key:
                checks.append(
                    {
                        "rule": "app.result_total",
                        "status": "fail",
                        "keys": [spec.fail_key],
                        "numbers": {"lhs": 3, "rhs": 4},
                        "culprit": "source",
                        "message": "总计≠各项之和",
                    }
                )
            crud.save_extraction(
                session=s,
                result={
                    "sha256": cap.sha256,
                    "extractor_version": _version(),
                    "status": "ok",
                    "format": "html",
                    "template": "2021",
                    "agency": spec.agency,
                    "year": spec.year,
                    "title": f"{spec.agency}{spec.year}年政府信息公开工作年度报告",
                    "metrics": metrics,
                    "checks": checks,
                },
            )
    archive.close()
    return paths


def _version() -> str:
    try:
        from extract import EXTRACTOR_VERSION  # type: ignore[attr-defined]
    except ImportError:
        return "test"
    return str(EXTRACTOR_VERSION)


def documents(data: Path) -> list[Document]:
    from sqlmodel import select

    engine = make_engine(resolve(data).db_url)
    with session_scope(engine) as s:
        return list(s.exec(select(Document).order_by(Document.id)))
