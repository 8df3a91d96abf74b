"""Downloader middlewares for etiquette: stay on the site's hosts, recognise blocks, honour 429.

They detect and report; they never defeat a challenge (no cookie solving, no UA spoofing).
Order (see settings): AllowedHosts first on the way out, so no request — redirects included —
ever leaves a site's allowed hosts; BlockDetection just below the archiver on the way back, so
the challenge page is archived as evidence before the request is dropped.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.stats import count
from crawler.urlpolicy import refused_scheme, url_allowed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

RUISHU = re.compile(rb"\$_ts\s*=\s*window\[|\$_ts\.(?:nsd|cd)\s*=|<meta[^>]+\br=['\"]m['\"]")
# A host's delay raised by a Retry-After shrinks back while its responses succeed: the excess
# halves every RECOVERY_HALF_LIFE seconds — slow enough that a rate limiter is not hammered
# again at once, fast enough that one capped `Retry-After: 999999999` (60 s) costs minutes,
# not the rest of the run.
RECOVERY_HALF_LIFE = 60.0
JSLUID = re.compile(rb"__jsl(?:uid|_clearance)|document\.cookie\s*=", re.IGNORECASE)


class GongkaiIgnore(IgnoreRequest):
    """An IgnoreRequest whose reason was already counted (spider errbacks skip it)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.gongkai_reason = reason


def _site(request: Request) -> str:
    return request.meta.get("gongkai_site_id", "?")


class AllowedHostsMiddleware:
    """Drop any request outside its site's allowed hosts (start/list URL hosts + allowed_domains)
    or of a scheme other than http(s) (`file://<allowed host>/etc/passwd` has an allowed host).

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
        scheme = refused_scheme(request.url)
        if scheme is not None:
            count(self.crawler.stats, _site(request), "scheme_dropped", scheme)
            raise GongkaiIgnore("scheme", f"{scheme}: URLs are never fetched ({_site(request)})")
        if site is None:  # robots.txt and other engine requests carry no site: any site's host
            if any(url_allowed(request.url, s.allowed_hosts) for s in sites.values()):
                return
        elif url_allowed(request.url, site.allowed_hosts):
            return
        self.crawler.stats.inc_value(f"gongkai/{_site(request)}/offsite_dropped")
        raise GongkaiIgnore("offsite", f"host {netloc} is not allowed for {_site(request)}")


class SiteRequestCapMiddleware:
    """At most GONGKAI_MAX_REQUESTS_PER_SITE requests to one site in one run; the rest are
    dropped and counted (`requests_capped`), so the run report says the site was cut short."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.cap = crawler.settings.getint("GONGKAI_MAX_REQUESTS_PER_SITE", 20_000)
        self.sent: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteRequestCapMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        site = request.meta.get("gongkai_site_id")
        if site is None:  # robots.txt: one per host, bounded by the hosts themselves
            return
        sent = self.sent.get(site, 0)
        if sent >= self.cap:
            count(self.stats, site, "requests_capped")
            raise GongkaiIgnore("capped", f"{site}: request cap of {self.cap} reached")
        self.sent[site] = sent + 1


class SchemeRedirectMiddleware:
    """Refuse (and count) a 3xx whose Location is not http(s), e.g. `file:///etc/passwd`.

    Scrapy 2.19's RedirectMiddleware already does not follow such a Location (it hands the 3xx
    on); this makes the refusal explicit and counted per site, like a link of that scheme.
    Meta refreshes to other schemes Scrapy ignores (the page itself is kept as fetched)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SchemeRedirectMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if not 300 <= response.status < 400 or not location:
            return response
        target = location.decode("latin-1")
        if target.startswith("//") or refused_scheme(target) in (None, "none"):
            return response  # http(s), protocol-relative or relative: RedirectMiddleware's
        site = _site(request)
        count(self.stats, site, "redirects_refused", refused_scheme(target))
        raise GongkaiIgnore(
            "scheme",
            f"redirect from {request.url} to a {refused_scheme(target)}: URL refused ({site})",
        )


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
    if response.status == 521 or (
        b"__jsl" in head and JSLUID.search(head) and len(response.body) < 50000
    ):
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
            evidence.append(
                {
                    "url": request.url,
                    "status": response.status,
                    "kind": kind,
                    "sha256": hashlib.sha256(response.body).hexdigest(),
                    "capture_id": request.meta.get("gongkai_capture_id"),
                }
            )
            self.stats.set_value(f"gongkai/{site}/block_evidence", evidence)
        request.meta["gongkai_blocked"] = kind
        raise GongkaiIgnore("blocked", f"{kind} challenge at {request.url} ({response.status})")


class RetryAfterMiddleware:
    """429/503 with Retry-After: wait that long (capped) and retry, at most RETRY_AFTER_TIMES.

    The host's download delay is raised meanwhile and put back after its next successful
    response, so one `Retry-After: 999999999` cannot slow a host for the rest of the run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.times = crawler.settings.getint("RETRY_AFTER_TIMES", 3)
        self.cap = crawler.settings.getfloat("RETRY_AFTER_MAX", 60.0)
        self.raised: dict[Any, tuple[float, float]] = {}  # slot key -> (delay before, since)
        self.clock = time.monotonic

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Any:
        if response.status not in (429, 503) or (
            response.status == 503 and b"Retry-After" not in response.headers
        ):
            self.recover(request, response)
            return response
        tries = request.meta.get("gongkai_retry_after", 0)
        site = _site(request)
        if tries >= self.times:
            self.stats.inc_value(f"gongkai/{site}/throttled_out")
            return response  # HttpError → counted as failed by the spider
        delay, capped = retry_after_delay(response.headers.get("Retry-After"), cap=self.cap)
        self.stats.inc_value(f"gongkai/{site}/retry_after")
        if capped:
            count(self.stats, site, "retry_after_capped")
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
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is not None:
            before = self.raised[key][0] if key in self.raised else slot.delay
            self.raised[key] = (before, self.clock())
            slot.delay = max(slot.delay, delay)

    def recover(self, request: Request, response: Response) -> None:
        """After a successful response, shrink the host's raised delay toward what it had
        before the Retry-After (see RECOVERY_HALF_LIFE); a new 429 raises it again."""
        if not self.raised or response.status >= 400:
            return
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if key not in self.raised:
            return
        before, since = self.raised[key]
        now = self.clock()
        if slot is None or slot.delay - before <= 0.01:
            self.raised.pop(key)
            return
        slot.delay = before + (slot.delay - before) * 0.5 ** ((now - since) / RECOVERY_HALF_LIFE)
        self.raised[key] = (before, now)
        if slot.delay - before <= 0.01:
            slot.delay = before
            self.raised.pop(key)


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
            "USER_AGENT"
        )

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


def retry_after_delay(value: bytes | None, *, cap: float) -> tuple[float, bool]:
    """(seconds to wait, whether the server asked for more than `cap`) for a Retry-After."""
    asked = _seconds(value, default=1.0)
    return min(asked, cap), asked > cap


def _seconds(value: bytes | None, default: float) -> float:
    """Retry-After as seconds (an HTTP date counts as `default`)."""
    try:
        return max(0.0, float((value or b"").decode("latin-1").strip()))
    except ValueError:
        return default
