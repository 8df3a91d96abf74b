"""TRS WCM (拓尔思) static-published channel lists.

Platform: TRS WCM sites (Fujian/Fuzhou districts `/xjwz/zfxxgk/zfxxgknb/`, Beijing districts,
  many provinces).
Listing: `index.htm(l)` then `index_1…index_{n-1}`; the page count exists only in script:
  `createPageHTML(n, cur, "index", "htm")` or the inline `var countPage = n` expansion.
  Items are relative `./YYYYMM/tYYYYMMDD_<id>.htm`; attachments `./P0<digits>.pdf` (base).
Caveats: GBK pages may declare their charset only in `<meta>` (Scrapy reads it); only page 0
  schedules the other pages, so a pager is never followed twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Request, Response, TextResponse

from crawler.spiders.base import ReportSpider

CREATE_PAGE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"](\w+)['\"]\s*,"
                         r"\s*['\"](\w+)['\"]")
COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*(\d+)")
CURRENT_PAGE = re.compile(r"var\s+currentPage\s*=\s*(\d+)")
PAGE_EXT = re.compile(r"\"(s?html?)\\?\"")
MAX_PAGES = 200


def trs_pager(text: str) -> tuple[int, int, str, str] | None:
    """(page count, current page, file stem, extension) from either pager form."""
    found = CREATE_PAGE.search(text)
    if found:
        return int(found.group(1)), int(found.group(2)), found.group(3), found.group(4)
    count = COUNT_PAGE.search(text)
    if not count:
        return None
    current = CURRENT_PAGE.search(text)
    ext = PAGE_EXT.search(text[count.start():count.start() + 2000])
    return (int(count.group(1)), int(current.group(1)) if current else 0, "index",
            ext.group(1) if ext else "html")


class TrsSpider(ReportSpider):
    """TRS WCM: every `a[title]`/`a` entry of the channel page, pages from the JS pager."""

    name = "trs"
    platform = "trs"
    fingerprint = re.compile(r"createPageHTML\s*\(|var\s+countPage\s*=|TRS_Editor|"
                             r"['\"]\./\d{6}/t\d{8}_\d+\.s?html?['\"]")
    detect_order = 40

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        yield from self.trs_entries(response)
        pager = trs_pager(response.text)
        if pager is None:
            return
        self.mark_parsed(response)
        count, current, stem, ext = pager
        if current != 0 or response.meta.get("trs_page"):
            return
        site_id = response.meta["gongkai_site_id"]
        for n in range(1, min(count, MAX_PAGES)):
            yield self.request(site_id, urljoin(response.url, f"{stem}_{n}.{ext}"),
                               self.parse_list_page, role="list", trs_page=n)

    def trs_entries(self, response: TextResponse) -> Iterator[Request]:
        for link in response.css("a[href]"):
            text = " ".join(link.css("::text").getall())
            title = link.attrib.get("title") or text
            row = " ".join(link.xpath("..//text()").getall())
            request = self.follow_entry(response, link.attrib["href"], title,
                                        self.listed_date(row))
            if request is not None:
                yield request
