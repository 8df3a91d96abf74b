"""Crawl security in isolation (issue 9): schemes, handlers, redirects, Retry-After, ports.

The same attacks run end to end against a hostile loopback site in test_hostility.py; here
each defence is checked on its own, on hand-written pages and responses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.spiders.static import StaticSpider

HOST = "www.gongshu.gov.cn"
GOOD = "拱墅区2023年政府信息公开工作年度报告"


def project_settings_dict() -> dict[str, Any]:
    """crawler/settings.py's own values (what a crawl subprocess sets over Scrapy's)."""
    return {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}


def crawl_settings() -> Settings:
    """The settings a crawl subprocess runs with (the project module over Scrapy's defaults)."""
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    return settings


def test_only_http_and_https_download_handlers_are_on() -> None:
    handlers = crawl_settings().getwithbase("DOWNLOAD_HANDLERS")
    on = {scheme for scheme, handler in handlers.items() if handler}
    assert on == {"http", "https"}
    assert {"file", "ftp", "s3", "data"} <= set(handlers)  # Scrapy's base list, switched off


def test_no_console_or_remote_control_port() -> None:
    import inspect

    from scrapy.extensions import remote_control

    settings = crawl_settings()  # the setting's name as Scrapy 2.19 reads it:
    assert 'getbool("REMOTE_CONTROL_ENABLED")' in inspect.getsource(remote_control)
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False


def _spider(tmp_path: Path) -> StaticSpider:
    registry = {
        "sites": [
            {
                "id": "gs",
                "name": "拱墅区",
                "region_code": "330105",
                "platform": "static",
                "start_urls": [f"http://{HOST}/"],
                "list_urls": [f"http://{HOST}/col/nb/index.html"],
            }
        ]
    }
    path = tmp_path / "sites.yaml"
    path.write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    crawler = get_crawler(StaticSpider, settings_dict=project_settings_dict())
    crawler.spider = StaticSpider.from_crawler(crawler, site="gs", sites_file=str(path))
    return crawler.spider


def _list_page(hrefs: list[str]) -> HtmlResponse:
    url = f"http://{HOST}/col/nb/index.html"
    rows = "".join(f"<li><a href='{h}'>{GOOD}</a></li>" for h in hrefs)
    request = Request(url, meta={"gongkai_site_id": "gs", "gongkai_role": "list"})
    return HtmlResponse(url, body=f"<ul>{rows}</ul>".encode(), encoding="utf-8", request=request)


BAD = [
    "javascript:void(0)",
    " JAVASCRIPT:openWin('x')",
    "mailto:gk@gongshu.gov.cn",
    "tel:0571-88888888",
    "data:text/html,<h1>x</h1>",
    f"file://{HOST}/etc/passwd",
    "file:///proc/self/environ",
    f"ftp://{HOST}/pub/2023.pdf",
    "s3://bucket/2023.pdf",
]


def test_a_bad_link_costs_only_itself(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    hrefs = ["/art/2023/1/1/art_1_1.html", *BAD, "/art/2023/1/2/art_1_2.html"]
    out = [r for r in spider.parse_list_page(_list_page(hrefs)) if r is not None]
    assert [r.url for r in out] == [
        f"http://{HOST}/art/2023/1/1/art_1_1.html",
        f"http://{HOST}/art/2023/1/2/art_1_2.html",
    ]
    stats = spider.crawler.stats
    assert stats.get_value("gongkai/gs/scheme_dropped") == len(BAD)
    assert stats.get_value("gongkai/gs/scheme_dropped_by") == {
        "javascript": 2,
        "mailto": 1,
        "tel": 1,
        "data": 1,
        "file": 2,
        "ftp": 1,
        "s3": 1,
    }


def test_links_taken_from_one_page_are_capped(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    spider.crawler.settings = Settings({**project_settings_dict(), "GONGKAI_MAX_LINKS_PER_PAGE": 3})
    hrefs = [f"/art/2023/1/{n}/art_1_{n}.html" for n in range(1, 11)]
    out = [r for r in spider.parse_list_page(_list_page(hrefs)) if r is not None]
    assert [r.url for r in out] == [f"http://{HOST}{h}" for h in hrefs[:3]]
    assert spider.crawler.stats.get_value("gongkai/gs/list_links_capped") == 1


def test_every_request_is_made_in_one_place(tmp_path: Path) -> None:
    spider = _spider(tmp_path)
    for url in BAD:
        assert spider.request("gs", url, spider.parse_list_page, role="list") is None
    request = spider.request(
        "gs", f"https://{HOST}/a.html", spider.parse_list_page, role="list", hops=1
    )
    assert request is not None and request.meta["gongkai_site_id"] == "gs"
    assert request.meta["hops"] == 1 and request.errback == spider.on_error


def test_spiders_build_no_request_of_their_own() -> None:
    """Every spider goes through ReportSpider.request (grep, so a new spider cannot forget)."""
    spiders = Path(project_settings.__file__).parent / "spiders"
    for path in spiders.glob("*.py"):
        text = path.read_text("utf-8")
        for needle in ("Request(", "FormRequest(", "response.follow(", ".follow_all("):
            lines = [
                n
                for n, line in enumerate(text.splitlines(), 1)
                if needle in line and "def " not in line
            ]
            allowed = path.name == "base.py" and needle in ("Request(", "FormRequest(")
            assert allowed or not lines, f"{path.name}:{lines} builds a {needle} itself"


def _middleware(cls: Any, tmp_path: Path, **settings: Any) -> Any:
    spider = _spider(tmp_path)
    spider.crawler.settings = Settings({**project_settings_dict(), **settings})
    return cls.from_crawler(spider.crawler), spider


def test_allowed_hosts_checks_the_scheme_too(tmp_path: Path) -> None:
    from crawler.middlewares import AllowedHostsMiddleware

    mw, spider = _middleware(AllowedHostsMiddleware, tmp_path)
    meta = {"gongkai_site_id": "gs"}
    for url in (f"file://{HOST}/etc/passwd", f"ftp://{HOST}/x.pdf", f"s3://{HOST}/x"):
        with pytest.raises(IgnoreRequest):
            mw.process_request(Request(url, meta=meta))
        with pytest.raises(IgnoreRequest):  # engine requests (robots.txt) too
            mw.process_request(Request(url))
    assert mw.process_request(Request(f"https://{HOST}/x", meta=meta)) is None


@pytest.mark.parametrize(
    "location",
    [
        "file:///etc/passwd",
        f"file://{HOST}/etc/passwd",
        f"ftp://{HOST}/x.pdf",
        "javascript:alert(1)",
    ],
)
def test_a_redirect_to_another_scheme_is_refused_and_counted(tmp_path, location) -> None:
    from crawler.middlewares import SchemeRedirectMiddleware

    mw, spider = _middleware(SchemeRedirectMiddleware, tmp_path)
    request = Request(f"http://{HOST}/r.html", meta={"gongkai_site_id": "gs"})
    response = Response(request.url, status=302, headers={"Location": location}, request=request)
    with pytest.raises(IgnoreRequest):
        mw.process_response(request, response)
    assert spider.crawler.stats.get_value("gongkai/gs/redirects_refused") == 1
    fine = Response(request.url, status=302, headers={"Location": "/ok.html"}, request=request)
    assert mw.process_response(request, fine) is fine


class _Slot:
    def __init__(self, delay: float) -> None:
        self.delay = delay


class _Downloader:
    def __init__(self) -> None:
        self.slots = {HOST: _Slot(1.0)}

    def get_slot_key(self, request: Request) -> str:
        return HOST


def test_retry_after_delay_recovers_after_a_success(tmp_path: Path) -> None:
    from crawler.middlewares import RetryAfterMiddleware

    mw, spider = _middleware(RetryAfterMiddleware, tmp_path, RETRY_AFTER_MAX=60)
    downloader = _Downloader()
    spider.crawler.engine = type("Engine", (), {"downloader": downloader})()
    request = Request(f"http://{HOST}/a.html", meta={"gongkai_site_id": "gs"})
    now = [1000.0]
    mw.clock = lambda: now[0]
    mw.slow_down(request, 60.0)  # a 429 with Retry-After 999999999, capped
    assert downloader.slots[HOST].delay == 60.0
    ok = Response(request.url, status=200, request=request)
    now[0] += 60
    mw.recover(request, Response(request.url, status=500, request=request))
    assert downloader.slots[HOST].delay == 60.0  # only a success shortens it
    mw.recover(request, ok)
    assert downloader.slots[HOST].delay == pytest.approx(1.0 + 59 / 2)  # one half-life
    for _ in range(12):  # successes over the next 12 minutes
        now[0] += 60
        mw.recover(request, ok)
    assert downloader.slots[HOST].delay == 1.0  # back to what it was before the 429
    assert not mw.raised
    mw.slow_down(request, 5.0)  # a later Retry-After raises it again
    assert downloader.slots[HOST].delay == 5.0


def test_retry_after_is_capped() -> None:
    from crawler.middlewares import retry_after_delay

    assert retry_after_delay(b"999999999", cap=60.0) == (60.0, True)
    assert retry_after_delay(b"5", cap=60.0) == (5.0, False)
    assert retry_after_delay(b"Wed, 21 Oct 2015 07:28:00 GMT", cap=60.0) == (1.0, False)


def test_sites_explain_fetcher_has_no_handler_but_http() -> None:
    """`sites explain` fetches with urllib: its opener must not read files, FTP or data URLs."""
    import urllib.error

    from crawler.explain import _OPENER

    for url in ("file:///etc/passwd", "ftp://127.0.0.1/report.pdf", "data:,secret"):
        with pytest.raises(urllib.error.URLError, match="unknown url type"):
            _OPENER.open(url, timeout=2)


@pytest.mark.integration  # a loopback server
def test_sites_explain_fetcher_refuses_a_redirect_to_another_scheme() -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from crawler.explain import Fetcher

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header(
                "Location",
                "ftp://127.0.0.1/etc/passwd" if "ftp" in self.path else "file:///etc/passwd",
            )
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for path in ("/to-file", "/to-ftp"):
            status, _headers, body, final = Fetcher(delay=0, timeout=5).raw(base + path)
            assert status == 302 and final == base + path and b"root:" not in body
    finally:
        server.shutdown()
        server.server_close()
