"""CSV and JSONL read back typed with README's recipe: integers stay integers, nulls stay null.

The recipe is executed from README.md itself (the `read_table` block of the pandas section),
so the documentation cannot drift from what works.  The data are builders.py's known answers:
the 2022 report of 普陀区人民政府 has no previous report (a null), its 2023 report has the 2022
one; days late are -11, 2, 5, 5, -30.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from crawler.jobs.export import export_tables
from crawler.service import Service
from export import builders

README = Path(__file__).resolve().parents[2] / "README.md"


def _recipe() -> Any:
    """README's `read_table`, defined by running its code block."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    code = next(b for b in blocks if "def read_table" in b)
    code = code.replace('reports = read_table("out", "reports")', "")  # its example call
    namespace: dict[str, Any] = {}
    exec(compile(code, str(README), "exec"), namespace)
    return namespace["read_table"]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("typed")
    paths = builders.build(tmp / "data")
    target = tmp / "out"
    export_tables(Service.open(paths), target, ["csv", "jsonl"], overlap=False)
    return target


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_integers_read_as_nullable_integers(out: Path, fmt: str) -> None:
    read_table = _recipe()
    reports = read_table(out, "reports", fmt)
    for column in ("report_id", "year", "days_late", "previous_report_id", "listings"):
        assert str(reports[column].dtype) == "Int64", column
    by = {(r.agency, r.year, r.status): r for r in reports.itertuples()}
    first = by[("上海市普陀区人民政府", 2022, "current")]
    second = by[("上海市普陀区人民政府", 2023, "current")]
    assert first.previous_report_id is pd.NA  # a null, not NaN in a float column
    assert second.previous_report_id == first.report_id
    assert sorted(reports["days_late"].tolist()) == [-30, -11, 2, 5, 5]
    assert sorted(reports["year"].tolist()) == [2018, 2022, 2023, 2023, 2023]
    assert str(reports["late"].dtype) == "boolean"
    assert str(reports["region_code"].dtype) == "string"  # a code, not a number
    assert set(reports["region_code"]) == {"310107", "310104"}
    assert str(reports["first_seen"].dtype).startswith("datetime64")
    assert str(reports["first_seen"].dt.tz) == "UTC"

    metrics = read_table(out, "metrics", fmt)
    assert str(metrics["metric_id"].dtype) == "Int64"
    assert str(metrics["value"].dtype) == "Float64"
    assert str(metrics["page"].dtype) == "Int64" and metrics["page"].isna().all()


def test_the_text_files_write_integers_as_integers(out: Path) -> None:
    """No `12.0` anywhere an integer (or a whole count) is written; null is empty / null."""
    header, *rows = (out / "reports.csv").read_text(encoding="utf-8-sig").splitlines()
    col = header.split(",").index("previous_report_id")
    cells = sorted(row.split(",")[col] for row in rows)
    assert cells[0] == "" and all(re.fullmatch(r"\d+", c) for c in cells if c)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if not resource["path"].endswith(".jsonl"):
            continue
        types = {f["name"]: f["type"] for f in resource["schema"]["fields"]}
        for line in (out / resource["path"]).read_text(encoding="utf-8").splitlines():
            for name, value in json.loads(line).items():
                if types[name] == "integer":
                    assert value is None or type(value) is int, (resource["path"], name, value)
                if types[name] == "number" and isinstance(value, float):
                    assert not value.is_integer(), (resource["path"], name, value)
