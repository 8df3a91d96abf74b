"""Red-team attacks on the agency kind and its deadline basis (issue 10 review).

A deadline is a legal claim: the kind must not be guessed from a word that happens to sit in
a department's name, and a body 第四十九条 does not name must not get another body's date.
"""

from __future__ import annotations

from datetime import date

import pytest

from storage.export.agency import (
    DEPARTMENT,
    GOVERNMENT,
    NONE_STREET_TOWN,
    NONE_ZONE,
    STREET_TOWN,
    deadline_rule,
    kind_of,
)
from storage.export.measures import timeliness


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("杭州市住房和城乡建设局街道管理科", DEPARTMENT),
        ("杭州市住房和城乡建设局", DEPARTMENT),
        ("某县乡村振兴局", DEPARTMENT),
        ("杭州市拱墅区米市巷街道办事处", STREET_TOWN),
        ("杭州市拱墅区米市巷街道", STREET_TOWN),
        ("湖州市南浔区练市镇人民政府", STREET_TOWN),
        ("杭州市城市管理委员会", DEPARTMENT),
        ("杭州市拱墅区人民政府", GOVERNMENT),
    ],
)
def test_kind_from_words_inside_a_department_name(name: str, kind: str) -> None:
    assert kind_of(name) == kind


@pytest.mark.parametrize(
    "name",
    [
        "苏州工业园区管理委员会",
        "平潭综合实验区管委会",
        "西湖风景名胜区管理委员会",  # 名胜区: not in the zone words
        "宁波北仑工业区管委会",  # 工业区
        "海南三亚旅游度假区管理委员会",  # 度假区
        "某某产业集聚区管委会",  # 集聚区
    ],
)
def test_a_zone_committee_never_gets_a_governments_deadline(name: str) -> None:
    """A 管委会 the kind reads as a government is not a 县级以上地方人民政府: no date."""
    kind = kind_of(name)
    rule = deadline_rule(2023, kind, name)
    assert rule.basis in (NONE_ZONE, "2019_art49_department"), (kind, rule)
    assert rule.due != date(2024, 3, 31), (kind, rule)


def test_no_year_no_deadline_and_a_street_has_none() -> None:
    t = timeliness(year=None, agency="杭州市拱墅区统计局", published="2024-01-10")
    assert t.status == "unknown" and t.deadline is None and t.days_late is None
    t = timeliness(year=2023, agency="杭州市拱墅区米市巷街道办事处", published="2024-09-01")
    assert t.status == "no_legal_deadline" and t.basis == NONE_STREET_TOWN and t.late is None
    # before 2019 every body had 31 March, streets too
    t = timeliness(year=2017, agency="杭州市拱墅区米市巷街道办事处", published="2018-04-02")
    assert t.status == "late" and t.days_late == 2


@pytest.mark.parametrize(
    "name",
    [
        "杭州市拱墅区人民政府米市巷街道",
        "新疆维吾尔自治区乌鲁木齐市天山区燕儿窝街道",
        "内蒙古自治区呼和浩特市赛罕区巴彦镇",
        "黑龙江省哈尔滨市道里区新农镇",
        "湖北省恩施土家族苗族自治州来凤县翔凤镇",
        "广西壮族自治区南宁市青秀区南湖街道",
    ],
)
def test_a_town_behind_a_long_place_prefix_is_a_town(name: str) -> None:
    """A long place prefix must not turn a 镇/街道 into a department (31 January by law)."""
    assert kind_of(name) == STREET_TOWN
    assert deadline_rule(2023, kind_of(name), name).due is None
