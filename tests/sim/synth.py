"""Synthetic reports for realistic volume: full national tables, numbers that add up.

The corpus has only a handful of real reports; department columns need many more so that
volume, duplicates and year-over-year comparisons are realistic. Reports for 2021 on follow
the 2021 national format (国办公开办函〔2021〕30号) with every row of its three tables, laid
out as Word-pasted pages are (merged label cells via rowspan/colspan, a two-row 表三 header);
reports for earlier years are narrative-only, as pre-template reports often were. Numbers are
random but satisfy every identity of the template, and the 总体情况 states the same totals,
so an extractor run over a demo crawl should find nothing wrong. Flagged `synthetic`.
"""

from __future__ import annotations

import random
from html import escape

COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")

# (group label, [(sub-row label, weight)]): the 23 result rows of 表三 in template order.
RESULT_GROUPS: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = (
    ("（一）予以公开", (("", 8),)),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (("", 2),)),
    (
        "（三）不予公开",
        (
            ("1.属于国家秘密", 0),
            ("2.其他法律行政法规禁止公开", 0),
            ("3.危及“三安全一稳定”", 0),
            ("4.保护第三方合法权益", 1),
            ("5.属于三类内部事务信息", 1),
            ("6.属于四类过程性信息", 1),
            ("7.属于行政执法案卷", 1),
            ("8.属于行政查询事项", 1),
        ),
    ),
    (
        "（四）无法提供",
        (
            ("1.本机关不掌握相关政府信息", 5),
            ("2.没有现成信息需要另行制作", 1),
            ("3.补正后申请内容仍不明确", 1),
        ),
    ),
    (
        "（五）不予处理",
        (
            ("1.信访举报投诉类申请", 1),
            ("2.重复申请", 1),
            ("3.要求提供公开出版物", 0),
            ("4.无正当理由大量反复申请", 0),
            ("5.要求行政机关确认或重新出具已获取信息", 0),
        ),
    ),
    (
        "（六）其他处理",
        (
            ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 1),
            ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 0),
            ("3.其他", 1),
        ),
    ),
)

OPENINGS = (
    "坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实党中央、国务院关于全面推进政务公开的决策部署",
    "紧紧围绕中心工作，深入推进决策、执行、管理、服务、结果公开",
    "以提升政务公开质效为目标，持续完善政府信息公开工作机制",
    "聚焦群众关切，强化政策解读和回应，不断提高政府工作透明度",
)
PROBLEMS = (
    "一是信息公开的及时性有待提高；二是政策解读形式较为单一。",
    "一是部分栏目更新不够及时；二是依申请公开答复的规范性仍需加强。",
    "一是政务新媒体运维力量不足；二是公开内容与群众需求的契合度有待提升。",
)


def _cell(value: object, *, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
        f' colspan="{colspan}"' if colspan > 1 else ""
    )
    return f"<td{attrs}><p><span>{escape(str(value))}</span></p></td>"


def _table(rows: list[str]) -> str:
    body = "\n".join(f"<tr>{r}</tr>" for r in rows)
    return (
        '<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>\n'
        f"{body}\n</tbody></table>"
    )


def _split(rng: random.Random, total: int, weights: list[int]) -> list[int]:
    """Distribute `total` over slots with the given weights (zero weight stays zero)."""
    out = [0] * len(weights)
    live = [i for i, w in enumerate(weights) if w > 0]
    for _ in range(total):
        out[rng.choices(live, [weights[i] for i in live])[0]] += 1
    return out


def _applications(rng: random.Random) -> dict[str, list[int]]:
    """表三 per applicant column: new, carried, the 23 results, carried forward."""
    weights = [w for _group, subs in RESULT_GROUPS for _label, w in subs]
    new = [rng.randint(0, 40)] + [rng.choice((0, 0, 0, 1, 2, 3)) for _ in range(5)]
    carried = [rng.choice((0, 0, 1, 2))] + [rng.choice((0, 0, 0, 1)) for _ in range(5)]
    results: list[list[int]] = [[0] * 6 for _ in weights]
    forward = [0] * 6
    for col in range(6):
        incoming = new[col] + carried[col]
        forward[col] = rng.choice((0, 0, 0, 1)) if incoming else 0
        for row, n in enumerate(_split(rng, incoming - forward[col], weights)):
            results[row][col] = n
    return {
        "new": new,
        "carried": carried,
        "forward": forward,
        **{f"r{i}": r for i, r in enumerate(results)},
    }


def _with_total(values: list[int]) -> list[int]:
    return [*values, sum(values)]


def _table_two(rng: random.Random) -> tuple[str, dict[str, int]]:
    figures = {
        "licensing": rng.randint(0, 3000),
        "punishment": rng.randint(0, 1500),
        "coercion": rng.randint(0, 60),
    }
    issued = rng.randint(0, 6)
    in_force = issued + rng.randint(0, 30)
    fee = rng.choice(("0", "0", f"{rng.randint(1, 9999) / 100:.2f}"))
    rows = [
        _cell("第二十条第（一）项", colspan=4),
        _cell("信息内容") + _cell("本年制发件数") + _cell("本年废止件数") + _cell("现行有效件数"),
        _cell("规章") + _cell(0) + _cell(0) + _cell(0),
        _cell("行政规范性文件") + _cell(issued) + _cell(rng.randint(0, 2)) + _cell(in_force),
        _cell("第二十条第（五）项", colspan=4),
        _cell("信息内容") + _cell("本年处理决定数量", colspan=3),
        _cell("行政许可") + _cell(figures["licensing"], colspan=3),
        _cell("第二十条第（六）项", colspan=4),
        _cell("信息内容") + _cell("本年处理决定数量", colspan=3),
        _cell("行政处罚") + _cell(figures["punishment"], colspan=3),
        _cell("行政强制") + _cell(figures["coercion"], colspan=3),
        _cell("第二十条第（八）项", colspan=4),
        _cell("信息内容") + _cell("本年收费金额（单位：万元）", colspan=3),
        _cell("行政事业性收费") + _cell(fee, colspan=3),
    ]
    return _table(rows), figures


def _table_three(apps: dict[str, list[int]]) -> str:
    rows = [
        _cell(
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            rowspan=2,
            colspan=3,
        )
        + _cell("申请人情况", colspan=7),
        _cell("自然人", rowspan=2) + _cell("法人或其他组织", colspan=5) + _cell("总计", rowspan=2),
        _cell("", colspan=3) + "".join(_cell(c) for c in COLUMNS[1:]),
        _cell("一、本年新收政府信息公开申请数量", colspan=3)
        + "".join(_cell(v) for v in _with_total(apps["new"])),
        _cell("二、上年结转政府信息公开申请数量", colspan=3)
        + "".join(_cell(v) for v in _with_total(apps["carried"])),
    ]
    index = 0
    totals = [0] * 6
    for group, subs in RESULT_GROUPS:
        for s, (label, _weight) in enumerate(subs):
            values = apps[f"r{index}"]
            totals = [a + b for a, b in zip(totals, values, strict=True)]
            head = _cell("三、本年度办理结果", rowspan=24) if index == 0 else ""
            if not label:
                head += _cell(group, colspan=2)
            elif s == 0:
                head += _cell(group, rowspan=len(subs)) + _cell(label)
            else:
                head += _cell(label)
            rows.append(head + "".join(_cell(v) for v in _with_total(values)))
            index += 1
    rows.append(_cell("（七）总计", colspan=2) + "".join(_cell(v) for v in _with_total(totals)))
    rows.append(
        _cell("四、结转下年度继续办理", colspan=3)
        + "".join(_cell(v) for v in _with_total(apps["forward"]))
    )
    return _table(rows)


def _table_four(rng: random.Random) -> tuple[str, int, int]:
    groups = []
    for busy in (rng.random() < 0.4, rng.random() < 0.25, rng.random() < 0.15):
        parts = [rng.randint(0, 3) if busy else 0 for _ in range(4)]
        groups.append([*parts, sum(parts)])
    rows = [
        _cell("行政复议", colspan=5) + _cell("行政诉讼", colspan=10),
        "".join(
            _cell(x, rowspan=2) for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
        )
        + _cell("未经复议直接起诉", colspan=5)
        + _cell("复议后起诉", colspan=5),
        "".join(_cell(x) for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2),
        "".join(_cell(v) for g in groups for v in g),
    ]
    return _table(rows), groups[0][4], groups[1][4] + groups[2][4]


def report_html(rng: random.Random, agency: str, year: int) -> str:
    """A full report body for `agency`'s report on `year` (format chosen by the year)."""
    opening = rng.choice(OPENINGS)
    active = rng.randint(20, 900)
    if year < 2021:
        return "\n".join(
            [
                f"<p>根据《中华人民共和国政府信息公开条例》要求，现公布{escape(agency)}{year}年政府信息公开工作年度报告。</p>",
                f"<p>一、概述。{year}年，{escape(agency)}{opening}，全年主动公开政府信息{active}条。</p>",
                f"<p>二、依申请公开情况。全年共受理政府信息公开申请{rng.randint(0, 30)}件，均按时答复。</p>",
                "<p>三、因政府信息公开申请提起行政复议、行政诉讼情况。全年未发生相关行政复议、行政诉讼。</p>",
                f"<p>四、存在的主要问题和改进措施。{rng.choice(PROBLEMS)}</p>",
            ]
        )
    apps = _applications(rng)
    two, _figures = _table_two(rng)
    four, reviews, suits = _table_four(rng)
    new_total, carried_total = sum(apps["new"]), sum(apps["carried"])
    return "\n".join(
        [
            f"<p>{escape(agency)}{year}年政府信息公开工作年度报告</p>",
            "<p>本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。"
            f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p>",
            "<p>一、总体情况</p>",
            f"<p>（一）主动公开。{year}年，{escape(agency)}{opening}，全年主动公开政府信息{active}条。</p>",
            f"<p>（二）依申请公开。全年新收政府信息公开申请{new_total}件，上年结转{carried_total}件。"
            f"因政府信息公开被申请行政复议{reviews}件，被提起行政诉讼{suits}件。</p>",
            "<p>二、主动公开政府信息情况</p>",
            two,
            "<p>三、收到和处理政府信息公开申请情况</p>",
            _table_three(apps),
            "<p>四、政府信息公开行政复议、行政诉讼情况</p>",
            four,
            "<p>五、存在的主要问题及改进情况</p>",
            f"<p>存在问题：{rng.choice(PROBLEMS)}改进措施：加强培训，丰富解读形式，压实工作责任。</p>",
            "<p>六、其他需要报告的事项</p>",
            f"<p>{year}年，本机关未收取信息处理费。</p>",
        ]
    )
