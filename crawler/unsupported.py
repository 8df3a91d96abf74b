"""Platforms the crawler recognises but does not read, and why: a loud failure, never a guess.

Why: a page of a disclosure system whose list shape is not known from evidence would otherwise
be read as a static page, find nothing (or the wrong links) and at best fail as "parse found
nothing". Recognising it by its URL shape (and, where the URL is shared with supported pages,
by the text that shows the rows are filled in by script) lets the crawl and `sites explain`
say which system it is and what is missing, so an operator knows the site needs new evidence
or a hand-made `list_urls` entry rather than a retry.

Each entry: the platform's name, the URL pattern that names it, an optional text pattern the
page must also show, and the reason it is not supported. `recognise()` is asked by the spiders'
list/navigation callbacks (`ReportSpider.unsupported`) and by `crawler.explain`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scrapy.http import Response, TextResponse

TEXT_WINDOW = 300_000  # characters of a page the text patterns look at (as detect() does)


@dataclass(frozen=True)
class Unsupported:
    """A recognised platform that is not read, with the URL (and text) that give it away."""

    platform: str
    url: re.Pattern[str]
    why: str
    text: re.Pattern[str] | None = None

    def reason(self) -> str:
        return f"platform {self.platform} recognised, not supported: {self.why}"


KNOWN: tuple[Unsupported, ...] = (
    Unsupported(
        "hefei-xp",
        re.compile(r"/zwgk/public/(?:spage|index)\.xp\?(?=[^#]*doAction=sindex)(?=[^#]*frame=nb)"),
        "合肥's disclosure system (zwgk/public/spage.xp); its 年报 frame (doAction=sindex&"
        "frame=nb) is known only as a link — which list it frames and how that list's rows "
        "look is not known, so its rows are not guessed",
    ),
    Unsupported(
        "lonsun-template",
        re.compile(r"/public/column/\d+"),
        "this /public/column/ page (Anhui/Jiangxi/Qinghai disclosure platform) fills its rows "
        "in by script from a template (<?=el.…?> placeholders); where that script gets its "
        "data is not known from the page — give the site's list data URL (/site/label/8888?"
        "…labelName=publicInfoList…, from a browser's network panel) as its list_urls, with "
        "platform: lonsun",
        re.compile(r"<\?=\s*el\.\w+"),
    ),
)


def recognise(response: Response) -> tuple[Unsupported, str] | None:
    """The unsupported platform this page belongs to and the text that shows it, or None."""
    for known in KNOWN:
        found = known.url.search(response.url)
        if found is None:
            continue
        if known.text is None:
            return known, response.url
        if not isinstance(response, TextResponse):
            continue
        text = response.text[:TEXT_WINDOW]
        hit = known.text.search(text)
        if hit is not None:
            start, end = max(0, hit.start() - 40), min(len(text), hit.end() + 40)
            return known, " ".join(text[start:end].split())
    return None
