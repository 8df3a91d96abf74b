"""The database: what was crawled, what was archived, what was extracted, and how it checks.

The provenance chain an auditor follows is
MetricValue → Extraction (document sha256, extractor version) → Document (report version at a URL)
→ Capture (fetch time, HTTP status, headers, WARC file/offset) → the archived bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


# Times are naive UTC throughout (SQLite keeps no zone; one convention for both backends).
def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Site(SQLModel, table=True):
    """A registered district/department site (mirrors config/sites.yaml)."""

    id: str = Field(primary_key=True)
    name: str
    region_code: str = Field(index=True)
    platform: str
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    first_seen: NaiveDatetime = Field(default_factory=utcnow)


class CrawlRun(SQLModel, table=True):
    """One crawl process: which sites, when, and how it ended (its report is `report`)."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: NaiveDatetime = Field(default_factory=utcnow)
    finished_at: NaiveDatetime | None = None
    status: str = "running"  # running | ok | failed | aborted
    sites: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    report: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class Capture(SQLModel, table=True):
    """One HTTP exchange as archived: a WARC response (or revisit) record and its metadata."""

    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="crawlrun.id", index=True)
    site_id: str | None = Field(default=None, index=True)
    url: str = Field(index=True)
    method: str = "GET"
    fetched_at: NaiveDatetime = Field(default_factory=utcnow, index=True)
    status: int
    headers: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON))
    sha256: str = Field(index=True)  # of the payload (the body as served, before decoding)
    size: int
    media_type: str | None = None
    record_type: str = "response"  # response | revisit
    revisit_of: int | None = Field(default=None, foreign_key="capture.id")
    warc_file: str
    warc_offset: int
    warc_length: int  # of the response/revisit record (one gzip member)
    warc_record_id: str
    warc_request_length: int | None = None  # the request record that follows it


class Document(SQLModel, table=True):
    """One version of a report document at a URL: every distinct sha256 gets its own row."""

    __table_args__ = (UniqueConstraint("url", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: str = Field(index=True)
    url: str = Field(index=True)
    title: str
    year: int | None = None  # report year read from the title at discovery
    listed_date: str | None = None  # the date the list page prints
    found_on: str | None = None  # the list or article page that linked it
    sha256: str = Field(index=True)
    media_type: str | None = None
    capture_id: int = Field(foreign_key="capture.id")  # first capture of these bytes
    first_seen: NaiveDatetime = Field(default_factory=utcnow)
    last_seen: NaiveDatetime = Field(default_factory=utcnow)
    status: str = "current"  # current | superseded | withdrawn
    withdrawn_at: NaiveDatetime | None = None  # when the run that noticed the withdrawal ran
    withdrawn_reason: str | None = None  # "http 404" | "http 410" | "delisted"
    # True on every version of a URL whose bytes changed after first publication
    modified_after_publication: bool = False


class Manifest(SQLModel, table=True):
    """A run manifest (the JSON file, kept verbatim): the second anchor of the hash chain.

    Files alone cannot reveal a deleted *last* manifest; the database alone cannot reveal an
    edited row.  `gongkai verify` requires both to agree.
    """

    id: int | None = Field(default=None, primary_key=True)
    sequence: int = Field(unique=True, index=True)
    file_name: str = Field(unique=True)
    sha256: str
    previous_sha256: str | None = None
    run_id: int | None = Field(default=None, index=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    content: str = Field(sa_column=Column(Text, nullable=False))


class Extraction(SQLModel, table=True):
    """The extractor's reading of one archived document (content-addressed by sha256)."""

    __table_args__ = (UniqueConstraint("sha256", "extractor_version"),)

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(index=True)
    extractor_version: str
    status: str
    format: str | None = None
    template: str | None = None
    agency: str | None = None
    year: int | None = None
    title: str | None = None
    published: str | None = None
    region: str | None = None
    error: str | None = None
    warnings: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class MetricValue(SQLModel, table=True):
    """One template value with the cell it came from (null value = printed empty, '/', '—')."""

    id: int | None = Field(default=None, primary_key=True)
    extraction_id: int = Field(foreign_key="extraction.id", index=True)
    key: str = Field(index=True)
    value: float | None = None
    raw: str | None = None
    table_name: str | None = None
    location: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class CheckResult(SQLModel, table=True):
    """One identity (勾稽关系) or text-vs-table check on an extraction, with its evidence."""

    id: int | None = Field(default=None, primary_key=True)
    extraction_id: int = Field(foreign_key="extraction.id", index=True)
    rule: str
    status: str  # pass | fail | not_assessable
    keys: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    numbers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    culprit: str | None = None  # source | extraction | unknown
    message: str | None = None
