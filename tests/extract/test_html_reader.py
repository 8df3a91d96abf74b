"""HTML reader: body inside site chrome, merged-cell expansion, metadata, encodings."""

from __future__ import annotations

from extract.cells import Row
from extract.readers import read_document
from extract.readers.grid import is_valueish
from extract.readers.html import read_html


def values(row: Row) -> list[str]:
    """The trailing value cells after the row's last label (the mapping's rule)."""
    texts = row.texts
    last_label = max((i for i, t in enumerate(texts) if not is_valueish(t)), default=-1)
    return texts[last_label + 1 :]


def find_row(rows: list[Row], *labels: str) -> Row:
    for row in rows:
        joined = "|".join(row.texts)
        if all(label in joined for label in labels):
            return row
    raise AssertionError(f"no row with {labels}")


# ------------------------------------------------------------------ real pages


def test_pingtan_trs_page_body_and_meta(data_file) -> None:
    doc = read_html(data_file("fj-pingtan-2019-html.html"))
    assert doc.format == "html"
    assert doc.meta["body"] == "selector:.TRS_Editor"
    assert doc.meta["title"] == "平潭综合实验区2019年度政府信息公开工作年度报告"
    assert doc.meta["published"] == "2020-01-20"
    assert "一、总体情况" in doc.text and "六、其他需要报告的事项" in doc.text
    assert "省人大" not in doc.text  # site header chrome is not the body


def test_pingtan_table_three_rows(data_file) -> None:
    doc = read_html(data_file("fj-pingtan-2019-html.html"))
    table3 = [r for r in doc.rows if r.cells[0].loc.table == 1]
    assert len(table3) == 26
    assert values(find_row(table3, "一、本年新收")) == ["23", "0", "0", "0", "0", "0", "23"]
    row = find_row(table3, "3.补正后申请内容仍不明确")
    assert row.texts[:2] == ["三、本年度办理结果", "（四）无法提供"]
    assert values(row) == ["5", "0", "0", "0", "0", "0", "5"]
    assert row.cells[1].repeated and row.cells[1].loc.row == 17
    assert values(find_row(table3, "（六）其他处理")) == ["0"] * 7
    table4 = [r for r in doc.rows if r.cells[0].loc.table == 2]
    assert table4[-1].texts == ["0"] * 15


def test_pingtan_colspan_values_not_duplicated(data_file) -> None:
    doc = read_html(data_file("fj-pingtan-2019-html.html"))
    row = find_row(doc.rows, "行政事业性收费")
    assert row.texts == ["行政事业性收费", "35", "0"]
    assert row.cells[2].colspan == 2


def test_sh_fragment_empty_cells_keep_positions(data_file) -> None:
    doc = read_html(data_file("sh-gov-office-2019-legacy.html"))
    assert doc.meta["published"] == "2020-01-31"  # visible 发布日期 line
    assert values(find_row(doc.rows, "一、本年新收")) == ["821", "35", "", "", "2", "1", "859"]
    assert values(find_row(doc.rows, "二、上年结转")) == ["18", "", "", "", "", "", "18"]
    assert values(find_row(doc.rows, "（六）其他处理")) == [""] * 7
    # misaligned colspans in 表二: one value per printed cell, never two copies
    assert find_row(doc.rows, "规章").texts == ["规章", "13", "13", "524"]
    assert find_row(doc.rows, "行政许可").texts == ["行政许可", "0", "0", "0"]
    table4 = [r for r in doc.rows if r.cells[0].loc.table == 2]
    assert table4[-1].texts == ["5", "", "", "2", "7", "8", "", "", "1", "9"] + [""] * 5


def test_dispatch_through_read_document(data_file) -> None:
    doc = read_document(data_file("sh-gov-office-2019-legacy.html"), "html")
    assert doc.rows and all(c.loc.table is not None for r in doc.rows for c in r.cells)


# ------------------------------------------------------------------ synthetic pages

CHROME = """<html><head><meta charset="{cs}">
<meta name="ArticleTitle" content="某区2023年政府信息公开工作年度报告">
<meta name='Maketime' content='2025-06-01 10:00:00'>
</head><body>
<div class="nav"><table><tr><td>首页</td><td>自然人服务</td><td>12</td></tr></table></div>
<div id="zoom">{body}</div>
<div class="footer">版权所有 网站标识码 3300000001</div>
</body></html>"""

REPORT = """<p>一、总体情况</p><p>本年新收申请 7 件。</p><p>二、主动公开政府信息情况</p>
<p>三、收到和处理政府信息公开申请情况</p>
<table border="1">
<tr><td colspan="3" rowspan="2">（本列数据的勾稽关系）</td><td colspan="7">申请人情况</td></tr>
<tr><td>自然人</td><td colspan="5">法人或其他组织</td><td>总计</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>5</td><td>2</td><td>&nbsp;</td>
<td>0</td><td>0</td><td>0</td><td>7</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td rowspan="2">3</td>
<td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>4</td></tr>
<tr><td colspan="2">（二）部分公开</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
</table>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p>五、存在的主要问题及改进情况</p>
<p>六、其他需要报告的事项</p>"""


def test_hanweb_zoom_body_rowspan_colspan_and_maketime_ignored() -> None:
    page = CHROME.format(cs="utf-8", body=REPORT).encode()
    doc = read_html(page)
    assert doc.meta["body"] == "selector:#zoom"
    assert doc.meta["title"] == "某区2023年政府信息公开工作年度报告"
    assert "published" not in doc.meta  # Maketime is a rebuild time, not publication
    assert all("首页" not in c.text for r in doc.rows for c in r.cells)  # nav table skipped
    assert "版权所有" not in doc.text
    new = find_row(doc.rows, "一、本年新收")
    assert values(new) == ["5", "2", "", "0", "0", "0", "7"]
    first = find_row(doc.rows, "（一）予以公开")
    second = find_row(doc.rows, "（二）部分公开")
    assert values(first) == ["3", "1", "0", "0", "0", "0", "4"]
    # the label spanning rows repeats; the value spanning rows is not copied into row 2
    assert second.texts[0] == "三、本年度办理结果" and second.cells[0].repeated
    assert values(second) == ["", "1", "0", "0", "0", "0", "1"]
    loc = second.cells[-1].loc
    assert (loc.table, loc.row, loc.col) == (0, 4, 9)


def test_gbk_page_and_visible_publication_date() -> None:
    body = "<p>发布时间：2024年1月15日</p>" + REPORT
    page = CHROME.format(cs="gbk", body=body).encode("gbk")
    doc = read_html(page)
    assert doc.meta["encoding"] == "gb18030"
    assert doc.meta["published"] == "2024-01-15"
    assert values(find_row(doc.rows, "一、本年新收"))[-1] == "7"


def test_pubdate_meta_wins() -> None:
    page = CHROME.format(cs="utf-8", body=REPORT).replace(
        "<head>", '<head><meta name="PubDate" content="2024-01-20 09:30">'
    )
    assert read_html(page.encode()).meta["published"] == "2024-01-20"


def test_page_without_report_has_no_rows() -> None:
    page = CHROME.format(cs="utf-8", body="<p>404 页面不存在</p>").encode()
    doc = read_html(page)
    assert doc.rows == []


def test_report_without_known_container_and_layout_tables() -> None:
    page = f"""<html><body><table><tr><td><div class="menu">菜单</div></td></tr>
    <tr><td><div class="x">{REPORT}</div></td></tr></table></body></html>""".encode()
    doc = read_html(page)
    assert doc.meta["body"] == "headings"
    assert values(find_row(doc.rows, "一、本年新收"))[-1] == "7"
    assert "菜单" not in doc.text


def test_hidden_elements_and_scripts_are_not_text() -> None:
    body = REPORT + '<div style="display:none">隐藏的重复内容</div><script>var a="脚本";</script>'
    doc = read_html(CHROME.format(cs="utf-8", body=body).encode())
    assert "隐藏的重复内容" not in doc.text and "脚本" not in doc.text


def test_hostile_spans_are_capped() -> None:
    page = REPORT.replace('rowspan="2">3', 'rowspan="99999999">3').replace(
        'colspan="7"', 'colspan="100000000"'
    )
    doc = read_html(page.encode())
    assert len(doc.rows) < 50


def test_gkmlpt_body_embedded_in_a_script() -> None:
    import json

    page = (
        '<html><head><meta name="PubDate" content="2024-01-18 10:00"></head><body>'
        '<div id="app"></div><script>window._CONFIG = {"SID": "755031", "DETAIL": '
        + json.dumps({"title": "x", "content": REPORT}, ensure_ascii=False)
        + "};</script></body></html>"
    )
    doc = read_html(page.encode())
    assert doc.meta["body"].startswith("script:")
    assert doc.meta["published"] == "2024-01-18"
    assert values(find_row(doc.rows, "一、本年新收")) == ["5", "2", "", "0", "0", "0", "7"]
    assert "一、总体情况" in doc.text
