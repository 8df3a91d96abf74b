"""Crawl the simulator for real, then verify, tamper, revisit, version, show, export."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlmodel import Session, select

from crawler.cli import main as cli
from crawler.cli.context import App
from storage.db import init_db, make_engine
from storage.models import Capture, Document
from storage.warc.manifest import write_run_manifest

pytestmark = pytest.mark.integration  # real crawls against the simulator

runner_mod = pytest.importorskip("crawler.runner")
simulator = pytest.importorskip("sim")
FAST = {**runner_mod.POLITENESS_OFF, "LOG_LEVEL": "WARNING", "RETRY_AFTER_MAX": 2}


class Site:
    def __init__(self, root: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GONGKAI_DB_URL", db_url)
        self.sim = simulator.Simulator(seed=0, platforms=("hanweb",))
        self.sim.start()
        self.data = root / "data"
        self.app = App.from_option(str(self.data))
        self.sites_file = root / "sites.yaml"
        self.sites_file.write_text(
            yaml.safe_dump({"sites": self.sim.registry()}, allow_unicode=True), encoding="utf-8"
        )
        self.engine = make_engine(db_url)
        init_db(self.engine)

    def crawl(self) -> int:
        report = runner_mod.run_crawl(
            self.app.open(),
            sites_file=self.sites_file,
            allow_failures=True,
            settings_overrides=FAST,
        )
        with Session(self.engine) as s:
            write_run_manifest(self.app.paths, s, report["run_id"])
        return report["run_id"]

    def gongkai(self, *args: str):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["--data", str(self.data), *args])

    def captures(self, run_id: int) -> list[Capture]:
        with Session(self.engine) as s:
            return list(s.exec(select(Capture).where(Capture.run_id == run_id)))


@pytest.fixture
def site(tmp_path, db_url, monkeypatch):  # type: ignore[no-untyped-def]
    s = Site(tmp_path, db_url, monkeypatch)
    yield s
    s.sim.stop()
    s.engine.dispose()


def _warcs(site: Site) -> list[Path]:
    return sorted(site.app.paths.warc_dir.iterdir())


def test_crawl_verify_then_tamper(site: Site) -> None:
    site.crawl()
    site.crawl()
    ok = site.gongkai("verify")
    assert ok.exit_code == 0, ok.output
    assert "OK:" in ok.output
    files = _warcs(site)
    out = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", *map(str, files)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout
    # flip one byte in the middle of the first WARC
    victim = files[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x20
    victim.write_bytes(bytes(data))
    bad = site.gongkai("verify")
    assert bad.exit_code == 1 and victim.name in bad.output
    victim.write_bytes(
        bytes(
            data[: len(data) // 2]
            + bytes([data[len(data) // 2] ^ 0x20])
            + data[len(data) // 2 + 1 :]
        )
    )
    assert site.gongkai("verify").exit_code == 0
    # delete a WARC
    files[-1].rename(files[-1].with_suffix(".moved"))
    bad = site.gongkai("verify")
    assert bad.exit_code == 1 and files[-1].name in bad.output
    files[-1].with_suffix(".moved").rename(files[-1])
    # edit a manifest
    manifest = sorted(site.app.paths.manifests.glob("manifest-*.json"))[0]
    manifest.write_text(manifest.read_text().replace('"run_id": ', '"run_id":  '))
    bad = site.gongkai("verify")
    assert bad.exit_code == 1 and manifest.name in bad.output


def test_unchanged_site_adds_only_revisits_and_edits_make_versions(site: Site) -> None:
    first = site.crawl()
    size_after_first = sum(f.stat().st_size for f in _warcs(site))
    second = site.crawl()
    caps = site.captures(second)
    assert caps and {c.record_type for c in caps} == {"revisit"}
    grown = sum(f.stat().st_size for f in _warcs(site)) - size_after_first
    payload_first = sum(c.size for c in site.captures(first))
    assert grown < payload_first / 3  # headers only
    # change one report, crawl again: two versions, each retrievable as of its time
    report = next(r for r in site.sim.reports if r.format == "pdf")
    old_sha = report.sha256
    edited = site.sim.edit_report(report.report_id)
    assert edited.sha256 != old_sha
    third = site.crawl()
    with Session(site.engine) as s:
        versions = s.exec(
            select(Document).where(Document.url == report.url).order_by(Document.first_seen)
        ).all()
        assert [v.sha256 for v in versions] == [old_sha, edited.sha256]
        assert [v.status for v in versions] == ["superseded", "current"]
        assert all(v.modified_after_publication for v in versions)
        t_third = min(c.fetched_at for c in site.captures(third))
    between = t_third.isoformat() + "Z"
    for at, want in ((between, old_sha), (None, edited.sha256)):
        out = site.data / f"got-{want[:8]}"
        args = ["show", report.url, "--out", str(out)] + (["--at", at] if at else [])
        res = site.gongkai(*args)
        assert res.exit_code == 0, res.output
        assert hashlib.sha256(out.read_bytes()).hexdigest() == want
        assert json.loads(res.output)["sha256"] == want
    by_sha = site.gongkai("show", old_sha, "--out", str(site.data / "by-sha"))
    assert by_sha.exit_code == 0
    assert hashlib.sha256((site.data / "by-sha").read_bytes()).hexdigest() == old_sha
    assert site.gongkai("verify").exit_code == 0


def test_withdrawn_report_keeps_its_copies(site: Site) -> None:
    site.crawl()
    report = site.sim.reports[0]
    site.sim.remove_report(report.report_id)
    site.crawl()  # the run itself marks what its lists no longer link to
    with Session(site.engine) as s:
        doc = s.exec(select(Document).where(Document.url == report.url)).one()
        assert doc.status == "withdrawn" and doc.withdrawn_at and doc.last_seen < doc.withdrawn_at
        assert "delisted" in (doc.withdrawn_reason or "")
        others = s.exec(select(Document).where(Document.url != report.url)).all()
        assert others and all(d.status == "current" for d in others)
    res = site.gongkai("show", report.url, "--out", str(site.data / "w"))
    assert res.exit_code == 0
    assert hashlib.sha256((site.data / "w").read_bytes()).hexdigest() == report.sha256


def test_export_wacz_validates_and_cdxj_matches_the_indexer(site: Site, tmp_path: Path) -> None:
    site.crawl()
    site.crawl()
    out = tmp_path / "all.wacz"
    res = site.gongkai("export-wacz", "--out", str(out))
    assert res.exit_code == 0, res.output
    check = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(out)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "Validation succeeded" in check.stdout
    year = next(r.year for r in site.sim.reports if r.year)
    sid = site.sim.reports[0].site_id
    res = site.gongkai(
        "export-wacz", "--out", str(tmp_path / "y.wacz"), "--site", sid, "--year", str(year)
    )
    assert res.exit_code == 0, res.output
    # the database-made index equals cdxj-indexer's reading of the WARCs themselves
    from cdxj_indexer.main import write_cdx_index

    buf = io.StringIO()
    write_cdx_index(
        buf,
        [str(p) for p in _warcs(site)],
        {"sort": True, "post_append": True, "records": "response,revisit"},
    )
    cdxj = site.gongkai("cdxj")
    assert _index(cdxj.output) == _index(buf.getvalue())


def _index(text: str) -> set[tuple[str, ...]]:
    rows = set()
    for line in text.splitlines():
        key, ts, doc = line.split(" ", 2)
        f = json.loads(doc)
        rows.add(
            (
                key,
                ts,
                f["offset"],
                f["length"],
                f["digest"],
                f["status"],
                Path(f["filename"]).name,
                f.get("requestBody", ""),
            )
        )
    return rows


def test_listed_report_answering_404_is_withdrawn_with_the_status(site: Site) -> None:
    site.crawl()
    report = next(r for r in site.sim.reports if r.format == "html")
    site.sim.remove_report(report.report_id, keep_listed=True)  # the list keeps a dead link
    site.crawl()
    with Session(site.engine) as s:
        doc = s.exec(select(Document).where(Document.url == report.url)).one()
        assert doc.status == "withdrawn" and (doc.withdrawn_reason or "").startswith("http 404")
        others = s.exec(select(Document).where(Document.url != report.url)).all()
        assert others and all(d.status == "current" for d in others)  # a failed run withdraws
    latest = site.gongkai("show", report.url, "--out", str(site.data / "dead"))
    assert latest.exit_code == 0 and json.loads(latest.output)["status"] == 404  # the evidence
    kept = site.gongkai("show", report.sha256, "--out", str(site.data / "kept"))
    assert kept.exit_code == 0  # and the report as it was published
    assert hashlib.sha256((site.data / "kept").read_bytes()).hexdigest() == report.sha256


def test_run_report_names_the_chain_head(site: Site) -> None:
    from storage.models import Manifest

    report = runner_mod.run_crawl(
        site.app.open(), sites_file=site.sites_file, allow_failures=True, settings_overrides=FAST
    )
    on_disk = json.loads(Path(report["report_file"]).read_text(encoding="utf-8"))
    with Session(site.engine) as s:
        head = s.exec(select(Manifest).order_by(Manifest.sequence.desc())).first()
    assert head is not None and head.file_name == report["manifest"] == on_disk["manifest"]
    assert report["manifest_head"] == on_disk["manifest_head"] == head.sha256
    printed = site.gongkai("verify", "--head")
    assert printed.exit_code == 0 and printed.output.strip() == head.sha256
