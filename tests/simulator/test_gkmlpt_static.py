"""gkmlpt JSON platform and the plain static site."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse

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
    config = json.loads(re.search(r"window\._CONFIG = (\{.*?\});</script>", page).group(1))
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
    config = json.loads(re.search(r"window\._CONFIG = (\{.*\});</script>", got.text()).group(1))
    assert config["DETAIL"]["title"] == rep.title and "<p>" in config["DETAIL"]["content"]


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
