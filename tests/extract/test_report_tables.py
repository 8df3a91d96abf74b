"""The readers' public table views (report_tables, body_blocks) name the cells the provenance
names: the workbench marks a value's source with them."""

from __future__ import annotations

import io
import json

from bs4 import BeautifulSoup

from extract.cells import ParsedDocument
from extract.readers.docx import body_blocks, read_docx
from extract.readers.grid import Grid
from extract.readers.html import read_html, report_tables

PAGE = """<html><head><title>报告</title></head><body>
<table class="nav"><tr><td>首页</td><td>政务公开</td></tr></table>
<div class="TRS_Editor">
  <p>一、总体情况</p><p>本年度依法公开。</p>
  <p>二、主动公开政府信息情况</p>
  <table>
    <tr><th colspan="2">信息内容</th><th>本年制发件数</th></tr>
    <tr><td rowspan="2">规章</td><td>甲</td><td>3</td></tr>
    <tr><td>乙</td><td>4</td></tr>
  </table>
  <p>三、收到和处理政府信息公开申请情况</p>
  <table>
    <tr><td>本年新收</td><td>自然人</td><td>商业企业</td></tr>
    <tr><td>一、本年新收政府信息公开申请数量</td><td>7</td><td>1</td></tr>
  </table>
</div>
<table class="footer"><tr><td>版权所有</td></tr></table>
</body></html>"""


def _assert_same_cells(doc: ParsedDocument, grids: list[Grid]) -> None:
    """Every cell the reader emitted sits, at its location, on a grid cell with its text."""
    assert doc.rows
    for row in doc.rows:
        for cell in row.cells:
            loc = cell.loc
            assert loc.table is not None and loc.row is not None and loc.col is not None
            placed = grids[loc.table][loc.row][loc.col]
            assert placed is not None and placed.col == loc.col
            assert cell.text in (placed.span.text, "")  # "" = a value repeated by a row span


def test_report_tables_are_the_readers_tables_in_its_coordinates() -> None:
    tables = report_tables(PAGE)
    assert tables.script_body is None
    assert len(tables.grids) == 2  # the navigation and footer tables are not the report
    _assert_same_cells(read_html(PAGE.encode("utf-8")), tables.grids)
    # the rowspan label covers two grid rows; the colspan header two grid columns
    first = tables.grids[0]
    assert first[1][0] is first[2][0] and first[1][0].span.text == "规章"
    assert first[0][0] is first[0][1] and first[2][2].span.text == "4"


def test_report_tables_number_each_cell_as_its_td_in_the_markup() -> None:
    tds = BeautifulSoup(PAGE, "lxml").find_all(["td", "th"])
    tables = report_tables(PAGE)
    seen = [p for g in tables.grids for line in g for p in line if p is not None]
    assert seen
    for placed in seen:
        td = tds[placed.span.extra["cell"]]
        assert td.get_text(strip=True) == placed.span.text
    assert tables.grids[1][1][1].span.extra["cell"] == tds.index(
        next(td for td in tds if td.get_text() == "7")
    )


def test_report_tables_read_a_report_held_in_a_script_string() -> None:
    inner = PAGE.split('<div class="TRS_Editor">')[1].split("</div>")[0]
    page = (
        "<html><body><div id='app'></div><script>var _CONFIG = {content: "
        + json.dumps(inner, ensure_ascii=False)
        + "};</script></body></html>"
    )
    tables = report_tables(page)
    assert tables.script_body == inner
    assert len(tables.grids) == 2 and tables.grids[1][1][1].span.text == "7"
    _assert_same_cells(read_html(page.encode("utf-8")), tables.grids)
    tds = BeautifulSoup(inner, "lxml").find_all(["td", "th"])  # numbered in the script's markup
    assert tds[tables.grids[1][1][2].span.extra["cell"]].get_text() == "1"


def _docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "信息内容"
    t.cell(0, 2).text = "本年制发件数"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "规章"
    for r, (name, n) in enumerate((("甲", "3"), ("乙", "4")), start=1):
        t.cell(r, 1).text, t.cell(r, 2).text = name, n
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t2 = d.add_table(rows=1, cols=2)
    t2.cell(0, 0).text, t2.cell(0, 1).text = "一、本年新收政府信息公开申请数量", "7"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_body_blocks_are_paragraphs_and_the_readers_grids_in_order() -> None:
    data = _docx()
    blocks = body_blocks(data)
    kinds = ["p" if isinstance(b, str) else "t" for b in blocks]
    assert kinds == ["p", "t", "p", "t"]
    assert blocks[0] == "二、主动公开政府信息情况"
    grids = [b for b in blocks if not isinstance(b, str)]
    _assert_same_cells(read_docx(data), grids)
    first = grids[0]
    assert first[0][0] is first[0][1] and first[0][0].span.text == "信息内容"
    assert first[1][0] is first[2][0] and first[2][2].span.text == "4"
    assert grids[1][0][1].span.text == "7"
