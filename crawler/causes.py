"""Why a site failed, in words an operator can act on: the cause class, a few URLs, the log.

Why: a failing site used to be reported as "1 list page(s) could not be fetched", with the
URL and the actual cause (`Connection refused`) buried in a subprocess log below a settings
dump.  The spider's errback classifies each failure here and keeps a few examples per site in
the crawl statistics; the run report, `crawl`, `runs` and `runs --json` show them.

Cause classes: dns, refused, timeout, tls, connection lost, http <status>, challenge <kind>
(ruishu, jsl-cookie, http-412, http-403), parse found nothing, robots; anything else is named
by its exception class.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crawler.stats import site_key
from storage.runreport import SITE_FAILING, SiteReport

EXAMPLES = 5  # failing URLs kept per site (the count covers all of them)
CAUSES = "causes"  # per-site stats: {cause: count}
FAILURE_URLS = "failure_urls"  # per-site stats: [{url, cause, role, status}] (first EXAMPLES)

_BY_CLASS = (  # exception class names (any in the MRO) → cause class; first match wins
    (("DNSLookupError", "CannotResolveHostError", "gaierror"), "dns"),
    (("ConnectionRefusedError", "DownloadConnectionRefusedError"), "refused"),
    (("TimeoutError", "TCPTimedOutError", "DownloadTimeoutError"), "timeout"),
    (("SSLError", "CertificateError", "VerificationError"), "tls"),
    (
        (
            "ConnectionLost",
            "ConnectionDone",
            "ConnectionAborted",
            "ResponseDataLossError",
            "PotentialDataLoss",
        ),
        "connection lost",
    ),
)
_TLS_WORDS = ("SSL routines", "certificate verify", "tlsv1 alert", "sslv3 alert", "handshake")


def _is_tls(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module.startswith(("OpenSSL", "ssl", "service_identity")) or any(
        w in str(exc) for w in _TLS_WORDS
    )


def _by_class(exc: BaseException) -> str | None:
    names = {cls.__name__ for cls in type(exc).__mro__}
    for classes, cause in _BY_CLASS:
        if names & set(classes):
            return cause
    return "tls" if _is_tls(exc) else None


def _inner(exc: BaseException) -> list[BaseException]:
    """What a wrapper exception wraps: Scrapy's `raise … from e`, Twisted's `reasons`."""
    found = [exc.__cause__] if exc.__cause__ is not None else []
    for reason in getattr(exc, "reasons", None) or []:
        value = getattr(reason, "value", reason)  # a twisted Failure, or an exception
        if isinstance(value, BaseException):
            found.append(value)
    return found


def classify(exc: BaseException, _depth: int = 0) -> str:
    """The cause class of a failed request's exception (see the module docstring)."""
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status", None):
        return f"http {response.status}"
    if "robots.txt" in str(exc):
        return "robots"
    if _depth < 4:
        for inner in _inner(exc):
            found = classify(inner, _depth + 1)
            if found != type(inner).__name__:
                return found
    return _by_class(exc) or type(exc).__name__


def note_failure(
    stats: Any,
    site_id: str,
    url: str,
    cause: str,
    *,
    role: str | None = None,
    status: int | None = None,
) -> None:
    """Count one failure of `site_id` by cause, keeping the first few URLs as examples."""
    causes = dict(stats.get_value(site_key(site_id, CAUSES)) or {})
    causes[cause] = causes.get(cause, 0) + 1
    stats.set_value(site_key(site_id, CAUSES), causes)
    examples = list(stats.get_value(site_key(site_id, FAILURE_URLS)) or [])
    if len(examples) < EXAMPLES:
        examples.append({"url": url, "cause": cause, "role": role, "status": status})
        stats.set_value(site_key(site_id, FAILURE_URLS), examples)


def diagnose(counts: dict[str, Any] | None, outcome: str, log: str | None) -> dict[str, Any]:
    """The cause fields of one site's report entry (empty for a site that is ok).

    `cause` is the most frequent cause class; `failing_urls` a few examples (challenge pages
    from the block evidence first); `failing_count` every failed or blocked request.
    """
    if outcome == "ok":
        return {}
    counts = counts or {}
    causes: dict[str, int] = dict(counts.get(CAUSES) or {})
    examples: list[dict[str, Any]] = []
    for evidence in counts.get("block_evidence") or []:
        examples.append(
            {
                "url": evidence.get("url"),
                "cause": f"challenge {evidence['kind']}",
                "role": None,
                "status": evidence.get("status"),
            }
        )
    blocked = int(counts.get("blocked") or 0)
    if blocked:  # evidence keeps the first few; the rest count under the first kind seen
        kinds = [e["cause"] for e in examples] or ["challenge"]
        for kind in kinds:
            causes[kind] = causes.get(kind, 0) + 1
        causes[kinds[0]] += max(0, blocked - len(kinds))
    examples += list(counts.get(FAILURE_URLS) or [])
    if not causes and outcome == SITE_FAILING:
        if counts.get("reports_found", 0) == 0 and counts.get("pages_fetched", 0):
            causes["parse found nothing"] = 1
        elif not counts:
            causes["crawl process ended without statistics"] = 1
    main = max(causes.items(), key=lambda kv: kv[1])[0] if causes else None
    return {
        "cause": main,
        "causes": causes,
        "failing_urls": examples[:EXAMPLES],
        "failing_count": sum(causes.values()),
        "log": log,
    }


def explain_lines(site: SiteReport) -> list[str]:
    """`cause refused (3 failed): URL, URL (+1 more)` and `log FILE`, for terminal output."""
    lines = []
    causes = site.causes
    if causes:
        parts = ", ".join(f"{c} ×{n}" for c, n in sorted(causes.items(), key=lambda kv: -kv[1]))
        lines.append(f"cause: {parts}")
    urls = _unique(e.get("url") for e in site.failing_urls)
    if urls:
        more = max(0, site.failing_count - len(urls))
        lines.append("urls:  " + ", ".join(urls) + (f" (+{more} more)" if more else ""))
    if site.log:
        lines.append(f"log:   {site.log}")
    return lines


def _unique(values: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v and v not in out:
            out.append(v)
    return out
