"""A public-looking name that resolves to a private address: the crawler must not connect
unless the site says allow_private (the registry cannot see this: it resolves nothing).

No real DNS: names are put in Scrapy's DNS cache, which the resolver answers from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from scrapy.resolver import dnscache
from twisted.python.failure import Failure

import crawler.netguard as netguard
from crawler.registry import SiteEntry

ROOT = Path(__file__).resolve().parents[2]


def _site(url: str, *, allow_private: bool) -> SiteEntry:
    return SiteEntry(
        id="s", name="s", region_code="330105", start_urls=(url,), allow_private=allow_private
    )


def _resolve(name: str) -> str | Failure:
    resolver = netguard.PublicAddressResolver(
        reactor=None,
        cache_size=100,  # type: ignore[arg-type]
        timeout=1.0,
    )
    got: list[str | Failure] = []
    resolver.getHostByName(name).addBoth(got.append)
    return got[0]


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(netguard, "_PRIVATE_OK", set())
    names = (
        "report.example.gov.cn",
        "rebind.example.gov.cn",
        "public.example.gov.cn",
        "sim.example.gov.cn",
    )
    yield
    for name in names:
        dnscache.pop(name, None)


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "192.168.0.1", "0.0.0.0", "100.64.0.1"]
)
def test_public_looking_name_on_a_private_address_is_refused(address: str):
    dnscache["report.example.gov.cn"] = address
    got = _resolve("report.example.gov.cn")
    assert isinstance(got, Failure) and got.check(netguard.PrivateAddressRefused), got
    assert address in str(got.value) and "allow_private" in str(got.value)


def test_public_address_passes():
    dnscache["public.example.gov.cn"] = "93.184.216.34"
    assert _resolve("public.example.gov.cn") == "93.184.216.34"


def test_allow_private_site_may_reach_its_own_private_name():
    dnscache["sim.example.gov.cn"] = "127.0.0.1"
    netguard.allow_private_names(
        [
            _site("http://SIM.example.gov.cn:8080/", allow_private=True),
            _site("http://report.example.gov.cn/", allow_private=False),
        ]
    )
    assert _resolve("sim.example.gov.cn") == "127.0.0.1"
    dnscache["report.example.gov.cn"] = "127.0.0.1"
    assert isinstance(_resolve("report.example.gov.cn"), Failure)  # its neighbour may not


def test_a_later_private_answer_is_judged_again():
    """DNS rebinding: public at first, loopback later; each connection's answer counts."""
    dnscache["rebind.example.gov.cn"] = "93.184.216.34"
    assert _resolve("rebind.example.gov.cn") == "93.184.216.34"
    dnscache["rebind.example.gov.cn"] = "127.0.0.1"
    assert isinstance(_resolve("rebind.example.gov.cn"), Failure)


def test_settings_install_the_guarding_resolver():
    from crawler import settings

    assert settings.TWISTED_DNS_RESOLVER == "crawler.netguard.PublicAddressResolver"


SCRIPT = textwrap.dedent("""
    import json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.resolver import dnscache
    from scrapy.utils.project import get_project_settings
    from crawler.registry import SiteEntry

    port, allow = int(sys.argv[1]), sys.argv[2] == "1"
    dnscache["report.example.gov.cn"] = "127.0.0.1"  # what a hostile DNS answer would say
    url = f"http://report.example.gov.cn:{port}/annual.pdf"
    outcome = {}

    class Probe(scrapy.Spider):
        name = "probe"
        sites = {"s": SiteEntry(id="s", name="s", region_code="330105", start_urls=(url,),
                                allow_private=allow)}

        async def start(self):
            yield scrapy.Request(url, meta={"gongkai_site_id": "s"}, errback=self.failed)

        def parse(self, response):
            outcome["status"] = response.status

        def failed(self, failure):
            outcome["error"] = f"{failure.type.__name__}: {failure.value}"

    settings = get_project_settings()
    settings.set("DOWNLOADER_MIDDLEWARES",
                 {"crawler.middlewares.AllowedHostsMiddleware": 50}, priority="cmdline")
    settings.set("ROBOTSTXT_OBEY", False, priority="cmdline")
    settings.set("RETRY_ENABLED", False, priority="cmdline")
    settings.set("EXTENSIONS", {}, priority="cmdline")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(Probe)
    process.start()
    print(json.dumps(outcome))
""")


class _Canary(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Canary.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.integration
@pytest.mark.parametrize("allow", [False, True])
def test_a_real_crawl_never_connects_to_loopback_by_name(tmp_path: Path, allow: bool):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    Thread(target=server.serve_forever, daemon=True).start()
    _Canary.hits = []
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(server.server_port), "1" if allow else "0"],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=tmp_path,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    if allow:
        assert outcome == {"status": 200} and _Canary.hits == ["/annual.pdf"], outcome
    else:
        assert _Canary.hits == [], "the crawler connected to loopback"
        assert "DNS lookup failed" in outcome.get("error", ""), outcome  # Scrapy's wording
        assert "resolves to 127.0.0.1, a loopback address: refused" in done.stderr
