"""Per-site crawl statistics, written as JSON when the spider closes (the runner reads it).

Counts come from three places: wire-level signals (every response and byte that crossed the
network, 304s and challenge pages included), scraped items (reports found, new / changed /
unchanged), and `gongkai/<site>/<counter>` stats the spiders and middlewares increment.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals

from crawler.items import ReportDocument

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request

COUNTERS = (
    "pages_fetched",
    "reports_found",
    "new",
    "changed",
    "unchanged",
    "failed",
    "blocked",
    "bytes_downloaded",
    "report_bytes_downloaded",
    "robots_refusals",
    "not_modified",
    "lists_unparsed",
    "lists_failed",
    "offsite_dropped",
    "entries_matched",
    "retry_after",
    "throttled_out",
    "items_dropped",
    "spider_errors",
    # issue 9: links/redirects of other schemes refused, caps hit, Retry-After cut short
    "scheme_dropped",
    "redirects_refused",
    "requests_capped",
    "list_links_capped",
    "retry_after_capped",
    # issue 11: a list window that holds more rows than could be read; a page of a platform
    # recognised but not supported (both fail the site, with the why in its causes)
    "lists_truncated",
    "platform_unsupported",
)


def site_key(site: str, counter: str) -> str:
    """The Scrapy stats key of one per-site counter (`gongkai/<site>/<counter>`): the one
    spelling that spiders, middlewares and `SiteStats.snapshot` agree on."""
    return f"gongkai/{site}/{counter}"


def count(stats: Any, site: str, counter: str, label: str | None = None) -> None:
    """Add one to a per-site counter; with `label`, also to its `<counter>_by` breakdown."""
    stats.inc_value(site_key(site, counter))
    if label is not None:
        key = site_key(site, f"{counter}_by")
        breakdown = stats.get_value(key) or {}
        breakdown[label] = breakdown.get(label, 0) + 1
        stats.set_value(key, breakdown)


def _site(request: Request) -> str | None:
    return request.meta.get("gongkai_site_id")


def peak_rss_kb() -> int | None:
    """This process's own peak resident memory (VmHWM). Not getrusage's ru_maxrss: after a
    (v)fork + exec that also counts the parent's memory, which the crawl never used."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class SiteStats:
    """Extension: gather per-site counters and write them to GONGKAI_STATS_FILE at close."""

    def __init__(self, crawler: Crawler, path: str | None) -> None:
        self.crawler = crawler
        self.path = path
        self.sites: dict[str, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
        self.reports: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.in_flight: dict[int, tuple[str, str]] = {}  # id(request) -> (site, url)
        self.interval = crawler.settings.getfloat("GONGKAI_STATS_INTERVAL", 10.0)
        self.live: Any = None  # the LoopingCall writing live snapshots

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteStats:
        ext = cls(
            crawler,
            crawler.settings.get("GONGKAI_STATS_FILE") or os.environ.get("GONGKAI_STATS_FILE"),
        )
        crawler.signals.connect(ext.headers_received, signal=signals.headers_received)
        crawler.signals.connect(ext.bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.item_lost, signal=signals.item_dropped)
        crawler.signals.connect(ext.item_lost, signal=signals.item_error)
        crawler.signals.connect(ext.spider_error, signal=signals.spider_error)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.reached_downloader, signal=signals.request_reached_downloader)
        crawler.signals.connect(ext.left_downloader, signal=signals.request_left_downloader)
        return ext

    def reached_downloader(self, request: Request, spider: Any) -> None:
        self.in_flight[id(request)] = (_site(request) or "?", request.url)

    def left_downloader(self, request: Request, spider: Any) -> None:
        self.in_flight.pop(id(request), None)

    def spider_opened(self, spider: Any) -> None:
        """Write a live snapshot every GONGKAI_STATS_INTERVAL seconds, and when SIGTERM/SIGINT
        arrives: a crawl process that then has to be killed (a download that never ends)
        still tells what it archived and what was in flight."""
        if not self.path:
            return
        self.snapshot_on_signals()
        if self.interval <= 0:
            return
        from twisted.internet.task import LoopingCall

        self.live = LoopingCall(self.write, None)
        self.live.start(self.interval, now=False)

    def snapshot_on_signals(self) -> None:
        """Chain a snapshot in front of Scrapy's own SIGTERM/SIGINT handlers (installed by then);
        the run report reads it if the process is killed before it closes."""
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous = signal.getsignal(sig)

            def handler(signum: int, frame: Any, previous: Any = previous) -> None:
                with contextlib.suppress(Exception):  # a snapshot never blocks the shutdown
                    self.write(None)
                if callable(previous):
                    previous(signum, frame)
                elif previous == signal.SIG_DFL:
                    signal.signal(signum, signal.SIG_DFL)
                    os.kill(os.getpid(), signum)

            signal.signal(sig, handler)

    def headers_received(
        self, headers: Any, body_length: int, request: Request, spider: Any
    ) -> None:
        site = _site(request)
        if site:
            self.sites[site]["pages_fetched"] += 1

    def bytes_received(self, data: bytes, request: Request, spider: Any) -> None:
        site = _site(request)
        if site:
            self.sites[site]["bytes_downloaded"] += len(data)

    def item_lost(self, item: Any, response: Any, spider: Any, **_kw: Any) -> None:
        """A report found but not recorded (dropped, or a pipeline failed): never absent."""
        site = getattr(item, "site_id", None)
        if site:
            self.sites[site]["items_dropped"] += 1

    def spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        """A callback raised: whatever that page listed was not seen."""
        site = response.meta.get("gongkai_site_id") if response is not None else None
        if site:
            self.sites[site]["spider_errors"] += 1

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        if not isinstance(item, ReportDocument):
            return
        counts = self.sites[item.site_id]
        counts["reports_found"] += 1
        change = item.extra.get("change", "new")
        counts[change] += 1
        if response is not None and response.meta.get("gongkai_not_modified"):
            counts["not_modified"] += 1
        if change != "unchanged":
            counts["report_bytes_downloaded"] += int(item.extra.get("bytes", 0))
        self.reports[item.site_id].append(
            {
                "url": item.url,
                "title": item.title,
                "year": item.year,
                "kind": item.kind,
                "change": change,
                "capture_id": item.capture_id,
                "found_on": item.found_on,
            }
        )

    def snapshot(self) -> dict[str, Any]:
        """Counters per site, merged with the `gongkai/<site>/…` values from Scrapy's stats."""
        out: dict[str, dict[str, Any]] = {}
        for site in getattr(self.crawler.spider, "sites", {}) or self.sites:
            out[site] = dict(self.sites[site])
        for key, value in self.crawler.stats.get_stats().items():
            parts = key.split("/")
            if len(parts) == 3 and parts[0] == "gongkai" and parts[1] in out:
                out[parts[1]][parts[2]] = value
        for site, entry in out.items():
            entry["reports"] = self.reports.get(site, [])
            entry["in_flight"] = sorted(url for s, url in self.in_flight.values() if s == site)
        return out

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.live is not None and self.live.running:
            self.live.stop()
        self.write(reason)

    def write(self, reason: str | None) -> None:
        """The statistics file; `reason` None marks a live snapshot of a running crawl."""
        if not self.path:
            return
        stats = self.crawler.stats.get_stats()
        spider = self.crawler.spider
        data = {
            "spider": getattr(spider, "name", None),
            "finish_reason": reason,
            "sites": self.snapshot(),
            "peak_rss_kb": peak_rss_kb(),
            "scrapy": {
                k: v
                for k, v in stats.items()
                if isinstance(v, int | float | str) and not k.startswith("gongkai/")
            },
        }
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".part")  # never a half-written file if killed
        partial.write_text(
            json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
        os.replace(partial, path)
