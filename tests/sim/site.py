"""Platform-neutral site state: columns of items, files, reports and their mutations.

Each platform module subclasses SiteApp, fills columns in `build()` and renders its own
markup in `handle()`. Mutations (edit/add/remove) live here so all platforms version
reports the same way.
"""

from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .httpcore import Request, Response
from .model import FileRes, Item, SimReport, SimSite

CST = timezone(timedelta(hours=8), "CST")


@dataclass
class Column:
    """A list column (年报, a department's 年报, 通知公告 …) with items newest first."""

    col_id: str
    name: str
    items: list[str] = field(default_factory=list)  # item ids, newest first
    unit_id: str = ""
    kind: str = "list"  # "list" | "nianbao" | "dept"


class SiteApp:
    """Base class: deterministic content from (seed, site id), thread-safe mutations."""

    platform = ""
    roles: tuple[str, ...] = ("main",)
    # Rendering variants seen in the notes (switch `variant`); 1 is the default.
    variants: tuple[int, ...] = (1,)
    variant = 1

    def __init__(self, site_id: str, name: str, region_code: str, seed: int) -> None:
        self.site_id = site_id
        self.name = name
        self.region_code = region_code
        self.seed = seed
        self.rng = random.Random(f"{seed}:{site_id}")
        self.lock = threading.RLock()
        self.hosts: dict[str, str] = {}
        self.columns: dict[str, Column] = {}
        self.items: dict[str, Item] = {}
        self.files: dict[str, FileRes] = {}  # key "<hex>.<ext>"
        self._added = 0

    # ---- lifecycle -------------------------------------------------------------------
    def bind(self, hosts: dict[str, str]) -> None:
        """Receive the bound host:port per role, then build all content."""
        self.hosts = dict(hosts)
        with self.lock:
            self.build()

    def build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def handle(self, req: Request, role: str) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError

    # ---- addresses -------------------------------------------------------------------
    def base(self, role: str = "main") -> str:
        return f"http://{self.hosts[role]}"

    def home_path(self) -> str:
        return "/"

    def item_path(self, item: Item) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def file_url(self, f: FileRes) -> str:
        """Final URL that serves the file bytes."""
        raise NotImplementedError

    def file_link(self, f: FileRes) -> str:
        """The link to the file as written in pages (may redirect)."""
        return self.file_url(f)

    def list_paths(self) -> list[str]:
        return []

    def drift_column(self) -> None:
        """Move the 年报 column to a new address (the configured list URL then 404s)."""
        raise ValueError(f"column_drift is not supported on platform {self.platform!r}")

    def describe(self) -> SimSite:
        return SimSite(
            id=self.site_id,
            name=self.name,
            region_code=self.region_code,
            platform=self.platform,
            base_url=self.base(),
            hosts=[self.hosts[r] for r in self.roles],
            home_url=self.base() + self.home_path(),
            list_urls=[self.base() + p for p in self.list_paths()],
        )

    # ---- content helpers -------------------------------------------------------------
    def new_id(self, low: int = 1_000_000, high: int = 9_999_999) -> str:
        while True:
            candidate = str(self.rng.randint(low, high))
            if candidate not in self.items:
                return candidate

    def add_item(self, item: Item, column: str, top: bool = False) -> Item:
        self.items[item.item_id] = item
        col = self.columns[column]
        if top:
            col.items.insert(0, item.item_id)
        else:
            col.items.append(item.item_id)
        return item

    def add_file(self, f: FileRes) -> FileRes:
        self.files[f"{f.key}.{f.ext}"] = f
        return f

    def sort_columns(self) -> None:
        for col in self.columns.values():
            col.items.sort(key=lambda i: (self.items[i].published, i), reverse=True)

    def visible(self, col: Column) -> list[Item]:
        return [
            self.items[i]
            for i in col.items
            if not self.items[i].removed or self.items[i].listed_only
        ]

    def modified(self, item: Item) -> datetime:
        """Last-Modified: publication time, moved on one day per edit."""
        return (item.published + timedelta(days=item.version - 1)).replace(tzinfo=CST)

    # ---- rendering hooks used for hashes ---------------------------------------------
    def render_item(self, item: Item) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError

    def file_bytes(self, f: FileRes, version: int = 1) -> bytes:
        if version <= 1:
            return f.data
        # An incremental-update-style trailer keeps the PDF readable while changing its hash.
        return f.data + f"\n% gongkai-sim revision {version}\n".encode()

    # ---- reports ---------------------------------------------------------------------
    def report_of(self, item: Item) -> SimReport:
        page_url = self.base() + self.item_path(item)
        if item.report_format == "html" or not item.files:
            url, links = page_url, []
            data = self.render_item(item)
        else:
            f = item.files[0]
            url = self.file_url(f)
            links = [self.file_link(f)]
            data = self.file_bytes(f, item.version)
            if item.direct_file:
                page_url = ""
        return SimReport(
            site_id=self.site_id,
            report_id=f"{self.site_id}:{item.item_id}",
            title=item.title,
            year=item.report_year,
            agency=item.agency,
            url=url,
            attachment_urls=links,
            format=item.report_format,
            sha256=hashlib.sha256(data).hexdigest(),
            page_url=page_url,
            published=item.published.strftime("%Y-%m-%d"),
            source_file=item.source_file,
            synthetic=item.synthetic,
            version=item.version,
        )

    def reports(self) -> list[SimReport]:
        with self.lock:
            seen: list[SimReport] = []
            for item in self.items.values():
                if item.is_report and not item.removed:
                    seen.append(self.report_of(item))
            return seen

    def _item_for(self, report_id: str) -> Item:
        item_id = report_id.split(":", 1)[1] if ":" in report_id else report_id
        item = self.items.get(item_id)
        if item is None or not item.is_report:
            raise KeyError(report_id)
        return item

    def edit_report(self, report_id: str) -> SimReport:
        with self.lock:
            item = self._item_for(report_id)
            item.version += 1
            if item.report_format == "html":
                item.body_html += f"\n<p>（本文已于发布后第{item.version - 1}次更正。）</p>"
            return self.report_of(item)

    def remove_report(self, report_id: str, *, keep_listed: bool = False) -> None:
        with self.lock:
            item = self._item_for(report_id)
            item.removed, item.listed_only = True, keep_listed
            for f in item.files:
                self.files.pop(f"{f.key}.{f.ext}", None)

    def default_report_column(self) -> str:
        return next(c.col_id for c in self.columns.values() if c.kind == "nianbao")

    def add_report(
        self,
        title: str | None = None,
        year: int | None = None,
        agency: str | None = None,
        body_html: str | None = None,
        column: str | None = None,
    ) -> SimReport:
        """A new report at the top of a list (default: the site's 年报 column)."""
        from .synth import report_html

        with self.lock:
            self._added += 1
            col = column or self.default_report_column()
            newest = max((self.items[i].published for i in self.columns[col].items), default=None)
            year = year or (newest.year if newest else 2025)
            agency = agency or self.name
            title = title or f"{agency}{year}年政府信息公开工作年度报告（第{self._added}次新增）"
            rng = random.Random(f"{self.seed}:{self.site_id}:added:{self._added}")
            published = (newest or datetime(year + 1, 1, 10, 9)) + timedelta(hours=1)
            item = Item(
                item_id=self.new_id(),
                title=title,
                published=published,
                column=col,
                body_html=body_html or report_html(rng, agency, year),
                source=agency,
                report_year=year,
                agency=agency,
                report_format="html",
                synthetic=body_html is None,
            )
            self.add_item(item, col, top=True)
            return self.report_of(item)
