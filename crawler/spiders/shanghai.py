"""Shanghai district disclosure CMSs (闵行-like channels, 杨浦-like query-id details).

Platform: Shanghai districts run their own systems (site-structures.md §5); this spider reads
  the shapes seen on them: 闵行's `/mh-xxgk-cms/website/mh_xxgk/<channel>/` channels
  (`gknb_qzfnb` for the district, `xxgk_<dept>_gknb` per department) whose lists are
  `<channel>/List/list_0.htm`, `list_1.htm` … and whose details are `content/<uuid>.htm`, and
  杨浦's `buffersInformation/details?id=<uuid>` details.
Listing: every report-titled link of a channel page; then the next `List/list_<n+1>.htm`
  as long as the page held detail links — the pager may be script, so pages are asked in
  order, and a 404 past the last page ends the channel quietly.
Caveats: a channel root and `List/list_0.htm` show the same first page (duplicates are
  filtered); dates are read from the row, `发布时间:2026年2月4日` included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response, TextResponse

from crawler.spiders.base import ReportSpider

CHANNEL = re.compile(r"^(.*/mh_xxgk/\w+/)(?:index\.html?|List/list_(\d+)\.htm)?$")
DETAIL_LINK = re.compile(r"/content/[0-9a-fA-F-]{36}\.htm|buffersInformation/details\?id=")
MAX_PAGES = 200


class ShanghaiSpider(ReportSpider):
    """Shanghai district channels: report links, then `List/list_N.htm` in order."""

    name = "shanghai"
    platform = "shanghai"
    fingerprint = re.compile(r"/mh-xxgk-cms/|buffersInformation/details\?id=")
    detect_order = 35

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        for link in response.css("a[href]"):
            request = self.follow_entry(response, link.attrib["href"], self.link_title(link),
                                        self.listed_date(self.row_text(link)))
            if request is not None:
                yield request
        channel = CHANNEL.match(response.url.split("?", 1)[0])
        hrefs = response.css("a::attr(href)").getall()
        if channel is not None and any(
                CHANNEL.match(response.urljoin(h)) for h in hrefs
                if response.urljoin(h).rsplit("/", 1)[0] != response.url.rsplit("/", 1)[0]):
            self.mark_parsed(response)  # a directory of channels: navigation follows them
        if channel is None or not any(DETAIL_LINK.search(h) for h in hrefs):
            return  # not a channel, or an empty page: the end of the channel
        self.mark_parsed(response)
        n = int(channel.group(2)) + 1 if channel.group(2) is not None else 0
        if n < MAX_PAGES:
            request = self.request(response.meta["gongkai_site_id"],
                                   f"{channel.group(1)}List/list_{n}.htm",
                                   self.parse_list_page, role="list")
            yield request.replace(errback=self.end_of_channel)

    def end_of_channel(self, failure: Any) -> None:
        """A 404 for the page after the last one is how a channel ends; anything else fails."""
        response = getattr(failure.value, "response", None)
        if response is not None and response.status == 404:
            site_id = failure.request.meta.get("gongkai_site_id", "?")
            self.crawler.stats.inc_value(f"gongkai/{site_id}/channel_ends")
            return
        self.on_error(failure)
