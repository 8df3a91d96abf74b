"""A data folder for the workbench tests: real report files, archived and extracted for real.

Every original goes through storage (WARC archive, Capture, crud.record_document) and the
extractor (extract.api.extract_bytes), so the provenance the pages show is the provenance
the pipeline stores.  What it holds:

| name     | file                                 | notes                                    |
|----------|--------------------------------------|------------------------------------------|
| pdf      | js-huaian-hongze-2023.pdf            | a failed identity (表四 totals, source)   |
| html     | fj-pingtan-2019-html.html            | merged cells                             |
| docx     | generated (tests/web/docx_report.py) | merged header cells                      |
| md_v1    | sh-stcsm-2024.md                     | superseded by md_v2 (one number changed) |
| md_v2    | sh-stcsm-2024.md, 13 → 15            | current version of the same URL          |
| txt_2021 | fj-pingtan-2021.txt                  | last year's report of txt_2022           |
| txt_2022 | fj-pingtan-2022.txt                  |                                          |
| gkmlpt   | hand-written gkmlpt page, gzip-coded | report body in _CONFIG.DETAIL.content    |
| hostile  | hand-written page                    | <script> in its title, withdrawn          |
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from docx_report import docx_report_bytes

from storage import crud
from storage.config import Paths
from storage.db import init_db, make_engine, session_scope
from storage.models import Capture
from storage.warc.writer import Exchange, WarcArchive

EXTRACT_DATA = Path(__file__).resolve().parents[1] / "data" / "extract"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HOSTILE_TITLE = '<script>alert("gk")</script>测试区财政局2023年政府信息公开工作年度报告'

GKMLPT_TABLE = (
    "<table><tr><td rowspan='3' colspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，"
    "等于第三项加第四项之和）</td><td colspan='7'>申请人情况</td></tr>"
    "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>"
    "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
    "<tr><td colspan='3'>一、本年新收政府信息公开申请数量</td><td>41</td><td>5</td><td>0</td>"
    "<td>0</td><td>0</td><td>0</td><td>46</td></tr>"
    "<tr><td colspan='3'>二、上年结转政府信息公开申请数量</td><td>2</td><td>0</td><td>0</td>"
    "<td>0</td><td>0</td><td>0</td><td>2</td></tr>"
    "</table>"
)
GKMLPT_CONTENT = (
    "<p>一、总体情况</p><p>2023年，本局认真贯彻落实《中华人民共和国政府信息公开条例》。</p>"
    "<p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>"
    + GKMLPT_TABLE
    + "<p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p>"
)


def gkmlpt_page() -> bytes:
    """A gkmlpt post page: an empty DOM and the report as a JSON string in a script."""
    config = {
        "SID": "755031",
        "DETAIL": {
            "title": "徐闻县司法局2023年政府信息公开工作年度报告",
            "content": GKMLPT_CONTENT,
        },
    }
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>徐闻县司法局2023年政府信息"
        "公开工作年度报告</title></head><body><div id='app'></div><script>window._CONFIG = "
        + json.dumps(config, ensure_ascii=False)
        + ";</script></body></html>"
    ).encode()


def hostile_page() -> bytes:
    return (
        f"<html><head><meta charset='utf-8'><title>{HOSTILE_TITLE}</title>"
        "<script>parent.document.body.innerHTML='pwned'</script></head>"
        "<body onload=\"alert('gk')\"><h1>一、总体情况</h1><p>二、主动公开政府信息情况</p>"
        "<img src=x onerror=\"alert('gk')\"></body></html>"
    ).encode()


@dataclass
class Spec:
    name: str
    site: str
    url: str
    body: bytes
    content_type: str
    listed: str | None = None
    gzip: bool = False
    withdrawn: bool = False
    title: str | None = None


def specs() -> list[Spec]:
    md = (EXTRACT_DATA / "sh-stcsm-2024.md").read_bytes()
    assert md.count(b"| 13 |") == 1
    return [
        Spec(
            "pdf",
            "js-hongze",
            "http://hongze.test/nb/2023.pdf",
            (EXTRACT_DATA / "js-huaian-hongze-2023.pdf").read_bytes(),
            "application/pdf",
            listed="2024-01-20",
        ),
        Spec(
            "html",
            "fj-pingtan",
            "http://pingtan.test/nb/2019.html",
            (EXTRACT_DATA / "fj-pingtan-2019-html.html").read_bytes(),
            "text/html; charset=utf-8",
            listed="2020-01-20",
        ),
        Spec(
            "docx",
            "sh-test",
            "http://test.test/sfj/2023.docx",
            docx_report_bytes(),
            DOCX_TYPE,
            listed="2024-02-20",
        ),
        Spec("md_v1", "sh-stcsm", "http://stcsm.test/nb/2024.md", md, "text/markdown"),
        Spec(
            "md_v2",
            "sh-stcsm",
            "http://stcsm.test/nb/2024.md",
            md.replace(b"| 13 |", b"| 15 |"),
            "text/markdown",
        ),
        Spec(
            "txt_2021",
            "fj-pingtan",
            "http://pingtan.test/nb/2021.txt",
            (EXTRACT_DATA / "fj-pingtan-2021.txt").read_bytes(),
            "text/plain; charset=utf-8",
        ),
        Spec(
            "txt_2022",
            "fj-pingtan",
            "http://pingtan.test/nb/2022.txt",
            (EXTRACT_DATA / "fj-pingtan-2022.txt").read_bytes(),
            "text/plain; charset=utf-8",
        ),
        Spec(
            "gkmlpt",
            "gd-xuwen",
            "http://xuwen.test/gkmlpt/content/1/2/post_3.html",
            gkmlpt_page(),
            "text/html; charset=utf-8",
            gzip=True,
        ),
        Spec(
            "hostile",
            "sh-test",
            "http://test.test/czj/2023.html",
            hostile_page(),
            "text/html; charset=utf-8",
            withdrawn=True,
            title=HOSTILE_TITLE,
        ),
    ]


SITES = [
    {"id": "js-hongze", "name": "洪泽区人民政府", "region_code": "320813", "platform": "hanweb"},
    {"id": "fj-pingtan", "name": "平潭综合实验区", "region_code": "350128", "platform": "trs"},
    {"id": "sh-test", "name": "测试区人民政府", "region_code": "310199", "platform": "static"},
    {
        "id": "sh-stcsm",
        "name": "上海市科学技术委员会",
        "region_code": "310000",
        "platform": "static",
    },
    {"id": "gd-xuwen", "name": "徐闻县人民政府", "region_code": "440825", "platform": "gkmlpt"},
]


@cache
def extraction(body: bytes) -> dict:
    """The extractor's reading of a file (pure, so cached across tests)."""
    from extract.api import extract_bytes

    return extract_bytes(body)


@dataclass
class Built:
    paths: Paths
    ids: dict[str, int] = field(default_factory=dict)  # spec name → document id
    sha: dict[str, str] = field(default_factory=dict)  # spec name → payload sha256
    results: dict[str, dict] = field(default_factory=dict)  # spec name → extraction result


def build(data: Path, db_url: str) -> Built:
    paths = Paths(data, db_url)
    engine = make_engine(db_url)
    init_db(engine)
    archive = WarcArchive(paths.warc_dir, run_id=1, fsync=False)
    built = Built(paths)
    with session_scope(engine) as s:
        for entry in SITES:
            crud.upsert_site(session=s, entry=entry)
        run = crud.start_run(session=s, site_ids=[e["id"] for e in SITES])
        run_id = run.id or 0
    for n, spec in enumerate(specs()):
        wire = gzip.compress(spec.body, mtime=0) if spec.gzip else spec.body
        headers = [("Content-Type", spec.content_type)]
        if spec.gzip:
            headers.append(("Content-Encoding", "gzip"))
        when = datetime(2024, 5, 1, 2, 0, n)
        rec = archive.write_exchange(
            Exchange(spec.url, "GET", [("User-Agent", "test")], 200, "OK", headers, wire, when)
        )
        result = dict(extraction(spec.body))
        result["sha256"] = rec.payload_sha256  # extractions are keyed by the archived bytes
        if spec.title:
            result["title"] = spec.title
        with session_scope(engine) as s:
            cap = Capture(
                run_id=run_id,
                site_id=spec.site,
                url=spec.url,
                fetched_at=when,
                status=200,
                headers=[list(h) for h in headers],
                sha256=rec.payload_sha256,
                size=len(wire),
                media_type=spec.content_type.split(";")[0],
                warc_file=rec.warc_file,
                warc_offset=rec.offset,
                warc_length=rec.length,
                warc_record_id=rec.record_id,
            )
            s.add(cap)
            s.flush()
            doc = crud.record_document(
                session=s,
                site_id=spec.site,
                url=spec.url,
                title=spec.title or result.get("title") or spec.name,
                year=result.get("year"),
                capture=cap,
                found_on=None,
                listed_date=spec.listed,
                seen_at=when,
            )
            if spec.withdrawn:
                doc.status, doc.withdrawn_at = "withdrawn", datetime(2024, 6, 1)
                doc.withdrawn_reason = "http 404 (run 2)"
                s.add(doc)
            crud.save_extraction(session=s, result=result)
            built.ids[spec.name] = doc.id or 0
        built.sha[spec.name] = rec.payload_sha256
        built.results[spec.name] = result
    with session_scope(engine) as s:
        # one failing URL in the run, for the sites page
        s.add(
            Capture(
                run_id=run_id,
                site_id="sh-test",
                url="http://test.test/gone.html",
                status=404,
                sha256="0" * 64,
                size=0,
                warc_file="none",
                warc_offset=0,
                warc_length=0,
                warc_record_id="<urn:uuid:test>",
            )
        )
        crud.finish_run(
            session=s,
            run_id=run_id,
            status="ok",
            report={
                "sites": {
                    "sh-test": {
                        "outcome": "failing",
                        "reason": "1 list page(s) could not be fetched",
                        "pages_fetched": 3,
                    }
                }
            },
        )
    archive.close()
    engine.dispose()
    return built
