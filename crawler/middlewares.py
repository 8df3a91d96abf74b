"""Downloader middlewares for etiquette: stay on the site's hosts, recognise blocks, honour 429.

They detect and report; they never defeat a challenge (no cookie solving, no UA spoofing).
Order (see settings): AllowedHosts first on the way out, so no request — redirects included —
ever leaves a site's allowed hosts; BlockDetection just below the archiver on the way back, so
the challenge page is archived as evidence before the request is dropped.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.registry import host_allowed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

RUISHU = re.compile(rb"\$_ts\s*=\s*window\[|\$_ts\.(?:nsd|cd)\s*=|<meta[^>]+\br=['\"]m['\"]")
JSLUID = re.compile(rb"__jsl(?:uid|_clearance)|document\.cookie\s*=", re.IGNORECASE)


class GongkaiIgnore(IgnoreRequest):
    """An IgnoreRequest whose reason was already counted (spider errbacks skip it)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.gongkai_reason = reason


def _site(request: Request) -> str:
    return request.meta.get("gongkai_site_id", "?")


class AllowedHostsMiddleware:
    """Drop any request outside its site's allowed hosts (start/list URL hosts + allowed_domains).

    Stricter than Scrapy's OffsiteMiddleware: hosts are compared with their port, and IP
    addresses never match "subdomains".  robots.txt requests are checked like any other.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AllowedHostsMiddleware:
        mw = cls(crawler)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        return mw

    def spider_opened(self, spider: Any) -> None:
        """Tell the resolver which names may resolve to private addresses (crawler.netguard)."""
        from crawler.netguard import allow_private_names

        allow_private_names(getattr(spider, "sites", {}).values())

    def process_request(self, request: Request) -> None:
        sites = getattr(self.crawler.spider, "sites", {})
        site = sites.get(request.meta.get("gongkai_site_id"))
        netloc = urlsplit(request.url).netloc
        if site is None:  # robots.txt and other engine requests carry no site: any site's host
            if any(host_allowed(netloc, s.allowed_hosts) for s in sites.values()):
                return
        elif host_allowed(netloc, site.allowed_hosts):
            return
        self.crawler.stats.inc_value(f"gongkai/{_site(request)}/offsite_dropped")
        raise GongkaiIgnore("offsite", f"host {netloc} is not allowed for {_site(request)}")


def challenge(response: Response) -> str | None:
    """Name the block a response shows, or None.

    ruishu: 412/202 (or a small 200) carrying the `$_ts` stub; http-412: a bare WAF 412;
    jsl-cookie: 521 or a `__jsluid` document.cookie page; http-403: refused outright.
    """
    head = response.body[:20000]
    stub = b"$_ts" in head and RUISHU.search(head) is not None
    if stub and (response.status in (412, 202) or len(response.body) < 50000):
        return "ruishu"
    if response.status == 412:
        return "http-412"
    if response.status == 521 or (b"__jsl" in head and JSLUID.search(head)
                                  and len(response.body) < 50000):
        return "jsl-cookie"
    if response.status == 403:
        return "http-403"
    return None


class BlockDetectionMiddleware:
    """Report challenge/blocked responses with evidence (status, body sha256) and drop them."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockDetectionMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        kind = challenge(response)
        if kind is None:
            return response
        site = _site(request)
        self.stats.inc_value(f"gongkai/{site}/blocked")
        evidence = self.stats.get_value(f"gongkai/{site}/block_evidence") or []
        if len(evidence) < 5:
            evidence.append({"url": request.url, "status": response.status, "kind": kind,
                             "sha256": hashlib.sha256(response.body).hexdigest(),
                             "capture_id": request.meta.get("gongkai_capture_id")})
            self.stats.set_value(f"gongkai/{site}/block_evidence", evidence)
        request.meta["gongkai_blocked"] = kind
        raise GongkaiIgnore("blocked", f"{kind} challenge at {request.url} ({response.status})")


class RetryAfterMiddleware:
    """429/503 with Retry-After: wait that long (capped) and retry, at most RETRY_AFTER_TIMES."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.times = crawler.settings.getint("RETRY_AFTER_TIMES", 3)
        self.cap = crawler.settings.getfloat("RETRY_AFTER_MAX", 60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Any:
        if response.status not in (429, 503) or (response.status == 503
                                                 and b"Retry-After" not in response.headers):
            return response
        tries = request.meta.get("gongkai_retry_after", 0)
        site = _site(request)
        if tries >= self.times:
            self.stats.inc_value(f"gongkai/{site}/throttled_out")
            return response  # HttpError → counted as failed by the spider
        delay = min(_seconds(response.headers.get("Retry-After"), default=1.0), self.cap)
        self.stats.inc_value(f"gongkai/{site}/retry_after")
        self.slow_down(request, delay)
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        retry = request.replace(dont_filter=True)
        retry.meta["gongkai_retry_after"] = tries + 1
        return retry


    def slow_down(self, request: Request, delay: float) -> None:
        """Space every later request to this host by the server's Retry-After (as AutoThrottle
        does, through the downloader slot), instead of retrying the whole burst at once."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None:
            slot.delay = max(slot.delay, delay)


class RobotsGuardMiddleware:
    """Re-check robots.txt for requests that waited while it was being fetched.

    Scrapy 2.19's RobotsTxtMiddleware hands the parsed rules only to the first request that
    awaited the robots.txt download; the others see None and pass.  The public
    `robots_parsed` signal gives the rules, so this checks again right after it (priority 101).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.parsers: dict[str, Any] = {}
        self.agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get(
            "USER_AGENT")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsGuardMiddleware:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        mw = cls(crawler)
        crawler.signals.connect(mw.robots_parsed, signal=signals.robots_parsed)
        return mw

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        self.parsers[urlsplit(request.url).netloc] = robotparser

    def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return
        parser = self.parsers.get(urlsplit(request.url).netloc)
        if parser is not None and not parser.allowed(request.url, self.agent):
            self.crawler.stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest("Forbidden by robots.txt")


def _seconds(value: bytes | None, default: float) -> float:
    """Retry-After as seconds (an HTTP date counts as `default`)."""
    try:
        return max(0.0, float((value or b"").decode("latin-1").strip()))
    except ValueError:
        return default
