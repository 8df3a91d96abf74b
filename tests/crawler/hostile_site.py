"""A hostile government site on loopback, written from issue 9's attack list (not the simulator).

One host serves list pages whose report-titled links point at what an attacker would plant:
`file://` (the machine's own files), `ftp://`, `s3://`, `javascript:`, `mailto:`, `tel:`,
`data:`, an offsite canary host, redirects and meta refreshes to `file://`; bodies that never
end, gzip bombs, a `429 Retry-After: 999999999`, a list with 100 000 report links and a body
that trickles for ever.  A second host (the canary) only records that it was asked.

Bounded: everything is on 127.0.x.y; endless and trickling bodies stop by themselves after
ENDLESS_CAP bytes or TRICKLE_SECONDS, or as soon as the client goes away.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sim.server import allocate_ip, release_ip

ENDLESS_CAP = 64 * 1024 * 1024  # the server's own bound on an "endless" body
BOMB_INFLATED = 64 * 1024 * 1024  # what the gzip bomb inflates to (≈64 KiB on the wire)
TRICKLE_SECONDS = 120.0  # a trickling body gives up after this long (test timeouts are shorter)
HUGE_LIST = 100_000  # report links on the huge list page
AGENCIES = (
    "区教育局",
    "区民政局",
    "区财政局",
    "区卫健委",
    "区司法局",
    "区文旅局",
    "区水利局",
    "区商务局",
    "区统计局",
    "区审计局",
    "区医保局",
    "区城管局",
    "区住建局",
    "区农业局",
    "区林业局",
    "区体育局",
    "区档案馆",
    "区信访局",
    "区人社局",
    "区应急局",
)
GOOD = ("good-1", "good-2", "good-3")


def report_title(n: int) -> str:
    """A distinct report title for the n-th link (the crawler follows report titles only)."""
    return f"拱墅{AGENCIES[n % len(AGENCIES)]}{2010 + n % 15}年政府信息公开工作年度报告"


def _page(title: str, body: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body>{body}</body></html>"
    ).encode()


def _list(links: list[tuple[str, str]]) -> bytes:
    rows = "".join(
        f'<li><a href="{href}" title="{title}">{title}</a>'
        f"<span>2024-01-{1 + n % 28:02d}</span></li>"
        for n, (href, title) in enumerate(links)
    )
    return _page("年报", f"<ul class='list'>{rows}</ul>")


def article(name: str, host: str) -> bytes:
    """A report article (long enough to be kept as the report itself) with attachments, one
    of which is a file:// link to the machine's password file."""
    text = "本年度政府信息公开工作情况如下。" * 60
    return _page(
        f"{name} 年度报告",
        f"<h1>{name}</h1><div id='zoom'><p>{text}</p>"
        f"<a href='/gk/r/{name}.pdf'>附件：{name}.pdf</a>"
        f"<a href='file://{host}/etc/passwd#report.pdf'>附件：报告.pdf</a>"
        f"<a href='ftp://{host}/pub/{name}.pdf'>附件(FTP).pdf</a></div>",
    )


@cache
def gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * BOMB_INFLATED, compresslevel=9)


class HostileSite:
    """The hostile host and the canary host; `requests` logs (host, path) of every request."""

    def __init__(self) -> None:
        self.ip, self.canary_ip = allocate_ip(), allocate_ip()
        self.requests: list[tuple[str, str]] = []
        self.trickling = threading.Event()  # set once a trickling download has begun
        self.throttled: set[str] = set()  # paths that already answered their 429
        self.lock = threading.Lock()
        self.servers: list[ThreadingHTTPServer] = []
        self.host = self.canary = ""

    # ---- lifecycle -------------------------------------------------------------------
    def __enter__(self) -> HostileSite:
        for ip in (self.ip, self.canary_ip):
            server = ThreadingHTTPServer((ip, 0), _Handler)
            server.daemon_threads = True
            server.site = self  # type: ignore[attr-defined]
            threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            ).start()
            self.servers.append(server)
        self.host = f"{self.ip}:{self.servers[0].server_address[1]}"
        self.canary = f"{self.canary_ip}:{self.servers[1].server_address[1]}"
        return self

    def __exit__(self, *_exc: object) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
        release_ip(self.ip)
        release_ip(self.canary_ip)

    # ---- what the crawler is told ----------------------------------------------------
    def registry(self, list_path: str, site_id: str = "hostile") -> dict[str, Any]:
        """A sites.yaml mapping for a static site whose one list page is `list_path`."""
        return {
            "sites": [
                {
                    "id": site_id,
                    "name": "拱墅区人民政府（敌意测试站）",
                    "region_code": "330105",
                    "platform": "static",
                    "start_urls": [f"http://{self.host}/"],
                    "list_urls": [f"http://{self.host}{list_path}"],
                    # as a real registry entry for the host would say: the bare IP, any port
                    "allowed_domains": [self.ip],
                    "allow_private": True,
                }
            ]
        }

    def canary_requests(self) -> list[tuple[str, str]]:
        return [r for r in self.requests if r[0] == self.canary]

    def asked(self, path: str) -> int:
        return sum(1 for h, p in self.requests if h == self.host and p == path)

    # ---- pages -----------------------------------------------------------------------
    def bad_links(self) -> list[tuple[str, str]]:
        """Every link an attacker can plant on a list page, titled like a report."""
        ip, host, canary = self.ip, self.host, self.canary
        hrefs = [
            f"file://{ip}/etc/passwd",
            f"file://{host}/etc/passwd",
            "file:///proc/self/environ",
            "file:///etc/passwd",
            f"ftp://{ip}/pub/report.pdf",
            f"ftp://{host}/report.pdf",
            "s3://gongkai-bucket/report.pdf",
            "javascript:void(0)",
            " JavaScript:alert(1)",
            "mailto:gk@example.org",
            "tel:0571-12345678",
            "data:text/html;base64,PGgxPuW5tOaKpTwvaDE+",
            f"http://{canary}/gk/r/offsite.html",
            f"//{canary}/gk/r/protocol-relative.html",
            "/gk/redirect-file.html",
            "/gk/redirect-file-host.html",
            "/gk/refresh-file.html",
            "/gk/redirect-ftp.html",
        ]
        return [(href, report_title(n + 10)) for n, href in enumerate(hrefs)]

    def links_page(self) -> bytes:
        bad = self.bad_links()
        good = [(f"/gk/r/{name}.html", report_title(n)) for n, name in enumerate(GOOD)]
        # a valid link before, between and after the bad ones: none may be lost
        return _list([good[0], *bad[:9], good[1], *bad[9:], good[2]])

    def respond(self, path: str, handler: _Handler) -> None:
        """Answer one request (the handler only moves bytes)."""
        ip, host = self.ip, self.host
        pages: dict[str, bytes] = {
            "/robots.txt": b"User-agent: *\nDisallow:\n",
            "/": _page("首页", "<a href='/gk/links.html'>年报</a>"),
            "/gk/links.html": self.links_page(),
            "/gk/bombs.html": _list(
                [
                    ("/gk/r/endless.pdf", report_title(1)),
                    ("/gk/r/bomb.html", report_title(2)),
                    ("/gk/r/bomb.pdf", report_title(3)),
                    ("/gk/r/good-1.html", report_title(4)),
                ]
            ),
            "/gk/throttled.html": _list(
                [("/gk/r/throttled.html", report_title(5)), ("/gk/r/good-2.html", report_title(6))]
            ),
            "/gk/slow.html": _list(
                [("/gk/r/trickle.pdf", report_title(7)), ("/gk/r/good-3.html", report_title(8))]
            ),
            "/gk/refresh-file.html": _page("跳转", "<p>跳转中</p>").replace(
                b"<head>", b"<head><meta http-equiv='refresh' content='0;url=file:///etc/passwd'>"
            ),
        }
        redirects = {
            "/gk/redirect-file.html": "file:///etc/passwd",
            "/gk/redirect-file-host.html": f"file://{ip}/etc/passwd",
            "/gk/redirect-ftp.html": f"ftp://{host}/report.pdf",
        }
        if handler.server.server_address[0] == self.canary_ip:
            handler.send_body(200, _page("canary", "you should not be here"))
        elif path in pages:
            handler.send_body(200, pages[path])
        elif path == "/gk/huge.html":
            handler.send_body(200, huge_list())
        elif path == "/gk/many.html":  # more report links than the request cap in the test
            handler.send_body(
                200, _list([(f"/gk/h/{n}.html", report_title(n)) for n in range(200)])
            )
        elif path in redirects:
            handler.send_body(302, b"", {"Location": redirects[path]})
        else:
            self.respond_report(path, handler)

    def respond_report(self, path: str, handler: _Handler) -> None:
        """The report links' answers: good reports, a throttled one, bombs and endless bodies."""
        host = self.host
        if path.removeprefix("/gk/r/").removesuffix(".html") in GOOD:
            handler.send_body(200, article(path.removeprefix("/gk/r/").removesuffix(".html"), host))
        elif path.startswith("/gk/r/good-") and path.endswith(".pdf"):
            handler.send_body(
                200,
                b"%PDF-1.4\n% report " + path.encode() + b"\n%%EOF\n",
                {"Content-Type": "application/pdf"},
            )
        elif path == "/gk/r/throttled.html":
            with self.lock:
                first = path not in self.throttled
                self.throttled.add(path)
            if first:
                handler.send_body(429, b"slow down", {"Retry-After": "999999999"})
            else:
                handler.send_body(200, article("throttled", host))
        elif path in ("/gk/r/bomb.html", "/gk/r/bomb.pdf"):
            ctype = "text/html; charset=utf-8" if path.endswith("html") else "application/pdf"
            handler.send_body(200, gzip_bomb(), {"Content-Encoding": "gzip", "Content-Type": ctype})
        elif path == "/gk/r/endless.pdf":
            handler.send_endless()
        elif path == "/gk/r/trickle.pdf":
            handler.send_trickle()
        else:
            handler.send_body(404, _page("404", "not found"))


@cache
def huge_list() -> bytes:
    return _list([(f"/gk/h/{n}.html", report_title(n)) for n in range(HUGE_LIST)])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_GET(self) -> None:
        site: HostileSite = self.server.site  # type: ignore[attr-defined]
        address = f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        with site.lock:
            site.requests.append((address, self.path))
        with contextlib.suppress(OSError):
            site.respond(self.path.split("?", 1)[0], self)

    def send_body(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_endless(self) -> None:
        """A body with no length that does not end (until ENDLESS_CAP or the client leaves)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk, sent = b"%PDF" + b"x" * 65532, 0
        while sent < ENDLESS_CAP:
            self.wfile.write(chunk)
            sent += len(chunk)

    def send_trickle(self) -> None:
        """Promise a large body and send one byte every 50 ms (a download that hangs)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", "1000000")  # within every size limit
        self.end_headers()
        self.close_connection = True
        self.server.site.trickling.set()  # type: ignore[attr-defined]
        until = time.monotonic() + TRICKLE_SECONDS
        while time.monotonic() < until:
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(0.05)
