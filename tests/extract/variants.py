"""Layout-variant generator: the numbers of a truth file, printed the ways real reports print them.

Why: the corpus has seven scored documents; unseen reports differ in layout, not in numbers.
This module renders a truth file's numbers into the layouts found on real sites (rowspan label
columns, split 表三 headers, 表四 as one row or three, Word-pasted markup, GBK pages, DOCX with
merged cells, PDF through LibreOffice, text one cell per line, pipe and tab tables, units,
thousands separators, full-width digits, placeholders, traditional characters) and scores the
extraction into right, flagged and silent cells (`score`).  It knows the *printed* template, not
the extractor: the labels below are written out from the national format, independently of
``extract.template``.
"""

from __future__ import annotations

import html as htmllib
import io
import json
import math
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data" / "extract"
TRUTHS = [
    "seed-gongshu-zfj-2023",
    "fj-pingtan-2021",
    "fj-pingtan-2022",
    "sh-stcsm-2024",
    "js-huaian-hongze-2023",
    "fj-pingtan-2019-html",
    "sh-gov-office-2019-legacy",
]

APP_COLS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
)
GROUPS = ("review", "litigation_direct", "litigation_after_review")
RESULTS = ("upheld", "corrected", "other", "pending", "total")


# ------------------------------------------------------------------ the printed template
@dataclass(frozen=True)
class C:
    """One printed cell: text, spans, header flag."""

    text: str
    rs: int = 1
    cs: int = 1
    th: bool = False
    value: bool = False  # a value position (formatted by the value style)


Table = list[list[C]]

# (key, level-1 label, level-2 label, level-3 label); None = the cell is spanned from above
_WITHHELD = (
    "1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
)
_WITHHELD_KEYS = (
    "state_secret",
    "prohibited_by_law",
    "security_stability",
    "third_party",
    "internal_affairs",
    "process_info",
    "enforcement_file",
    "inquiry",
)
_UNABLE = ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")
_UNABLE_KEYS = ("not_held", "needs_creation", "unclear")
_REJECTED = (
    "1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
)
_REJECTED_KEYS = ("complaint", "duplicate", "publication", "excessive", "confirm_reissue")
_OTHER = (
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
)
_OTHER_KEYS = ("no_correction", "no_fee", "other")


def app_structure(other_split: bool) -> list[tuple[str, str | None, str | None]]:
    """表三 rows as (key, group label, item label): group None = a full-width label."""
    rows: list[tuple[str, str | None, str | None]] = [
        ("new", None, "一、本年新收政府信息公开申请数量"),
        ("carried_over", None, "二、上年结转政府信息公开申请数量"),
        ("result.disclosed", "（一）予以公开", None),
        ("result.partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ]
    rows += [
        (f"result.withheld.{k}", "（三）不予公开", t)
        for k, t in zip(_WITHHELD_KEYS, _WITHHELD, strict=True)
    ]
    rows += [
        (f"result.unable.{k}", "（四）无法提供", t)
        for k, t in zip(_UNABLE_KEYS, _UNABLE, strict=True)
    ]
    rows += [
        (f"result.rejected.{k}", "（五）不予处理", t)
        for k, t in zip(_REJECTED_KEYS, _REJECTED, strict=True)
    ]
    if other_split:
        rows += [
            (f"result.other.{k}", "（六）其他处理", t)
            for k, t in zip(_OTHER_KEYS, _OTHER, strict=True)
        ]
    else:
        rows.append(("result.other", "（六）其他处理", None))
    rows.append(("result.total", "（七）总计", None))
    rows.append(("carried_forward", None, "四、结转下年度继续办理"))
    return rows


# ------------------------------------------------------------------ value styles
# abbreviated item labels some reports print instead of the template's wording
SHORT_LABELS = {
    "2.其他法律行政法规禁止公开": "2.法律法规禁止",
    "3.危及“三安全一稳定”": "3.三安全一稳定",
    "1.本机关不掌握相关政府信息": "1.不掌握相关信息",
    "3.补正后申请内容仍不明确": "3.补正后仍不明确",
    "1.信访举报投诉类申请": "1.信访举报投诉",
    "4.无正当理由大量反复申请": "4.大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息": "5.确认或重新出具",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "1.逾期不补正",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": "2.逾期未缴费",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开",
}
_FULL = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def fmt_value(v: Any, style: str, null: str, unit: str = "") -> str:
    """Print one number the way a report might; ``null`` is the placeholder for no value."""
    if v is None:
        return null
    if isinstance(v, float) and v.is_integer() and unit != "万元":
        v = int(v)
    text = f"{v:,}" if style == "thousands" else str(v)
    if style == "spaced":
        text = f"{v:,}".replace(",", " ")
    if style == "fullwidth":
        text = text.translate(_FULL)
    if style == "units" and unit:
        text += unit
    return text


# ------------------------------------------------------------------ layouts
@dataclass(frozen=True)
class Layout:
    """How one report is printed.  Every field is a real-world variation."""

    name: str
    fmt: str = "html"  # html | html-gbk | text-lines | text-pipe | text-tab | docx | pdf-drawn |
    #                    pdf-html | pdf-docx (the last two through LibreOffice)
    t2: str = "one"  # one (one table, 4 blocks) | blocks (4 tables)
    t3_header: int = 3  # 1, 2 or 3 header rows
    t3_labels: str = "rowspan"  # rowspan | flat | overshoot (三 spans one row too many)
    t4: str = "official"  # official (3-row header, 15 values) | header2 | rows5
    values: str = "plain"  # plain | units | thousands | fullwidth
    null: str = "/"  # placeholder for an empty cell
    markup: str = "plain"  # plain | word | th
    trad: bool = False
    narrative: bool = False  # 总体情况 states the totals
    page_break: bool = False  # PDF: 表三 forced across a page, header rows repeated
    subtotal: bool = False  # 表三 carries an extra 法人或其他组织 小计 column before 总计
    labels: str = "official"  # official | loose (half-width brackets, ASCII quotes, spaced)
    exact: bool = True  # every cell must come out right (else: right or flagged)
    split_at: int = 0  # 表三 printed as two tables, cut before this body row, header repeated
    ghost: bool = False  # Word's invisible extra empty column at the end of every row
    breaks: bool = False  # labels wrapped with <br> / newlines inside the cell
    encoding: str = "utf-8"
    lost_labels: str = ""  # group whose item labels are missing (label text lost in conversion)
    bold: bool = False  # markdown **bold** labels
    other: str = "as_truth"  # （六）其他处理: as_truth | one (three rows folded) | three
    # the title as printed: plain | md-bold (**title**) | md-heading-bold (# **title**) |
    # setext (title underlined with ===) | none (no title line in the text at all)
    title_style: str = "plain"
    file_title: str = "same"  # DOCX/PDF file property Title: same (= the title) | any text | ""
    cite_notice: bool = (
        False  # the body cites 国办公开办函〔2021〕30号 (印发〈…〉) before the tables
    )
    signature: bool = False  # the report ends with the agency's name and a date (signature block)
    oneline_sep: str = ""  # text-oneline: what separates blocks and cells ("" = run together)
    # 总体情况 (一)主动公开 states 表二's 规章/规范性文件 figures: "" (no) | list (制发…件，废止…件，
    # 现行有效…件) | library (现行有效…件, 本年度制发的…件, 废止…件) | issued (制发…件 only)
    body_t2: str = ""
    body_t4: bool = False  # 总体情况 states 表四's outcomes (其中结果维持…件、结果纠正…件)


LAYOUTS: list[Layout] = [
    Layout("html-official"),
    Layout("html-flat-labels", t3_labels="flat", t3_header=1),
    Layout("html-header2", t3_header=2, t4="header2"),
    Layout("html-rowspan-overshoot", t3_labels="overshoot"),
    Layout("html-t4-rows5", t4="rows5", t2="blocks"),
    Layout("html-th-cells", markup="th"),
    Layout("html-word-markup", markup="word", null=""),
    Layout("html-units", values="units", null="—"),
    Layout("html-thousands", values="thousands", null="无"),
    Layout("html-fullwidth", values="fullwidth"),
    # exact=False: readers/html.py keeps only tables whose text has simplified headings when it
    # finds no article body, so a traditional page loses 表二/表四 there (flagged, reported)
    Layout("html-traditional", trad=True),
    Layout("html-gbk", fmt="html-gbk"),
    Layout("html-gbk-meta-charset", fmt="html-gbk5", values="units"),
    Layout("html-narrative", narrative=True),
    Layout("text-lines", fmt="text-lines", t3_labels="flat"),
    Layout("text-lines-rowspan", fmt="text-lines"),
    Layout("text-pipe", fmt="text-pipe"),
    Layout("text-pipe-flat", fmt="text-pipe", t3_labels="flat", t3_header=1, null=""),
    Layout("text-tab", fmt="text-tab", t4="rows5"),
    Layout("docx-merged", fmt="docx"),
    Layout("docx-flat-header2", fmt="docx", t3_labels="flat", t3_header=2, t4="header2"),
    Layout("html-group-rows", t3_labels="grouprows"),
    Layout("html-subtotal-column", subtotal=True),
    Layout("html-loose-labels", labels="loose", t3_labels="flat"),
    Layout("text-lines-blank-null", fmt="text-lines", t3_labels="flat", null="", exact=False),
    Layout("docx-units-thousands", fmt="docx", values="units", t4="rows5"),
    Layout("html-lost-labels", lost_labels="（三）不予公开"),
    Layout("html-other-one-row", other="one"),
    Layout("text-pipe-other-three-rows", fmt="text-pipe", other="three"),
    Layout("html-short-labels", labels="short"),
    Layout("html-spaced-digits", values="spaced"),
    Layout("text-pipe-bold", fmt="text-pipe", bold=True, t3_labels="flat"),
    Layout("text-lines-units", fmt="text-lines", values="units", null="—"),
    Layout("html-split-table", split_at=9),
    Layout("html-number-cells", t3_labels="numcell", t3_header=1),
    Layout("html-ghost-column", ghost=True, markup="word"),
    Layout("html-label-breaks", breaks=True),
    Layout("text-pipe-gbk", fmt="text-pipe", encoding="gbk", values="thousands"),
    Layout("text-lines-fullwidth-trad", fmt="text-lines", values="fullwidth", trad=True),
    Layout("docx-split-table", fmt="docx", split_at=12, t2="blocks"),
    Layout("pdf-drawn", fmt="pdf-drawn"),
    Layout("pdf-drawn-page-break", fmt="pdf-drawn", page_break=True, t4="rows5"),
    Layout("pdf-drawn-flat-units", fmt="pdf-drawn", t3_labels="flat", values="units", null="—"),
    Layout("pdf-from-html", fmt="pdf-html"),
    Layout("pdf-from-docx", fmt="pdf-docx", t4="rows5"),
    Layout("pdf-page-break", fmt="pdf-docx", page_break=True),
    # a whole report on one line (a text copy of a web page): sections, tables, digits together
    Layout("text-oneline", fmt="text-oneline", narrative=True, t3_labels="flat", exact=False),
    Layout(
        "text-oneline-rowspan",
        fmt="text-oneline",
        narrative=True,
        signature=True,
        cite_notice=True,
        exact=False,
    ),
    Layout(
        "text-oneline-no-narrative", fmt="text-oneline", t3_labels="flat", t4="rows5", exact=False
    ),
    Layout(
        "text-oneline-spaced-blocks",
        fmt="text-oneline",
        oneline_sep=" ",
        narrative=True,
        t3_labels="flat",
        other="three",
        exact=False,
    ),
    Layout(
        "text-oneline-other-one-row",
        fmt="text-oneline",
        narrative=True,
        other="one",
        t3_labels="flat",
        title_style="md-bold",
        exact=False,
    ),
    # 总体情况 also states 表二's 规章/规范性文件 counts, in three wordings
    Layout(
        "text-oneline-body-list",
        fmt="text-oneline",
        narrative=True,
        body_t2="list",
        t3_labels="flat",
        exact=False,
    ),
    Layout(
        "text-oneline-body-library", fmt="text-oneline", body_t2="library", t4="rows5", exact=False
    ),
    Layout(
        "text-digit-runs-body-issued",
        fmt="text-runs",
        narrative=True,
        body_t2="issued",
        t3_labels="flat",
        exact=False,
    ),
    Layout(
        "text-oneline-body-review",
        fmt="text-oneline",
        body_t2="list",
        body_t4=True,
        t3_labels="flat",
        exact=False,
    ),
    # one table row per line, its digits run together ("…申请数量 801000081")
    Layout("text-digit-runs", fmt="text-runs", t3_labels="flat", narrative=True, exact=False),
    Layout("markdown-bold-title", fmt="text-pipe", title_style="md-bold"),
    Layout("markdown-heading-bold-title", fmt="text-pipe", title_style="md-heading-bold"),
    Layout("markdown-setext-title", fmt="text-pipe", title_style="setext", cite_notice=True),
    Layout(
        "docx-no-text-title",
        fmt="docx",
        title_style="none",
        file_title="Word Document",
        signature=True,
    ),
    Layout("docx-file-title-word", fmt="docx", file_title="Word Document", cite_notice=True),
    Layout("pdf-drawn-cites-notice", fmt="pdf-drawn", cite_notice=True, file_title=""),
    Layout(
        "pdf-drawn-cites-notice-word-title",
        fmt="pdf-drawn",
        cite_notice=True,
        file_title="Microsoft Word - 附件1.docx",
        signature=True,
    ),
]


# every option of Layout, for random combinations (office PDFs excluded: slow, font-dependent)
OPTIONS: dict[str, list[Any]] = {
    "fmt": [
        "html",
        "html-gbk",
        "html-gbk5",
        "text-lines",
        "text-pipe",
        "text-tab",
        "docx",
        "pdf-drawn",
    ],
    "t2": ["one", "blocks"],
    "t3_header": [1, 2, 3],
    "t3_labels": ["rowspan", "flat", "overshoot", "grouprows", "numcell"],
    "t4": ["official", "header2", "rows5"],
    "values": ["plain", "units", "thousands", "fullwidth", "spaced"],
    "null": ["/", "—", "无", "", "-"],
    "markup": ["plain", "word", "th"],
    "trad": [False, True],
    "narrative": [False, True],
    "page_break": [False, True],
    "subtotal": [False, True],
    "labels": ["official", "loose", "short"],
    "split_at": [0, 5, 12],
    "ghost": [False, True],
    "breaks": [False, True],
    "bold": [False, True],
    "lost_labels": ["", "（三）不予公开", "（五）不予处理"],
    "other": ["as_truth", "one", "three"],
}
# the one-line and digit-run layouts, drawn at random with the options that apply to text
ONELINE_OPTIONS: dict[str, list[Any]] = {
    "fmt": ["text-oneline", "text-runs"],
    "t4": ["official", "header2", "rows5"],
    "t3_labels": ["rowspan", "flat", "grouprows", "numcell"],
    "t3_header": [1, 2, 3],
    "narrative": [False, True],
    "other": ["as_truth", "one", "three"],
    "oneline_sep": ["", " "],
    "title_style": ["plain", "md-bold", "none"],
    "cite_notice": [False, True],
    "signature": [False, True],
    "values": ["plain", "units"],
    "null": ["/", "—"],
    "labels": ["official", "short"],
    "body_t2": ["", "list", "library", "issued"],
    "body_t4": [False, True],
}


def random_oneline_layouts(seed: int, n: int) -> list[tuple[str, Layout]]:
    """n (truth stem, layout) pairs of flattened text with random options (deterministic)."""
    import random

    rnd = random.Random(seed)
    out = []
    for i in range(n):
        kw = {k: rnd.choice(v) for k, v in ONELINE_OPTIONS.items()}
        out.append((rnd.choice(TRUTHS), Layout(f"oneline-{seed}-{i}", exact=False, **kw)))
    return out


def random_layouts(seed: int, n: int) -> list[tuple[str, Layout]]:
    """n (truth stem, layout) pairs with every option drawn at random (deterministic by seed)."""
    import random

    rnd = random.Random(seed)
    out = []
    for i in range(n):
        kw = {k: rnd.choice(v) for k, v in OPTIONS.items()}
        out.append((rnd.choice(TRUTHS), Layout(f"random-{seed}-{i}", **kw)))
    return out


def _val(x: Any, lay: Layout, unit: str = "件") -> C:
    return C(fmt_value(x, lay.values, lay.null, unit), value=True)


def table2(m: dict[str, Any], lay: Layout) -> list[Table]:
    """表二 as four blocks (one table with colspans, or four tables)."""
    if "active.regulations.issued" not in m:
        return []
    head = [
        C("信息内容", th=True),
        C("本年制发件数", th=True),
        C("本年废止件数", th=True),
        C("现行有效件数", th=True),
    ]
    b1 = [
        [C("第二十条第（一）项", cs=4, th=True)],
        head,
        [C("规章")]
        + [_val(m[f"active.regulations.{k}"], lay) for k in ("issued", "repealed", "in_force")],
        [C("行政规范性文件")]
        + [_val(m[f"active.normative_docs.{k}"], lay) for k in ("issued", "repealed", "in_force")],
    ]

    def block(title: str, col: str, rows: list[tuple[str, str, str]]) -> Table:
        out = [[C(title, cs=4, th=True)], [C("信息内容", th=True), C(col, cs=3, th=True)]]
        for label, key, unit in rows:
            out.append([C(label), replace(_val(m[key], lay, unit), cs=3)])
        return out

    b2 = block(
        "第二十条第（五）项", "本年处理决定数量", [("行政许可", "active.licensing.decisions", "件")]
    )
    b3 = block(
        "第二十条第（六）项",
        "本年处理决定数量",
        [
            ("行政处罚", "active.punishment.decisions", "件"),
            ("行政强制", "active.coercion.decisions", "件"),
        ],
    )
    b4 = block(
        "第二十条第（八）项",
        "本年收费金额（单位：万元）",
        [("行政事业性收费", "active.fees.amount", "万元")],
    )
    if lay.t2 == "blocks":
        return [b1, b2, b3, b4]
    return [b1 + b2 + b3 + b4]


def _t3_header(lay: Layout) -> Table:
    names = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他") + (
        ("小计",) if lay.subtotal else ()
    )
    subs = [C(t, th=True) for t in names]
    n_org = len(names)
    rule = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    width = 1 if lay.t3_labels in ("flat", "grouprows") else 3
    if lay.t3_header == 3:
        return [
            [C(rule, rs=3, cs=width, th=True), C("申请人情况", cs=n_org + 2, th=True)],
            [
                C("自然人", rs=2, th=True),
                C("法人或其他组织", cs=n_org, th=True),
                C("总计", rs=2, th=True),
            ],
            subs,
        ]
    if lay.t3_header == 2:
        return [
            [
                C("申请人情况" + rule, rs=2, cs=width, th=True),
                C("自然人", rs=2, th=True),
                C("法人或其他组织", cs=n_org, th=True),
                C("总计", rs=2, th=True),
            ],
            subs,
        ]
    return [[C("申请人情况", cs=width, th=True), C("自然人", th=True), *subs, C("总计", th=True)]]


def _t3_numbers(m: dict[str, Any], key: str, lay: Layout) -> list[Any]:
    """One 表三 row's numbers, with the 小计 column when the layout prints one."""
    nums = [m.get(f"app.{key}.{c}") for c in APP_COLS]
    if lay.subtotal:
        org = nums[1:6]
        nums = nums[:6] + [None if None in org else sum(org)] + nums[6:]
    return nums


@dataclass
class _T3Labels:
    """The label cells of 表三, row by row: what has been printed so far decides the next."""

    lay: Layout
    struct: list[tuple[str, str | None, str | None]]
    group_seen: set[str] = field(default_factory=set)
    first_result: bool = True

    def grouprows(self, key: str, group: str | None, item: str | None, vals: list[C]) -> Table:
        """Group headings as rows of their own (cells blank), then the item's row."""
        rows: Table = []
        if self.first_result and key.startswith("result."):
            rows.append([C("三、本年度办理结果")] + [C("") for _ in vals])
            self.first_result = False
        if group and item and group not in self.group_seen:
            rows.append([C(group)] + [C("") for _ in vals])
        self.group_seen.add(group or "")
        rows.append([C(item or group or "")] + vals)
        return rows

    def flat(self, key: str, group: str | None, item: str | None) -> C:
        """One label cell: the group's and 三's wording run into the first item's label."""
        label = item or ""
        if group and group not in self.group_seen:
            label = group + (item or "")
        if self.first_result and key.startswith("result."):
            label = "三、本年度办理结果" + label
            self.first_result = False
        if group:
            self.group_seen.add(group)
        return C(label)

    def spanned(self, group: str | None, item: str | None) -> list[C]:
        """Label cells with rowspans (三 over the results, each group over its items)."""
        if group is None:
            return [C(item or "", cs=3)]
        cells: list[C] = []
        if self.first_result:
            n_result = sum(1 for k, _, _ in self.struct if k.startswith("result."))
            span = n_result + (1 if self.lay.t3_labels == "overshoot" else 0)
            cells.append(C("三、本年度办理结果", rs=span))
            self.first_result = False
        if item is None:
            cells.append(C(group, cs=2))
        elif group not in self.group_seen:
            n = sum(1 for _, g, _ in self.struct if g == group)
            cells += [C(group, rs=n), C(item)]
        else:
            cells.append(C(item))
        if self.lay.t3_labels == "numcell" and item and item[1:2] == ".":
            cells[-1:] = [C(item[:2]), C(item[2:])]  # the item number in a cell of its own
        self.group_seen.add(group)
        return cells


def table3(m: dict[str, Any], lay: Layout, other_split: bool) -> Table:
    """表三 with its header and label columns in the requested shape."""
    rows = _t3_header(lay)
    struct = app_structure(other_split)
    labels = _T3Labels(lay, struct)
    for key, group, item in struct:
        vals = [_val(x, lay) for x in _t3_numbers(m, key, lay)]
        if lay.t3_labels == "grouprows":
            rows += labels.grouprows(key, group, item, vals)
        elif lay.t3_labels == "flat":
            rows.append([labels.flat(key, group, item)] + vals)
        else:
            rows.append(labels.spanned(group, item) + vals)
    if lay.t3_labels == "overshoot":  # the 四 row is covered by 三's span: one label cell less
        rows[-1] = [replace(rows[-1][0], cs=2)] + rows[-1][1:]
    return rows


def _continue_spans(t3: Table, cut: int) -> Table:
    """Rows from ``cut`` on, with the label cells of spans that started above re-opened."""
    g = grid(t3)
    out: Table = []
    for r in range(cut, len(t3)):
        row: list[C] = []
        if r == cut:
            for slot in g[r]:
                if slot is None or slot[1] or slot[0].value:
                    break
                cell = slot[0]
                start = next(i for i in range(len(t3)) if any(c is cell for c in t3[i]))
                if all(x is not cell for x in row):
                    row.append(replace(cell, rs=cell.rs - (cut - start)))
        out.append(row + t3[r])
    return out


def table4(m: dict[str, Any], lay: Layout) -> Table:
    """表四: the official 3-row header, a 2-row header, or three rows of five."""
    res = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    vals = [_val(m.get(f"{g}.{r}"), lay) for g in GROUPS for r in RESULTS]
    if lay.t4 == "rows5":
        out: Table = [[C("", th=True)] + [C(t, th=True) for t in res]]
        names = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")
        for i, name in enumerate(names):
            out.append([C(name)] + vals[i * 5 : (i + 1) * 5])
        return out
    if lay.t4 == "header2":
        return [
            [
                C("行政复议", cs=5, th=True),
                C("行政诉讼（未经复议直接起诉）", cs=5, th=True),
                C("行政诉讼（复议后起诉）", cs=5, th=True),
            ],
            [C(t, th=True) for t in res * 3],
            vals,
        ]
    return [
        [C("行政复议", cs=5, th=True), C("行政诉讼", cs=10, th=True)],
        [C(t, rs=2, th=True) for t in res]
        + [C("未经复议直接起诉", cs=5, th=True), C("复议后起诉", cs=5, th=True)],
        [C(t, th=True) for t in res * 2],
        vals,
    ]


# ------------------------------------------------------------------ the document
_TRAD_PAIRS = (
    "请請处處开開与與数數据據计計总總机機关關权權护護务務过過执執询詢项項决決诉訴议議维維审審"
    "复復应應实實际際区區属屬国國险險类類内內现現废廢结結转轉办辦规規范範许許强強费費收收织織"
    "构構组組会會业業违違门門继繼续續无無纠糾确確认認没沒补補举舉访訪罚罰额額条條书書发發获獲"
    "题題单單门門这這为為报報"
)
_TRAD = str.maketrans(_TRAD_PAIRS[0::2], _TRAD_PAIRS[1::2])


@dataclass
class Report:
    """A rendered report as blocks: paragraphs (str) and tables."""

    title: str
    blocks: list[str | Table]


def _opening(truth: dict[str, Any], lay: Layout, title: str) -> list[str | Table]:
    """The title, the opening paragraph and 一、总体情况 with the narratives the layout has."""
    m, year = truth["metrics"], truth["year"]
    intro = (
        f"本报告根据《中华人民共和国政府信息公开条例》要求编制，统计期限为{year}年1月1日至"
        f"{year}年12月31日。"
    )
    if lay.cite_notice:
        intro = (
            NOTICE_SENTENCE + f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
        )
    blocks: list[str | Table] = [title, intro, "一、总体情况"]
    if lay.body_t2:
        blocks.append(_active_narrative(m, lay.body_t2))
    if lay.narrative and lay.fmt in ("text-oneline", "text-runs"):
        blocks.append(_rich_narrative(m))
    if lay.body_t4:
        blocks.append(_review_narrative(m))
    elif lay.narrative:
        blocks.append(_totals_sentence(m))
    return blocks


def _totals_sentence(m: dict[str, Any]) -> str:
    """（三）依申请公开 stating the year's applications and reviews ("" when neither is known)."""
    new = m.get("app.new.total")
    rev = m.get("review.total")
    facts = []
    if new is not None:
        facts.append(f"全年共收到政府信息公开申请{new}件")
    if rev is not None:
        facts.append(f"发生政府信息公开行政复议{rev}件")
    return "（三）依申请公开。" + "，".join(facts) + "。" if facts else ""


def _t3_blocks(m: dict[str, Any], lay: Layout) -> list[str | Table]:
    """表三 as one table, or as two when the layout splits it (header repeated)."""
    other_split = "app.result.other.no_correction.total" in m or ("app.result.other.total" not in m)
    t3 = table3(m, lay, other_split)
    if not lay.split_at:
        return [t3]
    head = len(_t3_header(lay))
    cut = head + lay.split_at
    # a row-spanning label cut by the split continues in the second table as a new cell
    first = [[replace(c, rs=min(c.rs, cut - r)) for c in row] for r, row in enumerate(t3[:cut])]
    second = t3[:head] + _continue_spans(t3, cut)
    return [first, second]


def _restyle(blocks: list[str | Table], lay: Layout) -> list[str | Table]:
    """The label wording the layout prints: loose, short, lost, bold, traditional."""
    if lay.labels == "loose":
        blocks = [_loose_block(b) for b in blocks]
    if lay.labels == "short":
        blocks = [
            b
            if isinstance(b, str)
            else [[replace(c, text=SHORT_LABELS.get(c.text, c.text)) for c in row] for row in b]
            for b in blocks
        ]
    if lay.lost_labels:
        blocks = [b if isinstance(b, str) else _lose(b, lay.lost_labels) for b in blocks]
    if lay.bold:
        blocks = [
            b
            if isinstance(b, str)
            else [
                [c if c.value or not c.text else replace(c, text=f"**{c.text}**") for c in row]
                for row in b
            ]
            for b in blocks
        ]
    if lay.trad:
        blocks = [_trad_block(b) for b in blocks]
    return blocks


def build(truth: dict[str, Any], lay: Layout) -> Report:
    m = truth["metrics"]
    year, agency = truth["year"], truth["agency"]
    title = f"{agency}{year}年政府信息公开工作年度报告"
    blocks = _opening(truth, lay, title)
    blocks.append("二、主动公开政府信息情况")
    blocks += table2(m, lay)
    blocks.append("三、收到和处理政府信息公开申请情况")
    blocks += _t3_blocks(m, lay)
    blocks.append("四、政府信息公开行政复议、行政诉讼情况")
    blocks.append(table4(m, lay))
    blocks += ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    if lay.signature:
        blocks += [str(agency), f"{year + 1}年1月20日"]
    blocks = _restyle(blocks, lay)
    if lay.trad:
        title = title.translate(_TRAD)
    return Report(title, blocks)


# how reports cite the format notice in their opening paragraph (the title is NOT in it)
NOTICE_SENTENCE = (
    "本报告依据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室"
    "《关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》"
    "（国办公开办函〔2021〕30号）要求编制。"
)


def _active_narrative(m: dict[str, Any], style: str) -> str:
    """总体情况 (一)主动公开 stating 表二's document counts in the words reports use."""
    reg = [m.get(f"active.regulations.{c}") for c in ("issued", "repealed", "in_force")]
    doc = [m.get(f"active.normative_docs.{c}") for c in ("issued", "repealed", "in_force")]
    if None in reg + doc:
        return "（一）主动公开。"
    if style == "list":
        return (
            f"（一）主动公开。本年度制发规章{reg[0]}件，废止{reg[1]}件，现行有效{reg[2]}件；"
            f"制发行政规范性文件{doc[0]}件，废止{doc[1]}件，现行有效{doc[2]}件。"
        )
    if style == "library":
        return (
            f"（一）主动公开。设立规范性文件库，集中公开现行有效行政规范性文件{doc[2]}件，"
            f"动态更新本年度制发的规范性文件{doc[0]}件，废止{doc[1]}件。"
        )
    return f"（一）主动公开。全年主动公开政府信息1200条，全年制发行政规范性文件{doc[0]}件。"


def _review_narrative(m: dict[str, Any]) -> str:
    """(五) stating 表四: each count, then its non-zero outcomes (诉讼: both groups together)."""
    words = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"))
    words += (("pending", "尚未审结"),)
    parts = []
    for name, groups in (("行政复议", ("review",)), ("行政诉讼", GROUPS[1:])):
        vals = {r: [m.get(f"{g}.{r}") for g in groups] for r in RESULTS}
        if any(v is None for vs in vals.values() for v in vs):
            continue
        text = f"{name}案件{sum(vals['total'])}件"  # type: ignore[arg-type]
        said = [f"{w}{sum(vals[r])}件" for r, w in words if sum(vals[r])]  # type: ignore[arg-type]
        parts.append(text + ("，其中" + "、".join(said) if said else ""))
    return "（五）监督保障。全年发生政府信息公开" + "；".join(parts) + "。" if parts else ""


def _rich_narrative(m: dict[str, Any]) -> str:
    """总体情况 stating the totals the way real reports word them (共计 N 件, 予以公开及部分公开…)."""
    facts = []
    new, d, p = (
        m.get("app.new.total"),
        m.get("app.result.disclosed.total"),
        m.get("app.result.partial.total"),
    )
    if new is not None:
        facts.append(f"全年共收到政府信息公开申请共计{new}件")
    if d is not None and p is not None:
        facts.append(f"予以公开及部分公开{d + p}件")
    rev = m.get("review.total")
    lit = [m.get("litigation_direct.total"), m.get("litigation_after_review.total")]
    if rev is not None and None not in lit:
        facts.append(f"发生政府信息公开行政复议案件{rev}件、行政诉讼案件{sum(lit)}件")
    return ("（二）依申请公开。" + "，".join(facts) + "。") if facts else "（二）依申请公开。"


_LOOSE = str.maketrans({"（": "(", "）": ")", "“": '"', "”": '"', "、": "．"})


def _lose(table: Table, group: str) -> Table:
    """Blank the item labels of one group, and the group label itself (text lost)."""
    out: Table = []
    inside = False
    for row in table:
        texts = [c.text for c in row]
        if group in texts:
            inside = True
        elif inside and any(not c.value and c.text and c.text[:1] in "（四五六七" for c in row):
            inside = False
        out.append(
            [
                replace(c, text="")
                if inside and not c.value and c.text != "三、本年度办理结果"
                else c
                for c in row
            ]
        )
    return out


def _loose(text: str) -> str:
    """Half-width brackets, ASCII quotes, 一．, and a space inside short labels (自 然 人)."""
    text = text.translate(_LOOSE)
    return " ".join(text) if 2 <= len(text) <= 3 and not text.isdigit() else text


def _loose_block(b: str | Table) -> str | Table:
    if isinstance(b, str):
        return b
    return [[c if c.value else replace(c, text=_loose(c.text)) for c in row] for row in b]


def _trad_block(b: str | Table) -> str | Table:
    if isinstance(b, str):
        return b.translate(_TRAD)
    return [[replace(c, text=c.text.translate(_TRAD)) for c in row] for row in b]


def grid(table: Table) -> list[list[tuple[C, bool] | None]]:
    """Browser placement: each slot holds (cell, is_origin)."""
    out: list[list[tuple[C, bool] | None]] = []
    for r, row in enumerate(table):
        while len(out) <= r:
            out.append([])
        col = 0
        for cell in row:
            while col < len(out[r]) and out[r][col] is not None:
                col += 1
            for dr in range(cell.rs):
                while len(out) <= r + dr:
                    out.append([])
                line = out[r + dr]
                while len(line) < col + cell.cs:
                    line.append(None)
                for dc in range(cell.cs):
                    line[col + dc] = (cell, dr == 0 and dc == 0)
            col += cell.cs
    return out[: len(table)]


# ------------------------------------------------------------------ renderers
def _cell_html(c: C, lay: Layout) -> str:
    tag = "th" if (lay.markup == "th" and c.th) else "td"
    attrs = (f' rowspan="{c.rs}"' if c.rs > 1 else "") + (f' colspan="{c.cs}"' if c.cs > 1 else "")
    text = htmllib.escape(c.text)
    if lay.breaks and not c.value and len(c.text) > 6:
        mid = len(c.text) // 2
        text = htmllib.escape(c.text[:mid]) + "<br>\n   " + htmllib.escape(c.text[mid:])
    if lay.markup == "word":
        if not c.text:
            inner = "<p class=MsoNormal align=center>&nbsp;<o:p></o:p></p>"
        elif c.value and len(c.text) > 1:
            # Word splits a number over runs when it was typed in two goes
            half = len(c.text) // 2
            inner = (
                f"<p class=MsoNormal align=center><span style='font-size:10.5pt;font-family:"
                f"仿宋_GB2312'>{htmllib.escape(c.text[:half])}</span><span lang=EN-US "
                f"style='font-size:10.5pt'>{htmllib.escape(c.text[half:])}<o:p></o:p>"
                "</span></p>"
            )
        else:
            inner = (
                f"<p class=MsoNormal align=center><span style='font-size:10.5pt;font-family:"
                f"仿宋_GB2312'>{text}&nbsp;<o:p></o:p></span></p>"
            )
        return (
            f"<{tag} width=48 valign=center style='border:solid windowtext 1.0pt;"
            f"padding:0cm 5.4pt'{attrs}>{inner}</{tag}>"
        )
    return f"<{tag}{attrs}>{text}</{tag}>"


def render_html(rep: Report, lay: Layout, charset: str = "utf-8") -> bytes:
    meta = (
        f'<meta charset="{charset}">'
        if lay.fmt == "html-gbk5"
        else f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    )
    parts = [
        f"<html><head>{meta}"
        f"<title>{htmllib.escape(rep.title)}</title></head><body>"
        f'<div class="article"><h1>{htmllib.escape(rep.title)}</h1>'
    ]
    for b in rep.blocks[1:]:
        if isinstance(b, str):
            parts.append(f"<p>{htmllib.escape(b)}</p>" if b else "")
            continue
        parts.append('<table border="1" cellspacing="0" style="border-collapse:collapse">')
        for row in b:
            ghost = "<td width=0 style='border:none'></td>" if lay.ghost else ""
            parts.append("<tr>" + "".join(_cell_html(c, lay) for c in row) + ghost + "</tr>")
        parts.append("</table>")
    parts.append("</div></body></html>")
    text = "\n".join(parts)
    return text.encode("gbk") if charset == "gbk" else text.encode("utf-8")


def title_lines(title: str, style: str) -> list[str]:
    """The title as a text/markdown document prints it (none: no title line at all)."""
    if style == "none":
        return []
    if style == "md-bold":
        return [f"**{title}**"]
    if style == "md-heading-bold":
        return [f"# **{title}**"]
    if style == "setext":
        return [title, "=" * 12]
    return [title]


def _flat_table(b: Table, sep: str) -> str:
    """A table flattened to text: every printed cell once, in reading order, run together."""
    return sep.join(c.text for row in b for c in row if c.text)


def render_oneline(rep: Report, lay: Layout) -> bytes:
    """The whole report on one line: title, paragraphs and tables with cells run together."""
    parts = title_lines(rep.title, lay.title_style)[:1]
    for b in rep.blocks[1:]:
        if isinstance(b, str):
            if b:
                parts.append(b)
        else:
            parts.append(_flat_table(b, lay.oneline_sep))
    return (lay.oneline_sep.join(parts) + "\n").encode(lay.encoding)


def render_runs(rep: Report, lay: Layout) -> bytes:
    """One printed row per line: its label cells, a space, its value cells run together."""
    lines = title_lines(rep.title, lay.title_style) + [""]
    for b in rep.blocks[1:]:
        if isinstance(b, str):
            lines += [b, ""]
            continue
        for row in b:
            labels = "".join(c.text for c in row if not c.value)
            values = "".join(c.text for c in row if c.value)
            lines.append(f"{labels} {values}".strip())
        lines.append("")
    return "\n".join(lines).encode(lay.encoding)


def render_text(rep: Report, lay: Layout) -> bytes:
    if lay.fmt == "text-oneline":
        return render_oneline(rep, lay)
    if lay.fmt == "text-runs":
        return render_runs(rep, lay)
    lines = title_lines(rep.title, lay.title_style) + [""]
    for b in rep.blocks[1:]:
        if isinstance(b, str):
            lines += [b, ""]
            continue
        if lay.fmt == "text-lines":  # one printed cell per line, spans printed once
            for row in b:
                lines += [c.text for c in row]
            lines.append("")
            continue
        for slots in grid(b):
            texts = [s[0].text if s and s[1] else "" for s in slots]
            if lay.fmt == "text-pipe":
                lines.append("| " + " | ".join(texts) + " |")
            else:
                lines.append("\t".join(texts))
        lines.append("")
    return "\n".join(lines).encode(lay.encoding)


def render_docx(rep: Report, lay: Layout) -> bytes:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    if lay.title_style != "none":
        d.add_heading(rep.title, level=1)
    d.core_properties.title = rep.title if lay.file_title == "same" else lay.file_title
    for b in rep.blocks[1:]:
        if isinstance(b, str):
            if lay.page_break and b.startswith("三、"):
                for _ in range(24):  # push 表三 low on a page so that it breaks across pages
                    d.add_paragraph("（本页留空）")
            if b:
                d.add_paragraph(b)
            continue
        slots = grid(b)
        width = max(len(s) for s in slots)
        table = d.add_table(rows=len(slots), cols=width)
        table.style = "Table Grid"
        done: set[int] = set()
        for r, line in enumerate(slots):
            for c, slot in enumerate(line):
                if slot is None or not slot[1] or id(slot[0]) in done:
                    continue
                cell = slot[0]
                done.add(id(cell))
                target = table.cell(r, c)
                if cell.rs > 1 or cell.cs > 1:
                    target = target.merge(table.cell(r + cell.rs - 1, c + cell.cs - 1))
                target.text = cell.text
        heads = sum(1 for row in b if row and all(c.th for c in row))
        for row in table.rows[:heads]:
            tr_pr = row._tr.get_or_add_trPr()
            el = OxmlElement("w:tblHeader")
            el.set(qn("w:val"), "true")
            tr_pr.append(el)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ PDF drawn directly
_MARGIN, _FONT, _LINE = 40.0, 6.0, 8.0


def _wrap(text: str, width: float, size: float) -> list[str]:
    per = max(1, int((width - 4) // size))
    return [text[i : i + per] for i in range(0, len(text), per)] or [""]


def _col_widths(ncols: int, labels: int) -> list[float]:
    total = 595.0 - 2 * _MARGIN
    if ncols <= labels:
        return [total / ncols] * ncols
    value_w = min(34.0, total * 0.6 / (ncols - labels))
    label_w = (total - value_w * (ncols - labels)) / labels
    return [label_w] * labels + [value_w] * (ncols - labels)


class _PdfWriter:
    """Pages being drawn and the next free line on the last one."""

    def __init__(self) -> None:
        import pdfgen

        self.pages = [pdfgen.Page()]
        self.y = _MARGIN

    def newpage(self) -> None:
        import pdfgen

        self.pages.append(pdfgen.Page())
        self.y = _MARGIN

    def para(self, text: str, size: float = 9.0) -> None:
        for line in _wrap(text, 595 - 2 * _MARGIN, size):
            if self.y + size * 1.6 > 842 - _MARGIN:
                self.newpage()
            self.pages[-1].text(_MARGIN, self.y, line, size=size)
            self.y += size * 1.6


def _pdf_title(w: _PdfWriter, rep: Report, lay: Layout) -> None:
    if lay.title_style == "none":
        return
    if lay.cite_notice and "政府信息公开" in rep.title:
        # a large title wrapped over two lines, neither of which is a title on its own
        cut = rep.title.index("政府信息公开") + len("政府信息公开")
        w.para(rep.title[:cut], 18)
        w.para(rep.title[cut:], 18)
    else:
        w.para(rep.title, 12)


Slots = list[list[tuple[C, bool] | None]]


def _column_xs(slots: Slots) -> list[float]:
    """The x of every column rule: label columns share what the value columns leave."""
    ncols = max(len(r) for r in slots)
    nlabels = max(
        (
            i + 1
            for r in slots
            for i, sl in enumerate(r)
            if sl and not sl[0].value and i < ncols - 1 and sl[0].cs < ncols
        ),
        default=1,
    )
    nlabels = min(nlabels, ncols - 1) if ncols > 1 else 1
    xs = [_MARGIN]
    for width in _col_widths(ncols, nlabels):
        xs.append(xs[-1] + width)
    return xs


def _row_heights(slots: Slots, xs: list[float], ncols: int) -> list[float]:
    """Each row tall enough for its wrapped one-row cells."""
    heights = []
    for row in slots:
        h = _LINE + 4
        for c, sl in enumerate(row):
            if sl and sl[1] and sl[0].rs == 1:
                w = xs[min(c + sl[0].cs, ncols)] - xs[c]
                h = max(h, len(_wrap(sl[0].text, w, _FONT)) * _LINE + 4)
        heights.append(h)
    return heights


def _place_rows(w: _PdfWriter, heights: list[float], n_head: int) -> list[tuple[int, int, float]]:
    """Where every printed row lands (grid row, page index, top); header rows repeat on a
    new page."""
    placed: list[tuple[int, int, float]] = []
    for r in range(len(heights)):
        if w.y + heights[r] > 842 - _MARGIN:
            w.newpage()
            for hr in range(n_head if r >= n_head else 0):
                placed.append((hr, len(w.pages) - 1, w.y))
                w.y += heights[hr]
        placed.append((r, len(w.pages) - 1, w.y))
        w.y += heights[r]
    return placed


def _cell_pieces(
    slots: Slots, placed: list[tuple[int, int, float]], heights: list[float], ncols: int
) -> dict[tuple[int, int, int], list[tuple[int, float, float]]]:
    """Each cell once per page it crosses (a merged cell has no inner rules): its column and
    the (top, bottom) of every printed row it covers."""
    seen: dict[tuple[int, int, int], list[tuple[int, float, float]]] = {}
    for i, (r, pg, top) in enumerate(placed):
        repeat = any(q == r for q, _, _ in placed[:i])
        for c, sl in enumerate(slots[r]):
            if sl is None or c >= ncols:
                continue
            cell = sl[0]
            if c > 0 and slots[r][c - 1] is not None and slots[r][c - 1][0] is cell:
                continue  # the tail of a column span
            key = (id(cell), pg, i if repeat else -1)
            seen.setdefault(key, []).append((c, top, top + heights[r]))
    return seen


def _pdf_table(w: _PdfWriter, b: Table) -> None:
    slots = grid(b)
    ncols = max(len(r) for r in slots)
    xs = _column_xs(slots)
    heights = _row_heights(slots, xs, ncols)
    n_head = 0
    while n_head < len(b) and b[n_head] and all(c.th for c in b[n_head]):
        n_head += 1
    placed = _place_rows(w, heights, n_head)
    texted: set[int] = set()
    for (cid, pg, _rep), parts in _cell_pieces(slots, placed, heights, ncols).items():
        c = parts[0][0]
        cell = next(sl[0] for row in slots for sl in row if sl and id(sl[0]) == cid)
        x1 = xs[min(c + cell.cs, ncols)]
        top, bottom = parts[0][1], parts[-1][2]
        w.pages[pg].rect(xs[c], top, x1, bottom)
        if cell.text and (cid not in texted or _rep != -1):
            texted.add(cid)
            lines = _wrap(cell.text, x1 - xs[c], _FONT)
            ty = top + max(2.0, (bottom - top - len(lines) * _LINE) / 2)
            for k, line in enumerate(lines):
                w.pages[pg].text(xs[c] + 2, ty + k * _LINE, line, size=_FONT)
    w.y += 10


def render_pdf(rep: Report, lay: Layout) -> bytes:
    """Draw the report as a text-layer PDF (Song CID font, ruled tables).

    Tables break across pages where they run out of room; the header rows are repeated on the
    next page (Word's 标题行重复) and a merged label cell keeps its text on its first page only.
    """
    import pdfgen

    w = _PdfWriter()
    _pdf_title(w, rep, lay)
    for b in rep.blocks[1:]:
        if isinstance(b, str):
            if lay.page_break and b.startswith("三、"):
                w.y = 842 - _MARGIN - 200  # push 表三 low on the page: it must break
            if b:
                w.para(b)
            continue
        _pdf_table(w, b)
    info = rep.title if lay.file_title == "same" else (lay.file_title or None)
    return pdfgen.build_pdf(w.pages, title=info)


def to_pdf(sources: dict[str, bytes], workdir: Path) -> dict[str, bytes]:
    """Convert {name.html|name.docx: bytes} to PDFs with one LibreOffice run."""
    soffice = shutil.which("soffice")
    if not soffice or not sources:
        return {}
    for name, data in sources.items():
        (workdir / name).write_bytes(data)
    profile = workdir / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            *[str(workdir / n) for n in sources],
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    out = {}
    for name in sources:
        pdf = workdir / (name.rsplit(".", 1)[0] + ".pdf")
        if pdf.exists():
            out[name] = pdf.read_bytes()
    return out


def render(truth: dict[str, Any], lay: Layout) -> tuple[str, bytes]:
    """(source kind, bytes) for one layout; PDFs are returned as their html/docx source."""
    rep = build(truth, lay)
    if lay.fmt == "html":
        return "html", render_html(rep, lay)
    if lay.fmt in ("html-gbk", "html-gbk5"):
        return "html", render_html(rep, lay, charset="gbk")
    if lay.fmt.startswith("text"):
        return "txt", render_text(rep, lay)
    if lay.fmt in ("docx", "pdf-docx"):
        return "docx", render_docx(rep, lay)
    return "html", render_html(rep, lay)


# ------------------------------------------------------------------ scoring: right, flagged, silent
def load_truth(stem: str) -> dict[str, Any]:
    return json.loads((DATA / f"{stem}.truth.json").read_text("utf-8"))


def truth_for(stem: str, lay: Layout) -> dict[str, Any]:
    """The truth of the document this layout prints: （六） folded into one row or unfolded.

    Folding adds the three sub-rows (null only when all three are null); unfolding prints the
    single row as 3.其他 with 0 in 1. and 2. — a consistent document either way.
    """
    truth = load_truth(stem)
    m = dict(truth["metrics"])
    split = "app.result.other.no_correction.total" in m
    if lay.other == "one" and split and truth.get("template") == "2021":
        for c in APP_COLS:
            parts = [m.pop(f"app.result.other.{k}.{c}") for k in _OTHER_KEYS]
            nums = [p for p in parts if p is not None]
            m[f"app.result.other.{c}"] = sum(nums) if nums else None
    elif lay.other == "three" and not split and truth.get("template") == "2021":
        for c in APP_COLS:
            v = m.pop(f"app.result.other.{c}")
            m[f"app.result.other.no_correction.{c}"] = 0
            m[f"app.result.other.no_fee.{c}"] = 0
            m[f"app.result.other.other.{c}"] = v
    return {**truth, "metrics": m}


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def score(out: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """right / flagged / silent cells: a wrong cell is silent unless a check or warning names it."""
    got = {m["key"]: m["value"] for m in out.get("metrics", [])}
    flags = {k for c in out.get("checks", []) if c["status"] == "fail" for k in c["keys"]}
    flags |= {k for w in out.get("warnings", []) for k in w.get("keys", [])}
    right = flagged = 0
    silent: list[str] = []
    wrong: list[str] = []
    for k, v in truth["metrics"].items():
        if _same(got.get(k), v):
            right += 1
        elif k in flags:
            flagged += 1
            wrong.append(k)
        else:
            silent.append(f"{k}: want {v!r} got {got.get(k)!r}")
    return {
        "right": right,
        "flagged": flagged,
        "silent": silent,
        "wrong": wrong,
        "n": len(truth["metrics"]),
        "year": out.get("year"),
        "agency": out.get("agency"),
    }


def extract_variant(
    stem: str, lay: Layout, pdfs: dict[tuple[str, str], bytes] | None = None
) -> dict[str, Any] | None:
    """Render and extract one (document, layout); None when a PDF could not be made."""
    from extract.api import extract_bytes

    truth = truth_for(stem, lay)
    if lay.fmt == "pdf-drawn":
        data = render_pdf(build(truth, lay), lay)
    elif lay.fmt.startswith("pdf"):
        data = (pdfs or {}).get((stem, lay.name))
        if data is None:
            return None
    else:
        data = render(truth, lay)[1]
    return extract_bytes(data, name=f"{stem}-{lay.name}")


def make_pdfs(stems: list[str], layouts: list[Layout]) -> dict[tuple[str, str], bytes]:
    """All PDF variants in one LibreOffice run."""
    sources: dict[str, bytes] = {}
    index: dict[str, tuple[str, str]] = {}
    for stem in stems:
        for lay in layouts:
            if not lay.fmt.startswith("pdf") or lay.fmt == "pdf-drawn":
                continue
            truth = truth_for(stem, lay)
            kind, data = render(truth, lay)
            name = f"{stem}--{lay.name}.{kind}"
            sources[name] = data
            index[name] = (stem, lay.name)
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = to_pdf(sources, Path(tmp))
    return {index[n]: data for n, data in pdfs.items()}


def matrix(
    stems: list[str] | None = None, layouts: list[Layout] | None = None
) -> dict[tuple[str, str], dict[str, Any] | None]:
    """Score every (document, layout)."""
    stems = stems or TRUTHS
    layouts = layouts or LAYOUTS
    pdfs = make_pdfs(stems, layouts)
    out: dict[tuple[str, str], dict[str, Any] | None] = {}
    for stem in stems:
        for lay in layouts:
            truth = truth_for(stem, lay)
            res = extract_variant(stem, lay, pdfs)
            out[(stem, lay.name)] = None if res is None else score(res, truth)
    return out


if __name__ == "__main__":  # print the matrix: python tests/extract/variants.py
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    res = matrix()
    names = [lay.name for lay in LAYOUTS]
    print(f"{'layout':26} " + " ".join(f"{t[:12]:>12}" for t in TRUTHS))
    for name in names:
        cells = []
        for stem in TRUTHS:
            s = res[(stem, name)]
            cells.append(
                "   (no pdf)"
                if s is None
                else f"{s['right']:>3}/{s['flagged']:>3}/{len(s['silent']):>2}"
            )
        print(f"{name:26} " + " ".join(f"{c:>12}" for c in cells))
    print("cells: right/flagged/silent")
    for (stem, name), s in res.items():
        for line in (s or {}).get("silent", [])[:5]:
            print("SILENT", stem, name, line)
