"""What the workbench's pages show, read from the database through storage.

The unit is the export's: a report is one distinct document, however many sites list it.  The
list rows are the export's `reports` rows (storage.export.index, rebuilt only when the database
changes), so the list counts what reports.csv counts and shows the agency's region, kind and
deadline as the export derives them.  The report page reads one report's rows: its listings (by
the export's identity), the chosen extraction (the current extractor version, else the newest),
its values and checks; revisits resolve with storage.crud.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage import crud
from storage.export import index as report_index
from storage.extractions import choose_extractions, current_extractor_version
from storage.models import Capture, CheckResult, CrawlRun, Document, Extraction, MetricValue, Site
from storage.runreport import CrawlReport

# ---------------------------------------------------------------------------- list


@dataclass
class ReportRow:
    """One report (distinct document) as the list page and /api/reports show it: the
    export's `reports` row, so the workbench counts what the dataset counts."""

    report_id: int
    sha256: str
    agency: str | None
    agency_key: str | None
    agency_name: str | None
    agency_kind: str
    region_code: str | None  # the agency's region, never the listing site's
    year: int | None
    title: str
    url: str  # the first listing's
    listings: int
    listing_sites: int
    site_id: str  # the first listing's site
    site_name: str | None
    platform: str | None
    media_type: str | None
    format: str | None
    template: str | None
    extraction_status: str
    checks_failed: int
    status: str
    modified_after_publication: bool
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    publication_date: date | None
    deadline: date | None
    deadline_basis: str | None
    days_late: int | None
    timeliness: str
    first_seen: datetime
    last_seen: datetime
    previous_report_id: int | None

    @property
    def late(self) -> bool | None:
        """True late, False on time, None without a legal deadline or a date (the export's)."""
        return {"late": True, "on_time": False}.get(self.timeliness)

    @classmethod
    def from_export(cls, row: dict[str, Any], platform: str | None) -> ReportRow:
        """The export's row, its columns picked by name (the export decides every value)."""
        names = {f for f in cls.__dataclass_fields__ if f != "platform"}
        columns: dict[str, Any] = {k: row.get(k) for k in names}
        return cls(platform=platform, **columns)

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        for k, v in out.items():
            if isinstance(v, date | datetime):
                out[k] = v.isoformat()
        out["late"] = self.late
        return out


@dataclass(frozen=True)
class ListFilters:
    """The list page's filters; every field optional (None = no filter)."""

    q: str | None = None  # search in title and agency
    region: str | None = None  # region code prefix (the agency's region)
    year: int | None = None
    agency: str | None = None  # substring of the agency (or site name)
    kind: str | None = None  # government | street_town | department | unknown
    status: str | None = None  # current | superseded | withdrawn
    format: str | None = None  # html | pdf | docx | text …
    failed: bool = False  # with at least one failed check
    late: bool = False
    changed: bool = False  # withdrawn or modified after publication

    def keep(self, r: ReportRow) -> bool:
        if self.q and not any(self.q in (s or "") for s in (r.title, r.agency, r.site_name)):
            return False
        if self.region and not (r.region_code or "").startswith(self.region):
            return False
        if self.year is not None and r.year != self.year:
            return False
        if self.agency and not any(self.agency in (s or "") for s in (r.agency, r.site_name)):
            return False
        if self.kind and r.agency_kind != self.kind:
            return False
        if self.status and r.status != self.status:
            return False
        if self.format and (r.format or "") != self.format:
            return False
        if self.failed and not r.checks_failed:
            return False
        if self.late and not r.late:
            return False
        return not (self.changed and not (r.status == "withdrawn" or r.modified_after_publication))


@dataclass
class Indexed:
    """The reports, newest first, by id, and the export's coverage rows."""

    rows: list[ReportRow] = field(default_factory=list)
    by_id: dict[int, ReportRow] = field(default_factory=dict)
    coverage: list[dict[str, Any]] = field(default_factory=list)


class ReportIndex:
    """Every report's list row, rebuilt when the database changes (a cheap fingerprint).

    Why a cache: the rows are the export's (storage.export.index), built from a full read of the
    database; the fingerprint is a handful of MAX/COUNT over indexed columns.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._data = Indexed()

    def _fingerprint(self, s: Session) -> tuple[Any, ...]:
        # five columns: more than sqlmodel's typed select takes, so SQLAlchemy's on the connection
        documents = sa.select(
            func.count(col(Document.id)),
            func.max(col(Document.id)),
            func.max(col(Document.last_seen)),
            func.max(col(Document.withdrawn_at)),
            func.max(col(Document.first_seen)),
        )
        doc = s.connection().execute(documents).one()
        # a rerun at the same version replaces its row, and SQLite may give the new row the
        # old id (count and max id unchanged): its creation time tells the rerun apart
        extractions = sa.select(
            func.count(col(Extraction.id)),
            func.max(col(Extraction.id)),
            func.max(col(Extraction.created_at)),
        )
        ex = s.connection().execute(extractions).one()
        # a registry sync can change a site's name, region or platform and nothing else; the
        # rows are few (one per registered site), so their values are the key
        sites = s.connection().execute(
            sa.select(
                col(Site.id), col(Site.name), col(Site.region_code), col(Site.platform)
            ).order_by(col(Site.id))
        )
        return (*doc, *ex, hash(tuple(tuple(row) for row in sites)))

    def data(self) -> Indexed:
        with Session(self.engine) as s:
            key = self._fingerprint(s)
            with self._lock:
                if key != self._key:
                    self._data, self._key = load_index(self.engine), key
                return self._data

    def rows(self) -> list[ReportRow]:
        return self.data().rows


def load_index(engine: Engine) -> Indexed:
    """One ReportRow per report (the export's rows), newest first."""
    index = report_index.read_index(engine)
    with Session(engine) as s:
        platforms = {site.id: site.platform for site in s.exec(select(Site))}
    rows = [ReportRow.from_export(r, platforms.get(r["site_id"])) for r in index.reports]
    rows.sort(key=lambda r: r.report_id, reverse=True)
    return Indexed(rows, {r.report_id: r for r in rows}, index.coverage)


# ---------------------------------------------------------------------------- one report


@dataclass
class Version:
    """One version (distinct bytes) seen at one of the report's URLs, and what changed from
    the version before it at that URL."""

    document: Document
    capture: Capture | None
    extraction: Extraction | None
    values: dict[str, float | None]
    report_id: int
    changed: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    first_at_url: bool = False


@dataclass
class ReportDetail:
    """Everything the report page shows about one report (its first listing gives the
    provenance; every listing is in `listings`)."""

    row: ReportRow
    document: Document
    site: Site | None
    capture: Capture | None  # what the first listing's URL served when first seen
    payload: Capture | None  # the capture whose WARC record holds the bytes
    extraction: Extraction | None
    metrics: list[MetricValue]
    checks: list[CheckResult]
    listings: list[report_index.Listing]
    versions: list[Version]
    previous: ReportRow | None  # the same agency's report of the nearest earlier year
    previous_values: dict[str, float | None]

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == "fail"]


def _extraction_for(s: Session, sha256: str, version: str | None) -> Extraction | None:
    rows = s.exec(select(Extraction).where(Extraction.sha256 == sha256))
    return choose_extractions(rows, version).get(sha256)


def _values(s: Session, ex: Extraction | None) -> dict[str, float | None]:
    if ex is None:
        return {}
    return dict(
        s.exec(
            select(MetricValue.key, MetricValue.value).where(MetricValue.extraction_id == ex.id)
        ).all()
    )


def report_id_of(engine: Engine, document_id: int) -> int | None:
    """The report a listing's document id belongs to (None if unknown)."""
    with Session(engine) as s:
        return report_index.report_id_of(s, document_id)


def _versions(
    s: Session, urls: list[str], ex: Extraction | None, version: str | None
) -> list[Version]:
    """Every version at the report's URLs, per URL in time order, with the numbers changed."""
    out: list[Version] = []
    for url in dict.fromkeys(urls):
        mine: list[Version] = []
        for v in s.exec(
            select(Document)
            .where(Document.url == url)
            .order_by(col(Document.first_seen), col(Document.id))
        ):
            same = ex is not None and v.sha256 == ex.sha256
            vex = ex if same else _extraction_for(s, v.sha256, version)
            rid = report_index.report_id_of(s, v.id or 0) or 0
            mine.append(Version(v, s.get(Capture, v.capture_id), vex, _values(s, vex), rid))
        if mine:
            mine[0].first_at_url = True
        for before, after in zip(mine, mine[1:], strict=False):
            keys = sorted(set(before.values) | set(after.values))
            after.changed = [
                (k, before.values.get(k), after.values.get(k))
                for k in keys
                if before.values.get(k) != after.values.get(k)
            ]
        out += mine
    return out


def report_detail(engine: Engine, index: Indexed, report_id: int) -> ReportDetail | None:
    """The report page's data, or None when `report_id` is not a report's id."""
    version = current_extractor_version()
    row = index.by_id.get(report_id)
    with Session(engine) as s:
        listed = report_index.listings(s, report_id)
        if row is None or not listed:
            return None
        first = listed[0]
        d = first.document
        ex = _extraction_for(s, d.sha256, version)
        capture = first.capture
        payload = crud.resolve_original(session=s, capture=capture) if capture else None
        if payload is not None and payload.record_type == "revisit":
            payload = None  # a revisit whose original is missing holds no bytes
        metrics = (
            list(
                s.exec(
                    select(MetricValue)
                    .where(MetricValue.extraction_id == ex.id)
                    .order_by(col(MetricValue.id))
                )
            )
            if ex
            else []
        )
        checks = (
            list(
                s.exec(
                    select(CheckResult)
                    .where(CheckResult.extraction_id == ex.id)
                    .order_by(col(CheckResult.id))
                )
            )
            if ex
            else []
        )
        versions = _versions(s, [x.document.url for x in listed], ex, version)
        previous = index.by_id.get(row.previous_report_id or 0)
        prev_ex = _extraction_for(s, previous.sha256, version) if previous else None
        return ReportDetail(
            row,
            d,
            first.site,
            capture,
            payload,
            ex,
            metrics,
            checks,
            listed,
            versions,
            previous,
            _values(s, prev_ex),
        )


def document_for_sha(engine: Engine, sha256: str) -> tuple[Document, Capture] | None:
    """A document with these bytes and the capture that holds them (None if unknown)."""
    with Session(engine) as s:
        for d in s.exec(
            select(Document).where(Document.sha256 == sha256).order_by(col(Document.id))
        ):
            cap = s.get(Capture, d.capture_id)
            if cap is None:
                continue
            holder = crud.resolve_original(session=s, capture=cap)
            if holder.record_type == "response" and holder.sha256 == sha256:
                return d, holder
        return None


def extraction_for_sha(engine: Engine, sha256: str) -> tuple[Extraction | None, list[MetricValue]]:
    with Session(engine) as s:
        ex = _extraction_for(s, sha256, current_extractor_version())
        if ex is None:
            return None, []
        return ex, list(s.exec(select(MetricValue).where(MetricValue.extraction_id == ex.id)))


# ---------------------------------------------------------------------------- sites


@dataclass
class SiteRun:
    run_id: int
    started_at: datetime
    finished_at: datetime | None
    run_status: str
    outcome: str | None
    reason: str | None
    counts: dict[str, Any]
    failing_urls: list[tuple[int, str]]


@dataclass
class SiteSummary:
    site: Site
    reports: int  # distinct documents the site lists
    runs: list[SiteRun]


def _numbers(entry: dict[str, Any]) -> dict[str, Any]:
    """A site entry's non-zero numbers (counters, captures archived, failures), in its order."""
    return {
        k: v
        for k, v in entry.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and v
    }


def site_summaries(engine: Engine, runs_per_site: int = 3) -> list[SiteSummary]:
    """Each site's last runs: outcome and reason from the run report, failing URLs from the
    captures the run archived with an error status."""
    with Session(engine) as s:
        sites = list(s.exec(select(Site).order_by(col(Site.id))))
        # reports this site lists (distinct documents: two columns listing one PDF count once;
        # a report listed by five sites counts on each, as in the coverage table)
        counts = dict(
            s.exec(
                select(Document.site_id, func.count(func.distinct(Document.sha256))).group_by(
                    col(Document.site_id)
                )
            ).all()
        )
        runs = list(s.exec(select(CrawlRun).order_by(col(CrawlRun.id).desc()).limit(200)))
        out = []
        for site in sites:
            mine = []
            for run in runs:
                if site.id not in (run.sites or []):
                    continue
                info = CrawlReport.from_dict(run.report or {}).sites.get(site.id)
                bad = s.exec(
                    select(Capture.status, Capture.url)
                    .where(
                        Capture.run_id == run.id,
                        Capture.site_id == site.id,
                        col(Capture.status) >= 400,
                    )
                    .order_by(col(Capture.id))
                    .limit(20)
                ).all()
                mine.append(
                    SiteRun(
                        run.id or 0,
                        run.started_at,
                        run.finished_at,
                        run.status,
                        info.outcome if info else None,
                        info.reason if info else None,
                        _numbers(info.to_dict()) if info else {},
                        [(int(st), str(u)) for st, u in bad],
                    )
                )
                if len(mine) >= runs_per_site:
                    break
            out.append(SiteSummary(site, counts.get(site.id, 0), mine))
        return out


def site_names(engine: Engine) -> dict[str, Site]:
    with Session(engine) as s:
        return {site.id: site for site in s.exec(select(Site))}
