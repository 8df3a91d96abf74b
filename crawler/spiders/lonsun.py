"""The Anhui/Jiangxi/Qinghai disclosure platform (`/public/column/<id>?…&action=list`).

Platform: the provincial 政务公开 platform many Anhui (and some Jiangxi, Qinghai) county and
  department sites run: columns `/public/column/<organId>?type=4&catId=<catId>&action=list
  &nav=3[&pageIndex=N]`, details `/public/<organId>/<id>.html`, list rows
  `<ul class="clearfix xxgk_nav_list"><li><a title=…>…</a><span class="date">…</span></li>`
  (or `<div class="xxgk_navli">`). Some sites render the rows on the server; others fill them
  in by script from a data URL `/site/label/8888?…labelName=publicInfoList&siteId=…
  &pageIndex=N…&organId=…&catId=…&result=暂无相关信息&file=<the site's template>` that answers
  the same rows as an HTML fragment (public scrapers of these sites ask it directly; the
  template path is the site's own, which is why it is given in `list_urls`, not derived).
Listing: report links as the static spider reads them (titles, dates, pager links); on a data
  URL, the next `pageIndex` while the page held rows and not its empty text (`result=`, by
  default 暂无相关信息), at most MAX_PAGES — past that, with rows still coming, the window is
  counted `lists_truncated`. A column page whose rows are a script template is recognised and
  reported as not supported (`crawler.unsupported`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy.http import Response, TextResponse

from crawler.spiders.static import StaticSpider

LABEL = re.compile(r"/site/label/\d+$")
EMPTY_TEXT = "暂无相关信息"  # the platform's default `result=`: what an empty page says
ROWS = "ul.xxgk_nav_list li a[href], div.xxgk_navli a[href]"
MAX_PAGES = 200


class LonsunSpider(StaticSpider):
    """Static reading of the platform's rows, plus `pageIndex` paging of its data URL."""

    name = "lonsun"
    platform = "lonsun"
    fingerprint = re.compile(r"xxgk_nav_list|xxgk_navli|/site/label/\d+\?[^\"'<>]*publicInfoList")
    detect_order = 45  # after the CMSs with their own markers, before the static fallback

    def parse_list(self, response: Response) -> Iterator[Any]:
        yield from super().parse_list(response)
        if isinstance(response, TextResponse) and is_data_url(response.url):
            yield from self.next_data_page(response)

    def next_data_page(self, response: TextResponse) -> Iterator[Any]:
        """The next `pageIndex` of a data URL while its pages hold rows."""
        query = dict(parse_qsl(urlsplit(response.url).query, keep_blank_values=True))
        rows = response.css(ROWS) if self.is_markup(response) else []
        empty = query.get("result") or EMPTY_TEXT
        if not rows or empty in response.text:
            if not rows:
                self.mark_parsed(response)  # the page past the last: the list's end
            return
        self.mark_parsed(response)
        page = int(query.get("pageIndex") or 1)
        if page >= MAX_PAGES:
            self.truncated(response, f"rows still on page {page}, the last one read")
            return
        query["pageIndex"] = str(page + 1)
        parts = urlsplit(response.url)
        url = urlunsplit(parts._replace(query=urlencode(query, safe="/,")))
        request = self.request(
            response.meta["gongkai_site_id"], url, self.parse_list_page, role="list"
        )
        if request is not None:
            yield request


def is_data_url(url: str) -> bool:
    """A `/site/label/<n>?labelName=publicInfoList…` list data URL."""
    parts = urlsplit(url)
    return bool(LABEL.search(parts.path)) and "labelName=publicInfoList" in parts.query
