"""`make bench` (`PYTHONPATH=tests python -m bench`): every stage's figures in one run (speed targets live here, not in tests)."""

from __future__ import annotations

import importlib
import sys
import time

# (module, what it measures) — each module's main() prints its own rows.
BENCHES = (
    ("bench.extract", "extraction: documents/s per format, PDF time vs bare pdfplumber text"),
    ("bench.archive", "archive: WARC write MB/s, verify MB/s vs sha256sum"),
    ("bench.crawl", "crawl: pages/s, CPU ms/page, peak memory for 10 and 100 sites"),
    ("bench.web", "workbench: report-page time to first byte p50/p95, PDF page render time"),
)


def main() -> int:
    failed = 0
    for module_name, what in BENCHES:
        print(f"\n== {module_name}: {what}", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(module_name).main()
        except Exception as exc:  # one bench failing must not hide the others' figures
            failed += 1
            print(f"   FAILED: {type(exc).__name__}: {exc}", flush=True)
        print(f"   ({time.perf_counter() - started:.1f}s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
