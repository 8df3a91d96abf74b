"""Plain-urllib helpers for simulator tests (no redirects followed unless asked)."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

from sim import Simulator

BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)


@dataclass
class Got:
    status: int
    headers: dict[str, str]
    body: bytes

    def text(self, encoding: str = "utf-8") -> str:
        return self.body.decode(encoding)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)
_follow = urllib.request.build_opener()


def fetch(
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
    follow: bool = False,
) -> Got:
    hdrs = {"User-Agent": BROWSER_UA, **(headers or {})}
    req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        with (_follow if follow else _opener).open(req, timeout=5) as resp:
            return Got(resp.status, dict(resp.headers.items()), resp.read())
    except urllib.error.HTTPError as err:
        return Got(err.code, dict(err.headers.items()), err.read())


@pytest.fixture(scope="module")
def hanweb_sim():
    with Simulator(platforms=("hanweb",), seed=0) as sim:
        yield sim
