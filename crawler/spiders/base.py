"""The base every platform spider shares: registry sites, discovery, reports and attachments.

A platform spider only says how its *list pages* look (`parse_list`); everything else is here:
which site(s) to crawl (`-a site=<id>[,<id>…]`, `-a sites_file=…`), starting from `list_urls`
or discovering them from the home page, following report links to articles and attachment
files, and yielding one `ReportDocument` per report document with its archived capture id.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import parse_qs, urljoin, urlsplit

import scrapy
from scrapy.http import FormRequest, Request, Response, TextResponse

from crawler import causes, titles, unsupported
from crawler.items import ReportDocument
from crawler.logs import demote_scrapy_dumps
from crawler.registry import SiteEntry, load_registry, select_sites
from crawler.stats import count, site_key
from crawler.urlpolicy import refused_scheme, url_allowed

DEFAULT_SITES = Path(__file__).resolve().parents[2] / "config" / "sites.yaml"
FILE_EXT = re.compile(r"\.(pdf|docx?|wps|ofd|xlsx?|et|zip|rar)(?:$|[?#&])", re.IGNORECASE)
FILE_LINK = re.compile(r"downfile\.jsp|/download\b|[?&]fileName=|/attach/", re.IGNORECASE)
IMAGE = re.compile(r"\.(jpe?g|png|gif|bmp|webp)$", re.IGNORECASE)
# Article pages (never navigation): Hanweb, TRS, gkmlpt, Shanghai CMSs, and the /public/column/
# platform's `/public/<organId>/<id>.html`.
ARTICLE_LINK = re.compile(
    r"/art_|/art/\d{4}/|/t\d{8}_\d+|/post_\d+|/content/|/details$|/public/\d+/\d+\.html$",
    re.IGNORECASE,
)
DATE = re.compile(r"(20\d{2}|19\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")
# Navigation words that lead from a home page to the 年报 column (and department trees).
NAV_LIST = re.compile(r"年报|年度报告|工作报告")
NAV_PATH = re.compile(r"政府信息公开|信息公开|政务公开|法定主动公开|主动公开|部门|目录")
# A date (and time) written before or after a title inside the same link.
LINK_DATE = re.compile(
    r"^[\[【(（]?(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}"
    r"(?::\d{2})?)?[\]】)）]?\s*|\s*[\[【(（]?(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]"
    r"\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?[\]】)）]?$"
)
MAX_HOPS = 6
MAX_NAV_PAGES = 300

demote_scrapy_dumps()  # every crawl process imports this module before Scrapy logs its setup


class ReportSpider(scrapy.Spider):
    """Base class; subclasses set `name`, `platform` and implement `parse_list`."""

    name = ""  # not a runnable spider itself
    platform = ""
    custom_settings: dict[str, Any] = {}
    # How `platform: auto` recognises a page of this platform (None: never by itself), and
    # the order fingerprints are tried in (lower first; specific before generic).
    fingerprint: re.Pattern[str] | None = None
    detect_order = 50

    def __init__(
        self, site: str | None = None, sites_file: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        entries = load_registry(sites_file or DEFAULT_SITES)
        ids = [s for s in (site or "").split(",") if s]
        self.sites: dict[str, SiteEntry] = {e.id: e for e in select_sites(entries, ids)}
        self.nav_pages: dict[str, int] = dict.fromkeys(self.sites, 0)

    # ---- start -----------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        for site in self.sites.values():
            if site.list_urls:
                requests = [
                    self.request(site.id, url, self.parse_list_page, role="list")
                    for url in site.list_urls
                ]
            else:
                requests = [
                    self.request(site.id, url, self.parse_nav, role="home", hops=0)
                    for url in site.start_urls
                ]
            for request in requests:
                if request is not None:
                    yield request

    def request(
        self,
        site_id: str,
        url: str,
        callback: Any,
        *,
        role: str,
        errback: Any = None,
        method: str = "GET",
        formdata: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        dont_filter: bool = False,
        **meta: Any,
    ) -> Request | None:
        """The one place every spider request is made: it carries its site (for archiving,
        host checks and stats), and a URL that is not http(s) — `file:`, `ftp:`, `javascript:`,
        `mailto:`, `tel:`, `data:` … — gives None (counted per site), never an exception, so
        one bad link costs only itself and never the rest of its page.  `formdata` makes a
        form POST (Hanweb's dataproxy)."""
        scheme = refused_scheme(url)
        if scheme is not None:
            count(self.crawler.stats, site_id, "scheme_dropped", scheme)
            self.logger.debug("dropped a %s: link %.200r (%s)", scheme, url, site_id)
            return None
        meta = {"gongkai_site_id": site_id, "gongkai_role": role, **meta}
        options: dict[str, Any] = {
            "callback": callback,
            "errback": errback or self.on_error,
            "meta": meta,
            "method": method,
            "headers": headers,
            "dont_filter": dont_filter,
        }
        try:
            if formdata is not None:
                return FormRequest(url.strip(), formdata=formdata, **options)
            return Request(url.strip(), **options)
        except ValueError:  # e.g. an unparsable host: the link is lost, the page is not
            count(self.crawler.stats, site_id, "scheme_dropped", "invalid")
            return None

    def take_link(self, response: Response) -> bool:
        """Whether one more report/attachment link may be taken from this page: at most
        GONGKAI_MAX_LINKS_PER_PAGE (a list of 100 000 links is cut, and reported once)."""
        cap = self.crawler.settings.getint("GONGKAI_MAX_LINKS_PER_PAGE", 1000)
        taken = response.meta.get("gongkai_links_taken", 0)
        if taken >= cap:
            if not response.meta.get("gongkai_links_capped"):
                response.meta["gongkai_links_capped"] = True
                count(self.crawler.stats, response.meta["gongkai_site_id"], "list_links_capped")
                self.logger.warning(
                    "link cap: took %d links from %s, left the rest", cap, response.url
                )
            return False
        response.meta["gongkai_links_taken"] = taken + 1
        return True

    # ---- discovery -------------------------------------------------------------------
    def parse_nav(self, response: Response) -> Iterator[Any]:
        """Home/navigation page: read it as a list, then follow disclosure navigation."""
        if not isinstance(response, TextResponse) or self.unsupported(response):
            return
        yield from self.parse_list(response)
        yield from self.nav_links(response)

    def nav_links(self, response: TextResponse) -> Iterator[Request]:
        """Links toward 年报 columns: 年报/年度报告 → list; 信息公开/部门/目录 → more navigation.
        A 年报-worded label that `titles.nav_rejection` calls a look-alike (图解, 解读,
        年报发布会 …) is not followed at all, even inside a department directory."""
        site_id, hops = response.meta["gongkai_site_id"], response.meta.get("hops", 0)
        if hops >= MAX_HOPS or not self.is_markup(response):
            return
        in_directory = response.meta.get("directory", False)
        for link in response.css("a[href]"):
            href = link.attrib["href"].strip()
            text = " ".join(link.css("::text").getall()).strip() or link.attrib.get("title", "")
            url = self.absolute(response, href)
            if not self.is_nav_candidate(site_id, url):
                continue
            if NAV_LIST.search(text) and titles.nav_rejection(text):
                self.crawler.stats.inc_value(site_key(site_id, "nav_lookalikes"))
                continue  # an article or news item about reports, not a column of them
            if NAV_LIST.search(text) and not titles.is_report_title(text):
                role = "list"
            elif NAV_PATH.search(text) or in_directory:
                role = "nav"
            else:
                continue
            if self.nav_pages[site_id] >= MAX_NAV_PAGES:
                return
            self.nav_pages[site_id] += 1
            callback = self.parse_list_page if role == "list" else self.parse_nav
            request = self.request(
                site_id,
                url,
                callback,
                role=role,
                hops=hops + 1,
                directory="部门" in text and not in_directory,
            )
            if request is not None:
                yield request

    def is_nav_candidate(self, site_id: str, url: str) -> bool:
        parts = urlsplit(url)
        return (
            url_allowed(url, self.sites[site_id].allowed_hosts)
            and not FILE_EXT.search(url)
            and not FILE_LINK.search(url)
            and not ARTICLE_LINK.search(parts.path)
        )

    # ---- lists -----------------------------------------------------------------------
    def parse_list_page(self, response: Response) -> Iterator[Any]:
        """A page that should be a report list: parse it, and say so loudly if it is not."""
        if self.unsupported(response):
            return
        found = list(self.parse_list(response))
        if not found and not response.meta.get("gongkai_list_parsed"):
            site_id = response.meta["gongkai_site_id"]
            self.crawler.stats.inc_value(site_key(site_id, "lists_unparsed"))
            causes.note_failure(
                self.crawler.stats,
                site_id,
                response.url,
                "parse found nothing",
                role="list",
                status=response.status,
            )
            self.logger.warning(
                "list not parsed site=%s cause='parse found nothing' url=%s", site_id, response.url
            )
        if "hops" in response.meta and isinstance(response, TextResponse):
            found.extend(self.nav_links(response))  # a discovered 年报 column: its sub-columns
        yield from found

    def unsupported(self, response: Response) -> bool:
        """True (and the site fails, with the why and the page as evidence) when the page
        belongs to a platform recognised but not supported (`crawler.unsupported`): its rows
        are not guessed, and nothing on it is followed."""
        found = unsupported.recognise(response)
        if found is None:
            return False
        known, evidence = found
        site_id = response.meta["gongkai_site_id"]
        stats = self.crawler.stats
        count(stats, site_id, "platform_unsupported", known.reason())
        causes.note_failure(
            stats,
            site_id,
            response.url,
            f"platform {known.platform} recognised, not supported",
            role=response.meta.get("gongkai_role"),
            status=response.status,
        )
        self.logger.warning(
            "platform not supported site=%s platform=%s url=%s evidence=%r why=%s",
            site_id,
            known.platform,
            response.url,
            evidence[:200],
            known.why,
        )
        return True

    def parse_list(self, response: Response) -> Iterable[Any]:  # pragma: no cover - abstract
        """Requests for the report links (and further list pages) found on a list page."""
        raise NotImplementedError

    def truncated(self, response: Response, why: str) -> None:
        """A list window known to hold more rows than were read (a page cap reached, an empty
        page before the last): the site fails, since absence from it proves nothing."""
        site_id = response.meta["gongkai_site_id"]
        count(self.crawler.stats, site_id, "lists_truncated")
        causes.note_failure(
            self.crawler.stats, site_id, response.url, f"list truncated: {why}", role="list"
        )
        self.logger.warning("list truncated site=%s why=%r url=%s", site_id, why, response.url)

    def mark_parsed(self, response: Response) -> None:
        """Tell parse_list_page the list shape was recognised (even if it holds no report)."""
        response.meta["gongkai_list_parsed"] = True

    def follow_entry(
        self, response: Response, href: str, title: str, listed: str | None = None
    ) -> Request | None:
        """A request for one list entry, if its title is a report's (look-alikes dropped)."""
        site_id = response.meta["gongkai_site_id"]
        if response.meta.get("gongkai_links_capped"):  # the page's link cap was reached
            return None
        title = " ".join(title.split())
        if not href or not titles.is_report_title(title):
            return None
        self.crawler.stats.inc_value(f"gongkai/{site_id}/entries_matched")
        if not self.take_link(response):
            return None
        url = self.absolute(response, href)
        meta: dict[str, Any] = {"title": title, "listed": listed, "found_on": response.url}
        if self.is_file_url(url):
            return self.request(site_id, url, self.parse_file, role="file", **meta)
        return self.request(site_id, url, self.parse_article, role="article", **meta)

    def absolute(self, response: Response, href: str) -> str:
        """`href` resolved against the page ("" if it cannot be: request() then drops it)."""
        try:
            return urljoin(response.url, href.strip())
        except ValueError:
            return ""

    # ---- documents -------------------------------------------------------------------
    @staticmethod
    def is_file_url(url: str) -> bool:
        return bool(
            FILE_EXT.search(urlsplit(url).path) or FILE_LINK.search(url) or FILE_EXT.search(url)
        )

    def parse_article(self, response: Response) -> Iterator[Any]:
        """An article page: the report itself, or the page that links the report file(s)."""
        if not isinstance(response, TextResponse):  # the link led straight to a file
            yield from self.parse_file(response)
            return
        title = response.meta.get("title") or self.page_title(response)
        files = [r for r in self.attachments(response, title) if r is not None]
        if not files or len(self.body_text(response)) >= 600:
            yield self.item(response, title, kind="article")
        yield from files

    def attachments(self, response: TextResponse, title: str) -> Iterator[Request]:
        site_id = response.meta["gongkai_site_id"]
        for link in response.css("a[href]"):
            url = self.absolute(response, link.attrib["href"])
            if not self.is_file_url(url) or IMAGE.search(urlsplit(url).path):
                continue
            if not self.take_link(response):
                return
            name = (
                link.attrib.get("download")
                or parse_qs(urlsplit(url).query).get("showname", [""])[0]
                or " ".join(link.css("::text").getall()).strip()
            )
            file_title = name if titles.is_report_title(name) else title
            request = self.request(
                site_id,
                url,
                self.parse_file,
                role="file",
                title=file_title,
                listed=response.meta.get("listed"),
                found_on=response.url,
            )
            if request is not None:
                yield request

    def parse_file(self, response: Response) -> Iterator[ReportDocument]:
        yield self.item(response, response.meta.get("title") or "", kind="attachment")

    def item(self, response: Response, title: str, *, kind: str) -> ReportDocument:
        meta = response.meta
        if meta.get("gongkai_not_modified"):
            change = "unchanged"  # a 304: the bytes did not cross the wire
        elif meta.get("gongkai_known_url"):  # fetched again: same bytes (a revisit) or new ones
            change = "unchanged" if meta.get("gongkai_capture_revisit_of") else "changed"
        else:
            change = "new"
        extra = {"change": change, "bytes": str(len(response.body))}
        if titles.variant(title):
            extra["variant"] = titles.variant(title) or ""
        year = titles.report_year(title)
        if year is None and isinstance(response, TextResponse):  # untitled or year-less title
            year = titles.year_from_text(
                self.page_title(response) + "\n" + self.body_text(response)
            )
        return ReportDocument(
            site_id=meta["gongkai_site_id"],
            url=response.url,
            title=title,
            year=year,
            capture_id=meta.get("gongkai_capture_id"),
            found_on=meta.get("found_on"),
            listed_date=meta.get("listed"),
            kind=kind,
            extra=extra,
        )

    # ---- helpers ---------------------------------------------------------------------
    def page_title(self, response: TextResponse) -> str:
        for query in ('meta[name="ArticleTitle"]::attr(content)', "h1::text", "title::text"):
            value = (response.css(query).get() or "").strip()
            if value:
                return value
        return ""

    def body_text(self, response: TextResponse) -> str:
        """Visible text of the article body (Hanweb #zoom, TRS .TRS_Editor, else <body>)."""
        for query in ("#zoom", ".TRS_Editor", ".article-content", "article", "body"):
            nodes = response.css(query)
            if nodes:
                return "".join(nodes[0].css("::text").getall()).strip()
        return ""

    @staticmethod
    def is_markup(response: Response) -> TypeGuard[TextResponse]:
        """An HTML/XML page (links can be read with CSS), not JSON or a file."""
        return isinstance(response, TextResponse) and response.selector.type in ("html", "xml")

    @staticmethod
    def link_title(link: Any) -> str:
        """A list link's title: `title=`, else a heading inside it (TRS `<a><em>date</em>
        <h3>title</h3></a>`), else its text without a leading/trailing date."""
        title = (link.attrib.get("title") or "").strip()
        if title:
            return title
        heading = " ".join(
            link.css("h1 ::text, h2 ::text, h3 ::text, h4 ::text, .title ::text").getall()
        ).strip()
        if heading:
            return heading
        text = " ".join(" ".join(link.css("::text").getall()).split())
        return LINK_DATE.sub("", text).strip()

    @staticmethod
    def row_text(link: Any) -> str:
        """Text of the list row holding a link (li/tr/dl; else its parent), for its date."""
        row = link.xpath("ancestor::*[self::li or self::tr or self::dl][1]") or link.xpath("..")
        return " ".join(row[0].css("::text").getall()) if row else ""

    @staticmethod
    def listed_date(text: str) -> str | None:
        found = DATE.search(text or "")
        return (
            f"{found.group(1)}-{int(found.group(2)):02d}-{int(found.group(3)):02d}"
            if found
            else None
        )

    def on_error(self, failure: Any) -> None:
        """Count a failed request against its site (blocks and offsite are counted at source),
        with its cause class and URL, and log it on one greppable line."""
        request = failure.request
        site_id = request.meta.get("gongkai_site_id", "?")
        role = request.meta.get("gongkai_role")
        reason = getattr(failure.value, "gongkai_reason", None)
        if reason is None and "robots.txt" in str(failure.value):
            reason = "robots"
        stats = self.crawler.stats
        if reason is None and role == "nav":
            stats.inc_value(site_key(site_id, "nav_failed"))  # a broken menu link
        elif reason is None:
            response = getattr(failure.value, "response", None)
            status = response.status if response is not None else None
            cause = causes.classify(failure.value)
            stats.inc_value(site_key(site_id, "failed"))
            if role in ("list", "home", "proxy"):  # a list window lost: absence proves nothing
                stats.inc_value(site_key(site_id, "lists_failed"))
            if role in ("article", "file") and status in (404, 410):  # listed, but gone
                gone = stats.get_value(site_key(site_id, "gone")) or {}
                gone[request.url] = status
                stats.set_value(site_key(site_id, "gone"), gone)
            causes.note_failure(stats, site_id, request.url, cause, role=role, status=status)
            self.logger.warning(
                "request failed site=%s cause=%r role=%s url=%s detail=%s",
                site_id,
                cause,
                role,
                request.url,
                " ".join(str(failure.value).split())[:300],
            )
        elif reason == "robots":
            stats.inc_value(site_key(site_id, "robots_refusals"))
            causes.note_failure(stats, site_id, request.url, "robots", role=role)
            self.logger.warning(
                "request failed site=%s cause='robots' role=%s url=%s", site_id, role, request.url
            )
