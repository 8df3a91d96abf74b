"""`datapackage.json`: the export describes itself (Frictionless Data Package, standards v1).

Why: a folder of CSV files says nothing about what a column means, which rows belong
together, or which database and archive they came from.  The package names every file with
its format, sha256, size and row count, gives each table its schema (types and descriptions
from storage/export/dictionary.py, primary and foreign keys), and records its source: the database
(URL without credentials, schema revision) and the archive's manifest chain head, so that a
result can be traced back to sealed WARC files.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine, make_url
from sqlmodel import col, select

from storage.db import session_scope
from storage.export import dictionary
from storage.export.tables import Table, field_type
from storage.models import Manifest

PROFILE = "tabular-data-package"
PRIMARY_KEYS = {
    "reports": ["report_id"],
    "listings": ["listing_id"],
    "metrics": ["metric_id"],
    "metrics_wide": ["report_id"],
    "checks": ["check_id"],
    "data_dictionary": ["resource", "field"],
}
# (table, column) → the reports column it references
FOREIGN_KEYS = {
    "listings": "report_id",
    "metrics": "report_id",
    "checks": "report_id",
    "metrics_wide": "report_id",
}
_MEDIA = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "jsonl": "application/x-ndjson",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def source(engine: Engine) -> dict[str, Any]:
    """Where the export came from: database and the archive manifest chain's head."""
    from storage.db import _revision

    url = make_url(str(engine.url))
    with engine.connect() as conn:
        revision = _revision(conn)
    with session_scope(engine) as s:
        head = s.exec(select(Manifest).order_by(col(Manifest.sequence).desc())).first()
        manifest = (
            None
            if head is None
            else {
                "sequence": head.sequence,
                "file": head.file_name,
                "sha256": head.sha256,
                "created_at": head.created_at.replace(tzinfo=UTC).isoformat(),
            }
        )
    return {
        "database": {
            "url": url.render_as_string(hide_password=True),
            "backend": url.get_backend_name(),
            "schema_revision": revision,
        },
        "archive_manifest_head": manifest,
    }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def schema(table: Table, present: set[str], suffix: str, keys: dict[str, str]) -> dict[str, Any]:
    """The table schema: fields with types and descriptions, keys between the tables.

    `keys`: template key → meaning, for metrics_wide's value columns.
    """
    fields = []
    for name, kind in table.columns:
        ftype = field_type(table.name, name, kind)
        if table.name == "metrics_wide" and name not in dictionary.COLUMNS["metrics_wide"]:
            desc = keys.get(name) or "a template value (see data_dictionary)"
        else:
            desc = dictionary.describe(table.name, name)
        fields.append({"name": name, "type": ftype, "description": desc})
    out: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if table.name in PRIMARY_KEYS:
        out["primaryKey"] = PRIMARY_KEYS[table.name]
    column = FOREIGN_KEYS.get(table.name)
    if column and "reports" in present:
        out["foreignKeys"] = [
            {
                "fields": [column],
                "reference": {"resource": "reports" + suffix, "fields": ["report_id"]},
            }
        ]
    return out


def describe(
    tables: dict[str, Table],
    out: Path,
    formats: list[str],
    origin: dict[str, Any],
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The package descriptor for the files `write_tables` wrote into `out`.

    Resource names are the table names for the first format and `<table>-<format>` for the
    others (one package, every format; foreign keys stay within a format).
    """
    keys = (
        {
            r["field"]: r["description"] or ""
            for r in tables["data_dictionary"].rows
            if r["key"] is not None
        }
        if "data_dictionary" in tables
        else {}
    )
    resources = []
    present = set(tables)
    for n, fmt in enumerate(formats):
        suffix = "" if n == 0 else f"-{fmt}"
        for name, table in tables.items():
            path = out / ("gongkai.xlsx" if fmt == "xlsx" else f"{name}.{fmt}")
            res: dict[str, Any] = {
                "name": name + suffix,
                "path": path.name,
                "profile": "tabular-data-resource",
                "format": fmt,
                "mediatype": _MEDIA[fmt],
                "hash": f"sha256:{_sha256(path)}",
                "rows": len(table.rows),
                "schema": schema(table, present, suffix, keys),
                "description": _DESCRIPTIONS.get(name, ""),
            }
            if fmt != "parquet":  # frictionless reads parquet through pyarrow: no byte count
                res["bytes"] = path.stat().st_size
            if fmt == "csv":
                res["encoding"] = "utf-8-sig"
            if fmt == "xlsx":
                res["dialect"] = {"excel": {"sheet": name[:31]}}
            resources.append(res)
    return {
        "profile": PROFILE,
        "name": "gongkai-export",
        "title": "政府信息公开工作年度报告 — gongkai export",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "description": "Government information-disclosure annual reports: one row per report "
        "(distinct document), its listings, template values with provenance, "
        "checks, coverage, and a data dictionary of every column.",
        "sources": [{"title": "gongkai database and WARC archive", **origin}],
        "gongkai": {**origin, "options": options or {}},
        "resources": resources,
    }


_DESCRIPTIONS = {
    "reports": "One row per report (distinct document bytes), however many sites list it.",
    "listings": "One row per site/URL that served a report, with the crawl's context.",
    "metrics": "One row per template value of a report, with its provenance.",
    "metrics_wide": "One row per extracted report, one column per template key.",
    "checks": "One row per identity or text-vs-table check of a report.",
    "data_dictionary": "Every column of every table, and every template key with its labels.",
    "coverage": "Per registered site (and agency) and year: was a report listed there?",
}


def write(
    tables: dict[str, Table],
    out: Path,
    formats: list[str],
    origin: dict[str, Any],
    options: dict[str, Any] | None = None,
) -> Path:
    """Write `datapackage.json` next to the exported files."""
    path = out / "datapackage.json"
    descriptor = describe(tables, out, formats, origin, options)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
