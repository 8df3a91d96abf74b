"""The reports table says which article sets each deadline, and gives none where none does.

Fast tier (no extraction worker): the tables are built in-process from shared_builder's data.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from export import shared_builder as sb
from storage.db import make_engine
from storage.export.tables import build_tables


def test_deadline_and_its_basis_per_kind(tmp_path: Path) -> None:
    paths = sb.build(tmp_path / "data")
    engine = make_engine(paths.db_url)
    try:
        rows = build_tables(engine, only=("reports",))["reports"].rows
    finally:
        engine.dispose()
    got = {
        r["agency_as_extracted"]: (r["deadline"], r["deadline_basis"], r["timeliness"], r["late"])
        for r in rows
    }
    assert got["城口县"] == (date(2024, 3, 31), "2019_art49_government", "on_time", False)
    assert got["杭州市拱墅区人民政府"] == (
        date(2024, 3, 31),
        "2019_art49_government",
        "on_time",
        False,
    )
    # a street: the 条例 sets no date, so no deadline and no verdict (not "18 days late")
    assert got["杭州市滨江区长河街道办事处"] == (
        None,
        "none_street_town",
        "no_legal_deadline",
        None,
    )
    # no agency, no kind: no article to apply
    assert got["本报告依据《中华人民共和国"] == (None, "none_unknown_kind", "unknown", None)
