"""`platform: auto`: recognise the CMS from each page and parse it the way that platform does.

Platform: any; used when the registry does not know (or no longer trusts) a site's platform.
Listing: `detect()` fingerprints the response — dataproxy.jsp/datastore → hanweb,
  build/unit/queryData → jpaas, createPageHTML/countPage/TRS_Editor → trs, _CONFIG SID or
  gkmlpt API JSON → gkmlpt, else static — and that platform's `parse_list` runs on it.
Caveats: detection is per page, so a portal whose home page is static but whose columns are
  Hanweb is still read correctly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from scrapy.http import Response, TextResponse

from crawler.spiders.gkmlpt import GkmlptSpider
from crawler.spiders.hanweb import HanwebSpider
from crawler.spiders.jpaas import JpaasSpider
from crawler.spiders.static import StaticSpider
from crawler.spiders.trs import TrsSpider

FINGERPRINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("hanweb", re.compile(r"dataproxy\.jsp|<datastore>|var\s+param_\w+\s*=")),
    ("jpaas", re.compile(r"jpaas-publish-server|queryData=|/build/unit\b")),
    ("gkmlpt", re.compile(r"window\._CONFIG\s*=\s*\{[^<]{0,200}\"SID\"|/gkmlpt/|"
                          r"^\s*\{\s*\"total\".*\"articles\"", re.DOTALL)),
    ("trs", re.compile(r"createPageHTML\s*\(|var\s+countPage\s*=|TRS_Editor|"
                       r"['\"]\./\d{6}/t\d{8}_\d+\.s?html?['\"]")),
)
PLATFORM_SPIDERS = {"hanweb": HanwebSpider, "jpaas": JpaasSpider, "trs": TrsSpider,
                    "gkmlpt": GkmlptSpider, "static": StaticSpider}


def detect(response: Response) -> str:
    """The platform a page was built with (static when nothing is recognised)."""
    if not isinstance(response, TextResponse):
        return "static"
    text = response.text[:300_000]
    for platform, pattern in FINGERPRINTS:
        if pattern.search(text):
            return platform
    return "static"


class AutoSpider(GkmlptSpider, HanwebSpider, JpaasSpider, TrsSpider, StaticSpider):
    """Every platform's helpers; `parse_list` dispatches on `detect()`."""

    name = "auto"
    platform = "auto"

    def parse_list(self, response: Response) -> Iterable[Any]:
        platform = detect(response)
        self.crawler.stats.inc_value(f"gongkai/{response.meta['gongkai_site_id']}"
                                     f"/detected_{platform}")
        return PLATFORM_SPIDERS[platform].parse_list(self, response)
