"""Guangdong gkmlpt (政府信息公开目录管理平台) catalogue lists.

Platform: the province-wide gkmlpt used by every Guangdong city, district and department.
Listing: `/gkmlpt/index` carries `window._CONFIG = {"SID": …, "TREE": [...]}`; the 年报
  categories (and their children) are read from TREE and listed through
  `GET /gkmlpt/api/all/<catId>?page=n&sid=<SID>` JSON (`articles[]`, `total_page`).
  Detail pages `…/post_<id>.html` embed the article (content, attachment[]) in _CONFIG.DETAIL.
Caveats: attachments are listed only in JSON, so they come from DETAIL.attachment; some
  sites answer page ≥2 with 404 — page 1 then already held everything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Request, Response, TextResponse
from scrapy.selector import Selector

from crawler import titles
from crawler.spiders.base import NAV_LIST, ReportSpider

CONFIG = re.compile(r"window\._CONFIG\s*=\s*(\{.*?\});?\s*</script>", re.DOTALL)


def gk_config(text: str) -> dict[str, Any]:
    found = CONFIG.search(text)
    try:
        return json.loads(found.group(1)) if found else {}
    except ValueError:
        return {}


def gk_categories(tree: list[dict[str, Any]], inside: bool = False) -> Iterator[int]:
    """Ids of 年报 categories and everything under them."""
    for node in tree:
        hit = inside or bool(NAV_LIST.search(node.get("name", "")))
        if hit:
            yield node["id"]
        yield from gk_categories(node.get("children") or [], hit)


class GkmlptSpider(ReportSpider):
    """gkmlpt: TREE → api/all JSON → post pages."""

    name = "gkmlpt"
    platform = "gkmlpt"

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        site_id = response.meta["gongkai_site_id"]
        if "/gkmlpt/api/" in response.url:
            yield from self.gk_api(response)
            return
        config = gk_config(response.text)
        if not config.get("SID"):
            return
        self.mark_parsed(response)
        for cat in gk_categories(config.get("TREE") or []):
            url = urljoin(response.url, f"/gkmlpt/api/all/{cat}?page=1&sid={config['SID']}")
            yield self.request(site_id, url, self.parse_list_page, role="list")

    def gk_api(self, response: TextResponse) -> Iterator[Request]:
        try:
            data = json.loads(response.text)
        except ValueError:
            return
        if not isinstance(data, dict) or "articles" not in data:
            return
        self.mark_parsed(response)
        for article in data["articles"] or []:
            href = article.get("post_url") or article.get("url") or ""
            request = self.follow_entry(response, href, article.get("title", ""),
                                        (article.get("created_at") or "")[:10] or None)
            if request is not None:
                yield request
        if int(data.get("page") or 1) == 1:
            for n in range(2, int(data.get("total_page") or 1) + 1):
                url = re.sub(r"([?&])page=\d+", rf"\g<1>page={n}", response.url)
                yield self.request(response.meta["gongkai_site_id"], url, self.parse_list_page,
                                   role="list")

    def attachments(self, response: TextResponse, title: str) -> Iterator[Request]:
        detail = gk_config(response.text).get("DETAIL") or {}
        seen = set()
        for att in detail.get("attachment") or []:
            url = urljoin(response.url, att.get("url", ""))
            seen.add(url)
            name = att.get("name") or ""
            yield self.request(response.meta["gongkai_site_id"], url, self.parse_file,
                               role="file", title=name if titles.is_report_title(name) else title,
                               listed=response.meta.get("listed"), found_on=response.url)
        for request in super().attachments(response, title):
            if request.url not in seen:
                yield request

    def body_text(self, response: TextResponse) -> str:
        content = (gk_config(response.text).get("DETAIL") or {}).get("content")
        if content is None:
            return super().body_text(response)
        return "".join(Selector(text=content or "<p></p>").css("::text").getall()).strip()
