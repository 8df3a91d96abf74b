"""Report metadata: title, agency (as in the title), report year, publication date, region.

Why: the report year is the year the data covers (a 2023 report is published in 2024), so it
is read from the title or the statistics period, never from the publication date.  A wrong name
is worse than none: the agency is a name or null, never a fragment of a sentence.

Each field's origin is recorded in ``metadata_sources`` (an additive key of the JSON contract):
``{"title": {"source": "largest_font", "confidence": 0.9}, "agency": {...}, "year": {...},
"published": {...}, "region": {...}}``; a field not found has ``{"source": null,
"confidence": 0.0}``.  Sources, most trusted first:

* title: ``page_header`` (a text archive's 标题: line, an HTML page's ArticleTitle/<title>),
  ``largest_font`` (a PDF's largest type on page 1), ``first_heading`` (a markdown ``#``
  heading or a **bold** first line), ``title_line`` (the early line ending in 年度报告),
  ``joined_lines`` (a title printed over two lines), ``file_property`` (a PDF's Title
  property that reads as a report title; DOC/DOCX properties are never used);
* agency: ``title``, ``unit_line`` (``XX（单位）``), ``signature`` (the name closing the
  report above its date), ``opening_sentence`` (由XX编制 / 现公布XX…年度报告);
* year: ``title``, ``statistics_period``, ``year_phrase``, ``period_end``;
* published: ``page_header``, ``labelled_date``, ``title_date``, ``signature_date``;
* region: ``agency`` (the area the agency's name starts with).

A title is never taken from a sentence citing the format notice (印发〈中华人民共和国政府信息公开
工作年度报告格式〉的通知, 国办公开办函〔2021〕30号); markup (``#``, ``**``, tags) is stripped.
"""

from __future__ import annotations

import re
from typing import Any

from extract.cells import ParsedDocument
from extract.template import label_norm

_TITLE_HINT = re.compile(r"信息公开.{0,8}(年度报告|年报)|(年度报告|年报)")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_PERIOD = re.compile(r"((?:19|20)\d{2})年(?:度)?(?:1月1日|01月01日)(?:起)?(?:至|到|-|—)")
_YEAR_REPORT = re.compile(r"((?:19|20)\d{2})年度?(?:政府信息公开|政务公开)")
# "截至2023年12月31日，我局…": the end of the year the statistics cover (only the last day of a
# year: "截至2024年6月" in a 2023 report is about something else)
_PERIOD_END = re.compile(r"(?:截止|截至)(?:到|于)?((?:19|20)\d{2})年12月31日")
_DATE = re.compile(
    r"(?:发布时间|发布日期|日期|时间|发文日期)(?:[:：]\s*|\s+)((?:19|20)\d{2})[-年/.]"
    r"(\d{1,2})[-月/.](\d{1,2})"
)
_LONE_DATE = re.compile(
    r"((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})"
    r"\s*日?\s*$"
)
_ISO = re.compile(r"^((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_AGENCY_TAIL = re.compile(r"(关于)?((?:19|20)\d{2})\s*年度?.*$")
_REGION = re.compile(r"^(.{1,6}?(?:省|自治区)?.{0,6}?(?:市|州|盟)?.{0,6}?(?:县|区|旗|市))")
# breadcrumbs (首页>信息公开>年报), page fields (组配分类: 政府信息公开年报), source comments
_NOT_TITLE = re.compile(r"[>›»]|当前位置|首页|^#|^[\u4e00-\u9fff]{2,6}\s*[:：]")
# "由上海市静安区人民政府办公室编制": the compiler named in the first paragraph
_COMPILER = re.compile(r"由([\u4e00-\u9fff（）()]{4,30}?)(?:负责)?(?:编制|编写|起草)")
# a line that is an agency's name on its own (the first half of a split title)
_AGENCY_LINE = re.compile(
    r"^(?:(?:19|20)\d{2}年度?)?[\u4e00-\u9fff（）()]{2,40}(?:政府|办公室|办公厅|"
    r"办事处|局|委员会|委|办|厅|院|中心|街道|镇|乡|区|县|市|管委会|部|署|处|所)$"
)
# Short forms that titles use for an agency's name, expanded when they END the printed name and
# follow an administrative area (上海市科委 → 上海市科学技术委员会).  Longest first.  Documented in
# TEMPLATES.md; add an entry only for a form in standard official use.
AGENCY_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("府办", "政府办公室"),
    ("政府办", "政府办公室"),
    ("科委", "科学技术委员会"),
    ("发改委", "发展和改革委员会"),
    ("卫健委", "卫生健康委员会"),
    ("卫计委", "卫生和计划生育委员会"),
    ("经信委", "经济和信息化委员会"),
    ("住建委", "住房和城乡建设委员会"),
    ("住建局", "住房和城乡建设局"),
    ("交通委", "交通委员会"),
    ("教委", "教育委员会"),
    ("国资委", "国有资产监督管理委员会"),
    ("民宗委", "民族宗教事务委员会"),
    ("人社局", "人力资源和社会保障局"),
    ("市监局", "市场监督管理局"),
    ("规划资源局", "规划和自然资源局"),
    ("规自局", "规划和自然资源局"),
    ("文旅局", "文化和旅游局"),
    ("城管局", "城市管理局"),
    ("应急局", "应急管理局"),
    ("医保局", "医疗保障局"),
    ("科技局", "科学技术局"),
    ("房管局", "房屋管理局"),
    ("退役军人局", "退役军人事务局"),
    ("网信办", "网络安全和信息化委员会办公室"),
    ("侨办", "人民政府侨务办公室"),
    ("台办", "人民政府台湾事务办公室"),
)
_AREA_END = "省市区县州旗盟"


def expand_agency(name: str | None) -> str | None:
    """Expand a standard short form at the end of an agency name (see AGENCY_ABBREVIATIONS)."""
    if not name:
        return name
    for short, full in sorted(AGENCY_ABBREVIATIONS, key=lambda p: -len(p[0])):
        if name.endswith(short):
            head = name[: -len(short)]
            if short == "府办" and head.endswith("政"):
                continue  # 政府办 is handled by its own entry
            if head and head[-1] in _AREA_END:
                return head + full
            return name
    return name


_SPAM = re.compile(r"bet|casino|娱乐城|博彩|彩票|赌场|官方网站|体育投注|开户", re.IGNORECASE)


def _lines(doc: ParsedDocument) -> list[str]:
    return [ln.strip() for ln in doc.text.split("\n") if ln.strip()]


_MARKUP = re.compile(r"<[^>]{0,80}>|^\s*#{1,6}\s*|\*\*|__|^\s*[>*-]\s+")
_SETEXT = re.compile(r"^\s*(?:=+|-{3,})\s*$")


def clean_line(line: str) -> str:
    """A line without markdown/HTML markup: ``# **标题**`` → ``标题``."""
    return _MARKUP.sub("", line).strip().strip("*_ ").strip()


def _title_lines(doc: ParsedDocument, head: int = 30, tail: int = 0) -> list[str]:
    """The first ``head`` (or last ``tail``) non-empty lines, markup stripped."""
    lines = [ln for ln in doc.text.split("\n") if ln.strip() and not _SETEXT.match(ln)]
    lines = lines[-tail:] if tail else lines[: head + 5]
    cleaned = [c for c in (clean_line(ln) for ln in lines) if c]
    return cleaned[-tail:] if tail else cleaned[:head]


def find_title(doc: ParsedDocument) -> str | None:
    """The document's title (see :func:`find_title_source`)."""
    return find_title_source(doc)[0]


def find_title_source(doc: ParsedDocument) -> tuple[str | None, str | None]:
    """(title, source): the reader's page title, the PDF's largest type, else the early line
    naming a 年度报告 (a dated one first), else a title split over two lines.

    Navigation lines ("政府信息公开年报") also name a 年报, so a line with a year wins.  A title
    split over two lines (agency on one, "2023年度政府信息公开工作年度报告" on the next) is joined.
    A file property (DOCX/PDF Title) is never preferred to the text.
    """
    if doc.meta.get("title"):
        return str(doc.meta["title"]).strip(), "page_header"
    heading = clean_line(str(doc.meta.get("heading") or ""))
    if heading and _is_title(heading):
        return _trim_title(heading), "largest_font"
    raw = [ln for ln in doc.text.split("\n") if ln.strip()][:30]
    lines = _title_lines(doc)
    first_heading = bool(raw) and bool(re.match(r"^\s*(#|\*\*|__)", raw[0]))
    cands = [
        i
        for i, line in enumerate(lines)
        if len(line) <= 80 and _is_title(line) and not _NOT_TITLE.search(line)
    ]
    dated = [i for i in cands if _YEAR_IN_TITLE.search(lines[i])]
    if dated or cands:
        i = (dated or cands)[0]
        title = lines[i]
        if find_agency(title) is None and i > 0 and _AGENCY_LINE.search(lines[i - 1]):
            title = lines[i - 1] + title
        source = "first_heading" if i == 0 and first_heading else "title_line"
        return _trim_title(title), source
    lines = lines[:15]
    for i, line in enumerate(lines[:-1]):
        joined = line + lines[i + 1]
        if len(line) <= 80 and len(lines[i + 1]) <= 20 and _is_title(joined):
            return re.sub(r"\s+", " ", joined).strip(), "joined_lines"
    if lines and len(lines[0]) > 80:  # a whole report on one line: its title opens it
        m = re.match(r"^(.{4,80}?(?:年度报告|年报))", lines[0])
        if m and _is_title(m.group(1)) and not _NOT_TITLE.search(m.group(1)):
            return _trim_title(m.group(1)), "title_line"
    prop = str(doc.meta.get("file_title") or "")
    if doc.format == "pdf" and prop and _is_title(prop):
        return _trim_title(prop), "file_property"
    return None, None


def _trim_title(title: str) -> str:
    title = _LONE_DATE.sub("", title) if _is_title(_LONE_DATE.sub("", title)) else title
    return re.sub(r"\s+", " ", title).strip()


# a sentence about the report, not its title: "本年度报告根据《条例》…编制", "根据…，现公布…"
_SENTENCE = re.compile(r"^(?:根据|依据|按照|本(?:年度)?报告)|[，。；,;]|《[^》]*条例》")


# a sentence citing the format notice: 印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知
_CITES_NOTICE = re.compile(r"[〈<]|印发|公开办函|格式[〉>》]|的通知")


def _is_title(text: str) -> bool:
    norm = label_norm(text)
    bare = re.sub(r"[（(][^（）()]*[)）]", "", norm)  # "（更正版，2024年3月）" is still a title
    return (
        ("信息公开" in norm or "政务公开" in norm)
        and bool(_TITLE_HINT.search(norm))
        and not _SENTENCE.search(bare)
        and not _CITES_NOTICE.search(norm)
    )


def find_year(title: str | None, text: str) -> int | None:
    """Report year: from the title, else from the statistics period, else from '20XX年度政府信息公开',
    else from the end of the period a figure is counted to ('截至20XX年12月31日')."""
    return _year_source(title, text)[0]


def find_agency(title: str | None) -> str | None:
    """The agency as the title names it: the text before the year (or before 政府信息公开)."""
    if not title:
        return None
    t = re.sub(r"\s+", "", title)
    head = _AGENCY_TAIL.sub("", t) if _YEAR_IN_TITLE.search(t) else ""
    if not head:
        m = re.match(r"(?:19|20)\d{2}年度?([^度].*?)(?:政府信息公开|政务公开)", t)
        head = m.group(1) if m else ""
    if not head:
        m = re.match(r"(.+?)(?:政府信息公开|政务公开)", t)
        head = m.group(1) if m else ""
    head = re.sub(r"^(?:关于)?(?:19|20)\d{2}年度?$", "", head.strip("《》 "))
    return agency_name(head)


# what an agency's name ends with (人民政府, 局, 委员会, 办公室, 街道办事处, 县, 实验区…)
_AGENCY_END = re.compile(
    r"(?:府|局|委|办|厅|院|中心|处|所|站|队|馆|会|室|部|署|区|县|市|州|旗|盟|"
    r"镇|乡|街道|司|行|社|关|场|园|组)$"
)
_NOT_NAME = re.compile(
    r"[〈〉《》<>*#“”\"'、，,。；;:：]|中华人民共和国$|^(?:本|我|该|依据|根据|按照|"
    r"关于|印发|现将|现予|特此)"
)


def agency_name(text: str | None) -> str | None:
    """``text`` when it reads as an agency's name, else None (never a sentence fragment)."""
    if not text:
        return None
    name = re.sub(r"[（(]单位[)）]$", "", clean_line(text).strip("《》 "))
    name = re.sub(r"^关于", "", name)  # 关于XX局2023年度… : the name follows 关于
    bare = re.sub(r"[（(][^（）()]*[)）]$", "", name)  # 平潭综合实验区管委会（平潭县人民政府）
    if not (2 <= len(name) <= 40) or _NOT_NAME.search(name) or not _AGENCY_END.search(bare):
        return None
    if not re.fullmatch(r"[\u4e00-\u9fff（）()·]+", name):
        return None
    return name


# "现公布区统计局2023年政府信息公开工作年度报告": the opening sentence names the publisher
_PUBLISHER = re.compile(
    r"现(?:将|予|向社会)?公布([\u4e00-\u9fff（）()]{2,30}?)(?:19|20)\d{2}年度?"
    r"(?:政府|政务)?信息公开"
)


def _compiler(doc: ParsedDocument) -> str | None:
    """The agency named as the report's compiler or publisher, when the title names none."""
    head = re.sub(r"\s+", "", doc.text[:3000])
    m = _COMPILER.search(head) or _PUBLISHER.search(head)
    return agency_name(m.group(1)) if m else None  # never 本单位, 我局


_SIG_DATE = r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_TAIL_SIGNATURE = re.compile(
    r"(?:^|[。；;，,！!\s])([\u4e00-\u9fff（）()]{2,40}?)\s*" + _SIG_DATE + r"\s*$"
)


def _signature(doc: ParsedDocument) -> tuple[str | None, str | None]:
    """(agency, date) of the signature closing the report: a name above (or before) a date."""
    lines = _title_lines(doc, tail=8)
    for i in range(len(lines) - 1, -1, -1):
        m = re.fullmatch(_SIG_DATE, lines[i].strip())
        if m and i > 0:
            name = agency_name(lines[i - 1])
            if name:
                return name, _ymd(m)
    m = _TAIL_SIGNATURE.search(doc.text[-200:].strip())
    if m:
        name = agency_name(m.group(1))
        if name:
            return name, f"{m.group(2)}-{int(m.group(3)):02d}-{int(m.group(4)):02d}"
    return None, None


def find_published(doc: ParsedDocument, year: int | None = None) -> str | None:
    """Publication date when the page states it (YYYY-MM-DD).

    In order: the reader's page metadata; a labelled date (发布时间/日期…) near the top; a date
    on the title line or standing alone just below it; the signing date closing the report.  An
    unlabelled date is used only when it falls after the report year began (a report on 2023 is
    dated 2024), so a date quoted inside the report is not taken for its publication.
    """
    raw = doc.meta.get("published")
    if raw:
        m = _ISO.match(str(raw).strip())
        if m:
            return _ymd(m)
    lines = _lines(doc)
    m = _DATE.search("\n".join(lines[:30]))
    if m:
        return _ymd(m)
    for line in lines[:8] + lines[-12:][::-1]:
        m = _LONE_DATE.search(line)
        if (
            m
            and (year is None or int(m.group(1)) >= year)
            and (m.start() == 0 or _is_title(line[: m.start()]))
        ):
            return _ymd(m)
    return None


def _ymd(m: re.Match[str]) -> str:
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def find_region(agency: str | None) -> str | None:
    """The administrative area the agency's name starts with, when it names one."""
    if not agency:
        return None
    m = re.match(r"^(.{2,12}?(?:省|自治区|市|县|区|旗|州))", agency)
    return m.group(1) if m else None


def looks_spam(agency: str | None) -> bool:
    """A hijacked mirror replaces the agency with a gambling-site name."""
    return bool(agency and _SPAM.search(agency))


_CONFIDENCE = {
    "page_header": 0.9,
    "largest_font": 0.9,
    "first_heading": 0.9,
    "title_line": 0.8,
    "joined_lines": 0.7,
    "file_property": 0.4,
    "title": 0.9,
    "unit_line": 0.8,
    "signature": 0.6,
    "opening_sentence": 0.6,
    "statistics_period": 0.9,
    "period_end": 0.6,
    "year_phrase": 0.7,
    "labelled_date": 0.8,
    "title_date": 0.7,
    "signature_date": 0.6,
    "agency": 0.8,
}


def _source(source: str | None, scale: float = 1.0) -> dict[str, Any]:
    if source is None:
        return {"source": None, "confidence": 0.0}
    return {"source": source, "confidence": round(_CONFIDENCE[source] * scale, 2)}


def _year_source(title: str | None, text: str) -> tuple[int | None, str | None]:
    if title:
        m = _YEAR_IN_TITLE.search(title)
        if m:
            return int(m.group(1)), "title"
    norm = label_norm(text[:6000])
    for pat, source in (
        (_PERIOD, "statistics_period"),
        (_YEAR_REPORT, "year_phrase"),
        (_PERIOD_END, "period_end"),
    ):
        m = pat.search(norm)
        if m:
            return int(m.group(1)), source
    return None, None


def _published_source(
    doc: ParsedDocument, year: int | None, signed: str | None
) -> tuple[str | None, str | None]:
    found = find_published(doc, year)
    if found is None:
        if signed and (year is None or int(signed[:4]) >= year):
            return signed, "signature_date"
        return None, None
    if doc.meta.get("published"):
        return found, "page_header"
    if _DATE.search("\n".join(_lines(doc)[:30])):
        return found, "labelled_date"
    return found, ("signature_date" if found == signed else "title_date")


def extract_metadata(doc: ParsedDocument) -> dict[str, Any]:
    """title, agency, year, published, region and ``metadata_sources`` (see module doc)."""
    title, title_src = find_title_source(doc)
    title_conf = _CONFIDENCE[title_src] if title_src else 0.0
    agency, agency_src = find_agency(title), "title"
    if agency and title and re.search(r"[（(]单位[)）]", title):
        agency_src = "unit_line"
    signed_by, signed_on = _signature(doc)
    if agency is None:
        agency, agency_src = signed_by, "signature"
    if agency is None:
        agency, agency_src = _compiler(doc), "opening_sentence"
    agency = expand_agency(agency)
    year, year_src = _year_source(title, doc.text)
    published, published_src = _published_source(doc, year, signed_on)
    region = find_region(agency)
    sources = {
        "title": _source(title_src),
        "agency": _source(
            agency_src if agency else None,
            title_conf if agency_src in ("title", "unit_line") else 1.0,
        ),
        "year": _source(year_src, title_conf if year_src == "title" else 1.0),
        "published": _source(published_src),
        "region": _source("agency" if region else None),
    }
    return {
        "title": title,
        "agency": agency,
        "year": year,
        "published": published,
        "region": region,
        "metadata_sources": sources,
    }
