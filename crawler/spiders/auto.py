"""`platform: auto`: recognise the CMS from each page and hand it to that platform's spider.

Platform: any; used when the registry does not know (or no longer trusts) a site's platform.
Listing: `platforms.detect()` tries every platform spider's `fingerprint` on the response and
  the detected platform's spider — a delegate sharing this spider's crawler, sites and
  counters — parses it. Its requests keep their own callbacks (articles, proxies, details are
  that platform's business), except list/navigation pages, which come back here to be
  detected again.
Caveats: detection is per page, so a portal whose home page is static but whose columns are
  Hanweb is still read correctly; a platform's helpers (gkmlpt's DETAIL reader, …) run only
  on the pages of that platform.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Request, Response

from crawler.spiders.base import ReportSpider
from crawler.spiders.platforms import detect, platform_spiders


class AutoSpider(ReportSpider):
    """Detect the platform of each list/navigation page and delegate to its spider."""

    name = "auto"
    platform = "auto"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._delegates: dict[str, ReportSpider] = {}

    def delegate(self, platform: str) -> ReportSpider:
        """The platform's spider, sharing this one's sites, crawler and navigation budget."""
        if platform not in self._delegates:
            cls = platform_spiders()[platform]
            spider = cls.__new__(cls)
            scrapy.Spider.__init__(spider, name=self.name)
            spider.sites, spider.nav_pages = self.sites, self.nav_pages
            spider.crawler, spider.settings = self.crawler, self.settings
            self._delegates[platform] = spider
        return self._delegates[platform]

    def parse_list(self, response: Response) -> Iterable[Any]:
        platform = detect(response)
        self.crawler.stats.inc_value(
            f"gongkai/{response.meta['gongkai_site_id']}/detected_{platform}"
        )
        return self.routed(self.delegate(platform), response)

    def routed(self, spider: ReportSpider, response: Response) -> Iterator[Any]:
        """The delegate's output, with list/navigation requests sent back for detection."""
        back = {spider.parse_list_page: self.parse_list_page, spider.parse_nav: self.parse_nav}
        for out in spider.parse_list(response):
            if isinstance(out, Request) and out.callback in back:
                out = out.replace(callback=back[out.callback])
            yield out
