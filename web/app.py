"""The workbench's routes: Starlette, server-rendered Jinja2 pages, GET and HEAD only.

Endpoints are plain functions: Starlette runs them in its thread pool, so a slow original
(a big PDF drawn for the first time) does not hold up other requests.

Safety, in one place:
- every route is GET/HEAD (anything else is 405) and the database is opened read-only;
- archived bytes are addressed by sha256 looked up in the database, never by a path;
- archived content is served with `Content-Security-Policy: sandbox` (no allow-same-origin,
  no scripts), so it never runs in the workbench's origin; the workbench's own pages allow
  only their own script and styles.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from storage.config import Paths
from storage.warc.payload import UndecodableBody
from web import cells as cells_html
from web import charts, layout, originals, pages, queries, sources
from web.db import readonly_engine

HERE = Path(__file__).parent
PER_PAGE = 50
METHODS = ["GET", "HEAD"]

# The workbench's own pages: its own script and styles only, frames only from itself.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Archived content and the views built from it: an opaque origin, nothing runs, nothing loads.
SANDBOX_CSP = (
    "sandbox; default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'"
)
VIEW_CSP = SANDBOX_CSP + "; frame-ancestors 'self'"
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


@dataclass(eq=False)  # hashed by identity: the page caches are per workbench
class Workbench:
    """What every request needs: the data folder and its read-only database."""

    paths: Paths
    engine: Engine
    index: queries.ReportIndex

    @property
    def cache(self) -> Path:
        return self.paths.data / "cache" / "web"


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["num"] = cells_html.number
    env.filters["dt"] = lambda v: v.strftime("%Y-%m-%d %H:%M:%S") if v else ""
    return env


ENV = _env()


def _render(name: str, request: Request, status: int = 200, **ctx: Any) -> HTMLResponse:
    html = ENV.get_template(name).render(request=request, **ctx)
    return HTMLResponse(
        html, status_code=status, headers={**COMMON_HEADERS, "Content-Security-Policy": PAGE_CSP}
    )


def _wb(request: Request) -> Workbench:
    return request.app.state.workbench


# ---------------------------------------------------------------------------- list


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise HTTPException(400, f"{name} must be a whole number") from exc


def _filters(request: Request) -> queries.ListFilters:
    q = request.query_params

    def text(name: str) -> str | None:
        return (q.get(name) or "").strip()[:100] or None

    return queries.ListFilters(
        q=text("q"),
        region=text("region"),
        year=_int_param(request, "year"),
        agency=text("agency"),
        kind=text("kind"),
        status=text("status"),
        format=text("format"),
        failed=q.get("failed") == "1",
        late=q.get("late") == "1",
        changed=q.get("changed") == "1",
    )


def _listing(request: Request) -> dict[str, Any]:
    rows = _wb(request).index.rows()
    f = _filters(request)
    kept = [r for r in rows if f.keep(r)]
    page = max(1, _int_param(request, "page") or 1)
    pages_n = max(1, math.ceil(len(kept) / PER_PAGE))
    page = min(page, pages_n)
    shown = kept[(page - 1) * PER_PAGE : page * PER_PAGE]
    counts = {
        "total": len(rows),  # reports, as reports.csv counts them
        "listings": sum(r.listings for r in rows),
        "matching": len(kept),
        "failed": sum(1 for r in kept if r.checks_failed),
        "late": sum(1 for r in kept if r.late),
        "withdrawn": sum(1 for r in kept if r.status == "withdrawn"),
        "modified": sum(1 for r in kept if r.modified_after_publication),
    }
    options = {
        "year": sorted({r.year for r in rows if r.year}, reverse=True),
        "format": sorted({r.format for r in rows if r.format}),
        "status": sorted({r.status for r in rows}),
        "kind": ["government", "street_town", "department", "unknown"],
    }
    return {
        "filters": f,
        "rows": shown,
        "page": page,
        "pages": pages_n,
        "counts": counts,
        "options": options,
    }


def _page_link(request: Request, page: int) -> str:
    params = dict(request.query_params)
    params["page"] = str(page)
    return "?" + urlencode(params)


def index(request: Request) -> Response:
    data = _listing(request)
    return _render("index.html", request, page_link=lambda p: _page_link(request, p), **data)


def api_reports(request: Request) -> Response:
    data = _listing(request)
    return JSONResponse(
        {
            "total": data["counts"]["matching"],
            "page": data["page"],
            "pages": data["pages"],
            "counts": data["counts"],
            "reports": [r.to_json() for r in data["rows"]],
        },
        headers=COMMON_HEADERS,
    )


# ---------------------------------------------------------------------------- one report


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    return layout.labels()


class _ElsewhereReport(Exception):
    """The id is a later listing of a report: the report's page lives at its own id."""

    def __init__(self, report_id: int) -> None:
        self.report_id = report_id


def _detail(request: Request) -> queries.ReportDetail:
    wb = _wb(request)
    wanted = request.path_params["report_id"]
    detail = queries.report_detail(wb.engine, wb.index.data(), wanted)
    if detail is None:
        report_id = queries.report_id_of(wb.engine, wanted)
        if report_id is not None and report_id != wanted:
            raise _ElsewhereReport(report_id)
        raise HTTPException(404, "no such report")
    return detail


async def _elsewhere(request: Request, exc: Exception) -> Response:
    """A listing's document id answers with the report it belongs to (a permanent move)."""
    assert isinstance(exc, _ElsewhereReport)
    path = request.url.path.rsplit("/", 1)[0] + f"/{exc.report_id}"
    return RedirectResponse(path, status_code=301, headers=COMMON_HEADERS)


def _permalink(d: queries.ReportDetail) -> dict[str, Any]:
    p = d.payload
    return {
        "document": f"/reports/{d.row.report_id}",
        "original": f"/original/{d.document.sha256}",
        "sha256": d.document.sha256,
        "warc_record_id": p.warc_record_id if p else None,
        "capture_record_id": d.capture.warc_record_id if d.capture else None,
        "warc_file": p.warc_file if p else None,
        "warc_offset": p.warc_offset if p else None,
        "warc_length": p.warc_length if p else None,
    }


def _detail_json(d: queries.ReportDetail) -> dict[str, Any]:
    labels = _labels()
    failed: dict[str, list[str]] = defaultdict(list)
    for check in d.failed_checks:
        for k in check.keys or []:
            failed[k].append(check.rule)
    c = d.capture
    return {
        "report": d.row.to_json(),
        "capture": None
        if c is None
        else {
            "capture_id": c.id,
            "url": c.url,
            "fetched_at": c.fetched_at.isoformat(),
            "http_status": c.status,
            "record_type": c.record_type,
            "warc_record_id": c.warc_record_id,
        },
        "permalink": _permalink(d),
        "extraction": None
        if d.extraction is None
        else {
            "id": d.extraction.id,
            "extractor_version": d.extraction.extractor_version,
            "status": d.extraction.status,
            "format": d.extraction.format,
            "template": d.extraction.template,
            "error": d.extraction.error,
            "warnings": d.extraction.warnings,
        },
        "metrics": [
            {
                "key": m.key,
                "label": labels.get(m.key),
                "value": m.value,
                "raw": m.raw,
                "table": m.table_name,
                "location": m.location,
                "previous_value": d.previous_values.get(m.key),
                "failed_rules": failed.get(m.key, []),
            }
            for m in d.metrics
        ],
        "checks": [
            {
                "rule": c.rule,
                "status": c.status,
                "keys": c.keys,
                "numbers": c.numbers,
                "culprit": c.culprit,
                "message": c.message,
            }
            for c in d.checks
        ],
        "listings": [
            {
                "listing_id": x.document.id,
                "site_id": x.document.site_id,
                "site_name": x.site.name if x.site else None,
                "site_region_code": x.site.region_code if x.site else None,
                "url": x.document.url,
                "found_on": x.document.found_on,
                "list_title": x.document.title,
                "listed_date": x.document.listed_date,
                "capture_time": x.capture.fetched_at.isoformat() if x.capture else None,
                "http_status": x.capture.status if x.capture else None,
                "capture_record_id": x.capture.warc_record_id if x.capture else None,
                "status": x.document.status,
            }
            for x in d.listings
        ],
        "versions": [
            {
                "listing_id": v.document.id,
                "report_id": v.report_id,
                "url": v.document.url,
                "sha256": v.document.sha256,
                "status": v.document.status,
                "first_seen": v.document.first_seen.isoformat(),
                "last_seen": v.document.last_seen.isoformat(),
                "withdrawn_at": v.document.withdrawn_at.isoformat()
                if v.document.withdrawn_at
                else None,
                "withdrawn_reason": v.document.withdrawn_reason,
                "changed": [{"key": k, "before": a, "after": b} for k, a, b in v.changed],
            }
            for v in d.versions
        ],
        "previous": d.previous.to_json() if d.previous else None,
    }


def _viewer_kind(fmt: str | None, media_type: str | None) -> str:
    fmt = (fmt or "").lower()
    if fmt in ("pdf", "html", "docx", "doc", "wps", "text", "markdown"):
        return {"wps": "doc"}.get(fmt, fmt)
    mt = (media_type or "").lower()
    if "pdf" in mt:
        return "pdf"
    if "html" in mt:
        return "html"
    if "wordprocessingml" in mt:
        return "docx"
    if mt.startswith("text/"):
        return "text"
    return "none"


def _source_cells(request: Request, d: queries.ReportDetail) -> dict[str, sources.CellRef]:
    """Every number's location: visible row/column as located in the original (cached per
    sha256); when the original cannot be read, the stored grid coordinates (1-based)."""
    cells = sources.refs(d.metrics)
    for key, (row, col, found) in _visible(_wb(request), d.document.sha256).items():
        if key in cells:
            cells[key].visible_row, cells[key].visible_col, cells[key].found = row, col, found
    return cells


def report(request: Request) -> Response:
    d = _detail(request)
    present = {m.key for m in d.metrics}
    tables = layout.printed_tables(d.extraction.template if d.extraction else None, present)
    in_tables = set().union(*(t.keys for t in tables))
    failed_by_key: dict[str, list[Any]] = defaultdict(list)
    for c in d.failed_checks:
        for k in c.keys or []:
            failed_by_key[k].append(c)
    checks_by_table: dict[str, list[Any]] = defaultdict(list)
    for c in d.failed_checks:
        name = next((t.name for t in tables if set(c.keys or []) & t.keys), "其他")
        checks_by_table[name].append(c)
    cells = _source_cells(request, d)
    values = {m.key: m for m in d.metrics}
    labels = _labels()
    previous_year = d.previous.year if d.previous else None

    def cell(key: str) -> Markup:
        ref = cells.get(key)
        return cells_html.value_cell(
            key,
            values.get(key),
            label=labels.get(key, key),
            where=ref.where if ref else "",
            failed=key in failed_by_key,
            previous_year=previous_year,
            previous=d.previous_values.get(key),
        )

    data = {
        "view": f"/view/{d.document.sha256}",
        "cells": {
            k: {"raw": r.raw, "where": r.where, "found": r.found, "label": _labels().get(k, k)}
            for k, r in cells.items()
        },
    }
    return _render(
        "report.html",
        request,
        d=d,
        tables=tables,
        cell=cell,
        extra=[m for m in d.metrics if m.key not in in_tables],
        labels=labels,
        checks_by_table=checks_by_table,
        viewer=_viewer_kind(d.extraction.format if d.extraction else None, d.document.media_type),
        permalink=_permalink(d),
        data=data,
    )


def api_report(request: Request) -> Response:
    return JSONResponse(_detail_json(_detail(request)), headers=COMMON_HEADERS)


# ---------------------------------------------------------------------------- originals


def _original(request: Request) -> originals.Original:
    wb = _wb(request)
    sha = request.path_params["sha256"]
    found = originals.load(wb.engine, wb.paths, sha) if originals.SHA_RE.fullmatch(sha) else None
    if found is None:
        raise HTTPException(404, "no archived original with this sha256")
    return found


def original(request: Request) -> Response:
    o = _original(request)
    headers = {
        **COMMON_HEADERS,
        "Content-Disposition": f"inline; filename*=UTF-8''{quote(o.filename)}",
        "X-Gongkai-Sha256": o.sha256,
        "X-Gongkai-Warc-Record-Id": o.capture.warc_record_id,
    }
    if o.media_type != "application/pdf":
        headers["Content-Security-Policy"] = SANDBOX_CSP
    encoding = o.header("Content-Encoding")
    if encoding:  # the archived bytes are the encoded ones; the browser undoes it
        headers["Content-Encoding"] = encoding
    return Response(o.payload, media_type=o.content_type, headers=headers)


@lru_cache(maxsize=16)
def _view_for(wb: Workbench, sha256: str) -> sources.SourceView | None:
    o = originals.load(wb.engine, wb.paths, sha256)
    if o is None:
        return None
    ex, metrics = queries.extraction_for_sha(wb.engine, sha256)
    cells = sources.refs(metrics)
    kind = _viewer_kind(ex.format if ex else None, o.media_type)
    data = o.decoded
    if kind == "html":
        return sources.render_html(data, cells)
    if kind == "pdf":
        return sources.render_pdf(data, cells, f"/page/{sha256}/{{page}}.png")
    if kind == "docx":
        return sources.render_docx(data, cells)
    if kind == "doc":
        from extract.readers.office import convert_to_docx, soffice_path

        if soffice_path() is None:
            return sources.SourceView(
                "none", cells=cells, note="DOC/WPS：本机无 LibreOffice，无法显示表格。"
            )
        return sources.render_docx(convert_to_docx(data), cells)
    if kind in ("text", "markdown"):
        return sources.render_text(data, cells)
    return sources.SourceView("none", cells=cells, note="此格式无法在此显示，请下载原件。")


@lru_cache(maxsize=8192)
def _visible(wb: Workbench, sha256: str) -> dict[str, tuple[int | None, int | None, bool]]:
    """key → (visible row, visible column, found) of one original (small; kept long)."""
    try:
        o = originals.load(wb.engine, wb.paths, sha256)
        if o is None:
            return {}
        ex, metrics = queries.extraction_for_sha(wb.engine, sha256)
        kind = _viewer_kind(ex.format if ex else None, o.media_type)
        data = o.decoded
        if kind == "doc":
            from extract.readers.office import convert_to_docx, soffice_path

            if soffice_path() is None:
                return {}
            kind, data = "docx", convert_to_docx(data)
        cells = sources.locate(kind, data, sources.refs(metrics))
    except Exception:
        return {}
    return {k: (r.visible_row, r.visible_col, r.found) for k, r in cells.items()}


def view(request: Request) -> Response:
    sha = request.path_params["sha256"]
    if not originals.SHA_RE.fullmatch(sha):
        raise HTTPException(404, "no archived original with this sha256")
    v = _view_for(_wb(request), sha)
    if v is None:
        raise HTTPException(404, "no archived original with this sha256")
    body = v.body or (
        "<!doctype html><meta charset='utf-8'><p>"
        + (v.note or "无法显示").replace("<", "&lt;")
        + "</p>"
    )
    return HTMLResponse(body, headers={**COMMON_HEADERS, "Content-Security-Policy": VIEW_CSP})


def page_image(request: Request) -> Response:
    wb = _wb(request)
    sha, page = request.path_params["sha256"], request.path_params["page"]
    zoom_raw = request.query_params.get("zoom", str(pages.DEFAULT_ZOOM))
    try:
        zoom = float(zoom_raw)
    except ValueError:
        zoom = -1.0
    if zoom not in pages.ZOOMS:
        raise HTTPException(400, f"zoom must be one of {', '.join(map(str, pages.ZOOMS))}")
    if not originals.SHA_RE.fullmatch(sha) or not 1 <= page <= pages.MAX_PAGES:
        raise HTTPException(404, "no such page")
    cache = wb.cache
    path = pages.cache_file(cache, sha, page, zoom)
    if path.is_file():  # warm: no database, no archive
        png = path.read_bytes()
    else:
        o = originals.load(wb.engine, wb.paths, sha)
        if o is None or o.media_type != "application/pdf" and not o.decoded.startswith(b"%PDF"):
            raise HTTPException(404, "no archived PDF with this sha256")
        try:
            png = pages.cached_png(cache, sha, page, zoom, lambda: o.decoded)
        except pages.PageNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
    return Response(
        png,
        media_type="image/png",
        headers={**COMMON_HEADERS, "Cache-Control": "public, max-age=31536000, immutable"},
    )


# ---------------------------------------------------------------------------- sites, coverage


def sites_page(request: Request) -> Response:
    return _render("sites.html", request, sites=queries.site_summaries(_wb(request).engine))


def _coverage(request: Request) -> dict[str, Any]:
    wb = _wb(request)
    data = wb.index.data()
    rows = [r for r in data.rows if r.status != "superseded"]
    sites = queries.site_names(wb.engine)
    seen = [r.year for r in rows if r.year]
    years = list(range(min(seen), max(seen) + 1)) if seen else []  # gaps are years too
    matrix = data.coverage  # the export's coverage table: a report counts on every listing site
    grid: dict[tuple[str, str | None], dict[int, int]] = defaultdict(dict)
    for m in matrix:
        agency, year, reports = m["agency"], m["year"], m["reports"]
        if isinstance(year, int) and isinstance(reports, int):  # always: coverage counts
            grid[(str(m["site_id"]), agency if isinstance(agency, str) else None)][year] = reports
    per_year = Counter(seen)
    late: dict[int, list[bool]] = defaultdict(list)
    for r in rows:
        if r.year and r.late is not None:  # on time or late: a report with a legal deadline
            late[r.year].append(bool(r.late))
    failed_platform: Counter[str] = Counter()
    for r in rows:
        failed_platform[r.platform or "?"] += r.checks_failed
    svg = [
        charts.bar_chart("每年报告数", [(str(y), per_year[y]) for y in years]),
        charts.bar_chart(
            "逾期发布比例",
            [(str(y), sum(v) / len(v)) for y, v in sorted(late.items())],
            percent=True,
        ),
        charts.bar_chart("各平台未通过的勾稽检查", sorted(failed_platform.items())),
    ]
    return {"years": years, "grid": grid, "sites": sites, "charts": svg}


def coverage_page(request: Request) -> Response:
    return _render("coverage.html", request, **_coverage(request))


# ---------------------------------------------------------------------------- errors, app


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "error")
    headers = dict(getattr(exc, "headers", None) or {})
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"error": detail}, status_code=status, headers={**COMMON_HEADERS, **headers}
        )
    response = _render("error.html", request, status=status, status_code=status, detail=detail)
    response.headers.update(headers)
    return response


async def _archive_error(request: Request, exc: Exception) -> Response:
    """The database points at bytes the archive does not hold (run `gongkai verify`)."""
    return _render(
        "error.html",
        request,
        status=502,
        status_code=502,
        detail=f"archive and database disagree: {exc}",
    )


def create_app(paths: Paths) -> Starlette:
    """The workbench over one data folder (its database opened read-only)."""
    engine = readonly_engine(paths.db_url)
    app = Starlette(
        routes=[
            Route("/", index, methods=METHODS),
            Route("/reports/{report_id:int}", report, methods=METHODS),
            Route("/original/{sha256}", original, methods=METHODS),
            Route("/view/{sha256}", view, methods=METHODS),
            Route("/page/{sha256}/{page:int}.png", page_image, methods=METHODS),
            Route("/sites", sites_page, methods=METHODS),
            Route("/coverage", coverage_page, methods=METHODS),
            Route("/api/reports", api_reports, methods=METHODS),
            Route("/api/reports/{report_id:int}", api_report, methods=METHODS),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        exception_handlers={
            HTTPException: _http_error,
            _ElsewhereReport: _elsewhere,
            originals.ArchiveMismatch: _archive_error,
            UndecodableBody: _archive_error,
        },
    )
    app.state.workbench = Workbench(paths, engine, queries.ReportIndex(engine))
    return app
