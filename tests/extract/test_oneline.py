"""Whole reports flattened onto one line, written by hand from issue 10's description.

The fixtures (tests/data/extract/oneline-*.txt) were typed from the issue's words, not made by
the layout generator: title, opening paragraph citing the format notice, 总体情况 stating the
totals (``共计81件``, ``予以公开及部分公开42件``, ``行政复议案件2件、行政诉讼案件18件``), then the three
tables with every row's digits run together, then sections 五/六 and a signature, all on one line.
Wrong cells must be null and named in a warning; nothing guessed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.api import extract_bytes
from extract.checks import narrative_figures

DATA = Path(__file__).resolve().parents[1] / "data" / "extract"
ONELINE = ["oneline-chengkou-2023.txt", "oneline-other-one-row-2022.txt"]


def _run(name: str) -> tuple[dict, dict]:
    out = extract_bytes((DATA / name).read_bytes(), name=name)
    truth = json.loads((DATA / (name.rsplit(".", 1)[0] + ".truth.json")).read_text("utf-8"))
    return out, truth


def _named(out: dict) -> set[str]:
    keys = {k for c in out["checks"] if c["status"] == "fail" for k in c["keys"]}
    return keys | {k for w in out["warnings"] for k in w["keys"]}


@pytest.mark.parametrize("name", ONELINE)
def test_one_line_report_no_silent_cell(name: str) -> None:
    out, truth = _run(name)
    got = {m["key"]: m["value"] for m in out["metrics"]}
    wrong = [k for k, v in truth["metrics"].items() if got.get(k) != v]
    assert [k for k in wrong if k not in _named(out)] == [], "silent wrong cells"
    assert [k for k in wrong if got.get(k) is not None] == [], "a wrong number, not a null"
    assert out["year"] == truth["year"]
    assert out["agency"] == truth["agency"]


def test_one_line_figures_settle_the_splits() -> None:
    """Identities + 正文 figures leave one reading for all but the 表二 row they cannot decide."""
    out, truth = _run("oneline-chengkou-2023.txt")
    got = {m["key"]: m["value"] for m in out["metrics"]}
    # 表二 123145 with 制发12件 stated: 3,145 / 31,45 / 314,5 stay open.  表四 run
    # 10102401161010112 with 复议 2 and 诉讼 18 stated: 复议后起诉 1010112 reads 10,1,0,1,12 or
    # 1,0,10,1,12 — both add up, so 维持/纠正/其他 stay open; 尚未审结 and 总计 do not.
    undecided = {
        "active.normative_docs.repealed",
        "active.normative_docs.in_force",
        "litigation_after_review.upheld",
        "litigation_after_review.corrected",
        "litigation_after_review.other",
    }
    assert {k for k, v in truth["metrics"].items() if got.get(k) != v} == undecided
    assert got["active.normative_docs.issued"] == 12  # 正文: 制发行政规范性文件12件
    assert undecided <= _named(out)
    assert all(got[k] is None for k in undecided)
    assert got["litigation_after_review.pending"] == 1
    assert got["litigation_after_review.total"] == 12
    assert [
        got[f"litigation_direct.{r}"] for r in ("upheld", "corrected", "other", "pending", "total")
    ] == [4, 0, 1, 1, 6]
    assert out["title"] == "城口县2023年政府信息公开工作年度报告"
    assert out["published"] == "2024-01-20"


def test_other_processing_layout_read_from_the_labels_present() -> None:
    split, _ = _run("oneline-chengkou-2023.txt")
    keys = {m["key"] for m in split["metrics"]}
    assert "app.result.other.no_correction.total" in keys and "app.result.other.total" not in keys
    one, _ = _run("oneline-other-one-row-2022.txt")
    got = {m["key"]: m["value"] for m in one["metrics"]}
    assert got["app.result.other.total"] == 9 and "app.result.other.other.total" not in got


def test_ambiguous_review_run_is_null_and_named() -> None:
    """表四 run together with no 正文 figure: where several readings survive, null + warning."""
    head = "某县2023年政府信息公开工作年度报告。" + "本县全面推进政务公开工作。" * 30
    t4 = (
        "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果"
        "尚未审结总计11011211130000000五、存在的主要问题及改进情况无。"
    )
    t3 = (
        "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计一、本年新收政府信息公开"
        "申请数量3000003二、上年结转政府信息公开申请数量0000000"
    )
    out = extract_bytes((head + t3 + t4).encode("utf-8"))
    got = {m["key"]: m["value"] for m in out["metrics"]}
    named = _named(out)
    # 1+1+0+1=3? no: 11011 could be 1,1,0,1,1? (1+1+0+1 != 1) … every surviving reading is kept
    truth = {
        "review.upheld": 1,
        "review.corrected": 1,
        "review.other": 0,
        "review.pending": 1,
        "review.total": 3,
        "litigation_direct.upheld": 1,
        "litigation_direct.corrected": 1,
        "litigation_direct.other": 1,
        "litigation_direct.pending": 0,
        "litigation_direct.total": 3,
    }
    for k, v in truth.items():
        assert got.get(k) in (v, None), k
        if got.get(k) is None:
            assert k in named, k


def test_narrative_figures_as_reports_word_them() -> None:
    text = (
        "全年共收到政府信息公开申请共计81件，予以公开及部分公开42件。"
        "发生政府信息公开行政复议案件2件、行政诉讼案件7件。"
    )
    figs = narrative_figures(text)
    assert figs["app.new.total"] == 81
    assert figs["review.total"] == 2 and figs["litigation.total"] == 7
    assert figs["app.result.disclosed_or_partial.total"] == 42


def test_narrative_row_label_before_the_table_is_not_a_row() -> None:
    """The 正文 says 本年新收政府信息公开申请81件 before 表三 (and there is no 表二): the table's
    own row is read, not the sentence."""
    line = (
        "某县2023年政府信息公开工作年度报告 一、总体情况 本年新收政府信息公开申请81件，办结81件。"
        + "全面推进政务公开。" * 20
        + "三、收到和处理政府信息公开申请情况 申请人情况自然人法人或其他组织"
        "总计商业企业科研机构社会公益组织法律服务机构其他一、本年新收政府信息公开申请数量801000081"
        "二、上年结转政府信息公开申请数量0000000三、本年度办理结果（一）予以公开801000081"
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）0000000（三）不予公开1.属于国家秘密"
        "00000002.其他法律行政法规禁止公开0000000（七）总计801000081四、结转下年度继续办理0000000"
        "四、政府信息公开行政复议、行政诉讼情况 五、存在的主要问题及改进情况 无。"
    )
    out = extract_bytes(line.encode("utf-8"))
    got = {m["key"]: m["value"] for m in out["metrics"]}
    assert [got[f"app.new.{c}"] for c in ("natural_person", "commercial", "total")] == [80, 1, 81]
    assert got["app.result.total.total"] == 81
