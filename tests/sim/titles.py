"""Deterministic look-alike titles and small bodies, so discovery must filter by title.

The decoys are what real 信息公开 columns are full of: 网站年度报表, 工作要点, 部门决算/预算,
公开指南, 通知 … many of which contain 年度, 报告 or 政府信息公开 without being a 年报.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from html import escape

DECOY_PATTERNS: tuple[str, ...] = (
    "{unit}{y}年度政府网站工作年度报表",
    "{unit}{y}年政府网站工作年度报表",
    "{unit}{y}年工作要点",
    "{unit}{y}年度部门决算",
    "{unit}{y}年度部门预算",
    "{unit}{y}年政务公开工作要点",
    "{unit}政府信息公开指南",
    "{unit}政府信息公开指南（{y}年修订）",
    "{unit}政府信息公开制度",
    "{unit}{y}年法治政府建设年度报告",
    "{unit}{y}年工作总结和{y1}年工作思路",
    "{unit}{y}年度国有资产管理情况报告",
    "关于{unit}{y}年度部门决算公开的说明",
    "关于印发《{unit}{y1}年政务公开工作要点》的通知",
    "关于开展{y}年度政府信息公开工作自查的通知",
    "关于做好{y}年政府信息公开工作年度报告编制发布工作的通知",
    "关于公布{y}年度{unit}权责清单的通知",
    "{unit}关于{y}年第{q}季度政府网站和政务新媒体检查情况的通报",
    "{unit}{y}年政府信息公开工作要点",
    "{unit}{y}年度行政执法统计年报",
    "{unit}{y}年度法治政府建设情况报告",
    "{unit}{y}年重点民生实事项目进展情况",
    "{unit}{y}年财政预算执行情况和{y1}年财政预算草案的报告",
    "{unit}{y}年度“双随机、一公开”抽查计划",
    "{unit}依申请公开流程图",
    "{unit}主动公开基本目录（{y}年版）",
    "{unit}{y}年度优化营商环境工作报告",
    "{unit}{y}年人大代表建议和政协提案办理情况",
)


def decoy_title(rng: random.Random, unit: str, year: int) -> str:
    pattern = rng.choice(DECOY_PATTERNS)
    return pattern.format(unit=unit, y=year, y1=year + 1, q=rng.randint(1, 4))


def decoy(
    rng: random.Random,
    units: str | list[str],
    *,
    first_year: int = 2016,
    dated_by_title: bool = False,
) -> tuple[str, datetime, str, str]:
    """One look-alike item: (title, publication time, body, publishing unit).

    The publication lands in the following year always, or (`dated_by_title`) only when the
    title is about a whole year ("…年度…").
    """
    year = rng.randint(first_year, 2024)
    unit = units if isinstance(units, str) else rng.choice(units)
    title = decoy_title(rng, unit, year)
    bump = 1 if not dated_by_title or "年度" in title else 0
    return title, pub_datetime(rng, year + bump), decoy_body(rng, title, unit), unit


def decoy_body(rng: random.Random, title: str, unit: str) -> str:
    """A short, plausible page body for a non-report item."""
    sentences = [
        f"为进一步做好{unit}相关工作，现将有关事项公布如下。",
        "一、工作目标。坚持以人民为中心的发展思想，持续深化政务公开，提升政府透明度。",
        "二、主要任务。加强政策解读，做好回应关切，规范依申请公开办理。",
        "三、保障措施。加强组织领导，落实工作责任，强化监督考核。",
        f"{unit}网站本年度共发布信息{rng.randint(80, 900)}条，栏目{rng.randint(10, 60)}个。",
        "特此公告。",
    ]
    rng.shuffle(sentences)
    keep = sentences[: rng.randint(2, 5)]
    return "\n".join(f"<p>{escape(s)}</p>" for s in [title, *keep])


def pub_datetime(rng: random.Random, year: int, report: bool = False) -> datetime:
    """A publish time; reports cluster 10 Jan - 20 Feb (some slip to March)."""
    if report:
        start = datetime(year, 1, 10, 9, 0)
        span = 41 if rng.random() < 0.85 else 80
        moment = start + timedelta(days=rng.randrange(span))
    else:
        moment = datetime(year, 1, 1, 8, 0) + timedelta(days=rng.randrange(364))
    return moment.replace(hour=rng.randint(8, 17), minute=rng.randrange(60))


def hex32(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def truncate(title: str, limit: int = 28) -> str:
    """Hanweb list text: long titles cut with '...' (full title stays in title=)."""
    return title if len(title) <= limit else title[: limit - 1] + "..."
