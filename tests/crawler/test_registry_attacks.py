"""A hostile registry author: YAML bombs and tags, non-text values, and hosts that look
public to a reader but that Scrapy would fetch from loopback (Unicode digits and dots,
a backslash before `@`, IPv4 hidden in IPv6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.registry import read_registry

ENTRY = """\
  - id: a
    name: 甲区
    region_code: "330105"
    start_urls: {start}
"""


def _bomb(depth: int) -> str:
    """Billion laughs: each level lists the one before ten times (10**depth leaves)."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, depth):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "where", ["start_urls", "name", "region_code", "platform", "id", "enabled", "entry"]
)
def test_billion_laughs_gives_short_problems(tmp_path: Path, where: str):
    """The aliases share one object in memory; only a message that prints it expands it
    (10**7 leaves here: a 70 MB message; at 10**9 the check never ends)."""
    top = f"*l{7 - 1}"
    fields = {
        "id": "a",
        "name": "甲区",
        "region_code": '"330105"',
        "platform": "hanweb",
        "enabled": "true",
        "start_urls": "http://www.example.gov.cn/",
    }
    if where == "entry":
        sites = f"sites:\n  - {top}\n"
    else:
        fields[where] = top
        sites = "sites:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"
    path = tmp_path / "sites.yaml"
    path.write_text(_bomb(7) + sites, encoding="utf-8")
    entries, problems = read_registry(path)
    assert problems
    assert all(len(p) < 2000 for p in problems), max(len(p) for p in problems)
    assert all(
        len(e.id) + len(e.name) + len(e.region_code) + len(e.platform) < 2000 for e in entries
    )


def test_python_tags_are_refused_not_run(tmp_path: Path):
    canary = tmp_path / "pwned"
    path = tmp_path / "sites.yaml"
    path.write_text(
        f'sites:\n  - !!python/object/apply:os.system ["touch {canary}"]\n', encoding="utf-8"
    )
    entries, problems = read_registry(path)
    assert not entries and "not valid YAML" in problems[0]
    assert not canary.exists()


@pytest.mark.parametrize(
    "ident", ["123", "true", "[a]", "{a: 1}", "null", "A", "a,b", "a/../b", "''"]
)
def test_non_text_or_odd_ids_are_problems(tmp_path: Path, ident: str):
    path = tmp_path / "sites.yaml"
    path.write_text(
        f"sites:\n  - id: {ident}\n    name: x\n    region_code: '330105'\n"
        f"    start_urls: http://www.example.gov.cn/\n",
        encoding="utf-8",
    )
    _, problems = read_registry(path)
    assert problems


@pytest.mark.parametrize(
    "url",
    [
        "http://１２７.０.０.１/",  # fullwidth digits and dots: Scrapy fetches 127.0.0.1
        "http://127。0。0。1/",  # ideographic full stops
        "http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/",  # enclosed letters: NFKC makes "localhost"
        "http://127.0.0.1\\@www.example.gov.cn/",  # the reader sees the host after `@`
        "http://[::127.0.0.1]/",  # IPv4-compatible IPv6
        "http://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
        "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
        "http://[::ffff:10.0.0.1]/",  # mapped private
    ],
)
def test_hosts_scrapy_would_fetch_from_a_private_address(tmp_path: Path, url: str):
    path = tmp_path / "sites.yaml"
    path.write_text("sites:\n" + ENTRY.format(start=f"'{url}'"), encoding="utf-8")
    _, problems = read_registry(path)
    assert any("address" in p for p in problems), (url, problems)


@pytest.mark.parametrize("domain", ["１０.０.０.１", "[::127.0.0.1]"])
def test_allowed_domains_in_disguise(tmp_path: Path, domain: str):
    path = tmp_path / "sites.yaml"
    path.write_text(
        "sites:\n"
        + ENTRY.format(start="http://www.example.gov.cn/")
        + f"    allowed_domains: ['{domain}']\n",
        encoding="utf-8",
    )
    _, problems = read_registry(path)
    assert any("address" in p for p in problems), (domain, problems)


def test_unicode_public_host_still_passes(tmp_path: Path):
    path = tmp_path / "sites.yaml"
    path.write_text("sites:\n" + ENTRY.format(start="http://政府.中国/"), encoding="utf-8")
    assert read_registry(path)[1] == []


@pytest.mark.parametrize(
    "link",
    [
        "http://evil.example.com\\@www.example.gov.cn/",  # Scrapy fetches evil.example.com
        "http://www.example.gov.cn@evil.example.com/",
        "http://evil.example.com#@www.example.gov.cn/",
        "http://１２７.０.０.１/",
    ],
)
def test_disguised_links_are_dropped_by_the_allowed_hosts_middleware(link: str):
    """The check sees the URL Scrapy will fetch (normalised), not the text of the link."""
    from types import SimpleNamespace

    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest

    from crawler.middlewares import AllowedHostsMiddleware
    from crawler.registry import SiteEntry

    site = SiteEntry(
        id="a",
        name="甲区",
        region_code="330105",
        start_urls=("http://www.example.gov.cn/",),
        allowed_domains=("example.gov.cn",),
    )
    stats = SimpleNamespace(inc_value=lambda *a, **k: None)
    crawler = SimpleNamespace(spider=SimpleNamespace(sites={"a": site}), stats=stats)
    mw = AllowedHostsMiddleware(crawler)  # type: ignore[arg-type]
    with pytest.raises(IgnoreRequest):
        mw.process_request(Request(link, meta={"gongkai_site_id": "a"}))
