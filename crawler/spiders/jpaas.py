"""Hanweb JPaaS (集约化平台) unit lists.

Platform: the newer Hanweb publishing platform (Zhejiang districts such as 滨江, ministries).
Listing: the column page holds only an empty unit `<div … queryData="{'webId':…,'tplSetId':…,
  'tagId':…,'pageId':…}">`; records come from
  `GET /api-gateway/jpaas-publish-server/front/page/build/unit?<queryData>&paramJson=
  {"pageNo":n,"pageSize":m}` as JSON whose `data.html` is the list fragment with `count="N"`.
Caveats: without paramJson the server returns only the latest 10, so paramJson is always sent;
  queryData is written with single quotes, not JSON.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urljoin

from scrapy.http import Request, Response, TextResponse
from scrapy.selector import Selector

from crawler.spiders.base import ReportSpider

BUILD_UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"
QUERY_DATA = re.compile(r"queryData=[\"']\{(.*?)\}[\"']", re.DOTALL)
PAIR = re.compile(r"['\"]?(\w+)['\"]?\s*:\s*['\"]([^'\"]*)['\"]")
PAGE_SIZE = re.compile(r"pageSize\s*:\s*(\d+)")
# The total sits in the fragment as a count attribute (`count="931"`), some units write it as
# `"count":931` or `count:'931'`.
COUNT = re.compile(r"\bcount\\?[\"']?\s*[=:]\s*\\?[\"']?(\d+)")


class JpaasSpider(ReportSpider):
    """JPaaS: queryData units paged through build/unit."""

    name = "jpaas"
    platform = "jpaas"
    fingerprint = re.compile(r"jpaas-publish-server|queryData=|/build/unit\b")
    detect_order = 20

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        units = [dict(PAIR.findall(body)) for body in QUERY_DATA.findall(response.text)]
        if not units:
            return
        self.mark_parsed(response)
        size = int((PAGE_SIZE.findall(response.text) or ["15"])[0])
        for query in units:
            yield self.jpaas_unit(response, query, 1, size)

    def jpaas_unit(
        self, response: Response, query: dict[str, str], page: int, size: int
    ) -> Request | None:
        param = json.dumps({"pageNo": page, "pageSize": size}, separators=(",", ":"))
        url = urljoin(response.url, BUILD_UNIT) + "?" + urlencode({**query, "paramJson": param})
        return self.request(
            response.meta["gongkai_site_id"],
            url,
            self.jpaas_page,
            role="proxy",
            jpaas=(query, page, size),
            found_on=response.url,
        )

    def jpaas_page(self, response: Response) -> Iterator[Any]:
        query, page, size = response.meta["jpaas"]
        try:
            html = (json.loads(response.text).get("data") or {}).get("html") or ""
        except (ValueError, AttributeError):
            html = ""
        fragment = Selector(text=html or "<div></div>")
        page_of = response.replace(url=response.meta["found_on"])
        links = fragment.css("li a[href], a[href]")
        if not links:
            self.crawler.stats.inc_value(
                f"gongkai/{response.meta['gongkai_site_id']}/lists_unparsed"
            )
        for link in fragment.css("li a[href]") or links:
            request = self.follow_entry(
                page_of,
                link.attrib["href"],
                self.link_title(link),
                self.listed_date(self.row_text(link)),
            )
            if request is not None:
                yield request
        if page == 1:
            found = COUNT.search(html) or COUNT.search(response.text)
            count = int(found.group(1)) if found else 0
            for n in range(2, math.ceil(count / size) + 1):
                yield self.jpaas_unit(page_of, query, n, size)
