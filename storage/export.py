"""The analyst's dataset: each exported table built once from the database, written per format.

Why one builder for all formats: CSV, Parquet, XLSX and JSONL must hold the same rows and
values, so the queries live here and the writers only translate types.  A table is a list
of typed columns and rows of plain Python values (no pandas: it is not a runtime dependency).

Tables: reports (one row per report version), metrics (long, one row per value with its
provenance), metrics_wide (one row per report, one column per key), checks, data_dictionary,
coverage.  The Document↔Extraction link is by sha256 under the current extractor version
(falling back to the newest extraction of those bytes).
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from storage import measures
from storage.db import session_scope
from storage.models import Capture, CheckResult, Document, Extraction, MetricValue, Site

FORMATS = ("csv", "parquet", "xlsx", "jsonl")
TABLES = ("reports", "metrics", "metrics_wide", "checks", "data_dictionary", "coverage")

Kind = str  # str | int | float | bool | date | datetime | json


@dataclass
class Table:
    """A typed table: `columns` is [(name, kind)], each row a dict keyed by column name."""

    name: str
    columns: list[tuple[str, Kind]]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]


@dataclass(frozen=True)
class Filters:
    """--region (code prefix), --year, --agency (substring of agency, else title)."""

    region: str | None = None
    year: int | None = None
    agency: str | None = None


# A narrative-text provider: (sha256, capture) → the report's prose, or None when unknown.
TextFor = Callable[[str, Capture | None], str | None]


# ---------------------------------------------------------------------------- loading

@dataclass
class _Report:
    """One Document with everything joined to it."""

    doc: Document
    site: Site | None
    capture: Capture | None  # what this URL served, when (a revisit when the bytes were known)
    payload: Capture | None  # the capture whose WARC record holds the bytes
    ex: Extraction | None
    metrics: list[MetricValue]
    checks: list[CheckResult]

    @property
    def agency(self) -> str | None:
        return self.ex.agency if self.ex and self.ex.agency else None

    @property
    def year(self) -> int | None:
        return self.ex.year if self.ex and self.ex.year else self.doc.year

    @property
    def region_code(self) -> str | None:
        return self.site.region_code if self.site else None


def _current_version() -> str | None:
    try:
        from extract import EXTRACTOR_VERSION
    except ImportError:
        return None
    return str(EXTRACTOR_VERSION)


def _load(engine: Engine) -> tuple[list[_Report], dict[str, Site]]:
    """Everything the tables need, by joins and full scans (no id lists: a national archive
    would exceed PostgreSQL's 65,535 bound parameters per statement)."""
    version = _current_version()
    original = aliased(Capture)
    with session_scope(engine) as s:
        sites = {site.id: site for site in s.exec(select(Site))}
        docs = list(s.exec(select(Document).order_by(col(Document.id))))
        # (no DISTINCT: PostgreSQL cannot compare JSON columns; the dicts dedupe by id)
        captures = {c.id: c for c in s.exec(
            select(Capture).join(Document, col(Document.capture_id) == Capture.id))}
        originals = {c.id: c for c in s.exec(
            select(original).join(Capture, col(Capture.revisit_of) == original.id)
            .join(Document, col(Document.capture_id) == Capture.id))}
        chosen: dict[str, Extraction] = {}
        ex: Extraction | None  # each row here; below, the row chosen for a document
        for ex in s.exec(select(Extraction).order_by(col(Extraction.id))):
            old = chosen.get(ex.sha256)
            if old is None or old.extractor_version != version:
                chosen[ex.sha256] = ex  # the current version wins, else the newest row
        ids = {ex.id for ex in chosen.values()}
        metrics: dict[int, list[MetricValue]] = defaultdict(list)
        checks: dict[int, list[CheckResult]] = defaultdict(list)
        for m in s.exec(select(MetricValue).order_by(col(MetricValue.id))):
            if m.extraction_id in ids:
                metrics[m.extraction_id].append(m)
        for c in s.exec(select(CheckResult).order_by(col(CheckResult.id))):
            if c.extraction_id in ids:
                checks[c.extraction_id].append(c)
    reports = []
    for d in docs:
        ex = chosen.get(d.sha256)
        eid = ex.id if ex else None
        cap = captures.get(d.capture_id)
        # a revisit whose original is missing has no payload to point at: nulls, not its record
        holder = originals.get(cap.revisit_of) if cap and cap.record_type == "revisit" else cap
        reports.append(_Report(d, sites.get(d.site_id), cap, holder, ex,
                               metrics.get(eid, []) if eid else [],
                               checks.get(eid, []) if eid else []))
    return reports, sites


def _keep(r: _Report, f: Filters) -> bool:
    if f.region and not (r.region_code or "").startswith(f.region):
        return False
    if f.year is not None and r.year != f.year:
        return False
    if f.agency:
        hay = r.agency or r.doc.title or ""
        if f.agency not in hay and (r.site is None or f.agency not in r.site.name):
            return False
    return True


def _agency_key(agency: str | None) -> str | None:
    if not agency:
        return None
    return "".join(unicodedata.normalize("NFKC", agency).split())


def _published(r: _Report) -> tuple[date | None, str | None]:
    """The page's publication date (list page), else the date the extractor read."""
    listed = measures.parse_date(r.doc.listed_date)
    if listed:
        return listed, "listed_date"
    printed = measures.parse_date(r.ex.published if r.ex else None)
    return (printed, "extraction") if printed else (None, None)


# ---------------------------------------------------------------------------- tables

REPORT_COLUMNS: list[tuple[str, Kind]] = [
    ("document_id", "int"), ("site_id", "str"), ("site_name", "str"), ("region_code", "str"),
    ("agency", "str"), ("agency_kind", "str"), ("year", "int"), ("listed_year", "int"),
    ("year_disagrees", "bool"), ("title", "str"), ("url", "str"), ("found_on", "str"), ("listed_date", "str"), ("publication_date", "date"),
    ("publication_date_source", "str"), ("first_seen", "datetime"), ("last_seen", "datetime"),
    ("sha256", "str"), ("media_type", "str"), ("format", "str"), ("template", "str"),
    ("extractor_version", "str"), ("extraction_status", "str"), ("extraction_error", "str"),
    ("metrics", "int"), ("values", "int"), ("checks", "int"), ("checks_failed", "int"),
    ("checks_not_assessable", "int"), ("warnings", "int"), ("status", "str"),
    ("versions_at_url", "int"), ("modified_after_publication", "bool"), ("withdrawn", "bool"),
    ("withdrawn_at", "datetime"), ("withdrawn_reason", "str"), ("deadline", "date"),
    ("days_late", "int"), ("timeliness", "str"), ("late", "bool"), ("previous_document_id", "int"),
    ("previous_year", "int"), ("text_overlap_previous", "float"), ("overlap_over_50", "bool"),
]


def _previous_map(reports: list[_Report]) -> dict[int, _Report]:
    """For each document, the same agency's report of the nearest earlier year.

    An agency is its normalised name within its region: short names such as 区统计局 recur in
    every district and must not be compared across them.
    """
    def agency(r: _Report) -> tuple[str | None, str] | None:
        name = _agency_key(r.agency)
        return None if name is None or r.year is None else (r.region_code, name)

    best: dict[tuple[tuple[str | None, str], int], _Report] = {}
    rank = {"current": 0, "withdrawn": 1, "superseded": 2}
    for r in reports:
        key = agency(r)
        if key is None or r.year is None:
            continue
        old = best.get((key, r.year))
        score = (rank.get(r.doc.status, 3), r.doc.first_seen, r.doc.id or 0)
        if old is None or score < (rank.get(old.doc.status, 3), old.doc.first_seen,
                                   old.doc.id or 0):
            best[(key, r.year)] = r
    years: dict[tuple[str | None, str], list[int]] = defaultdict(list)
    for key, year in best:
        years[key].append(year)
    out: dict[int, _Report] = {}
    for r in reports:
        key = agency(r)
        if key is None or r.year is None:
            continue
        earlier = [y for y in years[key] if y < r.year]
        if earlier:
            out[r.doc.id or 0] = best[(key, max(earlier))]
    return out


def reports_table(reports: list[_Report], all_reports: list[_Report],
                  text_for: TextFor | None) -> Table:
    versions: dict[str, int] = defaultdict(int)
    for r in all_reports:
        versions[r.doc.url] += 1
    previous = _previous_map(all_reports)
    texts: dict[str, str | None] = {}

    def text(r: _Report) -> str | None:
        if text_for is None:
            return None
        if r.doc.sha256 not in texts:
            texts[r.doc.sha256] = text_for(r.doc.sha256, r.capture)
        return texts[r.doc.sha256]

    table = Table("reports", REPORT_COLUMNS)
    for r in reports:
        d, ex = r.doc, r.ex
        pub, pub_source = _published(r)
        t = measures.timeliness(year=r.year, agency=r.agency, published=pub)
        prev = previous.get(d.id or 0)
        ov = None
        if prev is not None:
            cur_text, prev_text = text(r), text(prev)
            if cur_text and prev_text:
                ov = measures.overlap(cur_text, prev_text)
        table.rows.append({
            "document_id": d.id, "site_id": d.site_id, "site_name": r.site.name if r.site else None,
            "region_code": r.region_code, "agency": r.agency, "agency_kind": t.kind,
            "year": r.year, "title": (ex.title if ex and ex.title else None) or d.title,
            "url": d.url, "found_on": d.found_on, "listed_date": d.listed_date,
            "publication_date": pub, "publication_date_source": pub_source,
            "first_seen": d.first_seen, "last_seen": d.last_seen, "sha256": d.sha256,
            "media_type": d.media_type, "format": ex.format if ex else None,
            "template": ex.template if ex else None,
            # the list title's year against the document's own: a disagreement is shown, since
            # `year` silently prefers the document (its title and 统计期限)
            "listed_year": d.year,
            "year_disagrees": bool(ex and ex.year and d.year and ex.year != d.year),
            "extractor_version": ex.extractor_version if ex else None,
            "extraction_status": ex.status if ex else "not_extracted",
            "extraction_error": ex.error if ex else None,
            "metrics": len(r.metrics), "values": sum(m.value is not None for m in r.metrics),
            "checks": len(r.checks), "checks_failed": sum(c.status == "fail" for c in r.checks),
            "checks_not_assessable": sum(c.status == "not_assessable" for c in r.checks),
            "warnings": len(ex.warnings or []) if ex else 0, "status": d.status,
            "versions_at_url": versions[d.url],
            "modified_after_publication": versions[d.url] > 1
            or bool(getattr(d, "modified_after_publication", False)),
            "withdrawn": d.status == "withdrawn", "withdrawn_at": d.withdrawn_at,
            "withdrawn_reason": getattr(d, "withdrawn_reason", None),
            "deadline": t.deadline, "days_late": t.days_late, "timeliness": t.status,
            "late": t.late, "previous_document_id": prev.doc.id if prev else None,
            "previous_year": prev.year if prev else None, "text_overlap_previous": ov,
            "overlap_over_50": None if ov is None else ov > measures.OVERLAP_PENALTY,
        })
    return table


METRIC_COLUMNS: list[tuple[str, Kind]] = [
    ("metric_id", "int"), ("document_id", "int"), ("extraction_id", "int"), ("site_id", "str"),
    ("region_code", "str"), ("agency", "str"), ("year", "int"), ("key", "str"),
    ("value", "float"), ("raw", "str"), ("table", "str"), ("page", "int"), ("table_no", "int"),
    ("row", "int"), ("col", "int"), ("line", "int"), ("location", "json"),
    ("source_url", "str"), ("capture_id", "int"), ("capture_time", "datetime"),
    ("http_status", "int"), ("sha256", "str"), ("warc_file", "str"), ("warc_offset", "int"),
    ("warc_length", "int"), ("warc_record_id", "str"), ("capture_record_id", "str"),
    ("check_failed", "bool"),
    ("failed_rules", "str"),
]


def _failed_by_key(checks: Iterable[CheckResult]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for c in checks:
        if c.status == "fail":
            for k in c.keys or []:
                if c.rule not in out[k]:
                    out[k].append(c.rule)
    return out


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def metrics_table(reports: list[_Report]) -> Table:
    table = Table("metrics", METRIC_COLUMNS)
    for r in reports:
        failed = _failed_by_key(r.checks)
        c, p = r.capture, r.payload
        for m in r.metrics:
            loc = m.location or {}
            table.rows.append({
                "metric_id": m.id, "document_id": r.doc.id, "extraction_id": m.extraction_id,
                "site_id": r.doc.site_id, "region_code": r.region_code, "agency": r.agency,
                "year": r.year, "key": m.key, "value": m.value, "raw": m.raw,
                "table": m.table_name, "page": _int(loc.get("page")),
                "table_no": _int(loc.get("table")), "row": _int(loc.get("row")),
                "col": _int(loc.get("col")), "line": _int(loc.get("line")), "location": loc,
                "source_url": r.doc.url, "capture_id": r.doc.capture_id,
                "capture_time": c.fetched_at if c else None,
                "http_status": c.status if c else None, "sha256": r.doc.sha256,
                "capture_record_id": c.warc_record_id if c else None,
                "warc_file": p.warc_file if p else None,
                "warc_offset": p.warc_offset if p else None,
                "warc_length": p.warc_length if p else None,
                "warc_record_id": p.warc_record_id if p else None,
                "check_failed": m.key in failed, "failed_rules": ",".join(failed.get(m.key, [])),
            })
    return table


def data_dictionary_table(reports: list[_Report]) -> Table:
    """Every key with its label, table, unit and meaning (extract/template.py is the source)."""
    table = Table("data_dictionary", [("key", "str"), ("label", "str"), ("table", "str"),
                                      ("unit", "str"), ("meaning", "str"), ("templates", "str")])
    entries: dict[str, dict[str, Any]] = {}
    try:
        from extract import template
    except ImportError:
        template = None  # type: ignore[assignment]
    if template is not None and hasattr(template, "metrics"):
        for version in ("2021", "2019"):
            for m in template.metrics(version):
                e = entries.setdefault(m.key, {"key": m.key, "label": m.label, "table": m.table,
                                               "unit": m.unit, "meaning": m.meaning,
                                               "templates": []})
                for t in m.templates:
                    if t not in e["templates"]:
                        e["templates"].append(t)
    for r in reports:  # keys the extractor produced that the dictionary does not know
        for mv in r.metrics:
            if mv.key not in entries:
                entries[mv.key] = {"key": mv.key, "label": None, "table": mv.table_name,
                                  "unit": None, "meaning": None, "templates": []}
    for e in entries.values():
        table.rows.append({**e, "templates": ",".join(sorted(e["templates"]))})
    return table


def metrics_wide_table(reports: list[_Report], dictionary: Table) -> Table:
    seen = {m.key for r in reports for m in r.metrics}
    keys = [row["key"] for row in dictionary.rows if row["key"] in seen]
    keys += sorted(seen - set(keys))
    head: list[tuple[str, Kind]] = [
        ("document_id", "int"), ("site_id", "str"), ("region_code", "str"), ("agency", "str"),
        ("year", "int"), ("template", "str"), ("sha256", "str"), ("url", "str")]
    table = Table("metrics_wide", head + [(k, "float") for k in keys])
    for r in reports:
        if r.ex is None:
            continue
        row: dict[str, Any] = {"document_id": r.doc.id, "site_id": r.doc.site_id,
                               "region_code": r.region_code, "agency": r.agency,
                               "year": r.year, "template": r.ex.template,
                               "sha256": r.doc.sha256, "url": r.doc.url}
        row.update(dict.fromkeys(keys))
        for m in r.metrics:
            row[m.key] = m.value
        table.rows.append(row)
    return table


CHECK_COLUMNS: list[tuple[str, Kind]] = [
    ("check_id", "int"), ("document_id", "int"), ("extraction_id", "int"), ("site_id", "str"),
    ("region_code", "str"), ("agency", "str"), ("year", "int"), ("sha256", "str"),
    ("rule", "str"), ("status", "str"), ("keys", "json"), ("numbers", "json"),
    ("culprit", "str"), ("message", "str"),
]


def checks_table(reports: list[_Report]) -> Table:
    table = Table("checks", CHECK_COLUMNS)
    for r in reports:
        for c in r.checks:
            table.rows.append({
                "check_id": c.id, "document_id": r.doc.id, "extraction_id": c.extraction_id,
                "site_id": r.doc.site_id, "region_code": r.region_code, "agency": r.agency,
                "year": r.year, "sha256": r.doc.sha256, "rule": c.rule, "status": c.status,
                "keys": list(c.keys or []), "numbers": c.numbers or {}, "culprit": c.culprit,
                "message": c.message})
    return table


COVERAGE_COLUMNS: list[tuple[str, Kind]] = [
    ("site_id", "str"), ("site_name", "str"), ("region_code", "str"), ("level", "str"),
    ("agency", "str"), ("year", "int"), ("found", "bool"), ("reports", "int"),
]


def coverage_table(reports: list[_Report], sites: dict[str, Site], f: Filters,
                   years: Iterable[int] | None = None) -> Table:
    """Per registered site (and agency seen on it) and year: was a report found?"""
    chosen = {k: s for k, s in sites.items()
              if not f.region or s.region_code.startswith(f.region)}
    found = [measures.Found(r.doc.site_id, r.agency, r.year) for r in reports
             if r.doc.status != "superseded"]
    if years is None:
        seen = [r.year for r in reports if r.year is not None]
        years = [f.year] if f.year is not None else (
            range(min(seen), max(seen) + 1) if seen else [])
    expected = {k: [str(a) for a in (s.config or {}).get("agencies", []) or []]
                for k, s in chosen.items()}
    rows = measures.coverage({k: s.name for k, s in chosen.items()}, found, years, expected)
    table = Table("coverage", COVERAGE_COLUMNS)
    for row in rows:
        if f.agency and row["level"] == "agency" and f.agency not in str(row["agency"]):
            continue
        row["region_code"] = chosen[str(row["site_id"])].region_code
        table.rows.append(row)
    return table


def _utc_naive(value: Any) -> Any:
    """Datetimes as naive UTC: the database's convention, and what Excel and CSV can hold."""
    if isinstance(value, datetime) and value.utcoffset() is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _normalize(table: Table) -> Table:
    stamps = [n for n, k in table.columns if k == "datetime"]
    for row in table.rows:
        for n in stamps:
            row[n] = _utc_naive(row.get(n))
    return table


def build_tables(engine: Engine, filters: Filters | None = None, *,
                 text_for: TextFor | None = None,
                 only: Iterable[str] | None = None) -> dict[str, Table]:
    """Every export table (or those in `only`), filtered, from one read of the database."""
    f = filters or Filters()
    wanted = set(only or TABLES)
    all_reports, sites = _load(engine)
    reports = [r for r in all_reports if _keep(r, f)]
    out: dict[str, Table] = {}
    dictionary = data_dictionary_table(all_reports)
    if "reports" in wanted:
        out["reports"] = reports_table(reports, all_reports, text_for)
    if "metrics" in wanted:
        out["metrics"] = metrics_table(reports)
    if "metrics_wide" in wanted:
        out["metrics_wide"] = metrics_wide_table(reports, dictionary)
    if "checks" in wanted:
        out["checks"] = checks_table(reports)
    if "data_dictionary" in wanted:
        out["data_dictionary"] = dictionary
    if "coverage" in wanted:
        out["coverage"] = coverage_table(
            [r for r in all_reports if _keep(r, Filters(region=f.region))], sites, f)
    return {name: _normalize(table) for name, table in out.items()}


# ---------------------------------------------------------------------------- writers

def _plain(value: Any, kind: Kind) -> Any:
    """A value as text-friendly scalar (CSV/XLSX): JSON for structures, ISO for dates."""
    if value is None:
        return None
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if kind in ("date", "datetime"):
        return value.isoformat()
    if kind == "float" and isinstance(value, float) and value.is_integer():
        return int(value)  # counts are whole numbers: "2562", not "2562.0"
    return value


def write_csv(table: Table, path: Path) -> Path:
    """UTF-8 with BOM so Excel shows Chinese; empty cell = null; booleans true/false."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(table.names)
        for row in table.rows:
            out = []
            for name, kind in table.columns:
                v = _plain(row.get(name), kind)
                out.append("" if v is None else ("true" if v else "false") if kind == "bool"
                           else v)
            w.writerow(out)
    return path


def _arrow_type(kind: Kind) -> Any:
    import pyarrow as pa

    return {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
            "date": pa.date32(), "datetime": pa.timestamp("us"), "json": pa.string()}[kind]


def write_parquet(table: Table, path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(n, _arrow_type(k)) for n, k in table.columns])
    arrays = []
    for name, kind in table.columns:
        values = [row.get(name) for row in table.rows]
        if kind == "json":
            values = [_plain(v, kind) for v in values]
        arrays.append(pa.array(values, type=_arrow_type(kind)))
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path)
    return path


def write_jsonl(table: Table, path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for row in table.rows:
            obj = {n: (_plain(row.get(n), k) if k in ("date", "datetime") else row.get(n))
                   for n, k in table.columns}
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return path


XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header


def write_xlsx(tables: Iterable[Table], path: Path) -> Path:
    """One sheet per table, header row frozen; JSON columns as text."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        ws = wb.create_sheet(table.name[:31])
        ws.append(table.names)
        ws.freeze_panes = "A2"
        if len(table.rows) > XLSX_MAX_ROWS:
            raise ValueError(f"{table.name}: {len(table.rows)} rows exceed an Excel sheet; "
                             "use csv or parquet")
        for row in table.rows:
            out = []
            for name, kind in table.columns:
                v = row.get(name)
                v = _plain(v, kind) if kind == "json" else v
                if isinstance(v, str):
                    v = ILLEGAL_CHARACTERS_RE.sub("", v)
                out.append(v)
            ws.append(out)
    wb.save(path)
    return path


def write_tables(tables: dict[str, Table], out: Path, formats: Iterable[str]) -> list[Path]:
    """Write every table in every format into `out`; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in formats:
        if fmt == "xlsx":
            written.append(write_xlsx(tables.values(), out / "gongkai.xlsx"))
            continue
        writer = {"csv": write_csv, "parquet": write_parquet, "jsonl": write_jsonl}[fmt]
        for name, table in tables.items():
            written.append(writer(table, out / f"{name}.{fmt}"))
    return written
