"""The template identities (勾稽关系) and 正文-vs-表 figures, as explicit check records.

Why: a failed identity is a finding, about the document or about the extraction, and the data
must say which, with the evidence.  Culprit rule: when every cell involved was read as printed,
the document itself breaks the identity ("source"); when a cell came from splitting run-together
digits or from aligning detached rows, the reading may be at fault ("unknown").
"""

from __future__ import annotations

import re
from typing import Any

from extract.figures import listed_figures, listed_outcomes, own_figure
from extract.template import (
    APP_CARRIED_FORWARD,
    APP_CARRIED_OVER,
    APP_COLUMNS,
    APP_NEW,
    APP_TOTAL,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    app_rows,
    label_norm,
    result_rows,
)

Number = int | float
COLS = [c for c, _, _ in APP_COLUMNS]


def _check(
    rule: str,
    keys: list[str],
    values: dict[str, Number | None],
    lhs: list[str],
    rhs: list[str],
    how: dict[str, str],
    message: str,
) -> dict[str, Any]:
    nums = {k: values.get(k) for k in keys}
    if any(v is None for v in nums.values()):
        missing = [k for k, v in nums.items() if v is None]
        return {
            "rule": rule,
            "status": "not_assessable",
            "keys": keys,
            "numbers": nums,
            "culprit": "unknown",
            "message": f"{message}: cells missing {missing}",
        }
    left = sum(nums[k] for k in lhs)  # type: ignore[misc]
    right = sum(nums[k] for k in rhs)  # type: ignore[misc]
    if abs(left - right) < 1e-6:
        return {
            "rule": rule,
            "status": "pass",
            "keys": keys,
            "numbers": nums,
            "culprit": "unknown",
            "message": message,
        }
    derived = [k for k in keys if how.get(k, "cell") != "cell"]
    culprit = "unknown" if derived else "source"
    note = f" ({len(derived)} reconstructed cell(s))" if derived else " (as printed)"
    return {
        "rule": rule,
        "status": "fail",
        "keys": keys,
        "numbers": nums,
        "culprit": culprit,
        "message": f"{message}: {_fmt(left)} != {_fmt(right)}{note}",
    }


def _fmt(x: Number) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def table_checks(
    values: dict[str, Number | None], how: dict[str, str], other_split: bool
) -> list[dict[str, Any]]:
    """Identities 1-4 of the spec, over whatever cells were extracted."""
    out: list[dict[str, Any]] = []
    if any(k.startswith("app.") for k in values):
        for rd in app_rows(other_split):
            keys = rd.cell_keys()
            if any(k in values for k in keys):
                out.append(
                    _check(
                        "app.row_total",
                        keys,
                        values,
                        keys[:6],
                        keys[6:],
                        how,
                        f"{rd.key}: six applicant columns = 总计",
                    )
                )
        for c in COLS:
            keys = [
                f"{r.key}.{c}" for r in (APP_NEW, APP_CARRIED_OVER, APP_TOTAL, APP_CARRIED_FORWARD)
            ]
            out.append(
                _check(
                    "app.balance",
                    keys,
                    values,
                    keys[:2],
                    keys[2:],
                    how,
                    f"column {c}: 一 + 二 = 三(七) + 四",
                )
            )
            parts = [f"{r.key}.{c}" for r in result_rows(other_split)]
            keys = parts + [f"{APP_TOTAL.key}.{c}"]
            out.append(
                _check(
                    "app.results_total",
                    keys,
                    values,
                    parts,
                    keys[-1:],
                    how,
                    f"column {c}: 三(一)…(六) = 三(七)总计",
                )
            )
    if any(k.split(".")[0] in {g for g, _ in REVIEW_GROUPS} for k in values):
        for g, _ in REVIEW_GROUPS:
            keys = [f"{g}.{r}" for r, _ in REVIEW_RESULTS]
            out.append(
                _check(
                    "review.group_total",
                    keys,
                    values,
                    keys[:4],
                    keys[4:],
                    how,
                    f"{g}: 维持 + 纠正 + 其他 + 尚未审结 = 总计",
                )
            )
    return out


# ------------------------------------------------------------------ 正文 figures
_NUM = r"(\d+)"
_GAP = r"[^。；;，,、\d]{0,12}?"  # a few words, no clause break and no other number
_DOCS = r"(?:的)?(?:行政)?规范性文件(?:共|数量为|为)?"
_FIGURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "app.new.total",
        (
            r"(?:新收|收到|受理)(?:政府信息公开|依申请公开)?(?:申请)?(?:共计|总计|合计|共)?"
            + _NUM
            + r"件",
            r"(?:新收|收到|受理)"
            + _GAP
            + r"申请(?:共计|总计|合计|共|数量为|数为|为)?"
            + _NUM
            + r"件",
            r"(?:新收|收到|受理)" + _GAP + r"申请[，,](?:共计|总计|合计)" + _NUM + r"件",
        ),
    ),
    (
        "app.result.disclosed_or_partial.total",
        (r"予以公开(?:和|及|与|、|或)部分公开(?:的)?(?:申请)?(?:共计|共|合计)?" + _NUM + r"件",),
    ),
    (
        "app.carried_over.total",
        (r"上年(?:度)?结转(?:政府信息公开)?(?:申请)?(?:共|为)?" + _NUM + r"件",),
    ),
    (
        "app.carried_forward.total",
        (r"结转(?:至)?下(?:一)?年度?(?:继续)?(?:办理)?(?:的)?(?:申请)?(?:共|为)?" + _NUM + r"件",),
    ),
    (
        "review.total",
        (
            r"行政复议(?:案件|申请)?(?:共|数为|数量为|为)?" + _NUM + r"件",
            _NUM + r"件" + _GAP + r"行政复议",
        ),
    ),
    (
        "litigation.total",
        (
            r"行政诉讼(?:案件)?(?:共|数为|数量为|为)?" + _NUM + r"件",
            _NUM + r"件" + _GAP + r"行政诉讼",
        ),
    ),
    ("active.normative_docs.issued", (r"制发" + _GAP + _DOCS + _NUM + r"件",)),
    ("active.normative_docs.repealed", (r"废止" + _GAP + _DOCS + _NUM + r"件",)),
    ("active.normative_docs.in_force", (r"现行有效" + _DOCS + _NUM + r"件",)),
    (
        "active.licensing.decisions",
        (
            r"(?:作出|做出)行政许可(?:决定)?(?:共)?" + _NUM + r"(?:件|宗|个)",
            r"行政许可决定(?:书)?(?:共|数为|数量为|为)?" + _NUM + r"(?:件|宗|个)",
        ),
    ),
    (
        "active.punishment.decisions",
        (
            r"(?:作出|做出)行政处罚(?:决定)?(?:共)?" + _NUM + r"(?:件|宗|个)",
            r"行政处罚决定(?:书)?(?:共|数为|数量为|为)?" + _NUM + r"(?:件|宗|个)",
        ),
    ),
)
# 正文 figure -> the table cell(s) it summarises
_TARGETS: dict[str, list[str]] = {
    **{
        f"litigation.{r}": [f"litigation_direct.{r}", f"litigation_after_review.{r}"]
        for r, _ in REVIEW_RESULTS
    },
    "app.result.disclosed_or_partial.total": [
        "app.result.disclosed.total",
        "app.result.partial.total",
    ],
}


def figure_targets(figure: str) -> list[str]:
    """The table cells whose sum a 正文 figure states (the figure's own key by default)."""
    return _TARGETS.get(figure, [figure])


def narrative_figures(text: str, year: int | None = None) -> dict[str, Number]:
    """Figures the 正文 states: a key only when every statement of it gives the same number.

    Table text is excluded by the patterns themselves (a number must be followed by 件/宗 and
    preceded by the words that name it, with no other number in between).  A figure of another
    year (``year``, the report's, when known), body or span is not stated here at all
    (extract.figures.own_figure).
    """
    norm = label_norm(text)
    stated = listed_figures(norm, year)
    for key, found in listed_outcomes(norm, year).items():
        stated.setdefault(key, set()).update(found)
    for key, patterns in _FIGURES:
        found = {
            int(m.group(1))
            for pat in patterns
            for m in re.finditer(pat, norm)
            if own_figure(norm, m.start(), year)
        }
        stated.setdefault(key, set()).update(found)
    return {key: next(iter(found)) for key, found in stated.items() if len(found) == 1}


def narrative_checks(
    figures: dict[str, Number], values: dict[str, Number | None], how: dict[str, str]
) -> list[dict[str, Any]]:
    """正文 vs 表: each stated figure against the table cell(s) it summarises."""
    out: list[dict[str, Any]] = []
    for fig, stated in figures.items():
        keys = figure_targets(fig)
        if not any(k in values for k in keys):
            continue
        nums = {k: values.get(k) for k in keys}
        if any(v is None for v in nums.values()):
            out.append(
                {
                    "rule": "narrative." + fig,
                    "status": "not_assessable",
                    "keys": keys,
                    "numbers": {**nums, "正文": stated},
                    "culprit": "unknown",
                    "message": f"正文 states {stated}; table cells missing",
                }
            )
            continue
        total = sum(nums.values())  # type: ignore[arg-type]
        ok = abs(total - stated) < 1e-9
        derived = [k for k in keys if how.get(k, "cell") != "cell"]
        out.append(
            {
                "rule": "narrative." + fig,
                "status": "pass" if ok else "fail",
                "keys": keys,
                "numbers": {**nums, "正文": stated},
                "culprit": "unknown" if (ok or derived) else "source",
                "message": f"正文 states {stated}, table has {_fmt(total)}",
            }
        )
    return out
