"""What the workbench's pages show, read from the database through storage's models.

Why its own queries and not storage.export.tables.build_tables: the export reads the whole database
(every metric of every report) to write files; a page must answer in milliseconds, so the
report page reads one document's rows and the list page reads one row per document.  The
rules are storage's: the same extraction is chosen (the current extractor version, else the
newest), timeliness comes from storage.export.measures, revisits resolve with storage.crud.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage import crud
from storage.export import measures
from storage.models import Capture, CheckResult, CrawlRun, Document, Extraction, MetricValue, Site
from storage.runreport import CrawlReport


def current_extractor_version() -> str | None:
    try:
        from extract.contract import EXTRACTOR_VERSION
    except ImportError:
        return None
    return str(EXTRACTOR_VERSION)


def choose_extraction(rows: list[Extraction], version: str | None) -> Extraction | None:
    """The extraction a page shows for one sha256: the current version, else the newest."""
    chosen: Extraction | None = None
    for ex in sorted(rows, key=lambda e: e.id or 0):
        if chosen is None or chosen.extractor_version != version:
            chosen = ex
    return chosen


def published_date(doc: Document, ex: Extraction | None) -> date | None:
    """The list page's date, else the date the extractor read (the export's rule)."""
    return measures.parse_date(doc.listed_date) or measures.parse_date(ex.published if ex else None)


# ---------------------------------------------------------------------------- list


@dataclass
class ReportRow:
    """One report version as the list page and /api/reports show it."""

    document_id: int
    site_id: str
    site_name: str | None
    region_code: str | None
    platform: str | None
    agency: str | None
    agency_kind: str
    year: int | None
    title: str
    url: str
    sha256: str
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
    days_late: int | None
    timeliness: str
    first_seen: datetime
    last_seen: datetime

    @property
    def late(self) -> bool:
        return self.timeliness == "late"

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
    region: str | None = None  # region code prefix
    year: int | None = None
    agency: str | None = None  # substring of the agency (or site name)
    kind: str | None = None  # government | department | unknown
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


class ReportIndex:
    """Every report's list row, rebuilt when the database changes (a cheap fingerprint).

    Why a cache: the list page filters and counts over all reports; reading them per request
    costs a full scan, while the fingerprint is a handful of MAX/COUNT over indexed columns.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._rows: list[ReportRow] = []

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
        ex = s.exec(select(func.count(col(Extraction.id)), func.max(col(Extraction.id)))).one()
        return (*doc, *ex)

    def rows(self) -> list[ReportRow]:
        with Session(self.engine) as s:
            key = self._fingerprint(s)
            with self._lock:
                if key != self._key:
                    self._rows, self._key = load_report_rows(s), key
                return self._rows


def load_report_rows(s: Session) -> list[ReportRow]:
    """One ReportRow per Document, newest first."""
    version = current_extractor_version()
    sites = {site.id: site for site in s.exec(select(Site))}
    by_sha: dict[str, list[Extraction]] = defaultdict(list)
    for ex in s.exec(select(Extraction)):
        by_sha[ex.sha256].append(ex)
    chosen = {sha: choose_extraction(rows, version) for sha, rows in by_sha.items()}
    failed = dict(
        s.exec(
            select(CheckResult.extraction_id, func.count(col(CheckResult.id)))
            .where(CheckResult.status == "fail")
            .group_by(col(CheckResult.extraction_id))
        ).all()
    )
    out = []
    for d in s.exec(select(Document).order_by(col(Document.id).desc())):
        out.append(report_row(d, sites.get(d.site_id), chosen.get(d.sha256), failed))
    return out


def report_row(
    d: Document, site: Site | None, ex: Extraction | None, failed: dict[int, int]
) -> ReportRow:
    agency = ex.agency if ex and ex.agency else None
    year = ex.year if ex and ex.year else d.year
    pub = published_date(d, ex)
    t = measures.timeliness(year=year, agency=agency, published=pub)
    return ReportRow(
        document_id=d.id or 0,
        site_id=d.site_id,
        site_name=site.name if site else None,
        region_code=site.region_code if site else None,
        platform=site.platform if site else None,
        agency=agency,
        agency_kind=t.kind,
        year=year,
        title=(ex.title if ex and ex.title else None) or d.title,
        url=d.url,
        sha256=d.sha256,
        media_type=d.media_type,
        format=ex.format if ex else None,
        template=ex.template if ex else None,
        extraction_status=ex.status if ex else "not_extracted",
        checks_failed=failed.get(ex.id or 0, 0) if ex else 0,
        status=d.status,
        modified_after_publication=bool(d.modified_after_publication),
        withdrawn_at=d.withdrawn_at,
        withdrawn_reason=d.withdrawn_reason,
        publication_date=pub,
        deadline=t.deadline,
        days_late=t.days_late,
        timeliness=t.status,
        first_seen=d.first_seen,
        last_seen=d.last_seen,
    )


# ---------------------------------------------------------------------------- one report


@dataclass
class Version:
    """One version of the report's URL and what changed from the version before it."""

    document: Document
    capture: Capture | None
    extraction: Extraction | None
    values: dict[str, float | None]
    changed: list[tuple[str, float | None, float | None]] = field(default_factory=list)


@dataclass
class ReportDetail:
    """Everything the report page shows about one document."""

    row: ReportRow
    document: Document
    site: Site | None
    capture: Capture | None  # what the URL served when this version was first seen
    payload: Capture | None  # the capture whose WARC record holds the bytes
    extraction: Extraction | None
    metrics: list[MetricValue]
    checks: list[CheckResult]
    versions: list[Version]
    previous: ReportRow | None  # the same agency's report of the nearest earlier year
    previous_values: dict[str, float | None]

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status == "fail"]


def _extraction_for(s: Session, sha256: str, version: str | None) -> Extraction | None:
    return choose_extraction(
        list(s.exec(select(Extraction).where(Extraction.sha256 == sha256))), version
    )


def _values(s: Session, ex: Extraction | None) -> dict[str, float | None]:
    if ex is None:
        return {}
    return dict(
        s.exec(
            select(MetricValue.key, MetricValue.value).where(MetricValue.extraction_id == ex.id)
        ).all()
    )


def _agency_key(agency: str | None) -> str | None:
    return "".join(unicodedata.normalize("NFKC", agency).split()) if agency else None


def _previous(
    s: Session,
    row: ReportRow,
    version: str | None,
) -> tuple[ReportRow | None, Extraction | None]:
    """The same agency's report (same region) of the nearest earlier year, current first."""
    if not row.agency or row.year is None:
        return None, None
    key = _agency_key(row.agency)
    candidates = s.exec(
        select(Extraction).where(Extraction.agency == row.agency, col(Extraction.year) < row.year)
    ).all()
    best: tuple[Any, ...] | None = None
    found: tuple[ReportRow, Extraction] | None = None
    rank = {"current": 0, "withdrawn": 1, "superseded": 2}
    for ex in candidates:
        if _agency_key(ex.agency) != key:
            continue
        chosen = _extraction_for(s, ex.sha256, version)
        if chosen is None or chosen.id != ex.id:
            continue
        for d in s.exec(select(Document).where(Document.sha256 == ex.sha256)):
            site = s.get(Site, d.site_id)
            if (site.region_code if site else None) != row.region_code:
                continue
            score = (-(ex.year or 0), rank.get(d.status, 3), d.first_seen, d.id or 0)
            if best is None or score < best:
                best, found = score, (report_row(d, site, ex, {}), ex)
    return found if found else (None, None)


def report_detail(engine: Engine, document_id: int) -> ReportDetail | None:
    """The report page's data, or None for an unknown document id."""
    version = current_extractor_version()
    with Session(engine) as s:
        d = s.get(Document, document_id)
        if d is None:
            return None
        site = s.get(Site, d.site_id)
        ex = _extraction_for(s, d.sha256, version)
        capture = s.get(Capture, d.capture_id)
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
        failed = {ex.id or 0: sum(c.status == "fail" for c in checks)} if ex else {}
        row = report_row(d, site, ex, failed)
        versions = []
        for v in s.exec(
            select(Document)
            .where(Document.url == d.url)
            .order_by(col(Document.first_seen), col(Document.id))
        ):
            vex = ex if v.sha256 == d.sha256 else _extraction_for(s, v.sha256, version)
            versions.append(Version(v, s.get(Capture, v.capture_id), vex, _values(s, vex)))
        for before, after in zip(versions, versions[1:], strict=False):
            keys = sorted(set(before.values) | set(after.values))
            after.changed = [
                (k, before.values.get(k), after.values.get(k))
                for k in keys
                if before.values.get(k) != after.values.get(k)
            ]
        previous, prev_ex = _previous(s, row, version)
        return ReportDetail(
            row,
            d,
            site,
            capture,
            payload,
            ex,
            metrics,
            checks,
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
    reports: int
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
        counts = dict(
            s.exec(
                select(Document.site_id, func.count(col(Document.id))).group_by(
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
