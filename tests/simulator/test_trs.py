"""TRS WCM sites: JS-only pager, relative tYYYYMMDD items, TRS_Editor, P0 attachments, GBK."""

from __future__ import annotations

import hashlib
import re
import urllib.parse

import pytest

from sim import Simulator

from .conftest import fetch

pytestmark = pytest.mark.integration  # the simulator on loopback sockets

ITEM = re.compile(r'<li><a href="([^"]+)" target="_blank" title="([^"]*)"')


@pytest.fixture(scope="module")
def sim():
    with Simulator(platforms=("trs",), seed=0) as s:
        yield s


def _pages(list_url: str, ext: str, encoding: str = "utf-8") -> list[str]:
    first = fetch(list_url).body.decode(encoding)
    m = re.search(r'createPageHTML\((\d+), 0, "index", "(\w+)"\)', first) or re.search(
        r"var countPage = (\d+)", first
    )
    assert m, "pager count missing"
    count = int(m.group(1))
    bodies = [first]
    for k in range(1, count):
        got = fetch(urllib.parse.urljoin(list_url, f"index_{k}.{ext}"))
        assert got.status == 200
        bodies.append(got.body.decode(encoding))
    assert fetch(urllib.parse.urljoin(list_url, f"index_{count}.{ext}")).status == 404
    return bodies


def test_district_list_pages_and_items(sim):
    site = next(s for s in sim.sites if s.id == "trs-gulou")
    assert site.list_urls[0].endswith("/xjwz/zfxxgk/zfxxgknb/")
    assert fetch(site.list_urls[0]).body == fetch(site.list_urls[0] + "index.htm").body
    pages = _pages(site.list_urls[0], "htm")
    assert len(pages) >= 5
    outside = re.sub(r"<script.*?</script>|<SCRIPT.*?</SCRIPT>", "", pages[0], flags=re.S)
    assert "index_1.htm" not in outside, "pager links exist only in JS"
    hrefs = [urllib.parse.urljoin(site.list_urls[0], h) for p in pages for h, _ in ITEM.findall(p)]
    assert len(hrefs) == len(set(hrefs)) > 100
    rel = [h for p in pages for h, _ in ITEM.findall(p)]
    assert any(re.fullmatch(r"\./\d{6}/t\d{8}_\d+\.htm", h) for h in rel)
    assert any(h.startswith("../qzbmptlj/qrmzfjzfgzbm/") for h in rel), "cross-channel reposts"


def test_article_and_attachment(sim):
    reps = [r for r in sim.reports if r.site_id == "trs-gulou"]
    html_rep = next(r for r in reps if r.source_file == "fj-pingtan-2021.txt")
    got = fetch(html_rep.url)
    assert hashlib.sha256(got.body).hexdigest() == html_rep.sha256
    text = got.text()
    assert 'class="TRS_Editor"' in text and "来源:" in text and '<meta name="PubDate"' in text
    pdf = next(r for r in reps if r.format == "pdf")
    page = fetch(pdf.page_url).text()
    m = re.search(
        r'appendix="true"[^>]*href="(\./P0\d+\.pdf)"[^>]*download="[^"]+" OLDSRC="/protect/', page
    )
    assert m
    url = urllib.parse.urljoin(pdf.page_url, m.group(1))
    assert url == pdf.url
    file = fetch(url)
    assert file.status == 200 and hashlib.sha256(file.body).hexdigest() == pdf.sha256
    assert fetch(url, headers={"If-None-Match": file.headers["ETag"]}).status == 304


def test_department_tree(sim):
    site = next(s for s in sim.sites if s.id == "trs-gulou")
    dept_lists = [u for u in site.list_urls if "/qzbmptlj/qrmzfjzfgzbm/" in u]
    assert len(dept_lists) >= 8
    body = fetch(dept_lists[0]).text()
    assert ITEM.findall(body)


def test_gbk_site_charset_only_in_meta(sim):
    site = next(s for s in sim.sites if s.id == "trs-chengkou-gbk")
    got = fetch(site.list_urls[0])
    assert got.headers["Content-Type"] == "text/html"
    assert b"charset=gbk" in got.body[:400]
    with pytest.raises(UnicodeDecodeError):
        got.body.decode("utf-8")
    text = got.body.decode("gbk")
    assert "政府信息公开年报" in text
    pages = _pages(site.list_urls[0], "html", "gbk")
    titles = [t for p in pages for _, t in ITEM.findall(p)]
    assert any("政府信息公开工作年度报告" in t for t in titles)
    rep = next(r for r in sim.reports if r.site_id == site.id and r.format == "html")
    assert hashlib.sha256(fetch(rep.url).body).hexdigest() == rep.sha256
