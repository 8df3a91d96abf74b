"""The batch worker: one child for many documents, and a bad document costs only itself."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from extract.api import extract_bytes
from extract.worker import ExtractionWorker

pytestmark = pytest.mark.integration  # a spawned extraction worker process

TARGET = "tests.extract.worker_targets:by_content"
DATA = Path(__file__).resolve().parents[1] / "data" / "extract"


def test_one_child_serves_many_documents() -> None:
    with ExtractionWorker(target=TARGET, timeout=20) as worker:
        pids = {worker.extract(f"doc {i}".encode())["pid"] for i in range(5)}
    assert len(pids) == 1


def test_hang_crash_error_and_memory_each_cost_one_document() -> None:
    with ExtractionWorker(target=TARGET, timeout=3, memory_mb=512) as worker:
        first = worker.extract(b"ok")
        hung = worker.extract(b"hang")
        after_hang = worker.extract(b"ok")
        died = worker.extract(b"die")
        raised = worker.extract(b"raise")
        hog = worker.extract(b"hog")
        last = worker.extract(b"ok")
    assert hung["status"] == "error" and "timeout" in hung["error"]
    assert died["status"] == "error" and "died" in died["error"]
    assert raised["status"] == "error" and "broken document" in raised["error"]
    assert hog["status"] == "error" and "memory" in hog["error"]
    assert first["status"] == after_hang["status"] == last["status"] == "ok"
    assert first["pid"] != after_hang["pid"] != last["pid"]  # fresh children after failures


def test_failures_have_the_shape_of_a_success() -> None:
    from extract import EXTRACTOR_VERSION

    with ExtractionWorker(target=TARGET, timeout=20) as worker:
        for data in (b"raise", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"):
            result = worker.extract(data)
            assert result["status"] == "error"
            assert result["sha256"] == hashlib.sha256(data).hexdigest()
            assert result["extractor_version"] == EXTRACTOR_VERSION
            assert {"template", "agency", "year", "title", "metrics", "checks"} <= set(result)


def test_preflight_refusal_needs_no_child() -> None:
    with ExtractionWorker(target=TARGET) as worker:
        result = worker.extract(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")  # no %%EOF: truncated
        assert result["status"] == "error" and "truncated" in result["error"]
        assert worker._proc is None


def test_real_extraction_matches_in_process_result() -> None:
    seed = (DATA / "seed-gongshu-zfj-2023.txt").read_bytes()
    with ExtractionWorker(timeout=60) as worker:
        isolated = worker.extract(seed, name="seed.txt")
    direct = extract_bytes(seed, name="seed.txt")
    assert isolated["metrics"] == direct["metrics"]
    assert isolated["checks"] == direct["checks"]
