"""A stand-in for `gongkai --data D crawl --sites F --site A…` used by the scheduler tests.

It records a CrawlRun row like the real runner, logs start/end (JSON lines) to
$FAKE_CRAWL_LOG, sleeps $FAKE_CRAWL_SECONDS, and on SIGTERM does $FAKE_CRAWL_ON_TERM:
`exit` (leave the run row 'running' and exit 143), `ignore` (keep going), `finish` (default:
finish the sleep, then end normally).  $FAKE_CRAWL_EXIT sets the exit status.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    data = Path(argv[argv.index("--data") + 1])
    sites = [argv[i + 1] for i, a in enumerate(argv) if a == "--site"]
    assert "crawl" in argv and "--sites" in argv, argv
    log = Path(os.environ.get("FAKE_CRAWL_LOG") or data / "fake-crawl.jsonl")
    seconds = float(os.environ.get("FAKE_CRAWL_SECONDS", "0.2"))
    on_term = os.environ.get("FAKE_CRAWL_ON_TERM", "finish")

    def note(event: str, **extra: object) -> None:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(
                json.dumps(
                    {"event": event, "pid": os.getpid(), "sites": sites, "t": time.time(), **extra}
                )
                + "\n"
            )

    from storage import crud
    from storage.config import resolve
    from storage.db import init_db, make_engine, session_scope

    engine = make_engine(resolve(data).db_url)
    init_db(engine)
    with session_scope(engine) as s:
        run_id = crud.start_run(session=s, site_ids=sites).id
    terminated = []

    def on_sigterm(_signum: int, _frame: object) -> None:
        terminated.append(True)
        note("term", run_id=run_id)
        if on_term == "exit":
            os._exit(143)

    signal.signal(signal.SIGTERM, on_sigterm)
    note("start", run_id=run_id)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.02)
    code = int(os.environ.get("FAKE_CRAWL_EXIT", "0"))
    status = "ok" if code == 0 else "failed"
    report = {
        "run_id": run_id,
        "status": status,
        "sites": {
            s: {
                "outcome": "ok" if code == 0 else "failing",
                "reason": "" if code == 0 else "fake failure",
            }
            for s in sites
        },
    }
    with session_scope(engine) as s:
        crud.finish_run(session=s, run_id=run_id or 0, status=status, report=report)
    note("end", run_id=run_id, code=code)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
