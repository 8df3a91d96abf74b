"""Titles as real sites print them: split, year-first, navigation lines, dates, short forms."""

from __future__ import annotations

import pytest

from extract.cells import ParsedDocument
from extract.metadata import AGENCY_ABBREVIATIONS, expand_agency, extract_metadata


def _meta(text: str) -> dict:
    return extract_metadata(ParsedDocument("text", text=text))


@pytest.mark.parametrize(
    ("text", "agency", "year", "published"),
    [
        # agency on one line, the dated title on the next, signing date below (静安 department)
        (
            "上海市静安区地区工作办公室\n2023年度政府信息公开工作年度报告\n2024年1月31日\n本年度报告根据",
            "上海市静安区地区工作办公室",
            2023,
            "2024-01-31",
        ),
        # year-first, split (黄浦 street office repost)
        (
            "2023年上海市黄浦区人民政府打浦桥街道办事处\n政府信息公开工作年度报告\n二、主动公开",
            "上海市黄浦区人民政府打浦桥街道办事处",
            2023,
            None,
        ),
        # navigation lines also name a 年报: the dated line wins (拱墅 Hanweb page)
        (
            "政府信息公开\n法定主动公开内容\n政府信息公开年报\n拱墅区人民政府2024年政府信息公开工作年度报告\n"
            "发布日期: 2025-01-13 14:12",
            "拱墅区人民政府",
            2024,
            "2025-01-13",
        ),
        # date on the title line (杨浦)
        (
            "上海市杨浦区2023年政府信息公开工作年度报告 2024-02-18\n\n本年度报告",
            "上海市杨浦区",
            2023,
            "2024-02-18",
        ),
        # short form in the title, picture version, signing date at the end
        (
            "上海市科委2024年政府信息公开工作年度报告（图片版）\n正文提到2023年3月1日\n上海市科学技术委员会\n"
            "2025年1月20日",
            "上海市科学技术委员会",
            2024,
            "2025-01-20",
        ),
        (
            "2023年度政府信息公开工作年度报告\n统计期限为2023年1月1日至2023年12月31日",
            None,
            2023,
            None,
        ),
    ],
)
def test_titles(text: str, agency: str | None, year: int, published: str | None) -> None:
    meta = _meta(text)
    assert (meta["agency"], meta["year"], meta["published"]) == (agency, year, published)


def test_title_loses_its_trailing_date() -> None:
    assert (
        _meta("上海市杨浦区2023年政府信息公开工作年度报告 2024-02-18\n")["title"]
        == "上海市杨浦区2023年政府信息公开工作年度报告"
    )


def test_year_from_period_not_from_publication_date() -> None:
    meta = _meta(
        "区府办政府信息公开工作年度报告\n发布时间：2024-01-20\n统计期限为2023年1月1日至12月31日"
    )
    assert meta["year"] == 2023 and meta["published"] == "2024-01-20"
    assert meta["agency"] == "区政府办公室"


def test_quoted_date_before_the_report_year_is_not_a_publication_date() -> None:
    assert _meta("某区2023年政府信息公开工作年度报告\n正文\n2019年5月1日")["published"] is None


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("上海市科委", "上海市科学技术委员会"),
        ("深圳市发改委", "深圳市发展和改革委员会"),
        ("黄浦区卫健委", "黄浦区卫生健康委员会"),
        ("区府办", "区政府办公室"),
        ("鼓楼区政府办", "鼓楼区政府办公室"),
        ("杭州市住建局", "杭州市住房和城乡建设局"),
        ("上海市人民政府办公厅", "上海市人民政府办公厅"),  # already full
        ("某某卫健委", "某某卫健委"),  # no administrative area before it: left as printed
    ],
)
def test_abbreviations(short: str, full: str) -> None:
    assert expand_agency(short) == full


def test_abbreviation_table_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "extract" / "TEMPLATES.md").read_text("utf-8")
    for short, full in AGENCY_ABBREVIATIONS:
        assert f"| {short} | {full} |" in doc


def test_breadcrumbs_and_page_fields_are_not_titles() -> None:
    text = (
        "首页\n>信息公开>政府信息公开年报>2018\n索引号 1233/2019-18993\n主题分类: 政务综合类\n"
        "发布机构: 招商局\n成文日期: 2019-03-18\n组配分类: 政府信息公开年报\n"
        + "公开范围: 面向全社会\n" * 8
        + "宁波国家高新区招商局2018年度政府信息公开工作年度报告\n本年报根据"
    )
    meta = _meta(text)
    assert meta["agency"] == "宁波国家高新区招商局" and meta["year"] == 2018
    assert meta["published"] == "2019-03-18"


def test_agency_from_the_compiler_when_no_title() -> None:
    meta = _meta(
        "本年度报告根据《中华人民共和国政府信息公开条例》要求，由上海市静安区人民政府办公室编制。"
        "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
    )
    assert meta["agency"] == "上海市静安区人民政府办公室" and meta["year"] == 2023


def test_labelled_date_without_colon() -> None:
    meta = _meta(
        "上海市浦东新区2023年政府信息公开工作年度报告\n\n索引号 发布机构 区政府\n"
        "公开类别 主动公开 发布时间 2024-02-19\n"
    )
    assert meta["published"] == "2024-02-19"
