"""Extraction over the archive: read each report's archived bytes, never the network.

A document is pending when no extraction exists for its sha256 under the current
extractor version; re-running is safe (results are replaced, and deterministic).
"""

from __future__ import annotations

import os
import queue
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from extract.contract import EXTRACTOR_VERSION, RETRY_STATUSES
from storage import crud
from storage.db import session_scope
from storage.models import Capture, Document, Extraction
from storage.warc.payload import read_body

if TYPE_CHECKING:
    from crawler.progress import Progress
    from crawler.service import Service


def archived_bytes(service: Service, capture: Capture) -> bytes:
    """The decoded body behind a capture (a revisit is followed to its original)."""
    with session_scope(service.engine) as session:
        holder = crud.resolve_original(session=session, capture=capture)
    return read_body(service.paths, holder)


def pending_documents(service: Service, *, redo_all: bool = False) -> list[tuple[str, int]]:
    """(sha256, capture id) of each distinct document version that needs extracting."""
    with session_scope(service.engine) as session:
        docs = session.exec(select(Document).order_by(col(Document.id))).all()
        done = (
            set()
            if redo_all
            else set(
                session.exec(
                    select(Extraction.sha256).where(
                        Extraction.extractor_version == EXTRACTOR_VERSION,
                        col(Extraction.status).not_in(RETRY_STATUSES),
                    )
                )
            )
        )
        todo: dict[str, int] = {}
        for doc in docs:
            if doc.sha256 not in done and doc.sha256 not in todo:
                todo[doc.sha256] = doc.capture_id
    return list(todo.items())


def extract_pending(
    service: Service,
    *,
    redo_all: bool = False,
    timeout: float = 120.0,
    jobs: int | None = None,
    echo: Callable[[str], object] | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Extract every pending document; a failing document is recorded, the batch goes on.

    `jobs` isolated workers run side by side (default: one per core, at most 4); results are
    stored from this thread in the pending order, so reruns write identical rows.
    """
    from extract.isolation import error_result
    from extract.worker import ExtractionWorker

    counts: Counter[str] = Counter()
    todo = pending_documents(service, redo_all=redo_all)
    if progress is not None:
        progress.set_total(len(todo))
    with session_scope(service.engine) as session:
        captures = {cid: session.get(Capture, cid) for _sha, cid in todo}
    jobs = max(1, min(jobs or os.cpu_count() or 1, 4, len(todo) or 1))
    idle: queue.Queue[ExtractionWorker] = queue.Queue()
    workers = [ExtractionWorker(timeout=timeout) for _ in range(jobs)]
    for worker in workers:
        idle.put(worker)

    def run(capture: Capture) -> dict[str, Any]:
        try:  # a missing WARC or a body that does not decode costs this document only
            data = archived_bytes(service, capture)
        except (OSError, ValueError) as exc:
            return error_result(f"archived original unreadable: {exc}", name=capture.url)
        worker = idle.get()
        try:
            return worker.extract(data, name=capture.url)
        finally:
            idle.put(worker)

    try:
        with ThreadPoolExecutor(jobs) as pool:
            found = [(sha, cap) for sha, cid in todo if (cap := captures[cid]) is not None]
            counts["missing_capture"] = len(todo) - len(found)
            for (sha, capture), result in zip(
                found, pool.map(run, [c for _s, c in found]), strict=True
            ):
                result["sha256"] = sha  # keyed by the archived payload, the auditor's reference
                result.setdefault("extractor_version", EXTRACTOR_VERSION)
                with session_scope(service.engine) as session:
                    crud.save_extraction(session=session, result=result)
                status = result.get("status") or "error"
                counts[status] += 1
                if echo is not None:
                    echo(f"extracted {capture.url}: {status}")
                if progress is not None:
                    progress.advance(status=status)
    finally:
        for worker in workers:
            worker.close()
    return {k: v for k, v in counts.items() if v}
