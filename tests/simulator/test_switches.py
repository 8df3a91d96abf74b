"""Hostility switches: each one observable with plain urllib, each test well under 2 s."""

from __future__ import annotations

import http.client
import re
import time
import urllib.error
import urllib.request

import pytest

from sim import Simulator

from .conftest import fetch

pytestmark = pytest.mark.integration  # the simulator on loopback sockets

SITE = "hanweb-gongshu"


def _sim(**switches):
    return Simulator(platforms=("hanweb",), seed=0, switches={SITE: switches})


def test_unknown_switch_is_rejected():
    with pytest.raises(ValueError):
        Simulator(platforms=("hanweb",), switches={"no_such_switch": True})


@pytest.mark.parametrize("status", [412, 202, 200])
def test_ruishu_challenge_needs_both_cookies(status):
    with _sim(ruishu={"status": status}) as sim:
        site = sim.sites[0]
        got = fetch(site.home_url)
        assert got.status == status
        body = got.text()
        assert "$_ts=window['$_ts']" in body and "r='m'" in body and "/art/" not in body
        cookie = got.headers["Set-Cookie"].split(";")[0]
        assert re.fullmatch(r"\w+O=\w+", cookie)
        assert fetch(site.home_url, headers={"Cookie": cookie}).status == status
        both = f"{cookie}; {cookie.split('=')[0][:-1]}P=computed"
        ok = fetch(site.home_url, headers={"Cookie": both})
        assert ok.status == 200 and "政府信息公开" in ok.text()


def test_jsl_521_cookie_challenge():
    with _sim(jsl=True) as sim:
        site = sim.sites[0]
        got = fetch(site.home_url)
        assert got.status == 521 and "__jsluid_s=" in got.headers["Set-Cookie"]
        clearance = re.search(r"__jsl_clearance_s=([0-9a-f]+)", got.text()).group(1)
        again = fetch(site.home_url, headers={"Cookie": f"__jsl_clearance_s={clearance}"})
        assert again.status == 200


def test_browser_only_needs_ua_and_referer():
    with _sim(browser_only=True) as sim:
        site = sim.sites[0]
        assert fetch(site.home_url, headers={"User-Agent": "python-urllib/3.11"}).status == 403
        assert fetch(site.home_url).status == 200
        assert fetch(site.list_urls[0]).status == 403
        assert fetch(site.list_urls[0], headers={"Referer": site.home_url}).status == 200


def test_rate_limit_429_with_retry_after():
    with _sim(rate_limit=0.3) as sim:
        site = sim.sites[0]
        assert fetch(site.home_url).status == 200
        limited = fetch(site.home_url)
        assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
        time.sleep(0.35)
        assert fetch(site.home_url).status == 200


def test_robots_disallow_all():
    with _sim(robots_disallow=True) as sim:
        assert "Disallow: /\n" in fetch(sim.sites[0].base_url + "/robots.txt").text()


def test_slow_responses(monkeypatch):
    from sim import server

    delays: list[float] = []
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        delays.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(server.time, "sleep", sleep)
    with _sim(slow=0.3) as sim:
        assert fetch(sim.sites[0].home_url).status == 200
    assert 0.3 in delays  # the answer waited the switch's delay


def test_connection_reset_every_kth_request():
    with _sim(reset=2) as sim:
        url = sim.sites[0].home_url
        assert fetch(url).status == 200
        with pytest.raises((ConnectionError, http.client.HTTPException, urllib.error.URLError)):
            urllib.request.urlopen(url, timeout=2).read()
        assert fetch(url).status == 200
        assert sim.request_log[1][3] == 0


def test_5xx_burst_then_recovery():
    with _sim(errors_5xx=2) as sim:
        url = sim.sites[0].home_url
        assert [fetch(url).status for _ in range(3)] == [503, 503, 200]


def test_redirect_loop_and_calendar_and_oversized_linked_from_home():
    with _sim(redirect_loop=True, calendar=True, oversized=1_000_000) as sim:
        site = sim.sites[0]
        home = fetch(site.home_url).text()
        assert 'href="/loop/a"' in home and "/calendar/?date=" in home
        assert fetch(site.base_url + "/loop/a").headers["Location"] == "/loop/b"
        assert fetch(site.base_url + "/loop/b").headers["Location"] == "/loop/a"
        day = fetch(site.base_url + "/calendar/?date=2024-01-01").text()
        assert "/calendar/?date=2024-01-02" in day and "/calendar/?date=2023-12-31" in day
        huge = fetch(site.base_url + "/download/huge.pdf", method="HEAD")
        assert int(huge.headers["Content-Length"]) == 1_000_000


def test_mirror_host_is_outside_allowed_domains():
    with _sim(mirror=True) as sim:
        site = sim.sites[0]
        reg = sim.registry()[0]
        mirror = re.search(
            r'<a href="http://([\d.:]+)/">友情链接</a>', fetch(site.home_url).text()
        ).group(1)
        assert mirror.split(":")[0] not in reg["allowed_domains"]
        assert mirror not in site.hosts
        rep = next(r for r in sim.reports if r.format == "html")
        copy = fetch(rep.url.replace(site.hosts[0], mirror))
        assert copy.status == 200
        assert any(h == mirror for h, *_ in sim.request_log)


def test_column_drift_old_list_url_404_new_found_from_home():
    with _sim(column_drift=True) as sim:
        site = sim.sites[0]
        assert fetch(site.list_urls[0]).status == 404
        xxgk = re.search(
            r'<a href="(/col/col\d+/index\.html)"[^>]*>政府信息公开</a>',
            fetch(site.home_url).text(),
        )
        fd = re.search(
            r'<a href="(/col/col\d+/index\.html)">法定主动公开内容</a>',
            fetch(site.base_url + xxgk.group(1)).text(),
        )
        nb = re.search(
            r'<a href="(/col/col\d+/index\.html)">政府信息公开年报</a>',
            fetch(site.base_url + fd.group(1)).text(),
        ).group(1)
        assert site.base_url + nb != site.list_urls[0]
        assert fetch(site.base_url + nb).status == 200


def test_global_switch_applies_to_every_site():
    with Simulator(platforms=("hanweb", "static"), switches={"robots_disallow": True}) as sim:
        for s in sim.sites:
            assert "Disallow: /\n" in fetch(s.base_url + "/robots.txt").text()
