"""Plain server-rendered lists: the fallback for sites with no recognised CMS.

Platform: any site whose 年报 column is ordinary HTML (Shanghai district CMSs, Sudy WebPlus,
  home-grown portals).
Listing: every link whose title (title= or text) is a report's; pages through links named
  下一页/尾页/末页/page numbers or shaped `list_N` / `index_N` in the same directory.
Caveats: pager links are followed as lists (dupe filter stops cycles), at most MAX_PAGES.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.http import Request, Response

from crawler.spiders.base import ReportSpider

# Pager words, also decorated (`下一页>>`, `<<上一页`, `[2]`).
PAGER_TEXT = re.compile(
    r"^[\s<>«»\[\]]*(下一页|下页|尾页|末页|最后一页|首页|上一页|上页|>|»|<|«|\d{1,3})"
    r"[\s<>«»\[\]]*$"
)
PAGER_HREF = re.compile(
    r"(?:list|index|page)[_-]?\d+\.s?html?$|[?&](?:page|pageNo|pageIndex)=\d+", re.IGNORECASE
)
MAX_PAGES = 100


class StaticSpider(ReportSpider):
    """Report links anywhere on the page; pager links within the list's directory."""

    name = "static"
    platform = "static"

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not self.is_markup(response):
            return
        site_id = response.meta["gongkai_site_id"]
        pages = response.meta.get("static_pages", 0)
        folder = urlsplit(response.url).path.rsplit("/", 1)[0]
        for link in response.css("a[href]"):
            href = link.attrib["href"]
            text = " ".join(link.css("::text").getall())
            if response.meta.get("gongkai_links_capped"):
                return  # a page with more report links than the cap: the rest is not read
            request = self.follow_entry(
                response, href, self.link_title(link), self.listed_date(self.row_text(link))
            )
            if request is not None:
                self.mark_parsed(response)
                yield request
                continue
            url = urljoin(response.url, href)
            if PAGER_TEXT.match(text):
                self.mark_parsed(response)  # a pager: this is a list, even without reports
            same_folder = urlsplit(url).path.rsplit("/", 1)[0] == folder
            if (
                same_folder
                and pages < MAX_PAGES
                and PAGER_HREF.search(url)
                and PAGER_TEXT.match(text)
                and self.is_nav_candidate(site_id, url)
            ):
                self.mark_parsed(response)
                yield self.pager_request(site_id, url, pages + 1)

    def pager_request(self, site_id: str, url: str, pages: int) -> Request | None:
        return self.request(site_id, url, self.parse_list_page, role="list", static_pages=pages)
