"""The report templates as data: canonical keys, Chinese labels, tables, units, meanings.

Why: the keys are a contract (database, exports, scoring).  Everything that knows what a row
of 表二/表三/表四 is called lives here, so readers and the mapping share one definition and the
module doubles as the data dictionary (see TEMPLATES.md).  Label patterns are matched against
*normalized* label text (see :func:`label_norm`), anchored at the end of the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.values import normalize

# A few traditional characters seen on mirrored pages; enough for the template labels.
_TRAD_PAIRS = (
    "辦办織织構构組组違违繼继續续無无糾纠確确沒没補补罰罚額额書书複复圖图價价傳传員员長长勞劳動动"
    "醫医療疗衛卫環环稅税銀银標标準准財财農农廳厅辭辞歸归檔档樣样優优歷历擔担稱称讓让興兴態态質质"
    "設设諮谘觀观點点聞闻廣广電电視视場场創创繳缴納纳簽签輪轮則则貫贯徹彻導导領领協协調调簡简種种"
    "監监測测評评編编覽览"
)
_TRAD = str.maketrans(
    "開與處報請數據規範許強費結轉總計機關權護務過執詢項決訴議維審復訟應實際區屬國險類內論現製廢"
    "營況圍門戶網齊單據職責條紀錄檢查發佈佈閱訊係統衆眾聯繫鄉鎮縣為這個會對於從業寫號級將後當時間"
    "問題說該請託認識讀證據資訊産產據產經營濟體獲舉訪復裡" + _TRAD_PAIRS[0::2],
    "开与处报请数据规范许强费结转总计机关权护务过执询项决诉议维审复讼应实际区属国险类内论现制废"
    "营况围门户网齐单据职责条纪录检查发布布阅讯系统众众联系乡镇县为这个会对于从业写号级将后当时间"
    "问题说该请托认识读证据资讯产产据产经营济体获举访复里" + _TRAD_PAIRS[1::2],
)


def simplified(text: str) -> str:
    """Traditional characters seen in mirrored reports → simplified (one table for all)."""
    return text.translate(_TRAD)


def label_norm(text: str) -> str:
    """Normalize a label: NFKC, no spaces, simplified characters, no quotes."""
    text = normalize(text).translate(_TRAD)
    return re.sub(r"[\"'“”‘’「」『』]", "", text)


@dataclass(frozen=True)
class Metric:
    """One number of the template: its key and what it means."""

    key: str
    table: str  # 表二 | 表三 | 表四
    label: str  # printed row label (and column label)
    unit: str
    meaning: str
    templates: tuple[str, ...]


@dataclass(frozen=True)
class RowDef:
    """A printed row: its key prefix, label, end-anchored pattern and value columns."""

    key: str
    label: str
    pattern: str
    columns: tuple[tuple[str, str, str], ...]  # (column key, column label, unit)

    def cell_keys(self) -> list[str]:
        return [f"{self.key}.{c[0]}" for c in self.columns]

    def matches(self, norm_label: str) -> bool:
        return re.search(f"(?:{self.pattern})$", norm_label) is not None


# ---------------------------------------------------------------- 表二 (2021 format)
_ISSUED = (
    ("issued", "本年制发件数", "件"),
    ("repealed", "本年废止件数", "件"),
    ("in_force", "现行有效件数", "件"),
)
ACTIVE_2021: tuple[RowDef, ...] = (
    RowDef("active.regulations", "第二十条第（一）项 规章", r"规章", _ISSUED),
    RowDef("active.normative_docs", "行政规范性文件", r"规范性文件", _ISSUED),
    RowDef(
        "active.licensing",
        "第二十条第（五）项 行政许可",
        r"行政许可",
        (("decisions", "本年处理决定数量", "宗"),),
    ),
    RowDef(
        "active.punishment",
        "第二十条第（六）项 行政处罚",
        r"行政处罚",
        (("decisions", "本年处理决定数量", "宗"),),
    ),
    RowDef(
        "active.coercion",
        "第二十条第（六）项 行政强制",
        r"行政强制",
        (("decisions", "本年处理决定数量", "宗"),),
    ),
    RowDef(
        "active.fees",
        "第二十条第（八）项 行政事业性收费",
        r"行政事业性收费",
        (("amount", "本年收费金额（单位：万元）", "万元"),),
    ),
)

# ---------------------------------------------------------------- 表二 (2019 trial format)
_MADE = (
    ("new_made", "本年新制作数量", "件"),
    ("new_published", "本年新公开数量", "件"),
    ("public_total", "对外公开总数量", "件"),
)
_ITEMS = (
    ("prev_items", "上一年项目数量", "项"),
    ("change", "本年增/减", "项"),
    ("decisions", "处理决定数量", "宗"),
)
ACTIVE_2019: tuple[RowDef, ...] = (
    RowDef("active.regulations", "第二十条第（一）项 规章", r"规章", _MADE),
    RowDef("active.normative_docs", "规范性文件", r"规范性文件", _MADE),
    RowDef("active.licensing", "第二十条第（五）项 行政许可", r"行政许可", _ITEMS),
    RowDef("active.other_services", "其他对外管理服务事项", r"其他对外管理服务事项", _ITEMS),
    RowDef("active.punishment", "第二十条第（六）项 行政处罚", r"行政处罚", _ITEMS),
    RowDef("active.coercion", "行政强制", r"行政强制", _ITEMS),
    RowDef(
        "active.fees",
        "第二十条第（八）项 行政事业性收费",
        r"行政事业性收费",
        (("prev_items", "上一年项目数量", "项"), ("change", "本年增/减", "项")),
    ),
    RowDef(
        "active.procurement",
        "第二十条第（九）项 政府集中采购",
        r"政府集中采购",
        (("items", "采购项目数量", "项"), ("amount", "采购总金额", "万元")),
    ),
)

# ---------------------------------------------------------------- 表三
APP_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("natural_person", "自然人", "件"),
    ("commercial", "商业企业", "件"),
    ("research", "科研机构", "件"),
    ("social_welfare", "社会公益组织", "件"),
    ("legal_service", "法律服务机构", "件"),
    ("other_org", "其他", "件"),
    ("total", "总计", "件"),
)


def _app(key: str, label: str, pattern: str) -> RowDef:
    return RowDef("app." + key, label, pattern, APP_COLUMNS)


APP_NEW = _app(
    "new", "一、本年新收政府信息公开申请数量", r"本年新收.{0,14}|新收.{0,12}申请(数量|数)?"
)
APP_CARRIED_OVER = _app("carried_over", "二、上年结转政府信息公开申请数量", r"上年结转.{0,14}")
APP_RESULTS_HEAD: tuple[RowDef, ...] = (
    _app("result.disclosed", "三、本年度办理结果（一）予以公开", r"予以公开"),
    _app("result.partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", r"部分公开"),
    _app("result.withheld.state_secret", "（三）不予公开 1.属于国家秘密", r"国家秘密"),
    _app(
        "result.withheld.prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        r"法律.{0,6}止公开|禁止公开|法律.{0,6}禁止",
    ),
    _app("result.withheld.security_stability", "3.危及“三安全一稳定”", r"三安全一稳定|危及.{0,10}"),
    _app("result.withheld.third_party", "4.保护第三方合法权益", r"第三方.{0,6}"),
    _app("result.withheld.internal_affairs", "5.属于三类内部事务信息", r"内部事务.{0,3}"),
    _app("result.withheld.process_info", "6.属于四类过程性信息", r"过程性.{0,3}"),
    _app("result.withheld.enforcement_file", "7.属于行政执法案卷", r"执法案卷"),
    _app("result.withheld.inquiry", "8.属于行政查询事项", r"查询事项"),
    _app("result.unable.not_held", "（四）无法提供 1.本机关不掌握相关政府信息", r"不掌握.{0,8}"),
    _app("result.unable.needs_creation", "2.没有现成信息需要另行制作", r"另行制作|没有现成.{0,8}"),
    _app("result.unable.unclear", "3.补正后申请内容仍不明确", r"不明确|补正后.{0,8}"),
    _app(
        "result.rejected.complaint", "（五）不予处理 1.信访举报投诉类申请", r"投诉类申请|信访.{0,8}"
    ),
    _app("result.rejected.duplicate", "2.重复申请", r"重复申请"),
    _app("result.rejected.publication", "3.要求提供公开出版物", r"出版物"),
    _app("result.rejected.excessive", "4.无正当理由大量反复申请", r"大量反复.{0,3}"),
    _app(
        "result.rejected.confirm_reissue",
        "5.要求行政机关确认或重新出具已获取信息",
        r"重新出具.{0,8}|确认或.{0,12}",
    ),
)
APP_OTHER_SPLIT: tuple[RowDef, ...] = (
    _app(
        "result.other.no_correction",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        r"逾期不补正.{0,30}",
    ),
    _app(
        "result.other.no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        r"(缴纳费用|收费通知|未缴费|未缴纳).{0,30}",
    ),
    _app("result.other.other", "3.其他", r"(^|\(六\)其他处理|处理)3\.?其他"),
)
APP_OTHER_SINGLE = _app("result.other", "（六）其他处理", r"其他处理")
APP_TOTAL = _app("result.total", "（七）总计", r"(\(七\)|^)总计")
APP_CARRIED_FORWARD = _app("carried_forward", "四、结转下年度继续办理", r"结转下年.{0,6}")


def app_rows(other_split: bool) -> tuple[RowDef, ...]:
    """表三's printed rows in template order; （六） as three sub-rows or as one row."""
    other = APP_OTHER_SPLIT if other_split else (APP_OTHER_SINGLE,)
    return (APP_NEW, APP_CARRIED_OVER, *APP_RESULTS_HEAD, *other, APP_TOTAL, APP_CARRIED_FORWARD)


def result_rows(other_split: bool) -> tuple[RowDef, ...]:
    """The rows that add up to （七）总计."""
    other = APP_OTHER_SPLIT if other_split else (APP_OTHER_SINGLE,)
    return (*APP_RESULTS_HEAD, *other)


# ---------------------------------------------------------------- 表四
REVIEW_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼·未经复议直接起诉"),
    ("litigation_after_review", "行政诉讼·复议后起诉"),
)
REVIEW_RESULTS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
REVIEW_KEYS: tuple[str, ...] = tuple(
    f"{g}.{r}" for g, _ in REVIEW_GROUPS for r, _ in REVIEW_RESULTS
)


def active_rows(template: str) -> tuple[RowDef, ...]:
    return ACTIVE_2019 if template == "2019" else ACTIVE_2021


def keys_for(template: str, other_split: bool | None = None) -> list[str]:
    """All canonical keys of a template version, in table order."""
    if other_split is None:
        other_split = template == "2021"
    keys = [k for r in active_rows(template) for k in r.cell_keys()]
    keys += [k for r in app_rows(other_split) for k in r.cell_keys()]
    return keys + list(REVIEW_KEYS)


def metrics(template: str) -> list[Metric]:
    """The data dictionary for a template version (both （六） variants for 2021)."""
    tmpl = (template,)
    out = [
        Metric(f"{r.key}.{c}", "表二", f"{r.label} {cl}", u, f"{r.label}：{cl}", tmpl)
        for r in active_rows(template)
        for c, cl, u in r.columns
    ]
    rows = app_rows(True) + ((APP_OTHER_SINGLE,) if template == "2021" else ())
    if template == "2019":
        rows = app_rows(False)
    for r in rows:
        for c, cl, u in r.columns:
            out.append(
                Metric(
                    f"{r.key}.{c}",
                    "表三",
                    f"{r.label} {cl}",
                    u,
                    f"申请数（申请人：{cl}）— {r.label}",
                    tmpl,
                )
            )
    for g, gl in REVIEW_GROUPS:
        for res, rl in REVIEW_RESULTS:
            out.append(Metric(f"{g}.{res}", "表四", f"{gl} {rl}", "件", f"{gl}：{rl}", tmpl))
    return out


def table_of(key: str) -> str:
    if key.startswith("active."):
        return "表二"
    if key.startswith("app."):
        return "表三"
    return "表四"
