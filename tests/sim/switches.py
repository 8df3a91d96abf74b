"""Hostility switches: anti-crawling and failure behaviour layered in front of a site.

Switches are given globally (`{"ruishu": True}`) or per site (`{"hanweb-gongshu": {...}}`).
Each one models something real gov sites do (WAFs, rate limits, flaky servers); the crawler
is expected to detect and report the protected ones (Ruishu is never to be solved), back off
on 429/5xx, respect robots.txt, cap sizes and stay on its allowed hosts.

| switch            | value                         | effect                                            |
|-------------------|-------------------------------|---------------------------------------------------|
| ruishu            | True / {"status": 412|202|200}| challenge page + Set-Cookie <X>O; passes only with <X>O and <X>P cookies |
| jsl               | True                          | 521 + __jsluid_s and a JS-set __jsl_clearance_s   |
| browser_only      | True / {"referer": False}     | 403 without a browser User-Agent (or Referer off the home page) |
| rate_limit        | seconds (min interval)        | 429 + Retry-After when requests come faster       |
| robots_disallow   | True                          | robots.txt `Disallow: /`                          |
| slow              | seconds                       | every response delayed                            |
| reset             | k (int) / True (=3)           | every k-th request: connection reset              |
| errors_5xx        | k / {"count": k, "status": s} | first k requests answer 503 (or s)                |
| redirect_loop     | True                          | home links /loop/a -> /loop/b -> /loop/a …        |
| calendar          | True                          | home links an endless /calendar/?date=… chain     |
| oversized         | bytes (default 32 MiB)        | home links /download/huge.pdf of that size        |
| mirror            | True                          | a copy of the site on another loopback IP, linked from home |
| column_drift      | True                          | the 年报 column moved: configured list URL → 404  |
| variant           | 1 / 2                         | render the platform's second real shape (not hostility; see each site) |
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from .httpcore import HTML, Request, Response, not_found, redirect

KNOWN: frozenset[str] = frozenset(
    {
        "ruishu",
        "jsl",
        "browser_only",
        "rate_limit",
        "robots_disallow",
        "slow",
        "reset",
        "errors_5xx",
        "redirect_loop",
        "calendar",
        "oversized",
        "mirror",
        "column_drift",
        "variant",
    }
)
RUISHU_COOKIE = "FSSBBIl1UgzbN7N"  # + "O" (server-set) / "P" (computed by the browser JS)
RUISHU_JS = "/4QbVtADbnLVIc/c.FxJzG50F.d5db026.js"
BROWSER_MARKERS = ("Mozilla/", "AppleWebKit", "Chrome/", "Firefox/", "Safari/")


def split_switches(
    switches: dict[str, Any], site_ids: list[str]
) -> tuple[dict[str, Any], dict[str, dict]]:
    """Separate global switches from per-site ones ({site_id: {switch: value}})."""
    per_site = {k: dict(v) for k, v in switches.items() if k in site_ids}
    global_sw = {k: v for k, v in switches.items() if k not in site_ids}
    unknown = (set(global_sw) | {k for v in per_site.values() for k in v}) - KNOWN
    if unknown:
        raise ValueError(f"unknown switch(es) {sorted(unknown)}; known: {sorted(KNOWN)}")
    return global_sw, per_site


def _token(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def ruishu_page(seed: str) -> bytes:
    """Shape of a Ruishu challenge: meta r='m' seed, $_ts stub, hashed external script."""
    cd = _token("cd", seed) * 8
    page = (
        "<!DOCTYPE html>\n<html><head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
        f'<meta id="9DhefwqGPrzGxEp9hPaoag" content="{_token("m", seed)[:32]}" r=\'m\'>\n'
        "<script type=\"text/javascript\" r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={};"
        f'$_ts.nsd=52206;$_ts.cd="{cd}";if($_ts.lcd)$_ts.lcd();</script>\n'
        f'<script type="text/javascript" charset="utf-8" src="{RUISHU_JS}" r=\'m\'></script>\n'
        "</head><body></body></html>\n"
    )
    return page.encode()


class Hostility:
    """Per-site switch state (counters, clocks) applied around the site's handler."""

    def __init__(self, switches: dict[str, Any]) -> None:
        self.switches = {k: v for k, v in switches.items() if v not in (None, False, 0)}
        self.lock = threading.Lock()
        self.count = 0
        self.last_seen: dict[str, float] = {}
        self.app: Any = None

    def on(self, name: str) -> bool:
        return name in self.switches

    def extra_roles(self) -> tuple[str, ...]:
        return ("mirror",) if self.on("mirror") else ()

    def bind(self, app: Any) -> None:
        self.app = app
        if self.on("column_drift"):
            app.drift_column()

    # ---- the middleware --------------------------------------------------------------
    def apply(self, req: Request, role: str, inner: Callable[[Request], Response]) -> Response:
        with self.lock:
            self.count += 1
            n = self.count
        resp = self._gate(req, role, n)
        if resp is None:
            resp = self._extra_paths(req, role)
        if resp is None:
            resp = inner(req)
            if role in ("main", "mirror"):
                resp = self._inject(req, resp)
        if self.on("slow"):
            resp.delay = float(self.switches["slow"])
        return resp

    def _gate(self, req: Request, role: str, n: int) -> Response | None:
        """The switches that answer before the site does, in order: a connection reset (any
        role), then for the site's own hosts 5xx, 429, robots.txt and the challenges."""
        if self._reset(n):
            return Response(reset=True)
        if role not in ("main", "mirror"):
            return None
        early = self._errors_5xx(n)
        if early is None:
            early = self._rate_limited(role)  # only a request that got this far is timed
        if early is not None:
            return early
        if req.path == "/robots.txt":
            return self._robots()
        return self._challenge(req)

    def _reset(self, n: int) -> bool:
        if not self.on("reset"):
            return False
        every = 3 if self.switches["reset"] is True else int(self.switches["reset"])
        return n % every == 0

    def _errors_5xx(self, n: int) -> Response | None:
        if not self.on("errors_5xx"):
            return None
        spec = self.switches["errors_5xx"]
        count = (
            spec.get("count", 3) if isinstance(spec, dict) else (3 if spec is True else int(spec))
        )
        status = spec.get("status", 503) if isinstance(spec, dict) else 503
        if n > count:
            return None
        return Response(
            status=status,
            body=b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
            content_type=HTML,
        )

    def _rate_limited(self, role: str) -> Response | None:
        if not self.on("rate_limit"):
            return None
        gap = 0.5 if self.switches["rate_limit"] is True else float(self.switches["rate_limit"])
        now = time.monotonic()
        with self.lock:
            last = self.last_seen.get(role)
            limited = last is not None and now - last < gap
            if not limited:
                self.last_seen[role] = now
        if not limited:
            return None
        return Response(
            status=429,
            body=b"Too Many Requests",
            content_type="text/plain; charset=UTF-8",
            headers={"Retry-After": str(max(1, round(gap)))},
        )

    def _robots(self) -> Response | None:
        if not self.on("robots_disallow"):
            return None  # the site's own robots.txt
        return Response(
            body=b"User-agent: *\nDisallow: /\n", content_type="text/plain; charset=UTF-8"
        )

    def _challenge(self, req: Request) -> Response | None:
        """Ruishu, then jsl, then the browser check: the first that refuses the request answers."""
        if self.on("ruishu"):
            blocked = self._ruishu(req)
            if blocked is not None:
                return blocked
        if self.on("jsl"):
            blocked = self._jsl(req)
            if blocked is not None:
                return blocked
        if self.on("browser_only"):
            return self._browser_only(req)
        return None

    def _ruishu(self, req: Request) -> Response | None:
        if req.path == RUISHU_JS:
            return Response(
                body=b"(function(){/* obfuscated */})();",
                content_type="application/javascript; charset=UTF-8",
            )
        cookies = req.cookies
        if RUISHU_COOKIE + "O" in cookies and RUISHU_COOKIE + "P" in cookies:
            return None
        spec = self.switches["ruishu"]
        status = spec.get("status", 412) if isinstance(spec, dict) else 412
        seed = f"{self.app.site_id}:{req.target}"
        value = _token("o", seed)[:64]
        return Response(
            status=status,
            body=ruishu_page(seed),
            content_type="text/html; charset=utf-8",
            set_cookies=[f"{RUISHU_COOKIE}O={value}; Path=/; HttpOnly"],
        )

    def _jsl(self, req: Request) -> Response | None:
        clearance = _token("jsl", self.app.site_id)[:40]
        if req.cookies.get("__jsl_clearance_s") == clearance:
            return None
        script = (
            f"<script>document.cookie=('__jsl_clearance_s={clearance}"
            ";max-age=3600;path=/');location.href=location.pathname+location.search</script>"
        )
        return Response(
            status=521,
            body=script.encode(),
            content_type="text/html; charset=utf-8",
            set_cookies=[
                f"__jsluid_s={_token('luid', self.app.site_id)[:32]}; "
                "max-age=31536000; path=/; HttpOnly"
            ],
        )

    def _browser_only(self, req: Request) -> Response | None:
        spec = self.switches["browser_only"]
        need_referer = spec.get("referer", True) if isinstance(spec, dict) else True
        ua = req.header("user-agent")
        home = req.path in ("/", self.app.home_path())
        if not any(m in ua for m in BROWSER_MARKERS) or (
            need_referer and not home and not req.header("referer")
        ):
            return Response(
                status=403,
                body=b"<html><body><h1>403 Forbidden</h1></body></html>",
                content_type=HTML,
            )
        return None

    # ---- traps reachable from the home page ------------------------------------------
    def _extra_paths(self, req: Request, role: str) -> Response | None:
        path = req.path
        if self.on("redirect_loop") and path.startswith("/loop/"):
            return redirect("/loop/b" if path == "/loop/a" else "/loop/a")
        if self.on("calendar") and path == "/calendar/":
            try:
                day = date.fromisoformat(req.param("date") or "2024-01-01")
            except ValueError:
                return not_found()
            prev, nxt = day - timedelta(days=1), day + timedelta(days=1)
            body = (
                f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>活动日历 {day}</title>"
                f'</head><body><h1>{day}</h1><a href="/calendar/?date={prev}">前一天</a> '
                f'<a href="/calendar/?date={nxt}">后一天</a></body></html>'
            )
            return Response(body=body.encode(), content_type=HTML)
        if self.on("oversized") and path == "/download/huge.pdf":
            spec = self.switches["oversized"]
            size = 32 * 1024 * 1024 if spec is True else int(spec)
            head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
            return Response(
                body=head + b"0" * max(0, size - len(head)), content_type="application/pdf"
            )
        return None

    def _inject(self, req: Request, resp: Response) -> Response:
        links = []
        if self.on("redirect_loop"):
            links.append('<a href="/loop/a">专题专栏</a>')
        if self.on("calendar"):
            links.append('<a href="/calendar/?date=2024-01-01">活动日历</a>')
        if self.on("oversized"):
            links.append('<a href="/download/huge.pdf">政务公开资料汇编.pdf</a>')
        if self.on("mirror") and "mirror" in self.app.hosts:
            links.append(f'<a href="http://{self.app.hosts["mirror"]}/">友情链接</a>')
        home = req.path in ("/", self.app.home_path())
        if not links or not home or resp.status != 200 or b"</body>" not in resp.body:
            return resp
        extra = ('<div class="links">' + " ".join(links) + "</div>").encode()
        resp.body = resp.body.replace(b"</body>", extra + b"</body>", 1)
        return resp
