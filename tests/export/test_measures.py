"""Known answers for the derived measures: timeliness, text overlap, coverage."""

from __future__ import annotations

from datetime import date

import pytest

from storage.export import measures
from storage.export.measures import Found, agency_kind, overlap, timeliness


@pytest.mark.parametrize(
    ("agency", "kind"),
    [
        ("上海市普陀区人民政府", "government"),
        ("普陀区政府", "government"),
        # the government's office has its own (department) report besides the government's
        ("上海市普陀区人民政府办公室", "department"),
        ("浙江省人民政府办公厅", "department"),
        ("某某镇人民政府", "street_town"),
        ("苏州工业园区管理委员会", "government"),
        ("某某经济技术开发区管委会", "government"),
        ("某某高新区管委会", "government"),
        ("上海市普陀区教育局", "department"),
        ("某某区发展和改革委员会", "department"),
        ("某某市人民政府国有资产监督管理委员会", "department"),  # 管理委员会, but a department
        ("某某区城市管理委员会", "department"),
        ("某某区人民政府外事办公室", "department"),
        ("某某区政务服务中心", "department"),
        ("某某街道办事处", "street_town"),
        ("某某区卫生健康委", "department"),
        ("上海市普陀区人民政府 2023年度", "government"),
        ("城口县", "government"),  # a place names its government (issue 10)
        ("本报告依据《中华人民共和国", "unknown"),  # a fragment is no agency
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_agency_kind(agency: str | None, kind: str) -> None:
    assert agency_kind(agency) == kind


@pytest.mark.parametrize(
    ("agency", "year", "published", "status", "days"),
    [
        ("上海市普陀区人民政府", 2023, "2024-03-31", "on_time", 0),
        ("上海市普陀区人民政府", 2023, "2024-04-01", "late", 1),
        ("上海市普陀区教育局", 2023, "2024-01-31", "on_time", 0),
        ("上海市普陀区教育局", 2023, "2024-02-01", "late", 1),
        ("上海市普陀区教育局", 2023, "2024年3月1日", "late", 30),
        ("上海市普陀区教育局", 2019, "2020/1/20", "on_time", -11),  # 2019 report: new deadline
        ("上海市普陀区教育局", 2018, "2019.03.15 10:00", "on_time", -16),  # pre-2019: 31 March
        ("上海市普陀区教育局", 2018, "2019-04-01", "late", 1),
        ("某某市人民政府国有资产监督管理委员会", 2022, "2023-02-15", "late", 15),
        # a zone's 管委会 and a street: 第四十九条 sets them no date
        ("苏州工业园区管理委员会", 2022, "2023-02-15", "no_legal_deadline", None),
        ("名称不详", 2022, "2023-03-01", "late", 29),  # no government suffix → department
        ("上海市普陀区教育局", 2023, None, "unknown", None),
        ("城口县", 2023, "2024-02-18", "on_time", -42),  # not the department's 31 January
        ("某某街道办事处", 2023, "2024-02-18", "no_legal_deadline", None),
        ("某某街道办事处", 2018, "2019-04-02", "late", 2),  # the 2008 条例: 31 March for all
        ("上海市普陀区教育局", None, "2024-01-01", "unknown", None),
    ],
)
def test_timeliness(
    agency: str, year: int | None, published: str | None, status: str, days: int | None
) -> None:
    t = timeliness(year=year, agency=agency, published=published)
    assert (t.status, t.days_late) == (status, days)
    assert t.late is (status == "late" if status in ("on_time", "late") else None)


def test_an_unknown_agency_has_no_deadline() -> None:
    """Since 2019 the date depends on the kind of body: without one there is none to apply."""
    t = timeliness(year=2023, agency=None, published="2024-03-01")
    assert (t.kind, t.deadline, t.status, t.late) == ("unknown", None, "unknown", None)
    assert t.basis == "none_unknown_kind"
    old = timeliness(year=2018, agency=None, published="2019-03-01")
    assert (old.deadline, old.status, old.basis) == (
        date(2019, 3, 31),
        "on_time",
        "2008_all_agencies",
    )


def test_overlap_known_answers() -> None:
    prev = "甲乙丙丁戊己庚辛壬癸"  # 10 characters → 3 shingles of 8
    assert overlap("甲乙丙丁戊己庚辛子丑", prev) == pytest.approx(1 / 3)
    assert overlap(prev, prev) == 1.0
    assert overlap("子丑寅卯辰巳午未申酉", prev) == 0.0
    assert overlap("", prev) is None
    # numbers, spaces and punctuation do not make a copied sentence new
    assert overlap("本年收到申请 345 件，办结7件。", "本年收到申请12件,办结12件") == 1.0
    # asymmetric: share of *this* year's text already printed last year
    assert overlap("甲乙丙丁戊己庚辛", prev) == 1.0
    assert overlap(prev, "甲乙丙丁戊己庚辛") == pytest.approx(1 / 3)
    assert measures.OVERLAP_PENALTY == 0.5


def test_tables_are_cut_out_of_the_narrative() -> None:
    row = "本年新收政府信息公开申请数量 12 3 0"
    text = "今年全区持续推进公开工作。" + row + "下一步将加强培训工作。"
    prose = measures.narrative(text, [row])
    assert "申请数量" not in prose and measures.CUT in prose
    assert measures.narrative(prose) == prose  # idempotent
    # the template row alone is identical every year, yet the prose is all new
    other = measures.narrative("去年开展了专项检查活动。" + row + "来年继续完善制度规定。", [row])
    assert overlap(prose, other) == 0.0
    assert overlap(text, "去年开展了专项检查活动。" + row + "来年继续完善制度规定。") > 0.25
    # no shingle spans a cut: two 4-character pieces give no 8-character shingle between them
    assert measures.shingles("甲乙丙丁" + measures.CUT + "戊己庚辛") == {"甲乙丙丁", "戊己庚辛"}


def test_overlap_is_deterministic_on_real_sized_text() -> None:
    base = "".join(f"第{i}项工作取得进展，公开工作持续深化。" for i in range(200))
    edited = base[: len(base) // 2] + "".join(f"新增内容{i}说明整改情况。" for i in range(120))
    a, b = overlap(edited, base), overlap(edited, base)
    assert a == b and 0.3 < a < 0.7


def test_coverage_known_answer() -> None:
    sites = {"a": "A区人民政府", "b": "B区人民政府"}
    found = [
        Found("a", "A区人民政府", 2022),
        Found("a", "A区人民政府", 2023),
        Found("a", "A区教育局", 2023),
        Found("a", "A区教育局", 2023),
    ]
    rows = measures.coverage(sites, found, [2022, 2023], {"b": ["B区民政局"]})
    got = {(r["site_id"], r["agency"], r["year"]): (r["found"], r["reports"]) for r in rows}
    assert got == {
        ("a", None, 2022): (True, 1),
        ("a", None, 2023): (True, 3),
        ("a", "A区人民政府", 2022): (True, 1),
        ("a", "A区人民政府", 2023): (True, 1),
        ("a", "A区教育局", 2022): (False, 0),
        ("a", "A区教育局", 2023): (True, 2),
        ("b", None, 2022): (False, 0),
        ("b", None, 2023): (False, 0),
        ("b", "B区民政局", 2022): (False, 0),
        ("b", "B区民政局", 2023): (False, 0),
    }
