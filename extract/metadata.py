"""Report metadata: title, agency (as in the title), report year, publication date, region.

Why: the report year is the year the data covers (a 2023 report is published in 2024), so it
is read from the title or the statistics period, never from the publication date.
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
_DATE = re.compile(r"(?:发布时间|发布日期|日期|时间|发文日期)(?:[:：]\s*|\s+)((?:19|20)\d{2})[-年/.]"
                   r"(\d{1,2})[-月/.](\d{1,2})")
_LONE_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})"
                        r"\s*日?\s*$")
_ISO = re.compile(r"^((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_AGENCY_TAIL = re.compile(r"(关于)?((?:19|20)\d{2})\s*年度?.*$")
_REGION = re.compile(r"^(.{1,6}?(?:省|自治区)?.{0,6}?(?:市|州|盟)?.{0,6}?(?:县|区|旗|市))")
# breadcrumbs (首页>信息公开>年报), page fields (组配分类: 政府信息公开年报), source comments
_NOT_TITLE = re.compile(r"[>›»]|当前位置|首页|^#|^[\u4e00-\u9fff]{2,6}\s*[:：]")
# "由上海市静安区人民政府办公室编制": the compiler named in the first paragraph
_COMPILER = re.compile(r"由([\u4e00-\u9fff（）()]{4,30}?)(?:负责)?(?:编制|编写|起草)")
# a line that is an agency's name on its own (the first half of a split title)
_AGENCY_LINE = re.compile(r"^(?:(?:19|20)\d{2}年度?)?[\u4e00-\u9fff（）()]{2,40}(?:政府|办公室|办公厅|"
                          r"办事处|局|委员会|委|办|厅|院|中心|街道|镇|乡|区|县|市|管委会|部|署|处|所)$")
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


def find_title(doc: ParsedDocument) -> str | None:
    """The reader's title, else the early line naming a 年度报告 (a dated one first).

    Navigation lines ("政府信息公开年报") also name a 年报, so a line with a year wins.  A title
    split over two lines (agency on one, "2023年度政府信息公开工作年度报告" on the next) is joined.
    """
    if doc.meta.get("title"):
        return str(doc.meta["title"]).strip()
    lines = _lines(doc)[:30]
    cands = [i for i, line in enumerate(lines) if len(line) <= 80 and _is_title(line)
             and not _NOT_TITLE.search(line)]
    dated = [i for i in cands if _YEAR_IN_TITLE.search(lines[i])]
    if dated or cands:
        i = (dated or cands)[0]
        title = lines[i]
        if find_agency(title) is None and i > 0 and _AGENCY_LINE.search(lines[i - 1]):
            title = lines[i - 1] + title
        title = _LONE_DATE.sub("", title) if _is_title(_LONE_DATE.sub("", title)) else title
        return re.sub(r"\s+", " ", title).strip()
    lines = lines[:15]
    for i, line in enumerate(lines[:-1]):
        joined = line + lines[i + 1]
        if len(line) <= 80 and len(lines[i + 1]) <= 20 and _is_title(joined):
            return re.sub(r"\s+", " ", joined).strip()
    return None


# a sentence about the report, not its title: "本年度报告根据《条例》…编制", "根据…，现公布…"
_SENTENCE = re.compile(r"^(?:根据|依据|按照|本(?:年度)?报告)|[，。；,;]|《[^》]*条例》")


def _is_title(text: str) -> bool:
    norm = label_norm(text)
    bare = re.sub(r"[（(][^（）()]*[)）]", "", norm)  # "（更正版，2024年3月）" is still a title
    return ("信息公开" in norm and bool(_TITLE_HINT.search(norm))
            and not _SENTENCE.search(bare))


def find_year(title: str | None, text: str) -> int | None:
    """Report year: from the title, else from the statistics period, else from '20XX年度政府信息公开'."""
    if title:
        m = _YEAR_IN_TITLE.search(title)
        if m:
            return int(m.group(1))
    norm = label_norm(text[:6000])
    for pat in (_PERIOD, _YEAR_REPORT):
        m = pat.search(norm)
        if m:
            return int(m.group(1))
    return None


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
    return head or None


# "现公布区统计局2023年政府信息公开工作年度报告": the opening sentence names the publisher
_PUBLISHER = re.compile(r"现(?:将|予|向社会)?公布([\u4e00-\u9fff（）()]{2,30}?)(?:19|20)\d{2}年度?"
                        r"(?:政府|政务)?信息公开")


def _compiler(doc: ParsedDocument) -> str | None:
    """The agency named as the report's compiler or publisher, when the title names none."""
    head = re.sub(r"\s+", "", doc.text[:3000])
    m = _COMPILER.search(head) or _PUBLISHER.search(head)
    name = m.group(1) if m else None
    return None if name is None or name.startswith(("本", "我", "该")) else name  # 本单位, 我局


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
        if m and (year is None or int(m.group(1)) >= year) and (
                m.start() == 0 or _is_title(line[: m.start()])):
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


def extract_metadata(doc: ParsedDocument) -> dict[str, Any]:
    title = find_title(doc)
    agency = expand_agency(find_agency(title) or _compiler(doc))
    year = find_year(title, doc.text)
    return {"title": title, "agency": agency, "year": year,
            "published": find_published(doc, year), "region": find_region(agency)}
