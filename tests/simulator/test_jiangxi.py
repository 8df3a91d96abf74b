"""The Jiangxi-style site: lists only as a `var listData = {…}` script literal."""

from __future__ import annotations

import json
import re

import chompjs
import pytest

from sim import Simulator

from .conftest import fetch

pytestmark = pytest.mark.integration  # the simulator on loopback sockets


def test_list_data_literal_pages_and_details():
    with Simulator(platforms=("jiangxi",), seed=0) as sim:
        site = sim.sites[0]
        page = fetch(site.list_urls[0]).text()
        assert "<li>" not in page and re.search(r"var listData = \{articleList:\[\{title:'", page)
        data = chompjs.parse_js_object(page[page.index("var listData") :])
        first = data["articleList"][0]
        assert isinstance(first["urls"], str)  # a JSON string inside the literal
        pc = json.loads(first["urls"])["pc"]
        assert re.fullmatch(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_4975_\d+\.html", pc)
        assert data["total"] > data["pageSize"] and 'href="index_2.html"' in page
        detail = fetch(site.base_url + pc).text()
        assert 'content:{"content":"' in detail and "<\\/p>" in detail
        urls = {site.base_url + json.loads(a["urls"])["pc"] for a in data["articleList"]}
        assert urls & {r.url for r in sim.reports}
