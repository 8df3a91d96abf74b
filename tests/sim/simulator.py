"""The Simulator facade: build sites for the chosen platforms, bind hosts, log requests.

This is the interface tests and the offline demo code against (see package docstring).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from .httpcore import Request, Response
from .model import SimReport, SimSite
from .server import HostServer, allocate_ip, release_ip
from .site import SiteApp
from .switches import Hostility, split_switches

SiteFactory = Callable[[int], SiteApp]


def _factories() -> dict[str, list[SiteFactory]]:
    """Platform name -> site builders (one platform may bring several sites)."""
    from . import gkmlpt, hanweb, hanweb_variants, jiangxi, jpaas, lonsun, shanghai, static, trs

    return {
        "hanweb": [lambda seed: hanweb.HanwebSite(seed=seed)],
        "hanweb-web": [lambda seed: hanweb_variants.JiangsuHanwebSite(seed=seed)],
        "hanweb-jslib": [lambda seed: hanweb_variants.JslibHanwebSite(seed=seed)],
        "jpaas": [lambda seed: jpaas.JpaasSite(seed=seed)],
        "trs": [lambda seed: trs.TrsSite(seed=seed), lambda seed: trs.GbkTrsSite(seed=seed)],
        "gkmlpt": [lambda seed: gkmlpt.GkmlptSite(seed=seed)],
        "static": [lambda seed: static.StaticSite(seed=seed)],
        "jiangxi": [lambda seed: jiangxi.JiangxiSite(seed=seed)],
        "lonsun": [lambda seed: lonsun.LonsunSite(seed=seed)],
        "shanghai": [
            lambda seed: shanghai.MinhangSite(seed=seed),
            lambda seed: shanghai.PudongSite(seed=seed),
        ],
    }


def available_platforms() -> list[str]:
    return sorted(_factories())


LogEntry = tuple[str, str, str, int, dict[str, str]]


class Simulator:
    """Local, deterministic stand-in for a set of government sites."""

    def __init__(
        self,
        platforms: Iterable[str] = ("hanweb",),
        seed: int = 0,
        switches: dict[str, Any] | None = None,
        port_base: int = 0,
    ) -> None:
        table = _factories()
        if isinstance(platforms, str):
            platforms = [p.strip() for p in platforms.split(",") if p.strip()]
        platforms = list(platforms)
        if platforms == ["all"]:
            platforms = sorted(table)
        unknown = [p for p in platforms if p not in table]
        if unknown:
            raise ValueError(f"unknown platform(s) {unknown}; known: {sorted(table)}")
        self.platforms = tuple(platforms)
        self.seed = seed
        self.port_base = port_base
        self.apps: list[SiteApp] = [f(seed) for p in self.platforms for f in table[p]]
        global_sw, per_site = split_switches(switches or {}, [a.site_id for a in self.apps])
        self.hostility: dict[str, Hostility] = {
            a.site_id: Hostility({**global_sw, **per_site.get(a.site_id, {})}) for a in self.apps
        }
        for app in self.apps:  # a global variant applies where the platform has it
            wanted = per_site.get(app.site_id, {}).get("variant")
            if wanted is not None and int(wanted) not in app.variants:
                raise ValueError(f"{app.site_id}: variant {wanted} not in {app.variants}")
            variant = int(wanted or global_sw.get("variant") or 1)
            app.variant = variant if variant in app.variants else 1
        self._servers: list[HostServer] = []
        self._log: list[LogEntry] = []
        self._log_lock = threading.Lock()
        self._started = False

    # ---- lifecycle -------------------------------------------------------------------
    def start(self) -> dict[str, str]:
        """Bind every host on its own loopback IP; returns {site_id: base_url}."""
        if self._started:
            return {a.site_id: a.base() for a in self.apps}
        port_index = 0
        for app in self.apps:
            hosts: dict[str, str] = {}
            for role in (*app.roles, *self.hostility[app.site_id].extra_roles()):
                port = self.port_base + port_index if self.port_base else 0
                port_index += 1
                ip = allocate_ip()
                try:
                    server = HostServer(ip, port, self._dispatcher(app, role), self._record)
                except OSError:
                    release_ip(ip)
                    self.stop()
                    raise
                self._servers.append(server)
                hosts[role] = server.address
            app.bind(hosts)
            self.hostility[app.site_id].bind(app)
        for server in self._servers:
            server.start()
        self._started = True
        return {a.site_id: a.base() for a in self.apps}

    def stop(self) -> None:
        for server in self._servers:
            server.stop()
            release_ip(server.ip)
        self._servers.clear()
        self._started = False

    def __enter__(self) -> Simulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _dispatcher(self, app: SiteApp, role: str) -> Callable[[Request], Response]:
        hostility = self.hostility[app.site_id]

        def dispatch(req: Request) -> Response:
            return hostility.apply(req, role, lambda r: app.handle(r, role))

        return dispatch

    def _record(
        self, host: str, method: str, path: str, status: int, headers: dict[str, str]
    ) -> None:
        with self._log_lock:
            self._log.append((host, method, path, status, headers))

    # ---- inspection ------------------------------------------------------------------
    @property
    def request_log(self) -> list[LogEntry]:
        """Snapshot of (host, method, path_with_query, status, headers) for every request."""
        with self._log_lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    @property
    def sites(self) -> list[SimSite]:
        self._need_started()
        return [a.describe() for a in self.apps]

    @property
    def reports(self) -> list[SimReport]:
        self._need_started()
        return [r for a in self.apps for r in a.reports()]

    def site(self, site_id: str) -> SiteApp:
        for app in self.apps:
            if app.site_id == site_id:
                return app
        raise KeyError(site_id)

    def report(self, report_id: str) -> SimReport:
        for r in self.reports:
            if r.report_id == report_id:
                return r
        raise KeyError(report_id)

    def registry(self) -> list[dict[str, Any]]:
        """config/sites.yaml entries for the current addresses."""
        out = []
        for s in self.sites:
            entry: dict[str, Any] = {
                "id": s.id,
                "name": s.name,
                "region_code": s.region_code,
                "start_urls": [s.home_url],
                "allowed_domains": sorted({h.split(":")[0] for h in s.hosts}),
                "platform": s.platform,
                "allow_private": True,  # served on loopback: the strict registry needs it
            }
            if s.list_urls:
                entry["list_urls"] = list(s.list_urls)
            out.append(entry)
        return out

    def _need_started(self) -> None:
        if not self._started:
            raise RuntimeError("Simulator not started: call start() or use it as a context manager")

    # ---- mutations -------------------------------------------------------------------
    def _app_of_report(self, report_id: str) -> SiteApp:
        return self.site(report_id.split(":", 1)[0])

    def edit_report(self, report_id: str) -> SimReport:
        """Change the served bytes of one report (new sha256, later Last-Modified)."""
        return self._app_of_report(report_id).edit_report(report_id)

    def add_report(self, site_id: str, **kw: Any) -> SimReport:
        """A new report at the top of the site's 年报 list (title/year/agency/body_html/column)."""
        return self.site(site_id).add_report(**kw)

    def remove_report(self, report_id: str, *, keep_listed: bool = False) -> None:
        """Withdraw a report: its page/file answer 404 and it leaves the lists (or, with
        `keep_listed`, the list still links it: a dead link)."""
        self._app_of_report(report_id).remove_report(report_id, keep_listed=keep_listed)
