"""Report versions over time: which are current, which changed after publication, which
were withdrawn.

Every distinct sha256 at a URL is its own Document row (crud.record_document), with first- and
last-seen times; all versions of a URL whose bytes changed carry
`modified_after_publication`.  At the end of a run the crawl runner tells us what the site's
lists showed and which report URLs answered 404/410, and we mark the rest: a report that is
gone is `withdrawn` (its last_seen stays the time it was last seen; its archived captures are
never touched).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, select

from storage.models import Document, utcnow


@dataclass
class RunOutcome:
    withdrawn: list[str] = field(default_factory=list)  # URLs newly marked withdrawn
    still_current: int = 0


def mark_run_outcome(
    session: Session,
    run_id: int | None,
    site_id: str,
    seen_urls: Iterable[str] | None,
    gone_urls: dict[str, int] | Iterable[str] = (),
) -> RunOutcome:
    """Mark the site's current reports withdrawn when they answered 404/410 (`gone_urls`,
    URL -> status) or, when the run saw the site's lists completely (`seen_urls` not None),
    when no list links to them any more.

    Pass `seen_urls=None` when a list page failed: absence then proves nothing.
    `run_id` is recorded for the audit trail in the withdrawal reason.
    """
    gone = dict(gone_urls) if isinstance(gone_urls, dict) else dict.fromkeys(gone_urls, 404)
    seen = set(seen_urls) if seen_urls is not None else None
    now = utcnow()
    outcome = RunOutcome()
    docs = session.exec(
        select(Document).where(Document.site_id == site_id, Document.status == "current")
    )
    run_note = f" (run {run_id})" if run_id is not None else ""
    for doc in docs:
        if doc.url in gone:
            reason = f"http {gone[doc.url]}"
        elif seen is not None and doc.url not in seen:
            reason = "delisted"
        else:
            outcome.still_current += 1
            continue
        doc.status, doc.withdrawn_at, doc.withdrawn_reason = "withdrawn", now, reason + run_note
        session.add(doc)
        outcome.withdrawn.append(doc.url)
    session.flush()
    return outcome
