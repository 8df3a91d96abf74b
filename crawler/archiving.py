"""Downloader middleware that archives every HTTP exchange before anything else touches it.

It sits above HttpCompression and HttpCache (see settings), so it sees the body still
compressed and a real 304 as a 304 (responses HttpCache replays are skipped: they did not
cross the wire).  Each response becomes a WARC response+request pair, or a `revisit` when the
payload is already archived (identical-payload-digest) or the server answered 304
(server-not-modified, pointing at the capture `request.meta["gongkai_revalidates"]` names),
plus a `Capture` row committed after the bytes are on disk; the capture id travels on in
`request.meta["gongkai_capture_id"]` so spiders and pipelines can cite it.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scrapy import signals

from crawler.storage_access import crawl_engine, crawl_paths
from storage import crud
from storage.db import session_scope
from storage.models import Capture
from storage.warc.writer import Exchange, WarcArchive

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def _header_pairs(headers) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    pairs = []
    for name, values in headers.items():
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


class WarcArchiveMiddleware:
    """Write each response (and its request) to the WARC archive and index it."""

    def __init__(
        self, archive: WarcArchive, engine: Engine, run_id: int | None, site_id: str | None
    ) -> None:
        self.archive = archive
        self.engine = engine
        self.run_id = run_id
        self.site_id = site_id
        self.bytes_archived = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        paths = crawl_paths(crawler.settings)
        run = os.environ.get("GONGKAI_RUN_ID")
        run_id = int(run) if run else None
        engine = crawl_engine(crawler.settings)
        archive = WarcArchive(
            paths.warc_dir,
            run_id=run_id,
            max_file_bytes=crawler.settings.getint("WARC_MAX_FILE_BYTES", 256 * 1024 * 1024),
            fsync=crawler.settings.getbool("WARC_FSYNC", True),
        )
        mw = cls(archive, engine, run_id, None)  # the site comes with each request's meta
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_closed(self) -> None:
        self.archive.close()

    def process_response(self, request: Request, response: Response) -> Response:
        if "cached" in response.flags:  # replayed by HttpCache: it did not cross the wire
            return response
        now = datetime.now(UTC)
        body = response.body
        sha = hashlib.sha256(body).hexdigest()
        site_id = request.meta.get("gongkai_site_id", self.site_id)
        ex = Exchange(
            url=response.url,
            method=request.method,
            request_headers=_header_pairs(request.headers),
            status=response.status,
            reason=_reason(response.status),
            response_headers=_header_pairs(response.headers),
            body=body,
            fetched_at=now,
            request_body=request.body or b"",
        )
        with session_scope(self.engine) as session:
            original = self._original(session, request, response, sha)
            if original is not None:
                not_modified = response.status == 304
                ref = self.archive.write_exchange(
                    ex,
                    revisit_of=(original.url, original.fetched_at),
                    revisit_profile=SERVER_NOT_MODIFIED if not_modified else None,
                    original_sha256=original.sha256,
                )
                record_type, revisit_of = "revisit", original.id
                sha = original.sha256
            else:
                ref = self.archive.write_exchange(ex)
                record_type, revisit_of = "response", None
            try:
                media = response.headers.get("Content-Type")
                capture = Capture(
                    run_id=self.run_id,
                    site_id=site_id,
                    url=response.url,
                    method=request.method,
                    fetched_at=now.replace(tzinfo=None),
                    status=response.status,
                    headers=[list(p) for p in ex.response_headers],
                    sha256=sha,
                    size=len(body),
                    media_type=media.decode("latin-1").split(";")[0].strip() if media else None,
                    record_type=record_type,
                    revisit_of=revisit_of,
                    warc_file=ref.warc_file,
                    warc_offset=ref.offset,
                    warc_length=ref.length,
                    warc_record_id=ref.record_id,
                    warc_request_length=ref.request_length,
                )
                session.add(capture)
                session.flush()
                session.commit()
            except BaseException:
                self.archive.rollback(ref)  # no record without its row
                raise
            if record_type == "response":
                self.bytes_archived += len(body)
            request.meta["gongkai_capture_id"] = capture.id
            request.meta["gongkai_capture_revisit_of"] = revisit_of
        return response

    @staticmethod
    def _original(
        session: Session, request: Request, response: Response, sha: str
    ) -> Capture | None:
        """The archived capture this response merely confirms, if any (then: a revisit)."""
        if response.status == 304:
            wanted = request.meta.get("gongkai_revalidates")  # set by incremental crawling
            capture = session.get(Capture, wanted) if wanted else None
            if capture is None and (
                request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since")
            ):
                capture = crud.latest_full_capture(session=session, url=response.url)
            return crud.resolve_original(session=session, capture=capture) if capture else None
        if not response.body:  # e.g. a redirect: a revisit only of the same URL and status
            same = crud.latest_capture_by_payload(session=session, url=response.url, sha256=sha)
            return same if same is not None and same.status == response.status else None
        return crud.original_for_payload(session=session, sha256=sha, url=response.url)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
