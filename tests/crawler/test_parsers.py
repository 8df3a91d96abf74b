"""Platform parsing on real captured pages (tests/data/crawler, saved from government sites)."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.middlewares import challenge
from crawler.spiders.auto import detect
from crawler.spiders.hanweb import js_object, records
from crawler.spiders.trs import trs_pager

DATA = Path(__file__).resolve().parents[1] / "data" / "crawler"


def _html(name: str, url: str = "http://x.gov.cn/", status: int = 200) -> HtmlResponse:
    return HtmlResponse(url, body=(DATA / name).read_bytes(), status=status,
                        request=Request(url))


def test_hanweb_proxy_response_records_dingxi():
    rows = records((DATA / "hanweb-dataproxy-response-dingxi-2022.xml").read_text("utf-8"))
    assert len(rows) >= 25
    href, title, listed = rows[1]
    assert href == "/art/2022/1/19/art_12377_1486583.html"
    assert title.endswith("整改完成情况的公示") and "..." not in title  # full title= wins
    assert listed == "2022-01-19"


def test_hanweb_table_row_island_nantong():
    rows = records((DATA / "hanweb-embedded-datastore-nantong-zfcg-2017.xml").read_text("utf-8"))
    assert rows[0] == ("/art/2017/4/24/art_31685_2451995.html",
                       "南通市公安局交警支队空调设备询价2017XJ3018", "2017-04-24")


def test_hanweb_param_literal():
    param = js_object("col:1,webid:2096,path:'/',columnid:1230548,unitid:'4535233',"
                      "webname:'杭州市拱墅区人民政府',permissiontype:0")
    assert param["webid"] == "2096" and param["unitid"] == "4535233"
    assert param["webname"] == "杭州市拱墅区人民政府" and param["path"] == "/"


def test_trs_pagers_from_real_pages():
    assert trs_pager('createPageHTML(9, 0, "index", "html");') == (9, 0, "index", "html")
    inline = (DATA / "trs-inline-pager-script-list-page.html").read_text("utf-8")
    count, current, stem, _ext = trs_pager(inline)
    assert count >= 1 and current == 0 and stem == "index"


def test_trs_gbk_list_page_detected():
    response = _html("trs-wcm-list-page-cs-com-cn-2020.html")
    assert detect(response) == "trs"  # by its ./YYYYMM/tYYYYMMDD_id.html items
    assert response.encoding in ("gbk", "gb18030")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.css("a::text").get(""))


def test_detection_fingerprints():
    def page(text: str) -> TextResponse:
        return HtmlResponse("http://x/", body=text.encode(), encoding="utf-8")

    assert detect(page("<script>$('#1').jpage({proxyUrl:'/module/jpage/dataproxy.jsp'})"
                       "</script>")) == "hanweb"
    assert detect(page("<div queryData=\"{'webId':'1'}\"></div>")) == "jpaas"
    assert detect(page('<script>window._CONFIG = {"SID": "1", "TREE": []};</script>')) == "gkmlpt"
    assert detect(page("<ul><li><a href='a.html'>x</a></li></ul>")) == "static"


def test_ruishu_challenge_is_recognised():
    assert challenge(_html("ruishu-injected-head-excerpt-nuaa-sudy.html", status=412)) == "ruishu"
    assert challenge(_html("ruishu-injected-head-excerpt-nuaa-sudy.html", status=200)) == "ruishu"
    jsl = HtmlResponse("http://x/", status=521, body=b"<script>document.cookie='__jsluid_s=1'"
                       b";location.reload()</script>")
    assert challenge(jsl) == "jsl-cookie"
    normal = _html("trs-wcm-article-page-cs-com-cn-2020.html")
    assert challenge(normal) is None
