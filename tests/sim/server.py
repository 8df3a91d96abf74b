"""One ThreadingHTTPServer per simulated host, each on its own loopback IP.

Distinct IPs (127.0.0.N) make every host a different "domain" for allowed-domain checks.
The handler only parses and writes bytes; sites decide the content.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .httpcore import Request, Response, finalize

Dispatch = Callable[[Request], Response]
LogFn = Callable[[str, str, str, int, dict[str, str]], None]

_ip_lock = threading.Lock()
_ips_in_use: set[str] = set()


def allocate_ip() -> str:
    """Lowest free loopback address from 127.0.0.2 on (shared across Simulators in a process)."""
    with _ip_lock:
        for n in range(2, 255 * 250):
            ip = f"127.0.{n // 255}.{n % 255}"
            if n % 255 == 0 or ip in _ips_in_use:
                continue
            _ips_in_use.add(ip)
            return ip
    raise RuntimeError("no free loopback address")


def release_ip(ip: str) -> None:
    with _ip_lock:
        _ips_in_use.discard(ip)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    dispatch: Dispatch
    log: LogFn
    hostport: str


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = dict(self.headers.items())
        req = Request(self.command, self.path, headers, body, self.server.hostport)
        try:
            resp = self.server.dispatch(req)
        except Exception as exc:  # a bug must look like a 500, not hang the client
            resp = Response(
                status=500,
                body=f"simulator error: {exc!r}".encode(),
                content_type="text/plain; charset=UTF-8",
            )
        if resp.delay:
            time.sleep(resp.delay)
        if resp.reset:
            self.server.log(self.server.hostport, self.command, self.path, 0, headers)
            self._reset()
            return
        status, out_headers, out_body = finalize(req, resp)
        self.server.log(self.server.hostport, self.command, self.path, status, headers)
        self.send_response(status)
        for key, value in out_headers:
            self.send_header(key, value)
        self.end_headers()
        if out_body:
            self.wfile.write(out_body)

    def _reset(self) -> None:
        """Close with RST (SO_LINGER 0) so the client sees 'connection reset by peer'."""
        with contextlib.suppress(OSError):
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.close()

    do_GET = _serve
    do_POST = _serve
    do_HEAD = _serve
    do_PUT = _serve
    do_DELETE = _serve
    do_OPTIONS = _serve


class HostServer:
    """A bound, background-served host; `address` is host:port."""

    def __init__(self, ip: str, port: int, dispatch: Dispatch, log: LogFn) -> None:
        self.ip = ip
        self.httpd = _Server((ip, port), _Handler)
        self.httpd.dispatch = dispatch
        self.httpd.log = log
        self.address = f"{ip}:{self.httpd.server_address[1]}"
        self.httpd.hostport = self.address
        self.thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sim-{self.address}",
            daemon=True,
        )

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        if self.thread.is_alive():  # shutdown() waits for serve_forever: only if it runs
            self.httpd.shutdown()
            self.thread.join(timeout=2)
        self.httpd.server_close()
