"""The export's reports for readers that are not file writers (the workbench).

Why here and not in web/: the unit of the dataset is the report (one distinct document,
whoever lists it: storage/export/tables.py), and its agency, region, kind and deadline come
from rules that live in storage/export.  A workbench that counted its own rows counted listings
(579 on the demo) where the export counts reports (573).  So the workbench reads the export's
own `reports` and `coverage` rows from here, and a report's listings by the same identity.

Identity, as the export has it: a report is the set of Document rows with one sha256; its
`report_id` is the smallest of their ids (the listing where it was first found).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage.export.tables import build_tables
from storage.models import Capture, Document, Site


@dataclass(frozen=True)
class Index:
    """The export's `reports` rows (one per report, same columns and values as reports.csv,
    without the text-overlap measure) and its `coverage` rows."""

    reports: list[dict[str, Any]]
    coverage: list[dict[str, Any]]


def read_index(engine: Engine) -> Index:
    """One read of the database through the export's own tables (unfiltered)."""
    tables = build_tables(engine, only=("reports", "coverage"))
    return Index(tables["reports"].rows, tables["coverage"].rows)


@dataclass(frozen=True)
class Listing:
    """One place a report was listed: the Document row, its site, and what the URL served."""

    document: Document
    site: Site | None
    capture: Capture | None


def report_id_of(session: Session, document_id: int) -> int | None:
    """The report a listing (any Document id) belongs to, or None for an unknown id."""
    doc = session.get(Document, document_id)
    if doc is None:
        return None
    return session.exec(
        select(func.min(Document.id)).where(col(Document.sha256) == doc.sha256)
    ).one()


def listings(session: Session, report_id: int) -> list[Listing]:
    """Every listing of the report `report_id`, first found first (empty if it is not a
    report's id, i.e. not the first listing of its bytes)."""
    doc = session.get(Document, report_id)
    if doc is None:
        return []
    docs = list(
        session.exec(
            select(Document).where(col(Document.sha256) == doc.sha256).order_by(col(Document.id))
        )
    )
    if docs[0].id != report_id:
        return []
    return [
        Listing(d, session.get(Site, d.site_id), session.get(Capture, d.capture_id)) for d in docs
    ]
