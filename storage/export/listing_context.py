"""What the crawl saw around a report: the page's ContentSource and the list title's agency.

Why apart from the document's own metadata: a site lists other agencies' reports (a district
lists its departments', and sometimes another district's by mistake), and a list title can be
wrong.  The export shows both readings side by side and flags a disagreement; neither ever
overwrites the other (issue 10).
"""

from __future__ import annotations

import html
import re

from storage.config import Paths
from storage.export.agency import GOVERNMENT_AND_OFFICE, Agency, Gazetteer, clean_name, identify
from storage.models import Capture
from storage.warc.payload import read_body

_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_NAME = re.compile(rb"""\bname\s*=\s*["']?ContentSource["'\s>/]""", re.IGNORECASE)
_CONTENT = re.compile(rb"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
_TITLE_AGENCY = re.compile(r"^(?:关于)?(.+?)(?:关于)?(?:19|20)\d{2}\s*年")


def page_content_source(body: bytes) -> str | None:
    """`<meta name="ContentSource" content="…">` of an HTML page (either attribute order)."""
    for tag in _META.findall(body[:65536]):
        if not _NAME.search(tag):
            continue
        m = _CONTENT.search(tag)
        if m is None:
            return None
        raw = next(g for g in m.groups() if g is not None)
        charset = _CHARSET.search(body[:4096])
        encodings = [charset.group(1).decode("ascii")] if charset else []
        for enc in [*encodings, "utf-8", "gb18030"]:
            try:
                text = raw.decode(enc)
                break
            except (LookupError, UnicodeDecodeError):
                continue
        else:
            return None
        value = html.unescape(text).strip()
        return value or None
    return None


def content_source(paths: Paths, capture: Capture | None) -> str | None:
    """The ContentSource of an archived page; None when the page or the meta is absent."""
    if capture is None:
        return None
    try:
        return page_content_source(read_body(paths, capture))
    except (OSError, ValueError):  # a missing or undecodable original costs only this value
        return None


def list_title_agency(title: str | None) -> str | None:
    """The agency a list title names before the year (XX区统计局2023年…), or None."""
    if not title:
        return None
    m = _TITLE_AGENCY.match("".join(title.split()))
    return clean_name(m.group(1)) if m else None


def disagrees(
    document: Agency, other: str | None, gazetteer: Gazetteer, site_region: str | None = None
) -> bool | None:
    """Whether the crawl's `other` name is another agency than the document's (None: can't
    tell, because one of them names no agency).

    A context name without a place (区政府办公室 on a district's page) is read as that
    listing site's own agency; the government and its office (人民政府 / 人民政府办公室, which
    posts the government's report) count as the same publisher here.
    """
    theirs = identify(other, gazetteer)
    if document.body is None or theirs.body is None:
        return None
    region = theirs.region_code or (None if theirs.places else site_region)
    same_body = document.body == theirs.body or {document.body, theirs.body} <= (
        GOVERNMENT_AND_OFFICE
    )
    same_region = document.region_code is None or region is None or (document.region_code == region)
    return not (same_body and same_region)
