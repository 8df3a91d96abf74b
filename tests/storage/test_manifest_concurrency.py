"""Two sealers at once (runs ending together, or verify during a crawl) keep one chain."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlmodel import Session, select

from storage.models import Manifest
from storage.warc.manifest import write_run_manifest
from storage.warc.verify import verify


def test_parallel_sealing_keeps_one_unbroken_chain(paths, engine) -> None:
    errors: list[BaseException] = []

    def seal(run_id: int) -> None:
        try:
            with Session(engine) as s:
                write_run_manifest(paths, s, run_id)
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=seal, args=(n,)) for n in range(1, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    with Session(engine) as s:
        rows = s.exec(select(Manifest).order_by(Manifest.sequence)).all()
        assert [r.sequence for r in rows] == list(range(1, 7))
        assert len({r.file_name for r in rows}) == 6
        assert all(rows[i].previous_sha256 == rows[i - 1].sha256 for i in range(1, 6))
        assert all((Path(paths.manifests) / r.file_name).exists() for r in rows)
        assert verify(paths, s).ok
