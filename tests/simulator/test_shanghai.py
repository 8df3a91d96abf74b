"""The 闵行-like Shanghai site: 0-based List/list_N.htm channels, uuid details, a variant."""

from __future__ import annotations

import re
import urllib.error

import pytest

from sim import Simulator

from .conftest import fetch

pytestmark = pytest.mark.integration  # the simulator on loopback sockets


def _status(url):
    try:
        return fetch(url).status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("variant", [1, 2])
def test_channels_page_from_zero_and_end_in_404(variant):
    with Simulator(platforms=("shanghai",), seed=0, switches={"variant": variant}) as sim:
        site = sim.sites[0]
        channel = site.list_urls[0]
        assert channel.endswith("/mh_xxgk/gknb_qzfnb/")
        assert fetch(channel).text() == fetch(channel + "List/list_0.htm").text()
        hrefs, n = [], 0
        while True:
            url = f"{channel}List/list_{n}.htm"
            if _status(url) == 404:
                break
            hrefs += re.findall(r'<li><a href="([^"]+)"', fetch(url).text())
            n += 1
        assert n >= 2 and len(hrefs) == len(set(hrefs))
        shape = (
            r"/yp-zwgk/zwgk/buffersInformation/details\?id=[0-9a-f-]{36}$"
            if variant == 2
            else r"/mh_xxgk/gknb_qzfnb/content/[0-9a-f-]{36}\.htm$"
        )
        assert all(re.search(shape, h.replace("&amp;", "&")) for h in hrefs)
        reports = [
            r
            for r in sim.reports
            if r.site_id == site.id and ("/gknb_qzfnb/" in r.url or variant == 2)
        ]
        page = fetch(reports[0].url).text()
        assert "发布时间:" in page and re.search(r"\d{4}年\d{1,2}月\d{1,2}日", page)


def test_pudong_list_api_is_json_post_only():
    import json
    import urllib.request

    with Simulator(platforms=("shanghai",), seed=0) as sim:
        site = next(s for s in sim.sites if s.id == "shanghai-pudong")
        api = site.base_url + "/zwgk-search-front/api/data/affair"
        assert _status(api) == 405  # a GET is refused

        def page(n):
            ask = urllib.request.Request(
                api,
                method="POST",
                data=json.dumps({"channelList": ["5144"], "pageNo": n, "pageSize": 100}).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(ask, timeout=10) as answer:
                return json.loads(answer.read())["data"]

        first = page(1)
        assert len(first["list"]) == first["pageSize"] == 10 < first["totalCount"]  # capped
        assert {"title", "url", "display_date"} == set(first["list"][0])
        assert first["totalPage"] == -(-first["totalCount"] // 10) >= 3
        rows = [r["url"] for n in range(1, first["totalPage"] + 1) for r in page(n)["list"]]
        assert len(rows) == len(set(rows)) == first["totalCount"]
        assert page(first["totalPage"] + 1)["list"] == []
        channel = fetch(site.list_urls[0]).text()
        assert "/zwgk-search-front/api/data/affair" in channel and '"5144"' in channel
