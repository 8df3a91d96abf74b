"""Recognise 政府信息公开工作年度报告 titles and read the report year from them.

Real columns mix the reports with look-alikes that share words (政府网站工作年度报表, 工作要点,
决算, 预算, 公开指南, "关于做好…年度报告编制工作的通知"), so a title counts only when it *ends*
with the report phrase, once variant suffixes (（图片版）, （超链版）, .pdf, year notes) are removed,
and never when it names a rendering of a report (图解, 一图读懂, 解读, H5, 问答 …).
"""

from __future__ import annotations

import re

from extract.template import simplified

# Years written in Chinese numerals (二〇二三年).
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")

# The report phrase: (政府)信息公开(工作)(年度)(工作)(年度)报告, anchored at the end.
_PHRASE = re.compile(r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:年度)?报告$")
_SUFFIX = re.compile(
    r"(?:[（(][^（）()]{0,20}[)）]|\.(?:pdf|docx?|wps|ofd|xlsx?|html?)|[\s.。…]+)$", re.IGNORECASE
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# A notice *about* reports, a correction note or an interpretation is not a report; nor is a
# mirror/aggregator copy ("（镜像）", an anonymised "某市…").
_REJECT = re.compile(
    r"^关于|通知|通报|公告|要点|报表|决算|预算|指南|目录|解读|说明|汇总|统计表|的更正"
    r"|镜像|^(?:转载[:：])?某[省市区县]"
)
# Renderings *of* a report (an infographic, an interpretation, an H5 page, a Q&A, a video) are
# not the report, wherever the word stands — also inside a trailing bracket such as （图解）.
# The published variants （图片版）/（超链版） are the report and carry none of these words.
_LOOKALIKE = re.compile(
    r"图解|一图(?:读懂|看懂|了解|速览|带你)|图说|图读|长图|[Hh\uff28\uff48][5\uff15]"
    r"|问答|答记者问|解读|动漫|漫画|视频|新闻发布会|快讯"
)
# A navigation label that mentions 年报 but leads to an article or a news item about reports, not
# to a column of them: a notice (关于…的通知), a press event (年报发布会, 召开…会议), a training, a
# budget/final account, or the 政府工作报告 (the government's work report, another document).
_NAV_REJECT = re.compile(
    r"^关于|通知|通报|公告|要点|决算|预算|的更正|镜像|发布会|召开|举行|举办|会议|培训|座谈"
    r"|部署|政府工作报告"
)
# Lists that lack a title show the body's first sentence, which in a report is the statute one.
_OPENING = re.compile(
    r"^本(?:年度)?报告(?:是)?(?:根据|依据|按照)《中华人民共和国政府信息公开条例》"
)
# "统计期限自2023年1月1日起至2023年12月31日止" — the year a report body says it covers.
_PERIOD = re.compile(r"(20\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到)")


def normalise(title: str) -> str:
    """One line, no spacing, simplified, with Chinese-numeral years turned into digits."""
    text = simplified(re.sub(r"\s+|/|／|\|", "", title or ""))
    return re.sub(
        r"[〇○零一二三四五六七八九]{4}(?=年)", lambda m: m.group(0).translate(_CN_DIGITS), text
    )


def _core(title: str) -> str:
    text = normalise(title)
    while True:
        stripped = _SUFFIX.sub("", text)
        if stripped == text:
            return text
        text = stripped


def is_report_title(title: str) -> bool:
    """True for an annual information-disclosure report title, False for look-alikes."""
    return rejection(title) is None


def rejection(title: str) -> str | None:
    """Why a title is not a report's (None when it is one) — for operators reading a site."""
    core = _core(title)
    if _OPENING.match(core):
        return None
    if not core:
        return "empty title"
    if len(core) > 80:
        return "too long for a title"
    if not _PHRASE.search(core):
        return "does not end with the report phrase (…信息公开工作年度报告)"
    found = _REJECT.search(core) or _LOOKALIKE.search(normalise(title))
    return f"look-alike: {found.group(0)}" if found else None


def nav_rejection(label: str) -> str | None:
    """Why a navigation link labelled with 年报/年度报告 is not a 年报 column (None if it may
    be one): the title look-alikes (图解, 一图读懂, 解读, H5, 问答, 视频, 新闻发布会 …) and the
    news/notice words above. Why: following such a link as a column costs a list page that
    parses to nothing, or worse, an infographic read as a list."""
    text = normalise(label)
    found = _LOOKALIKE.search(text) or _NAV_REJECT.search(text)
    return f"look-alike: {found.group(0)}" if found else None


def report_year(title: str) -> int | None:
    """The year the report covers: the last `YYYY年` before the report phrase (year-first too)."""
    core = _core(title)
    match = _PHRASE.search(core)
    head = core[: match.start()] if match else core
    years = [int(y) for y in _YEAR.findall(head) if 2000 <= int(y) <= 2100]
    return years[-1] if years else None


def variant(title: str) -> str | None:
    """The published variant named in the title (图片版, 超链版, …), if any."""
    found = re.search(r"[（(]([^（）()]{1,8}版)[)）]", normalise(title))
    return found.group(1) if found else None


def year_from_text(text: str) -> int | None:
    """The covered year from a report body (statistics period, else `YYYY年…信息公开…报告`)."""
    head = normalise(text[:5000])
    found = _PERIOD.search(head) or re.search(
        r"(20\d{2})年度?(?:政府)?信息公开(?:工作)?(?:年度)?报告", head
    )
    return int(found.group(1)) if found else None
