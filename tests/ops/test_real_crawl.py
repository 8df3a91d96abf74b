"""The scheduler driving the real `gongkai crawl` on the simulator, then the analyst's export.

This is the end-to-end check of the export: after a scheduled crawl and `extract --pending`,
every format reads back with the database's row counts and values, and every metrics row's
provenance resolves to an archived original whose sha256 matches.
"""

from __future__ import annotations

import hashlib
import json
import math

import duckdb
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook
from sqlmodel import select

from ops.conftest import Scheduler, wait_for
from sim import Simulator
from storage.config import resolve
from storage.db import make_engine, session_scope
from storage.models import CheckResult, CrawlRun, Document, Extraction, MetricValue
from storage.warc.writer import read_record

pytestmark = pytest.mark.integration  # a scheduled real crawl


def test_scheduled_real_crawl_then_export(sched: Scheduler) -> None:
    with Simulator(platforms=("hanweb",)) as sim:
        sched.registry.write_text(
            yaml.safe_dump(sim.registry(), allow_unicode=True), encoding="utf-8"
        )
        sched.configure(
            [{"name": "nightly", "cron": "* * * * * *", "sites": "all"}],
            crawl_args=["--no-politeness"],
            stop_timeout=30,
        )
        proc = sched.start(fake=False)
        engine = make_engine(resolve(sched.data).db_url)

        wait_for(
            lambda: any(h["event"] == "end" for h in sched.history),
            240,
            "a scheduled crawl to finish",
        )
        code, _took = sched.stop(proc, timeout=120)
    assert code == 0, sched.log()
    with session_scope(engine) as s:
        runs = list(s.exec(select(CrawlRun).order_by(CrawlRun.id)))
    assert runs[0].status == "ok", runs[0].report
    assert all(r.status in ("ok", "aborted") for r in runs)  # a second run may be cut short
    ends = [h for h in sched.history if h["event"] == "end"]
    assert ends[0]["outcome"] == "ok" and ends[0]["run_ids"] == [runs[0].id]

    out = sched.cli("runs", "--last", str(len(runs)), "--json")
    listed = json.loads(out.stdout)
    first = next(r for r in listed["runs"] if r["id"] == runs[0].id)
    assert first["sites"] and all(s["outcome"] == "ok" for s in first["sites"])

    extracted = sched.cli("extract", "--pending", timeout=600)
    assert extracted.returncode == 0, extracted.stderr
    exp = sched.root / "export"
    done = sched.cli(
        "export", "--out", str(exp), "--format", "csv,parquet,xlsx,jsonl", "--json", timeout=600
    )
    assert done.returncode == 0, done.stderr
    from extract import EXTRACTOR_VERSION

    with session_scope(engine) as s:
        docs = list(s.exec(select(Document)))
        ex_by_sha = {
            e.sha256: e.id
            for e in s.exec(
                select(Extraction).where(Extraction.extractor_version == EXTRACTOR_VERSION)
            )
        }
        by_ex: dict[int, list[MetricValue]] = {}
        for m in s.exec(select(MetricValue)):
            by_ex.setdefault(m.extraction_id, []).append(m)
        n_checks_by_ex: dict[int, int] = {}
        for c in s.exec(select(CheckResult)):
            n_checks_by_ex[c.extraction_id] = n_checks_by_ex.get(c.extraction_id, 0) + 1
    # one metrics row per (report, value): bytes served at two URLs are one report (issue 10),
    # whose id is its first listing's document id
    first: dict[str, Document] = {}
    for d in sorted(docs, key=lambda d: d.id or 0):
        first.setdefault(d.sha256, d)
    truth = {
        (d.id, m.id): (m.key, m.value, m.raw)
        for d in first.values()
        for m in by_ex.get(ex_by_sha.get(d.sha256, -1), [])
    }
    n_checks = sum(n_checks_by_ex.get(ex_by_sha.get(sha, -1), 0) for sha in first)
    assert docs and truth
    expected = {
        "reports": len(first),
        "listings": len(docs),
        "metrics": len(truth),
        "checks": n_checks,
    }
    wb = load_workbook(exp / "gongkai.xlsx", read_only=True)
    for name, n in expected.items():
        assert len(pd.read_csv(exp / f"{name}.csv", encoding="utf-8-sig")) == n
        assert len(pd.read_parquet(exp / f"{name}.parquet")) == n
        assert len(pd.read_json(exp / f"{name}.jsonl", lines=True)) == n
        assert (
            duckdb.sql(f"select count(*) from '{exp / (name + '.parquet')}'").fetchall()[0][0] == n
        )
        assert sum(1 for _ in wb[name].iter_rows(min_row=2)) == n
    metrics = pd.read_parquet(exp / "metrics.parquet")
    csv_metrics = pd.read_csv(
        exp / "metrics.csv",
        encoding="utf-8-sig",
        dtype={"raw": str},
        keep_default_na=False,
        na_values=[""],
    )
    for df in (metrics, csv_metrics):
        for r in df.itertuples():
            key, value, raw = truth[(int(r.report_id), int(r.metric_id))]
            assert r.key == key
            assert (value is None and math.isnan(r.value)) or r.value == value
            assert (raw is None and pd.isna(r.raw)) or r.raw == raw
    warc = sched.data / "archive" / "warc"
    for r in metrics.drop_duplicates(["warc_file", "warc_offset"]).itertuples():
        _http, payload = read_record(warc / r.warc_file, int(r.warc_offset))
        assert hashlib.sha256(payload).hexdigest() == r.sha256
