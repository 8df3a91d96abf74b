"""Platform parsing on real captured pages (tests/data/crawler, saved from government sites)."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.middlewares import challenge
from crawler.spiders.auto import detect
from crawler.spiders.hanweb import js_object, records
from crawler.spiders.trs import trs_pager

DATA = Path(__file__).resolve().parents[1] / "data" / "crawler"


def _html(name: str, url: str = "http://x.gov.cn/", status: int = 200) -> HtmlResponse:
    return HtmlResponse(url, body=(DATA / name).read_bytes(), status=status, request=Request(url))


def test_hanweb_proxy_response_records_dingxi():
    rows = records((DATA / "hanweb-dataproxy-response-dingxi-2022.xml").read_text("utf-8"))
    assert len(rows) >= 25
    href, title, listed = rows[1]
    assert href == "/art/2022/1/19/art_12377_1486583.html"
    assert title.endswith("整改完成情况的公示") and "..." not in title  # full title= wins
    assert listed == "2022-01-19"


def test_hanweb_table_row_island_nantong():
    rows = records((DATA / "hanweb-embedded-datastore-nantong-zfcg-2017.xml").read_text("utf-8"))
    assert rows[0] == (
        "/art/2017/4/24/art_31685_2451995.html",
        "南通市公安局交警支队空调设备询价2017XJ3018",
        "2017-04-24",
    )


def test_hanweb_param_literal():
    param = js_object(
        "col:1,webid:2096,path:'/',columnid:1230548,unitid:'4535233',"
        "webname:'杭州市拱墅区人民政府',permissiontype:0"
    )
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

    assert (
        detect(page("<script>$('#1').jpage({proxyUrl:'/module/jpage/dataproxy.jsp'})</script>"))
        == "hanweb"
    )
    assert detect(page("<div queryData=\"{'webId':'1'}\"></div>")) == "jpaas"
    assert detect(page('<script>window._CONFIG = {"SID": "1", "TREE": []};</script>')) == "gkmlpt"
    assert detect(page("<script>window._CONFIG = { SID:'755031', TREE:[] };</script>")) == "gkmlpt"
    assert detect(page("<ul><li><a href='a.html'>x</a></li></ul>")) == "static"


def test_ruishu_challenge_is_recognised():
    assert challenge(_html("ruishu-injected-head-excerpt-nuaa-sudy.html", status=412)) == "ruishu"
    assert challenge(_html("ruishu-injected-head-excerpt-nuaa-sudy.html", status=200)) == "ruishu"
    jsl = HtmlResponse(
        "http://x/",
        status=521,
        body=b"<script>document.cookie='__jsluid_s=1';location.reload()</script>",
    )
    assert challenge(jsl) == "jsl-cookie"
    normal = _html("trs-wcm-article-page-cs-com-cn-2020.html")
    assert challenge(normal) is None


# ---- spiders on hand-written fixtures in the byte shapes the notes quote ---------------------


def _spider(cls, tmp_path, start: str, **extra):
    """A spider of `cls` for one registered site at `start`, with a crawler (for its stats)."""
    import yaml
    from scrapy.utils.test import get_crawler

    entry = {
        "id": "fx",
        "name": "fixture site",
        "region_code": "440305",
        "start_urls": [start],
        "platform": cls.platform,
        **extra,
    }
    sites = tmp_path / "sites.yaml"
    sites.write_text(yaml.safe_dump({"sites": [entry]}, allow_unicode=True), encoding="utf-8")
    crawler = get_crawler(cls)
    spider = cls.from_crawler(crawler, site="fx", sites_file=str(sites))
    crawler.spider = spider
    crawler.stats.open_spider(spider)
    return spider


def _page(path: str, url: str, cls=HtmlResponse, **meta) -> TextResponse:
    request = Request(url, meta={"gongkai_site_id": "fx", **meta})
    return cls(url, body=(DATA / path).read_bytes(), request=request)


def _stat(spider, name: str):
    return spider.crawler.stats.get_value(f"gongkai/fx/{name}")


def test_gkmlpt_config_is_a_js_object_literal(tmp_path):
    from crawler.spiders.gkmlpt import GkmlptSpider

    spider = _spider(GkmlptSpider, tmp_path, "http://www.szns.gov.cn/gkmlpt/index")
    index = _page("gkmlpt/index.html", "http://www.szns.gov.cn/gkmlpt/index")
    urls = [r.url for r in spider.parse_list(index)]
    assert urls == [
        "http://www.szns.gov.cn/gkmlpt/api/all/2191?page=1&sid=755031",
        "http://www.szns.gov.cn/gkmlpt/api/all/2192?page=1&sid=755031",
    ]
    assert index.meta.get("gongkai_list_parsed")


def test_gkmlpt_without_nianbao_category_lists_everything(tmp_path):
    from crawler.spiders.gkmlpt import GkmlptSpider

    spider = _spider(GkmlptSpider, tmp_path, "http://www.gd.gov.cn/gkmlpt/index")
    index = _page("gkmlpt/index-no-nianbao.html", "http://www.gd.gov.cn/gkmlpt/index")
    assert [r.url for r in spider.parse_list(index)] == [
        "http://www.gd.gov.cn/gkmlpt/api/all/0?page=1&sid=2"
    ]


def test_gkmlpt_unreadable_config_is_a_changed_site_not_an_empty_one(tmp_path):
    from crawler.spiders.gkmlpt import GkmlptSpider

    spider = _spider(GkmlptSpider, tmp_path, "http://www.szns.gov.cn/gkmlpt/index")
    index = _page("gkmlpt/index-broken.html", "http://www.szns.gov.cn/gkmlpt/index")
    assert list(spider.parse_list(index)) == []
    assert _stat(spider, "lists_unparsed") == 1


def test_gkmlpt_api_entries_dates_and_hosts(tmp_path):
    from crawler.spiders.gkmlpt import GkmlptSpider

    url = "http://www.szns.gov.cn/gkmlpt/api/all/2191?page=1&sid=755031"
    spider = _spider(GkmlptSpider, tmp_path, "http://www.szns.gov.cn/gkmlpt/index")
    out = list(spider.parse_list(_page("gkmlpt/api-all-2191-page1.json", url, TextResponse)))
    got = [(r.url, r.meta["title"], r.meta["listed"]) for r in out]
    assert got == [  # 图解 dropped; post_url keeps the sibling-host article on the site's host
        (
            "http://www.szns.gov.cn/gkmlpt/content/10/10123/post_10123456.html",
            "深圳市南山区人民政府2023年政府信息公开工作年度报告",
            "2024-01-26",
        ),
        (
            "http://www.szns.gov.cn/gkmlpt/content/9/9765/post_9765432.html",
            "深圳市南山区人民政府2022年政府信息公开工作年度报告",
            "2023-02-10",
        ),
    ]


def test_gkmlpt_api_pages_from_zero_when_total_exceeds_the_first_page(tmp_path):
    from crawler.spiders.gkmlpt import GkmlptSpider

    url = "http://www.szns.gov.cn/gkmlpt/api/all/2192?page=1&sid=755031"
    spider = _spider(GkmlptSpider, tmp_path, "http://www.szns.gov.cn/gkmlpt/index")
    out = list(spider.parse_list(_page("gkmlpt/api-all-2192-page1.json", url, TextResponse)))
    entries = [r for r in out if r.meta.get("gongkai_role") == "article"]
    pages = [r.url.split("?")[1] for r in out if r.meta.get("gongkai_role") == "list"]
    assert [r.meta["title"] for r in entries] == [
        "深圳市南山区教育局2023年政府信息公开工作年度报告"
    ]
    assert entries[0].meta["listed"] == "2024-01-19"  # display_publish_time given as text
    # 250 articles, 2 on page 1: a 0-based and a 1-based server are both covered
    assert pages[0] == "page=0&sid=755031" and pages[-1] == "page=125&sid=755031"
    assert len(pages) == 125 and out[-1].meta["gk_page"] == 125
    later = _page(
        "gkmlpt/api-all-2192-page1.json", url.replace("page=1", "page=2"), TextResponse, gk_page=2
    )
    assert not [r for r in spider.parse_list(later) if r.meta.get("gongkai_role") == "list"]


def test_gkmlpt_detail_body_and_attachments_from_detail(tmp_path):
    from crawler.spiders.gkmlpt import GkmlptSpider

    url = "http://www.szns.gov.cn/gkmlpt/content/10/10123/post_10123456.html"
    spider = _spider(GkmlptSpider, tmp_path, "http://www.szns.gov.cn/gkmlpt/index")
    page = _page("gkmlpt/post_10123456.html", url, role="article")
    out = list(spider.parse_article(page))
    files = [r.url for r in out if isinstance(r, Request)]
    assert files == [
        "http://www.szns.gov.cn/attachment/0/10/10123/10123456.pdf",
        "http://www.szns.gov.cn/attachment/0/10/10123/10123999.xlsx",
    ]
    assert spider.page_title(page) == "深圳市南山区人民政府2023年政府信息公开工作年度报告"
    assert "统计期限自2023年1月1日" in spider.body_text(page)


def test_platforms_are_registered_in_one_place():
    from crawler.registry import PLATFORMS
    from crawler.spiders.platforms import platform_spiders

    spiders = platform_spiders()
    assert set(PLATFORMS) == {*spiders, "auto"}
    for name, cls in spiders.items():
        assert cls.name == cls.platform == name
        assert (cls.fingerprint is None) == (name == "static")  # static is the fallback


def test_auto_delegates_to_the_detected_platform(tmp_path):
    from crawler.spiders.auto import AutoSpider
    from crawler.spiders.gkmlpt import GkmlptSpider
    from crawler.spiders.hanweb import HanwebSpider

    spider = _spider(AutoSpider, tmp_path, "http://www.szns.gov.cn/gkmlpt/index")
    assert not isinstance(spider, GkmlptSpider)  # no platform's helpers on every page
    index = _page("gkmlpt/index.html", "http://www.szns.gov.cn/gkmlpt/index")
    lists = list(spider.parse_list(index))
    assert len(lists) == 2 and all(r.callback == spider.parse_list_page for r in lists)
    api = _page(
        "gkmlpt/api-all-2191-page1.json",
        "http://www.szns.gov.cn/gkmlpt/api/all/2191?page=1&sid=755031",
        TextResponse,
    )
    articles = list(spider.parse_list(api))
    assert len(articles) == 2
    assert all(isinstance(r.callback.__self__, GkmlptSpider) for r in articles)
    island = HtmlResponse(
        "http://www.szns.gov.cn/col/col1/index.html",
        encoding="utf-8",
        request=Request(
            "http://www.szns.gov.cn/col/col1/index.html", meta={"gongkai_site_id": "fx"}
        ),
        body="<div id='9'><script type='text/xml'><datastore><recordset><record><![CDATA["
        "<li><a href='/art/2024/1/2/art_1_2.html' title='南山区2023年政府信息公开工作年度报告'>"
        "x</a></li>]]></record></recordset></datastore></script></div>".encode(),
    )
    (entry,) = spider.parse_list(island)
    assert isinstance(entry.callback.__self__, HanwebSpider)
    assert spider.crawler.stats.get_value("gongkai/fx/detected_hanweb") == 1


# ---- Hanweb JCMS -------------------------------------------------------------------------------

GONGSHU = "http://www.gongshu.gov.cn/col/col1229850496/index.html"


def _entries(out):
    return [
        (r.url, r.meta["title"], r.meta["listed"])
        for r in out
        if isinstance(r, Request) and r.meta.get("gongkai_role") in ("article", "file")
    ]


def test_hanweb_column_page_island_and_proxy_window(tmp_path):
    from urllib.parse import parse_qs

    from crawler.spiders.hanweb import HanwebSpider

    spider = _spider(HanwebSpider, tmp_path, "http://www.gongshu.gov.cn/")
    out = list(spider.parse_list(_page("hanweb/column-gongshu.html", GONGSHU)))
    entries = _entries(out)
    assert [(t, d) for _u, t, d in entries] == [
        ("拱墅区人民政府2024年政府信息公开工作年度报告", "2025-01-13"),
        ("拱墅区教育局2024年政府信息公开工作年度报告", "2025-01-10"),
        ("拱墅区人民政府2023年政府信息公开工作年度报告", "2024-01-22"),
    ]  # 图解 and the notices/要点/决算/指南 look-alikes dropped; full title= over "..." text
    assert entries[0][0] == "http://www.gongshu.gov.cn/art/2025/1/13/art_1230096_59083676.html"
    assert out[[r.url for r in out].index(entries[1][0])].meta["gongkai_role"] == "file"
    (proxy,) = [r for r in out if r.meta.get("gongkai_role") == "proxy"]
    assert proxy.method == "POST" and proxy.url == (
        "http://www.gongshu.gov.cn/module/jpage/dataproxy.jsp?startrecord=46&endrecord=90"
        "&perpage=15"
    )
    form = parse_qs(proxy.body.decode())
    assert form["webid"] == ["2096"] and form["columnid"] == ["1230096"]
    assert form["unitid"] == ["4535233"] and form["webname"] == ["杭州市拱墅区人民政府"]
    assert proxy.headers["Referer"] == GONGSHU.encode()


def test_hanweb_web_proxy_response_records(tmp_path):
    from crawler.spiders.hanweb import HanwebSpider

    spider = _spider(HanwebSpider, tmp_path, "http://jshrss.jiangsu.gov.cn/")
    column = "http://jshrss.jiangsu.gov.cn/col/col77278/index.html"
    proxy = "http://jshrss.jiangsu.gov.cn/module/web/jpage/dataproxy.jsp?page=2"
    response = _page(
        "hanweb/dataproxy-web-response.xml",
        proxy,
        TextResponse,
        found_on=column,
        hanweb=("/module/web/jpage/dataproxy.jsp", {}, 46, 90, 15, "GET"),
    )
    assert _entries(spider.parse_proxy(response)) == [
        (
            "http://jshrss.jiangsu.gov.cn/art/2023/1/30/art_77278_10744512.html",
            "江苏省人力资源和社会保障厅2022年政府信息公开工作年度报告",
            "2023-01-30",
        ),
        (
            "http://zwgk.dingxi.gov.cn/art/2021/11/4/art_12480_1461862.html",  # another host
            "定西市2020年政府信息公开工作年度报告",
            "2021-11-04",
        ),
        (
            "http://jshrss.jiangsu.gov.cn/art/2022/1/28/art_77278_10312207.html",
            "江苏省人力资源和社会保障厅2021年政府信息公开工作年度报告",
            "2022-01-28",
        ),
    ]


def test_hanweb_article_attachments_downfile_and_oss(tmp_path):
    from crawler.spiders.hanweb import HanwebSpider

    spider = _spider(HanwebSpider, tmp_path, "http://www.gongshu.gov.cn/")
    url = "http://www.gongshu.gov.cn/art/2025/1/13/art_1230096_59083676.html"
    page = _page(
        "hanweb/article-gongshu.html", url, title="拱墅区人民政府2024年政府信息公开工作年度报告"
    )
    out = list(spider.parse_article(page))
    assert [(r.url.split("?")[0].rsplit("/", 1)[1], r.meta["title"]) for r in out] == [
        ("downfile.jsp", "拱墅区人民政府2024年政府信息公开工作年度报告.pdf"),  # its showname
        ("b6b892c924a3469a851eb42e21654697.pdf", "拱墅区人民政府2024年政府信息公开工作年度报告"),
    ]  # a short page that links its report files: the files are the documents, no image
    assert "统计期限自2024年1月1日" in spider.body_text(page)


# ---- Hanweb JPaaS ------------------------------------------------------------------------------


def test_jpaas_query_data_and_build_unit(tmp_path):
    import json
    from urllib.parse import parse_qs, urlsplit

    from crawler.spiders.jpaas import JpaasSpider

    spider = _spider(JpaasSpider, tmp_path, "http://www.hhtz.gov.cn/")
    column = "http://www.hhtz.gov.cn/col/col1487002/index.html"
    (unit,) = spider.parse_list(_page("jpaas/column-binjiang.html", column))
    assert urlsplit(unit.url).path == "/api-gateway/jpaas-publish-server/front/page/build/unit"
    query = {k: v[0] for k, v in parse_qs(urlsplit(unit.url).query).items()}
    assert query["webId"] == "2945" and query["pageId"] == "1487002"
    assert query["tagId"] == "阳光政务_分页列表" and query["tplSetId"] == "quSyqDUrFfjv1nGRQhEEH"
    assert json.loads(query["paramJson"]) == {"pageNo": 1, "pageSize": 15}
    response = _page("jpaas/build-unit-page1.json", unit.url, TextResponse, **unit.meta)
    out = list(spider.jpaas_page(response))
    assert _entries(out) == [
        (
            "http://www.hhtz.gov.cn/col/col1487002/art/2025/art_b8b22e03d57e44f1aebccb5ebbb1b1d7.html",
            "杭州市滨江区人民政府2024年政府信息公开工作年度报告",
            "2025-01-20",
        ),
        (
            "http://www.hhtz.gov.cn/art/2024/art_5e2d1c0b9a8f4e7d6c5b4a3f2e1d0c9b.html",
            "杭州市滨江区西兴街道办事处2023年政府信息公开工作年度报告",
            "2024-01-25",
        ),
    ]  # H5 and 工作要点 dropped
    pages = [
        json.loads(parse_qs(urlsplit(r.url).query)["paramJson"][0])["pageNo"]
        for r in out
        if r.meta.get("gongkai_role") == "proxy"
    ]
    assert pages == [2, 3, 4, 5]  # count="61", 15 a page


# ---- TRS WCM -----------------------------------------------------------------------------------

GULOU = "http://www.gl.gov.cn/xjwz/zfxxgk/zfxxgknb/index.htm"


def test_trs_gbk_list_heading_titles_and_live_pager(tmp_path):
    from crawler.spiders.trs import TrsSpider

    spider = _spider(TrsSpider, tmp_path, "http://www.gl.gov.cn/")
    page = _page("trs/list-gulou-gbk.htm", GULOU)
    assert page.encoding in ("gbk", "gb18030")
    out = list(spider.parse_list(page))
    assert _entries(out) == [
        (
            "http://www.gl.gov.cn/xjwz/zfxxgk/zfxxgknb/202601/t20260109_5123456.htm",
            "福州市鼓楼区2025年政府信息公开工作年度报告",
            "2026-01-09",
        ),
        (
            "http://www.gl.gov.cn/xjwz/zfxxgk/zfxxgknb/202501/t20250115_4923411.htm",
            "福州市鼓楼区2024年政府信息公开工作年度报告",
            "2025-01-15",
        ),
        (
            "http://www.gl.gov.cn/xjwz/zfxxgk/zfxxgknb/202402/t20240208_4776283.htm",
            "福州市鼓楼区2023年政府信息公开工作年度报告",
            "2024-02-08",
        ),
        (
            "http://www.gl.gov.cn/xjwz/zfxxgk/qzbmptlj/qrmzfjzfgzbm/qjyj/zfxxgknb/202401/"
            "t20240119_4761200.htm",
            "福州市鼓楼区教育局2023年政府信息公开工作年度报告",
            "2024-01-19",
        ),
    ]
    assert [r.url.rsplit("/", 1)[1] for r in out if r.meta.get("trs_page")] == [
        "index_1.htm",
        "index_2.htm",
    ]  # countPage = 3, not the commented-out 9


def test_trs_inline_pager_live_count_wins():
    inline = (DATA / "trs-inline-pager-script-list-page.html").read_text("utf-8")
    assert trs_pager(inline) == (17, 0, "index", "html")


def test_six_argument_create_page_html(tmp_path):
    from crawler.spiders.trs import TrsSpider

    spider = _spider(TrsSpider, tmp_path, "http://www.zt.gov.cn/")
    url = "http://www.zt.gov.cn/zwgk/zfxxgknb/list.shtml"
    out = list(spider.parse_list(_page("trs/list-six-arg.shtml", url)))
    assert len(_entries(out)) == 1
    assert [r.url.rsplit("/", 1)[1] for r in out if r.meta.get("trs_page")] == [
        "list_2.shtml",
        "list_3.shtml",
        "list_4.shtml",
        "list_5.shtml",
    ]


def test_trs_article_appendix_files(tmp_path):
    from crawler.spiders.trs import TrsSpider

    spider = _spider(TrsSpider, tmp_path, "http://www.gl.gov.cn/")
    url = "http://www.gl.gov.cn/xjwz/zfxxgk/zfxxgknb/202402/t20240208_4776283.htm"
    page = _page(
        "trs/t20240208_4776283.htm", url, title="福州市鼓楼区2023年政府信息公开工作年度报告"
    )
    out = list(spider.parse_article(page))
    assert [(r.url.rsplit("/", 1)[1], r.meta["title"]) for r in out] == [
        ("P020240208356210447893.pdf", "福州市鼓楼区2023年政府信息公开工作年度报告.pdf"),
        ("P020240208356210461234.ofd", "福州市鼓楼区2023年政府信息公开工作年度报告"),
    ]  # the W0….jpg image is not a document


def test_trs_real_pingtan_list_rows_with_dates_in_sibling_cells(tmp_path):
    from crawler.spiders.trs import TrsSpider

    spider = _spider(TrsSpider, tmp_path, "https://www.pingtan.gov.cn/")
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"
    entries = _entries(spider.parse_list(_page("pingtan-zfxxgknb-list-index.html", url)))
    assert len(entries) >= 10
    assert entries[0] == (
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202603/t20260313_105587.htm",
        "平潭综合实验区2025年度政府信息公开工作年度报告",
        "2026-03-10",
    )


# ---- plain static lists ------------------------------------------------------------------------


def test_static_list_entries_and_same_folder_pager(tmp_path):
    from crawler.spiders.static import StaticSpider

    spider = _spider(StaticSpider, tmp_path, "https://www.pudong.gov.cn/")
    url = "https://www.pudong.gov.cn/zwgk/zwgk_zfxxgknb_qzf_gknb/list.html"
    out = list(spider.parse_list(_page("static/list-pudong.html", url)))
    assert [(t, d) for _u, t, d in _entries(out)] == [
        ("上海市浦东新区2023年政府信息公开工作年度报告", "2024-02-19"),
        ("上海市浦东新区2014年政府信息公开工作年度报告", "2015-02-28"),
        ("上海市浦东新区政府2010年信息公开工作年度报告", "2011-03-31"),
    ]
    pages = [r.url for r in out if r.meta.get("gongkai_role") == "list"]
    assert pages == [
        "https://www.pudong.gov.cn/zwgk/zwgk_zfxxgknb_qzf_gknb/list_2.html",
        "https://www.pudong.gov.cn/zwgk/zwgk_zfxxgknb_qzf_gknb/list_3.html",
        "https://www.pudong.gov.cn/zwgk/zwgk_zfxxgknb_qzf_gknb/list_2.html",
        "https://www.pudong.gov.cn/zwgk/zwgk_zfxxgknb_qzf_gknb/list_3.html",
    ]


# ---- Shanghai districts ------------------------------------------------------------------------

MH = "https://zwgk.shmh.gov.cn/mh-xxgk-cms/website/mh_xxgk/"


def test_minhang_channel_entries_and_next_list_page(tmp_path):
    from crawler.spiders.shanghai import ShanghaiSpider

    spider = _spider(ShanghaiSpider, tmp_path, MH + "gknb_qzfnb/")
    out = list(
        spider.parse_list(
            _page("shanghai/minhang-gknb_qzfnb-list_0.htm", MH + "gknb_qzfnb/List/list_0.htm")
        )
    )
    assert _entries(out) == [
        (
            MH + "gknb_qzfnb/content/22ad802a-f7d9-4c5f-8346-6786a6643137.htm",
            "2025年闵行区政府信息公开工作年度报告",
            "2026-02-04",
        ),
        (
            MH + "xxgk_lhsrj_gknb/content/99e4c16d-f9c4-478e-baf8-f23f32e91b42.htm",
            "2025年上海市闵行区绿化和市容管理局政府信息公开工作年度报告",
            "2026-01-22",
        ),
        (
            "https://zwgk.shmh.gov.cn/mh-xxgk-cms/UploadPath/uploadfile/2025-02-10/"
            "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.pdf",
            "2024年闵行区政府信息公开工作年度报告（图片版）.pdf",
            "2025-02-10",
        ),
    ]  # 图解 and the 通知 dropped; the 图片版 is a report
    (following,) = [r for r in out if r.meta["gongkai_role"] == "list"]
    assert following.url == MH + "gknb_qzfnb/List/list_1.htm"
    root = _page("shanghai/minhang-empty-list.htm", MH + "gknb_qzfnb/")
    root = root.replace(
        body=(DATA / "shanghai/minhang-gknb_qzfnb-list_0.htm")
        .read_bytes()
        .replace(b"../../xxgk", b"../xxgk")
    )  # relative to the channel root
    assert [r.url for r in spider.parse_list(root) if r.meta["gongkai_role"] == "list"] == [
        MH + "gknb_qzfnb/List/list_0.htm"
    ]


def test_minhang_empty_page_ends_the_channel(tmp_path):
    from crawler.spiders.shanghai import ShanghaiSpider

    spider = _spider(ShanghaiSpider, tmp_path, MH + "gknb_qzfnb/")
    out = list(
        spider.parse_list(
            _page("shanghai/minhang-empty-list.htm", MH + "gknb_qzfnb/List/list_7.htm")
        )
    )
    assert out == []


def test_yangpu_query_id_details(tmp_path):
    from crawler.spiders.platforms import detect
    from crawler.spiders.shanghai import ShanghaiSpider

    spider = _spider(ShanghaiSpider, tmp_path, "https://www.shyp.gov.cn/")
    page = _page("shanghai/yangpu-list.html", "https://www.shyp.gov.cn/yp-zwgk/zwgk/nb/")
    assert detect(page) == "shanghai"
    assert _entries(spider.parse_list(page)) == [
        (
            "https://www.shyp.gov.cn/yp-zwgk/zwgk/buffersInformation/details?id="
            "b848446e-cf33-457b-b54f-1c8bfeb55fde",
            "上海市杨浦区2023年政府信息公开工作年度报告",
            "2024-02-18",
        )
    ]


def test_pudong_affair_api_is_a_json_post_and_its_list_read(tmp_path):
    import asyncio
    import json

    from crawler.spiders.shanghai import ShanghaiSpider

    api = "https://www.pudong.gov.cn/zwgk-search-front/api/data/affair?channelList=5144"
    spider = _spider(ShanghaiSpider, tmp_path, "https://www.pudong.gov.cn/", list_urls=[api])

    async def first():
        return [r async for r in spider.start()]

    (request,) = asyncio.run(first())
    assert request.method == "POST" and request.url == api
    assert json.loads(request.body) == {"channelList": ["5144"], "pageNo": 1, "pageSize": 100}
    assert request.headers["Content-Type"].startswith(b"application/json")
    response = _page("shanghai/pudong-affair-5144.json", api, TextResponse, affair_page=1)
    out = list(spider.parse_list(response))
    assert [r for r in out if r.meta["gongkai_role"] == "list"] == []  # totalPage 1: done
    assert _entries(out) == [
        (
            "https://www.pudong.gov.cn/zwgk/zwgk_zfxxgknb_qzf_gknb/2024/50/323401.html",
            "上海市浦东新区2023年政府信息公开工作年度报告",
            "2024-02-19",
        ),
        (
            "https://www.pudong.gov.cn/zwgk/zwgk_zfxxgknb_qzf_gknb/2024/325/334333.html",
            "上海市浦东新区2014年政府信息公开工作年度报告",
            "2024-11-20",
        ),
        (
            "https://www.pudong.gov.cn/zwgk/006009005/2022/302/257480.html",
            "上海市浦东新区政府2010年信息公开工作年度报告",
            "2022-10-28",
        ),
    ]


def test_pudong_affair_api_pages_by_page_no_until_total_page(tmp_path):
    import json

    from crawler.spiders.shanghai import ShanghaiSpider

    api = "https://www.pudong.gov.cn/zwgk-search-front/api/data/affair?channelList=5144&pageSize=2"
    spider = _spider(ShanghaiSpider, tmp_path, "https://www.pudong.gov.cn/", list_urls=[api])
    first = _page("shanghai/pudong-affair-5144-page1-of-3.json", api, TextResponse, affair_page=1)
    out = list(spider.parse_list(first))
    assert _entries(out) == [
        (
            "https://www.pudong.gov.cn/zwgk/zwgk_zfxxgknb_qzf_gknb/2025/31/351207.html",
            "上海市浦东新区2024年政府信息公开工作年度报告",
            "2025-01-31",  # display_date in epoch milliseconds, read as China time
        )
    ]  # the 一图读懂 dropped
    (nxt,) = [r for r in out if r.meta["gongkai_role"] == "list"]
    assert nxt.method == "POST" and nxt.url == api and nxt.meta["affair_page"] == 2
    assert json.loads(nxt.body) == {"channelList": ["5144"], "pageNo": 2, "pageSize": 2}
    assert nxt.callback == spider.parse_affair
    data = json.loads(first.body)
    data["data"]["pageNo"] = 3  # the last page asks for nothing more
    last = first.replace(body=json.dumps(data).encode())
    last.meta["affair_page"] = 3
    assert [r for r in spider.parse_list(last) if r.meta["gongkai_role"] == "list"] == []
    data = json.loads(first.body)  # only a row count: the pages follow from the page size
    data["data"] = {"total": 5, "list": data["data"]["list"]}
    counted = first.replace(body=json.dumps(data).encode())
    counted.meta["affair_page"] = 2
    (nxt,) = [r for r in spider.parse_list(counted) if r.meta["gongkai_role"] == "list"]
    assert json.loads(nxt.body)["pageNo"] == 3
    assert not _stat(spider, "lists_truncated")


@pytest.mark.parametrize(
    ("change", "last", "why"),
    [  # an empty page before the last; pageNo ignored; MAX_PAGES read and more remain
        ({"list": []}, False, "page 1 of 3 came back empty"),
        ({"pageNo": 1}, True, "asked for page {max}, the API answered page 1"),
        ({"totalPage": "{max1}", "pageNo": "{max}"}, True, "{max1} pages, read the first {max}"),
    ],
)
def test_pudong_affair_window_with_unread_rows_fails_loudly(tmp_path, change, last, why):
    import json

    from crawler.runner import site_outcome
    from crawler.spiders.shanghai import MAX_PAGES, ShanghaiSpider

    api = "https://www.pudong.gov.cn/zwgk-search-front/api/data/affair?channelList=5144&pageSize=2"
    spider = _spider(ShanghaiSpider, tmp_path, "https://www.pudong.gov.cn/", list_urls=[api])
    page = _page(
        "shanghai/pudong-affair-5144-page1-of-3.json",
        api,
        TextResponse,
        affair_page=MAX_PAGES if last else 1,
    )
    data = json.loads(page.body)
    for key, value in change.items():
        if isinstance(value, str):
            value = int(value.format(max=MAX_PAGES, max1=MAX_PAGES + 1))
        data["data"][key] = value
    data["data"] = {k: v for k, v in data["data"].items() if v is not None}
    why = why.format(max=MAX_PAGES, max1=MAX_PAGES + 1)
    page = page.replace(body=json.dumps(data).encode())
    out = list(spider.parse_list(page))
    assert [r for r in out if r.meta["gongkai_role"] == "list"] == []
    assert _stat(spider, "lists_truncated") == 1
    causes = _stat(spider, "causes")
    assert causes == {f"list truncated: {why}": 1}
    counts = {"lists_truncated": 1, "reports_found": 3}
    outcome, reason = site_outcome(counts, 0)
    assert outcome == "failing" and "truncated" in reason


# ---- Jiangxi script data -----------------------------------------------------------------------


def test_jiangxi_list_data_with_urls_as_a_json_string(tmp_path):
    from crawler.spiders.jiangxi import JiangxiSpider
    from crawler.spiders.platforms import detect

    spider = _spider(JiangxiSpider, tmp_path, "http://www.jiangxi.gov.cn/")
    url = "http://www.jiangxi.gov.cn/col/col4975/index.html"
    page = _page("jiangxi/list-nb.html", url)
    assert detect(page) == "jiangxi"
    out = list(spider.parse_list(page))
    assert _entries(out) == [
        (
            "http://www.jiangxi.gov.cn/art/2024/1/26/art_4975_4767330.html",
            "江西省人民政府办公厅2023年政府信息公开工作年度报告",
            "2024-01-26",
        ),
        (
            "http://www.jiangxi.gov.cn/art/2023/1/30/art_4975_4283716.html",
            "江西省人民政府办公厅2022年政府信息公开工作年度报告",
            "2023-01-30",
        ),
    ]  # the 图解 (highlighted with <font>) dropped
    assert {r.url for r in out if r.meta["gongkai_role"] == "list"} == {
        "http://www.jiangxi.gov.cn/col/col4975/index_2.html"
    }
    broken = page.replace(body=page.body.replace(b"articleList:[{", b"articleList:[{{"))
    assert list(spider.parse_list(broken)) == []
    assert _stat(spider, "lists_unparsed") == 1


def test_jiangxi_detail_body_from_script(tmp_path):
    from crawler.spiders.jiangxi import JiangxiSpider

    spider = _spider(JiangxiSpider, tmp_path, "http://www.jiangxi.gov.cn/")
    page = _page(
        "jiangxi/art_4975_4767330.html",
        "http://www.jiangxi.gov.cn/art/2024/1/26/art_4975_4767330.html",
    )
    assert "统计期限自2023年1月1日" in spider.body_text(page)


@pytest.mark.parametrize(
    ("fixture", "url", "report", "following"),
    [
        (
            "static/sudy-list.htm",
            "https://www.example.edu.cn/2345/list.htm",  # Sudy WebPlus
            "https://www.example.edu.cn/2024/0125/c2345a123001/page.htm",
            {
                "https://www.example.edu.cn/2345/list2.htm",
                "https://www.example.edu.cn/2345/list3.htm",
            },
        ),
        (
            "static/public-column-list.html",  # Anhui/Jiangxi/Qinghai /public/column/ lists
            "https://www.ahfeixi.gov.cn/public/column/6595?type=4&catId=7049&action=list&nav=3",
            "https://www.ahfeixi.gov.cn/public/6595/49812345.html",
            {
                "https://www.ahfeixi.gov.cn/public/column/6595?type=4&catId=7049&action=list&nav=3"
                "&pageIndex=2"
            },
        ),
    ],
)
def test_static_other_families_lists_and_pagers(tmp_path, fixture, url, report, following):
    from crawler.spiders.static import StaticSpider

    spider = _spider(StaticSpider, tmp_path, url)
    out = list(spider.parse_list(_page(fixture, url)))
    assert [u for u, _t, _d in _entries(out)] == [report]  # the 通知 and 政策解读 not taken
    assert {r.url for r in out if r.meta["gongkai_role"] == "list"} == following


def test_navigation_does_not_open_lookalike_report_links_as_columns(tmp_path):
    """The home page's 年报-worded links: columns are followed, look-alikes are not."""
    from test_titles import NAV_LABELS

    from crawler.spiders.static import StaticSpider

    spider = _spider(StaticSpider, tmp_path, "http://www.example.gov.cn/")
    links = "".join(
        f'<li><a href="/col/col{n}/index.html">{label}</a></li>'
        for n, (label, _column) in enumerate(NAV_LABELS)
    )
    home = HtmlResponse(
        "http://www.example.gov.cn/",
        body=f"<html><body><ul>{links}</ul></body></html>".encode(),
        encoding="utf-8",
        request=Request("http://www.example.gov.cn/", meta={"gongkai_site_id": "fx", "hops": 0}),
    )
    followed = {r.url for r in spider.nav_links(home)}
    expected = {
        f"http://www.example.gov.cn/col/col{n}/index.html"
        for n, (_label, column) in enumerate(NAV_LABELS)
        if column
    }
    assert followed == expected
    assert _stat(spider, "nav_lookalikes") == sum(1 for _l, column in NAV_LABELS if not column)


# ---- platforms recognised, not supported -----------------------------------------------------

HEFEI_NB = (
    "http://zwgk.hefei.gov.cn/zwgk/public/spage.xp?doAction=sindex&unitid=0004000100010018&frame=nb"
)
TEMPLATED = "https://fzggw.ah.gov.cn/public/column/7011?type=4&catId=49943601&action=list&nav=3"


def _unsupported_checks(spider, reason_start):
    from crawler.runner import site_outcome

    assert _stat(spider, "platform_unsupported") == 1
    assert not _stat(spider, "lists_unparsed")  # said what it is, not "parse found nothing"
    (reason,) = _stat(spider, "platform_unsupported_by")
    assert reason.startswith(reason_start)
    (example,) = _stat(spider, "failure_urls")
    assert example["cause"] == reason_start.removesuffix(":")
    counts = {
        "platform_unsupported": 1,
        "platform_unsupported_by": _stat(spider, "platform_unsupported_by"),
    }
    assert site_outcome(counts, 0) == ("failing", reason)
    return example["url"]


def test_hefei_nianbao_frame_is_recognised_and_not_supported(tmp_path):
    from crawler.spiders.auto import AutoSpider

    portal = "http://www.hfxx.gov.cn/"
    spider = _spider(
        AutoSpider, tmp_path, portal, allowed_domains=["www.hfxx.gov.cn", "zwgk.hefei.gov.cn"]
    )
    home = _page("unsupported/hefei-portal-xxgk-box.html", portal, hops=0)
    followed = {r.url: r.meta["gongkai_role"] for r in spider.parse_nav(home)}
    assert followed[HEFEI_NB] == "list"  # 政府信息公开年报 leads to the 年报 frame
    frame = HtmlResponse(
        HEFEI_NB,
        body=b"<html><body></body></html>",  # whatever it holds: the URL names the system
        request=Request(HEFEI_NB, meta={"gongkai_site_id": "fx", "gongkai_role": "list"}),
    )
    assert list(spider.parse_list_page(frame)) == []
    assert _unsupported_checks(spider, "platform hefei-xp recognised, not supported:") == HEFEI_NB


def test_templated_public_column_page_is_recognised_and_not_supported(tmp_path):
    from crawler.spiders.auto import AutoSpider

    spider = _spider(AutoSpider, tmp_path, "https://fzggw.ah.gov.cn/")
    page = _page("unsupported/lonsun-column-template.html", TEMPLATED, gongkai_role="list")
    assert list(spider.parse_list_page(page)) == []
    reason = "platform lonsun-template recognised, not supported:"
    assert _unsupported_checks(spider, reason) == TEMPLATED


def test_server_rendered_public_column_page_is_still_read(tmp_path):
    from crawler.spiders.auto import AutoSpider

    url = "https://www.ahfeixi.gov.cn/public/column/6595?type=4&catId=7049&action=list&nav=3"
    spider = _spider(AutoSpider, tmp_path, url)
    out = list(spider.parse_list_page(_page("static/public-column-list.html", url)))
    assert [u for u, _t, _d in _entries(out)] == [
        "https://www.ahfeixi.gov.cn/public/6595/49812345.html"
    ]
    assert not _stat(spider, "platform_unsupported")


class _Pages:
    """An explain fetcher over fixed pages (no network): robots allow everything."""

    def __init__(self, pages):
        self.pages = pages

    def allowed(self, url):
        return True

    def raw(self, url, method="GET", body=None, headers=None):
        if url not in self.pages:
            return 404, {}, b"", url
        return 200, {"Content-Type": "text/html; charset=utf-8"}, self.pages[url], url


def test_explain_names_an_unsupported_platform_with_its_evidence():
    from crawler.explain import explain

    portal = "http://www.hfxx.gov.cn/"
    pages = {
        portal: (DATA / "unsupported/hefei-portal-xxgk-box.html").read_bytes(),
        HEFEI_NB: b"<html><body></body></html>",
    }
    found = explain(portal, delay=0, allowed_domains=["zwgk.hefei.gov.cn"], fetcher=_Pages(pages))
    ((reason, page, shown),) = found.unsupported
    assert reason.startswith("platform hefei-xp recognised, not supported: 合肥")
    assert page == HEFEI_NB and "frame=nb" in shown
    assert found.platform == "hefei-xp" and found.accepted == []
    (visit,) = [v for v in found.visits if v.url == HEFEI_NB]
    assert visit.platform == "hefei-xp" and visit.note == "recognised, not supported"


def test_sites_explain_command_says_not_supported_and_fails(monkeypatch):
    from click.testing import CliRunner

    from crawler import explain as explain_module
    from crawler.cli import main

    pages = {
        "https://fzggw.ah.gov.cn/": (
            f'<html><body><a href="{TEMPLATED}">政府信息公开年报</a></body></html>'
        ).encode(),
        TEMPLATED: (DATA / "unsupported/lonsun-column-template.html").read_bytes(),
    }
    monkeypatch.setattr(explain_module, "Fetcher", lambda **_kw: _Pages(pages))
    result = CliRunner().invoke(main, ["sites", "explain", "https://fzggw.ah.gov.cn/"])
    assert result.exit_code == 1, result.output
    assert "NOT SUPPORTED: platform lonsun-template recognised, not supported:" in result.output
    assert f"page: {TEMPLATED}" in result.output and "<?=el.link?>" in result.output


# ---- Anhui/Jiangxi/Qinghai /public/column/ platform (lonsun) -----------------------------------

LABEL = (
    "https://www.ahfeixi.gov.cn/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList"
    "&siteId=6786551&pageSize=15&pageIndex={n}&action=list&isDate=true&dateFormat=yyyy-MM-dd"
    "&length=50&organId=6595&type=4&catId=7049&cId=&result=%E6%9A%82%E6%97%A0%E7%9B%B8%E5%85%B3"
    "%E4%BF%A1%E6%81%AF&file=%2Fc3%2Ffx%2FpublicInfoList_newest"
)


def test_lonsun_data_url_rows_and_next_page_index(tmp_path):
    from urllib.parse import parse_qs, urlsplit

    from crawler.spiders.lonsun import LonsunSpider

    url = LABEL.format(n=1)
    spider = _spider(LonsunSpider, tmp_path, "https://www.ahfeixi.gov.cn/", list_urls=[url])
    page = _page("lonsun/label-publicInfoList-page1.html", url)
    assert detect(page) == "lonsun"
    out = list(spider.parse_list_page(page))
    assert _entries(out) == [
        (
            "https://www.ahfeixi.gov.cn/public/6595/49812345.html",
            "肥西县人民政府2023年政府信息公开工作年度报告",
            "2024-01-18",
        ),
        (
            "https://www.ahfeixi.gov.cn/public/6595/47755120.html",
            "肥西县人民政府2022年政府信息公开工作年度报告",
            "2023-01-16",
        ),
    ]  # the 政策解读 dropped
    (nxt,) = [r for r in out if r.meta["gongkai_role"] == "list"]
    asked, given = parse_qs(urlsplit(nxt.url).query), parse_qs(urlsplit(url).query)
    assert asked == {**given, "pageIndex": ["2"]}  # site template, ids, empty text all kept
    assert urlsplit(nxt.url).path == "/site/label/8888"


def test_lonsun_data_url_ends_on_its_empty_text_and_reads_navli_rows(tmp_path):
    from crawler.spiders.lonsun import LonsunSpider

    url = LABEL.format(n=4)
    spider = _spider(LonsunSpider, tmp_path, "https://www.ahfeixi.gov.cn/", list_urls=[url])
    assert list(spider.parse_list_page(_page("lonsun/label-publicInfoList-empty.html", url))) == []
    assert not _stat(spider, "lists_unparsed") and not _stat(spider, "lists_truncated")
    navli = _page("lonsun/label-publicInfoList-navli.html", url.replace("6595", "1681"))
    assert detect(navli) == "lonsun"
    out = list(spider.parse_list_page(navli))
    assert [t for _u, t, _d in _entries(out)] == [
        "安徽省人民政府办公厅2023年政府信息公开工作年度报告"
    ]
    assert "pageIndex=5" in next(r.url for r in out if r.meta["gongkai_role"] == "list")


def test_lonsun_data_url_with_rows_at_the_page_cap_is_truncated(tmp_path):
    from crawler.spiders.lonsun import MAX_PAGES, LonsunSpider

    url = LABEL.format(n=MAX_PAGES)
    spider = _spider(LonsunSpider, tmp_path, "https://www.ahfeixi.gov.cn/", list_urls=[url])
    out = list(spider.parse_list_page(_page("lonsun/label-publicInfoList-page1.html", url)))
    assert [r for r in out if r.meta["gongkai_role"] == "list"] == []
    assert _stat(spider, "lists_truncated") == 1
    assert _stat(spider, "causes") == {
        f"list truncated: rows still on page {MAX_PAGES}, the last one read": 1
    }


def test_public_column_details_are_never_followed_as_navigation(tmp_path):
    """A report title says 政府信息公开: on this platform its `/public/<organ>/<id>.html` page is
    an article, not a menu to walk (a decoy such as …统计年报 would be read as a column)."""
    from crawler.spiders.lonsun import LonsunSpider

    url = "https://www.ahfeixi.gov.cn/public/column/6595?type=4&catId=7049&action=list&nav=3"
    spider = _spider(LonsunSpider, tmp_path, url)
    page = _page("static/public-column-list.html", url, hops=1)
    followed = [r.url for r in spider.nav_links(page)]
    assert not [u for u in followed if "/public/6595/" in u], followed


def test_explain_folds_an_api_paged_by_post_body_into_its_channel():
    """浦东's API pages share one URL (pageNo is in the POST body): page 2's parent is that
    same URL, which must neither loop nor hide the channel page."""
    from crawler.explain import Candidate, Explanation, Visit

    home, channel = "http://pd/index.html", "http://pd/zwgk/gknb/index.html"
    api = "http://pd/zwgk-search-front/api/data/affair?channelList=5144"
    out = Explanation(url=home)
    out.visits = [
        Visit(home, "home", 200),
        Visit(channel, "list", 200, parent=home),
        Visit(api, "list", 200, parent=channel, paged=True),
        Visit(api, "list", 200, parent=api, paged=True),
    ]
    out.candidates = [
        Candidate(api, "http://pd/a/1.html", "某区2024年政府信息公开工作年度报告", True, "")
    ]
    assert out.list_pages == [channel]
    assert [v.url for v in out.path_to(api)] == [home, channel, api]
