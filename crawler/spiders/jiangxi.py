"""Jiangxi-style lists written as script data: `var listData = {articleList:[…]}`.

Platform: the Jiangxi government site group (site-structures.md §7, "script_json"): the list
  page carries no list markup; a script holds `var listData = {articleList:[{title, showTitle,
  pubDate, urls:"{\\"pc\\":\\"…\\"}"}]}` — a JavaScript object literal whose `urls` is itself a
  JSON *string* naming the PC and mobile addresses. Detail pages keep their body in script too,
  as `content:{"content":"<html>"}`.
Listing: every article of listData whose title is a report's, at its `pc` URL (else the first
  URL given); the page's own pager (if any) is followed like a static list.
Caveats: a `listData` that is there but cannot be read counts as an unparsed list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import chompjs
from scrapy.http import Response, TextResponse
from scrapy.selector import Selector

from crawler.spiders.base import ReportSpider
from crawler.spiders.static import PAGER_HREF, PAGER_TEXT

LIST_DATA = re.compile(r"var\s+listData\s*=\s*(?=\{)")
CONTENT = re.compile(r"""['"]?content['"]?\s*:\s*\{\s*['"]content['"]\s*:\s*("(?:[^"\\]|\\.)*")""")


def list_data(text: str) -> dict[str, Any] | None:
    """The `listData` object of a page (None: the page has none); ValueError if unreadable."""
    found = LIST_DATA.search(text)
    if not found:
        return None
    value: Any = chompjs.parse_js_object(text[found.end() :])
    if not isinstance(value, dict):
        raise ValueError("listData is not an object")
    return value


def article_url(urls: Any) -> str:
    """The PC address from `urls` (a JSON string, or already an object)."""
    if isinstance(urls, str):
        try:
            urls = json.loads(urls)
        except ValueError:
            return urls.strip()
    if isinstance(urls, dict):
        return str(urls.get("pc") or next((v for v in urls.values() if v), ""))
    return ""


class JiangxiSpider(ReportSpider):
    """listData script lists; the static pager for further pages."""

    name = "jiangxi"
    platform = "jiangxi"
    fingerprint = re.compile(r"var\s+listData\s*=\s*\{")
    detect_order = 5  # before hanweb: the Jiangxi group runs on Hanweb, listData is specific

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        site_id = response.meta["gongkai_site_id"]
        try:
            data = list_data(response.text)
        except ValueError as exc:
            self.crawler.stats.inc_value(f"gongkai/{site_id}/lists_unparsed")
            self.mark_parsed(response)
            self.logger.error(
                "site %s changed: listData unreadable (%s) at %s", site_id, exc, response.url
            )
            return
        if data is None:
            return
        self.mark_parsed(response)
        for article in data.get("articleList") or []:
            if not isinstance(article, dict):
                continue
            title = str(article.get("title") or article.get("showTitle") or "")
            title = " ".join(Selector(text=f"<p>{title}</p>").css("::text").getall())
            request = self.follow_entry(
                response,
                article_url(article.get("urls")),
                title,
                self.listed_date(str(article.get("pubDate") or "")),
            )
            if request is not None:
                yield request
        if self.is_markup(response):  # a server-side pager next to the data, if any
            yield from self.pager(response)

    def pager(self, response: TextResponse) -> Iterator[Any]:
        folder = urlsplit(response.url).path.rsplit("/", 1)[0]
        for link in response.css("a[href]"):
            url = response.urljoin(link.attrib["href"])
            text = " ".join(link.css("::text").getall())
            if (
                PAGER_TEXT.match(text)
                and PAGER_HREF.search(url)
                and urlsplit(url).path.rsplit("/", 1)[0] == folder
                and self.is_nav_candidate(response.meta["gongkai_site_id"], url)
            ):
                yield self.request(
                    response.meta["gongkai_site_id"], url, self.parse_list_page, role="list"
                )

    def body_text(self, response: TextResponse) -> str:
        found = CONTENT.search(response.text)
        if found is None:
            return super().body_text(response)
        try:
            html = json.loads(found.group(1))
        except ValueError:
            return super().body_text(response)
        return "".join(Selector(text=html or "<p></p>").css("::text").getall()).strip()
