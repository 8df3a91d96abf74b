"""Extraction benchmark: documents per second per format on one core, PDF cost vs bare text.

``PYTHONPATH=tests python -m bench.extract [FILE_OR_DIR ...]`` (default: the extraction
fixtures in tests/data/extract).  The PDF line compares full extraction (read tables + text, map, check)
with pdfplumber's bare ``extract_text`` over the same pages: the reader parses each page once,
so the ratio should stay near 1 (target ≤ 1.5×).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "data" / "extract"
MIN_SECONDS = 1.0  # repeat each measurement at least this long
MIN_ROUNDS = 3


def _pin_one_core() -> int | None:
    """Run on one CPU so figures are per core and comparable between machines."""
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})
        return cpus[0]
    except (AttributeError, OSError):
        return None


def _files(args: list[str]) -> list[Path]:
    paths = [Path(a) for a in args] or [DEFAULT_DIR]
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file()))
        elif p.is_file():
            out.append(p)
    return out


def _timed(fn: Callable[[], object]) -> float:
    """Seconds per call of ``fn``, best of repeated rounds (after one warm-up call)."""
    fn()
    best = float("inf")
    rounds = 0
    started = time.perf_counter()
    while rounds < MIN_ROUNDS or time.perf_counter() - started < MIN_SECONDS:
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
        rounds += 1
    return best


def _timed_pair(a: Callable[[], object], b: Callable[[], object]) -> tuple[float, float]:
    """Best seconds per call of ``a`` and of ``b``, measured in alternation."""
    a()
    b()
    best_a = best_b = float("inf")
    rounds = 0
    started = time.perf_counter()
    while rounds < MIN_ROUNDS or time.perf_counter() - started < 2 * MIN_SECONDS:
        t0 = time.perf_counter()
        a()
        t1 = time.perf_counter()
        b()
        t2 = time.perf_counter()
        best_a, best_b = min(best_a, t1 - t0), min(best_b, t2 - t1)
        rounds += 1
    return best_a, best_b


def _bare_pdf_text(data: bytes) -> None:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()


def main(argv: list[str] | None = None) -> int:
    from extract.api import extract_bytes
    from extract.detect import detect_format

    args = sys.argv[1:] if argv is None else argv
    core = _pin_one_core()
    by_format: dict[str, list[tuple[Path, bytes]]] = {}
    for path in _files(args):
        data = path.read_bytes()
        by_format.setdefault(detect_format(data), []).append((path, data))
    print(f"   one core (cpu {core if core is not None else '?'}), best of >= {MIN_ROUNDS} rounds")
    for fmt in sorted(by_format):
        docs = by_format[fmt]
        total = sum(_timed(partial(extract_bytes, data)) for _, data in docs)
        size = sum(len(d) for _, d in docs) / 1e6
        print(
            f"   {fmt:<9} {len(docs):>3} docs {size:7.2f} MB  {len(docs) / total:8.1f} docs/s"
            f"  ({total / len(docs) * 1000:7.1f} ms/doc)"
        )
        if fmt == "pdf":
            # Interleave full and bare runs per file so machine load affects both alike.
            full_sum = bare_sum = 0.0
            lines = []
            for path, data in docs:
                full, plain = _timed_pair(
                    partial(extract_bytes, data), partial(_bare_pdf_text, data)
                )
                full_sum += full
                bare_sum += plain
                lines.append(f"     {path.name}: {full / plain:.2f}x ({full * 1000:.0f} ms)")
            print(
                f"   pdf full extraction / bare pdfplumber extract_text = {full_sum / bare_sum:.2f}x"
                f"  ({full_sum * 1000:.0f} ms vs {bare_sum * 1000:.0f} ms; target <= 1.5x)"
            )
            print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
