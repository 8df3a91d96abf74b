"""Every page and API of the workbench through the ASGI client, on real archived reports."""

from __future__ import annotations

import hashlib
import re

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient
from workbench_data import HOSTILE_TITLE, Built

HEX = re.compile(r"[0-9a-f]{64}")


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def _failed_names(built: Built) -> set[str]:
    return {n for n, r in built.results.items() if any(c["status"] == "fail" for c in r["checks"])}


# ---------------------------------------------------------------------------- list


def test_index_lists_every_report_with_counts(client: TestClient, built: Built) -> None:
    r = client.get("/")
    assert r.status_code == 200
    links = {a["href"] for a in _soup(r.text).select("table.reports a")}
    assert links == {f"/reports/{i}" for i in built.ids.values()}
    counts = _soup(r.text).select_one("#counts").get_text()
    assert f"共 {len(built.ids)} 份" in counts


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=洪泽", {"pdf"}),
        ("year=2019", {"html"}),
        ("format=docx", {"docx"}),
        ("status=withdrawn", {"hostile"}),
        ("status=superseded", {"md_v1"}),
        ("changed=1", {"md_v1", "md_v2", "hostile"}),
        # the agency's region, not the listing site's: the hostile page names no agency
        ("region=3101", {"docx"}),
        ("agency=科学技术", {"md_v1", "md_v2"}),
    ],
)
def test_index_filters(client: TestClient, built: Built, query: str, expected: set[str]) -> None:
    r = client.get("/api/reports?" + query)
    assert r.status_code == 200
    got = {d["report_id"] for d in r.json()["reports"]}
    assert got == {built.ids[n] for n in expected}
    page = client.get("/?" + query)
    rows = {a["href"] for a in _soup(page.text).select("table.reports a")}
    assert rows == {f"/reports/{built.ids[n]}" for n in expected}


def test_index_failed_and_late_filters(client: TestClient, built: Built) -> None:
    failed = {d["report_id"] for d in client.get("/api/reports?failed=1").json()["reports"]}
    assert failed == {built.ids[n] for n in _failed_names(built)}
    assert built.ids["pdf"] in failed  # its 表四 totals do not add up (as printed)
    late = {d["report_id"]: d for d in client.get("/api/reports?late=1").json()["reports"]}
    # a department's 2023 report listed 2024-02-20: due 2024-01-31, 20 days late
    assert late[built.ids["docx"]]["days_late"] == 20
    # a government's 2023 report listed 2024-01-20: due 2024-03-31, on time
    assert built.ids["pdf"] not in late


def test_index_pagination(client: TestClient, built: Built, monkeypatch) -> None:
    import web.app

    monkeypatch.setattr(web.app, "PER_PAGE", 4)
    first = client.get("/api/reports?page=1").json()
    second = client.get("/api/reports?page=2").json()
    third = client.get("/api/reports?page=3").json()
    assert first["pages"] == 3 and first["total"] == len(built.ids)
    ids = [d["report_id"] for p in (first, second, third) for d in p["reports"]]
    assert sorted(ids) == sorted(built.ids.values())
    html = client.get("/?page=2").text
    assert "第 2 / 3 页" in html and "page=3" in html and "page=1" in html


def test_bad_number_in_filter_is_400(client: TestClient) -> None:
    assert client.get("/?year=abc").status_code == 400
    assert client.get("/api/reports?page=x").json() == {"error": "page must be a whole number"}


# ---------------------------------------------------------------------------- report page


def test_report_page_shows_provenance_and_template_tables(client: TestClient, built: Built) -> None:
    r = client.get(f"/reports/{built.ids['pdf']}")
    assert r.status_code == 200
    page = _soup(r.text)
    text = page.get_text()
    api = client.get(f"/api/reports/{built.ids['pdf']}").json()
    assert built.sha["pdf"] in text
    assert api["permalink"]["warc_record_id"] in text
    assert api["permalink"]["warc_file"] in text
    assert "http://hongze.test/nb/2023.pdf" in text
    for heading in (
        "表二",
        "表三",
        "表四",
        "一、本年新收政府信息公开申请数量",
        "（七）总计",
        "结果维持",
        "行政复议",
        "自然人",
        "商业企业",
    ):
        assert heading in text
    buttons = {b["data-key"]: b.get_text() for b in page.select("button.num")}
    for m in built.results["pdf"]["metrics"]:
        if m["raw"]:
            assert buttons[m["key"]] == m["raw"]
    frame = page.select_one("iframe#source")
    assert frame["src"] == f"/view/{built.sha['pdf']}"
    assert frame.has_attr("sandbox") and not frame["sandbox"]  # empty: nothing allowed


def test_failed_identity_shown_in_place(client: TestClient, built: Built) -> None:
    page = _soup(client.get(f"/reports/{built.ids['pdf']}").text)
    failing = [c for c in built.results["pdf"]["checks"] if c["status"] == "fail"]
    assert failing
    boxes = page.select("div.check.fail")
    assert len(boxes) == len(failing)
    for check in failing:
        box = next(b for b in boxes if check["message"] in b.get_text())  # the equation
        assert check["rule"] in box.get_text()
        if check["culprit"] == "source":
            assert "原件本身不平" in box.get_text()
        # the box stands under the table that holds its keys
        table = box.find_previous("table")
        assert {b["data-key"] for b in table.select("button.num")} & set(check["keys"])
        for key in check["keys"]:
            cell = page.select_one(f'button.num[data-key="{key}"]')
            if cell is not None:
                assert "fail" in cell.parent["class"]


def test_last_years_value_beside_each_number(client: TestClient, built: Built) -> None:
    page = _soup(client.get(f"/reports/{built.ids['txt_2022']}").text)
    assert f"/reports/{built.ids['txt_2021']}" in {a["href"] for a in page.select("dl.meta a")}
    before = {m["key"]: m["value"] for m in built.results["txt_2021"]["metrics"]}
    after = {m["key"]: m["value"] for m in built.results["txt_2022"]["metrics"]}
    compared = 0
    for key, value in after.items():
        if value is None or before.get(key) is None:
            continue
        cell = page.select_one(f'button.num[data-key="{key}"]').parent
        prev = cell.select_one(".prev")
        assert float(prev.get_text().rstrip("↑↓").replace(",", "")) == before[key]
        assert ("changed" in prev["class"]) == (before[key] != value)
        compared += 1
    assert compared > 10


def test_versions_over_time_show_changed_numbers(client: TestClient, built: Built) -> None:
    page = _soup(client.get(f"/reports/{built.ids['md_v2']}").text)
    rows = page.select("table.versions tbody tr")
    assert [r.select_one("a").get_text() for r in rows] == [
        str(built.ids["md_v1"]),
        str(built.ids["md_v2"]),
    ]
    assert "superseded" in rows[0].get_text() and "current" in rows[1].get_text()
    changes = rows[1].select("ul.changes li")
    assert [c.get_text() for c in changes] == ["行政规范性文件 本年制发件数：13 → 15"]
    api = client.get(f"/api/reports/{built.ids['md_v2']}").json()
    assert api["versions"][1]["changed"] == [
        {"key": "active.normative_docs.issued", "before": 13.0, "after": 15.0}
    ]


def test_withdrawn_report_says_when_and_why(client: TestClient, built: Built) -> None:
    text = _soup(client.get(f"/reports/{built.ids['hostile']}").text).get_text()
    assert "已撤回 2024-06-01 00:00:00：http 404 (run 2)" in text


def test_hostile_title_is_escaped_everywhere(client: TestClient, built: Built) -> None:
    for url in ("/", f"/reports/{built.ids['hostile']}", "/?q=测试区财政局"):
        html = client.get(url).text
        assert '<script>alert("gk")' not in html
        assert "&lt;script&gt;alert(" in html
        # the only script on a workbench page is its own
        assert [
            s.get("src")
            for s in _soup(html).find_all("script")
            if s.get("type") != "application/json"
        ] == ["/static/app.js"]
    api = client.get(f"/api/reports/{built.ids['hostile']}").json()
    assert api["report"]["title"] == HOSTILE_TITLE  # data stays data


def test_workbench_pages_carry_a_strict_csp(client: TestClient, built: Built) -> None:
    for url in ("/", f"/reports/{built.ids['pdf']}", "/sites", "/coverage"):
        csp = client.get(url).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "object-src 'none'" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


# ---------------------------------------------------------------------------- originals


def test_original_is_the_archived_bytes(client: TestClient, built: Built) -> None:
    from workbench_data import specs

    bodies = {s.name: s for s in specs()}
    r = client.get(f"/original/{built.sha['pdf']}")
    assert r.status_code == 200
    assert r.content == bodies["pdf"].body
    assert hashlib.sha256(r.content).hexdigest() == built.sha["pdf"]
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == "inline; filename*=UTF-8''2023.pdf"
    assert r.headers["x-gongkai-warc-record-id"].startswith("<urn:uuid:")


def test_original_keeps_its_content_encoding(client: TestClient, built: Built) -> None:
    with client.stream("GET", f"/original/{built.sha['gkmlpt']}") as r:
        raw = b"".join(r.iter_raw())
    assert r.headers["content-encoding"] == "gzip"
    assert hashlib.sha256(raw).hexdigest() == built.sha["gkmlpt"]


@pytest.mark.parametrize("name", ["html", "hostile", "gkmlpt", "md_v1"])
def test_archived_content_is_sandboxed(client: TestClient, built: Built, name: str) -> None:
    for url in (f"/original/{built.sha[name]}", f"/view/{built.sha[name]}"):
        csp = client.get(url).headers["content-security-policy"]
        directives = [d.strip() for d in csp.split(";")]
        assert directives[0] == "sandbox"  # no allow-same-origin, no allow-scripts
        assert "script-src 'none'" in directives
        assert "allow-same-origin" not in csp and "allow-scripts" not in csp


def test_view_of_hostile_page_runs_nothing(client: TestClient, built: Built) -> None:
    html = client.get(f"/view/{built.sha['hostile']}").text
    page = _soup(html)
    assert page.find("script") is None
    assert not [t for t in page.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert "pwned" not in html


# ---------------------------------------------------------------------------- source cells


def _anchored(view_html: str, key: str):  # type: ignore[no-untyped-def]
    anchor = _soup(view_html).find(id=f"gk-{key}")
    return None if anchor is None else anchor.parent


@pytest.mark.parametrize("name", ["html", "docx", "gkmlpt", "md_v2"])
def test_every_number_is_anchored_on_the_cell_holding_it(
    client: TestClient, built: Built, name: str
) -> None:
    html = client.get(f"/view/{built.sha[name]}").text
    checked = 0
    for m in built.results[name]["metrics"]:
        if not m["raw"]:
            continue
        cell = _anchored(html, m["key"])
        assert cell is not None, m["key"]
        assert cell.name in ("td", "th", "mark")
        assert m["raw"] in cell.get_text(), (m["key"], m["raw"], cell.get_text())
        checked += 1
    assert checked >= 10


def test_text_marks_the_value_on_its_line(client: TestClient, built: Built) -> None:
    page = _soup(client.get(f"/view/{built.sha['md_v2']}").text)
    mark = page.find(id="gk-active.normative_docs.issued").parent
    assert mark.name == "mark" and mark.get_text() == "15"
    line = mark.find_parent("li")
    metric = next(
        m for m in built.results["md_v2"]["metrics"] if m["key"] == "active.normative_docs.issued"
    )
    assert line["value"] == str(metric["location"]["line"])
    assert "规范性文件" in line.get_text()


def test_pdf_boxes_are_the_stored_bboxes(client: TestClient, built: Built) -> None:
    from workbench_data import specs

    from web.sources import pdf_page_sizes

    sizes = pdf_page_sizes(next(s.body for s in specs() if s.name == "pdf"))
    page = _soup(client.get(f"/view/{built.sha['pdf']}").text)
    checked = 0
    for m in built.results["pdf"]["metrics"]:
        loc = m["location"]
        if "bbox" not in loc:
            continue
        box = page.find(id=f"gk-{m['key']}")
        assert box.find_parent("div", class_="gk-page")["id"] == f"gk-page-{loc['page']}"
        style = dict(p.split(":") for p in box["style"].split(";"))
        w, h = sizes[loc["page"] - 1]
        assert float(style["left"].rstrip("%")) * w / 100 == pytest.approx(loc["bbox"][0], abs=0.01)
        assert float(style["top"].rstrip("%")) * h / 100 == pytest.approx(loc["bbox"][1], abs=0.01)
        checked += 1
    assert checked > 20


def test_visible_row_and_column_count_merged_cells_once(client: TestClient, built: Built) -> None:
    # the label of 一、本年新收 spans three grid columns: 自然人 is grid column 3 (0-based)
    # but the second printed cell of its row
    for name in ("docx", "gkmlpt"):
        m = next(x for x in built.results[name]["metrics"] if x["key"] == "app.new.natural_person")
        assert m["location"]["col"] == 3
        page = _soup(client.get(f"/reports/{built.ids[name]}").text)
        button = page.select_one('button.num[data-key="app.new.natural_person"]')
        assert f"第{m['location']['row'] + 1}行 第2列" in button["title"]


def test_gkmlpt_page_is_shown_as_its_content(client: TestClient, built: Built) -> None:
    page = _soup(client.get(f"/view/{built.sha['gkmlpt']}").text)
    assert "正文在页面脚本中" in page.get_text()
    assert page.find("table") is not None and "本年新收政府信息公开申请数量" in page.get_text()


# ---------------------------------------------------------------------------- PDF pages


def test_pdf_page_renders_and_is_cached(client: TestClient, built: Built) -> None:
    sha = built.sha["pdf"]
    r = client.get(f"/page/{sha}/2.png")
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG\r\n\x1a\n")
    cached = built.paths.data / "cache" / "web" / "pages" / sha / "2-150.png"
    assert cached.read_bytes() == r.content
    assert client.get(f"/page/{sha}/2.png?zoom=1.0").content != r.content
    assert client.get(f"/page/{sha}/2.png?zoom=3").status_code == 400
    assert client.get(f"/page/{sha}/99.png").status_code == 404
    assert client.get(f"/page/{built.sha['html']}/1.png").status_code == 404


# ---------------------------------------------------------------------------- sites, coverage


def test_sites_page_shows_outcome_reason_and_failing_urls(client: TestClient) -> None:
    page = _soup(client.get("/sites").text)
    row = next(tr for tr in page.select("table.sites tbody tr") if "sh-test" in tr.get_text())
    assert "failing" in row.get_text()
    assert "1 list page(s) could not be fetched" in row.get_text()
    assert "HTTP 404 http://test.test/gone.html" in " ".join(row.get_text().split())


def test_coverage_matrix_and_charts(client: TestClient, built: Built) -> None:
    page = _soup(client.get("/coverage").text)
    svgs = page.select("svg.chart")
    assert len(svgs) == 3
    assert "每年报告数" in svgs[0].get_text()
    years = [th.get_text() for th in page.select("table.coverage thead th")][1:]
    assert years == [str(y) for y in range(2019, 2025)]
    agency_row = next(
        tr for tr in page.select("table.coverage tr.agency") if "平潭综合实验区" in tr.get_text()
    )
    cells = [td.get_text() for td in agency_row.select("td")]
    assert cells == ["1", "", "1", "1", "", ""]  # 2019, 2021, 2022; 2020 a gap


# ---------------------------------------------------------------------------- API


def test_api_report_carries_provenance(client: TestClient, built: Built) -> None:
    data = client.get(f"/api/reports/{built.ids['pdf']}").json()
    assert data["report"]["sha256"] == built.sha["pdf"]
    assert data["permalink"]["original"] == f"/original/{built.sha['pdf']}"
    assert data["permalink"]["warc_record_id"] == data["capture"]["warc_record_id"]
    got = {m["key"]: m for m in data["metrics"]}
    for m in built.results["pdf"]["metrics"]:
        assert got[m["key"]]["location"] == m["location"]
        assert got[m["key"]]["raw"] == m["raw"]
    assert got["app.new.total"]["label"] == "一、本年新收政府信息公开申请数量 总计"


# ---------------------------------------------------------------------------- 404 and safety


@pytest.mark.parametrize(
    "url",
    [
        "/reports/999999",
        "/reports/abc",
        "/api/reports/999999",
        "/api/reports/-1",
        "/original/" + "0" * 64,
        "/original/NOTAHASH",
        "/view/" + "1" * 64,
        "/page/" + "2" * 64 + "/1.png",
        "/nowhere",
    ],
)
def test_unknown_ids_are_404(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/original/../../etc/passwd",
        "/original/..%2F..%2Fetc%2Fpasswd",
        "/original/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/original/%252e%252e%252fetc%252fpasswd",
        "/original/..%5c..%5cetc%5cpasswd",
        "/view/..%2F..%2Fetc%2Fpasswd",
        "/page/..%2F..%2Fetc/1.png",
        "/static/../../etc/passwd",
        "/static/..%2F..%2Fweb%2Fapp.py",
        "/static/%2e%2e/app.py",
        "/original/%00",
        "/original/" + "a" * 64 + "%2F..%2F..",
    ],
)
def test_path_escapes_find_nothing(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code in (400, 404)
    assert "root:" not in r.text and "def create_app" not in r.text


def test_a_capture_pointing_outside_the_archive_is_refused(built: Built, tmp_path) -> None:
    from sqlmodel import Session, select

    from storage.db import make_engine
    from storage.models import Capture
    from web.originals import ArchiveMismatch, _warc_path

    with pytest.raises(ArchiveMismatch):
        _warc_path(built.paths, "../../../../etc/passwd")
    engine = make_engine(built.paths.db_url)
    with Session(engine) as s:
        cap = s.exec(select(Capture).where(Capture.sha256 == built.sha["pdf"])).first()
    engine.dispose()
    assert _warc_path(built.paths, cap.warc_file).is_file()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_only_get_and_head(client: TestClient, built: Built, method: str) -> None:
    for url in (
        "/",
        f"/reports/{built.ids['pdf']}",
        "/api/reports",
        f"/original/{built.sha['pdf']}",
        "/sites",
    ):
        assert client.request(method, url).status_code == 405


def test_head_answers_without_a_body(client: TestClient, built: Built) -> None:
    r = client.head(f"/reports/{built.ids['pdf']}")
    assert r.status_code == 200 and r.content == b""


def test_static_assets_ship_in_the_package(client: TestClient) -> None:
    assert "button.num" in client.get("/static/app.css").text
    assert "gk-data" in client.get("/static/app.js").text


def test_a_report_without_values_says_so(client: TestClient, built: Built) -> None:
    page = _soup(client.get(f"/reports/{built.ids['hostile']}").text)
    assert built.results["hostile"]["metrics"] == []
    assert "没有抽取到模板表格中的数字" in page.select_one("#no-values").get_text()
    assert page.select("table.tmpl") == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [("html", "html"), ("gkmlpt", "html"), ("docx", "docx"), ("md_v2", "text"), ("pdf", "pdf")],
)
def test_locating_agrees_with_rendering(built: Built, name: str, kind: str) -> None:
    """The report page's coordinates (located only) are those of the rendered original."""
    from workbench_data import specs

    from storage.models import MetricValue
    from web import sources

    body = next(s.body for s in specs() if s.name == name)
    metrics = [
        MetricValue(
            extraction_id=0, key=m["key"], value=m["value"], raw=m["raw"], location=m["location"]
        )
        for m in built.results[name]["metrics"]
    ]
    render = {
        "html": sources.render_html,
        "docx": sources.render_docx,
        "text": sources.render_text,
        "pdf": lambda d, c: sources.render_pdf(d, c, "/p/{page}"),
    }[kind]
    shown = render(body, sources.refs(metrics)).cells
    located = sources.locate(kind, body, sources.refs(metrics))
    assert {k: (r.visible_row, r.visible_col, r.found) for k, r in located.items()} == {
        k: (r.visible_row, r.visible_col, r.found) for k, r in shown.items()
    }
    assert sum(r.found for r in located.values()) >= 10
