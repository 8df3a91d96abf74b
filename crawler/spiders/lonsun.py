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
  URL, the next `pageIndex` while the page holds rows, until a page without rows shows the
  empty text (`result=`, by default 暂无相关信息), at most MAX_PAGES — past that, with rows still
  coming, the window is counted `lists_truncated`, as is a later page with neither rows nor the
  empty text, or one repeating the page before. A column page whose rows are a script template
  is recognised and reported as not supported (`crawler.unsupported`).
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
        """The next `pageIndex` of a data URL while its pages hold rows.

        Only the empty text on a page without rows ends the list quietly.  A page without
        rows nor the empty text (an error page answered 200, a changed template), a page
        repeating the rows of the one before (the server ignoring `pageIndex`), a `pageIndex`
        that is not a page number, or rows still coming at MAX_PAGES: the list was not read to
        its end, and the site fails (`lists_truncated`), or on the first page `lists_unparsed`.
        """
        query = dict(parse_qsl(urlsplit(response.url).query, keep_blank_values=True))
        rows = response.css(ROWS) if self.is_markup(response) else []
        raw = query.get("pageIndex") or "1"
        page = int(raw) if raw.isdigit() and len(raw) < 7 else 0
        if not rows:
            if (query.get("result") or EMPTY_TEXT) in response.text:
                self.mark_parsed(response)  # the page past the last: the list's end
            elif page > 1:
                self.mark_parsed(response)
                self.truncated(response, f"page {page} holds neither rows nor the empty text")
            return
        self.mark_parsed(response)
        seen = [a.attrib.get("href", "") for a in rows]
        if page < 1:
            self.truncated(response, f"pageIndex {raw[:20]!r} is not a page number")
            return
        if seen == response.meta.get("lonsun_rows"):
            self.truncated(response, f"page {page} repeats page {page - 1} (pageIndex ignored)")
            return
        if page >= MAX_PAGES:
            self.truncated(response, f"rows still on page {page}, the last one read")
            return
        query["pageIndex"] = str(page + 1)
        parts = urlsplit(response.url)
        url = urlunsplit(parts._replace(query=urlencode(query, safe="/,")))
        request = self.request(
            response.meta["gongkai_site_id"],
            url,
            self.parse_list_page,
            role="list",
            lonsun_rows=seen,
        )
        if request is not None:
            yield request


def is_data_url(url: str) -> bool:
    """A `/site/label/<n>?labelName=publicInfoList…` list data URL."""
    parts = urlsplit(url)
    return bool(LABEL.search(parts.path)) and "labelName=publicInfoList" in parts.query
