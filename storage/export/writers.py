"""The export's file writers: one typed Table to CSV, Parquet, JSONL or an XLSX sheet.

Why apart from the tables: storage/export/tables.py decides the rows and values once; a writer
only translates types for its format (JSON for structures and ISO 8601 for times in text
formats, nullable integers in Parquet, Excel's illegal characters and sheet limit), so every
format holds the same data.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from storage.export.tables import Kind, Table

FORMATS = ("csv", "parquet", "xlsx", "jsonl")


def _plain(value: Any, kind: Kind) -> Any:
    """A value as text-friendly scalar (CSV/XLSX): JSON for structures, ISO for dates."""
    if value is None:
        return None
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if kind in ("date", "datetime"):
        return value.isoformat()  # a datetime is aware UTC: 2024-05-01T02:00:00+00:00
    if kind in ("float", "int") and isinstance(value, float) and value.is_integer():
        return int(value)  # counts are whole numbers: "2562", not "2562.0"
    return value


def write_csv(table: Table, path: Path) -> Path:
    """UTF-8 with BOM so Excel shows Chinese; empty cell = null; booleans true/false."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(table.names)
        for row in table.rows:
            out = []
            for name, kind in table.columns:
                v = _plain(row.get(name), kind)
                out.append("" if v is None else ("true" if v else "false") if kind == "bool" else v)
            w.writerow(out)
    return path


def _arrow_type(kind: Kind) -> Any:
    import pyarrow as pa

    return {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us", tz="UTC"),
        "json": pa.string(),
    }[kind]


def _pandas_metadata(table: Table) -> bytes:
    """pandas metadata naming integer columns with nulls as nullable `Int64`.

    Why: pandas otherwise reads an int64 column holding a null as float (`year` 2023.0).
    """
    nullable = [
        n for n, k in table.columns if k == "int" and any(row.get(n) is None for row in table.rows)
    ]
    return json.dumps(
        {
            "index_columns": [],
            "column_indexes": [],
            "creator": {"library": "gongkai"},
            "pandas_version": "2.0.0",
            "columns": [
                {
                    "name": n,
                    "field_name": n,
                    "pandas_type": "int64",
                    "numpy_type": "Int64",
                    "metadata": None,
                }
                for n in nullable
            ],
        }
    ).encode()


def write_parquet(table: Table, path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(n, _arrow_type(k)) for n, k in table.columns])
    schema = schema.with_metadata({b"pandas": _pandas_metadata(table)})
    arrays = []
    for name, kind in table.columns:
        values = [row.get(name) for row in table.rows]
        if kind == "json":
            values = [_plain(v, kind) for v in values]
        arrays.append(pa.array(values, type=_arrow_type(kind)))
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path)
    return path


def write_jsonl(table: Table, path: Path) -> Path:
    """One JSON object per row: integers as JSON integers, whole numbers in number columns
    as in the CSV (`2562`, not `2562.0`), null as null, JSON columns nested."""
    with open(path, "w", encoding="utf-8") as fh:
        for row in table.rows:
            obj = {
                n: (_plain(row.get(n), k) if k in ("date", "datetime", "float") else row.get(n))
                for n, k in table.columns
            }
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    return path


XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header


def write_xlsx(tables: Iterable[Table], path: Path) -> Path:
    """One sheet per table, header row frozen; JSON columns and times as text (ISO 8601 with
    +00:00: a spreadsheet cell cannot hold a time zone)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        ws = wb.create_sheet(table.name[:31])
        ws.append(table.names)
        ws.freeze_panes = "A2"
        if len(table.rows) > XLSX_MAX_ROWS:
            raise ValueError(
                f"{table.name}: {len(table.rows)} rows exceed an Excel sheet; use csv or parquet"
            )
        for row in table.rows:
            out = []
            for name, kind in table.columns:
                v = row.get(name)
                v = _plain(v, kind) if kind in ("json", "datetime") else v
                if isinstance(v, str):
                    v = ILLEGAL_CHARACTERS_RE.sub("", v)
                out.append(v)
            ws.append(out)
    wb.save(path)
    return path


def write_tables(tables: dict[str, Table], out: Path, formats: Iterable[str]) -> list[Path]:
    """Write every table in every format into `out`; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in formats:
        if fmt == "xlsx":
            written.append(write_xlsx(tables.values(), out / "gongkai.xlsx"))
            continue
        writer = {"csv": write_csv, "parquet": write_parquet, "jsonl": write_jsonl}[fmt]
        for name, table in tables.items():
            written.append(writer(table, out / f"{name}.{fmt}"))
    return written
