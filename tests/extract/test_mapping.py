from extract.cells import Cell, Location, ParsedDocument, Row
from extract.mapping import detect_template, map_document


def _row(*texts: str) -> Row:
    return Row([Cell(t, Location(line=i)) for i, t in enumerate(texts)])


APP = [
    ("一、本年新收政府信息公开申请数量", [3, 0, 0, 0, 0, 0, 3]),
    ("二、上年结转政府信息公开申请数量", [0] * 7),
]


def _doc(rows: list[Row]) -> ParsedDocument:
    return ParsedDocument(
        "html", text="2023年度政府信息公开工作年度报告 本年制发件数 现行有效件数", rows=rows
    )


def test_trailing_values_after_last_label_and_stray_ignored():
    rows = [_row(label, *map(str, vals)) for label, vals in APP]
    rows.append(_row("91.61", "", "（一）予以公开", "2", "0", "0", "0", "0", "0", "2"))
    m = map_document(_doc(rows), year=2023)
    assert m.metrics["app.result.disclosed.total"].value == 2
    assert any("stray" in w["message"] for w in m.warnings)


def test_placeholders_stay_null():
    rows = [_row("第二十条第（一）项"), _row("规章", "/", "-", "0")]
    m = map_document(_doc(rows), year=2023)
    assert m.metrics["active.regulations.issued"].value is None
    assert m.metrics["active.regulations.in_force"].value == 0


def test_unlabelled_rows_fill_gap_only_when_counts_match():
    rows = [_row(label, *map(str, vals)) for label, vals in APP]
    rows += [
        _row("（一）予以公开", *"1000001"),
        _row(*"2000002"),
        _row("1.属于国家秘密", *"0000000"),
    ]
    m = map_document(_doc(rows), year=2023)
    assert m.metrics["app.result.partial.natural_person"].value == 2
    rows2 = rows[:3] + [_row(*"2000002"), _row(*"3000003"), rows[4]]
    m2 = map_document(_doc(rows2), year=2023)
    assert "app.result.partial.natural_person" not in m2.metrics
    assert any("app.result.partial.total" in w["keys"] for w in m2.warnings)


def test_single_other_row_variant():
    rows = [_row("（六）其他处理", "", *"0000000"), _row("（七）总计", *"1000001")]
    m = map_document(_doc(rows), year=2023)
    assert not m.other_split
    assert m.metrics["app.result.other.total"].value == 0


def test_template_recognition():
    d19 = ParsedDocument("text", text="本年新制作数量 本年新公开数量 对外公开总数量")
    assert detect_template(d19, 2022) == "2019"
    assert detect_template(ParsedDocument("text", text="无表"), 2017) == "legacy"
    assert detect_template(ParsedDocument("text", text="无表"), 2023) == "2021"
    assert map_document(ParsedDocument("text", text="x"), year=2016).metrics == {}
