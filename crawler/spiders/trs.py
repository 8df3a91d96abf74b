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

CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"](\w+)['\"]\s*,"
    r"\s*['\"](\w+)['\"]"
)
COUNT_PAGE = re.compile(r"var\s+countPage\s*=\s*(\d+)")
CURRENT_PAGE = re.compile(r"var\s+currentPage\s*=\s*(\d+)")
PAGE_EXT = re.compile(r"\"(s?html?)\\?\"")
INLINE_STEM = re.compile(r"\"(\w+)\"\s*\+\s*\"_\"")  # "index"+"_" + i + "."+"html"
MAX_PAGES = 200
JS_COMMENT = re.compile(r"(?<![:\\'\"])//[^\n]*")
# The other CMS family's 6-argument pager (§3.1): createPageHTML('page_div', <count>,
# <current, 1-based>, 'list', 'shtml', <records>) — page k is `list_<k>.shtml`.
CREATE_PAGE_6 = re.compile(
    r"createPageHTML\(\s*['\"][\w-]+['\"]\s*,\s*(\d+)\s*,\s*(\d+)\s*,"
    r"\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]"
)


def pager_files(text: str) -> list[str] | None:
    """File names of a channel's other list pages, as seen from its first page (None: no pager,
    or not the first page)."""
    six = CREATE_PAGE_6.search(JS_COMMENT.sub("", text))
    if six:
        count, current, stem, ext = int(six.group(1)), int(six.group(2)), six.group(3), six.group(4)
        if current > 1:
            return None
        return [f"{stem}_{k}.{ext}" for k in range(2, min(count, MAX_PAGES) + 1)]
    pager = trs_pager(text)
    if pager is None:
        return None
    count, current, stem, ext = pager
    if current != 0:
        return None
    return [f"{stem}_{n}.{ext}" for n in range(1, min(count, MAX_PAGES))]


def trs_pager(text: str) -> tuple[int, int, str, str] | None:
    """(page count, current page, file stem, extension) from either pager form.

    TRS leaves the template call commented out above its inline expansion
    (`//createPageHTML(9, 0, "index", "html");` then `var countPage = 17;`): only live code
    counts, so `//` comments are dropped, and the inline `countPage` (the live value) wins
    over any createPageHTML text left elsewhere in the page."""
    text = JS_COMMENT.sub("", text)
    count = COUNT_PAGE.search(text)
    if count:
        current = CURRENT_PAGE.search(text)
        ext = PAGE_EXT.search(text[count.start() : count.start() + 2000])
        stem = INLINE_STEM.search(text[count.start() : count.start() + 2000])
        return (
            int(count.group(1)),
            int(current.group(1)) if current else 0,
            stem.group(1) if stem else "index",
            ext.group(1) if ext else "html",
        )
    found = CREATE_PAGE.search(text)
    if found:
        return int(found.group(1)), int(found.group(2)), found.group(3), found.group(4)
    return None


class TrsSpider(ReportSpider):
    """TRS WCM: every `a[title]`/`a` entry of the channel page, pages from the JS pager."""

    name = "trs"
    platform = "trs"
    fingerprint = re.compile(
        r"createPageHTML\s*\(|var\s+countPage\s*=|TRS_Editor|"
        r"['\"]\./\d{6}/t\d{8}_\d+\.s?html?['\"]"
    )
    detect_order = 40

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not self.is_markup(response):
            return
        yield from self.trs_entries(response)
        if CREATE_PAGE_6.search(response.text) is None and trs_pager(response.text) is None:
            return
        self.mark_parsed(response)
        files = pager_files(response.text)
        if files is None or response.meta.get("trs_page"):
            return
        site_id = response.meta["gongkai_site_id"]
        for n, name in enumerate(files, start=1):
            yield self.request(
                site_id, urljoin(response.url, name), self.parse_list_page, role="list", trs_page=n
            )

    def trs_entries(self, response: TextResponse) -> Iterator[Request]:
        for link in response.css("a[href]"):
            request = self.follow_entry(
                response,
                link.attrib["href"],
                self.link_title(link),
                self.listed_date(self.row_text(link)),
            )
            if request is not None:
                yield request
