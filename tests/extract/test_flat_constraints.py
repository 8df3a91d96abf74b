"""Flattened reports: each constraint that settles a digit run, and the runs that stay open.

Two fixtures were typed by hand from issue 10's description, not made by the code or the
layout generator: a CMS page holding the whole report in one ``<p>`` (tables run together,
oneline-paragraph-tonglu-2023.html) and a text copy with one table row per line, its values
run together around ``/`` placeholders and a 表四 run ``21100130000010001``
(runs-jiande-jtj-2022.txt).  Each test below removes or breaks one thing the reading rests on
and checks that the cells it settled go null and named, never wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

from extract import digits
from extract.api import extract_bytes
from extract.checks import narrative_figures
from extract.readers.html import read_html
from extract.readers.text import read_text

DATA = Path(__file__).resolve().parents[1] / "data" / "extract"
PARAGRAPH = "oneline-paragraph-tonglu-2023.html"
RUNS = "runs-jiande-jtj-2022.txt"


def _truth(name: str) -> dict:
    return json.loads((DATA / (name.rsplit(".", 1)[0] + ".truth.json")).read_text("utf-8"))


def _source(name: str) -> str:
    return (DATA / name).read_text("utf-8")


def _extract(text: str) -> dict:
    return extract_bytes(text.encode("utf-8"))


def _named(out: dict) -> set[str]:
    keys = {k for c in out["checks"] if c["status"] == "fail" for k in c["keys"]}
    return keys | {k for w in out["warnings"] for k in w["keys"]}


def _wrong(out: dict, truth: dict) -> dict[str, object]:
    got = {m["key"]: m["value"] for m in out["metrics"]}
    return {k: got.get(k) for k, v in truth["metrics"].items() if got.get(k) != v}


def _open(out: dict, truth: dict) -> set[str]:
    """The cells not right; each must be null and named (a wrong number fails here)."""
    wrong = _wrong(out, truth)
    assert {k: v for k, v in wrong.items() if v is not None} == {}, "a wrong number, not a null"
    assert set(wrong) <= _named(out), "a null cell nobody names"
    return set(wrong)


# ------------------------------------------------------------------ the hand-typed fixtures
def test_report_in_one_html_paragraph_goes_through_the_flat_reader() -> None:
    data = (DATA / PARAGRAPH).read_bytes()
    doc = read_html(data)
    assert doc.meta["text_source"] == "flattened paragraph"
    assert doc.meta["flattened_lines"]  # its digit runs may be split
    out = extract_bytes(data)
    truth = _truth(PARAGRAPH)
    assert _wrong(out, truth) == {}
    assert out["status"] == "ok"
    assert (out["agency"], out["year"]) == (truth["agency"], truth["year"])
    assert out["published"] == "2024-01-25"


def test_rows_with_values_run_together_around_placeholders() -> None:
    out = _extract(_source(RUNS))
    truth = _truth(RUNS)
    assert _wrong(out, truth) == {}
    assert out["status"] == "ok"
    assert (out["agency"], out["year"]) == (truth["agency"], truth["year"])


# ------------------------------------------------------------------ 正文 figures, one by one
def test_table_two_run_open_without_the_body_list() -> None:
    """``2114`` reads 2,1,14 / 21,1,4 / 2,11,4: only the 正文's list settles it."""
    text = _source(PARAGRAPH).replace("本年度制发行政规范性文件2件，废止1件，现行有效14件。", "")
    out = _extract(text)
    assert _open(out, _truth(PARAGRAPH)) == {
        "active.normative_docs.issued",
        "active.normative_docs.repealed",
        "active.normative_docs.in_force",
    }


def test_litigation_outcome_figure_settles_the_review_table_run() -> None:
    """直接起诉 ``1001112`` reads 10,0,1,1,12 or 1,0,0,11,12 (both add up to 12, which the
    正文 states); ``其中结果维持10件`` decides."""
    text = _source(PARAGRAPH).replace("，其中结果维持10件", "")
    out = _extract(text)
    assert _open(out, _truth(PARAGRAPH)) == {
        "litigation_direct.upheld",
        "litigation_direct.other",
        "litigation_direct.pending",
    }


def test_review_outcome_figure_settles_the_review_group() -> None:
    """复议 ``2110013`` reads 2,1,10,0,13 or 2,11,0,0,13; ``其中结果纠正1件`` decides."""
    text = _source(RUNS).replace("，其中结果纠正1件", "")
    out = _extract(text)
    assert _open(out, _truth(RUNS)) == {"review.corrected", "review.other"}


def test_body_contradicting_a_table_does_not_settle_its_runs() -> None:
    """The 正文 says 行政许可决定350件 where 表二 prints 356: its 表二 list is not trusted."""
    text = _source(PARAGRAPH).replace(
        "全年主动公开政府信息486条。", "全年主动公开政府信息486条，作出行政许可决定350件。"
    )
    out = _extract(text)
    assert _open(out, _truth(PARAGRAPH)) == {
        "active.normative_docs.issued",
        "active.normative_docs.repealed",
        "active.normative_docs.in_force",
    }
    assert any("正文 figures disagree with 表二" in w["message"] for w in out["warnings"])


def test_a_run_with_a_digit_too_many_stays_null() -> None:
    """``2030000023`` for 20,3,0,0,0,0,23: six readings, none keeps the row or the column
    sums.  The readings move the broken column sums, so no identity is set aside: the cells
    the readings disagree on are null and named, never the reading that breaks the least."""
    text = _source(PARAGRAPH).replace("予以公开203000023", "予以公开2030000023")
    out = _extract(text)
    assert _open(out, _truth(PARAGRAPH)) == {
        f"app.result.disclosed.{c}"
        for c in ("natural_person", "commercial", "research", "other_org", "total")
    }


def test_listed_table_two_figures() -> None:
    figs = narrative_figures(
        "本年度制发规章0件，废止0件，现行有效3件；制发行政规范性文件69件，废止3件，现行有效665件。"
    )
    assert figs == {
        "active.regulations.issued": 0,
        "active.regulations.repealed": 0,
        "active.regulations.in_force": 3,
        "active.normative_docs.issued": 69,
        "active.normative_docs.repealed": 3,
        "active.normative_docs.in_force": 665,
    }
    figs = narrative_figures(
        "集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件，废止5件。"
    )
    assert figs == {
        "active.normative_docs.in_force": 698,
        "active.normative_docs.issued": 88,
        "active.normative_docs.repealed": 5,
    }
    # a clause names its kind or follows one that does: 清理 and 印发通知 figures never attach
    assert narrative_figures("开展文件清理，废止文件12件，印发通知3份。") == {}
    # two statements that disagree: the figure is not used
    assert "active.normative_docs.issued" not in narrative_figures(
        "制发行政规范性文件2件。……全年制发行政规范性文件3件。"
    )


def test_listed_review_outcomes() -> None:
    figs = narrative_figures(
        "全年发生政府信息公开行政复议案件4件，其中结果维持2件、结果纠正1件、其他结果1件；"
        "行政诉讼案件12件，其中结果维持10件、尚未审结1件。"
    )
    assert figs["review.total"] == 4 and figs["litigation.total"] == 12
    assert (figs["review.upheld"], figs["review.corrected"], figs["review.other"]) == (2, 1, 1)
    assert (figs["litigation.upheld"], figs["litigation.pending"]) == (10, 1)
    assert "review.pending" not in figs  # not stated is not 0


# ------------------------------------------------------------------ identities with placeholders
def test_placeholder_parts_count_zero_a_placeholder_total_states_nothing() -> None:
    assert digits.row_sum_ok((821, 35, None, None, 2, 1, 859))
    assert not digits.row_sum_ok((8213, 5, None, None, 2, 1, 859))
    assert digits.row_sum_ok((258, 12, None, None, 1, 1, None))  # 总计 left blank
    assert digits.review_ok((5, None, None, 2, 7, 8, None, None, 1, 9) + (None,) * 5)
    assert not digits.review_ok((5, None, None, 2, 8) + (None,) * 10)
    found, complete = digits.checked_splits(
        ["82135", "/", "/", "21859"], 7, group=7, group_ok=digits.row_sum_ok
    )
    assert complete and [tuple(v for v, _ in r) for r in found] == [
        (821, 35, None, None, 2, 1, 859)
    ]


def test_text_line_with_values_run_together_around_placeholders() -> None:
    doc = read_text(
        "一、本年新收政府信息公开申请数量 82135//21859\n"
        "四、结转下年度继续办理 1件0件0件0件0件0件—\n"
        "5//278//19/////\n"
        "发布日期 2024/01/20\n".encode()
    )
    texts = [r.texts for r in doc.rows]
    assert texts[0] == ["一、本年新收政府信息公开申请数量", "82135", "/", "/", "21859"]
    assert texts[1] == ["四、结转下年度继续办理", "1件", "0件", "0件", "0件", "0件", "0件", "—"]
    assert texts[1 + 1][-12:] == ["5", "/", "/", "278", "/", "/", "19", "/", "/", "/", "/", "/"]
    assert doc.meta["flattened_lines"] == [1, 2, 3]  # the date line is not a run of values
