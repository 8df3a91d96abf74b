"""gkmlpt JSON platform and the plain static site."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse

import chompjs
import pytest

from sim import Simulator

from .conftest import fetch

pytestmark = pytest.mark.integration  # the simulator on loopback sockets


@pytest.fixture(scope="module")
def sim():
    with Simulator(platforms=("gkmlpt", "static"), seed=0) as s:
        yield s


def _site(sim, platform):
    return next(s for s in sim.sites if s.platform == platform)


def _walk_tree(nodes):
    for n in nodes:
        yield n
        yield from _walk_tree(n.get("children", []))


def test_gkmlpt_config_tree_and_api_paging(sim):
    site = _site(sim, "gkmlpt")
    page = fetch(site.home_url).text()
    # a JavaScript object literal (bare keys, single quotes) as on real sites, not JSON
    assert re.search(r"window\._CONFIG = \{SID:'\d+',TREE:\[", page)
    config = chompjs.parse_js_object(page[page.index("window._CONFIG") :])
    sid = config["SID"]
    cats = {n["name"]: n for n in _walk_tree(config["TREE"])}
    nb = cats["政府信息公开年报"]
    ids: list[int] = []
    total = None
    for n in range(1, 10):
        body = json.loads(
            fetch(f"{site.base_url}/gkmlpt/api/all/{nb['id']}?page={n}&sid={sid}").body
        )
        total = body["total"]
        if not body["articles"]:
            break
        ids += [a["id"] for a in body["articles"]]
        assert {"title", "url", "display_publish_time", "attachment"} <= set(body["articles"][0])
    assert len(ids) == len(set(ids)) == total == nb["post_count"]
    wrong = json.loads(fetch(f"{site.base_url}/gkmlpt/api/all/{nb['id']}?page=1&sid=1").body)
    assert wrong["total"] == 0
    many = cats["通知公告"]["post_count"]
    assert many > 200


def test_gkmlpt_detail_embeds_content_json(sim):
    rep = next(r for r in sim.reports if r.site_id == "gkmlpt-xuwen" and not r.synthetic)
    assert re.search(r"/gkmlpt/content/\d+/\d+/post_\d+\.html$", rep.url)
    got = fetch(rep.url)
    assert hashlib.sha256(got.body).hexdigest() == rep.sha256
    text = got.text()
    config = chompjs.parse_js_object(text[text.index("window._CONFIG") :])
    assert config["DETAIL"]["title"] == rep.title and "<p>" in config["DETAIL"]["content"]
    assert "<\\/p>" in text  # `</` escaped inside the script, as a JS string must be


def test_gkmlpt_variant_2_pages_from_zero_and_lists_everything():
    with Simulator(platforms=("gkmlpt",), seed=0, switches={"variant": 2}) as sim:
        site = sim.sites[0]
        assert site.list_urls == [f"{site.base_url}/gkmlpt/api/all/0?page=0&sid=759031"]
        text = fetch(site.home_url).text()
        tree = chompjs.parse_js_object(text[text.index("window._CONFIG") :])["TREE"]
        assert not [n for n in _walk_tree(tree) if "年报" in n["name"]]
        ids: list[int] = []
        for n in range(0, 10):
            body = json.loads(fetch(re.sub(r"page=0", f"page={n}", site.list_urls[0])).body)
            if not body["articles"]:
                break
            ids += [a["id"] for a in body["articles"]]
        assert len(ids) == len(set(ids)) == body["total"] > 300
        reports = {int(r.url.rsplit("_", 1)[1].split(".")[0]) for r in sim.reports}
        assert reports <= set(ids)


def test_static_list_next_links_cover_everything(sim):
    site = _site(sim, "static")
    url, hrefs, pages = site.list_urls[0], [], 0
    while url:
        body = fetch(url).text()
        pages += 1
        hrefs += re.findall(r'<li><a href="([^"]+)" title=', body)
        nxt = re.search(r'<a href="([^"]+)">下一页</a>', body)
        url = urllib.parse.urljoin(url, nxt.group(1)) if nxt else None
    assert pages >= 5 and len(hrefs) == len(set(hrefs))
    reps = [r for r in sim.reports if r.site_id == site.id]
    assert {urllib.parse.urlsplit(r.url).path for r in reps} <= set(hrefs)
    legacy = next(r for r in reps if r.source_file == "sh-gov-office-2019-legacy.html")
    body = fetch(legacy.url)
    assert "<table" in body.text() and hashlib.sha256(body.body).hexdigest() == legacy.sha256
