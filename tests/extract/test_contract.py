"""The extraction result's contract: one builder, one key order, statuses from one list."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

from extract import contract
from extract.api import extract_bytes
from extract.contract import ExtractionResult, new_result
from extract.isolation import complete_contract, error_result, preflight

DATA = Path(__file__).resolve().parents[1] / "data" / "extract"
ORDER = list(ExtractionResult.__annotations__)
OPTIONAL = {"format", "error", "name"}


def _in_contract_order(result: dict) -> bool:
    keys = [k for k in result if k in ORDER]
    return keys == sorted(keys, key=ORDER.index)


def test_a_success_has_every_key_in_the_declared_order() -> None:
    result = extract_bytes((DATA / "fj-pingtan-2021.txt").read_bytes())
    assert set(ORDER) - set(result) == {"error", "name"}
    assert _in_contract_order(result)
    assert result["status"] in contract.STATUSES


def test_a_reader_failure_is_built_by_the_same_builder() -> None:
    result = extract_bytes(b"PK\x03\x04 not a zip at all")  # a zip signature, no reader
    assert result["status"] == contract.UNSUPPORTED and result["error"]
    assert set(ORDER) - set(result) == {"name"}
    assert _in_contract_order(result)


def test_a_refused_document_has_the_keys_of_a_success() -> None:
    data = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"  # cut off: no %%EOF
    fmt, refusal = preflight(data)
    assert refusal
    result = complete_contract(error_result(refusal, name="cut.pdf", fmt=fmt), data)
    assert set(result) == set(ORDER)
    assert _in_contract_order(result)
    assert result["sha256"] == hashlib.sha256(data).hexdigest()
    assert result["extractor_version"] == contract.EXTRACTOR_VERSION


def test_an_unread_file_keeps_no_hash_and_no_format() -> None:
    result = error_result("cannot read: Permission denied", name="x.pdf")
    assert result["sha256"] is None and "format" not in result
    assert set(ORDER) - set(result) == {"format"}


def test_an_unknown_status_becomes_error_and_an_empty_message_gets_one() -> None:
    assert new_result("finished", sha256=None, fmt="pdf")["status"] == contract.ERROR
    assert new_result(contract.UNSUPPORTED, sha256=None, fmt="zip", error=" ")["error"].strip()


def test_complete_contract_fills_a_foreign_result_without_overwriting() -> None:
    result = complete_contract({"status": contract.OK, "title": "t"}, b"x")
    assert set(result) >= set(ORDER) - OPTIONAL
    assert result["title"] == "t" and result["status"] == contract.OK


def test_the_contract_imports_nothing_else_of_extract() -> None:
    """Storage may import extract.contract: it must not drag the extractor in with it."""
    tree = ast.parse(Path(contract.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m and m.split(".")[0] == "extract"}
