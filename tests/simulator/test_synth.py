"""Synthetic reports: the full national tables, numbers that satisfy every identity."""

from __future__ import annotations

import random

from extract.api import extract_bytes
from sim.synth import report_html


def _page(body: str) -> bytes:
    return f"<html><body><div id='zoom'>{body}</div></body></html>".encode()


def test_2021_format_report_has_every_cell_and_passes_every_identity() -> None:
    for seed in range(8):
        body = report_html(random.Random(seed), "拱墅区测试局", 2023)
        result = extract_bytes(_page(body), name="r.html")
        assert result["status"] == "ok", result["warnings"]
        assert result["template"] == "2021" and result["year"] == 2023
        values = {m["key"]: m["value"] for m in result["metrics"]}
        assert len(values) == 200 and None not in values.values()
        assert not [c for c in result["checks"] if c["status"] == "fail"]
        assert not result["warnings"]


def test_older_years_are_narrative_only_and_generation_is_deterministic() -> None:
    old = report_html(random.Random(1), "拱墅区测试局", 2016)
    assert "<table" not in old
    assert report_html(random.Random(5), "a", 2022) == report_html(random.Random(5), "a", 2022)
    assert report_html(random.Random(5), "a", 2022) != report_html(random.Random(6), "a", 2022)
