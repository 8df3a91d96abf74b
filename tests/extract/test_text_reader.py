from extract.readers.text import read_text


def _rows(text: str):
    return [r.texts for r in read_text(text.encode("utf-8")).rows]


def test_tab_blocks_one_cell_per_line():
    rows = _rows("标题行\n\n\t行政许可\n\t2562\n\n\t商业\n企业\n\t科研\n机构\n")
    assert ["行政许可", "2562"] in rows
    assert ["商业企业", "科研机构"] in rows


def test_pipe_table_and_separator():
    rows = _rows("| 规章 | 0 | 0 | 0 |\n|---|---|---|---|\n| 规范性文件 | 13 | 0 | 55 |\n")
    assert rows == [["规章", "0", "0", "0"], ["规范性文件", "13", "0", "55"]]


def test_label_with_trailing_numbers_line():
    assert _rows("行政许可 97\n") == [["行政许可", "97"]]


def test_stream_cells_cut_at_labels():
    rows = _rows("规章 |\n/ |\n/ |\n/ |\n行政规范性文件 |\n0 |\n0 |\n0 |\n")
    assert rows[-2:] == [["规章", "/", "/", "/"], ["行政规范性文件", "0", "0", "0"]]


def test_archive_header_and_flattened_line():
    body = (
        "文字" * 160 + "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量"
        "0000000三、本年度办理结果（一）予以公开1000001（三）不予公开1.属于国家秘密"
        "00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”00000004.保护第三方合法权益"
        "0000000"
    )
    doc = read_text(
        f"标题: 某局2021年度政府信息公开工作年度报告\n发布时间: 2022-02-08 16:34\n"
        f"==== 正文 ====\n{body}\n".encode()
    )
    assert doc.meta["title"].startswith("某局2021") and doc.meta["published"].startswith("2022")
    texts = [r.texts for r in doc.rows]
    assert ["二、上年结转政府信息公开申请数量", "0000000"] in texts
    # cut at the template labels (readers/flat.py): a group label stays with its first row
    assert ["（三）不予公开1.属于国家秘密", "0000000"] in texts
    assert ["2.其他法律行政法规禁止公开", "0000000"] in texts
    assert all(c.loc.line == 4 for r in doc.rows for c in r.cells)


def test_gb18030_decoding():
    doc = read_text("行政许可 5\n".encode("gb18030"))
    assert doc.rows[0].texts == ["行政许可", "5"]
