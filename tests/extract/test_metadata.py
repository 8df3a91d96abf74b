from extract.cells import ParsedDocument
from extract.metadata import extract_metadata, find_agency, find_year, looks_spam


def test_title_split_over_two_lines():
    doc = ParsedDocument("text", text="拱墅区综合行政执法局2023年政府信息公开\n工作年度报告\n正文")
    meta = extract_metadata(doc)
    assert meta["agency"] == "拱墅区综合行政执法局" and meta["year"] == 2023


def test_year_is_report_year_not_publication():
    doc = ParsedDocument(
        "text",
        text="x",
        meta={
            "title": "平潭综合实验区2021年度政府信息公开工作年度报告",
            "published": "2022-02-08 16:34",
        },
    )
    meta = extract_metadata(doc)
    assert meta["year"] == 2021 and meta["published"] == "2022-02-08"
    assert meta["agency"] == "平潭综合实验区"


def test_year_first_title_and_missing_year():
    assert find_agency("2024 年上海市科委政府信息公开工作年度报告") == "上海市科委"
    assert find_year(None, "本报告没有年份") is None
    assert find_year(None, "统计期限为2022年1月1日至2022年12月31日") == 2022
    # the end of the counted period, written by hand from a department report's first paragraph
    said = "一、总体情况\n截止2023年12月31日我局通过官方网站发布政务类信息34条。"
    assert find_year(None, said) == 2023
    assert find_year(None, "截至2024年6月30日，已整改完毕。") is None  # not a year's end
    # a stated report year wins over the period a figure is counted to
    assert find_year(None, "2022年度政府信息公开工作报告。截至2023年12月31日共3件。") == 2022


def test_spam_agency():
    assert looks_spam("365bet(中国)官方网站")
    assert not looks_spam("上海市人民政府办公厅")


def test_a_sentence_about_the_report_is_not_its_title():
    text = (
        "本年度报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的要求编制，全文\n"
        "包括总体情况、主动公开政府信息情况等六个部分。\n一、总体情况\n"
    )
    meta = extract_metadata(ParsedDocument(format="pdf", text=text))
    assert meta["title"] is None and meta["agency"] is None


def test_publisher_named_in_the_opening_sentence():
    text = (
        "根据《中华人民共和国政府信息公开条例》规定,现公布区统计局2023年政府信息公开工作年度报告。"
        "本报告由总体情况等六部分组成。\n一、总体情况\n"
    )
    meta = extract_metadata(ParsedDocument(format="text", text=text))
    assert meta["agency"] == "区统计局" and meta["year"] == 2023


def test_self_references_are_no_agency_and_bracketed_commas_keep_a_title():
    text = "现向社会公布本单位2023年度政府信息公开工作年度报告。\n一、总体情况\n"
    assert extract_metadata(ParsedDocument(format="text", text=text))["agency"] is None
    titled = "拱墅区统计局2023年政府信息公开工作年度报告（更正版，2024年3月）\n一、总体情况\n"
    meta = extract_metadata(ParsedDocument(format="text", text=titled))
    assert meta["agency"] == "拱墅区统计局" and meta["year"] == 2023
