"""Edge documents: truncated, without tables, spam, empty forms. No invented numbers."""

from __future__ import annotations

from pathlib import Path

from extract.api import extract_bytes

DATA = Path(__file__).resolve().parents[1] / "data" / "extract"


def _run(name: str) -> dict:
    return extract_bytes((DATA / name).read_bytes(), name=name)


def test_notables_gives_no_numbers():
    out = _run("hl-wuchang-beiyinhe-2022-notables.txt")
    assert out["status"] == "no_tables" and out["metrics"] == [] and out["year"] == 2022


def test_spam_mirror_rejected():
    out = _run("neg-365bet-spam-mirror-2024.txt")
    assert out["status"] == "not_a_report"


def test_truncated_table_is_partial_and_missing_cells_flagged():
    out = _run("jl-changchun-styj-2023.txt")
    assert out["status"] == "partial"
    got = {m["key"]: m["value"] for m in out["metrics"]}
    assert got["active.normative_docs.in_force"] == 0
    missing = {k for w in out["warnings"] for k in w["keys"]}
    assert "app.result.total.total" in missing and "app.result.total.total" not in got


def test_empty_form_has_no_zeros():
    out = _run("sn-jiaxian-xizhen-2022-emptyform.txt")
    assert out["template"] == "2019"
    assert all(m["value"] is None for m in out["metrics"])


def test_no_year_fails_gracefully():
    out = _run("gd-xuwen-sfj-noyear.txt")
    assert out["year"] is None and out["status"] == "partial"


def test_2019_format_keys_and_no_guessed_splits():
    out = _run("fj-pingtan-2020-legacy.txt")
    got = {m["key"]: m["value"] for m in out["metrics"]}
    assert out["template"] == "2019"
    assert "app.result.other.total" in got or "app.result.other.total" in {
        k for w in out["warnings"] for k in w["keys"]
    }
    assert got["active.fees.change"] == -15 and got["active.fees.prev_items"] == 35
    assert got["active.licensing.decisions"] is None  # 396442278: many readings


def test_not_a_report_bytes():
    out = extract_bytes("今天天气很好。".encode())
    assert out["status"] == "not_a_report" and out["metrics"] == []
