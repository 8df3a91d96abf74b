"""`gongkai verify --head/--expect-head/--expect-heads/--json` and `gongkai seal`."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner
from sqlmodel import select

from crawler.cli import main
from storage.models import CrawlRun, Manifest


@pytest.fixture
def cli(paths, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGKAI_DB_URL", paths.db_url)

    def run(*args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(main, ["--data", str(paths.data), *args])

    return run


def _run(crawl, n: int = 3):  # type: ignore[no-untyped-def]
    c = crawl(max_file_bytes=30_000)
    for i in range(n):
        c.fetch(
            f"http://gov.example/{c.run_id}/{i}.pdf",
            random.Random(f"{c.run_id}-{i}").randbytes(9000),
        )
    c.finish()
    return c


def _heads(session) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.sha256 for r in session.exec(select(Manifest).order_by(Manifest.sequence))]


def test_head_is_printed_and_named_in_the_run_report(crawl, session, cli):
    c = _run(crawl)
    out = cli("verify", "--head")
    assert out.exit_code == 0, out.output
    assert out.output.strip() == _heads(session)[-1]
    session.expire_all()
    assert session.get(CrawlRun, c.run_id).report["manifest_head"] == _heads(session)[-1]


def test_earlier_heads_stay_valid_as_the_chain_grows(crawl, session, cli, tmp_path):
    _run(crawl)
    first = cli("verify", "--head").output.strip()
    _run(crawl)
    second = cli("verify", "--head").output.strip()
    assert first != second and _heads(session) == [first, second]
    assert cli("verify", "--expect-head", first, "--expect-head", second).exit_code == 0
    published = tmp_path / "heads.txt"
    published.write_text(f"# published heads\n{first}  manifest-1\n\n{second.upper()}\n")
    ok = cli("verify", "--expect-heads", str(published))
    assert ok.exit_code == 0, ok.output
    unknown = "ab" * 32
    bad = cli("verify", "--expect-head", unknown)
    assert bad.exit_code == 1 and unknown in bad.output and "published head" in bad.output


def test_malformed_heads_are_usage_errors(crawl, cli, tmp_path):
    _run(crawl)
    assert cli("verify", "--expect-head", "abc").exit_code == 2
    heads = tmp_path / "h.txt"
    heads.write_text("not-a-digest\n")
    out = cli("verify", "--expect-heads", str(heads))
    assert out.exit_code == 2 and "h.txt:1" in out.output


def test_json_output(crawl, paths, session, cli):
    _run(crawl)
    got = json.loads(cli("verify", "--json").output)
    assert got["ok"] is True and got["problems"] == []
    assert got["head"]["sha256"] == _heads(session)[-1] and got["manifests"] == 1
    victim = sorted(paths.warc_dir.iterdir())[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 1
    victim.write_bytes(bytes(data))
    result = cli("verify", "--json", "--expect-head", "cd" * 32)
    got = json.loads(result.output)
    assert result.exit_code == 1 and got["ok"] is False
    assert {p["file"] for p in got["problems"]} == {victim.name, "manifests"}
    assert got["expected_heads"] == [{"sha256": "cd" * 32, "found": False, "sequence": None}]


def _killed_run(crawl):  # type: ignore[no-untyped-def]
    """A run whose writer died mid-record: a torn tail, its status still `running`."""
    c = crawl(max_file_bytes=10**9)
    for i in range(2):
        c.fetch(f"http://gov.example/k{i}.pdf", random.Random(i).randbytes(5000))
    name = c.archive.current_file
    c.archive._fh.write(b"\x1f\x8b\x08\x00 torn")
    c.archive._fh.flush()
    c.archive._fh.close()
    c.archive._fh = None
    return name


def test_seal_dry_run_changes_nothing_then_seal_repairs(crawl, paths, session, cli):
    _run(crawl)
    name = _killed_run(crawl)
    size = (paths.warc_dir / name).stat().st_size
    noted = cli("verify")
    assert noted.exit_code == 0 and "unsealed" in noted.output and name in noted.output
    dry = cli("seal", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"would seal {name}" in dry.output and "would cut torn tail" in dry.output
    assert (paths.warc_dir / name).stat().st_size == size and len(_heads(session)) == 1
    done = cli("seal")
    assert done.exit_code == 0, done.output
    assert f"sealed {name}" in done.output and "killed" in done.output
    assert (paths.warc_dir / name).stat().st_size < size and len(_heads(session)) == 2
    after = cli("verify")
    assert after.exit_code == 0 and "unsealed" not in after.output


def test_seal_refuses_a_finished_runs_file_until_told_which_run(crawl, paths, session, cli):
    c = _run(crawl)
    row = session.exec(select(Manifest)).one()
    (paths.manifests / row.file_name).unlink()
    session.delete(row)
    session.commit()
    bad = cli("verify")
    assert bad.exit_code == 1 and f"run {c.run_id} ended" in bad.output
    refused = cli("seal")
    assert refused.exit_code == 1 and "refused" in refused.output
    assert cli("verify").exit_code == 1  # the crawl path's sealing launders nothing either
    assert cli("seal", "--run", "999").exit_code == 1
    repaired = cli("seal", "--run", str(c.run_id))
    assert repaired.exit_code == 0, repaired.output
    doc = json.loads(session.exec(select(Manifest)).one().content)
    assert doc["run_id"] == c.run_id and "seal --run" in doc["repair"]
    assert cli("verify").exit_code == 0
    again = cli("seal", "--run", str(c.run_id))
    assert again.exit_code == 1 and "already has its manifest" in again.output


def test_empty_file_of_a_dead_writer_is_noted_not_refused(crawl, paths, cli):
    _run(crawl)
    empty = paths.warc_dir / "gongkai-20990101000000000000-1-00001.warc.gz"
    empty.touch()
    checked = cli("verify")
    assert checked.exit_code == 0 and f"{empty.name} is an empty file" in checked.output
    sealed = cli("seal")
    assert sealed.exit_code == 0 and f"skipped {empty.name}: empty" in sealed.output
    assert empty.exists()  # never deleted
