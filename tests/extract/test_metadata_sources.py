"""Metadata right or absent, written by hand from issue 10's description of the failures.

Titles: a markdown bold title, a title on a markdown file's first line without ``#``, a DOCX whose
file property says ``Word Document``, a PDF whose large title wraps over two lines above a
sentence citing the format notice.  The agency is a name or null — never a fragment.
"""

from __future__ import annotations

import io

import pytest

from extract.api import extract_bytes
from extract.cells import ParsedDocument
from extract.metadata import extract_metadata, find_agency
from tests.extract.pdfgen import Page, build_pdf

NOTICE = (
    "本报告依据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室《关于"
    "印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）"
    "要求编制。"
)
BODY = (
    "一、总体情况\n本年度全面推进政务公开。\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
    "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n"
)
FRAGMENTS = (
    "〈中华人民共和国",
    "印发〈中华人民共和国",
    "本报告依据《中华人民共和国",
    "本单位",
    "**",
    "#",
    "Word Document",
    "关于",
)


def _meta(text: str, fmt: str = "markdown") -> dict:
    return extract_metadata(ParsedDocument(fmt, text=text))


def _no_fragment(agency: str | None) -> None:
    assert agency is None or not any(f in agency for f in FRAGMENTS), agency


@pytest.mark.parametrize(
    "first",
    [
        "**拱墅区民政局2023年度政府信息公开工作年度报告**",
        "# **拱墅区民政局2023年度政府信息公开工作年度报告**",
        "## 拱墅区民政局2023年度政府信息公开工作年度报告",
        "拱墅区民政局2023年度政府信息公开工作年度报告",
        "拱墅区民政局2023年度政府信息公开工作年度报告  ",
        "拱墅区民政局2023年度政府信息公开工作年度报告\n===",
        "<center>拱墅区民政局2023年度政府信息公开工作年度报告</center>",
    ],
)
def test_markdown_titles(first: str) -> None:
    meta = _meta(first + "\n\n" + NOTICE + "\n" + BODY)
    assert meta["title"] == "拱墅区民政局2023年度政府信息公开工作年度报告"
    assert meta["agency"] == "拱墅区民政局" and meta["year"] == 2023
    assert meta["metadata_sources"]["title"]["source"] in ("first_heading", "title_line")


@pytest.mark.parametrize(
    "title", ["**2023年度政府信息公开工作年度报告**", "2023年度政府信息公开工作年度报告"]
)
def test_title_without_agency_leaves_agency_to_the_body(title: str) -> None:
    meta = _meta(title + "\n" + NOTICE + "\n" + BODY)
    assert meta["agency"] is None and meta["year"] == 2023
    assert meta["title"] == "2023年度政府信息公开工作年度报告"


def test_sentence_citing_the_format_notice_is_never_the_title() -> None:
    for cut in (
        NOTICE,
        NOTICE[NOTICE.index("印发") :],
        NOTICE[NOTICE.index("〈") :],
        "印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》",
    ):
        meta = _meta(cut + "\n" + BODY, fmt="pdf")
        assert meta["title"] is None, cut
        assert meta["agency"] is None, cut


@pytest.mark.parametrize("fragment", FRAGMENTS + ("本报告依据《中华人民共和国", "依据", "我局"))
def test_fragments_are_no_agency(fragment: str) -> None:
    assert find_agency(fragment + "政府信息公开工作年度报告") is None
    assert find_agency(fragment + "2023年政府信息公开工作年度报告") is None


def test_unit_placeholder_and_signature_name_the_agency() -> None:
    meta = _meta("城口县教育委员会（单位）2023年政府信息公开工作年度报告\n" + BODY)
    assert meta["agency"] == "城口县教育委员会"
    meta = _meta(
        "2023年度政府信息公开工作年度报告\n"
        + NOTICE
        + "\n"
        + BODY
        + "城口县教育委员会\n2024年1月18日\n"
    )
    assert meta["agency"] == "城口县教育委员会"
    assert meta["metadata_sources"]["agency"]["source"] == "signature"
    assert meta["published"] == "2024-01-18"


def test_sources_and_confidence_for_every_field() -> None:
    meta = _meta("拱墅区民政局2023年度政府信息公开工作年度报告\n" + BODY)
    src = meta["metadata_sources"]
    for field in ("title", "agency", "year"):
        assert src[field]["source"] and 0 < src[field]["confidence"] <= 1
    assert src["published"] == {"source": None, "confidence": 0.0}


def _docx(heading: str | None, prop: str, body: list[str]) -> bytes:
    import docx

    d = docx.Document()
    if heading:
        d.add_heading(heading, level=1)
    for p in body:
        d.add_paragraph(p)
    d.core_properties.title = prop
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_file_property_is_never_the_title() -> None:
    data = _docx(
        None,
        "Word Document",
        [
            "本年度报告根据《中华人民共和国政府信息公开条例》要求，由城口县统计局编制。统计期限自2023年1月1日"
            "起至2023年12月31日止。",
            *BODY.split("\n"),
        ],
    )
    out = extract_bytes(data)
    assert out["title"] != "Word Document"
    assert out["agency"] in ("城口县统计局", None) and out["year"] == 2023
    titled = extract_bytes(
        _docx("城口县统计局2023年政府信息公开工作年度报告", "Word Document", BODY.split("\n"))
    )
    assert titled["title"] == "城口县统计局2023年政府信息公开工作年度报告"
    assert titled["agency"] == "城口县统计局"


def _pdf(info_title: str | None) -> bytes:
    page = Page()
    page.text(150, 40, "城口县人民政府2023年政府信息公开", size=18)
    page.text(230, 64, "工作年度报告", size=18)
    y = 100.0
    for line in (
        "本报告依据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室《关于",
        "印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）",
        "要求编制。本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
        *BODY.split("\n"),
    ):
        page.text(40, y, line, size=9)
        y += 14
    return build_pdf([page], title=info_title)


@pytest.mark.parametrize("info", [None, "Microsoft Word - 附件1.docx", "Word Document"])
def test_pdf_title_from_the_largest_font_not_the_notice(info: str | None) -> None:
    out = extract_bytes(_pdf(info))
    assert out["title"] == "城口县人民政府2023年政府信息公开工作年度报告"
    assert out["agency"] == "城口县人民政府" and out["year"] == 2023
    assert out["metadata_sources"]["title"]["source"] == "largest_font"


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("关于城口县统计局2023年度政府信息公开工作年度报告", "城口县统计局"),
        (
            "平潭综合实验区管委会（平潭县人民政府）2021年政府信息公开工作年度报告",
            "平潭综合实验区管委会（平潭县人民政府）",
        ),
        ("365bet官方网站2024年政府信息公开工作年度报告", None),
        ("2023年度某某政府信息公开工作年度报告", None),  # 某某: no agency ending
    ],
)
def test_agency_from_title_is_a_name_or_nothing(title: str, agency: str | None) -> None:
    assert find_agency(title) == agency
