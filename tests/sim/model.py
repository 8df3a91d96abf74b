"""Public records of what the simulator serves (sites and reports) plus internal content units.

SimSite/SimReport are the interface other engineers assert against; Item/FileRes are what a
platform module renders into its own markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class SimSite:
    """One simulated government site and every address it answers on."""

    id: str
    name: str
    region_code: str
    platform: str
    base_url: str
    hosts: list[str]  # every host:port the site uses (main, attachment/OSS host, ...)
    home_url: str
    list_urls: list[str]  # the 年报 list pages (district + department columns)


@dataclass
class SimReport:
    """One annual report as served: `url` returns exactly the bytes whose hash is `sha256`."""

    site_id: str
    report_id: str
    title: str
    year: int | None
    agency: str
    url: str  # article page (html formats) or the final file URL (pdf/docx)
    attachment_urls: list[str]  # links to the report file as they appear in pages
    format: str  # "html" | "pdf"
    sha256: str
    page_url: str = ""  # the article page that presents the report (== url for html)
    published: str = ""  # YYYY-MM-DD as shown in lists
    source_file: str = ""  # corpus file it was built from ("" for synthetic reports)
    synthetic: bool = False  # generated body (no hand-checked truth)
    version: int = 1


@dataclass
class FileRes:
    """A downloadable file (attachment) with its public name."""

    key: str  # 32-hex stored name without extension
    ext: str
    data: bytes
    showname: str
    modified: datetime
    host_role: str = "main"  # which host serves it ("main" or "oss")


@dataclass
class Item:
    """A list entry and (usually) its article page; platform-neutral."""

    item_id: str
    title: str
    published: datetime
    column: str  # column id it belongs to (the URL's column)
    body_html: str = ""
    source: str = ""  # ContentSource / 发布机构
    files: list[FileRes] = field(default_factory=list)
    direct_file: bool = False  # the list links straight to files[0]
    report_year: int | None = None  # set for real reports
    agency: str = ""
    report_format: str = ""  # "html" | "pdf" | "" (not a report)
    source_file: str = ""
    synthetic: bool = False
    also_in: list[str] = field(default_factory=list)  # further columns listing the same URL
    version: int = 1
    removed: bool = False
    listed_only: bool = False  # removed, yet the list still links it (a dead link)

    @property
    def is_report(self) -> bool:
        return bool(self.report_format)
