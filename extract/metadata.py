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
_DATE = re.compile(r"(?:发布时间|发布日期|日期|时间|发文日期)[:：]\s*((?:19|20)\d{2})[-年/.]"
                   r"(\d{1,2})[-月/.](\d{1,2})")
_ISO = re.compile(r"^((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_AGENCY_TAIL = re.compile(r"(关于)?((?:19|20)\d{2})\s*年度?.*$")
_REGION = re.compile(r"^(.{1,6}?(?:省|自治区)?.{0,6}?(?:市|州|盟)?.{0,6}?(?:县|区|旗|市))")
_SPAM = re.compile(r"bet|casino|娱乐城|博彩|彩票|赌场|官方网站|体育投注|开户", re.IGNORECASE)


def _lines(doc: ParsedDocument) -> list[str]:
    return [ln.strip() for ln in doc.text.split("\n") if ln.strip()]


def find_title(doc: ParsedDocument) -> str | None:
    """The reader's title, else the first early line (joined with the next) naming a 年度报告."""
    if doc.meta.get("title"):
        return str(doc.meta["title"]).strip()
    lines = _lines(doc)[:15]
    for line in lines:
        if len(line) <= 80 and _is_title(line):
            return re.sub(r"\s+", " ", line).strip()
    for i, line in enumerate(lines[:-1]):
        joined = line + lines[i + 1]
        if len(line) <= 80 and len(lines[i + 1]) <= 20 and _is_title(joined):
            return re.sub(r"\s+", " ", joined).strip()
    return None


def _is_title(text: str) -> bool:
    norm = label_norm(text)
    return "信息公开" in norm and bool(_TITLE_HINT.search(norm)) and not norm.startswith("根据")


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
        m = re.match(r"(?:19|20)\d{2}年度?(.+?)(?:政府信息公开|政务公开)", t)
        head = m.group(1) if m else ""
    if not head:
        m = re.match(r"(.+?)(?:政府信息公开|政务公开)", t)
        head = m.group(1) if m else ""
    head = head.strip("《》 ")
    return head or None


def find_published(doc: ParsedDocument) -> str | None:
    """Publication date when the page states it (YYYY-MM-DD)."""
    raw = doc.meta.get("published")
    if raw:
        m = _ISO.match(str(raw).strip())
        if m:
            return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = _DATE.search("\n".join(_lines(doc)[:30]))
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    return None


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
    agency = find_agency(title)
    return {"title": title, "agency": agency, "year": find_year(title, doc.text),
            "published": find_published(doc), "region": find_region(agency)}
