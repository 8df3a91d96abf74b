"""Red-team attacks on `verify` by someone who can write the data folder and the database
(but not the published heads).  Each was written before any defence; those the code already
resisted stay as regression tests."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from storage.models import Capture, CrawlRun, Document, Manifest
from storage.warc.reader import iter_members, parse_record, warc_digest
from storage.warc.verify import verify


def _names(rep) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(p.line() for p in rep.problems)


def _run(crawl, tag: str, n: int = 4):  # type: ignore[no-untyped-def]
    c = crawl(max_file_bytes=25_000)
    for i in range(n):
        c.fetch(f"http://gov.example/{tag}/{i}.pdf", random.Random(f"{tag}{i}").randbytes(9000))
    c.finish()
    return c


@pytest.fixture
def archive(crawl, paths, session):  # type: ignore[no-untyped-def]
    """Two finished runs, several WARC files each; verify is clean."""
    runs = [_run(crawl, "a"), _run(crawl, "b")]
    assert verify(paths, session).ok
    return runs


def _members(path) -> list[tuple[int, int, bytes]]:  # type: ignore[no-untyped-def]
    with open(path, "rb") as fh:
        return list(iter_members(fh))


def _response_member(paths, session: Session) -> tuple[Capture, bytes]:  # type: ignore[no-untyped-def]
    cap = session.exec(select(Capture).order_by(Capture.id)).first()
    assert cap is not None
    data = (paths.warc_dir / cap.warc_file).read_bytes()
    return cap, data


def _with_digests(raw: bytes) -> bytes:
    """A record with its payload changed and both digests recomputed, as a careful forger
    would write it."""
    rec = parse_record(0, 0, raw)
    head, _, rest = raw.partition(b"\r\n\r\n")
    block = rec.block[:-1] + bytes([rec.block[-1] ^ 1])
    payload = block[block.find(b"\r\n\r\n") + 4 :]
    lines = []
    for line in head.split(b"\r\n"):
        if line.startswith(b"WARC-Block-Digest:"):
            line = b"WARC-Block-Digest: " + warc_digest(block).encode()
        elif line.startswith(b"WARC-Payload-Digest:"):
            line = b"WARC-Payload-Digest: " + warc_digest(payload).encode()
        lines.append(line)
    return b"\r\n".join(lines) + b"\r\n\r\n" + block + b"\r\n\r\n"


def test_payload_byte_with_recomputed_digests_is_caught(archive, paths, session):
    cap, data = _response_member(paths, session)
    members = _members(paths.warc_dir / cap.warc_file)
    out = bytearray()
    for offset, length, raw in members:
        out += (
            gzip.compress(_with_digests(raw))
            if offset == cap.warc_offset
            else data[offset : offset + length]
        )
    (paths.warc_dir / cap.warc_file).write_bytes(bytes(out))
    rep = verify(paths, session)
    assert not rep.ok
    assert any(p.file == cap.warc_file and "altered" in p.what for p in rep.problems), _names(rep)


def test_records_swapped_between_files_are_caught(archive, paths, session):
    files = sorted({c.warc_file for c in session.exec(select(Capture))})[:2]
    first = [_members(paths.warc_dir / f) for f in files]
    blobs = [(paths.warc_dir / f).read_bytes() for f in files]
    # the second member of each file (the first response) trades places
    for index, name in enumerate(files):
        other = 1 - index
        out = bytearray()
        for number, (offset, length, _) in enumerate(first[index]):
            if number == 1:
                o_off, o_len, _ = first[other][1]
                out += blobs[other][o_off : o_off + o_len]
            else:
                out += blobs[index][offset : offset + length]
        (paths.warc_dir / name).write_bytes(bytes(out))
    rep = verify(paths, session)
    assert {p.file for p in rep.problems} == set(files), _names(rep)


def test_truncation_at_a_record_boundary_is_caught(archive, paths, session):
    cap = session.exec(select(Capture).order_by(Capture.id.desc())).first()
    path = paths.warc_dir / cap.warc_file
    path.write_bytes(path.read_bytes()[: cap.warc_offset])
    text = _names(verify(paths, session))
    assert "altered" in text and f"capture {cap.id} points at no record" in text, text


def test_forged_record_appended_to_a_sealed_file_is_caught(archive, paths, session):
    cap, data = _response_member(paths, session)
    path = paths.warc_dir / cap.warc_file
    raw = _members(path)[1][2]
    path.write_bytes(data + gzip.compress(_with_digests(raw)))
    text = _names(verify(paths, session))
    assert "altered" in text and "not in the database" in text, text


@pytest.mark.parametrize(
    "column,value",
    [
        ("url", "http://gov.example/other.pdf"),
        ("sha256", "0" * 64),
        ("warc_offset", 1),
        ("warc_length", 10),
        ("warc_record_id", "<urn:uuid:00000000-0000-0000-0000-000000000000>"),
        ("status", 404),
        ("fetched_at", "shift"),  # `show --at` answers by this time
        ("size", 1),
        ("media_type", "text/html"),
        ("run_id", "other run"),
        ("method", "POST"),
    ],
)
def test_capture_row_edited_in_the_database_only(archive, paths, session, column, value):
    cap = session.exec(select(Capture).order_by(Capture.id)).first()
    if value == "shift":
        value = cap.fetched_at - timedelta(days=400)
    elif value == "other run":
        value = archive[1].run_id if cap.run_id == archive[0].run_id else archive[0].run_id
    setattr(cap, column, value)
    session.add(cap)
    session.commit()
    rep = verify(paths, session)
    assert not rep.ok, f"{column} edited in the database, verify says OK"


def test_deleted_capture_row_is_caught(archive, paths, session):
    cap = session.exec(select(Capture).order_by(Capture.id)).first()
    session.delete(cap)
    session.commit()
    assert "not in the database" in _names(verify(paths, session))


def _document(cap: Capture, **kw) -> Document:  # type: ignore[no-untyped-def]
    fields = {
        "site_id": "site-a",
        "url": cap.url,
        "title": "2023年政府信息公开工作年度报告",
        "sha256": cap.sha256,
        "capture_id": cap.id,
        **kw,
    }
    return Document(**fields)


@pytest.mark.parametrize("forgery", ["no capture", "other bytes"])
def test_document_pointing_at_a_forged_capture(archive, paths, session, forgery):
    caps = session.exec(select(Capture).order_by(Capture.id)).all()
    if forgery == "no capture":
        doc = _document(caps[0], capture_id=10**6)
    else:  # (its URL may differ from the capture's: the listed URL before a redirect)
        doc = _document(caps[0], sha256="1" * 64)
    session.add(doc)
    try:
        session.commit()
    except Exception:  # a database that enforces the foreign key refuses it: also fine
        session.rollback()
        return
    rep = verify(paths, session)
    assert not rep.ok and any("document" in p.line().lower() for p in rep.problems), _names(rep)


def test_manifest_rows_reordered_are_caught(archive, paths, session):
    rows = session.exec(select(Manifest).order_by(Manifest.sequence)).all()
    rows[0].sequence, rows[1].sequence = 99, 98
    session.add_all(rows)
    session.commit()
    rows[0].sequence, rows[1].sequence = 2, 1
    session.add_all(rows)
    session.commit()
    assert "chain" in _names(verify(paths, session))


def _rewrite_manifest(paths, session: Session, index: int, edit, rename=None) -> None:  # type: ignore[no-untyped-def]
    """Edit manifest `index` and recompute every later link, file and row consistently."""
    rows = session.exec(select(Manifest).order_by(Manifest.sequence)).all()
    previous: Manifest | None = None
    for number, row in enumerate(rows):
        doc = json.loads(row.content)
        if number == index:
            edit(doc)
            if rename:
                (paths.manifests / row.file_name).unlink()
                row.file_name = rename
        if previous is not None:
            doc["previous"] = {"file": previous.file_name, "sha256": previous.sha256}
        text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        target = paths.manifests / row.file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        row.content, row.sha256 = text, hashlib.sha256(text.encode()).hexdigest()
        row.previous_sha256 = previous.sha256 if previous else None
        session.add(row)
        previous = row
    session.commit()


@pytest.mark.parametrize(
    "doc_edit",
    [
        lambda d: d.update(warcs="not a list"),
        lambda d: d.update(warcs=[{"sha256": "0" * 64}]),
        lambda d: d.update(warcs=[{"file": 7, "sha256": "0" * 64, "bytes": 1}]),
        lambda d: d.update(warcs=[{"file": "x.warc.gz", "sha256": None, "bytes": "many"}]),
        lambda d: d.update(previous=["nothing"]),
        lambda d: d.clear(),
    ],
    ids=[
        "warcs-string",
        "entry-without-file",
        "file-number",
        "bad-sha-and-bytes",
        "previous-string",
        "empty-object",
    ],
)
def test_malformed_manifest_is_a_mismatch_not_a_crash(archive, paths, session, doc_edit):
    _rewrite_manifest(paths, session, 0, doc_edit)
    rep = verify(paths, session)
    assert not rep.ok


def test_manifest_whose_json_is_a_list_is_a_mismatch(archive, paths, session):
    row = session.exec(select(Manifest).order_by(Manifest.sequence.desc())).first()
    text = "[]\n"
    (paths.manifests / row.file_name).write_text(text)
    row.content, row.sha256 = text, hashlib.sha256(text.encode()).hexdigest()
    session.add(row)
    session.commit()
    assert not verify(paths, session).ok


@pytest.mark.parametrize("bad", ["../warc/{f}", "sub/{f}", "/tmp/{f}", "..", ""])
def test_warc_name_in_a_manifest_must_be_a_plain_file_name(archive, paths, session, bad):
    """A consistent chain that lists a WARC by a path leaving the WARC folder."""

    def edit(doc):  # type: ignore[no-untyped-def]
        entry = doc["warcs"][0]
        entry["file"] = bad.format(f=entry["file"])

    _rewrite_manifest(paths, session, 0, edit)
    text = _names(verify(paths, session))
    assert "file name" in text, text


@pytest.mark.parametrize(
    "bad", ["../manifest-000001.json", "../../etc/hostname", "sub/manifest-000001.json"]
)
def test_manifest_row_file_name_must_be_a_plain_file_name(archive, paths, session, bad):
    row = session.exec(select(Manifest).order_by(Manifest.sequence)).first()
    row.file_name = bad
    session.add(row)
    session.commit()
    text = _names(verify(paths, session))
    assert "file name" in text, text


def test_capture_row_warc_name_must_be_a_plain_file_name(archive, paths, session):
    cap = session.exec(select(Capture).order_by(Capture.id)).first()
    cap.warc_file = "../" + paths.warc_dir.name + "/" + cap.warc_file
    session.add(cap)
    session.commit()
    assert "file name" in _names(verify(paths, session))


def test_symlinked_warc_file_is_named(archive, paths, session, tmp_path):
    """A sealed WARC replaced by a link to an identical copy elsewhere: the bytes match, but
    the archive no longer holds them (the copy can change or vanish outside it)."""
    cap = session.exec(select(Capture).order_by(Capture.id)).first()
    path = paths.warc_dir / cap.warc_file
    elsewhere = tmp_path / "elsewhere.warc.gz"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    text = _names(verify(paths, session))
    assert "symbolic link" in text, text


def test_symlinked_manifest_file_is_named(archive, paths, session, tmp_path):
    row = session.exec(select(Manifest).order_by(Manifest.sequence)).first()
    path = paths.manifests / row.file_name
    elsewhere = tmp_path / "m.json"
    elsewhere.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(elsewhere)
    assert "symbolic link" in _names(verify(paths, session))


def _forge(paths, engine, run_id: int) -> str:  # type: ignore[no-untyped-def]
    from test_verify_attacks import _forge_file

    return _forge_file(paths, engine, run_id)


def test_fake_running_run_is_noted_and_after_the_published_head(archive, paths, engine, session):
    """Known limit: a forged file of a forged `running` run looks exactly like a killed
    run's file; nothing in the folder contradicts it.  verify must say it is unsealed and
    unverified, and (with a published head) that the head does not cover it."""
    head = session.exec(select(Manifest).order_by(Manifest.sequence.desc())).first().sha256
    fake = CrawlRun(sites=["site-a"], status="running")
    session.add(fake)
    session.commit()
    forged = _forge(paths, engine, fake.id)
    rep = verify(paths, session, expect_heads=[head])
    assert rep.ok  # the limit: no contradiction inside the folder
    assert forged in rep.unsealed
    assert any(forged in n and "not covered by a published head" in n for n in rep.notes), rep.notes
    from storage.warc.manifest import recover

    assert forged in recover(paths, session).sealed  # the next crawl's start seals it ...
    after = verify(paths, session, expect_heads=[head])
    assert after.ok and forged in after.uncovered  # ... and the head still does not cover it
    assert any(forged in n and "after the newest published head" in n for n in after.notes)


def test_forged_file_of_an_already_recovered_killed_run(archive, crawl, paths, engine, session):
    """A killed run whose files a later seal recovered: a new file naming it is not what
    that run left (its files were all sealed when it was found dead)."""
    from storage.warc.manifest import recover

    c = crawl(max_file_bytes=10**9)
    c.fetch("http://gov.example/k.pdf", random.Random("k").randbytes(5000))
    c.archive.close()
    run = session.get(CrawlRun, c.run_id)
    run.status, run.report = "aborted", {"aborted_by": "found dead at a later start"}
    session.add(run)
    session.commit()
    assert recover(paths, session).sealed
    head = session.exec(select(Manifest).order_by(Manifest.sequence.desc())).first().sha256
    forged = _forge(paths, engine, c.run_id)
    rep = verify(paths, session, expect_heads=[head])
    assert any(forged in n and "not covered by a published head" in n for n in rep.notes), rep.notes


@pytest.mark.parametrize("older", [False, True])
def test_second_capture_row_at_the_same_record_is_caught(archive, paths, session, older):
    """A forged row that reuses a real record's place (file, offset) under another URL:
    `show` of that URL would print the real bytes as its capture."""
    real = session.exec(select(Capture).order_by(Capture.id)).first()
    fields = real.model_dump(exclude={"id"})
    fields["url"] = "http://gov.example/forged-2023.pdf"
    forged = Capture(**fields)
    if older:  # the forged row takes the real one's id; the real row moves to a new id
        real_fields = real.model_dump(exclude={"id"})
        top = max(c.id for c in session.exec(select(Capture)))
        session.delete(real)
        session.commit()
        session.add(Capture(id=top + 1, **real_fields))
        forged.id = real.id
    session.add(forged)
    session.commit()
    text = _names(verify(paths, session))
    assert "forged-2023" in text or "same record" in text, text


def test_seal_never_cuts_or_seals_through_a_link(archive, crawl, paths, session, tmp_path):
    """A killed run's torn file swapped for a link to a file outside the archive: sealing
    would cut (truncate) the file the link names and vouch for bytes the archive lacks."""
    from storage.warc.manifest import recover

    c = crawl(max_file_bytes=10**9)
    c.fetch("http://gov.example/k.pdf", random.Random("k").randbytes(5000))
    name = c.archive.current_file
    c.archive._fh.write(b"\x1f\x8b\x08\x00 torn")
    c.archive._fh.flush()
    c.archive._fh.close()
    c.archive._fh = None
    outside = tmp_path / "outside.warc.gz"
    (paths.warc_dir / name).rename(outside)
    (paths.warc_dir / name).symlink_to(outside)
    size = outside.stat().st_size
    rep = verify(paths, session)
    assert any(p.file == name and "symbolic link" in p.what for p in rep.problems), _names(rep)
    sealed = recover(paths, session)
    assert name in sealed.refused and name not in sealed.sealed
    assert outside.stat().st_size == size


def test_folder_or_fifo_named_like_a_warc_does_not_hang_verify(archive, paths, session):
    import os

    os.mkfifo(paths.warc_dir / "gongkai-20990101000000000000-1-00001.warc.gz")
    (paths.warc_dir / "gongkai-20990101000000000000-1-00002.warc.gz").mkdir()
    rep = verify(paths, session)
    assert sum("not a regular file" in p.what for p in rep.problems) == 2, _names(rep)


@pytest.mark.parametrize(
    "content_type",
    [b"t\xebxt/html; charset=gbk", b"\xe6\x96\x87/pdf", b" APPLICATION/PDF ;x=1", b""],
)
def test_hostile_content_type_does_not_make_a_clean_archive_fail(
    crawl, paths, session, content_type
):
    """A site controls its headers; an odd Content-Type must not make verify cry wolf."""
    c = crawl()
    c.fetch("http://gov.example/odd", b"body", headers={"Content-Type": content_type})
    c.finish()
    rep = verify(paths, session)
    assert rep.ok, _names(rep)


@pytest.mark.parametrize(
    "disposition",
    [
        "attachment; filename=2023年度报告.pdf",
        'attachment; filename="年度 报告.pdf"; size=3',
        "inline; filename*=UTF-8''%E5%B9%B4.pdf; x=年",
    ],
)
def test_raw_utf8_header_is_archived_recoverably(crawl, paths, session, disposition):
    """Chinese CMSs send raw UTF-8 file names; warcio raised on some, losing the response."""
    from urllib.parse import unquote_to_bytes

    from storage.warc.reader import read_raw

    raw = disposition.encode("utf-8")
    c = crawl()
    c.fetch("http://gov.example/dl?id=1", b"%PDF report", headers={"Content-Disposition": raw})
    c.finish()
    cap = session.exec(select(Capture)).one()
    head = read_raw(paths.warc_dir / cap.warc_file, cap.warc_offset, cap.warc_length).split_http()[
        0
    ]
    line = next(x for x in head.split(b"\r\n") if x.lower().startswith(b"content-disposition"))
    assert line.isascii()
    assert unquote_to_bytes(line.split(b": ", 1)[1]) == raw or b"%" in raw
    assert verify(paths, session).ok
