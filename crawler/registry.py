"""The site registry (config/sites.yaml): load it, validate it, and answer "which hosts may I ask".

Districts are data, not code: one entry per site names its platform and start URL(s); the
platform spider does the rest. Validation is strict (unknown keys, wrong types, ids outside
[a-z0-9-], duplicate ids, start/list URLs on private or loopback addresses are errors) and
its problems are collected with their YAML line, not raised one by one, so `gongkai sites
check` can print them all and a crawl refuses the file.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import reprlib
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from w3lib.url import safe_url_string

from crawler.spiders import platform_names  # a file listing: no scrapy import

PLATFORMS = (*platform_names(), "auto")  # one spider module per platform
_REGION = re.compile(r"^[1-8]\d{5}$")  # 6-digit 行政区划代码 (first digit = 大区 1–8)

# YAML aliases share one object however often they repeat, so a "billion laughs" file is
# small in memory; only printing it expands it.  Every value quoted in a message, or turned
# into text, goes through this bounded repr.
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 4, 4, 80, 80


def _show(value: Any) -> str:
    """A short repr of a registry value for a message, however large or nested it is."""
    return _REPR.repr(value)


def _text(value: Any) -> str:
    """A scalar as text; anything else as its short repr (never a huge expansion)."""
    if value is None or isinstance(value, str | int | float):
        return str(value)
    return _show(value)


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
    allow_private: bool = False  # loopback/private hosts allowed (simulator and test sites)
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Hosts (with port when given) of the start/list URLs plus configured extra hosts."""
        hosts = {urlsplit(u).netloc.lower() for u in (*self.start_urls, *self.list_urls)}
        hosts.update(d.lower().strip() for d in self.allowed_domains)
        return frozenset(h for h in hosts if h)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "region_code": self.region_code,
            "start_urls": list(self.start_urls),
            "platform": self.platform,
            "allowed_domains": list(self.allowed_domains),
            "list_urls": list(self.list_urls),
            "enabled": self.enabled,
            "allow_private": self.allow_private,
            **self.extra,
        }


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


# Every key an entry may have; anything else (`list_url:`) is a mistake, not an extension.
KNOWN_KEYS = (
    "id",
    "name",
    "region_code",
    "start_urls",
    "platform",
    "allowed_domains",
    "list_urls",
    "enabled",
    "allow_private",
)
_REQUIRED = ("id", "name", "region_code", "start_urls")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # ids travel in `-a site=a,b` and in file names


@dataclass(frozen=True)
class _Lines:
    """Where each site entry (and each of its keys) sits in the YAML text, for messages."""

    entries: tuple[int | None, ...] = ()
    keys: tuple[dict[str, int], ...] = ()
    duplicate_keys: tuple[tuple[int, str, int], ...] = ()  # (entry index, key, line)

    def of(self, index: int, key: str | None = None) -> int | None:
        if index >= len(self.entries):
            return None
        if key is not None and key in self.keys[index]:
            return self.keys[index][key]
        return self.entries[index]


def _yaml_lines(text: str) -> _Lines:
    """Line numbers of the `sites` entries, from the YAML node tree (1-based)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return _Lines()
    seq = root
    if isinstance(root, yaml.MappingNode):
        seq = next((v for k, v in root.value if getattr(k, "value", None) == "sites"), None)
    if not isinstance(seq, yaml.SequenceNode):
        return _Lines()
    entries: list[int | None] = []
    keys: list[dict[str, int]] = []
    dups: list[tuple[int, str, int]] = []
    for index, item in enumerate(seq.value):
        entries.append(item.start_mark.line + 1)
        found: dict[str, int] = {}
        if isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                name = str(getattr(key, "value", ""))
                if name in found and name != "<<":
                    dups.append((index, name, key.start_mark.line + 1))
                found.setdefault(name, value.start_mark.line + 1)
        keys.append(found)
    return _Lines(tuple(entries), tuple(keys), tuple(dups))


def _hosts(url: str) -> tuple[str, ...] | None:
    """The host a reader sees in `url` and the host Scrapy will connect to (after its URL
    normalisation: IDNA/NFKC turns fullwidth digits, ideographic dots and enclosed letters
    into ASCII, and a backslash ends the authority), or None for a non-http(s) URL."""
    try:
        seen = urlsplit(url)
        fetched = urlsplit(safe_url_string(url))
    except ValueError:
        return None
    if seen.scheme not in ("http", "https") or not seen.hostname or not fetched.hostname:
        return None
    return tuple(dict.fromkeys((seen.hostname, fetched.hostname)))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    packed = int(ip)
    if packed >> 32 == 0 or ip in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    return None


def public_host_problem(host: str) -> str | None:
    """Why `host` is not a public address (loopback, private, link-local …), else None.

    Names are not resolved (checking a registry must not touch the network); `localhost`
    and numeric hosts in any form the resolver accepts (`127.1`, `2130706433`) are caught.
    """
    name = host.strip("[]").lower().rstrip(".").split("%", 1)[0]  # no IPv6 zone id
    if name == "localhost" or name.endswith(".localhost"):
        return "loopback"
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(name)
    except ValueError:
        if not re.fullmatch(r"[0-9a-fx.]+", name) or not any(c.isdigit() for c in name):
            return None
        try:
            ip = ipaddress.IPv4Address(socket.inet_aton(name))
        except OSError:
            return None
    if isinstance(ip, ipaddress.IPv6Address) and not ip.is_loopback and not ip.is_unspecified:
        ip = _embedded_ipv4(ip) or ip
    for label, flag in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("unspecified", ip.is_unspecified),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
    ):
        if flag:
            return label
    return None if ip.is_global else "not a public"


def _strings(value: Any) -> tuple[str, ...] | None:
    """A string or a list of strings as a tuple; None when it is anything else."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


class _Checker:
    """Collects the problems of one entry, each prefixed with where it is."""

    def __init__(self, index: int, raw: dict[str, Any], lines: _Lines, problems: list[str]) -> None:
        self.index, self.raw, self.lines, self.problems = index, raw, lines, problems
        ident = raw.get("id")
        self.label = f"site {_show(ident)}" if ident is not None else f"site #{index + 1}"

    def add(self, message: str, key: str | None = None) -> None:
        line = self.lines.of(self.index, key)
        self.problems.append(f"{f'line {line}: ' if line else ''}{self.label}: {message}")

    def urls(self, key: str, *, required: bool) -> tuple[str, ...]:
        value = self.raw.get(key)
        if value is None and not required:
            return ()
        urls = _strings(value)
        if urls is None:
            self.add(f"{key} must be a URL or a list of URLs, not {_show(value)}", key)
            return ()
        if required and not urls:
            self.add(f"missing {key}", key)
        for url in urls:
            hosts = _hosts(url)
            if hosts is None:
                self.add(f"not an http(s) URL: {_show(url)}", key)
            elif self.raw.get("allow_private") is not True:
                self.public_host(hosts, f"{key} {url}", key)
        return urls

    def public_host(self, hosts: Iterable[str], what: str, key: str) -> None:
        for host in hosts:
            kind = public_host_problem(host)
            if kind:
                self.add(
                    f"{what} is on a {kind} address (set allow_private: true only for "
                    f"a test or simulated site)",
                    key,
                )
                return

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            self.add(f"{key} must be true or false, not {_show(value)}", key)
            return False if key == "enabled" else default  # a typo never enables a site
        return value


def _entry(
    raw: dict[str, Any], problems: list[str], index: int = 0, lines: _Lines | None = None
) -> SiteEntry | None:
    check = _Checker(index, raw, lines or _Lines(), problems)
    for key in raw:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            check.add(f"unknown key {key!r}{hint}", str(key))
    missing = [k for k in _REQUIRED if raw.get(k) in (None, "", [])]
    if missing:
        check.add(f"missing {', '.join(missing)}")
        return None
    ident, name = raw["id"], raw["name"]
    if not isinstance(ident, str) or not _ID.match(ident):
        check.add(
            f"id {_show(ident)} may contain only a-z, 0-9 and '-' (and must start with a "
            f"letter or digit)",
            "id",
        )
    if not isinstance(name, str):
        check.add(f"name must be text, not {_show(name)}", "name")
    region = _text(raw["region_code"])
    if isinstance(raw["region_code"], bool) or not _REGION.match(region):
        check.add(f"region_code {region!r} is not a 6-digit 行政区划代码", "region_code")
    platform = raw.get("platform", "auto")
    if platform not in PLATFORMS:
        check.add(f"unknown platform {_show(platform)} (one of {', '.join(PLATFORMS)})", "platform")
    enabled = check.boolean("enabled", True)
    allow_private = check.boolean("allow_private", False)
    starts = check.urls("start_urls", required=True)
    lists = check.urls("list_urls", required=False)
    domains = _strings(raw.get("allowed_domains", []))
    if domains is None:
        check.add("allowed_domains must be a host or a list of hosts", "allowed_domains")
        domains = ()
    elif not allow_private:
        for domain in domains:
            hosts = _hosts(f"http://{domain.strip()}/") or (domain,)
            check.public_host(hosts, f"allowed domain {domain}", "allowed_domains")
    return SiteEntry(
        id=_text(ident),
        name=_text(name),
        region_code=region,
        start_urls=starts,
        platform=_text(platform),
        allowed_domains=domains,
        list_urls=lists,
        enabled=enabled,
        allow_private=allow_private,
    )


def parse_registry(
    data: Any,
    *,
    _lines: _Lines | None = None,
) -> tuple[list[SiteEntry], list[str]]:
    """Entries and the problems found (duplicate ids, bad codes, unknown keys, wrong types,
    private addresses …), each with its YAML line when the text is known."""
    lines = _lines or _Lines()
    if isinstance(data, dict):
        extra = [k for k in data if k != "sites"]
        raw_sites = data.get("sites")
    else:
        extra, raw_sites = [], data
    if not isinstance(raw_sites, list):
        return [], ["registry must be a list of sites (or a mapping with a 'sites' list)"]
    problems = [f"unknown top-level key {k!r} (only 'sites')" for k in extra]
    for index, key, dup_line in lines.duplicate_keys:
        problems.append(f"line {dup_line}: site #{index + 1}: key {key!r} given twice")
    entries: list[SiteEntry] = []
    first_line: dict[str, int | None] = {}
    for index, raw in enumerate(raw_sites):
        if not isinstance(raw, dict):
            at = lines.of(index)
            problems.append(f"{f'line {at}: ' if at else ''}entry {_show(raw)} is not a mapping")
            continue
        entry = _entry(raw, problems, index, lines)
        if entry is None:
            continue
        if entry.id in first_line:
            at, before = lines.of(index, "id"), first_line[entry.id]
            problems.append(
                f"{f'line {at}: ' if at else ''}site {entry.id!r}: duplicate id"
                + (f" (first at line {before})" if before else "")
            )
        else:
            first_line[entry.id] = lines.of(index, "id")
        entries.append(entry)
    return entries, sorted(problems, key=_line_of)


def _line_of(problem: str) -> int:
    """Sort key: problems in file order (those without a line first)."""
    match = re.match(r"line (\d+):", problem)
    return int(match.group(1)) if match else 0


def read_registry(path: str | Path) -> tuple[list[SiteEntry], list[str]]:
    """Entries and problems of a sites.yaml file (a YAML syntax error is a problem too)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot read: {exc}"]
    except yaml.YAMLError as exc:
        return [], [f"{path}: not valid YAML: {exc}"]
    return parse_registry(data, _lines=_yaml_lines(text))


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
