"""The one item every platform spider yields: a report document it found and fetched."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ReportDocument:
    """A fetched annual-report document (an article page or an attachment).

    `capture_id` is the archived response (set from response.meta by the spider), so the
    pipeline can link the document to the exact bytes without fetching anything again.
    """

    site_id: str
    url: str
    title: str
    year: int | None
    capture_id: int | None
    found_on: str | None = None
    listed_date: str | None = None
    kind: str = "article"  # article | attachment
    extra: dict[str, str] = field(default_factory=dict)
