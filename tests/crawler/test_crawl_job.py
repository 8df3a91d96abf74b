"""The crawl job when a crawl cannot begin: a failed run is recorded and one line says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from crawler.jobs.crawl import CrawlNotStarted, crawl
from crawler.service import Service
from storage.config import Paths
from storage.models import CrawlRun
from storage.runreport import RUN_FAILED, CrawlReport

SITES = (
    "sites:\n"
    "  - {id: sh-putuo, name: 上海市普陀区人民政府, region_code: '310107', platform: hanweb,\n"
    "     start_urls: ['http://127.0.0.1:9/'], allow_private: true}\n"
)


def _service(tmp_path: Path) -> Service:
    return Service.open(Paths(tmp_path / "d", f"sqlite:///{tmp_path / 'gongkai.sqlite'}"))


def _recorded(service: Service, run_id: int) -> tuple[str, CrawlReport]:
    with Session(service.engine) as s:
        run = s.get(CrawlRun, run_id)
        assert run is not None
        return run.status, CrawlReport.from_dict(run.report)


def test_an_unknown_site_records_a_failed_run(tmp_path: Path) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text(SITES, encoding="utf-8")
    service = _service(tmp_path)
    with pytest.raises(CrawlNotStarted) as caught:
        crawl(service, sites_file=sites, site_ids=["sh-putou"])
    message = caught.value.message
    assert message.startswith("unknown site id(s): sh-putou;") and message.endswith("sh-putuo")
    status, report = _recorded(service, caught.value.run_id)
    assert status == RUN_FAILED and report.error == message and report.status == RUN_FAILED


def test_an_unreadable_registry_records_a_failed_run_in_one_line(tmp_path: Path) -> None:
    sites = tmp_path / "sites.yaml"
    sites.write_text("sites:\n  - id: a\n    name: [unclosed\n", encoding="utf-8")
    service = _service(tmp_path)
    with pytest.raises(CrawlNotStarted) as caught:
        crawl(service, sites_file=sites)
    message = caught.value.message
    assert message.startswith(f"registry {sites} cannot be read:") and "\n" not in message
    status, report = _recorded(service, caught.value.run_id)
    assert status == RUN_FAILED and report.error == message and not report.finished
