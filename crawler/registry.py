"""The site registry (config/sites.yaml): load it, validate it, and answer "which hosts may I ask".

Districts are data, not code: one entry per site names its platform and start URL(s); the
platform spider does the rest. Validation problems are collected, not raised one by one, so
`gongkai sites check` can print them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawler.spiders import platform_names  # a file listing: no scrapy import

PLATFORMS = (*platform_names(), "auto")  # one spider module per platform
_REGION = re.compile(r"^[1-8]\d{5}$")  # 6-digit 行政区划代码 (first digit = 大区 1–8)


class RegistryError(ValueError):
    """The registry file cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SiteEntry:
    """One registered site."""

    id: str
    name: str
    region_code: str
    start_urls: tuple[str, ...]
    platform: str = "auto"
    allowed_domains: tuple[str, ...] = ()
    list_urls: tuple[str, ...] = ()
    enabled: bool = True
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Hosts (with port when given) of the start/list URLs plus configured extra hosts."""
        hosts = {urlsplit(u).netloc.lower() for u in (*self.start_urls, *self.list_urls)}
        hosts.update(d.lower().strip() for d in self.allowed_domains)
        return frozenset(h for h in hosts if h)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "region_code": self.region_code,
                "start_urls": list(self.start_urls), "platform": self.platform,
                "allowed_domains": list(self.allowed_domains), "list_urls": list(self.list_urls),
                "enabled": self.enabled, **self.extra}


def host_allowed(netloc: str, allowed: Iterable[str]) -> bool:
    """Exact host:port match, or a subdomain of an allowed *domain name* (never of an IP)."""
    netloc = netloc.lower()
    host = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
    for item in allowed:
        if netloc == item or host == item:
            return True
        if ":" not in item and not item.replace(".", "").isdigit() and host.endswith("." + item):
            return True
    return False


def _urls(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def _entry(raw: dict[str, Any], problems: list[str]) -> SiteEntry | None:
    where = f"site {raw.get('id', '?')!r}"
    missing = [k for k in ("id", "name", "region_code", "start_urls") if not raw.get(k)]
    if missing:
        problems.append(f"{where}: missing {', '.join(missing)}")
        return None
    region = str(raw["region_code"])
    if not _REGION.match(region):
        problems.append(f"{where}: region_code {region!r} is not a 6-digit 行政区划代码")
    platform = raw.get("platform", "auto")
    if platform not in PLATFORMS:
        problems.append(f"{where}: unknown platform {platform!r} (one of {', '.join(PLATFORMS)})")
    starts, lists = _urls(raw["start_urls"]), _urls(raw.get("list_urls"))
    for url in (*starts, *lists):
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            problems.append(f"{where}: not an http(s) URL: {url!r}")
    known = {"id", "name", "region_code", "start_urls", "platform", "allowed_domains",
             "list_urls", "enabled"}
    return SiteEntry(id=str(raw["id"]), name=str(raw["name"]), region_code=region,
                     start_urls=starts, platform=platform,
                     allowed_domains=_urls(raw.get("allowed_domains")), list_urls=lists,
                     enabled=bool(raw.get("enabled", True)),
                     extra={k: v for k, v in raw.items() if k not in known})


def parse_registry(data: Any) -> tuple[list[SiteEntry], list[str]]:
    """Entries and the problems found (duplicate ids, bad codes, unknown platforms …)."""
    raw_sites = data.get("sites") if isinstance(data, dict) else data
    if not isinstance(raw_sites, list):
        return [], ["registry must be a list of sites (or a mapping with a 'sites' list)"]
    problems: list[str] = []
    entries: list[SiteEntry] = []
    seen: set[str] = set()
    for raw in raw_sites:
        if not isinstance(raw, dict):
            problems.append(f"entry {raw!r} is not a mapping")
            continue
        entry = _entry(raw, problems)
        if entry is None:
            continue
        if entry.id in seen:
            problems.append(f"site {entry.id!r}: duplicate id")
        seen.add(entry.id)
        entries.append(entry)
    return entries, problems


def read_registry(path: str | Path) -> tuple[list[SiteEntry], list[str]]:
    """Entries and problems of a sites.yaml file (a YAML syntax error is a problem too)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return [], [f"{path}: not valid YAML: {exc}"]
    return parse_registry(data)


def load_registry(path: str | Path, *, strict: bool = True) -> list[SiteEntry]:
    """Read sites.yaml; with `strict`, any problem raises RegistryError."""
    entries, problems = read_registry(path)
    if strict and problems:
        raise RegistryError(problems)
    return entries


def select_sites(entries: list[SiteEntry], ids: Iterable[str] = ()) -> list[SiteEntry]:
    """The named sites (all enabled ones when no ids); unknown ids raise KeyError."""
    wanted = list(ids)
    if not wanted:
        return [e for e in entries if e.enabled]
    by_id = {e.id: e for e in entries}
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        raise KeyError(f"unknown site id(s): {', '.join(unknown)}")
    return [by_id[i] for i in wanted]
