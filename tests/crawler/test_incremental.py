"""Second crawls: nothing changed → no report bytes again; an edit and an addition are caught."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration  # real crawls against the simulator


def _current(harness) -> set[tuple[str, str]]:
    with harness.db() as db:
        return set(db.execute("select url, sha256 from document where status = 'current'"))


def test_second_crawl_downloads_no_report_bytes(harness):
    first = harness.crawl()["sites"]["hanweb-gongshu"]
    assert first["report_bytes_downloaded"] > 100_000
    second = harness.crawl()["sites"]["hanweb-gongshu"]
    assert second["outcome"] == "ok"
    assert second["reports_found"] == first["reports_found"]
    assert second["unchanged"] == second["reports_found"] and second["new"] == 0
    assert second["report_bytes_downloaded"] == 0
    assert second["not_modified"] >= second["reports_found"] - 1
    with harness.db() as db:
        run2 = db.execute("select max(id) from crawlrun").fetchone()[0]
        statuses = dict(
            db.execute(
                "select status, count(*) from capture where run_id = ? group by status", (run2,)
            )
        )
        # every article/file was answered 304; only lists and redirects were 200/302 again
        assert statuses[304] >= second["reports_found"] - 1
        big = db.execute(
            "select count(*) from capture where run_id = ? and status = 200 "
            "and size > 20000 and url not like '%/col/%'",
            (run2,),
        ).fetchone()[0]
        assert big == 0
    assert harness.documents() == harness.truth()


def test_edit_and_addition_are_caught_by_the_next_run(harness):
    harness.crawl()
    reports = sorted(harness.sim.reports, key=lambda r: r.report_id)
    edited = harness.sim.edit_report(next(r for r in reports if r.format == "html").report_id)
    pdf = harness.sim.edit_report(next(r for r in reports if r.format == "pdf").report_id)
    added = harness.sim.add_report("hanweb-gongshu")
    site = harness.crawl()["sites"]["hanweb-gongshu"]
    assert site["outcome"] == "ok"
    assert site["new"] == 1 and site["changed"] == 2
    current = _current(harness)
    for r in (edited, pdf, added):
        assert (r.url, r.sha256) in current
    assert current == harness.truth()


def test_withdrawn_report_does_not_fail_the_site(harness):
    harness.crawl()
    gone = next(r for r in harness.sim.reports if r.format == "html")
    harness.sim.remove_report(gone.report_id)
    site = harness.crawl()["sites"]["hanweb-gongshu"]
    assert site["outcome"] == "ok" and site["failed"] == 0


def test_a_file_shared_by_two_sites_is_revalidated_not_downloaded_again(make_harness):
    from crawler.runner import run_crawl
    from tests.crawler.conftest import FAST

    harness = make_harness(platforms=("hanweb", "hanweb-web"))  # both carry the 洪泽 PDF
    first, other = (s.id for s in harness.sim.sites)

    def crawl(site_id):
        return run_crawl(
            harness.app.open(),
            sites_file=harness.sites_file,
            site_ids=[site_id],
            allow_failures=True,
            settings_overrides=FAST,
        )["sites"][site_id]

    crawl(first)
    crawl(other)  # its copy of the shared PDF is archived as a revisit of the first site's
    again = crawl(other)
    assert again["new"] == 0 and again["changed"] == 0, again
    assert again["report_bytes_downloaded"] == 0
    assert again["not_modified"] == again["reports_found"]  # revalidated (304), not re-fetched


def test_a_crawl_cut_short_withdraws_nothing(harness):
    harness.crawl()
    cut = harness.crawl(CLOSESPIDER_PAGECOUNT=8)["sites"]["hanweb-gongshu"]  # stops early
    assert cut["reports_found"] < len(harness.sim.reports)
    assert cut["clean_finish"] is False and cut["withdrawn"] == []
    with harness.db() as db:
        statuses = {row[0] for row in db.execute("select status from document")}
    assert statuses == {"current"}
