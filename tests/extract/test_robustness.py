"""Doubts are named: 小计 columns, 表四 rows, cut labels, tab rows, 正文 figures, failed identities."""

from __future__ import annotations

import copy

import variants as V

from extract.api import extract_bytes
from extract.checks import narrative_checks, narrative_figures
from extract.readers.text import read_text


def _flagged(out: dict) -> set[str]:
    keys = {k for c in out["checks"] if c["status"] == "fail" for k in c["keys"]}
    return keys | {k for w in out["warnings"] for k in w["keys"]}


def _values(out: dict) -> dict:
    return {m["key"]: m["value"] for m in out["metrics"]}


def test_narrative_figures_beyond_the_first_three() -> None:
    text = (
        "2023年，制发行政规范性文件8件，废止行政规范性文件51件，现行有效的规范性文件44件。"
        "全年作出行政许可决定2562件，作出行政处罚决定1142件。上年结转政府信息公开申请3件。"
    )
    figs = narrative_figures(text, 2023)  # the report's year, as extract.api passes it
    assert figs["active.normative_docs.issued"] == 8
    assert figs["active.normative_docs.repealed"] == 51
    assert figs["active.normative_docs.in_force"] == 44
    assert figs["active.licensing.decisions"] == 2562
    assert figs["active.punishment.decisions"] == 1142
    assert figs["app.carried_over.total"] == 3


def test_conflicting_statements_give_no_figure() -> None:
    figs = narrative_figures("收到政府信息公开申请12件。……今年共收到政府信息公开申请15件。")
    assert "app.new.total" not in figs


def test_narrative_check_fails_and_names_the_cell() -> None:
    checks = narrative_checks(
        {"active.punishment.decisions": 5}, {"active.punishment.decisions": 6}, {}
    )
    assert checks[0]["status"] == "fail" and checks[0]["keys"] == ["active.punishment.decisions"]


def _flat_report(normative: str, narrative: str) -> bytes:
    """A flattened page (cells run together), as text archives of HTML pages have them."""
    pad = "按照条例要求，做好主动公开工作，持续完善公开目录，规范公开流程。" * 6
    table = (
        pad
        + "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
        f"规章000行政规范性文件{normative}第二十条第（五）项信息内容本年处理决定数量行政许可5"
        "第二十条第（六）项信息内容本年处理决定数量行政处罚7行政强制0"
        "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0"
        "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量1000001"
        "二、上年结转政府信息公开申请数量0000000"
    )
    return (
        "某区司法局2023年政府信息公开工作年度报告\n一、总体情况\n" + narrative + "\n" + table + "\n"
    ).encode("utf-8")


def test_narrative_settles_an_ambiguous_split_only_when_unique() -> None:
    ambiguous = extract_bytes(_flat_report("8855698", "无。"))
    got = _values(ambiguous)
    assert got["active.normative_docs.issued"] is None
    assert "active.normative_docs.issued" in _flagged(ambiguous)
    settled = extract_bytes(
        _flat_report("8855698", "制发规范性文件88件，现行有效规范性文件698件。")
    )
    got = _values(settled)
    assert (
        got["active.normative_docs.issued"],
        got["active.normative_docs.repealed"],
        got["active.normative_docs.in_force"],
    ) == (88, 55, 698)
    # a figure no reading agrees with settles nothing
    wrong = extract_bytes(_flat_report("8855698", "制发规范性文件99件。"))
    assert _values(wrong)["active.normative_docs.issued"] is None


def test_subtotal_column_dropped_and_a_bad_subtotal_flagged() -> None:
    truth = V.load_truth("seed-gongshu-zfj-2023")
    lay = V.Layout("sub", subtotal=True)
    html = V.render(truth, lay)[1].decode("utf-8")
    out = extract_bytes(html.encode("utf-8"))
    assert _values(out)["app.new.total"] == truth["metrics"]["app.new.total"]
    assert any("小计" in w["message"] for w in out["warnings"])
    # the same table without the 小计 header: 8 cells per row are not guessed at
    plain = html.replace(">小计<", ">备注<")
    out = extract_bytes(plain.encode("utf-8"))
    s = V.score(out, truth)
    assert s["silent"] == [] and "app.new.total" in _flagged(out)


def test_review_rows_of_five_by_label() -> None:
    truth = copy.deepcopy(V.load_truth("seed-gongshu-zfj-2023"))
    truth["metrics"].update(
        {
            "review.upheld": 1,
            "review.total": 1,
            "litigation_direct.pending": 2,
            "litigation_direct.total": 2,
        }
    )
    out = extract_bytes(V.render(truth, V.Layout("r5", t4="rows5", null="/"))[1])
    got = _values(out)
    assert got["review.upheld"] == 1 and got["litigation_direct.pending"] == 2
    assert got["litigation_after_review.total"] == 0


def test_tab_separated_rows() -> None:
    doc = read_text("标题\n\t\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0\n行政许可\t12\n".encode())
    rows = [[c.text for c in r.cells] for r in doc.rows]
    assert ["", "", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"] in rows
    assert ["行政许可", "12"] in rows


def test_one_cell_per_line_with_tab_indent_still_read_as_blocks() -> None:
    doc = read_text("标题行\n\n\t行政许可\n\t2562\n\n\t商业\n企业\n".encode())
    assert [c.text for c in doc.rows[1].cells] == ["行政许可", "2562"]


def test_every_failed_identity_names_the_misprinted_cell() -> None:
    """Misprint one 表三 / 表四 cell in the rendered document: some failed check names it."""
    base = V.load_truth("fj-pingtan-2021")
    for key in (
        "app.result.withheld.third_party.natural_person",
        "app.new.commercial",
        "app.result.total.total",
        "review.pending",
        "litigation_after_review.total",
    ):
        doc = copy.deepcopy(base)
        doc["metrics"][key] = (doc["metrics"][key] or 0) + 1
        out = extract_bytes(V.render(doc, V.Layout("x"))[1])
        failed = [c for c in out["checks"] if c["status"] == "fail"]
        assert failed and all(key in c["keys"] for c in failed if key in c["numbers"])
        assert key in _flagged(out), key
        for c in failed:
            assert set(c["numbers"]) - {"正文"} <= set(c["keys"])


def test_a_row_printed_twice_with_other_numbers_is_flagged() -> None:
    truth = V.load_truth("seed-gongshu-zfj-2023")
    html = V.render(truth, V.Layout("x"))[1].decode("utf-8")
    row = "<tr><td>一、本年新收政府信息公开申请数量</td>" + "<td>9</td>" * 7 + "</tr>"
    html = html.replace("</table>\n<p>四、", row + "</table>\n<p>四、", 1)
    out = extract_bytes(html.encode("utf-8"))
    assert _values(out)["app.new.total"] == truth["metrics"]["app.new.total"]
    assert "app.new.total" in _flagged(out)
    assert any("numbers differ" in w["message"] for w in out["warnings"])


def test_stray_cell_names_the_row_it_stands_in() -> None:
    out = extract_bytes((V.DATA / "seed-gongshu-zfj-2023.txt").read_bytes())
    stray = [w for w in out["warnings"] if "stray" in w["message"]]
    assert stray and stray[0]["keys"]
