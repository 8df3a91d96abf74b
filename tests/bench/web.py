"""Workbench benchmark: report-page time to first byte (p50/p95, cold and warm) on a generated
database of 10 000 reports and on the demo data when present, and PDF page render time.

`PYTHONPATH=tests python -m bench.web [--reports N] [--demo DIR] [--samples N]`.  The server is the real one
(uvicorn on a loopback port); time to first byte is measured from sending the request to
reading the status line.  Cold = the first request for a report (its original parsed to find
the cells); warm = the same request again.  The goal is p95 <= 200 ms warm.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

GOAL_MS = 200.0


# ---------------------------------------------------------------------------- generated data


def _report_html(n: int, rnd: random.Random) -> tuple[bytes, list[dict]]:
    """A report page with 表三 as a merged-cell table, and the metrics it holds."""
    from extract import template

    rows = template.app_rows(True)
    cols = [c[0] for c in template.APP_COLUMNS]
    head = (
        "<tr><td rowspan='3' colspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加"
        "第四项之和）</td><td colspan='7'>申请人情况</td></tr><tr><td rowspan='2'>自然人</td>"
        "<td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr><tr><td>商业企业</td>"
        "<td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
    )
    body, metrics = [head], []
    for r, row in enumerate(rows, start=3):
        values = [rnd.randint(0, 400) for _ in cols]
        body.append(
            f"<tr><td colspan='3'>{row.label}</td>"
            + "".join(f"<td>{v}</td>" for v in values)
            + "</tr>"
        )
        for c, (col, v) in enumerate(zip(cols, values, strict=True), start=3):
            metrics.append(
                {
                    "key": f"{row.key}.{col}",
                    "value": float(v),
                    "raw": str(v),
                    "table": "表三",
                    "location": {"table": 0, "row": r, "col": c},
                }
            )
    page = (
        "<html><head><meta charset='utf-8'><title>第{n}号机关年度报告</title></head><body>"
        "<div class='TRS_Editor'><p>一、总体情况</p><p>二、主动公开政府信息情况</p>"
        "<p>三、收到和处理政府信息公开申请情况</p><table>{rows}</table>"
        "<p>四、政府信息公开行政复议、行政诉讼情况</p></div></body></html>"
    )
    return page.format(n=n, rows="".join(body)).encode(), metrics


def generate(data: Path, reports: int, seed: int = 12) -> Path:
    """A data folder with `reports` documents, each a distinct archived page with ~180
    values and 20 checks (one in ten failing), over 50 sites and 5 years."""
    from storage import crud
    from storage.config import Paths
    from storage.db import init_db, make_engine, session_scope
    from storage.models import Capture, Document, Extraction
    from storage.warc.writer import Exchange, WarcArchive

    paths = Paths(data, f"sqlite:///{data / 'gongkai.sqlite'}")
    engine = make_engine(paths.db_url)
    init_db(engine)
    rnd = random.Random(seed)
    archive = WarcArchive(paths.warc_dir, run_id=1, fsync=False)
    sites = [
        {
            "id": f"site-{i:02d}",
            "name": f"第{i}区人民政府",
            "region_code": f"3301{i:02d}",
            "platform": ("hanweb", "trs", "gkmlpt", "jpaas")[i % 4],
        }
        for i in range(50)
    ]
    with session_scope(engine) as s:
        for entry in sites:
            crud.upsert_site(session=s, entry=entry)
        run = crud.start_run(session=s, site_ids=[e["id"] for e in sites])
        crud.finish_run(session=s, run_id=run.id or 0, status="ok", report={})
    start = datetime(2024, 3, 1)
    batch = 500
    version = _version()
    for first in range(0, reports, batch):
        captures, documents, extractions = [], [], []
        metric_rows: list[tuple] = []
        check_rows: list[tuple] = []
        for n in range(first, min(first + batch, reports)):
            site = sites[n % len(sites)]
            year = 2019 + (n // len(sites)) % 5
            agency = f"第{n % len(sites)}区第{(n // 250) % 40}局"
            body, metrics = _report_html(n, rnd)
            url = f"http://{site['id']}.test/nb/{n}.html"
            when = start + timedelta(seconds=n)
            rec = archive.write_exchange(
                Exchange(
                    url,
                    "GET",
                    [],
                    200,
                    "OK",
                    [("Content-Type", "text/html; charset=utf-8")],
                    body,
                    when,
                )
            )
            row_id = n + 1  # ids given here: one executemany per table and batch
            captures.append(
                {
                    "id": row_id,
                    "run_id": 1,
                    "site_id": site["id"],
                    "url": url,
                    "method": "GET",
                    "fetched_at": when,
                    "status": 200,
                    "record_type": "response",
                    "headers": [["Content-Type", "text/html; charset=utf-8"]],
                    "sha256": rec.payload_sha256,
                    "size": len(body),
                    "media_type": "text/html",
                    "warc_file": rec.warc_file,
                    "warc_offset": rec.offset,
                    "warc_length": rec.length,
                    "warc_record_id": rec.record_id,
                }
            )
            documents.append(
                {
                    "id": row_id,
                    "site_id": site["id"],
                    "url": url,
                    "title": f"{agency}{year}年年度报告",
                    "year": year,
                    "listed_date": f"{year + 1}-0{1 + n % 4}-15",
                    "sha256": rec.payload_sha256,
                    "media_type": "text/html",
                    "capture_id": row_id,
                    "first_seen": when,
                    "last_seen": when,
                    "status": "current",
                    "modified_after_publication": False,
                }
            )
            extractions.append(
                {
                    "id": row_id,
                    "sha256": rec.payload_sha256,
                    "extractor_version": version,
                    "status": "ok",
                    "format": "html",
                    "template": "2021",
                    "agency": agency,
                    "year": year,
                    "title": f"{agency}{year}年政府信息公开工作年度报告",
                    "warnings": [],
                    "created_at": when,
                }
            )
            metric_rows += [
                (row_id, m["key"], m["value"], m["raw"], m["table"], json.dumps(m["location"]))
                for m in metrics
            ]
            check_rows += [
                (
                    row_id,
                    f"app.row_total.{i}",
                    "fail" if (i == 0 and n % 10 == 0) else "pass",
                    f'["{metrics[i]["key"]}"]',
                    '{"lhs": 1, "rhs": 2}',
                    "source",
                    "行合计不符",
                )
                for i in range(20)
            ]
        with engine.begin() as conn:  # Core executemany: the ORM costs more than the rest
            conn.execute(Capture.__table__.insert(), captures)
            conn.execute(Document.__table__.insert(), documents)
            conn.execute(Extraction.__table__.insert(), extractions)
            conn.exec_driver_sql(
                "INSERT INTO metricvalue (extraction_id, key, value, raw, "
                "table_name, location) VALUES (?, ?, ?, ?, ?, ?)",
                metric_rows,
            )
            conn.exec_driver_sql(
                "INSERT INTO checkresult (extraction_id, rule, status, keys, "
                "numbers, culprit, message) VALUES (?, ?, ?, ?, ?, ?, ?)",
                check_rows,
            )
    archive.close()
    engine.dispose()
    return data


def _version() -> str:
    from extract import EXTRACTOR_VERSION

    return str(EXTRACTOR_VERSION)


# ---------------------------------------------------------------------------- measuring


@contextmanager
def serving(data: Path) -> Iterator[int]:
    import uvicorn

    from storage.config import resolve
    from web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(resolve(data)), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the workbench did not start")
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def ttfb(port: int, path: str) -> tuple[float, int]:
    """(milliseconds to the status line, status) of one GET; the body is read and dropped."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        elapsed = (time.perf_counter() - started) * 1000
        response.read()
        return elapsed, response.status
    finally:
        conn.close()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _row(label: str, values: list[float]) -> None:
    p50, p95 = statistics.median(values), _pct(values, 0.95)
    flag = "" if "warm" not in label else ("  ok" if p95 <= GOAL_MS else f"  > goal {GOAL_MS:g}")
    print(
        f"   {label:<44} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   (n={len(values)}){flag}",
        flush=True,
    )


def report_pages(data: Path, label: str, samples: int) -> None:
    from sqlalchemy import func
    from sqlmodel import Session, select

    from storage.config import resolve
    from storage.models import Document
    from web.db import readonly_engine

    engine = readonly_engine(resolve(data).db_url)
    with Session(engine) as s:  # a report's id is its first listing's (storage.export.index)
        ids = list(s.exec(select(func.min(Document.id)).group_by(Document.sha256)))
    engine.dispose()
    chosen = random.Random(5).sample(ids, min(samples, len(ids)))
    with serving(data) as port:
        ttfb(port, "/")  # the list's index is built once per database change
        list_ms = [ttfb(port, "/")[0] for _ in range(10)]
        cold = [ttfb(port, f"/reports/{i}")[0] for i in chosen]
        warm = [ttfb(port, f"/reports/{i}")[0] for i in chosen]
    print(f"   {label}: {len(ids)} reports", flush=True)
    _row("report page, cold (cells located)", cold)
    _row("report page, warm", warm)
    _row("report list /, warm", list_ms)


def pdf_pages(data: Path, pages: int = 5) -> None:
    from sqlmodel import Session, select

    from storage.config import resolve
    from storage.models import Document
    from web.db import readonly_engine
    from web.sources import pdf_page_sizes

    paths = resolve(data)
    engine = readonly_engine(paths.db_url)
    with Session(engine) as s:
        doc = s.exec(select(Document).where(Document.media_type == "application/pdf")).first()
    engine.dispose()
    if doc is None:
        print("   PDF page render: no PDF in this data folder", flush=True)
        return
    from web import originals

    cache = paths.data / "cache" / "web" / "pages" / doc.sha256
    if cache.is_dir():
        for f in cache.iterdir():
            f.unlink()
    engine = readonly_engine(paths.db_url)
    count = len(pdf_page_sizes(originals.load(engine, paths, doc.sha256).decoded))
    engine.dispose()
    with serving(data) as port:
        n = min(pages, count)
        cold = [ttfb(port, f"/page/{doc.sha256}/{p}.png")[0] for p in range(1, n + 1)]
        warm = [ttfb(port, f"/page/{doc.sha256}/{p}.png")[0] for p in range(1, n + 1)]
    _row(f"PDF page at zoom 1.5, cold ({n} of {count} pages)", cold)
    _row("PDF page at zoom 1.5, warm (cached PNG)", warm)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--demo", default="data", help="a demo data folder, measured if present")
    parser.add_argument(
        "--keep", default=None, help="generate into this folder and keep it (reused when present)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gongkai-web-bench-") as tmp:
        data = Path(args.keep) if args.keep else Path(tmp) / "data"
        if not (data / "gongkai.sqlite").is_file():
            started = time.perf_counter()
            generate(data, args.reports)
            print(
                f"   generated {args.reports} reports in {time.perf_counter() - started:.1f}s",
                flush=True,
            )
        report_pages(data, "generated", args.samples)
    demo = Path(args.demo)
    if (demo / "gongkai.sqlite").is_file():
        report_pages(demo, f"demo data ({demo})", args.samples)
        pdf_pages(demo)
    else:
        print(f"   no demo data at {demo} (run `gongkai demo` first for its figures)", flush=True)


if __name__ == "__main__":
    main()
