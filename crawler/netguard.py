"""Connection-time guard: a name on a site's list never leads the crawler to a private,
loopback or link-local address unless that site says `allow_private: true`.

The registry checks the hosts it can see without the network (IP literals, `localhost`);
a public-looking name (`report.example.gov.cn`, or a `localtest.me`-style name) can still
resolve to 127.0.0.1 or 10.x, or a hostile DNS server can answer so mid-crawl.  The check
therefore sits in the resolver every HTTP connection goes through (Twisted resolves a name
once per connection through the installed resolver; IP literals skip it, and the registry
and the allowed-hosts middleware already bound those), and judges the very address that
will be connected to, so a second answer (DNS rebinding) is judged again.

The resolver is built once per process, before any spider exists: the spider's sites tell
it which names may be private through `allow_private_names` (called on spider open).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from crawler.registry import SiteEntry, public_host_problem

logger = logging.getLogger(__name__)

# Names (lower case, no port) whose sites say allow_private: true, for this process.
_PRIVATE_OK: set[str] = set()


def allow_private_names(sites: Iterable[SiteEntry]) -> None:
    """Let the names of `allow_private` sites resolve to private addresses."""
    for site in sites:
        if site.allow_private:
            for host in site.allowed_hosts:
                name = urlsplit(f"//{host}").hostname
                if name:
                    _PRIVATE_OK.add(name.rstrip("."))


class PrivateAddressRefused(DNSLookupError):
    """A name resolved to an address the crawl may not connect to."""


def check_address(name: str, address: str) -> str:
    """`address` if the crawl may connect to it for `name`; else PrivateAddressRefused."""
    kind = public_host_problem(address)
    if kind and name.lower().rstrip(".") not in _PRIVATE_OK:
        message = (
            f"{name} resolves to {address}, a {kind} address: refused (only a site "
            f"with allow_private: true may reach one)"
        )
        logger.warning(message)  # Twisted's endpoint reports any refusal as "no results"
        raise PrivateAddressRefused(message)
    return address


class PublicAddressResolver(CachingThreadedResolver):
    """Scrapy's caching resolver, refusing non-public answers (TWISTED_DNS_RESOLVER)."""

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        d: Deferred[Any] = super().getHostByName(name, timeout)
        return d.addCallback(lambda address: check_address(name, address))
