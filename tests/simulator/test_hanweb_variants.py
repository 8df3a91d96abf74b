"""Hanweb `/module/web/jpage/` (page=N, look-ahead) and `/module/jslib/` variants, and JPaaS."""

from __future__ import annotations

import hashlib
import html
import json
import re
import urllib.parse

import pytest

from sim import Simulator

from .conftest import fetch

pytestmark = pytest.mark.integration  # the simulator on loopback sockets

HREF = re.compile(r"<record><!\[CDATA\[.*?href=[\"']([^\"']+)[\"']", re.S)


@pytest.fixture(scope="module")
def sim():
    with Simulator(platforms=("hanweb-web", "hanweb-jslib", "jpaas"), seed=0) as s:
        yield s


def _site(sim, sid):
    return next(s for s in sim.sites if s.id == sid)


def _params(page: str) -> dict[str, str]:
    body = re.search(r"var param_\d+ = \{([^}]+)\}", page).group(1)
    return {k: v.strip("'") for k, v in (p.split(":", 1) for p in body.split(","))}


def test_web_variant_page_groups_with_lookahead(sim):
    site = _site(sim, "hanweb-hongze")
    page = fetch(site.list_urls[0]).text()
    assert "proxyUrl:'/module/web/jpage/dataproxy.jsp'" in page
    total = int(re.search(r"totalRecord:(\d+)", page).group(1))
    island = HREF.findall(page)
    assert len(island) == 60 and total > 120
    p = _params(page)
    q = {k: p[k] for k in ("webid", "path", "columnid", "unitid", "webname", "permissiontype")}
    seen = list(island)
    n = 2
    while len(set(seen)) < total:
        url = f"{site.base_url}/module/web/jpage/dataproxy.jsp?" + urllib.parse.urlencode(
            {"page": n, "appid": 1, **q}
        )
        body = (
            fetch(url).text()
            if n % 2
            else fetch(
                url.split("?")[0],
                data=url.split("?")[1].encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ).text()
        )
        assert "<nextgroup>" in body and f"<totalrecord>{total}</totalrecord>" in body
        got = HREF.findall(body)
        assert got[0] == seen[-1], "look-ahead: first record repeats the previous group's last"
        seen += got[1:]
        n += 1
        assert n < 10
    assert len(seen) == len(set(seen)) == total
    assert fetch(f"{site.base_url}/module/jpage/dataproxy.jsp?startrecord=1").status == 404


def test_web_variant_direct_pdf_list_item(sim):
    rep = next(r for r in sim.reports if r.site_id == "hanweb-hongze" and r.format == "pdf")
    assert rep.page_url == ""
    listed = HREF.findall(fetch(_site(sim, "hanweb-hongze").list_urls[0]).text())
    link = rep.attachment_urls[0]
    assert any(link.endswith(html.unescape(h)) for h in listed)
    assert fetch(link).status == 302
    assert hashlib.sha256(fetch(link, follow=True).body).hexdigest() == rep.sha256


def test_jslib_variant_table_rows_get(sim):
    site = _site(sim, "hanweb-laifeng")
    page = fetch(site.list_urls[0]).text()
    assert "/module/jslib/jquery/jpage/dataproxy.jsp" in page and "<tr><td" in page
    p = _params(page)
    total = int(re.search(r"totalRecord:(\d+)", page).group(1))
    q = urllib.parse.urlencode({**p, "appid": 1, "startrecord": 46, "endrecord": 90, "perpage": 15})
    body = fetch(f"{site.base_url}/module/jslib/jquery/jpage/dataproxy.jsp?{q}").text()
    assert len(HREF.findall(body)) == min(45, total - 45)
    assert fetch(f"{site.base_url}/module/jpage/dataproxy.jsp").status == 404


def _unit_url(site, page: str, param_json: dict | None) -> str:
    qd = re.search(r'queryData="([^"]+)"', page).group(1)
    q = json.loads(html.unescape(qd).replace("'", '"'))
    base = (
        f"{site.base_url}/api-gateway/jpaas-publish-server/front/page/build/unit?"
        "parseType=bulidstatic&pageType=column&editType=null&" + urllib.parse.urlencode(q)
    )
    if param_json is not None:
        base += "&paramJson=" + urllib.parse.quote(json.dumps(param_json))
    return base


def test_jpaas_paging_and_latest_ten(sim):
    site = _site(sim, "jpaas-binjiang")
    page = fetch(site.list_urls[0]).text()
    assert "/art/" not in page
    latest = json.loads(fetch(_unit_url(site, page, None)).body)
    assert latest["data"]["html"].count("<li>") == 10
    total = int(re.search(r'count="(\d+)"', latest["data"]["html"]).group(1))
    hrefs: list[str] = []
    for n in range(1, total // 50 + 2):
        frag = json.loads(fetch(_unit_url(site, page, {"pageNo": n, "pageSize": 50})).body)["data"][
            "html"
        ]
        hrefs += re.findall(r'<a class="news" href="([^"]+)"', frag)
    assert len(hrefs) == len(set(hrefs)) == total > 100
    art = next(h for h in hrefs if "/art/" in h)
    assert re.fullmatch(r"/col/col\d+/(zfxxgknb/)?art/\d{4}/art_[0-9a-f]{32}\.html", art)
    got = fetch(site.base_url + art)
    assert got.status == 200 and 'id="ivs_content"' in got.text()


def test_jpaas_wrong_params_and_reports(sim):
    site = _site(sim, "jpaas-binjiang")
    bad = json.loads(
        fetch(
            f"{site.base_url}/api-gateway/jpaas-publish-server/front/page/build/unit?webId=1"
        ).body
    )
    assert bad["success"] is False
    reps = [r for r in sim.reports if r.site_id == site.id]
    for r in reps[:5] + [r for r in reps if r.format == "pdf"]:
        got = fetch(r.url)
        assert got.status == 200 and hashlib.sha256(got.body).hexdigest() == r.sha256
    oss = next(r for r in reps if r.format == "pdf")
    assert oss.url.split("/")[2] == site.hosts[1]
