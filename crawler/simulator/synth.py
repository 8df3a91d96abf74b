"""Synthetic department reports in the 2021 national format (国办公开办函〔2021〕30号).

The corpus has only a handful of real reports; department columns need many more so that
volume and duplicates are realistic. Numbers are random but internally consistent
(一 + 二 = 三 + 四 per applicant column), so an extractor run over a demo crawl sees a
well-formed report. They are flagged `synthetic` in SimReport.
"""

from __future__ import annotations

import random
from html import escape

COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")


def _row(cells: list[object]) -> str:
    return "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>"


def _table(rows: list[list[object]]) -> str:
    body = "\n".join(_row(r) for r in rows)
    return f'<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>\n{body}\n</tbody></table>'


def report_html(rng: random.Random, agency: str, year: int) -> str:
    """Full report body: narrative, tables 二/三/四, sections 五/六."""
    active = rng.randint(20, 900)
    new = [rng.randint(0, 12)] + [rng.randint(0, 2) for _ in range(5)]
    carried = [rng.randint(0, 2)] + [0] * 5
    incoming = [a + b for a, b in zip(new, carried, strict=True)]
    disclosed = [rng.randint(0, n) for n in incoming]
    rest = [n - d for n, d in zip(incoming, disclosed, strict=True)]
    partial = [rng.randint(0, r) for r in rest]
    rest = [r - p for r, p in zip(rest, partial, strict=True)]
    no_info = [rng.randint(0, r) for r in rest]
    rest = [r - x for r, x in zip(rest, no_info, strict=True)]
    pending = rest

    def tot(v: list[int]) -> list[int]:
        return [*v, sum(v)]

    zeros = [0] * 7
    parts = [
        f"<p>{escape(agency)}{year}年政府信息公开工作年度报告</p>",
        f"<p>本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p>",
        "<p>一、总体情况</p>",
        f"<p>（一）主动公开。{year}年，{escape(agency)}全年主动公开政府信息{active}条。</p>",
        f"<p>（二）依申请公开。全年新收政府信息公开申请{sum(new)}件，上年结转{sum(carried)}件。</p>",
        "<p>二、主动公开政府信息情况</p>",
        _table(
            [
                ["第二十条第（一）项"],
                ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                ["规章", 0, 0, 0],
                ["行政规范性文件", rng.randint(0, 3), 0, rng.randint(0, 9)],
                ["第二十条第（五）项"],
                ["信息内容", "本年处理决定数量"],
                ["行政许可", rng.randint(0, 3000)],
                ["第二十条第（六）项"],
                ["信息内容", "本年处理决定数量"],
                ["行政处罚", rng.randint(0, 1500)],
                ["行政强制", rng.randint(0, 50)],
                ["第二十条第（八）项"],
                ["信息内容", "本年收费金额（单位：万元）"],
                ["行政事业性收费", 0],
            ]
        ),
        "<p>三、收到和处理政府信息公开申请情况</p>",
        _table(
            [
                [
                    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                    "申请人情况",
                ],
                ["", "自然人", *COLUMNS[1:], "总计"],
                ["一、本年新收政府信息公开申请数量", *tot(new)],
                ["二、上年结转政府信息公开申请数量", *tot(carried)],
                ["三、本年度办理结果", "（一）予以公开", *tot(disclosed)],
                ["", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", *tot(partial)],
                ["", "（三）不予公开", "1.属于国家秘密", *zeros],
                ["", "（四）无法提供", "1.本机关不掌握相关政府信息", *tot(no_info)],
                ["", "（五）不予处理", "1.信访举报投诉类申请", *zeros],
                [
                    "",
                    "（六）其他处理",
                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    *zeros,
                ],
                [
                    "",
                    "（七）总计",
                    *tot([d + p + x for d, p, x in zip(disclosed, partial, no_info, strict=True)]),
                ],
                ["四、结转下年度继续办理", *tot(pending)],
            ]
        ),
        "<p>四、政府信息公开行政复议、行政诉讼情况</p>",
        _table(
            [
                ["行政复议", "行政诉讼"],
                ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
                [0] * 15,
            ]
        ),
        "<p>五、存在的主要问题及改进情况</p>",
        "<p>存在问题：一是信息公开的及时性有待提高；二是政策解读形式较为单一。改进措施：加强培训，丰富解读形式。</p>",
        "<p>六、其他需要报告的事项</p>",
        f"<p>{year}年，本机关未收取信息处理费。</p>",
    ]
    return "\n".join(parts)
