"""The platform spiders and how a page tells which platform built it.

Every module of `crawler.spiders` named in `platform_names()` holds one `ReportSpider` subclass
whose `platform` is the module name and whose `fingerprint` (a regex over the page text) says
"this page was built by me"; `detect()` tries them by `detect_order` and falls back to static.
"""

from __future__ import annotations

import importlib
from functools import cache

from scrapy.http import Response, TextResponse

from crawler.spiders import platform_names
from crawler.spiders.base import ReportSpider

FALLBACK = "static"
DETECT_WINDOW = 300_000  # characters of a page the fingerprints look at


@cache
def platform_spiders() -> dict[str, type[ReportSpider]]:
    """{platform name: spider class}, one per spider module."""
    found: dict[str, type[ReportSpider]] = {}
    for name in platform_names():
        module = importlib.import_module(f"crawler.spiders.{name}")
        classes = [
            c
            for c in vars(module).values()
            if isinstance(c, type)
            and issubclass(c, ReportSpider)
            and c.__module__ == module.__name__
            and c.platform == name
        ]
        if len(classes) != 1:
            raise RuntimeError(
                f"crawler/spiders/{name}.py must define exactly one spider "
                f"with platform = {name!r} (found {len(classes)})"
            )
        found[name] = classes[0]
    return found


def detect(response: Response) -> str:
    """The platform a page was built with (static when no fingerprint matches)."""
    if not isinstance(response, TextResponse):
        return FALLBACK
    text = response.text[:DETECT_WINDOW]
    spiders = sorted(platform_spiders().items(), key=lambda kv: (kv[1].detect_order, kv[0]))
    for platform, spider in spiders:
        if spider.fingerprint is not None and spider.fingerprint.search(text):
            return platform
    return FALLBACK
