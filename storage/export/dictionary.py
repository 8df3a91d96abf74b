"""What every exported column means: the data dictionary's column rows and the package schema.

Why one table of descriptions: `data_dictionary` (a file the analyst opens) and
`datapackage.json` (what tools validate) must say the same thing; tests require every
exported column to be described here, so a new column cannot ship undocumented.
"""

from __future__ import annotations

_AGENCY_KEY = (
    "The agency's identity across years and spellings: `<region_code>:<body>`, where "
    "body is the name without its places, normalised (区/县/市 prefix dropped, "
    "人民政府办公室/政府办公室/政府 → 人民政府, a bare place → 人民政府, "
    "街道办事处 → 街道, 镇人民政府 → 镇, 管委会 → 管理委员会). Examples: 拱墅区 and "
    "杭州市拱墅区人民政府 → 330105:人民政府; 杭州市拱墅区统计局 → 330105:统计局; "
    "城口县 → 500229:人民政府. Null when the region is unknown (区统计局 names no "
    "district) or the agency is null."
)
_AGENCY = (
    "Publishing agency as the document names it (extraction), cleaned; null when the "
    "document names none or only a sentence fragment (本报告依据《中华人民共和国 → null)."
)
_REGION = (
    "6-digit 行政区划代码 of the agency: the places its name starts with, matched against "
    "the site registry's names (拱墅区 → 330105, its parent 杭州市 → 330100) and the fixed "
    "province table; null when nothing matches or two regions share the name (鼓楼区). "
    "Never the listing site's region."
)
_KIND = (
    "government (a county-level or higher 人民政府, its 政府办公室 publishing for it, a "
    "development zone's 管委会, or a name that is only a place such as 城口县), "
    "street_town (街道/镇/乡), department (any other named body), unknown (no agency)."
)
# What the regulations say about when the report is due, quoted (条例 2019 第四十九条), and
# which kinds the project maps to which date: storage/export/agency.py deadline_rule.
_DEADLINE = (
    "The last lawful publication day, only where a regulation sets one. 《政府信息公开条例》"
    "(2019) 第四十九条: 「县级以上人民政府部门应当在每年1月31日前向本级政府信息公开工作主管部门"
    "提交本行政机关上一年度政府信息公开工作年度报告并向社会公布。县级以上地方人民政府的政府信息"
    "公开工作主管部门应当在每年3月31日前向社会公布本级政府上一年度政府信息公开工作年度报告。」 "
    "So, for reports on 2019 onwards: department → 31 January of Y+1; government → 31 March "
    "of Y+1; street_town (乡镇人民政府, 街道办事处), a development zone's 管委会, and unknown → "
    "null, because the article names no date for them (the project assumes none). For reports "
    "on years before 2019 (the 2008 条例, under which every 行政机关 published by 31 March): "
    "31 March of Y+1 for every kind."
)
_DEADLINE_BASIS = (
    "Why the deadline is what it is: 2019_art49_department (县级以上人民政府部门, 1月31日前), "
    "2019_art49_government (本级政府's report, 3月31日前), 2008_all_agencies (reports on "
    "years before 2019: 31 March for every 行政机关), none_street_town (乡镇/街道: no date in "
    "the 2019 条例), none_zone_committee (a development zone's 管委会: not named by 第四十九条), "
    "none_unknown_kind (no agency identified); null when the year is unknown."
)
_YEAR = "Report year (the year the data covers), from the document, else from the list title."
_SHA = "sha256 of the report's bytes as served: the report's identity."

COMMON = {
    "report_id": "The report: one per distinct document (sha256); the id of its first listing.",
    "sha256": _SHA,
    "agency": _AGENCY,
    "agency_key": _AGENCY_KEY,
    "region_code": _REGION,
    "year": _YEAR,
    "agency_kind": _KIND,
}

COLUMNS: dict[str, dict[str, str]] = {
    "reports": {
        **COMMON,
        "agency_as_extracted": "The agency exactly as the extractor read it (may be a fragment).",
        "agency_name": "Canonical readable name for agency_key: the places named plus the "
        "normalised body (杭州市拱墅区人民政府).",
        "listed_year": "Year in the (first) list title that linked the report.",
        "year_disagrees": "True when the document's own year and the list title's year differ.",
        "title": "The document's own title (extraction), else the list title.",
        "listings": "How many (site, URL) listings serve these bytes (see the listings table).",
        "listing_sites": "How many distinct registered sites list it.",
        "site_id": "The site of the first listing (where the report was first found).",
        "site_name": "Name of that site.",
        "listed_outside_region": "True when some site listing it lies outside the agency's "
        "region (another district lists it); null if unknown.",
        "context_agency_disagrees": "True when a listing's list title or page ContentSource "
        "names another agency than the document; null if no "
        "reading to compare.",
        "url": "URL of the first listing.",
        "found_on": "The list or article page that linked the first listing.",
        "listed_date": "Earliest date a list page printed for it (text as printed).",
        "publication_date": "Publication date used for timeliness: earliest listed date, else "
        "the date the extractor read.",
        "publication_date_source": "listed_date or extraction.",
        "first_seen": "First time any listing was fetched (ISO 8601, UTC, +00:00).",
        "last_seen": "Last time any listing served these bytes (ISO 8601, UTC).",
        "media_type": "Media type the first listing was served with.",
        "format": "Format the extractor detected (pdf, html, docx, …).",
        "template": "Template version of the tables: 2021 (current) or 2019.",
        "extractor_version": "Version of the extractor that produced the values.",
        "extraction_status": "ok, partial, narrative_only, error, needs_converter, "
        "not_extracted, …",
        "extraction_error": "The extractor's error message, when it failed.",
        "metrics": "Number of template values extracted (rows in metrics).",
        "values": "Of those, values that are not null.",
        "checks": "Number of checks run (rows in checks).",
        "checks_failed": "Checks with status fail.",
        "checks_not_assessable": "Checks with status not_assessable.",
        "warnings": "Number of extractor warnings.",
        "status": "current (some site serves these bytes), withdrawn (withdrawn and served "
        "nowhere), superseded (every URL now serves other bytes).",
        "versions_at_url": "Most versions (distinct bytes) seen at any of its URLs.",
        "modified_after_publication": "True when bytes at one of its URLs changed after first "
        "publication.",
        "withdrawn": "status == withdrawn.",
        "withdrawn_at": "When the run that noticed the withdrawal ran (ISO 8601, UTC).",
        "withdrawn_reason": "http 404, http 410 or delisted.",
        "deadline": _DEADLINE,
        "deadline_basis": _DEADLINE_BASIS,
        "days_late": "publication_date − deadline in days (> 0 late); null without a deadline.",
        "timeliness": "on_time or late against the deadline; no_legal_deadline when the "
        "regulations set no date for this kind of body (see deadline_basis); unknown when the "
        "year, the publication date or (from 2019) the agency is unknown.",
        "late": "True when late, false when on time; null otherwise (no deadline, or unknown).",
        "previous_report_id": "The same agency's report of the nearest earlier year.",
        "previous_year": "Its year.",
        "text_overlap_previous": "Share (0..1) of this report's 8-character shingles already in "
        "the previous report's prose.",
        "overlap_over_50": "text_overlap_previous > 0.5.",
    },
    "listings": {
        "listing_id": "One (site, URL, bytes) listing: the Document row id.",
        "report_id": "The report these bytes are (reports.report_id).",
        "sha256": _SHA,
        "site_id": "The registered site that listed it.",
        "site_name": "Name of that site (crawl context).",
        "site_region_code": "Region code of that site (crawl context, not the report's region).",
        "url": "URL the bytes were served at.",
        "found_on": "The list or article page that linked it.",
        "list_title": "Title the list or article page gave the link (crawl context).",
        "list_title_agency": "Agency named in list_title before the year, cleaned; null if none.",
        "content_source": '<meta name="ContentSource"> of the archived HTML page carrying the '
        "listing (the document itself, or the article page linking it).",
        "page_url": "URL of that page.",
        "agency": _AGENCY,
        "context_agency_disagrees": "True when list_title_agency or content_source names another "
        "agency than the document (compared by agency key, else by "
        "normalised body and region); null if nothing to compare.",
        "listed_outside_region": "True when this site's region neither contains nor lies in the "
        "agency's region; null if either is unknown.",
        "listed_year": "Year in list_title.",
        "year": _YEAR,
        "year_disagrees": "True when listed_year and the document's own year differ.",
        "listed_date": "Date printed next to the link (text as printed).",
        "capture_id": "The capture (HTTP exchange) that first archived these bytes at this URL.",
        "capture_time": "When it was fetched (ISO 8601, UTC).",
        "http_status": "HTTP status of that capture.",
        "capture_record_id": "WARC-Record-ID of that capture (a revisit record when the bytes "
        "were already archived).",
        "first_seen": "First fetch of these bytes at this URL (ISO 8601, UTC).",
        "last_seen": "Last fetch that served them (ISO 8601, UTC).",
        "status": "current, superseded or withdrawn at this URL.",
        "modified_after_publication": "True when this URL served other bytes too.",
        "withdrawn_at": "When the withdrawal was noticed (ISO 8601, UTC).",
        "withdrawn_reason": "http 404, http 410 or delisted.",
    },
    "metrics": {
        **COMMON,
        "metric_id": "The value's id.",
        "extraction_id": "The extraction that produced it.",
        "key": "Canonical template key (see the data_dictionary rows of metrics_wide).",
        "value": "The number (null = printed empty, '/', '—').",
        "raw": "The cell text as printed.",
        "table": "Template table: 表二, 表三 or 表四.",
        "page": "Page number (PDF), when known.",
        "table_no": "Index of the table in the document.",
        "row": "Row index in that table.",
        "col": "Column index in that table.",
        "line": "Line number (text formats).",
        "location": "The full location as JSON (page, table, row, col, bbox, …).",
        "source_url": "URL of the report's first listing.",
        "capture_id": "Capture of the first listing.",
        "capture_time": "When it was fetched (ISO 8601, UTC).",
        "http_status": "HTTP status of that capture.",
        "warc_file": "WARC file under DATA/archive/warc holding the bytes.",
        "warc_offset": "Offset of the response record in that file.",
        "warc_length": "Length of the record (one gzip member).",
        "warc_record_id": "WARC-Record-ID of the record holding the bytes.",
        "capture_record_id": "WARC-Record-ID of the first listing's capture (may be a revisit).",
        "check_failed": "True when a failing check involves this key.",
        "failed_rules": "Comma-separated rules of those failing checks.",
    },
    "metrics_wide": {
        **COMMON,
        "agency_name": "Canonical readable name for agency_key.",
        "status": "Report status (see reports.status).",
        "site_id": "The site of the first listing.",
        "site_name": "Name of that site.",
        "listings": "How many listings serve these bytes.",
        "template": "Template version: 2021 or 2019.",
        "extraction_status": "The extraction's status.",
        "url": "URL of the first listing.",
    },
    "checks": {
        **COMMON,
        "check_id": "The check's id.",
        "extraction_id": "The extraction checked.",
        "rule": "The identity or text-vs-table rule.",
        "status": "pass, fail or not_assessable.",
        "keys": "Keys the rule involves (JSON array).",
        "numbers": "The numbers compared (JSON object).",
        "culprit": "source (the report itself is inconsistent), extraction, or unknown.",
        "message": "What failed, in words.",
    },
    "coverage": {
        "site_id": "A registered site.",
        "site_name": "Its name.",
        "region_code": "The site's region code (coverage is per site).",
        "level": "site (one row per site and year) or agency (per site, agency and year).",
        "agency": "Agency (agency rows): registered for the site or found listed there.",
        "year": "Report year.",
        "found": "True when at least one listing was found.",
        "reports": "Listings found (superseded versions not counted).",
    },
    "data_dictionary": {
        "resource": "The table the row describes (reports, listings, metrics, metrics_wide, "
        "checks, coverage, data_dictionary).",
        "field": "The column; for a template value, its key (a column of metrics_wide and a "
        "value of metrics.key).",
        "type": "Frictionless type: string, integer, number, boolean, date, datetime, object, "
        "array.",
        "description": "What the column means.",
        "key": "Template key (template values only).",
        "label": "Row and column label as printed in the template (Chinese).",
        "table": "Template table: 表二, 表三 or 表四.",
        "row_label": "Row label as printed.",
        "column_label": "Column label as printed.",
        "unit": "Unit (件, 万元, …).",
        "meaning": "Meaning in words.",
        "templates": "Template versions that have the key (2019, 2021).",
    },
}


def describe(table: str, column: str) -> str:
    """The description of an exported column; a missing one is a bug, raised loudly."""
    try:
        return COLUMNS[table][column]
    except KeyError:
        raise KeyError(
            f"column {table}.{column} has no description in storage/export/dictionary.py"
        ) from None
