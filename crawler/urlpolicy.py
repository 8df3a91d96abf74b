"""Which URLs the crawler may fetch at all: http and https, on a site's allowed hosts.

A list page is written by strangers: a `file://` link would read this machine's own files,
`ftp://` hangs past every timeout, and `javascript:`/`mailto:`/`tel:`/`data:` are not documents.
The spiders (ReportSpider.request), the allowed-hosts middleware and the redirect guard all
ask the same two questions here, so the answer cannot differ between them.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from crawler.registry import host_allowed

FETCHABLE_SCHEMES = frozenset({"http", "https"})


def scheme_of(url: str) -> str:
    """The URL's scheme, lower case ("" for a relative or scheme-less URL).

    Browsers strip leading whitespace and ignore case (` JavaScript:`), so this does too.
    """
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:  # e.g. an invalid IPv6 netloc: not fetchable either
        return "invalid"


def refused_scheme(url: str) -> str | None:
    """None when `url` may be fetched; else the scheme that refuses it (for the run report)."""
    scheme = scheme_of(url)
    return None if scheme in FETCHABLE_SCHEMES else (scheme or "none")


def url_allowed(url: str, allowed_hosts: Iterable[str]) -> bool:
    """http(s) and on one of the allowed hosts (registry.host_allowed checks only the host)."""
    if refused_scheme(url) is not None:
        return False
    return host_allowed(urlsplit(url.strip()).netloc, allowed_hosts)
