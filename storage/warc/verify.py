"""`gongkai verify`: recompute every digest and hold the WARCs, the database and the manifest
chain against each other, so any altered, removed or inserted byte or file is named.

Read-only: it never seals, cuts or creates anything (sealing is the crawl's and `gongkai
seal`'s job), so it cannot launder what it is asked to judge.  Whoever can write the folder
and the database can still recompute the whole chain; heads published outside the folder
(`expect_heads`) catch that.

One sequential read per WARC file computes its sha256 (for the manifest) and, member by
member, each record's block and payload sha256 (for its WARC headers and its Capture row).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, BinaryIO

from sqlmodel import Session, col, select

from storage.config import Paths
from storage.models import Capture, CrawlRun, Document, Manifest
from storage.warc.manifest import (
    assess,
    ended_by_itself,
    not_regular,
    plain_name,
    warc_files,
    warcinfo_run,
)
from storage.warc.reader import RawRecord, TornRecord, iter_records, sha256_of_digest
from storage.warc.writer import ascii_header, warc_date


@dataclass(frozen=True)
class Problem:
    """One mismatch: where, what, what was expected and what was found."""

    file: str
    record: str
    what: str
    expected: str = ""
    found: str = ""

    def line(self) -> str:
        detail = (
            f": expected {self.expected}, found {self.found}"
            if (self.expected or self.found)
            else ""
        )
        return f"MISMATCH {self.file} [{self.record}] {self.what}{detail}"


@dataclass
class VerifyReport:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warc_files: int = 0
    records: int = 0
    bytes: int = 0
    manifests: int = 0
    head: dict[str, Any] | None = None  # the newest manifest: sha256, file, sequence
    unsealed: list[str] = field(default_factory=list)  # killed runs' files, not yet sealed
    expected_heads: list[dict[str, Any]] = field(default_factory=list)
    # files no published head vouches for (sealed after the newest one, or unsealed); only
    # computed when heads are expected
    uncovered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, *args: str) -> None:
        self.problems.append(Problem(*args))

    def as_json(self) -> dict[str, Any]:
        """Everything a script needs, in one object (`gongkai verify --json`)."""
        return {
            "ok": self.ok,
            "head": self.head,
            "expected_heads": self.expected_heads,
            "problems": [asdict(p) for p in self.problems],
            "notes": self.notes,
            "unsealed": self.unsealed,
            "uncovered": self.uncovered,
            "warc_files": self.warc_files,
            "records": self.records,
            "bytes": self.bytes,
            "manifests": self.manifests,
        }


class _HashingReader:
    """Passes reads through while hashing every byte (the file's sha256 in the same pass)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data

    def drain(self) -> None:
        while self.read(1 << 20):
            pass


def verify(paths: Paths, session: Session, *, expect_heads: Iterable[str] = ()) -> VerifyReport:
    """Check everything, writing nothing; `expect_heads` are published head digests the
    chain must still contain."""
    rep = VerifyReport()
    rows = list(session.exec(select(Manifest).order_by(col(Manifest.sequence))))
    listed, sealed_in = _check_manifests(paths, rows, rep)
    _check_heads(rows, [h.lower() for h in expect_heads], rep)
    _check_runs_sealed(session, rows, rep)
    present = set(warc_files(paths))
    captures = _load_captures(session, rep)
    for name, entry in sorted(listed.items()):
        if name not in present:
            rep.add(
                name,
                "file",
                "WARC file listed in manifest is missing",
                f"sha256 {entry['sha256']}",
                "no file",
            )
            continue
        _check_warc(paths, name, entry, captures.pop(name, {}), rep)
    for name in sorted(present - set(listed)):
        captures.pop(name, None)
        _check_unlisted(paths, session, name, rep)
    for name, rows_at in sorted(captures.items()):
        if name not in present:
            ids = ", ".join(str(c.id) for c in list(rows_at.values())[:5])
            rep.add(
                name,
                "file",
                "WARC file the database refers to is missing",
                f"{len(rows_at)} captures (ids {ids}...)",
                "no file",
            )
    _check_revisits(session, rep)
    _check_documents(session, rep)
    _check_coverage(rep, sealed_in)
    return rep


def _load_captures(session: Session, rep: VerifyReport) -> dict[str, dict[int, Capture]]:
    """Capture rows by WARC file and offset; a row naming a path instead of a file name, or
    a second row claiming a record another already claims, is a problem."""
    captures: dict[str, dict[int, Capture]] = defaultdict(dict)
    for cap in session.exec(select(Capture).order_by(col(Capture.id))):
        if not plain_name(cap.warc_file):
            rep.add(
                str(cap.warc_file),
                f"capture {cap.id}",
                "WARC file name is not a plain file name (a path out of the WARC folder)",
                "a file name",
                "a path",
            )
            continue
        other = captures[cap.warc_file].get(cap.warc_offset)
        if other is not None:  # only one row can be checked against the record: say so
            rep.add(
                cap.warc_file,
                f"offset {cap.warc_offset}",
                f"captures {other.id} and {cap.id} claim the same record",
                "one capture row",
                f"{other.url} and {cap.url}",
            )
        captures[cap.warc_file][cap.warc_offset] = cap
    return captures


def _check_coverage(rep: VerifyReport, sealed_in: dict[str, int]) -> None:
    """Name what no published head vouches for: files sealed after the newest published
    head, and unsealed files.  Nothing inside the folder can tell those from forgeries."""
    found = [h["sequence"] for h in rep.expected_heads if h["found"]]
    if not found:
        return
    newest = max(found)
    for name, sequence in sorted(sealed_in.items()):
        if sequence > newest:
            rep.uncovered.append(name)
            rep.notes.append(
                f"{name} is not covered by a published head (sealed in manifest "
                f"{sequence}, after the newest published head, manifest {newest})"
            )
    for name in rep.unsealed:
        rep.uncovered.append(name)
        rep.notes.append(f"{name} is not covered by a published head (unsealed)")


def _check_unlisted(paths: Paths, session: Session, name: str, rep: VerifyReport) -> None:
    """A WARC no manifest lists: a live crawl's, a killed run's (noted, not verified) or
    one nothing vouches for (a problem, with the reason sealing would refuse it)."""
    verdict = assess(paths, session, name)
    if verdict.action == "live":
        rep.notes.append(f"{name} is being written by a running crawl: skipped")
    elif verdict.action == "empty":
        rep.notes.append(
            f"{name} is an empty file (a writer that died before its first "
            f"record): nothing to verify"
        )
    elif verdict.action == "seal":
        rep.unsealed.append(name)
        rep.notes.append(
            f"{name} is unsealed, not verified: {verdict.reason}; the next crawl "
            f"or `gongkai seal` seals it"
        )
    else:
        rep.add(
            name,
            "file",
            f"WARC file is in no manifest: {verdict.reason}",
            "a manifest entry",
            "none",
        )


def _check_heads(rows: list[Manifest], expected: list[str], rep: VerifyReport) -> None:
    """The head, and whether every published head is still a manifest of this chain (the
    chain links each manifest to the one before, so that pins everything up to it)."""
    if rows:
        rep.head = {
            "sha256": rows[-1].sha256,
            "file": rows[-1].file_name,
            "sequence": rows[-1].sequence,
        }
    by_sha = {row.sha256: row for row in rows}
    current = rep.head["sha256"] if rep.head else "no manifest"
    for digest in expected:
        row = by_sha.get(digest)
        rep.expected_heads.append(
            {"sha256": digest, "found": row is not None, "sequence": row.sequence if row else None}
        )
        if row is None:
            rep.add(
                "manifests",
                "published head",
                "published head is not in the manifest chain (history rewritten, or "
                "its manifest removed)",
                digest,
                f"chain head {current}",
            )
        else:
            rep.notes.append(
                f"published head {digest} is manifest {row.sequence} ({row.file_name})"
            )


def _check_runs_sealed(session: Session, rows: list[Manifest], rep: VerifyReport) -> None:
    """Every run that reached its own end wrote a manifest naming it."""
    sealed = {row.run_id for row in rows if row.run_id is not None}
    for run in session.exec(select(CrawlRun).order_by(col(CrawlRun.id))):
        if ended_by_itself(run) and run.id not in sealed:
            rep.add(
                f"run {run.id}",
                "manifest",
                f"run {run.id} ended ({run.status}) but no manifest seals it (removed, or "
                f"the run was killed while sealing)",
                f"a manifest of run {run.id}",
                "none",
            )


def _check_manifests(
    paths: Paths, rows: list[Manifest], rep: VerifyReport
) -> tuple[dict[str, Any], dict[str, int]]:
    """The chain, in the database and in the files; returns the WARC entries it lists and
    the manifest sequence that sealed each."""
    listed: dict[str, Any] = {}
    sealed_in: dict[str, int] = {}
    rep.manifests = len(rows)
    previous: Manifest | None = None
    for row in rows:
        where = f"manifests/{row.file_name}"
        doc = _check_manifest_row(row, previous, where, rep)
        _check_manifest_file(paths, row, where, rep)
        for entry in _warc_entries(doc, where, rep):
            if entry["file"] in listed:
                rep.add(where, entry["file"], "WARC sealed twice")
            listed[entry["file"]] = entry
            sealed_in[entry["file"]] = row.sequence
        previous = row
    known = {r.file_name for r in rows}
    if paths.manifests.exists():
        for path in sorted(paths.manifests.glob("manifest-*.json")):
            if path.name not in known:
                rep.add(
                    f"manifests/{path.name}",
                    "file",
                    "manifest file is not in the database (inserted?)",
                    "no file",
                    "file",
                )
    return listed, sealed_in


def _warc_entries(
    doc: dict[str, Any] | None, where: str, rep: VerifyReport
) -> list[dict[str, Any]]:
    """The well-formed WARC entries of a manifest; every malformed one is a problem (a
    manifest is data from the folder under test, not trusted input)."""
    if doc is None:
        return []
    warcs = doc.get("warcs")
    if not isinstance(warcs, list):
        rep.add(
            where, "warcs", "manifest has no list of WARC files", "a list", type(warcs).__name__
        )
        return []
    entries = []
    for number, entry in enumerate(warcs):
        name = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not plain_name(name):
            rep.add(
                where,
                f"warcs[{number}]",
                "WARC entry has no plain file name (a "
                "missing name, or a path out of the WARC folder)",
                "a file name",
                repr(name)[:80],
            )
            continue
        sha, size = entry.get("sha256"), entry.get("bytes")
        if not (isinstance(sha, str) and len(sha) == 64) or not (
            isinstance(size, int) and not isinstance(size, bool)
        ):
            rep.add(
                where,
                name,
                "WARC entry's sha256 or size is malformed",
                "64 hex digits and a byte count",
                f"{sha!r:.80}, {size!r:.40}",
            )
            continue
        entries.append(entry)
    return entries


def _check_manifest_row(
    row: Manifest, previous: Manifest | None, where: str, rep: VerifyReport
) -> dict[str, Any] | None:
    """One database row of the chain: its place, its text's digest, its link to the one
    before; returns the parsed manifest (None when its text is not JSON)."""
    want_seq = previous.sequence + 1 if previous else 1
    if row.sequence != want_seq:
        missing = (
            f"manifest {want_seq}"
            if row.sequence == want_seq + 1
            else f"manifests {want_seq}-{row.sequence - 1}"
        )
        rep.add(
            where,
            "chain",
            f"manifest sequence has a gap ({missing} missing)",
            str(want_seq),
            str(row.sequence),
        )
    content_sha = hashlib.sha256(row.content.encode("utf-8")).hexdigest()
    if content_sha != row.sha256:
        rep.add(
            where, "database row", "manifest text in the database altered", row.sha256, content_sha
        )
    want_prev = previous.sha256 if previous else None
    try:
        doc = json.loads(row.content)
    except ValueError:
        rep.add(where, "database row", "manifest text is not JSON")
        return None
    if not isinstance(doc, dict):
        rep.add(where, "database row", "manifest text is not a JSON object")
        return None
    if doc.get("sequence") != row.sequence:
        rep.add(
            where,
            "database row",
            "manifest's own sequence differs from its row",
            str(row.sequence),
            str(doc.get("sequence")),
        )
    link = doc.get("previous")
    doc_prev = link.get("sha256") if isinstance(link, dict) else link
    if row.previous_sha256 != want_prev or doc_prev != want_prev:
        rep.add(
            where, "chain", "previous-manifest hash does not match", str(want_prev), str(doc_prev)
        )
    return doc


def _check_manifest_file(paths: Paths, row: Manifest, where: str, rep: VerifyReport) -> None:
    """The manifest file on disk is the one the database row names, byte for byte."""
    if not plain_name(row.file_name):
        rep.add(
            where,
            "database row",
            "manifest file name is not a plain file name (a path out of the manifests folder)",
            "a file name",
            row.file_name,
        )
        return
    path = paths.manifests / row.file_name
    if path.is_symlink():
        rep.add(
            where,
            "file",
            "manifest file is a symbolic link (its bytes are not in the archive)",
            "a file",
            f"a link to {os.readlink(path)}",
        )
        return
    if not path.exists():
        rep.add(where, "file", "manifest file is missing", f"sha256 {row.sha256}", "no file")
        return
    found = hashlib.sha256(path.read_bytes()).hexdigest()
    if found != row.sha256:
        rep.add(where, "file", "manifest file altered", f"sha256 {row.sha256}", f"sha256 {found}")


def _check_warc(
    paths: Paths, name: str, entry: dict[str, Any], caps: dict[int, Capture], rep: VerifyReport
) -> None:
    rep.warc_files += 1
    path = paths.warc_dir / name
    odd = not_regular(path)
    if odd:
        rep.add(name, "file", f"WARC file is {odd}", "a regular file", odd.split(" (")[0])
        if not path.is_file():  # a folder, or a FIFO that would block the reader
            return
    state = _FileState()
    with open(path, "rb") as raw:
        fh = _HashingReader(raw)
        try:
            for rec in iter_records(fh):  # type: ignore[arg-type]
                rep.records += 1
                _check_record(name, rec, caps, state, rep)
        except TornRecord as exc:
            rep.add(
                name, f"offset {exc.offset}", "unreadable record", "a whole gzip member", exc.reason
            )
        fh.drain()
    rep.bytes += fh.size
    found = fh.sha.hexdigest()
    if found != entry["sha256"]:
        rep.add(
            name,
            "file",
            "WARC file altered (sha256 differs from its manifest)",
            entry["sha256"],
            found,
        )
    if fh.size != entry.get("bytes", fh.size):
        rep.add(
            name,
            "file",
            "WARC file size differs from its manifest",
            str(entry["bytes"]),
            str(fh.size),
        )
    for offset, cap in sorted(caps.items()):
        rep.add(
            name,
            f"offset {offset}",
            f"capture {cap.id} points at no record here",
            cap.warc_record_id,
            "nothing",
        )


@dataclass
class _FileState:
    """What one WARC file's earlier records tell about the next: the run its warcinfo
    names, and the record (and capture) a request record must follow."""

    run_id: int | None = None
    previous_id: str | None = None
    previous_cap: Capture | None = None


def _check_record(
    name: str, rec: RawRecord, caps: dict[int, Capture], state: _FileState, rep: VerifyReport
) -> None:
    previous_id, previous_cap = state.previous_id, state.previous_cap
    state.previous_id = rec.record_id
    state.previous_cap = (
        caps.pop(rec.offset, None) if rec.rec_type in ("response", "revisit") else None
    )
    where = f"{rec.record_id or '?'} @ {rec.offset}"
    if rec.problem:
        rep.add(name, where, "malformed record", "WARC framing", rec.problem)
        return
    block_header = rec.header("WARC-Block-Digest")
    block_sha = hashlib.sha256(rec.block).hexdigest()
    if block_header is not None and sha256_of_digest(block_header) != block_sha:
        rep.add(name, where, "WARC-Block-Digest", block_header, f"sha256 hex {block_sha}")
    kind = rec.rec_type
    if kind == "warcinfo" and rec.offset == 0:
        state.run_id = warcinfo_run(rec)
    if kind == "request":
        _check_request(name, where, rec, previous_id, previous_cap, rep)
        return
    if kind not in ("response", "revisit"):
        return
    payload_header = rec.header("WARC-Payload-Digest")
    if kind == "response":
        payload_sha = hashlib.sha256(rec.payload).hexdigest()
        if payload_header is not None and sha256_of_digest(payload_header) != payload_sha:
            rep.add(name, where, "WARC-Payload-Digest", payload_header, f"sha256 hex {payload_sha}")
    else:
        payload_sha = sha256_of_digest(payload_header) or ""
    cap = state.previous_cap
    if cap is None:
        rep.add(name, where, f"{kind} record is not in the database", "a capture row", "none")
        return
    _check_capture(name, where, rec, cap, payload_sha, state.run_id, rep)


def _check_request(
    name: str,
    where: str,
    rec: RawRecord,
    previous_id: str | None,
    previous_cap: Capture | None,
    rep: VerifyReport,
) -> None:
    concurrent = rec.header("WARC-Concurrent-To")
    if concurrent != previous_id:
        rep.add(
            name,
            where,
            "request is not concurrent to the record before it",
            str(previous_id),
            str(concurrent),
        )
    if previous_cap is None:
        return
    if previous_cap.warc_request_length not in (None, rec.length):
        rep.add(
            name,
            where,
            "request record length",
            str(previous_cap.warc_request_length),
            str(rec.length),
        )
    method = rec.block.split(b" ", 1)[0].decode("latin-1")
    if previous_cap.method != method:
        rep.add(
            name, where, f"HTTP method (capture {previous_cap.id})", previous_cap.method, method
        )


def _media_type(rec: RawRecord) -> str | None:
    """The record's Content-Type as the archiver stores it (no parameters), None if absent."""
    for line in rec.split_http()[0].split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == b"content-type":
            return value.decode("latin-1").split(";")[0].strip() or None
    return None


def _check_capture(
    name: str,
    where: str,
    rec: RawRecord,
    cap: Capture,
    payload_sha: str,
    run_id: int | None,
    rep: VerifyReport,
) -> None:
    """Every field of the capture row that the record also holds: what `show`, `cdxj` and
    the exports print comes from the row, so an edit of the row alone must be seen."""
    kind = rec.rec_type
    fields: list[tuple[str, str, str]] = [
        ("record id", cap.warc_record_id, rec.record_id),
        ("record length", str(cap.warc_length), str(rec.length)),
        ("record type", cap.record_type, kind),
        ("payload sha256", cap.sha256, payload_sha),
        ("URL", cap.url, rec.header("WARC-Target-URI") or ""),
        ("HTTP status", str(cap.status), str(rec.http_status())),
        ("fetch time", warc_date(cap.fetched_at), rec.header("WARC-Date") or ""),
        ("run", str(cap.run_id), str(run_id)),
        ("media type", str(cap.media_type and ascii_header(cap.media_type)), str(_media_type(rec))),
    ]
    if kind == "response":
        fields.append(("size", str(cap.size), str(len(rec.payload))))
    for label, expected, found in fields:
        if expected != found:
            rep.add(name, where, f"{label} (capture {cap.id})", expected, found)


def _check_revisits(session: Session, rep: VerifyReport) -> None:
    for cap in session.exec(select(Capture).where(Capture.record_type == "revisit")):
        where = f"capture {cap.id}"
        original = session.get(Capture, cap.revisit_of) if cap.revisit_of else None
        if original is None:
            rep.add(
                cap.warc_file, where, "revisit refers to no capture", str(cap.revisit_of), "none"
            )
        elif original.record_type != "response" or original.sha256 != cap.sha256:
            rep.add(
                cap.warc_file,
                where,
                f"revisit's original (capture {original.id})",
                f"response with sha256 {cap.sha256}",
                f"{original.record_type} with sha256 {original.sha256}",
            )


def _check_documents(session: Session, rep: VerifyReport) -> None:
    """A report document names the capture of its bytes: it must exist and hold them (the
    URL may differ: a document keeps the listed URL, its capture the one after redirects)."""
    for doc in session.exec(select(Document)):
        cap = session.get(Capture, doc.capture_id)
        where = f"document {doc.id}"
        if cap is None:
            rep.add(
                "documents",
                where,
                "document refers to no capture",
                f"capture {doc.capture_id}",
                "none",
            )
        elif cap.sha256 != doc.sha256:
            rep.add(
                cap.warc_file,
                where,
                f"document's bytes differ from its capture {cap.id}",
                f"sha256 {doc.sha256}",
                f"sha256 {cap.sha256}",
            )
