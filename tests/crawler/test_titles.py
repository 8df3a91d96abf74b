"""Report-title recognition on real titles as published on government sites, and look-alikes."""

from __future__ import annotations

import pytest

from crawler.titles import is_report_title, report_year, variant, year_from_text
from sim.titles import DECOY_PATTERNS

REPORTS = [
    ("拱墅区人民政府2024年政府信息公开工作年度报告", 2024),
    ("2025年上海市闵行区绿化和市容管理局政府信息公开工作年度报告", 2025),
    ("宁波国家高新区招商局2018年度政府信息公开工作年度报告", 2018),
    ("上海市静安区地区工作办公室\n2023年度政府信息公开工作年度报告", 2023),
    ("杭州钱江经济开发区2022年度政府信息公开工作报告", 2022),
    ("宁波市江北区民宗局2013年政府信息公开年度报告", 2013),
    ("上海市浦东新区政府2010年信息公开工作年度报告", 2010),
    ("宿州市人民政府2019年政府信息公开工作年度报告（图片版）", 2019),
    ("上海市黄浦区人民政府2022年政府信息公开工作年度报告（超链版）.pdf", 2022),
    ("淮安市洪泽区人民政府2023年政府信息公开工作年度报告（转载）", 2023),
    ("上海市人民政府辦公廳2020年政府信息公開工作年度報告", 2020),
    ("二〇二三年某某街道政府信息公开工作年度报告", 2023),
    ("徐闻县司法局政府信息公开工作年度报告", None),
]
LOOKALIKES = [
    "2021年度政府网站年度工作报表",
    "关于做好2023年政府信息公开工作年度报告编制发布工作的通知",
    "关于印发政府信息公开工作年度报告格式的通知",
    "拱墅区2024年度部门决算",
    "拱墅区2024年政府信息公开工作要点",
    "拱墅区政府信息公开指南（2023年修订）",
    "拱墅区2023年法治政府建设年度报告",
    "《拱墅区2023年政府信息公开工作年度报告》解读",
    "转载：某市2024年政府信息公开工作年度报告（镜像）",
]


# One table of real-style titles: a report (True) or a rendering/look-alike of one (False).
REAL_STYLE = [
    ("深圳市南山区人民政府2023年政府信息公开工作年度报告", True),
    ("宿州市人民政府2019年政府信息公开工作年度报告（图片版）", True),
    ("上海市黄浦区人民政府2022年政府信息公开工作年度报告（超链版）.pdf", True),
    ("2025年闵行区政府信息公开工作年度报告", True),
    ("福州市鼓楼区2023年政府信息公开工作年度报告", True),
    ("图解：XX区人民政府2023年政府信息公开工作年度报告", False),
    ("【图解】南山区2023年政府信息公开工作年度报告", False),
    ("南山区2023年政府信息公开工作年度报告（图解）", False),
    ("一图读懂南山区教育局2023年政府信息公开工作年度报告", False),
    ("一图看懂：2023年政府信息公开工作年度报告", False),
    ("解读：XX区人民政府2023年政府信息公开工作年度报告", False),
    ("政策解读：XX区2023年政府信息公开工作年度报告", False),
    ("XX区2023年政府信息公开工作年度报告解读", False),
    ("H5｜XX区2023年政府信息公开工作年度报告", False),
    ("XX区2023年政府信息公开工作年度报告（H5版）", False),
    ("问答：XX区2023年政府信息公开工作年度报告", False),
    ("图说XX区2023年政府信息公开工作年度报告", False),
    ("视频：XX区2023年政府信息公开工作年度报告", False),
]


@pytest.mark.parametrize(("title", "accepted"), REAL_STYLE)
def test_real_style_titles_accepted_or_rejected(title, accepted):
    assert is_report_title(title) is accepted


@pytest.mark.parametrize(("title", "year"), REPORTS)
def test_reports_are_recognised_with_their_year(title, year):
    assert is_report_title(title)
    assert report_year(title) == year


@pytest.mark.parametrize("title", LOOKALIKES)
def test_lookalikes_are_rejected(title):
    assert not is_report_title(title)


@pytest.mark.parametrize("pattern", DECOY_PATTERNS)
def test_simulator_decoys_are_rejected(pattern):
    assert not is_report_title(pattern.format(unit="某区", y=2023, y1=2024, q=2))


def test_variant_and_untitled_reports():
    assert variant("X区2019年政府信息公开工作年度报告（图片版）") == "图片版"
    assert is_report_title("本报告依据《中华人民共和国政府信息公开条例》编制")
    assert year_from_text("本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。") == 2023


# Navigation labels that mention 年报 as district home pages and disclosure portals write them:
# (label, followed as a 年报 column?). The rejected ones are articles or news items *about*
# reports: renderings of one (图解, 一图读懂, 解读, H5, 视频), press events, notices, trainings.
NAV_LABELS = [
    ("政府信息公开年报", True),
    ("政府信息公开工作年度报告", True),
    ("年度报告", True),
    ("区政府年报", True),
    ("部门年报", True),
    ("2023年年报", True),
    ("政务公开年报", True),
    ("图解：2023年政府信息公开工作年度报告", False),
    ("一图读懂浦东新区2023年政府信息公开工作年度报告", False),
    ("《2023年政府信息公开工作年度报告》解读", False),
    ("政府信息公开年报H5", False),
    ("2023年政府信息公开年报视频解读", False),
    ("2023年度政府信息公开工作年度报告新闻发布会", False),
    ("市政府新闻办举行2023年政府信息公开年报发布会", False),
    ("区政府召开政府信息公开年报编制工作部署会", False),
    ("政务公开年报编制培训会顺利举办", False),
    ("关于做好2023年度政府信息公开工作年度报告编制和发布工作的通知", False),
    ("政府工作报告", False),
]


@pytest.mark.parametrize(("label", "column"), NAV_LABELS)
def test_navigation_labels_column_or_lookalike(label, column):
    from crawler.titles import nav_rejection

    assert (nav_rejection(label) is None) is column, nav_rejection(label)
