"""The WARC writer and the middleware: records, digests, revisits, read-back by offset."""

from __future__ import annotations

import gzip
import hashlib
import random
import subprocess
import sys

import pytest
from sqlmodel import select

from storage.models import Capture
from storage.warc.reader import iter_records, read_raw, sha256_of_digest
from storage.warc.writer import read_record

PDF = b"%PDF-1.4 annual report " + bytes(range(256)) * 40


def _records(paths):
    out = []
    for f in sorted(paths.warc_dir.iterdir()):
        with open(f, "rb") as fh:
            out += [(f.name, r) for r in iter_records(fh)]
    return out


def test_response_request_pair_with_sha256_digests(crawl, paths, session):
    c = crawl()
    c.fetch("http://gov.example/report.pdf", PDF)
    c.finish()
    recs = [r for _, r in _records(paths)]
    assert [r.rec_type for r in recs] == ["warcinfo", "response", "request"]
    info, resp, req = recs
    assert b"software: gongkai/" in info.block and f"gongkai-run: {c.run_id}".encode() in info.block
    assert sha256_of_digest(resp.header("WARC-Payload-Digest")) == hashlib.sha256(PDF).hexdigest()
    assert (
        sha256_of_digest(resp.header("WARC-Block-Digest")) == hashlib.sha256(resp.block).hexdigest()
    )
    assert req.header("WARC-Concurrent-To") == resp.record_id
    assert req.block.startswith(b"GET /report.pdf HTTP/1.1\r\n")
    cap = session.exec(select(Capture)).one()
    assert (cap.sha256, cap.record_type, cap.warc_offset) == (
        hashlib.sha256(PDF).hexdigest(),
        "response",
        resp.offset,
    )
    assert cap.warc_length == resp.length and cap.warc_request_length == req.length


def test_read_back_by_offset_is_the_captured_bytes(crawl, paths, session):
    c = crawl()
    compressed = gzip.compress(b"<html>report</html>")
    c.fetch("http://gov.example/a", compressed, headers={"Content-Encoding": "gzip"})
    c.fetch("http://gov.example/b.pdf", PDF)
    c.finish()
    for cap in session.exec(select(Capture)):
        http, body = read_record(paths.warc_dir / cap.warc_file, cap.warc_offset, cap.warc_length)
        assert hashlib.sha256(body).hexdigest() == cap.sha256
        assert http.get_statuscode() == "200"
    a = session.exec(select(Capture).where(Capture.url == "http://gov.example/a")).one()
    assert (
        read_raw(paths.warc_dir / a.warc_file, a.warc_offset, a.warc_length).payload == compressed
    )  # still gzip-encoded: as it crossed the wire


def test_unchanged_content_becomes_revisit(crawl, paths, session):
    first = crawl()
    first.fetch("http://gov.example/r.pdf", PDF)
    first.finish()
    size_before = sum(f.stat().st_size for f in paths.warc_dir.iterdir())
    second = crawl()
    req = second.fetch("http://gov.example/r.pdf", PDF)
    second.finish()
    caps = session.exec(select(Capture).order_by(Capture.id)).all()
    assert [c.record_type for c in caps] == ["response", "revisit"]
    assert caps[1].revisit_of == caps[0].id and caps[1].sha256 == caps[0].sha256
    assert req.meta["gongkai_capture_revisit_of"] == caps[0].id
    added = sum(f.stat().st_size for f in paths.warc_dir.iterdir()) - size_before
    assert added < len(PDF) // 4  # headers only, no payload bytes
    revisit = [r for _, r in _records(paths) if r.rec_type == "revisit"][0]
    assert revisit.header("WARC-Profile").endswith("/revisit/identical-payload-digest")
    assert revisit.header("WARC-Refers-To-Target-URI") == "http://gov.example/r.pdf"
    assert PDF not in revisit.block


def test_304_is_a_server_not_modified_revisit(crawl, paths, session):
    first = crawl()
    first.fetch("http://gov.example/r.pdf", PDF, headers={"ETag": '"v1"'})
    first.finish()
    orig = session.exec(select(Capture)).one()
    second = crawl()
    second.fetch(
        "http://gov.example/r.pdf",
        b"",
        status=304,
        meta={"gongkai_revalidates": orig.id},
        req_headers={"If-None-Match": '"v1"'},
    )
    second.finish()
    rev = session.exec(select(Capture).where(Capture.status == 304)).one()
    assert (rev.record_type, rev.revisit_of, rev.sha256) == ("revisit", orig.id, orig.sha256)
    record = [r for _, r in _records(paths) if r.rec_type == "revisit"][0]
    assert record.header("WARC-Profile").endswith("/revisit/server-not-modified")
    assert record.http_status() == 304
    assert sha256_of_digest(record.header("WARC-Payload-Digest")) == orig.sha256


def test_cached_responses_are_not_archived(crawl, session):
    from scrapy.http import Request, Response

    c = crawl()
    req = Request("http://gov.example/x")
    c.mw.process_response(
        req, Response("http://gov.example/x", body=b"x", flags=["cached"], request=req)
    )
    assert session.exec(select(Capture)).all() == []


def test_transfer_encoding_is_kept_under_another_name(crawl, paths):
    c = crawl()
    c.fetch("http://gov.example/c", b"chunked once", headers={"Transfer-Encoding": "chunked"})
    c.finish()
    resp = [r for _, r in _records(paths) if r.rec_type == "response"][0]
    head = resp.split_http()[0]
    assert b"X-Archive-Orig-Transfer-Encoding: chunked" in head
    assert b"\r\nTransfer-Encoding" not in head


def test_files_rotate_by_size_each_with_warcinfo(crawl, paths):
    c = crawl(max_file_bytes=20_000)
    for i in range(12):
        c.fetch(f"http://gov.example/{i}.pdf", random.Random(i).randbytes(8000))
    c.finish()
    files = sorted(paths.warc_dir.iterdir())
    assert len(files) >= 3
    for f in files:
        with open(f, "rb") as fh:
            assert next(iter_records(fh)).rec_type == "warcinfo"


@pytest.mark.integration  # runs warcio in a subprocess
def test_warcio_check_accepts_the_files(crawl, paths):
    c = crawl(max_file_bytes=30_000)
    first = c.fetch("http://gov.example/1.pdf", PDF)
    c.fetch("http://gov.example/1.pdf", PDF)
    c.fetch(
        "http://gov.example/1.pdf",
        b"",
        status=304,
        meta={"gongkai_revalidates": first.meta["gongkai_capture_id"]},
    )
    c.fetch(
        "http://gov.example/2", gzip.compress(b"x" * 5000), headers={"Content-Encoding": "gzip"}
    )
    c.finish()
    files = [str(f) for f in sorted(paths.warc_dir.iterdir())]
    out = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", *files], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "digest pass" in out.stdout and "failed" not in out.stdout
