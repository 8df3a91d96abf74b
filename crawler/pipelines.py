"""Item pipelines: each small class does one job."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem

from crawler.items import ReportDocument
from crawler.storage_access import crawl_engine
from storage import crud
from storage.db import session_scope
from storage.models import Capture

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.engine import Engine


class ReportDocumentPipeline:
    """Link each found report to its archived capture as a Document version."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: list[int] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReportDocumentPipeline:
        return cls(crawl_engine(crawler.settings))

    def process_item(self, item: ReportDocument) -> ReportDocument:
        if not isinstance(item, ReportDocument):
            return item
        if item.capture_id is None:
            raise DropItem(f"report {item.url} has no archived capture")
        with session_scope(self.engine) as session:
            capture = session.get(Capture, item.capture_id)
            if capture is None:
                raise DropItem(f"capture {item.capture_id} of {item.url} is missing")
            # A revisit stays the document's capture: its URL and time are what this site
            # served; readers follow it to the record holding the bytes (storage.warc.payload).
            doc = crud.record_document(
                session=session,
                site_id=item.site_id,
                url=item.url,
                title=item.title,
                year=item.year,
                capture=capture,
                found_on=item.found_on,
                listed_date=item.listed_date,
                seen_at=datetime.now(UTC).replace(tzinfo=None),
            )
            self.seen.append(doc.id or 0)
        return item
