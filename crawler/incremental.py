"""Incremental crawling: revalidate known documents instead of downloading them again.

For every article/file URL with an archived 200, the request carries If-None-Match /
If-Modified-Since from that capture and `meta["gongkai_revalidates"]` = the capture holding the
bytes.  A 304 is archived first (the archiving middleware writes a server-not-modified revisit),
then this middleware replaces it with the archived original as a 200 flagged
`meta["gongkai_not_modified"]`, so parsing goes on without the bytes crossing the wire.
List pages (roles list/home/nav/proxy) are always re-read: they are where changes show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.defer import maybe_deferred_to_future
from sqlmodel import col, select
from twisted.internet.threads import deferToThread

from crawler.storage_access import crawl_engine, crawl_paths
from storage.db import session_scope
from storage.models import Capture
from storage.warc.writer import read_record

if TYPE_CHECKING:
    from pathlib import Path

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from sqlalchemy.engine import Engine

ALWAYS_FETCH = {"list", "home", "nav", "proxy"}
VALIDATORS = (b"If-None-Match", b"If-Modified-Since")


@dataclass(frozen=True)
class Known:
    """What the archive holds for a URL: the capture with the bytes and its validators."""

    capture_id: int
    etag: str | None
    last_modified: str | None
    headers: list[list[str]]
    warc_file: str
    warc_offset: int
    warc_length: int


def known_documents(engine: Engine, site_ids: list[str]) -> dict[str, Known]:
    """URL → latest archived 200 of these sites (a revisit points at the capture with bytes)."""
    out: dict[str, Known] = {}
    with session_scope(engine) as session:
        rows = session.exec(
            select(Capture)
            .where(
                col(Capture.site_id).in_(site_ids),
                Capture.status == 200,
            )
            .order_by(col(Capture.id))
        )
        captures = list(rows)
        by_id = {c.id: c for c in captures}
        # a revisit may point at bytes first archived for another site (the same PDF is often
        # republished on the district and the department sites)
        elsewhere = sorted(
            {
                c.revisit_of
                for c in captures
                if c.record_type == "revisit" and c.revisit_of and c.revisit_of not in by_id
            }
        )
        for i in range(0, len(elsewhere), 1000):
            by_id.update(
                (c.id, c)
                for c in session.exec(
                    select(Capture).where(col(Capture.id).in_(elsewhere[i : i + 1000]))
                )
            )
        for cap in captures:
            body = by_id.get(cap.revisit_of) if cap.record_type == "revisit" else cap
            if body is None or body.record_type != "response":
                continue
            heads = {k.lower(): v for k, v in cap.headers}
            out[cap.url] = Known(
                body.id or 0,
                heads.get("etag"),
                heads.get("last-modified"),
                body.headers,
                body.warc_file,
                body.warc_offset,
                body.warc_length,
            )
    return out


class IncrementalMiddleware:
    """Conditional requests from the last capture; 304 → the archived original as a 200."""

    def __init__(self, engine: Engine, warc_dir: Path, enabled: bool = True) -> None:
        self.engine = engine
        self.warc_dir = warc_dir
        self.enabled = enabled
        self.known: dict[str, Known] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        paths = crawl_paths(crawler.settings)
        engine = crawl_engine(crawler.settings)
        mw = cls(engine, paths.warc_dir, crawler.settings.getbool("GONGKAI_INCREMENTAL", True))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider: Any) -> None:
        if self.enabled:  # one query per crawl, not one per request
            self.known = known_documents(self.engine, list(getattr(spider, "sites", {})))

    def process_request(self, request: Request) -> None:
        request.meta.pop("gongkai_revalidates", None)  # never inherit it across a redirect
        for name in VALIDATORS:
            request.headers.pop(name, None)
        if request.meta.get("gongkai_role") in ALWAYS_FETCH or request.method != "GET":
            return
        known = self.known.get(request.url)
        if known is None:
            return
        request.meta["gongkai_known_url"] = True
        if not (known.etag or known.last_modified):
            return
        if known.etag:
            request.headers[b"If-None-Match"] = known.etag
        if known.last_modified:
            request.headers[b"If-Modified-Since"] = known.last_modified
        request.meta["gongkai_revalidates"] = known.capture_id

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 304 or "gongkai_revalidates" not in request.meta:
            return response
        known = self.known[request.url]
        _, body = await maybe_deferred_to_future(
            deferToThread(
                read_record, self.warc_dir / known.warc_file, known.warc_offset, known.warc_length
            )
        )
        headers = Headers([(k, v) for k, v in known.headers])
        cls = responsetypes.from_args(headers=headers, url=response.url, body=body)
        request.meta["gongkai_not_modified"] = True
        return cls(
            url=response.url,
            status=200,
            headers=headers,
            body=body,
            request=request,
            flags=["not-modified"],
            protocol=response.protocol,
        )
