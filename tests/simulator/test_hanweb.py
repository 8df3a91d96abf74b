"""Hanweb JCMS district site: navigation, datastore island + dataproxy paging, articles, files."""

from __future__ import annotations

import hashlib
import re
import urllib.parse

import pytest

from sim import Simulator

from .conftest import fetch

pytestmark = pytest.mark.integration  # the simulator on loopback sockets

RECORD_HREF = re.compile(r"<record><!\[CDATA\[<li><a href='([^']+)' title='([^']*)'")


def _site(sim):
    return sim.sites[0]


def _param_block(page: str) -> dict[str, str]:
    m = re.search(r"var param_(\d+) = \{([^}]+)\}", page)
    assert m, "param_<unitid> missing"
    pairs = dict(p.split(":", 1) for p in m.group(2).split(","))
    return {k: v.strip("'") for k, v in pairs.items()}


def test_describes_itself():
    with Simulator(platforms=("hanweb",), seed=0) as sim:
        site = _site(sim)
        assert site.platform == "hanweb" and len(site.region_code) == 6
        assert len(site.hosts) == 2 and site.hosts[0] != site.hosts[1]
        reg = sim.registry()[0]
        assert set(reg["allowed_domains"]) == {h.split(":")[0] for h in site.hosts}
        assert reg["start_urls"] == [site.home_url]


def test_home_navigation_reaches_nianbao_column(hanweb_sim):
    site = _site(hanweb_sim)
    home = fetch(site.home_url)
    assert home.status == 200 and "charset=UTF-8" in home.headers["Content-Type"]
    xxgk = re.search(
        r'<a href="(/col/col\d+/index\.html)"[^>]*>政府信息公开</a>', home.text()
    ).group(1)
    page = fetch(site.base_url + xxgk).text()
    fd = re.search(r'<a href="(/col/col\d+/index\.html)">法定主动公开内容</a>', page).group(1)
    page = fetch(site.base_url + fd).text()
    nb = re.search(r'<a href="(/col/col\d+/index\.html)">政府信息公开年报</a>', page).group(1)
    assert site.base_url + nb == site.list_urls[0]
    bm = re.search(
        r'<a href="(/col/col\d+/index\.html)">信息公开部门目录</a>',
        fetch(site.base_url + xxgk).text(),
    )
    depts = re.findall(
        r'<a href="(/col/col\d+/index\.html)">区[^<]+</a>',
        fetch(site.base_url + bm.group(1)).text(),
    )
    assert len(depts) >= 10


def _all_records(site, list_url: str) -> list[str]:
    page = fetch(list_url).text()
    island = RECORD_HREF.findall(page)
    assert len(island) == 45
    params = _param_block(page)
    total = int(re.search(r"totalRecord:(\d+)", page).group(1))
    form = {
        k: params[k]
        for k in (
            "col",
            "webid",
            "path",
            "columnid",
            "sourceContentType",
            "unitid",
            "webname",
            "permissiontype",
        )
    }
    form["appid"] = "1"
    hrefs = [h for h, _ in island]
    for start in range(46, total + 1, 45):
        q = f"startrecord={start}&endrecord={start + 44}&perpage=15"
        got = fetch(
            f"{site.base_url}/module/jpage/dataproxy.jsp?{q}",
            data=urllib.parse.urlencode(form).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
                "X-Requested-With": "XMLHttpRequest",
            },
        )
        assert got.status == 200 and got.headers["Content-Type"].startswith("text/xml")
        body = got.text()
        assert f"<totalrecord>{total}</totalrecord>" in body
        assert f"<totalpage>{-(-total // 15)}</totalpage>" in body
        hrefs += [h for h, _ in RECORD_HREF.findall(body)]
    assert len(hrefs) == total
    return hrefs


def test_list_paging_returns_every_record_once(hanweb_sim):
    site = _site(hanweb_sim)
    hrefs = _all_records(site, site.list_urls[0])
    assert len(hrefs) > 120
    assert len(set(hrefs)) == len(hrefs)
    assert all(
        re.match(r"^(/art/\d{4}/[1-9]\d?/[1-9]\d?/art_\d+_\d+\.html|/module/download/)", h)
        or h.startswith("http://")
        for h in hrefs
    )


def test_dataproxy_accepts_params_in_query_and_get(hanweb_sim):
    site = _site(hanweb_sim)
    params = _param_block(fetch(site.list_urls[0]).text())
    q = urllib.parse.urlencode(
        {**params, "appid": 1, "startrecord": 1, "endrecord": 5, "perpage": 15}
    )
    body = fetch(f"{site.base_url}/module/jpage/dataproxy.jsp?{q}").text()
    assert len(RECORD_HREF.findall(body)) == 5


def test_dataproxy_wrong_path_is_404_and_wrong_unit_is_empty(hanweb_sim):
    site = _site(hanweb_sim)
    assert fetch(f"{site.base_url}/module/web/jpage/dataproxy.jsp?page=1").status == 404
    body = fetch(
        f"{site.base_url}/module/jpage/dataproxy.jsp?startrecord=1&endrecord=45&columnid=1&unitid=2"
    ).text()
    assert "<totalrecord>0</totalrecord>" in body


def test_record_text_is_hidden_from_text_extractors(hanweb_sim):
    page = fetch(_site(hanweb_sim).list_urls[0]).text()
    outside = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert "/art/" not in outside


def test_seed_article_is_a_hanweb_report_with_rebuilt_tables(hanweb_sim):
    seed = next(r for r in hanweb_sim.reports if r.source_file == "seed-gongshu-zfj-2023.txt")
    assert seed.title == "拱墅区综合行政执法局2023年政府信息公开工作年度报告"
    got = fetch(seed.url)
    assert got.status == 200
    assert hashlib.sha256(got.body).hexdigest() == seed.sha256
    page = got.text()
    assert (
        '<meta name="ArticleTitle" content="拱墅区综合行政执法局2023年政府信息公开工作年度报告">'
        in page
    )
    pub = re.search(r'<meta name="PubDate" content="([^"]+)">', page).group(1)
    make = re.search(r"<meta name='Maketime' content='([^']+)'>", page).group(1)
    assert not make.startswith(pub[:10])
    assert f"发布日期: {pub}" in page and "索引号" in page
    zoom = page[page.index('<div id="zoom">') :]
    assert "<!--ZJEG_RSS.content.begin-->" in zoom and "<!--ZJEG_RSS.content.end-->" in zoom
    assert zoom.count("<table") == 3
    assert "<tr><td>行政处罚</td><td>1142</td></tr>" in zoom
    assert "<tr><td>91.61</td><td></td><td>2.其他法律行政法规禁止公开</td>" in zoom
    assert "<td>商业<br/>企业</td>" in zoom


def test_pdf_report_downfile_redirect_chain(hanweb_sim):
    pdf = next(
        r
        for r in hanweb_sim.reports
        if r.source_file == "js-huaian-hongze-2023.pdf" and "downfile.jsp" in r.attachment_urls[0]
    )
    article = fetch(pdf.page_url).text()
    link = pdf.attachment_urls[0]
    assert link.split("/", 3)[3].replace("&", "&amp;") in article
    first = fetch(link)
    assert first.status == 302
    assert re.fullmatch(r"/attach/0/[0-9a-f]{32}\.pdf", first.headers["Location"])
    final = fetch(link, follow=True)
    assert final.status == 200 and final.headers["Content-Type"] == "application/pdf"
    assert (
        hashlib.sha256(final.body).hexdigest()
        == pdf.sha256
        == ("94a211353fb046b7c869cbb236078deb4d1f7085bd0c2b0dbf85051ec831698c")
    )
    assert int(final.headers["Content-Length"]) == len(final.body)
    assert "showname=" in link


def test_oss_host_serves_attachments(hanweb_sim):
    site = _site(hanweb_sim)
    oss = next(r for r in hanweb_sim.reports if r.url.split("/")[2] == site.hosts[1])
    got = fetch(oss.url)
    assert got.status == 200 and hashlib.sha256(got.body).hexdigest() == oss.sha256
    assert "/jcms_files/jcms1/web" in oss.url
    assert fetch(f"http://{site.hosts[1]}/").status == 403


def test_conditional_requests_get_304(hanweb_sim):
    rep = next(r for r in hanweb_sim.reports if r.format == "html")
    first = fetch(rep.url)
    etag, lm = first.headers["ETag"], first.headers["Last-Modified"]
    assert fetch(rep.url, headers={"If-None-Match": etag}).status == 304
    assert fetch(rep.url, headers={"If-Modified-Since": lm}).status == 304
    assert fetch(rep.url, headers={"If-None-Match": '"other"'}).status == 200
    pdf = next(r for r in hanweb_sim.reports if r.format == "pdf")
    head = fetch(pdf.url)
    assert fetch(pdf.url, headers={"If-None-Match": head.headers["ETag"]}).status == 304


def test_robots_allows_all_and_unknown_is_404(hanweb_sim):
    site = _site(hanweb_sim)
    robots = fetch(site.base_url + "/robots.txt")
    assert robots.status == 200 and "Disallow: /\n" not in robots.text()
    assert fetch(site.base_url + "/art/2024/1/1/art_1_2.html").status == 404


def test_request_log_records_every_request(hanweb_sim):
    site = _site(hanweb_sim)
    before = len(hanweb_sim.request_log)
    fetch(site.base_url + "/robots.txt", headers={"Referer": "x"})
    log = hanweb_sim.request_log[before:]
    host, method, path, status, headers = log[-1]
    assert (host, method, path, status) == (site.hosts[0], "GET", "/robots.txt", 200)
    assert headers["Referer"] == "x"


def test_bytes_are_stable_across_restarts():
    def digests() -> dict[str, str]:
        with Simulator(platforms=("hanweb",), seed=0) as sim:
            return {r.report_id: r.sha256 for r in sim.reports}

    assert digests() == digests()
    with Simulator(platforms=("hanweb",), seed=1) as other:
        assert {r.report_id for r in other.reports} != set(digests())


def test_edit_add_remove():
    with Simulator(platforms=("hanweb",), seed=0) as sim:
        rep = next(r for r in sim.reports if r.format == "html")
        old = fetch(rep.url)
        edited = sim.edit_report(rep.report_id)
        assert edited.sha256 != rep.sha256
        new = fetch(rep.url, headers={"If-None-Match": old.headers["ETag"]})
        assert new.status == 200 and hashlib.sha256(new.body).hexdigest() == edited.sha256
        assert (
            fetch(rep.url, headers={"If-Modified-Since": old.headers["Last-Modified"]}).status
            == 200
        )

        site = sim.sites[0]
        added = sim.add_report(
            site.id, title="拱墅区人民政府2025年政府信息公开工作年度报告", year=2025
        )
        first = RECORD_HREF.findall(fetch(site.list_urls[0]).text())[0]
        assert site.base_url + first[0] == added.url and first[1] == added.title

        pdf = next(r for r in sim.reports if r.format == "pdf")
        sim.remove_report(pdf.report_id)
        assert fetch(pdf.url).status == 404
        assert pdf.report_id not in {r.report_id for r in sim.reports}
