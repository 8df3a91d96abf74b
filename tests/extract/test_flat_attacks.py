"""Red-team attacks on the 正文 figures that settle run-together digits (issue 10 review).

Each attack hands the flattened fixtures a 正文 figure that means something else than the
table cell it names: last year's figure, another body's, a cumulative one, a 其中 part, another
unit, or the agency acting as the 复议机关.  Such a figure must not pick a reading: every cell is
right, or null and named (a warning or a failing check), never a wrong number kept silently.
"""

from __future__ import annotations

import pytest

from extract.api import extract_bytes
from extract.checks import narrative_figures
from tests.extract.test_flat_constraints import PARAGRAPH, RUNS, _open, _source, _truth

# 表二's run ``2114`` (制发 2, 废止 1, 现行有效 14) reads 2,1,14 / 21,1,4 / 2,11,4
_T2_BODY = "本年度制发行政规范性文件2件，废止1件，现行有效14件。"
_T2_CELLS = {
    "active.normative_docs.issued",
    "active.normative_docs.repealed",
    "active.normative_docs.in_force",
}


def _extract(text: str) -> dict:
    return extract_bytes(text.encode("utf-8"))


@pytest.mark.parametrize(
    "body",
    [
        "上年制发行政规范性文件21件，废止1件，现行有效4件。",
        "去年制发行政规范性文件21件。",
        "2022年制发行政规范性文件21件，废止1件，现行有效4件。",
        "上年度制发行政规范性文件21件。",
        "全市制发行政规范性文件21件，废止1件，现行有效4件。",
        "全县各部门制发行政规范性文件21件。",
        "累计制发行政规范性文件21件。",
        "近三年制发行政规范性文件21件。",
        "截至目前累计现行有效行政规范性文件4件。",
        "指导各乡镇制发行政规范性文件21件。",
    ],
)
def test_a_table_two_figure_about_something_else_never_settles_the_run(body: str) -> None:
    """Without the right 正文 list the run is open; a figure of another year, body or span
    that happens to fit one reading (21,1,4) must leave it open, not choose that reading."""
    text = _source(PARAGRAPH).replace(_T2_BODY, body)
    out = _extract(text)
    assert _open(out, _truth(PARAGRAPH)) == _T2_CELLS


@pytest.mark.parametrize(
    "body",
    [
        "本年度制发行政规范性文件2件，废止1件，现行有效14件。上年制发行政规范性文件21件。",
        "本年度制发行政规范性文件2件，废止1件，现行有效14件。全市制发行政规范性文件21件。",
    ],
)
def test_this_years_list_beside_another_figure_is_right_or_open(body: str) -> None:
    text = _source(PARAGRAPH).replace(_T2_BODY, body)
    out = _extract(text)
    assert _open(out, _truth(PARAGRAPH)) <= _T2_CELLS


def test_a_figure_in_another_unit_never_attaches() -> None:
    assert "active.normative_docs.issued" not in narrative_figures(
        "制发行政规范性文件21个，废止1个。"
    )
    assert "active.normative_docs.issued" not in narrative_figures("制发行政规范性文件21份。")


# 直接起诉 ``1001112`` reads 10,0,1,1,12 or 1,0,0,11,12; ``其中结果维持10件`` decides
_LIT_BODY = "行政诉讼案件12件，其中结果维持10件。"


@pytest.mark.parametrize(
    "body",
    [
        "行政诉讼案件12件。上年行政诉讼案件12件，其中结果维持1件。",
        "行政诉讼案件12件。全市行政诉讼案件12件，其中结果维持1件。",
        "行政诉讼案件12件。累计行政诉讼案件12件，其中结果维持1件。",
        "行政诉讼案件12件。2022年行政诉讼案件12件，其中结果维持1件。",
    ],
)
def test_an_outcome_figure_about_something_else_never_settles_the_run(body: str) -> None:
    text = _source(PARAGRAPH).replace(_LIT_BODY, body)
    out = _extract(text)
    wrong = _open(out, _truth(PARAGRAPH))
    assert wrong <= {
        "litigation_direct.upheld",
        "litigation_direct.other",
        "litigation_direct.pending",
        "litigation.total",
    }


# 复议 ``2110013`` reads 2,1,10,0,13 or 2,11,0,0,13; ``其中结果纠正1件`` decides
_REV_BODY = "，其中结果纠正1件"


@pytest.mark.parametrize(
    "extra",
    [
        "上年行政复议案件13件，其中结果纠正11件。",
        "本机关作为复议机关办理行政复议案件13件，其中结果纠正11件。",
        "全市行政复议案件13件，其中结果纠正11件。",
    ],
)
def test_review_outcomes_of_another_year_or_role_never_settle(extra: str) -> None:
    text = _source(RUNS).replace(_REV_BODY, "")
    # the extra sentence goes into the 总体情况 paragraph, before the tables
    text = text.replace("二、主动公开政府信息情况", extra + "二、主动公开政府信息情况", 1)
    out = _extract(text)
    assert _open(out, _truth(RUNS)) <= {"review.corrected", "review.other", "review.total"}


def test_a_news_article_quoting_figures_gives_no_report_values() -> None:
    """A one-paragraph news page (not a report) quoting report figures: no values."""
    html = (
        "<html><head><title>我县召开政务公开工作推进会_桐庐县人民政府</title></head><body>"
        "<div class='TRS_Editor'><p>1月25日，我县召开政务公开工作推进会。会议通报，2023年"
        "全县主动公开政府信息486条，制发行政规范性文件2件，废止1件，现行有效14件，"
        "收到政府信息公开申请52件，行政复议案件4件，其中结果维持2件、结果纠正1件，行政诉讼"
        "案件12件。会议要求，各部门要认真编制2023年政府信息公开工作年度报告，行政许可"
        "356件，行政处罚1208件，数据2114、456001052、3000003须于1月31日前报送。</p></div>"
        "</body></html>"
    )
    out = extract_bytes(html.encode("utf-8"))
    assert [m for m in out["metrics"] if m["value"] is not None] == []


def test_own_figures_only() -> None:
    """The clause words and the sentence's year that make a figure someone else's."""
    own = "2023年，本机关制发行政规范性文件2件，废止1件，现行有效14件。"
    assert narrative_figures(own, 2023) == {
        "active.normative_docs.issued": 2,
        "active.normative_docs.repealed": 1,
        "active.normative_docs.in_force": 14,
    }
    # another year anywhere in the sentence before it
    assert narrative_figures("2022年，我局制发行政规范性文件21件。", 2023) == {}
    # a comparison after this year's figure does not disown it
    assert narrative_figures("制发行政规范性文件2件，较上年减少1件。", 2023) == {
        "active.normative_docs.issued": 2
    }
    # the older single-figure patterns are held to the same rule
    assert narrative_figures("上年行政复议案件13件；上年收到申请40件。", 2023) == {}
    assert narrative_figures("全年共收到申请52件，上年结转3件。", 2023) == {
        "app.new.total": 52,
        "app.carried_over.total": 3,
    }


def test_a_dated_figure_of_a_report_without_a_year_is_not_its_own() -> None:
    """The report's year unknown: ``2022年制发…21件`` may be any year's, so it settles nothing;
    an undated statement still counts."""
    assert narrative_figures("2022年，制发行政规范性文件21件。", None) == {}
    assert narrative_figures("全年制发行政规范性文件2件。", None) == {
        "active.normative_docs.issued": 2
    }
