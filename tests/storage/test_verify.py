"""`verify`: a clean archive passes; any flipped byte, missing or inserted file, or edited
manifest is named; the manifest chain links every run."""

from __future__ import annotations

import json
import random
import shutil

import pytest
from sqlmodel import select

from storage.models import Manifest
from storage.warc.manifest import recover
from storage.warc.verify import verify


def _two_runs(crawl) -> None:
    for run in range(2):
        c = crawl(max_file_bytes=40_000)
        for i in range(8):
            body = random.Random(i * 10 + run * (i % 2)).randbytes(9000)
            c.fetch(f"http://gov.example/{i}.pdf", body)
        c.finish()


def _names(rep) -> str:
    return "\n".join(p.line() for p in rep.problems)


def test_clean_archive_verifies(crawl, paths, session):
    _two_runs(crawl)
    rep = verify(paths, session)
    assert rep.ok, _names(rep)
    assert rep.warc_files >= 3 and rep.manifests == 2 and rep.records > 30


def test_manifests_form_a_hash_chain(crawl, paths, session):
    _two_runs(crawl)
    rows = session.exec(select(Manifest).order_by(Manifest.sequence)).all()
    first, second = (json.loads((paths.manifests / r.file_name).read_text()) for r in rows)
    assert first["previous"] is None
    assert second["previous"]["sha256"] == rows[0].sha256
    assert second["run_id"] == rows[1].run_id and second["warcs"]
    assert all(len(w["sha256"]) == 64 for w in first["warcs"] + second["warcs"])


@pytest.mark.parametrize("where", [0.02, 0.5, 0.98])
def test_flipped_byte_is_named(crawl, paths, session, where):
    _two_runs(crawl)
    victim = sorted(paths.warc_dir.iterdir())[1]
    data = bytearray(victim.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    victim.write_bytes(bytes(data))
    rep = verify(paths, session)
    assert not rep.ok
    assert all(p.file == victim.name for p in rep.problems), _names(rep)
    assert any("altered" in p.what for p in rep.problems)


def test_deleted_warc_is_named(crawl, paths, session):
    _two_runs(crawl)
    victim = sorted(paths.warc_dir.iterdir())[0]
    victim.unlink()
    rep = verify(paths, session)
    assert {p.file for p in rep.problems} == {victim.name}
    assert any("missing" in p.what for p in rep.problems)


def test_inserted_warc_is_named(crawl, paths, session):
    _two_runs(crawl)
    source = sorted(paths.warc_dir.iterdir())[0]
    copy = paths.warc_dir / ("gongkai-29990101000000000000-1-00001.warc.gz")
    shutil.copy(source, copy)
    rep = verify(paths, session)
    assert {p.file for p in rep.problems} == {copy.name}, _names(rep)


@pytest.mark.parametrize("which", [0, -1])
def test_edited_manifest_is_named(crawl, paths, session, which):
    _two_runs(crawl)
    victim = sorted(paths.manifests.glob("*.json"))[which]
    doc = json.loads(victim.read_text())
    doc["warcs"] = doc["warcs"][:-1]
    victim.write_text(json.dumps(doc))
    rep = verify(paths, session)
    assert {p.file for p in rep.problems} == {f"manifests/{victim.name}"}, _names(rep)


def test_deleted_last_manifest_is_named(crawl, paths, session):
    _two_runs(crawl)
    victim = sorted(paths.manifests.glob("*.json"))[-1]
    victim.unlink()
    rep = verify(paths, session)
    assert {p.file for p in rep.problems} == {f"manifests/{victim.name}"}, _names(rep)


def test_edited_database_payload_sha_is_named(crawl, paths, session):
    from storage.models import Capture

    _two_runs(crawl)
    cap = session.exec(select(Capture)).first()
    cap.sha256 = "0" * 64
    session.add(cap)
    session.commit()
    rep = verify(paths, session)
    assert any(p.file == cap.warc_file and "payload sha256" in p.what for p in rep.problems)


def test_torn_tail_of_killed_writer_is_cut_and_sealed(crawl, paths, session):
    c = crawl(max_file_bytes=10**9)
    for i in range(3):
        c.fetch(f"http://gov.example/{i}.pdf", random.Random(i).randbytes(5000))
    name = c.archive.current_file
    c.archive._fh.write(b"\x1f\x8b\x08\x00 torn half record")  # a write cut short by a kill
    c.archive._fh.flush()
    c.archive._fh.close()  # the writer dies: its lock goes with it
    c.archive._fh = None
    before = (paths.warc_dir / name).stat().st_size
    rep = recover(paths, session)
    assert rep.sealed == [name] and rep.truncated[name][0] == before
    assert verify(paths, session).ok


def test_uncommitted_record_after_last_row_is_cut(crawl, paths, session):
    """A kill between the WARC write and the database commit leaves a record with no row."""
    from storage.models import Capture

    c = crawl(max_file_bytes=10**9)
    c.fetch("http://gov.example/1.pdf", random.Random(1).randbytes(5000))
    c.fetch("http://gov.example/2.pdf", random.Random(2).randbytes(5000))
    last = session.exec(select(Capture).where(Capture.url.endswith("2.pdf"))).one()
    session.delete(last)
    session.commit()
    c.archive.close()
    rep = recover(paths, session)
    assert rep.truncated and verify(paths, session).ok


def test_live_file_is_left_alone(crawl, paths, session):
    c = crawl()
    c.fetch("http://gov.example/1.pdf", b"x" * 100)
    rep = verify(paths, session)
    assert rep.ok and any("being written" in n for n in rep.notes)
    c.finish()
    assert verify(paths, session).ok
