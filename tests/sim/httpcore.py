"""Framework-free request/response values shared by every simulated platform.

Sites are pure functions `Request -> Response`; the server (server.py) only moves bytes.
Keeping HTTP semantics (validators, 304, HEAD) here means every platform gets them right.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

HTML = "text/html; charset=UTF-8"
XML = "text/xml;charset=UTF-8"
JSON = "application/json;charset=UTF-8"
JS = "application/javascript; charset=UTF-8"
TEXT = "text/plain; charset=UTF-8"
PDF = "application/pdf"


@dataclass
class Request:
    """One parsed HTTP request as a site sees it (query and form already decoded)."""

    method: str
    target: str  # path with query, as sent
    headers: dict[str, str]
    body: bytes = b""
    host: str = ""  # the host:port of the server that received it

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)

    @property
    def form(self) -> dict[str, list[str]]:
        ctype = self.header("content-type")
        if self.body and ("urlencoded" in ctype or not ctype):
            return parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {}

    def param(self, name: str, default: str = "") -> str:
        """A parameter from query or form body (Hanweb accepts both)."""
        for source in (self.query, self.form):
            if name in source:
                return source[name][0]
        return default

    def header(self, name: str) -> str:
        lname = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lname:
                return value
        return ""

    @property
    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(self.header("cookie"))
        except Exception:  # malformed cookies are simply ignored, as servers do
            return {}
        return {k: m.value for k, m in jar.items()}


@dataclass
class Response:
    """What a site answers; `finalize` turns it into wire headers."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = HTML
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None
    etag: bool = False  # compute a strong ETag from the body
    delay: float = 0.0  # seconds to sleep before answering (slow switch)
    reset: bool = False  # drop the connection without answering (reset switch)
    set_cookies: list[str] = field(default_factory=list)


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:24] + '"'


def _not_modified(req: Request, resp: Response, etag: str | None) -> bool:
    inm = req.header("if-none-match")
    if inm and etag:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return etag in tags or "*" in tags
    ims = req.header("if-modified-since")
    if ims and resp.last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return resp.last_modified.replace(microsecond=0) <= since
    return False


def finalize(req: Request, resp: Response) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, header list and body to send, applying validators, 304 and HEAD."""
    headers: list[tuple[str, str]] = [("Server", "nginx")]
    if resp.content_type:
        headers.append(("Content-Type", resp.content_type))
    etag = etag_of(resp.body) if resp.etag and resp.status == 200 else None
    if resp.status == 200 and resp.last_modified is not None:
        headers.append(("Last-Modified", http_date(resp.last_modified)))
    if etag:
        headers.append(("ETag", etag))
    headers.extend(resp.headers.items())
    headers.extend(("Set-Cookie", c) for c in resp.set_cookies)
    status, body = resp.status, resp.body
    if status == 200 and req.method in ("GET", "HEAD") and _not_modified(req, resp, etag):
        status, body = 304, b""
        headers = [h for h in headers if h[0] not in ("Content-Type",)]
    if status != 304:
        headers.append(("Content-Length", str(len(body))))
    if req.method == "HEAD":
        body = b""
    return status, headers, body


def html(body: str, **kw: object) -> Response:
    return Response(body=body.encode("utf-8"), content_type=HTML, **kw)  # type: ignore[arg-type]


def not_found() -> Response:
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>404 Not Found</title></head>"
        "<body><h1>404 Not Found</h1><p>您访问的页面不存在或已被删除。</p></body></html>"
    )
    return Response(status=404, body=page.encode("utf-8"))


def redirect(location: str, status: int = 302) -> Response:
    return Response(status=status, body=b"", content_type=HTML, headers={"Location": location})
