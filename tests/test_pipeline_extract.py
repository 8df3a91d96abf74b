"""Which archived documents `gongkai extract --pending` takes up."""

from __future__ import annotations

from crawler.cli.context import App
from crawler.jobs.extract_pending import pending_documents
from extract import EXTRACTOR_VERSION
from storage.db import session_scope
from storage.models import Capture, Document, Extraction


def _archive_one(app: App, n: int) -> str:
    sha = f"{n:064x}"
    with session_scope(app.open().engine) as s:
        cap = Capture(
            url=f"http://x.test/{n}",
            status=200,
            sha256=sha,
            size=1,
            warc_file="f.warc.gz",
            warc_offset=0,
            warc_length=1,
            warc_record_id="r",
        )
        s.add(cap)
        s.flush()
        s.add(Document(site_id="s", url=cap.url, title="t", sha256=sha, capture_id=cap.id or 0))
    return sha


def test_missing_outdated_and_machine_dependent_outcomes_are_pending(tmp_path) -> None:
    app = App.from_option(str(tmp_path))
    fresh, done, old, no_converter = (_archive_one(app, n) for n in range(4))
    with session_scope(app.open().engine) as s:
        s.add(Extraction(sha256=done, extractor_version=EXTRACTOR_VERSION, status="ok"))
        s.add(Extraction(sha256=old, extractor_version="0.0.1", status="ok"))
        s.add(
            Extraction(
                sha256=no_converter, extractor_version=EXTRACTOR_VERSION, status="needs_converter"
            )
        )
    pending = {sha for sha, _capture in pending_documents(app.open())}
    assert pending == {fresh, old, no_converter}
    assert {sha for sha, _c in pending_documents(app.open(), redo_all=True)} == {
        fresh,
        done,
        old,
        no_converter,
    }


def test_an_unreadable_original_costs_only_its_document(tmp_path) -> None:
    from sqlmodel import select

    from crawler.jobs.extract_pending import extract_pending

    app = App.from_option(str(tmp_path))
    missing = _archive_one(app, 7)  # its WARC file does not exist
    counts = extract_pending(app.open(), timeout=30)
    assert counts == {"error": 1}
    with session_scope(app.open().engine) as s:
        ex = s.exec(select(Extraction).where(Extraction.sha256 == missing)).one()
    assert ex.status == "error" and "unreadable" in (ex.error or "")
    assert ex.extractor_version == EXTRACTOR_VERSION
