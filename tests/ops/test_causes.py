"""Causes, not symptoms: a failing site names its cause class, a few URLs and its log file.

The classification is tested on the exceptions Scrapy and Twisted really raise (built the way
Scrapy wraps them); the end-to-end test crawls a loopback port nobody listens on.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from OpenSSL import SSL
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as txerror
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from crawler.causes import classify, diagnose, explain_lines
from crawler.cli import main
from storage.runreport import SiteReport


def _wrapped(outer: type[Exception], inner: BaseException) -> Exception:
    """An exception raised `from` another, as Scrapy's download handler does."""
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer(str(exc)) from exc
    except outer as got:
        return got


def test_each_cause_class_is_named() -> None:
    assert (
        classify(_wrapped(DownloadConnectionRefusedError, txerror.ConnectionRefusedError()))
        == "refused"
    )
    assert (
        classify(_wrapped(CannotResolveHostError, txerror.DNSLookupError("nx.example.gov.cn")))
        == "dns"
    )
    assert classify(_wrapped(DownloadTimeoutError, txerror.TimeoutError())) == "timeout"
    tls = ResponseNeverReceived([Failure(SSL.Error([("SSL routines", "", "wrong version")]))])
    assert classify(_wrapped(DownloadFailedError, tls)) == "tls"
    response = Response("http://127.0.0.1/x", status=503, request=Request("http://127.0.0.1/x"))
    assert classify(HttpError(response, "Ignoring non-200 response")) == "http 503"
    assert classify(IgnoreRequest("Forbidden by robots.txt")) == "robots"
    assert classify(ValueError("odd")) == "ValueError"  # unknown: named by its class


def test_blocked_site_names_the_challenge_and_its_urls() -> None:
    # the shape BlockDetectionMiddleware records as evidence (first five of 7 blocks)
    evidence = [
        {
            "url": f"http://127.0.0.1:8/col/{i}.html",
            "status": 412,
            "kind": "ruishu",
            "sha256": "0" * 64,
            "capture_id": i,
        }
        for i in range(5)
    ]
    got = diagnose(
        {"blocked": 7, "block_evidence": evidence, "reports_found": 0},
        "blocked",
        "/d/logs/run-3-0-hanweb.log",
    )
    assert got["cause"] == "challenge ruishu" and got["failing_count"] == 7
    assert [e["url"] for e in got["failing_urls"]] == [e["url"] for e in evidence]
    lines = explain_lines(SiteReport.from_dict(got))
    assert "challenge ruishu ×7" in lines[0] and "(+2 more)" in lines[1]
    assert lines[2].endswith("/d/logs/run-3-0-hanweb.log")
    assert diagnose({"reports_found": 3}, "ok", "x.log") == {}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.integration  # a real crawl subprocess
def test_refused_site_cause_url_and_log_in_crawl_and_runs(tmp_path: Path) -> None:
    port = _closed_port()
    url = f"http://127.0.0.1:{port}/col/col1/index.html"
    sites = tmp_path / "sites.yaml"
    sites.write_text(
        yaml.safe_dump(
            {
                "sites": [
                    {
                        "id": "dead-site",
                        "name": "测试区人民政府",
                        "region_code": "310101",
                        "platform": "hanweb",
                        "start_urls": [f"http://127.0.0.1:{port}/"],
                        "list_urls": [url],
                        "allow_private": True,
                    }
                ]
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    data = tmp_path / "data"
    runner = CliRunner()
    crawl = runner.invoke(
        main,
        [
            "--data",
            str(data),
            "crawl",
            "--sites",
            str(sites),
            "--no-politeness",
            "--set",
            "RETRY_TIMES=0",
        ],
    )
    assert crawl.exit_code == 1, crawl.output
    assert "cause: refused" in crawl.output and url in crawl.output
    runs = runner.invoke(main, ["--data", str(data), "runs", "--last", "1"])
    assert runs.exit_code == 1 and "cause: refused" in runs.output and url in runs.output
    got = json.loads(runner.invoke(main, ["--data", str(data), "runs", "--json"]).output)
    site = got["runs"][0]["sites"][0]
    assert site["cause"] == "refused" and site["failing_count"] == 1
    assert site["failing_urls"][0]["url"] == url and site["failing_urls"][0]["role"] == "list"
    log = Path(site["log"])
    assert log.parent == data / "logs" and log.name in runs.output
    text = log.read_text(encoding="utf-8")
    greppable = [line for line in text.splitlines() if "cause='refused'" in line]
    assert len(greppable) == 1 and url in greppable[0] and "site=dead-site" in greppable[0]
    assert "Overridden settings" not in text and "Traceback" not in text
    again = runner.invoke(
        main,
        [
            "--data",
            str(data),
            "crawl",
            "--sites",
            str(sites),
            "--no-politeness",
            "--set",
            "RETRY_TIMES=0",
            "--json",
        ],
    )
    report = json.loads(again.output)
    assert again.exit_code == 1 and report["sites"]["dead-site"]["cause"] == "refused"
    assert report["sites"]["dead-site"]["failing_urls"][0]["url"] == url


def test_a_list_page_that_parses_to_nothing_is_a_cause_with_its_url(tmp_path: Path) -> None:
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler.spiders.hanweb import HanwebSpider

    sites = tmp_path / "sites.yaml"
    sites.write_text(
        yaml.safe_dump(
            {
                "sites": [
                    {
                        "id": "drifted",
                        "name": "测试区人民政府",
                        "region_code": "310101",
                        "platform": "hanweb",
                        "start_urls": ["http://127.0.0.1:9/"],
                        "allow_private": True,
                    }
                ]
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    crawler = get_crawler(HanwebSpider)
    spider = HanwebSpider.from_crawler(crawler, site="drifted", sites_file=str(sites))
    crawler.spider = spider
    url = "http://127.0.0.1:9/col/col1/index.html"
    request = Request(url, meta={"gongkai_site_id": "drifted", "gongkai_role": "list"})
    # a redesigned page: 200, HTML, but no list the parser recognises
    page = HtmlResponse(
        url,
        body="<html><body><div>新版网站</div></body></html>".encode(),
        encoding="utf-8",
        request=request,
    )
    assert list(spider.parse_list_page(page)) == []
    stats = crawler.stats.get_stats()
    assert stats["gongkai/drifted/lists_unparsed"] == 1
    got = diagnose(
        {
            "lists_unparsed": 1,
            "causes": stats["gongkai/drifted/causes"],
            "failure_urls": stats["gongkai/drifted/failure_urls"],
        },
        "failing",
        "x.log",
    )
    assert got["cause"] == "parse found nothing" and got["failing_urls"][0]["url"] == url
