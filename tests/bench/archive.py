"""Archive benchmark: WARC write MB/s (bare writer, and through the middleware with its
database row), `verify` MB/s, and a plain `sha256sum` of the same files for scale.

Payloads are incompressible (PDFs mostly are), so gzip level 9 in warcio does real work.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

TOTAL_MB = 64
BODY_BYTES = 512 * 1024


def _bodies() -> list[bytes]:
    rnd = random.Random(7)
    return [rnd.randbytes(BODY_BYTES) for _ in range(TOTAL_MB * 1024 * 1024 // BODY_BYTES)]


def _row(what: str, mb: float, seconds: float) -> None:
    print(f"   {what:<44} {mb / seconds:8.1f} MB/s   ({mb:.0f} MB in {seconds:.2f}s)", flush=True)


def main() -> None:
    from scrapy.http import Request, Response
    from sqlmodel import Session

    from crawler.archiving import WarcArchiveMiddleware
    from storage import crud
    from storage.config import Paths
    from storage.db import init_db, make_engine
    from storage.warc.manifest import write_run_manifest
    from storage.warc.verify import verify
    from storage.warc.writer import Exchange, WarcArchive

    bodies = _bodies()
    mb = len(bodies) * BODY_BYTES / 1e6
    root = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    try:
        bare = WarcArchive(root / "bare", fsync=False)
        started = time.perf_counter()
        for i, body in enumerate(bodies):
            bare.write_exchange(
                Exchange(
                    f"http://bench.example/{i}.pdf",
                    "GET",
                    [],
                    200,
                    "OK",
                    [("Content-Type", "application/pdf")],
                    body,
                    datetime.now(UTC),
                )
            )
        bare.close()
        _row("archive write (WarcArchive, no fsync)", mb, time.perf_counter() - started)

        paths = Paths(root / "data", f"sqlite:///{root / 'data' / 'bench.sqlite'}")
        engine = make_engine(paths.db_url)
        init_db(engine)
        with Session(engine) as s:
            run_id = crud.start_run(session=s, site_ids=["bench"]).id or 0
            s.commit()
        archive = WarcArchive(paths.warc_dir, run_id=run_id, fsync=True)
        mw = WarcArchiveMiddleware(archive, engine, run_id, "bench")
        started = time.perf_counter()
        for i, body in enumerate(bodies):
            url = f"http://bench.example/{i}.pdf"
            req = Request(url)
            mw.process_response(
                req,
                Response(url, body=body, request=req, headers={"Content-Type": "application/pdf"}),
            )
        archive.close()
        _row("archive write (middleware + row, fsync)", mb, time.perf_counter() - started)
        with Session(engine) as s:
            write_run_manifest(paths, s, run_id)
        files = sorted(str(p) for p in paths.warc_dir.iterdir())
        disk_mb = sum(Path(f).stat().st_size for f in files) / 1e6
        with Session(engine) as s:
            started = time.perf_counter()
            rep = verify(paths, s)
            seconds = time.perf_counter() - started
        assert rep.ok, [p.line() for p in rep.problems]
        _row("gongkai verify (all digests + DB + manifests)", disk_mb, seconds)
        if shutil.which("sha256sum"):
            started = time.perf_counter()
            subprocess.run(["sha256sum", *files], check=True, capture_output=True)
            _row("sha256sum of the same files", disk_mb, time.perf_counter() - started)
        engine.dispose()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
