"""Explain how the crawler reads one site, for an operator onboarding a real district.

`explain(url)` walks the site the way `platform: auto` would — home page, navigation toward the
年报 columns, list pages (and their AJAX/JSON windows) — with the spiders' own parsing, but
politely and by hand: one request at a time, a delay between requests, robots.txt obeyed, only
the start host (and hosts the operator allows), at most `max_pages` fetches, and report pages
themselves never downloaded. It records what it saw: the platform detected and the text that
gave it away, the path followed, every list page, every candidate link with accepted/rejected
and why, and a registry entry that would crawl what it found.
"""

from __future__ import annotations

import re
import tempfile
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml
from scrapy.http import Headers, Request, Response, TextResponse
from scrapy.responsetypes import responsetypes
from scrapy.settings import Settings

from crawler import titles, unsupported
from crawler.registry import RegistryError, host_allowed
from crawler.spiders.auto import AutoSpider
from crawler.spiders.base import ReportSpider
from crawler.spiders.platforms import detect, platform_spiders

USER_AGENT = "gongkai-explain (+https://example.org/gongkai)"
SITE_ID = "explain"
REPORT_LIKE = re.compile(r"报告|年报")


@dataclass
class Candidate:
    """A list entry the spider judged: a report link (accepted) or a look-alike (rejected)."""

    page: str
    url: str
    title: str
    accepted: bool
    reason: str
    platform: str = ""  # the platform spider that read the entry

    @property
    def report_like(self) -> bool:
        return self.accepted or bool(REPORT_LIKE.search(self.title))


@dataclass
class Visit:
    """One fetch (or refusal): what the page was to the crawler and how it was reached."""

    url: str
    role: str
    status: int
    parent: str | None = None
    via: str = ""
    platform: str = ""
    note: str = ""
    paged: bool = False  # a further page of a list (pager, API page), not a column of its own
    evidence: str = ""  # the text that gave its platform away


PAGE_KEYS = ("trs_page", "static_pages", "gk_page")


@dataclass
class Explanation:
    url: str
    platform: str = "static"  # of the pages that held the reports (else of the home page)
    evidence: str = ""
    home_platform: str = "static"
    home_evidence: str = ""
    visits: list[Visit] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    refused: str = ""  # why nothing could be fetched (robots, unreachable, private address)
    # pages of a platform recognised but not supported: "platform X recognised, not
    # supported: why" with the page and the text that gave it away
    unsupported: list[tuple[str, str, str]] = field(default_factory=list)
    allow_private: bool = False  # a test or simulated site on loopback/private addresses

    @property
    def accepted(self) -> list[Candidate]:
        return [c for c in self.candidates if c.accepted]

    @property
    def list_pages(self) -> list[str]:
        """The list columns whose pages (or proxy windows, API pages) held accepted reports."""
        by_url = self.first_visits()
        pages = []
        for cand in self.accepted:
            page, seen = cand.page, set()
            while page in by_url and by_url[page].paged and by_url[page].parent:
                seen.add(page)
                if by_url[page].parent in seen:
                    break
                page = by_url[page].parent or page
            pages.append(page)
        return list(dict.fromkeys(pages))

    def first_visits(self) -> dict[str, Visit]:
        """Each URL's first visit. Why the first: an API asked page by page by POST body (浦东's
        pageNo) repeats one URL, and its later pages were reached from the earlier ones."""
        by_url: dict[str, Visit] = {}
        for visit in self.visits:
            by_url.setdefault(visit.url, visit)
        return by_url

    def path_to(self, url: str) -> list[Visit]:
        """The visits from the home page to `url` (the navigation the crawler followed)."""
        by_url = self.first_visits()
        path: list[Visit] = []
        while url in by_url and by_url[url] not in path:
            path.append(by_url[url])
            url = by_url[url].parent or ""
        return path[::-1]

    def list_platform(self) -> str:
        """The platform of the pages that held the reports (else the home page's)."""
        found = Counter(c.platform for c in self.accepted if c.platform != "auto")
        return found.most_common(1)[0][0] if found else self.home_platform

    def registry_entry(
        self, site_id: str | None = None, region_code: str | None = None, name: str | None = None
    ) -> dict[str, Any]:
        """A config/sites.yaml entry that crawls what was found."""
        host = urlsplit(self.url).netloc
        extra_hosts = sorted({urlsplit(c.url).netloc for c in self.accepted} - {host, ""})
        entry: dict[str, Any] = {
            "id": site_id or suggest_id(host),
            "name": name or self.site_name(),
            "region_code": region_code or "000000",
            "start_urls": [self.url],
            "platform": self.platform if self.list_pages else "auto",
        }
        if self.list_pages:
            entry["list_urls"] = self.list_pages
        if extra_hosts:
            entry["allowed_domains"] = [host.split(":")[0], *extra_hosts]
        if self.allow_private:
            entry["allow_private"] = True
        return entry

    def site_name(self) -> str:
        home = next((v for v in self.visits if v.role == "home"), None)
        return home.note if home and home.note else urlsplit(self.url).netloc


def suggest_id(host: str) -> str:
    """`www.gl.gov.cn` → `gl`; ids are lower-case letters, digits and hyphens."""
    name = host.split(":")[0].lower()
    name = re.sub(r"^(www|zwgk|xxgk)\.", "", name)
    name = re.sub(r"\.(gov\.cn|com\.cn|cn|com|net|org)$", "", name)
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-") or "site"


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to http(s): urllib would also follow one to ftp://."""

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise urllib.error.HTTPError(
                newurl,
                code,
                f"redirect to {newurl!r} refused: only http(s) is fetched",
                headers,
                fp,
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# Only HTTP(S) handlers: no file://, ftp:// or data: handler is ever reachable.
_OPENER = urllib.request.OpenerDirector()
for _handler in (
    urllib.request.HTTPHandler(),
    urllib.request.HTTPSHandler(),
    _HttpOnlyRedirects(),
    urllib.request.HTTPErrorProcessor(),
    urllib.request.HTTPDefaultErrorHandler(),
    urllib.request.UnknownHandler(),
):
    _OPENER.add_handler(_handler)


class Fetcher:
    """One request at a time, `delay` seconds apart, robots.txt obeyed per host."""

    def __init__(
        self, delay: float = 1.0, timeout: float = 20.0, user_agent: str = USER_AGENT
    ) -> None:
        self.delay, self.timeout, self.user_agent = delay, timeout, user_agent
        self.robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self.last = 0.0

    def _wait(self) -> None:
        pause = self.last + self.delay - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self.last = time.monotonic()

    def raw(
        self,
        url: str,
        method: str = "GET",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes, str]:
        """(status, headers, body, final URL); HTTP errors are answers, not exceptions."""
        self._wait()
        request = urllib.request.Request(
            url,
            data=body if method == "POST" else None,
            method=method,
            headers={"User-Agent": self.user_agent, **(headers or {})},
        )
        try:
            with _OPENER.open(request, timeout=self.timeout) as answer:
                return answer.status, dict(answer.headers), answer.read(8 << 20), answer.url
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers or {}), exc.read(1 << 20), url

    def allowed(self, url: str) -> bool:
        """robots.txt: 401/403 → nothing allowed; missing (other 4xx) → everything allowed."""
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self.robots:
            parser = urllib.robotparser.RobotFileParser(key + "/robots.txt")
            try:
                status, _h, body, _u = self.raw(key + "/robots.txt")
            except OSError:
                status, body = 404, b""
            # the flags RobotFileParser.read() sets for these statuses (typeshed omits them)
            if status in (401, 403):
                parser.disallow_all = True  # type: ignore[attr-defined]
            elif status >= 400:
                parser.allow_all = True  # type: ignore[attr-defined]
            else:
                parser.parse(body.decode("utf-8", "replace").splitlines())
            self.robots[key] = parser
        return self.robots[key].can_fetch(self.user_agent, url)


def _spider(url: str, allowed_domains: Iterable[str], allow_private: bool) -> AutoSpider:
    """An `auto` spider for the one site, with counters kept in memory (the registry's rules
    apply: a private or loopback URL needs `allow_private`)."""
    entry = {
        "id": SITE_ID,
        "name": "explain",
        "region_code": "110000",
        "start_urls": [url],
        "platform": "auto",
        "allowed_domains": list(allowed_domains),
        "allow_private": allow_private,
    }
    with tempfile.TemporaryDirectory() as tmp:
        sites = Path(tmp) / "sites.yaml"
        sites.write_text(yaml.safe_dump({"sites": [entry]}, allow_unicode=True), "utf-8")
        spider = AutoSpider(site=SITE_ID, sites_file=str(sites))
    spider.crawler = _Crawler()  # type: ignore[assignment]
    spider.settings = spider.crawler.settings
    return spider


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, start) + count

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self.values[key] = value


class _Crawler:
    def __init__(self) -> None:
        self.stats = _Stats()
        self.settings = Settings()
        self.settings.setmodule("crawler.settings")  # the crawl's own caps apply here too


def _record_entries(spider: ReportSpider, out: Explanation) -> None:
    """Make `spider.follow_entry` note each judgement (accepted or why not)."""
    original = spider.follow_entry

    def follow_entry(
        response: Response, href: str, title: str, listed: str | None = None
    ) -> Request | None:
        request = original(response, href, title, listed)
        title_text = " ".join(title.split())
        reason = "no link" if not href else titles.rejection(title_text) or ""
        out.candidates.append(
            Candidate(
                page=response.url,
                url=urljoin(response.url, href.strip()) if href else "",
                title=title_text,
                accepted=request is not None,
                reason="report title" if request is not None else reason,
                platform=spider.platform,
            )
        )
        return request

    spider.follow_entry = follow_entry  # type: ignore[method-assign]


def _anchor_texts(response: Response) -> dict[str, str]:
    if not isinstance(response, TextResponse) or not hasattr(response, "css"):
        return {}
    try:
        links = response.css("a[href]")
    except (AttributeError, ValueError):
        return {}
    texts: dict[str, str] = {}
    for link in links:
        text = " ".join(" ".join(link.css("::text").getall()).split())
        texts.setdefault(urljoin(response.url, link.attrib["href"].strip()), text)
    return texts


def _fetch(
    fetch: Fetcher, request: Request, visit: Visit, allowed: Any, out: Explanation
) -> Response | None:
    """One page of the walk, or None with the reason noted on its visit (a refused or
    unreachable home page refuses the whole explanation)."""
    home = visit.role == "home"
    if not host_allowed(urlsplit(request.url).netloc, allowed):
        visit.note = "not followed: host not allowed"
        return None
    if not fetch.allowed(request.url):
        visit.note = "not fetched: robots.txt disallows it"
        if home:
            out.refused = f"robots.txt disallows {out.url}"
        return None
    try:
        status, headers, body, final = fetch.raw(
            request.url,
            request.method,
            request.body or None,
            {k.decode(): b",".join(v).decode("latin-1") for k, v in request.headers.items()},
        )
    except OSError as exc:
        visit.note = f"unreachable: {exc}"
        if home:
            out.refused = f"{out.url} unreachable: {exc}"
        return None
    visit.status = status
    if status >= 400:
        visit.note = f"HTTP {status}"
        return None
    response = _response(final, status, headers, body, request)
    known = unsupported.recognise(response)
    if known is not None:
        visit.platform, visit.evidence = known[0].platform, known[1]
        visit.note = "recognised, not supported"
        out.unsupported.append((known[0].reason(), response.url, known[1]))
        if home:
            out.home_platform, out.home_evidence = visit.platform, visit.evidence
    elif isinstance(response, TextResponse):
        visit.platform, visit.evidence = detect(response), evidence(response)
        if home:
            out.home_platform, out.home_evidence = visit.platform, visit.evidence
            found = re.search(r"<title[^>]*>(.*?)</title>", response.text, re.S | re.I)
            visit.note = " ".join(found.group(1).split()) if found else ""
    return response


def explain(
    url: str,
    *,
    delay: float = 1.0,
    max_pages: int = 60,
    allowed_domains: Iterable[str] = (),
    fetcher: Fetcher | None = None,
    allow_private: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Explanation:
    """Walk one site from `url` as `platform: auto` would, and say what was found and why."""
    out = Explanation(url=url, allow_private=allow_private)
    fetch = fetcher or Fetcher(delay=delay)
    try:
        spider = _spider(url, allowed_domains, allow_private)
    except RegistryError as exc:  # e.g. a loopback or private address
        out.refused = str(exc)
        return out
    _record_entries(spider, out)
    make_delegate = spider.delegate

    def delegate(platform: str) -> ReportSpider:
        fresh = platform not in spider._delegates
        found = make_delegate(platform)
        if fresh:
            _record_entries(found, out)
        return found

    spider.delegate = delegate  # type: ignore[method-assign]
    allowed = spider.sites[SITE_ID].allowed_hosts
    first = spider.request(SITE_ID, url, spider.parse_nav, role="home", hops=0)
    if first is None or urlsplit(url).scheme not in ("http", "https"):
        out.refused = f"{url} is not an http(s) URL"
        return out
    queue: deque[tuple[Request, str | None, str]] = deque([(first, None, "")])
    seen: set[tuple[str, str, bytes]] = set()
    fetched = 0
    while queue and fetched < max_pages:
        request, parent, via = queue.popleft()
        role = request.meta.get("gongkai_role", "")
        key = (request.method, request.url, request.body)
        if role in ("article", "file") or key in seen:
            continue  # report pages are judged from their list entry, never downloaded
        seen.add(key)
        own_window = request.callback not in (spider.parse_list_page, spider.parse_nav)
        visit = Visit(
            request.url,
            role,
            0,
            parent,
            via,
            paged=own_window or any(k in request.meta for k in PAGE_KEYS),
        )
        out.visits.append(visit)
        response = _fetch(fetch, request, visit, allowed, out)
        if response is None:
            continue
        fetched += 1
        if progress:
            progress(f"{role:5} {request.url}")
        texts = _anchor_texts(response)
        callback = request.callback or spider.parse  # Scrapy's rule for a request without one
        for produced in callback(response) or ():
            if isinstance(produced, Request):
                queue.append(
                    (
                        produced,
                        request.url,
                        texts.get(produced.url, "(from the page's script or data)"),
                    )
                )
    out.platform = out.list_platform()
    if not out.accepted and out.unsupported:  # the 年报 pages found belong to that platform
        out.platform = next(v.platform for v in out.visits if v.note == "recognised, not supported")
    out.evidence = next(
        (v.evidence for v in out.visits if v.platform == out.platform and v.url in out.list_pages),
        None,
    ) or next((v.evidence for v in out.visits if v.platform == out.platform), "")
    return out


def _response(
    url: str, status: int, headers: dict[str, str], body: bytes, request: Request
) -> Response:
    """The response a crawl would get: its class from Content-Type (then Content-Disposition,
    the URL, the body), as Scrapy's download handler chooses it.

    Why through `Headers`: urllib gives str keys in the server's case, and Scrapy's lookup of
    b"Content-Type" matches only its own normalised bytes keys.
    """
    scrapy_headers = Headers(headers)
    cls = responsetypes.from_args(headers=scrapy_headers, url=url, body=body)
    return cls(url=url, status=status, headers=scrapy_headers, body=body, request=request)


def evidence(response: TextResponse) -> str:
    """The text that made `detect()` name this page's platform."""
    platform = detect(response)
    spider = platform_spiders().get(platform)
    if spider is None or spider.fingerprint is None:
        return "no platform fingerprint matched: read as a plain static list"
    found = spider.fingerprint.search(response.text[:300_000])
    if found is None:
        return ""
    start, end = max(0, found.start() - 30), min(len(response.text), found.end() + 30)
    return " ".join(response.text[start:end].split())
