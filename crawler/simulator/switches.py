"""Hostility switches: anti-crawling and failure behaviour layered in front of a site.

Filled in step 5; the pass-through keeps the dispatch path identical with or without them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .httpcore import Request, Response

KNOWN: frozenset[str] = frozenset()


def split_switches(
    switches: dict[str, Any], site_ids: list[str]
) -> tuple[dict[str, Any], dict[str, dict]]:
    """Separate global switches from per-site ones ({site_id: {switch: value}})."""
    per_site = {k: dict(v) for k, v in switches.items() if k in site_ids}
    global_sw = {k: v for k, v in switches.items() if k not in site_ids}
    return global_sw, per_site


class Hostility:
    """Per-site switch state (counters, cookies issued)."""

    def __init__(self, switches: dict[str, Any]) -> None:
        self.switches = switches

    def extra_roles(self) -> tuple[str, ...]:
        return ()

    def bind(self, app: object) -> None:
        self.app = app

    def apply(self, req: Request, role: str, inner: Callable[[Request], Response]) -> Response:
        return inner(req)
