"""Attacks on `verify` by someone who can write the data folder and the database.

Each test forges history the way an attacker would and requires `verify` to exit non-zero
(and to name what it found); `verify` itself must never write (no sealing, no truncation).
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from sqlmodel import Session, select

from crawler.archiving import WarcArchiveMiddleware
from storage.models import Capture, Manifest
from storage.warc.verify import verify
from storage.warc.writer import WarcArchive


def _names(rep) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(p.line() for p in rep.problems)


def _runs(crawl, n: int = 2, per_run: int = 6) -> list[int]:  # type: ignore[no-untyped-def]
    """`n` finished runs of distinct bodies (no revisits), several WARC files each."""
    ids = []
    for run in range(n):
        c = crawl(max_file_bytes=30_000)
        for i in range(per_run):
            c.fetch(
                f"http://gov.example/r{run}/{i}.pdf", random.Random(f"{run}-{i}").randbytes(9000)
            )
        c.finish()
        ids.append(c.run_id)
    return ids


def _forge_file(paths, engine, run_id: int, url: str = "http://gov.example/forged.pdf") -> str:  # type: ignore[no-untyped-def]
    """A new WARC file naming `run_id` in its warcinfo, with a capture row for its record."""
    from scrapy.http import Request, Response

    archive = WarcArchive(paths.warc_dir, run_id=run_id, fsync=False)
    mw = WarcArchiveMiddleware(archive, engine, run_id, "site-a")
    request = Request(url)
    mw.process_response(
        request,
        Response(
            url,
            status=200,
            body=b"%PDF forged figures",
            headers={"Content-Type": "application/pdf"},
            request=request,
        ),
    )
    archive.close()
    return archive.written[-1]


def _delete_newest_manifest(paths, session: Session) -> str:  # type: ignore[no-untyped-def]
    row = session.exec(select(Manifest).order_by(Manifest.sequence.desc())).first()
    assert row is not None
    (paths.manifests / row.file_name).unlink()
    session.delete(row)
    session.commit()
    return row.file_name


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_forged_record_and_deleted_newest_manifest_fail(crawl, paths, engine, session):
    """The issue's attack: forge a record and its capture row, delete the newest manifest
    (file and row); an old `verify` re-sealed the forgery and said OK."""
    first, second = _runs(crawl)
    forged = _forge_file(paths, engine, second)
    removed = _delete_newest_manifest(paths, session)
    rep = verify(paths, session)
    assert not rep.ok
    text = _names(rep)
    assert forged in text, text
    assert f"run {second}" in text and "no manifest" in text, text
    assert removed not in {r.file_name for r in session.exec(select(Manifest))}


def test_unlisted_warc_of_finished_run_fails(crawl, paths, engine, session):
    first, _ = _runs(crawl)
    forged = _forge_file(paths, engine, first)
    rep = verify(paths, session)
    assert not rep.ok
    assert {p.file for p in rep.problems} == {forged}, _names(rep)
    assert any(f"run {first}" in p.line() for p in rep.problems)


def test_finished_run_without_manifest_fails(crawl, paths, session):
    """Deleting a middle run's manifest leaves a gap and a run with no manifest."""
    ids = _runs(crawl, n=3, per_run=2)
    rows = session.exec(select(Manifest).order_by(Manifest.sequence)).all()
    middle = rows[1]
    (paths.manifests / middle.file_name).unlink()
    session.delete(middle)
    session.commit()
    text = _names(verify(paths, session))
    assert "gap" in text and f"run {ids[1]}" in text, text


def test_verify_writes_nothing(crawl, paths, session):
    """A killed writer's torn file is left as it is: verify notes it, never cuts or seals."""
    c = crawl(max_file_bytes=10**9)
    for i in range(3):
        c.fetch(f"http://gov.example/{i}.pdf", random.Random(i).randbytes(5000))
    name = c.archive.current_file
    c.archive._fh.write(b"\x1f\x8b\x08\x00 torn half record")  # a write cut short by a kill
    c.archive._fh.flush()
    c.archive._fh.close()  # the writer dies: its lock goes with it
    c.archive._fh = None
    before = _snapshot(paths.data)
    manifests = len(session.exec(select(Manifest)).all())
    rep = verify(paths, session)
    assert _snapshot(paths.data) == before
    assert len(session.exec(select(Manifest)).all()) == manifests
    assert rep.ok, _names(rep)  # a killed run's unsealed file is not tampering ...
    assert any(name in n and "unsealed" in n for n in rep.notes), rep.notes  # ... but is said


def _rewrite_chain(paths, session: Session, edit) -> None:  # type: ignore[no-untyped-def]
    """Apply `edit(doc)` to the first manifest and recompute every later link, file and row."""
    rows = session.exec(select(Manifest).order_by(Manifest.sequence)).all()
    previous: Manifest | None = None
    for index, row in enumerate(rows):
        doc = json.loads(row.content)
        if index == 0:
            edit(doc)
        if previous is not None:
            doc["previous"] = {"file": previous.file_name, "sha256": previous.sha256}
        text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        (paths.manifests / row.file_name).write_text(text, encoding="utf-8")
        row.content, row.sha256 = text, hashlib.sha256(text.encode()).hexdigest()
        row.previous_sha256 = previous.sha256 if previous else None
        session.add(row)
        previous = row
    session.commit()


def test_wholly_recomputed_forgery_passes_plain_verify_but_not_a_published_head(
    crawl, paths, session
):
    """Remove a WARC of run 1 and its rows, then recompute the chain consistently: nothing in
    the folder contradicts it, only a head published earlier does."""
    _runs(crawl)
    rows = session.exec(select(Manifest).order_by(Manifest.sequence)).all()
    published, first_head = rows[-1].sha256, rows[0].sha256  # strings: the rows change below
    assert verify(paths, session, expect_heads=[published, first_head]).ok
    doc = json.loads(session.exec(select(Manifest).order_by(Manifest.sequence)).first().content)
    victim = doc["warcs"][-1]["file"]
    for cap in session.exec(select(Capture).where(Capture.warc_file == victim)):
        session.delete(cap)
    session.commit()
    (paths.warc_dir / victim).unlink()
    _rewrite_chain(
        paths, session, lambda d: d.update(warcs=[w for w in d["warcs"] if w["file"] != victim])
    )
    assert verify(paths, session).ok  # the forgery is self-consistent
    rep = verify(paths, session, expect_heads=[published])
    assert not rep.ok
    assert any(published in p.line() for p in rep.problems), _names(rep)
    assert not verify(paths, session, expect_heads=[first_head]).ok
