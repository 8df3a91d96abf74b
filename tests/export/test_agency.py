"""Agency identity from printed names: written from issue 10's words, not from the code.

The registry below is the demo's and the README's: 杭州市拱墅区人民政府 (330105),
城口县人民政府 (500229), 上海市普陀区人民政府 (310107), 福州市鼓楼区人民政府 (350102),
南京市鼓楼区人民政府 (320106): two 鼓楼区, so a bare 鼓楼区 names no single region.
"""

from __future__ import annotations

from datetime import date

import pytest

from storage.export.agency import (
    DEPARTMENT,
    GOVERNMENT,
    STREET_TOWN,
    UNKNOWN,
    Deadline,
    Gazetteer,
    clean_name,
    deadline_rule,
    identify,
    kind_of,
)

REGISTRY = Gazetteer.from_sites(
    [
        ("杭州市拱墅区人民政府", "330105"),
        ("城口县人民政府", "500229"),
        ("上海市普陀区人民政府", "310107"),
        ("福州市鼓楼区人民政府", "350102"),
        ("南京市鼓楼区人民政府", "320106"),
        ("杭州市滨江区人民政府（高新区）", "330108"),
    ]
)


@pytest.mark.parametrize(
    ("printed", "key", "kind"),
    [
        # one government, however it signs
        ("拱墅区", "330105:人民政府", GOVERNMENT),
        ("杭州市拱墅区人民政府", "330105:人民政府", GOVERNMENT),
        ("拱墅区人民政府", "330105:人民政府", GOVERNMENT),
        # the government's office publishes its own report besides the government's: one office
        # however it is spelled, a department (31 January), never merged into the government
        ("拱墅区政府办公室", "330105:人民政府办公室", DEPARTMENT),
        ("杭州市拱墅区人民政府办公室", "330105:人民政府办公室", DEPARTMENT),
        ("拱墅区府办", "330105:人民政府办公室", DEPARTMENT),
        ("浙江省杭州市拱墅区人民政府", "330105:人民政府", GOVERNMENT),
        ("拱墅区 人民政府 ", "330105:人民政府", GOVERNMENT),
        # an agency named only by its place is its government: the 31 March deadline
        ("城口县", "500229:人民政府", GOVERNMENT),
        ("城口县人民政府", "500229:人民政府", GOVERNMENT),
        # departments: the place prefix, and 人民政府 before a department, do not split a series
        ("拱墅区统计局", "330105:统计局", DEPARTMENT),
        ("杭州市拱墅区统计局", "330105:统计局", DEPARTMENT),
        ("拱墅区市场监督管理局", "330105:市场监督管理局", DEPARTMENT),
        ("上海市普陀区教育局", "310107:教育局", DEPARTMENT),
        ("普陀区人民政府外事办公室", "310107:外事办公室", DEPARTMENT),
        ("滨江区卫生健康局", "330108:卫生健康局", DEPARTMENT),
        # streets and towns
        ("滨江区长河街道", "330108:长河街道", STREET_TOWN),
        ("杭州市滨江区长河街道办事处", "330108:长河街道", STREET_TOWN),
        ("城口县葛城镇人民政府", "500229:葛城镇", STREET_TOWN),
        # a place the registry cannot place alone: no region, so no key (never the listing site's)
        ("鼓楼区民政局", None, DEPARTMENT),
        ("福州市鼓楼区民政局", "350102:民政局", DEPARTMENT),
        ("南京市鼓楼区", "320106:人民政府", GOVERNMENT),
        ("区统计局", None, DEPARTMENT),
        ("徐闻县人民政府", None, GOVERNMENT),  # not in this registry
    ],
)
def test_identity(printed: str, key: str | None, kind: str) -> None:
    agency = identify(printed, REGISTRY)
    assert (agency.key, agency.kind) == (key, kind)
    assert kind_of(printed) == kind


def test_a_short_department_name_keeps_its_body() -> None:
    agency = identify("区统计局", REGISTRY)
    assert agency.name == "区统计局" and agency.body == "统计局" and agency.region_code is None


@pytest.mark.parametrize(
    "fragment",
    [
        "本报告依据《中华人民共和国",
        "〈中华人民共和国",
        "印发〈中华人民共和国",
        "**",
        "Word Document",
        "根据国办公开办函",
        "现将本单位",
        "我局",
        "",
        None,
        "  ",
        "政府信息公开工作年度报告",
        "关于印发2023年工作要点的通知",
    ],
)
def test_fragments_are_never_an_agency(fragment: str | None) -> None:
    agency = identify(fragment, REGISTRY)
    assert agency.name is None and agency.key is None and agency.kind == UNKNOWN
    assert clean_name(fragment) is None


@pytest.mark.parametrize(
    ("printed", "kind"),
    [
        ("苏州工业园区管理委员会", GOVERNMENT),
        ("某某经济技术开发区管委会", GOVERNMENT),
        ("某某市人民政府国有资产监督管理委员会", DEPARTMENT),
        ("某某区城市管理委员会", DEPARTMENT),
        ("浙江省人民政府办公厅", DEPARTMENT),
        ("区政府", GOVERNMENT),
        ("某某街道办事处", STREET_TOWN),
        ("五常市背荫河镇人民政府", STREET_TOWN),
        ("某某乡", STREET_TOWN),
        ("鼓楼区行政服务中心管委会", DEPARTMENT),
        ("平潭综合实验区", GOVERNMENT),
        ("上海市黄浦区人民政府 2023年度", GOVERNMENT),
    ],
)
def test_kind_from_the_name(printed: str, kind: str) -> None:
    assert kind_of(printed) == kind


def test_deadline_by_kind() -> None:
    """条例 2019 第四十九条: departments 1月31日, the government's report 3月31日; no date for
    streets/towns (nor for an unknown body); the 2008 条例: 31 March for every body."""
    assert deadline_rule(2023, GOVERNMENT).due == date(2024, 3, 31)
    assert deadline_rule(2023, DEPARTMENT).due == date(2024, 1, 31)
    assert deadline_rule(2023, STREET_TOWN).due is None
    assert deadline_rule(2023, UNKNOWN).due is None
    assert deadline_rule(2018, DEPARTMENT).due == date(2019, 3, 31)
    assert deadline_rule(2018, STREET_TOWN).due == date(2019, 3, 31)


@pytest.mark.parametrize(
    ("year", "kind", "name", "due", "basis"),
    [
        (2023, DEPARTMENT, "拱墅区统计局", date(2024, 1, 31), "2019_art49_department"),
        (2019, DEPARTMENT, "拱墅区政府办公室", date(2020, 1, 31), "2019_art49_department"),
        (2023, GOVERNMENT, "拱墅区人民政府", date(2024, 3, 31), "2019_art49_government"),
        (2023, GOVERNMENT, "城口县", date(2024, 3, 31), "2019_art49_government"),
        (2023, STREET_TOWN, "滨江区长河街道", None, "none_street_town"),
        (2023, STREET_TOWN, "城口县葛城镇人民政府", None, "none_street_town"),
        (2023, GOVERNMENT, "苏州工业园区管理委员会", None, "none_zone_committee"),
        (2023, UNKNOWN, None, None, "none_unknown_kind"),
        (2018, STREET_TOWN, "滨江区长河街道", date(2019, 3, 31), "2008_all_agencies"),
        (2018, GOVERNMENT, "苏州工业园区管理委员会", date(2019, 3, 31), "2008_all_agencies"),
        (2018, UNKNOWN, None, date(2019, 3, 31), "2008_all_agencies"),
    ],
)
def test_deadline_basis(
    year: int, kind: str, name: str | None, due: date | None, basis: str
) -> None:
    assert kind_of(name) == kind
    assert deadline_rule(year, kind, name) == Deadline(due, basis)


def test_parents_from_the_registry() -> None:
    assert REGISTRY.codes["拱墅区"] == {"330105"}
    assert REGISTRY.codes["杭州市"] == {"330100"}
    assert REGISTRY.codes["上海市"] == {"310000"}
    assert REGISTRY.codes["鼓楼区"] == {"350102", "320106"}
    assert identify("杭州市人民政府", REGISTRY).key == "330100:人民政府"


def test_provinces_and_contradictions() -> None:
    assert identify("上海市人民政府", REGISTRY).key == "310000:人民政府"
    assert identify("四川省体育局", REGISTRY).key == "510000:体育局"  # the fixed province table
    assert identify("浙江省城口县", REGISTRY).key is None  # 城口县 is not in 浙江


def test_context_names_compared_with_the_document() -> None:
    from storage.export.listing_context import disagrees, list_title_agency

    hongze = Gazetteer.from_sites(
        [("淮安市洪泽区人民政府", "320813"), ("杭州市拱墅区人民政府", "330105")]
    )
    doc = identify("洪泽区人民政府", hongze)
    # a placeless page source is the listing site's own agency: 拱墅's office ≠ 洪泽's government
    assert disagrees(doc, "区政府办公室", hongze, site_region="330105") is True
    # on 洪泽's own site, its office posting the government's report is no disagreement
    assert disagrees(doc, "区政府办公室", hongze, site_region="320813") is False
    assert disagrees(doc, "淮安市洪泽区人民政府", hongze, site_region="330105") is False
    assert disagrees(doc, "洪泽区统计局", hongze) is True
    assert disagrees(doc, None, hongze) is None
    assert disagrees(identify("本报告依据《中华人民共和国", hongze), "洪泽区", hongze) is None
    assert list_title_agency("淮安市洪泽区人民政府2023年政府信息公开工作年度报告.pdf") == (
        "淮安市洪泽区人民政府"
    )
    assert list_title_agency("2023年政府信息公开工作年度报告") is None
    assert list_title_agency("关于拱墅区统计局2023年度政府信息公开工作年度报告") == "拱墅区统计局"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("徐闻县", "徐闻县人民政府"),  # a place no site names: same body, no region
        ("平潭综合实验区", "平潭综合实验区管委会"),  # a zone and its 管委会
        ("西咸新区太平镇人民政府", "西咸新区太平镇"),
    ],
)
def test_unregistered_places_still_normalise(a: str, b: str) -> None:
    x, y = identify(a, REGISTRY), identify(b, REGISTRY)
    assert x.body == y.body and x.kind == y.kind and x.key is None and y.key is None


def test_only_places_before_the_registered_one_are_cut() -> None:
    assert identify("拱墅区城市管理局", REGISTRY).key == "330105:城市管理局"
    assert identify("拱墅区某某社区居委会", REGISTRY).key == "330105:某某社区居委会"
    assert identify("淮安市城口县人民政府", REGISTRY).key == "500229:人民政府"  # 淮安市 unknown
