"""表二 figures the 正文 states as a list: ``制发行政规范性文件69件，废止3件，现行有效665件``.

Why: a report flattened onto one line prints 表二's 规章 / 行政规范性文件 rows as one digit run
(``693665``), and no identity ties 本年制发, 本年废止 and 现行有效 together; only the 正文 can
say where the run splits.  Reports word it as a list: the first clause names the document kind
(``制发行政规范性文件69件``, ``现行有效的行政规范性文件102件``), the clauses after it, separated
by ``，`` or ``、``, drop the noun (``废止3件``).  A clause is read only inside such a list, right
after a clause that names its kind, so a figure about something else (``清理文件12件``) never
attaches.  The caller keeps a key only when every statement of it agrees (extract.checks).
"""

from __future__ import annotations

import re

# Words before a figure, in its clause, that make it another year's, another body's or a
# running total's figure (上年制发…, 全市制发…, 累计…, 作为复议机关办理行政复议案件…): such a
# figure is not this report's and must never pick a reading of the report's own cells.
_NOT_OWN = re.compile(
    r"上一?年|去年|前年|往年|历年|同期|累计|截至|截止|以来|近[\d一二三四五六七八九十两]+年"
    r"|全[市县区省州盟旗]|各[部单乡镇街级县区市]|下属|所属|系统内|指导|督促|复议机关"
    r"|(?:办理|受理|审理|审结|代理)$"
)
_CLAUSE_END = re.compile(r"[。；;！!？?，,、]")
_SENTENCE_END = re.compile(r"[。；;！!？?]")
_YEAR = re.compile(r"(20\d\d)年")


def own_figure(norm: str, start: int, year: int | None) -> bool:
    """Whether the figure stated at ``start`` is this report's own (year, body, span).

    Why: a 正文 figure settles which reading of a digit run is kept, and the reading it agrees
    with is then kept without doubt; a figure about last year or the whole city that happens
    to fit one reading would be kept silently wrong.  Its clause must carry none of the words
    that point elsewhere, and its sentence no year other than the report's (none at all when
    the report's year is unknown).
    """
    sentence = norm[max(0, start - 200) : start]  # no copy of the whole text per figure
    sentence = _SENTENCE_END.split(sentence)[-1]
    clause = _CLAUSE_END.split(sentence)[-1]
    if _NOT_OWN.search(clause):
        return False
    # a year stated while the report's is unknown may be any year: not known to be its own
    return all(year is not None and int(y) == year for y in _YEAR.findall(sentence))


_KINDS = {"规章": "active.regulations", "规范性文件": "active.normative_docs"}
_VERBS = {
    "制发": "issued",
    "新制发": "issued",
    "新制定": "issued",
    "印发": "issued",
    "出台": "issued",
    "废止": "repealed",
    "现行有效": "in_force",
}
_VERB = r"(?P<verb>新制发|制发|新制定|印发|出台|废止|现行有效)"
_WHEN = r"(?:其中)?(?:本年度?|全年|年内)?"
_COUNT = r"(?:共计|共|合计|数量为|为)?(?P<n>\d+)件"
_HEAD = re.compile(_WHEN + _VERB + r"(?:的)?(?:政府)?(?P<kind>(?:行政)?规范性文件|规章)" + _COUNT)
_NEXT = re.compile(r"[，,、]" + _WHEN + _VERB + r"(?:的)?" + _COUNT)


def listed_figures(norm: str, year: int | None = None) -> dict[str, set[int]]:
    """Every 表二 figure stated in a list, by key (all statements, for the caller to agree)."""
    out: dict[str, set[int]] = {}
    for head in _HEAD.finditer(norm):
        if not own_figure(norm, head.start(), year):
            continue
        kind = _KINDS["规章" if head.group("kind") == "规章" else "规范性文件"]
        out.setdefault(f"{kind}.{_VERBS[head.group('verb')]}", set()).add(int(head.group("n")))
        pos = head.end()
        while m := _NEXT.match(norm, pos):
            out.setdefault(f"{kind}.{_VERBS[m.group('verb')]}", set()).add(int(m.group("n")))
            pos = m.end()
    return out


# 表四 outcomes: ``行政复议案件2件，其中结果维持1件、结果纠正1件``; a 诉讼 figure is the sum of the
# two 诉讼 groups (未经复议直接起诉 + 复议后起诉), see extract.checks.figure_targets
_CASES = re.compile(
    r"(?P<kind>行政复议|行政诉讼)(?:案件|申请)?(?:共计|共|数为|数量为|为)?(?P<n>\d+)件"
    r"[，,（(]?(?:其中)?"
)
_OUTCOME = re.compile(
    r"(?:结果)?(?P<what>维持|纠正|其他结果|尚未审结)(?:的)?(?:共|为)?(?P<n>\d+)件[，,、；;）)]?"
)
_OUTCOMES = {"维持": "upheld", "纠正": "corrected", "其他结果": "other", "尚未审结": "pending"}
_GROUP = {"行政复议": "review", "行政诉讼": "litigation"}


def listed_outcomes(norm: str, year: int | None = None) -> dict[str, set[int]]:
    """表四 outcome figures stated right after a 复议/诉讼 count, by key (``review.upheld``,
    ``litigation.upheld`` = both 诉讼 groups)."""
    out: dict[str, set[int]] = {}
    for head in _CASES.finditer(norm):
        if not own_figure(norm, head.start(), year):
            continue
        group = _GROUP[head.group("kind")]
        pos = head.end()
        while m := _OUTCOME.match(norm, pos):
            key = f"{group}.{_OUTCOMES[m.group('what')]}"
            out.setdefault(key, set()).add(int(m.group("n")))
            pos = m.end()
    return out
