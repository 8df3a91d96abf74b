"""The analyst's dataset: each exported table built once from the database.

Why one builder for all formats: CSV, Parquet, XLSX and JSONL must hold the same rows and
values, so the queries live here and the writers (storage/export/writers.py) only translate
types.  A table is a list of typed columns and rows of plain Python values (no pandas: it is
not a runtime dependency).

The unit is the report: one distinct document (sha256), whoever lists it.  The same bytes
listed by five districts' sites, or in two columns of one site, are one report with five
listings (each keeps its URL and capture in `listings`), counted once everywhere else.  The
report's agency, region, kind and deadline come from the document's own metadata through
storage/export/agency.py, never from the site that listed it.

Tables: reports (one row per report), listings (one row per site/URL that served it, with the
crawl's context), metrics (long, one row per value with its provenance), metrics_wide (one
row per report, one column per key), checks, data_dictionary (every column of every table
and every template key), coverage (per site).  The Document↔Extraction link is by sha256
under the current extractor version (falling back to the newest extraction of those bytes).
Times are UTC with an offset (ISO 8601, +00:00) in every format.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.config import Paths
from storage.db import session_scope
from storage.export import dictionary, measures
from storage.export import listing_context as context
from storage.export.agency import Agency, Gazetteer, contains, identify
from storage.extractions import choose_extractions, current_extractor_version
from storage.models import Capture, CheckResult, Document, Extraction, MetricValue, Site

TABLES = ("reports", "listings", "metrics", "metrics_wide", "checks", "data_dictionary", "coverage")

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
    """--region (prefix of the agency's region code), --year, --agency (substring of the
    agency, the document's or a list title, or a listing site's name)."""

    region: str | None = None
    year: int | None = None
    agency: str | None = None


# A narrative-text provider: (sha256, capture) → the report's prose, or None when unknown.
TextFor = Callable[[str, Capture | None], str | None]


# ---------------------------------------------------------------------------- loading


@dataclass
class _Listing:
    """One Document row: a report's bytes as one site listed them at one URL."""

    doc: Document
    site: Site | None
    capture: Capture | None  # what this URL served, when (a revisit when the bytes were known)
    payload: Capture | None  # the capture whose WARC record holds the bytes
    page: Capture | None = None  # the archived HTML page that carries the listing's metadata
    content_source: str | None = None  # <meta name="ContentSource"> of that page

    @property
    def site_region(self) -> str | None:
        return self.site.region_code if self.site else None


@dataclass(frozen=True)
class Counts:
    """How many values and check results a report's extraction has (the reports table's
    counts), from its rows or, when the rows are not loaded, from an aggregate query."""

    metrics: int = 0
    values: int = 0
    checks: int = 0
    checks_failed: int = 0
    checks_not_assessable: int = 0

    @classmethod
    def of(cls, metrics: list[MetricValue], checks: list[CheckResult]) -> Counts:
        return cls(
            len(metrics),
            sum(m.value is not None for m in metrics),
            len(checks),
            sum(c.status == "fail" for c in checks),
            sum(c.status == "not_assessable" for c in checks),
        )


@dataclass
class _Report:
    """One report: distinct bytes (sha256), however many sites or columns list them.

    `listings` are ordered by Document id; the first is where the report was first found and
    gives its provenance (URL, capture); the others stay in the `listings` table.  Its
    `report_id` is therefore the smallest Document id with its sha256 (storage/export/index.py
    finds a report by the same rule).
    """

    listings: list[_Listing]
    ex: Extraction | None
    metrics: list[MetricValue]
    checks: list[CheckResult]
    agency_id: Agency = field(default_factory=lambda: Agency(None, "unknown", None, (), None, None))
    counts: Counts = field(default_factory=Counts)

    @property
    def first(self) -> _Listing:
        return self.listings[0]

    @property
    def doc(self) -> Document:
        return self.first.doc

    @property
    def report_id(self) -> int:
        return self.doc.id or 0

    @property
    def sha256(self) -> str:
        return self.doc.sha256

    @property
    def agency(self) -> str | None:
        return self.agency_id.name

    @property
    def listed_year(self) -> int | None:
        return next((x.doc.year for x in self.listings if x.doc.year), None)

    @property
    def year(self) -> int | None:
        return self.ex.year if self.ex and self.ex.year else self.listed_year

    @property
    def region_code(self) -> str | None:
        """The agency's region, never the listing site's (see storage/export/agency.py)."""
        return self.agency_id.region_code

    @property
    def status(self) -> str:
        """current when any site still serves it; withdrawn when one withdrew it and none
        serves it; superseded when every URL now serves other bytes."""
        statuses = {x.doc.status for x in self.listings}
        for s in ("current", "withdrawn", "superseded"):
            if s in statuses:
                return s
        return self.doc.status


@dataclass
class Loaded:
    """One read of the database: the reports, their listings' sites, and the gazetteer."""

    reports: list[_Report]
    sites: dict[str, Site]
    gazetteer: Gazetteer


def load(session: Session, paths: Paths | None = None, *, values: bool = True) -> Loaded:
    """Everything the tables need, by joins and full scans (no id lists: a national archive
    would exceed PostgreSQL's 65,535 bound parameters per statement).

    With `paths`, each listing's archived HTML page is read for its ContentSource.  With
    `values=False` the metric values and check results are only counted (the reports table
    needs no more; the rows are most of the database).
    """
    s = session
    original = aliased(Capture)
    sites = {site.id: site for site in s.exec(select(Site))}
    docs = list(s.exec(select(Document).order_by(col(Document.id))))
    # (no DISTINCT: PostgreSQL cannot compare JSON columns; the dicts dedupe by id)
    captures = {
        c.id: c
        for c in s.exec(select(Capture).join(Document, col(Document.capture_id) == col(Capture.id)))
    }
    originals = {
        c.id: c
        for c in s.exec(
            select(original)
            .join(Capture, col(Capture.revisit_of) == col(original.id))
            .join(Document, col(Document.capture_id) == col(Capture.id))
        )
    }
    pages: dict[str, list[Capture]] = defaultdict(list)  # found_on URL → its captures
    if paths is not None:
        pages = _linking_pages(s, original, originals)
    chosen = _chosen_extractions(s)
    ids = {ex.id for ex in chosen.values()}
    metrics, checks = _values_by_extraction(s, ids) if values else ({}, {})
    counted = {} if values else _counts_by_extraction(s, ids)

    def holder(cap: Capture | None) -> Capture | None:
        # a revisit whose original is missing has no payload to point at: nulls, not its record
        return originals.get(cap.revisit_of or 0) if cap and cap.record_type == "revisit" else cap

    by_sha: dict[str, list[_Listing]] = defaultdict(list)
    sources: dict[int, str | None] = {}  # a list page links many reports: read it once
    for d in docs:
        cap = captures.get(d.capture_id)
        listing = _Listing(d, sites.get(d.site_id), cap, holder(cap))
        if paths is not None:
            listing.page = page = _page_of(listing, pages, d)
            if page is not None and page.id not in sources:
                sources[page.id or 0] = context.content_source(paths, holder(page))
            listing.content_source = sources.get(page.id or 0) if page is not None else None
        by_sha[d.sha256].append(listing)
    gazetteer = Gazetteer.from_sites((site.name, site.region_code) for site in sites.values())
    reports = []
    for sha, listings in by_sha.items():
        found = chosen.get(sha)
        eid = found.id if found else None
        r = _Report(
            listings, found, metrics.get(eid, []) if eid else [], checks.get(eid, []) if eid else []
        )
        r.counts = Counts.of(r.metrics, r.checks) if values else counted.get(eid or 0, Counts())
        r.agency_id = identify(found.agency if found else None, gazetteer)
        reports.append(r)
    reports.sort(key=lambda r: r.report_id)
    return Loaded(reports, sites, gazetteer)


def _linking_pages(
    s: Session, original: Any, originals: dict[int | None, Capture]
) -> dict[str, list[Capture]]:
    """The article pages that linked the documents (a subquery, no ids), by URL; their
    revisits' originals are added to `originals`."""
    pages: dict[str, list[Capture]] = defaultdict(list)
    linking = select(Document.found_on).where(col(Document.found_on).is_not(None))
    for c in s.exec(
        select(Capture)
        .where(col(Capture.url).in_(linking), col(Capture.status) == 200)
        .order_by(col(Capture.id))
    ):
        pages[c.url].append(c)
    originals.update(
        {
            c.id: c
            for c in s.exec(
                select(original)
                .join(Capture, col(Capture.revisit_of) == col(original.id))
                .where(col(Capture.url).in_(linking))
            )
        }
    )
    return pages


def _chosen_extractions(s: Session) -> dict[str, Extraction]:
    """One extraction per document sha256: the current extractor's, else the newest row."""
    return choose_extractions(s.exec(select(Extraction)), current_extractor_version())


def _values_by_extraction(
    s: Session, ids: set[int | None]
) -> tuple[dict[int, list[MetricValue]], dict[int, list[CheckResult]]]:
    """The chosen extractions' metric values and check results, by extraction id."""
    metrics: dict[int, list[MetricValue]] = defaultdict(list)
    checks: dict[int, list[CheckResult]] = defaultdict(list)
    for m in s.exec(select(MetricValue).order_by(col(MetricValue.id))):
        if m.extraction_id in ids:
            metrics[m.extraction_id].append(m)
    for check in s.exec(select(CheckResult).order_by(col(CheckResult.id))):
        if check.extraction_id in ids:
            checks[check.extraction_id].append(check)
    return metrics, checks


def _counts_by_extraction(s: Session, ids: set[int | None]) -> dict[int, Counts]:
    """Counts.of for every chosen extraction, by GROUP BY instead of loading the rows."""
    values: dict[int, tuple[int, int]] = {
        eid: (n, v)
        for eid, n, v in s.exec(
            select(
                MetricValue.extraction_id,
                func.count(col(MetricValue.id)),
                func.count(col(MetricValue.value)),
            ).group_by(col(MetricValue.extraction_id))
        )
    }
    checks: dict[int, dict[str, int]] = defaultdict(dict)
    for cid, status, count in s.exec(
        select(
            CheckResult.extraction_id, CheckResult.status, func.count(col(CheckResult.id))
        ).group_by(col(CheckResult.extraction_id), col(CheckResult.status))
    ):
        checks[cid][status] = count
    out: dict[int, Counts] = {}
    for eid in ids:
        if eid is None:
            continue
        n, v = values.get(eid, (0, 0))
        by = checks.get(eid, {})
        out[eid] = Counts(n, v, sum(by.values()), by.get("fail", 0), by.get("not_assessable", 0))
    return out


def _page_of(listing: _Listing, pages: dict[str, list[Capture]], d: Document) -> Capture | None:
    """The HTML page that carries the listing's page metadata: the document itself when it is
    HTML, else the article page that linked it (the capture nearest before the document's)."""
    if listing.capture is not None and "html" in (d.media_type or ""):
        return listing.capture
    found = pages.get(d.found_on or "", [])
    cap = listing.capture
    before = [c for c in found if cap is None or c.fetched_at <= cap.fetched_at]
    pick = (before or found)[-1:]
    return pick[0] if pick and "html" in (pick[0].media_type or "html") else None


def _keep(r: _Report, f: Filters) -> bool:
    if f.region and not (r.region_code or "").startswith(f.region):
        return False
    if f.year is not None and r.year != f.year:
        return False
    if f.agency:
        hay = [
            r.agency or "",
            r.ex.title if r.ex and r.ex.title else "",
            *(x.doc.title for x in r.listings),
            *(x.site.name for x in r.listings if x.site),
        ]
        if not any(f.agency in h for h in hay):
            return False
    return True


def _published(r: _Report) -> tuple[date | None, str | None]:
    """The earliest date a list page printed for it, else the date the extractor read."""
    listed = [d for d in (measures.parse_date(x.doc.listed_date) for x in r.listings) if d]
    if listed:
        return min(listed), "listed_date"
    printed = measures.parse_date(r.ex.published if r.ex else None)
    return (printed, "extraction") if printed else (None, None)


# ---------------------------------------------------------------------------- tables

REPORT_COLUMNS: list[tuple[str, Kind]] = [
    ("report_id", "int"),
    ("sha256", "str"),
    ("agency", "str"),
    ("agency_as_extracted", "str"),
    ("agency_key", "str"),
    ("agency_name", "str"),
    ("agency_kind", "str"),
    ("region_code", "str"),
    ("year", "int"),
    ("listed_year", "int"),
    ("year_disagrees", "bool"),
    ("title", "str"),
    ("listings", "int"),
    ("listing_sites", "int"),
    ("site_id", "str"),
    ("site_name", "str"),
    ("listed_outside_region", "bool"),
    ("context_agency_disagrees", "bool"),
    ("url", "str"),
    ("found_on", "str"),
    ("listed_date", "str"),
    ("publication_date", "date"),
    ("publication_date_source", "str"),
    ("first_seen", "datetime"),
    ("last_seen", "datetime"),
    ("media_type", "str"),
    ("format", "str"),
    ("template", "str"),
    ("extractor_version", "str"),
    ("extraction_status", "str"),
    ("extraction_error", "str"),
    ("metrics", "int"),
    ("values", "int"),
    ("checks", "int"),
    ("checks_failed", "int"),
    ("checks_not_assessable", "int"),
    ("warnings", "int"),
    ("status", "str"),
    ("versions_at_url", "int"),
    ("modified_after_publication", "bool"),
    ("withdrawn", "bool"),
    ("withdrawn_at", "datetime"),
    ("withdrawn_reason", "str"),
    ("deadline", "date"),
    ("deadline_basis", "str"),
    ("days_late", "int"),
    ("timeliness", "str"),
    ("late", "bool"),
    ("previous_report_id", "int"),
    ("previous_year", "int"),
    ("text_overlap_previous", "float"),
    ("overlap_over_50", "bool"),
]


def _series_key(r: _Report) -> tuple[str, str] | None:
    """Which agency a report belongs to for 'its previous report'.

    The agency key when the region is known; else the normalised name within the listing
    site, since short names such as 区统计局 recur in every district and must not be compared
    across them.
    """
    a = r.agency_id
    if a.key:
        return ("key", a.key)
    if a.body is None:
        return None
    return (f"site:{r.doc.site_id}", "".join(a.places) + a.body)


def _previous_map(reports: list[_Report]) -> dict[int, _Report]:
    """For each report, the same agency's report of the nearest earlier year."""
    best: dict[tuple[tuple[str, str], int], _Report] = {}
    rank = {"current": 0, "withdrawn": 1, "superseded": 2}

    def score(r: _Report) -> tuple[int, datetime, int]:
        return (rank.get(r.status, 3), r.doc.first_seen, r.report_id)

    for r in reports:
        key = _series_key(r)
        if key is None or r.year is None:
            continue
        old = best.get((key, r.year))
        if old is None or score(r) < score(old):
            best[(key, r.year)] = r
    years: dict[tuple[str, str], list[int]] = defaultdict(list)
    for key, year in best:
        years[key].append(year)
    out: dict[int, _Report] = {}
    for r in reports:
        key = _series_key(r)
        if key is None or r.year is None:
            continue
        earlier = [y for y in years[key] if y < r.year]
        if earlier:
            out[r.report_id] = best[(key, max(earlier))]
    return out


def _context_flags(r: _Report, gazetteer: Gazetteer) -> dict[int, dict[str, Any]]:
    """Per listing: the crawl's readings of the agency and whether they disagree."""
    out: dict[int, dict[str, Any]] = {}
    for x in r.listings:
        listed = context.list_title_agency(x.doc.title)
        votes = [
            context.disagrees(r.agency_id, name, gazetteer, x.site_region)
            for name in (listed, x.content_source)
        ]
        known = [v for v in votes if v is not None]
        region = r.region_code
        out[x.doc.id or 0] = {
            "list_title_agency": listed,
            "context_agency_disagrees": any(known) if known else None,
            "listed_outside_region": None
            if region is None or x.site_region is None
            else not (contains(x.site_region, region) or contains(region, x.site_region)),
        }
    return out


def _any(values: Iterable[bool | None]) -> bool | None:
    known = [v for v in values if v is not None]
    return any(known) if known else None


def reports_table(
    reports: list[_Report],
    all_reports: list[_Report],
    text_for: TextFor | None,
    gazetteer: Gazetteer | None = None,
) -> Table:
    gazetteer = gazetteer or Gazetteer({})
    versions: dict[str, int] = defaultdict(int)
    for r in all_reports:
        for x in r.listings:
            versions[x.doc.url] += 1
    previous = _previous_map(all_reports)
    texts: dict[str, str | None] = {}

    def text(r: _Report) -> str | None:
        if text_for is None:
            return None
        if r.sha256 not in texts:
            texts[r.sha256] = text_for(r.sha256, r.first.capture)
        return texts[r.sha256]

    table = Table("reports", REPORT_COLUMNS)
    for r in reports:
        d, ex, a = r.doc, r.ex, r.agency_id
        pub, pub_source = _published(r)
        kind = a.kind
        t = measures.timeliness(year=r.year, agency=r.agency, published=pub, kind=kind)
        prev = previous.get(r.report_id)
        ov = None
        if prev is not None:
            cur_text, prev_text = text(r), text(prev)
            if cur_text and prev_text:
                ov = measures.overlap(cur_text, prev_text)
        flags = _context_flags(r, gazetteer)
        listed_dates = sorted(x.doc.listed_date for x in r.listings if x.doc.listed_date)
        withdrawn = [x.doc for x in r.listings if x.doc.status == "withdrawn"]
        status = r.status
        table.rows.append(
            {
                "report_id": r.report_id,
                "sha256": r.sha256,
                "agency": r.agency,
                "agency_as_extracted": ex.agency if ex else None,
                "agency_key": a.key,
                "agency_name": a.canonical_name,
                "agency_kind": kind,
                "region_code": r.region_code,
                "year": r.year,
                "listed_year": r.listed_year,
                # the list title's year against the document's own: a disagreement is shown, since
                # `year` silently prefers the document (its title and 统计期限)
                "year_disagrees": bool(
                    ex and ex.year and r.listed_year and ex.year != r.listed_year
                ),
                "title": (ex.title if ex and ex.title else None) or d.title,
                "listings": len(r.listings),
                "listing_sites": len({x.doc.site_id for x in r.listings}),
                "site_id": d.site_id,
                "site_name": r.first.site.name if r.first.site else None,
                "listed_outside_region": _any(f["listed_outside_region"] for f in flags.values()),
                "context_agency_disagrees": _any(
                    f["context_agency_disagrees"] for f in flags.values()
                ),
                "url": d.url,
                "found_on": d.found_on,
                "listed_date": listed_dates[0] if listed_dates else None,
                "publication_date": pub,
                "publication_date_source": pub_source,
                "first_seen": min(x.doc.first_seen for x in r.listings),
                "last_seen": max(x.doc.last_seen for x in r.listings),
                "media_type": d.media_type,
                "format": ex.format if ex else None,
                "template": ex.template if ex else None,
                "extractor_version": ex.extractor_version if ex else None,
                "extraction_status": ex.status if ex else "not_extracted",
                "extraction_error": ex.error if ex else None,
                "metrics": r.counts.metrics,
                "values": r.counts.values,
                "checks": r.counts.checks,
                "checks_failed": r.counts.checks_failed,
                "checks_not_assessable": r.counts.checks_not_assessable,
                "warnings": len(ex.warnings or []) if ex else 0,
                "status": status,
                "versions_at_url": max(versions[x.doc.url] for x in r.listings),
                "modified_after_publication": any(
                    versions[x.doc.url] > 1 or bool(x.doc.modified_after_publication)
                    for x in r.listings
                ),
                "withdrawn": status == "withdrawn",
                "withdrawn_at": min(
                    (w.withdrawn_at for w in withdrawn if w.withdrawn_at), default=None
                )
                if status == "withdrawn"
                else None,
                "withdrawn_reason": next(
                    (w.withdrawn_reason for w in withdrawn if w.withdrawn_reason), None
                )
                if status == "withdrawn"
                else None,
                "deadline": t.deadline,
                "deadline_basis": t.basis,
                "days_late": t.days_late,
                "timeliness": t.status,
                "late": t.late,
                "previous_report_id": prev.report_id if prev else None,
                "previous_year": prev.year if prev else None,
                "text_overlap_previous": ov,
                "overlap_over_50": None if ov is None else ov > measures.OVERLAP_PENALTY,
            }
        )
    return table


LISTING_COLUMNS: list[tuple[str, Kind]] = [
    ("listing_id", "int"),
    ("report_id", "int"),
    ("sha256", "str"),
    ("site_id", "str"),
    ("site_name", "str"),
    ("site_region_code", "str"),
    ("url", "str"),
    ("found_on", "str"),
    ("list_title", "str"),
    ("list_title_agency", "str"),
    ("content_source", "str"),
    ("page_url", "str"),
    ("agency", "str"),
    ("context_agency_disagrees", "bool"),
    ("listed_outside_region", "bool"),
    ("listed_year", "int"),
    ("year", "int"),
    ("year_disagrees", "bool"),
    ("listed_date", "str"),
    ("capture_id", "int"),
    ("capture_time", "datetime"),
    ("http_status", "int"),
    ("capture_record_id", "str"),
    ("first_seen", "datetime"),
    ("last_seen", "datetime"),
    ("status", "str"),
    ("modified_after_publication", "bool"),
    ("withdrawn_at", "datetime"),
    ("withdrawn_reason", "str"),
]


def listings_table(reports: list[_Report], gazetteer: Gazetteer) -> Table:
    """One row per place a report was listed (a Document row), with the crawl's context."""
    table = Table("listings", LISTING_COLUMNS)
    for r in reports:
        flags = _context_flags(r, gazetteer)
        doc_year = r.ex.year if r.ex and r.ex.year else None
        for x in r.listings:
            d, c, f = x.doc, x.capture, flags[x.doc.id or 0]
            table.rows.append(
                {
                    "listing_id": d.id,
                    "report_id": r.report_id,
                    "sha256": d.sha256,
                    "site_id": d.site_id,
                    "site_name": x.site.name if x.site else None,
                    "site_region_code": x.site_region,
                    "url": d.url,
                    "found_on": d.found_on,
                    "list_title": d.title,
                    "list_title_agency": f["list_title_agency"],
                    "content_source": x.content_source,
                    "page_url": x.page.url if x.page else None,
                    "agency": r.agency,
                    "context_agency_disagrees": f["context_agency_disagrees"],
                    "listed_outside_region": f["listed_outside_region"],
                    "listed_year": d.year,
                    "year": r.year,
                    "year_disagrees": bool(doc_year and d.year and doc_year != d.year),
                    "listed_date": d.listed_date,
                    "capture_id": d.capture_id,
                    "capture_time": c.fetched_at if c else None,
                    "http_status": c.status if c else None,
                    "capture_record_id": c.warc_record_id if c else None,
                    "first_seen": d.first_seen,
                    "last_seen": d.last_seen,
                    "status": d.status,
                    "modified_after_publication": bool(d.modified_after_publication),
                    "withdrawn_at": d.withdrawn_at,
                    "withdrawn_reason": d.withdrawn_reason,
                }
            )
    return table


METRIC_COLUMNS: list[tuple[str, Kind]] = [
    ("metric_id", "int"),
    ("report_id", "int"),
    ("extraction_id", "int"),
    ("region_code", "str"),
    ("agency", "str"),
    ("agency_key", "str"),
    ("year", "int"),
    ("key", "str"),
    ("value", "float"),
    ("raw", "str"),
    ("table", "str"),
    ("page", "int"),
    ("table_no", "int"),
    ("row", "int"),
    ("col", "int"),
    ("line", "int"),
    ("location", "json"),
    ("source_url", "str"),
    ("capture_id", "int"),
    ("capture_time", "datetime"),
    ("http_status", "int"),
    ("sha256", "str"),
    ("warc_file", "str"),
    ("warc_offset", "int"),
    ("warc_length", "int"),
    ("warc_record_id", "str"),
    ("capture_record_id", "str"),
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
    """One row per value of a report (once, however many listings): provenance is the first
    listing's capture and the WARC record holding the bytes."""
    table = Table("metrics", METRIC_COLUMNS)
    for r in reports:
        failed = _failed_by_key(r.checks)
        c, p = r.first.capture, r.first.payload
        for m in r.metrics:
            loc = m.location or {}
            table.rows.append(
                {
                    "metric_id": m.id,
                    "report_id": r.report_id,
                    "extraction_id": m.extraction_id,
                    "region_code": r.region_code,
                    "agency": r.agency,
                    "agency_key": r.agency_id.key,
                    "year": r.year,
                    "key": m.key,
                    "value": m.value,
                    "raw": m.raw,
                    "table": m.table_name,
                    "page": _int(loc.get("page")),
                    "table_no": _int(loc.get("table")),
                    "row": _int(loc.get("row")),
                    "col": _int(loc.get("col")),
                    "line": _int(loc.get("line")),
                    "location": loc,
                    "source_url": r.doc.url,
                    "capture_id": r.doc.capture_id,
                    "capture_time": c.fetched_at if c else None,
                    "http_status": c.status if c else None,
                    "sha256": r.sha256,
                    "capture_record_id": c.warc_record_id if c else None,
                    "warc_file": p.warc_file if p else None,
                    "warc_offset": p.warc_offset if p else None,
                    "warc_length": p.warc_length if p else None,
                    "warc_record_id": p.warc_record_id if p else None,
                    "check_failed": m.key in failed,
                    "failed_rules": ",".join(failed.get(m.key, [])),
                }
            )
    return table


WIDE_HEAD: list[tuple[str, Kind]] = [
    ("report_id", "int"),
    ("status", "str"),
    ("agency", "str"),
    ("agency_key", "str"),
    ("agency_name", "str"),
    ("agency_kind", "str"),
    ("region_code", "str"),
    ("site_id", "str"),
    ("site_name", "str"),
    ("listings", "int"),
    ("year", "int"),
    ("template", "str"),
    ("extraction_status", "str"),
    ("sha256", "str"),
    ("url", "str"),
]

DICTIONARY_COLUMNS: list[tuple[str, Kind]] = [
    ("resource", "str"),
    ("field", "str"),
    ("type", "str"),
    ("description", "str"),
    ("key", "str"),
    ("label", "str"),
    ("table", "str"),
    ("row_label", "str"),
    ("column_label", "str"),
    ("unit", "str"),
    ("meaning", "str"),
    ("templates", "str"),
]

FRICTIONLESS_TYPES = {
    "str": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "date": "date",
    "datetime": "datetime",
    "json": "object",
}
ARRAY_COLUMNS = {("checks", "keys")}  # JSON arrays, not objects


def field_type(table: str, column: str, kind: Kind) -> str:
    if (table, column) in ARRAY_COLUMNS:
        return "array"
    return FRICTIONLESS_TYPES[kind]


def static_columns() -> dict[str, list[tuple[str, Kind]]]:
    """Every table's fixed columns (metrics_wide adds one column per template key)."""
    return {
        "reports": REPORT_COLUMNS,
        "listings": LISTING_COLUMNS,
        "metrics": METRIC_COLUMNS,
        "metrics_wide": WIDE_HEAD,
        "checks": CHECK_COLUMNS,
        "data_dictionary": DICTIONARY_COLUMNS,
        "coverage": COVERAGE_COLUMNS,
    }


def _template_keys(reports: list[_Report]) -> dict[str, dict[str, Any]]:
    """Every key with its labels, table, unit and meaning (extract/template.py is the source)."""
    entries: dict[str, dict[str, Any]] = {}
    try:
        from extract import template
    except ImportError:
        template = None  # type: ignore[assignment]
    if template is not None and hasattr(template, "metrics"):
        for version in ("2021", "2019"):
            for m in template.metrics(version):
                row_label, _, column_label = m.label.rpartition(" ")
                e = entries.setdefault(
                    m.key,
                    {
                        "key": m.key,
                        "label": m.label,
                        "table": m.table,
                        "row_label": row_label or None,
                        "column_label": column_label or None,
                        "unit": m.unit,
                        "meaning": m.meaning,
                        "templates": [],
                    },
                )
                for t in m.templates:
                    if t not in e["templates"]:
                        e["templates"].append(t)
    for r in reports:  # keys the extractor produced that the dictionary does not know
        for value in r.metrics:
            if value.key not in entries:
                entries[value.key] = {
                    "key": value.key,
                    "label": None,
                    "table": value.table_name,
                    "row_label": None,
                    "column_label": None,
                    "unit": None,
                    "meaning": None,
                    "templates": [],
                }
    return entries


def data_dictionary_table(reports: list[_Report]) -> Table:
    """Every column of every table, then every template key (a column of metrics_wide)."""
    table = Table("data_dictionary", DICTIONARY_COLUMNS)
    blank = dict.fromkeys(n for n, _ in DICTIONARY_COLUMNS)
    for name, columns in static_columns().items():
        for column, kind in columns:
            table.rows.append(
                {
                    **blank,
                    "resource": name,
                    "field": column,
                    "type": field_type(name, column, kind),
                    "description": dictionary.describe(name, column),
                }
            )
    for e in _template_keys(reports).values():
        table.rows.append(
            {
                **blank,
                **e,
                "resource": "metrics_wide",
                "field": e["key"],
                "type": "number",
                "templates": ",".join(sorted(e["templates"])),
                "description": e["meaning"] or "a key the extractor produced",
            }
        )
    return table


def metrics_wide_table(reports: list[_Report], dictionary_table: Table) -> Table:
    seen = {m.key for r in reports for m in r.metrics}
    keys = [row["key"] for row in dictionary_table.rows if row["key"] in seen]
    keys += sorted(seen - set(keys))
    table = Table("metrics_wide", WIDE_HEAD + [(k, "float") for k in keys])
    for r in reports:
        if r.ex is None:
            continue
        a = r.agency_id
        row: dict[str, Any] = {
            "report_id": r.report_id,
            "status": r.status,
            "agency": r.agency,
            "agency_key": a.key,
            "agency_name": a.canonical_name,
            "agency_kind": a.kind,
            "region_code": r.region_code,
            "site_id": r.doc.site_id,
            "site_name": r.first.site.name if r.first.site else None,
            "listings": len(r.listings),
            "year": r.year,
            "template": r.ex.template,
            "extraction_status": r.ex.status,
            "sha256": r.sha256,
            "url": r.doc.url,
        }
        row.update(dict.fromkeys(keys))
        for m in r.metrics:
            row[m.key] = m.value
        table.rows.append(row)
    return table


CHECK_COLUMNS: list[tuple[str, Kind]] = [
    ("check_id", "int"),
    ("report_id", "int"),
    ("extraction_id", "int"),
    ("region_code", "str"),
    ("agency", "str"),
    ("agency_key", "str"),
    ("year", "int"),
    ("sha256", "str"),
    ("rule", "str"),
    ("status", "str"),
    ("keys", "json"),
    ("numbers", "json"),
    ("culprit", "str"),
    ("message", "str"),
]


def checks_table(reports: list[_Report]) -> Table:
    table = Table("checks", CHECK_COLUMNS)
    for r in reports:
        for c in r.checks:
            table.rows.append(
                {
                    "check_id": c.id,
                    "report_id": r.report_id,
                    "extraction_id": c.extraction_id,
                    "region_code": r.region_code,
                    "agency": r.agency,
                    "agency_key": r.agency_id.key,
                    "year": r.year,
                    "sha256": r.sha256,
                    "rule": c.rule,
                    "status": c.status,
                    "keys": list(c.keys or []),
                    "numbers": c.numbers or {},
                    "culprit": c.culprit,
                    "message": c.message,
                }
            )
    return table


COVERAGE_COLUMNS: list[tuple[str, Kind]] = [
    ("site_id", "str"),
    ("site_name", "str"),
    ("region_code", "str"),
    ("level", "str"),
    ("agency", "str"),
    ("year", "int"),
    ("found", "bool"),
    ("reports", "int"),
]


def coverage_table(
    reports: list[_Report], sites: dict[str, Site], f: Filters, years: Iterable[int] | None = None
) -> Table:
    """Per registered site (and agency listed on it) and year: was a report found there?

    Coverage is about sites, so here a report counts on every site that lists it.
    """
    chosen = {k: s for k, s in sites.items() if not f.region or s.region_code.startswith(f.region)}
    found = [
        measures.Found(x.doc.site_id, r.agency, r.year)
        for r in reports
        for x in r.listings
        if x.doc.status != "superseded"
    ]
    if years is None:
        seen = [r.year for r in reports if r.year is not None]
        years = (
            [f.year] if f.year is not None else (range(min(seen), max(seen) + 1) if seen else [])
        )
    expected = {
        k: [str(a) for a in (s.config or {}).get("agencies", []) or []] for k, s in chosen.items()
    }
    rows = measures.coverage({k: s.name for k, s in chosen.items()}, found, years, expected)
    table = Table("coverage", COVERAGE_COLUMNS)
    for row in rows:
        if f.agency and row["level"] == "agency" and f.agency not in str(row["agency"]):
            continue
        row["region_code"] = chosen[str(row["site_id"])].region_code
        table.rows.append(row)
    return table


def _utc(value: Any) -> Any:
    """Datetimes as aware UTC (the database stores naive UTC): ISO 8601 with +00:00."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)
    return value


def _normalize(table: Table) -> Table:
    stamps = [n for n, k in table.columns if k == "datetime"]
    for row in table.rows:
        for n in stamps:
            row[n] = _utc(row.get(n))
    return table


def _site_coverage_reports(loaded: Loaded, f: Filters) -> list[_Report]:
    """Coverage's reports: every listing on a site inside the region filter (site regions)."""
    if not f.region:
        return loaded.reports
    return [
        r
        for r in loaded.reports
        if any((x.site_region or "").startswith(f.region) for x in r.listings)
    ]


def build_tables(
    engine: Engine,
    filters: Filters | None = None,
    *,
    text_for: TextFor | None = None,
    only: Iterable[str] | None = None,
    paths: Paths | None = None,
) -> dict[str, Table]:
    """Every export table (or those in `only`), filtered, from one read of the database.

    With `paths` (the data folder), listings carry their page's ContentSource.
    """
    f = filters or Filters()
    wanted = set(only or TABLES)
    rows_needed = bool(wanted & {"metrics", "metrics_wide", "checks", "data_dictionary"})
    with session_scope(engine) as s:
        loaded = load(s, paths if wanted & {"reports", "listings"} else None, values=rows_needed)
    reports = [r for r in loaded.reports if _keep(r, f)]
    out: dict[str, Table] = {}
    dictionary_table = data_dictionary_table(loaded.reports) if rows_needed else None
    if "reports" in wanted:
        out["reports"] = reports_table(reports, loaded.reports, text_for, loaded.gazetteer)
    if "listings" in wanted:
        out["listings"] = listings_table(reports, loaded.gazetteer)
    if "metrics" in wanted:
        out["metrics"] = metrics_table(reports)
    if "metrics_wide" in wanted and dictionary_table is not None:
        out["metrics_wide"] = metrics_wide_table(reports, dictionary_table)
    if "checks" in wanted:
        out["checks"] = checks_table(reports)
    if "data_dictionary" in wanted and dictionary_table is not None:
        out["data_dictionary"] = dictionary_table
    if "coverage" in wanted:
        cov = _site_coverage_reports(loaded, Filters(region=f.region))
        out["coverage"] = coverage_table(cov, loaded.sites, f)
    return {name: _normalize(table) for name, table in out.items()}


def export_counts(session: Session, filters: Filters | None = None) -> dict[str, Any]:
    """The counts `gongkai export` writes, from the same load and the same rules.

    For summaries (the demo) that must equal the exported files: `reports` = rows of
    reports.csv (distinct documents), `listings`, `metrics` (rows), `values` (non-null),
    `checks`, `checks_failed`, and reports per extraction status and per report status.
    """
    f = filters or Filters()
    reports = [r for r in load(session).reports if _keep(r, f)]
    by_extraction: dict[str, int] = defaultdict(int)
    by_status: dict[str, int] = defaultdict(int)
    for r in reports:
        by_extraction[r.ex.status if r.ex else "not_extracted"] += 1
        by_status[r.status] += 1
    return {
        "reports": len(reports),
        "listings": sum(len(r.listings) for r in reports),
        "metrics": sum(len(r.metrics) for r in reports),
        "values": sum(m.value is not None for r in reports for m in r.metrics),
        "checks": sum(len(r.checks) for r in reports),
        "checks_failed": sum(c.status == "fail" for r in reports for c in r.checks),
        "metrics_wide": sum(r.ex is not None for r in reports),
        "extraction_status": dict(sorted(by_extraction.items())),
        "report_status": dict(sorted(by_status.items())),
    }
