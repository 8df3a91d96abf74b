"""A DOCX annual report written with python-docx: merged header cells, known numbers.

Why a generated file: the repository's DOCX fixture is the blank national template; the
workbench needs one whose numbers it can find again in the table grid.
"""

from __future__ import annotations

import io

APP_ROWS = [
    ("一、本年新收政府信息公开申请数量", [11, 2, 0, 0, 1, 0, 14]),
    ("二、上年结转政府信息公开申请数量", [3, 0, 0, 0, 0, 0, 3]),
    ("三、本年度办理结果", None),
    ("（一）予以公开", [6, 1, 0, 0, 0, 0, 7]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [2, 0, 0, 0, 1, 0, 3]),
    ("（七）总计", [12, 2, 0, 0, 1, 0, 15]),
    ("四、结转下年度继续办理", [2, 0, 0, 0, 0, 0, 2]),
]


def docx_report_bytes() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("测试区司法局2023年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("2023年，本局依法做好政府信息公开工作。")
    d.add_paragraph("二、主动公开政府信息情况")
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=3 + len(APP_ROWS), cols=10)
    t.style = "Table Grid"
    corner = t.cell(0, 0).merge(t.cell(2, 2))
    corner.text = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    t.cell(0, 3).merge(t.cell(0, 9)).text = "申请人情况"
    t.cell(1, 3).merge(t.cell(2, 3)).text = "自然人"
    t.cell(1, 4).merge(t.cell(1, 8)).text = "法人或其他组织"
    t.cell(1, 9).merge(t.cell(2, 9)).text = "总计"
    for i, name in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
        t.cell(2, 4 + i).text = name
    for r, (label, values) in enumerate(APP_ROWS, start=3):
        t.cell(r, 0).merge(t.cell(r, 2)).text = label
        for c, v in enumerate(values or []):
            t.cell(r, 3 + c).text = str(v)
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    d.add_paragraph("五、存在的主要问题及改进情况")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
