"""Shanghai district disclosure CMSs (闵行-like channels, 杨浦-like query-id details).

Platform: Shanghai districts run their own systems (site-structures.md §5); this spider reads
  the shapes seen on them: 闵行's `/mh-xxgk-cms/website/mh_xxgk/<channel>/` channels
  (`gknb_qzfnb` for the district, `xxgk_<dept>_gknb` per department) whose lists are
  `<channel>/List/list_0.htm`, `list_1.htm` … and whose details are `content/<uuid>.htm`, and
  杨浦's `buffersInformation/details?id=<uuid>` details, and 浦东's JSON list API: a list URL
  `…/zwgk-search-front/api/data/affair?channelList=<id>[&pageSize=n]` is asked as
  `POST` with the JSON body `{"channelList":["<id>"],"pageNo":1,"pageSize":n}` and answers
  `data{pageNo,totalPage,totalCount,list[{title,url,display_date}]}` (public clients of this
  search-front service page it by `pageNo`, from 1, and read those totals).
Listing: every report-titled link of a channel page; then the next `List/list_<n+1>.htm`
  as long as the page held detail links — the pager may be script, so pages are asked in
  order, and a 404 past the last page ends the channel quietly.  浦东's API is asked page by
  page while `totalPage` (or `totalCount`) says more rows remain, at most MAX_PAGES; a window
  that claims more rows than could be read is counted `lists_truncated` (the site fails).
Caveats: a channel root and `List/list_0.htm` show the same first page (duplicates are
  filtered); dates are read from the row, `发布时间:2026年2月4日` included.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scrapy.http import Request, Response, TextResponse

from crawler.spiders.base import ReportSpider

CHANNEL = re.compile(r"^(.*/mh_xxgk/\w+/)(?:index\.html?|List/list_(\d+)\.htm)?$")
DETAIL_LINK = re.compile(r"/content/[0-9a-fA-F-]{36}\.htm|buffersInformation/details\?id=")
MAX_PAGES = 200
AFFAIR_API = "/zwgk-search-front/api/data/affair"
AFFAIR_PAGE_SIZE = 100
CHANNEL_LIST = re.compile(r"channelList['\"]?\s*[:=]\s*\[([^\]]*)\]")


class ShanghaiSpider(ReportSpider):
    """Shanghai district channels: report links, then `List/list_N.htm` in order."""

    name = "shanghai"
    platform = "shanghai"
    fingerprint = re.compile(r"/mh-xxgk-cms/|buffersInformation/details\?id=|zwgk-search-front/")
    detect_order = 35

    async def start(self) -> AsyncIterator[Request]:
        async for request in super().start():
            yield self.affair_request(request) if AFFAIR_API in request.url else request

    @staticmethod
    def affair_request(request: Request, page: int = 1) -> Request:
        """浦东's list API wants its query as a JSON POST body; `pageNo` counts from 1."""
        query = parse_qs(urlsplit(request.url).query)
        body = {
            "channelList": query.get("channelList", []),
            "pageNo": page,
            "pageSize": int((query.get("pageSize") or [str(AFFAIR_PAGE_SIZE)])[0]),
        }
        return request.replace(
            method="POST",
            body=json.dumps(body),
            headers={"Content-Type": "application/json;charset=UTF-8"},
            meta={**request.meta, "affair_page": page},
        )

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        if AFFAIR_API in response.url:
            yield from self.affair(response)
            return
        yield from self.affair_calls(response)
        if not self.is_markup(response):
            return
        for link in response.css("a[href]"):
            request = self.follow_entry(
                response,
                link.attrib["href"],
                self.link_title(link),
                self.listed_date(self.row_text(link)),
            )
            if request is not None:
                yield request
        channel = CHANNEL.match(response.url.split("?", 1)[0])
        hrefs = response.css("a::attr(href)").getall()
        if channel is not None and any(
            CHANNEL.match(response.urljoin(h))
            for h in hrefs
            if response.urljoin(h).rsplit("/", 1)[0] != response.url.rsplit("/", 1)[0]
        ):
            self.mark_parsed(response)  # a directory of channels: navigation follows them
        if channel is None or not any(DETAIL_LINK.search(h) for h in hrefs):
            return  # not a channel, or an empty page: the end of the channel
        self.mark_parsed(response)
        n = int(channel.group(2)) + 1 if channel.group(2) is not None else 0
        if n < MAX_PAGES:
            request = self.request(
                response.meta["gongkai_site_id"],
                f"{channel.group(1)}List/list_{n}.htm",
                self.parse_list_page,
                role="list",
            )
            if request is not None:
                yield request.replace(errback=self.end_of_channel)

    def end_of_channel(self, failure: Any) -> None:
        """A 404 for the page after the last one is how a channel ends; anything else fails."""
        response = getattr(failure.value, "response", None)
        if response is not None and response.status == 404:
            site_id = failure.request.meta.get("gongkai_site_id", "?")
            self.crawler.stats.inc_value(f"gongkai/{site_id}/channel_ends")
            return
        self.on_error(failure)

    def affair_calls(self, response: TextResponse) -> Iterator[Request]:
        """A 浦东 channel page's script that asks the list API for `channelList:[…]`."""
        if AFFAIR_API not in response.text:
            return
        for found in CHANNEL_LIST.finditer(response.text):
            ids = re.findall(r"\d+", found.group(1))
            if not ids:
                continue
            self.mark_parsed(response)
            url = response.urljoin(AFFAIR_API) + "?" + "&".join(f"channelList={i}" for i in ids)
            request = self.request(
                response.meta["gongkai_site_id"], url, self.parse_affair, role="list"
            )
            if request is not None:
                yield self.affair_request(request)

    def parse_affair(self, response: Response) -> Iterator[Any]:
        """The API's answer is this platform's to read (`auto` must not re-detect JSON)."""
        yield from self.parse_list_page(response)

    def affair(self, response: TextResponse) -> Iterator[Request]:
        """Entries of a 浦东 `api/data/affair` answer, then its next page while rows remain."""
        try:
            data = response.json().get("data") or {}
            rows = data.get("list")
        except (ValueError, AttributeError):
            return
        if not isinstance(rows, list):
            return
        self.mark_parsed(response)
        for row in rows:
            if not isinstance(row, dict):
                continue
            request = self.follow_entry(
                response,
                str(row.get("url") or ""),
                str(row.get("title") or ""),
                self.listed_date(affair_date(row.get("display_date"))),
            )
            if request is not None:
                yield request
        yield from self.affair_next(response, data, len(rows))

    def affair_next(
        self, response: TextResponse, data: dict[str, Any], got: int
    ) -> Iterator[Request]:
        """The next API page while the answer says rows remain; a window that claims more
        rows than can be read (an empty page before the last, an answer for another page
        than asked — the server ignoring pageNo — or MAX_PAGES reached) fails the site."""
        page = int(response.meta.get("affair_page") or 1)
        answered = as_int(data.get("pageNo"))
        if got and answered is not None and answered != page:
            self.truncated(response, f"asked for page {page}, the API answered page {answered}")
            return
        size = as_int(data.get("pageSize")) or int(
            (parse_qs(urlsplit(response.url).query).get("pageSize") or [str(AFFAIR_PAGE_SIZE)])[0]
        )
        counts = {k: data[k] for k in ("totalPage", "totalCount", "total") if k in data}
        bad = {k: v for k, v in counts.items() if (n := as_int(v)) is None or n < 0}
        if bad:
            self.truncated(response, f"page {page}: the API's counts are not counts: {bad!r:.80}")
            return
        pages, total = as_int(data.get("totalPage")), as_int(data.get("totalCount"))
        if total is None:
            total = as_int(data.get("total"))
        if pages is None and total is not None:
            pages = -(-total // max(1, size))
        if pages is None or page >= pages:
            return  # the last page (or an answer that does not page)
        if got == 0:
            self.truncated(response, f"page {page} of {pages} came back empty")
            return
        if page >= MAX_PAGES:
            self.truncated(response, f"{pages} pages, read the first {MAX_PAGES}")
            return
        site_id = response.meta["gongkai_site_id"]
        base = self.request(site_id, response.url, self.parse_affair, role="list")
        if base is not None:
            yield self.affair_request(base, page + 1)


def as_int(value: Any) -> int | None:
    """A count from the API (a whole number or a string of digits), else None: never a
    fraction cut down (2.5 pages is not 2), a bool, or a sign the API has no use for."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


CST = timedelta(hours=8)


def affair_date(value: Any) -> str:
    """`display_date` as text: `2024-02-19[ 10:00:00]` as given, epoch milliseconds (the
    search API's form) as the China-time date."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        millis = int(value)
        if millis > 10**11:  # milliseconds since 1970, not a year or a page number
            return f"{datetime.fromtimestamp(millis / 1000, UTC) + CST:%Y-%m-%d}"
    return str(value or "")
