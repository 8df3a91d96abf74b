"""Red-team attacks on today's list paging (lonsun data URLs, 浦东's affair API), parser level.

A list page is written by strangers: it may never end, repeat its rows on every page, link
to other hosts or schemes, answer nonsense page counts, or turn into an error page halfway.
Each attack checks the bound holds, no request leaves http(s) on the site's hosts (the
download middleware refuses other hosts: url_allowed is what it asks), and a window that was
not read to its end fails the site (`lists_truncated`), never ends quietly.
"""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.urlpolicy import url_allowed
from tests.crawler.test_parsers import LABEL, _page, _spider, _stat

ROW = '<li><a href="{href}" title="{title}">{title}</a><span class="date">2024-01-18</span></li>'
REPORT = "肥西县人民政府{y}年政府信息公开工作年度报告"


def _lonsun(tmp_path):
    from crawler.spiders.lonsun import LonsunSpider

    return _spider(LonsunSpider, tmp_path, "https://www.ahfeixi.gov.cn/", list_urls=[LABEL])


def _fragment(url: str, rows: str, **meta) -> HtmlResponse:
    body = f'<ul class="clearfix xxgk_nav_list">{rows}</ul>'.encode()
    request = Request(url, meta={"gongkai_site_id": "fx", "gongkai_role": "list", **meta})
    return HtmlResponse(url, body=body, request=request)


def _lists(out) -> list[Request]:
    return [r for r in out if isinstance(r, Request) and r.meta.get("gongkai_role") == "list"]


def test_lonsun_rows_repeated_on_every_page_index_fail_before_the_cap(tmp_path):
    """A server that ignores pageIndex answers page 1 for ever: the crawl must stop (at the
    latest at MAX_PAGES) and fail the site, never read the same rows 200 times quietly."""
    from crawler.spiders.lonsun import MAX_PAGES

    spider = _lonsun(tmp_path)
    rows = ROW.format(href="/public/6595/1.html", title=REPORT.format(y=2023))
    url, asked = LABEL.format(n=1), 0
    meta: dict = {}
    while True:
        out = list(spider.parse_list_page(_fragment(url, rows, **meta)))
        nxt = _lists(out)
        if not nxt:
            break
        ((request),) = nxt
        url, meta, asked = request.url, dict(request.meta), asked + 1
        assert asked <= MAX_PAGES
    assert _stat(spider, "lists_truncated") == 1
    assert asked <= 2, f"{asked} pages asked of a server that ignores pageIndex"


def test_lonsun_error_page_halfway_is_not_the_end_of_the_list(tmp_path):
    """Page 3 answers neither rows nor the empty text (a 200 '系统繁忙' page, a changed
    template): the rest of the list is unread, so the site fails; it is not the end."""
    spider = _lonsun(tmp_path)
    url = LABEL.format(n=3)
    body = "<html><body><div>系统繁忙，请稍后再试</div></body></html>".encode()
    page = HtmlResponse(url, body=body, request=Request(url, meta={"gongkai_site_id": "fx"}))
    assert _lists(spider.parse_list_page(page)) == []
    assert _stat(spider, "lists_truncated") == 1 or _stat(spider, "lists_unparsed") == 1


def test_lonsun_rows_beside_the_empty_text_keep_paging(tmp_path):
    """The empty text on a page that holds rows (a hidden template div) is not the end."""
    spider = _lonsun(tmp_path)
    url = LABEL.format(n=2)
    rows = ROW.format(href="/public/6595/2.html", title=REPORT.format(y=2022))
    rows += '<li style="display:none">暂无相关信息</li>'
    out = list(spider.parse_list_page(_fragment(url, rows)))
    assert len(_lists(out)) == 1 or _stat(spider, "lists_truncated") == 1


@pytest.mark.parametrize("index", ["abc", "1e9", "", "-3", "99999999999999999999"])
def test_lonsun_nonsense_page_index_neither_crashes_nor_runs_away(tmp_path, index):
    from crawler.spiders.lonsun import MAX_PAGES

    spider = _lonsun(tmp_path)
    url = LABEL.replace("pageIndex={n}", f"pageIndex={index}")
    rows = ROW.format(href="/public/6595/1.html", title=REPORT.format(y=2023))
    out = list(spider.parse_list_page(_fragment(url, rows)))
    for request in _lists(out):
        from urllib.parse import parse_qs, urlsplit

        page = int(parse_qs(urlsplit(request.url).query)["pageIndex"][0])
        assert 1 <= page <= MAX_PAGES


def test_lonsun_rows_to_other_hosts_and_schemes_give_no_request_off_site(tmp_path):
    spider = _lonsun(tmp_path)
    hosts = spider.sites["fx"].allowed_hosts
    hrefs = [
        "https://evil.example.com/public/6595/1.html",
        "//evil.example.com/x.pdf",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://www.ahfeixi.gov.cn/r.pdf",
        "data:text/html,<b>x</b>",
        "http://www.ahfeixi.gov.cn.evil.example.com/r.html",
        "/public/6595/ok.html",
    ]
    rows = "".join(ROW.format(href=h, title=REPORT.format(y=2023)) for h in hrefs)
    # one gigantic row title: read (or cut), never a crash
    rows += ROW.format(href="/public/6595/big.html", title="年" * 200_000)
    out = list(spider.parse_list_page(_fragment(LABEL.format(n=1), rows)))
    requests = [r for r in out if isinstance(r, Request)]
    assert all(r.url.startswith(("http://", "https://")) for r in requests)
    on_site = [r.url for r in requests if url_allowed(r.url, hosts)]
    assert "https://www.ahfeixi.gov.cn/public/6595/ok.html" in on_site
    assert not [u for u in on_site if "evil" in u]
    for request in _lists(out):
        assert url_allowed(request.url, hosts)


# ---- 浦东's affair API ---------------------------------------------------------------------
API = "https://www.pudong.gov.cn/zwgk-search-front/api/data/affair?channelList=5144&pageSize=2"


def _affair(tmp_path, change: dict, page: int = 1):
    from crawler.spiders.shanghai import ShanghaiSpider

    spider = _spider(ShanghaiSpider, tmp_path, "https://www.pudong.gov.cn/", list_urls=[API])
    resp = _page("shanghai/pudong-affair-5144-page1-of-3.json", API, TextResponse, affair_page=page)
    data = json.loads(resp.body)
    data["data"].update(change)
    data["data"] = {k: v for k, v in data["data"].items() if v is not None}
    return spider, list(spider.parse_list(resp.replace(body=json.dumps(data).encode())))


def test_pudong_a_billion_pages_is_capped_and_fails(tmp_path):
    from crawler.spiders.shanghai import MAX_PAGES

    spider, out = _affair(tmp_path, {"totalPage": 10**9, "totalCount": 2 * 10**9})
    assert len(_lists(out)) == 1  # page 2 only; each page asks for one more
    spider, out = _affair(tmp_path, {"totalPage": 10**9, "pageNo": MAX_PAGES}, page=MAX_PAGES)
    assert _lists(out) == [] and _stat(spider, "lists_truncated") == 1


@pytest.mark.parametrize(
    "change",
    [
        {"totalPage": -1, "totalCount": None},
        {"totalPage": "many", "totalCount": None},
        {"totalPage": 2.5, "totalCount": None},
        {"totalPage": None, "totalCount": -5},
        {"totalPage": None, "totalCount": "lots"},
        {"totalPage": [3], "totalCount": None},
    ],
)
def test_pudong_nonsense_page_counts_fail_loudly(tmp_path, change):
    """A count that is not a count (negative, a word, a fraction, a list) while the page holds
    rows: how many pages remain is unknown, so the window is not known to be read; the site
    fails rather than ending quietly after page 1."""
    spider, out = _affair(tmp_path, change)
    assert _lists(out) == []
    assert _stat(spider, "lists_truncated") == 1


def test_pudong_rows_off_site_give_no_allowed_request(tmp_path):
    rows = [
        {"title": REPORT.format(y=2023), "url": "https://evil.example.com/r.html"},
        {"title": REPORT.format(y=2022), "url": "javascript:void(0)"},
        {"title": REPORT.format(y=2021), "url": "file:///etc/passwd"},
    ]
    spider, out = _affair(tmp_path, {"list": rows})
    hosts = spider.sites["fx"].allowed_hosts
    requests = [r for r in out if isinstance(r, Request) and r.meta["gongkai_role"] != "list"]
    assert all(r.url.startswith(("http://", "https://")) for r in requests)
    assert [r.url for r in requests if url_allowed(r.url, hosts)] == []


def test_pudong_an_empty_later_page_with_nonsense_counts_fails(tmp_path):
    spider, out = _affair(tmp_path, {"list": [], "totalPage": "x", "totalCount": None}, page=2)
    assert _lists(out) == []
    assert _stat(spider, "lists_truncated") == 1
