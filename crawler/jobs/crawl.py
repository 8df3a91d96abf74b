"""The crawl job: one run over the registry's sites, or a recorded failure when it cannot begin.

The CLI (`gongkai crawl`) parses options, prints the table and picks the exit status; this
module decides what a crawl is run with (politeness off for tests and benchmarks, extra
Scrapy settings) and what happens when it cannot start: an unreadable registry or an
unknown site id still leaves a failed run row, so `gongkai runs` reports it instead of the
previous good run, and the caller gets one line saying why.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.service import Service


class CrawlNotStarted(Exception):
    """The crawl stopped before it began; the failed run `run_id` records `message`."""

    def __init__(self, message: str, run_id: int) -> None:
        super().__init__(message)
        self.message = message
        self.run_id = run_id


def crawl(
    service: Service,
    *,
    sites_file: str | Path,
    site_ids: Iterable[str] = (),
    allow_failures: bool = False,
    polite: bool = True,
    settings: dict[str, Any] | None = None,
    deadline: float | None = None,
) -> dict[str, Any]:
    """Crawl the chosen sites (all when `site_ids` is empty) and return the run report as the
    runner wrote it (storage.runreport.CrawlReport.from_dict reads it).

    `polite=False` drops the download delay and autothrottle (the simulator); `settings`
    are extra Scrapy settings, applied after that. Raises CrawlNotStarted when the registry
    cannot be read or names no such site.
    """
    from crawler.health import record_unstarted_crawl
    from crawler.registry import RegistryError
    from crawler.runner import POLITENESS_OFF, run_crawl

    overrides: dict[str, Any] = {} if polite else dict(POLITENESS_OFF)
    overrides.update(settings or {})
    ids = list(site_ids)
    try:
        return run_crawl(
            service,
            sites_file=sites_file,
            site_ids=ids,
            allow_failures=allow_failures,
            settings_overrides=overrides,
            deadline=deadline,
        )
    except RegistryError as exc:
        message = one_line(f"registry {sites_file} cannot be read: {exc}")
        cause: Exception = exc
    except KeyError as exc:
        message = one_line(unknown_site_message(exc, sites_file))
        cause = exc
    run_id = record_unstarted_crawl(service, sites_file=sites_file, site_ids=ids, error=message)
    raise CrawlNotStarted(message, run_id) from cause


def unknown_site_message(exc: KeyError, sites_file: str | Path) -> str:
    """`unknown site id(s): x; valid ids: a, b, …` — the ids the registry does have."""
    from crawler.registry import load_registry

    message = str(exc.args[0]) if exc.args else "unknown site id"
    try:
        valid = sorted(e.id for e in load_registry(sites_file, strict=False))
    except OSError:
        valid = []
    shown = ", ".join(valid[:40]) + (f", … ({len(valid)} in all)" if len(valid) > 40 else "")
    return f"{message}; valid ids in {sites_file}: {shown or 'none'}"


def one_line(text: str) -> str:
    """A message for one terminal line (a YAML error spans several)."""
    return " ".join(str(text).split())
