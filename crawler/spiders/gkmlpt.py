"""Guangdong gkmlpt (政府信息公开目录管理平台) catalogue lists.

Platform: the province-wide gkmlpt used by every Guangdong city, district and department.
Listing: `/gkmlpt/index` writes its configuration as a JavaScript object literal, not JSON:
  `window._CONFIG = { SID:'755031', TREE:[…], SERVICE_AREA_ID:'…' }` (unquoted keys, single
  quotes), read with chompjs. The 年报 categories (and their children) come from TREE and are
  listed through `GET /gkmlpt/api/all/<catId>?page=n&sid=<SID>` JSON (`total`, `articles[]`
  with `url`/`post_url`, `display_publish_time` in unix seconds, `create_time`); with no 年报
  category in TREE, `api/all/0` (everything) is listed and filtered by title. Detail pages
  `…/post_<id>.html` embed the article (content, attachment[]) in `_CONFIG.DETAIL`.
Caveats: some servers number pages from 0, others from 1, so page 1 is asked first and, when
  it did not hold all `total` articles, page 0 and the rest follow (duplicates are filtered);
  a `_CONFIG` that is there but cannot be read is counted as an unparsed list (a changed site),
  never read as an empty catalogue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import chompjs
from scrapy.http import Request, Response, TextResponse
from scrapy.selector import Selector

from crawler import titles
from crawler.registry import host_allowed
from crawler.spiders.base import NAV_LIST, ReportSpider

CONFIG_START = re.compile(r"window\._CONFIG\s*=\s*(?=\{)")
API = "/gkmlpt/api/all/{cat}?page={page}&sid={sid}"
EVERYTHING = 0  # `api/all/0`: every article of the site, whatever its category
PAGE_SIZE = 100
MAX_PAGES = 300
CST = timezone(timedelta(hours=8))


class ConfigError(ValueError):
    """A page declares `window._CONFIG` but its literal cannot be read."""


def gk_config(text: str) -> dict[str, Any]:
    """The `window._CONFIG` object literal of a gkmlpt page ({} when the page has none)."""
    found = CONFIG_START.search(text)
    if not found:
        return {}
    try:
        value: Any = chompjs.parse_js_object(text[found.end() :])
    except ValueError as exc:
        raise ConfigError(f"window._CONFIG is not a readable object literal: {exc}") from exc
    if not isinstance(value, dict):
        raise ConfigError("window._CONFIG is not an object")
    return value


def gk_categories(tree: list[dict[str, Any]], inside: bool = False) -> Iterator[int]:
    """Ids of 年报 categories and everything under them."""
    for node in tree or []:
        if not isinstance(node, dict):
            continue
        hit = inside or bool(NAV_LIST.search(str(node.get("name", ""))))
        if hit and str(node.get("id", "")).isdigit():
            yield int(node["id"])
        yield from gk_categories(node.get("children") or [], hit)


def gk_jump_urls(tree: list[dict[str, Any]]) -> Iterator[str]:
    """`jump_url`s of 年报 nodes: categories that are really a column elsewhere on the site."""
    for node in tree or []:
        if not isinstance(node, dict):
            continue
        if NAV_LIST.search(str(node.get("name", ""))) and node.get("jump_url"):
            yield str(node["jump_url"])
        yield from gk_jump_urls(node.get("children") or [])


def unix_date(value: Any) -> str | None:
    """`display_publish_time`/`create_time` (unix seconds, maybe as text) as a CST date."""
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return None
    if seconds > 10**11:  # milliseconds
        seconds //= 1000
    if seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, CST).strftime("%Y-%m-%d")


def article_date(article: dict[str, Any]) -> str | None:
    """The date an article was published: display time, else creation time, else text."""
    for key in ("display_publish_time", "create_time"):
        found = unix_date(article.get(key))
        if found:
            return found
    return ReportSpider.listed_date(str(article.get("created_at") or article.get("date") or ""))


class GkmlptSpider(ReportSpider):
    """gkmlpt: TREE → api/all JSON → post pages."""

    name = "gkmlpt"
    platform = "gkmlpt"
    # `window._CONFIG = { SID:'…'` (a JS literal: SID unquoted or quoted), a gkmlpt path, or
    # the api/all JSON envelope.
    fingerprint = re.compile(
        r"window\._CONFIG\s*=\s*\{[^<]{0,200}?['\"]?\bSID\b|/gkmlpt/|"
        r"^\s*\{\s*\"total\".*\"articles\"",
        re.DOTALL,
    )
    detect_order = 30

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        if "/gkmlpt/api/" in response.url:
            yield from self.gk_api(response)
            return
        config = self.read_config(response)
        if config is None or not config.get("SID"):
            return
        self.mark_parsed(response)
        site_id = response.meta["gongkai_site_id"]
        tree = config.get("TREE") or []
        cats = list(dict.fromkeys(gk_categories(tree))) or [EVERYTHING]
        for cat in cats:
            url = urljoin(response.url, API.format(cat=cat, page=1, sid=config["SID"]))
            yield self.request(site_id, url, self.parse_list_page, role="list")
        for jump in gk_jump_urls(tree):
            url = urljoin(response.url, jump)
            if self.is_nav_candidate(site_id, url):
                yield self.request(site_id, url, self.parse_list_page, role="list", hops=1)

    def read_config(self, response: TextResponse) -> dict[str, Any] | None:
        """`_CONFIG`, or None after saying loudly that the page no longer reads."""
        try:
            return gk_config(response.text)
        except ConfigError as exc:
            site_id = response.meta["gongkai_site_id"]
            self.crawler.stats.inc_value(f"gongkai/{site_id}/lists_unparsed")
            self.mark_parsed(response)  # counted here, not again as "no list found"
            self.logger.error("site %s changed: %s at %s", site_id, exc, response.url)
            return None

    def gk_api(self, response: TextResponse) -> Iterator[Request]:
        try:
            data = response.json()
        except ValueError:
            return
        if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
            return
        self.mark_parsed(response)
        articles = [a for a in data["articles"] if isinstance(a, dict)]
        for article in articles:
            href = self.article_href(response, article)
            request = self.follow_entry(
                response, href, str(article.get("title") or ""), article_date(article)
            )
            if request is not None:
                yield request
        if response.meta.get("gk_page") is None:  # the first page asked: schedule the rest
            yield from self.other_pages(response, data, len(articles))

    def other_pages(
        self, response: TextResponse, data: dict[str, Any], got: int
    ) -> Iterator[Request]:
        """Pages 0…n but the one asked first, when it did not hold all `total` articles
        (a 0-based server ends at n-1, a 1-based one starts at 1: both are covered)."""
        try:
            total = int(data.get("total") or (data.get("classify") or {}).get("post_count") or 0)
        except (TypeError, ValueError, AttributeError):
            total = 0
        if total <= got:
            return
        per = got or int(data.get("page_size") or PAGE_SIZE)
        last = min(math.ceil(total / per), MAX_PAGES)
        site_id = response.meta["gongkai_site_id"]
        asked = re.search(r"[?&]page=(\d+)", response.url)
        first = int(asked.group(1)) if asked else 1
        for n in (k for k in range(last + 1) if k != first):
            url = (
                re.sub(r"([?&])page=\d+", rf"\g<1>page={n}", response.url)
                if asked
                else f"{response.url}{'&' if '?' in response.url else '?'}page={n}"
            )
            request = self.request(site_id, url, self.parse_list_page, role="list", gk_page=n)
            if request is None:
                continue
            if n == 0:  # a 1-based server may refuse page 0: that loses nothing
                request = request.replace(errback=self.page_zero_refused)
            yield request

    def page_zero_refused(self, failure: Any) -> None:
        site_id = failure.request.meta.get("gongkai_site_id", "?")
        self.crawler.stats.inc_value(f"gongkai/{site_id}/gkmlpt_page0_refused")

    def article_href(self, response: TextResponse, article: dict[str, Any]) -> str:
        """`post_url` or `url`, whichever lies on the site's hosts (`url` may be absolute on a
        sibling host, `post_url` site-relative); fragments (`#<catId>`) dropped."""
        site = self.sites[response.meta["gongkai_site_id"]]
        candidates = [
            str(article.get(k) or "").split("#", 1)[0].strip() for k in ("post_url", "url")
        ]
        candidates = [c for c in candidates if c]
        for href in candidates:
            if host_allowed(urlsplit(urljoin(response.url, href)).netloc, site.allowed_hosts):
                return href
        return candidates[0] if candidates else ""

    # ---- detail pages ----------------------------------------------------------------
    def detail(self, response: TextResponse) -> dict[str, Any]:
        if "gk_detail" not in response.meta:
            config = self.read_config(response) or {}
            detail = config.get("DETAIL")
            response.meta["gk_detail"] = detail if isinstance(detail, dict) else {}
        return response.meta["gk_detail"]

    def attachments(self, response: TextResponse, title: str) -> Iterator[Request]:
        seen = set()
        for att in self.detail(response).get("attachment") or []:
            if not isinstance(att, dict) or not att.get("url"):
                continue
            url = urljoin(response.url, str(att["url"]))
            seen.add(url)
            name = str(att.get("name") or att.get("title") or "")
            request = self.request(
                response.meta["gongkai_site_id"],
                url,
                self.parse_file,
                role="file",
                title=name if titles.is_report_title(name) else title,
                listed=response.meta.get("listed"),
                found_on=response.url,
            )
            if request is not None:
                yield request
        content = self.detail(response).get("content")
        pages = [response]
        if isinstance(content, str) and content:  # links inside the JSON-embedded body
            pages.append(response.replace(body=content.encode("utf-8"), encoding="utf-8"))
        for page in pages:
            for request in super().attachments(page, title):
                if request.url not in seen:
                    seen.add(request.url)
                    yield request

    def body_text(self, response: TextResponse) -> str:
        content = self.detail(response).get("content")
        if not isinstance(content, str):
            return super().body_text(response)
        return "".join(Selector(text=content or "<p></p>").css("::text").getall()).strip()

    def page_title(self, response: TextResponse) -> str:
        return str(self.detail(response).get("title") or "") or super().page_title(response)
