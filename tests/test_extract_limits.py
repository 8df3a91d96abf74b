"""`gongkai extract FILE` checks the size before reading; every error result has a message
(a reader's bare `MemoryError()` once came back with an empty one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import crawler.cli.extract_cmd as extract_cmd
from crawler.cli import main
from extract.api import extract_bytes, failure_message
from extract.isolation import MAX_BYTES, error_result, extract_isolated


def memory_error_in_reader(data: bytes, *, name: str | None = None) -> dict:
    """Extraction target (run in the isolated child): a reader that runs out of memory."""
    import extract.api as api

    def out_of_memory(data: bytes, fmt: str) -> None:
        raise MemoryError()

    api._read = out_of_memory  # type: ignore[assignment]
    return api.extract_bytes(data, name=name)


def test_too_large_file_is_refused_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "huge.pdf"
    with open(big, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: no disk used

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(extract_cmd, "open", never, raising=False)
    monkeypatch.setattr(Path, "read_bytes", never)
    result = CliRunner().invoke(main, ["extract", str(big), "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert got["status"] == "error" and got["error"].startswith("too large: ")
    assert str(MAX_BYTES + 1) in got["error"] and got["sha256"] is None
    text = CliRunner().invoke(main, ["extract", str(big)])
    assert "error=too large" in text.output


@pytest.mark.integration  # the isolating child process
def test_reader_memory_error_has_a_message() -> None:
    out = extract_isolated(
        b"hello", timeout=60, target="tests.test_extract_limits:memory_error_in_reader"
    )
    assert out["status"] == "error" and "memory limit" in out["error"]


def test_memory_error_is_not_swallowed_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    import extract.api as api

    def out_of_memory(data: bytes, fmt: str) -> None:
        raise MemoryError()

    monkeypatch.setattr(api, "_read", out_of_memory)
    with pytest.raises(MemoryError):
        extract_bytes(b"hello")


def test_no_error_result_without_a_message() -> None:
    assert failure_message(MemoryError()) == "MemoryError (no message)"
    assert failure_message(ValueError("bad table")) == "ValueError: bad table"
    assert error_result("")["error"] and error_result("  ", status="unsupported")["error"]
