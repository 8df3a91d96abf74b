"""Who published a report: the agency's name cleaned, its kind, its region and a stable key.

Why a module of its own: the same government signs as `拱墅区` one year and
`杭州市拱墅区人民政府` the next, a department as `区统计局` or `杭州市拱墅区统计局`, and a bad
extraction can hand over a sentence fragment (`本报告依据《中华人民共和国`).  An analyst's series
must join the first two and drop the third, and the legal deadline depends on the kind of body.
Every function here is pure (names in, answer out); the region vocabulary comes from the site
registry and is passed in by storage/export/tables.py.

Rules (examples in tests/export/test_agency.py and README's analyst section):
- a fragment is never an agency: markup, ASCII words, quotation or sentence punctuation, a
  leading 本/我/该/依据/根据…, or 条例/报告/通知 inside → None;
- the places at the start of the name (a province from the fixed list, then names the registry
  knows: 杭州市, 拱墅区) are cut off; what remains is the body;
- the body is normalised: a leading 区/县/市 without a name (区统计局) goes, 政府 and nothing at
  all (城口县) mean 人民政府, 政府办公室 / 政府办 / 府办 mean 人民政府办公室 (the government's
  office publishes its own report besides the government's, so the two stay apart),
  街道办事处 → 街道, 镇人民政府 → 镇, 管委会 → 管理委员会, a trailing bracket (（高新区）) goes;
- kind: `government` (a county-level or higher 人民政府, a zone's 管委会, a name that is only a
  place), `street_town` (街道/镇/乡), `department` (any other named body, the government's
  办公室/办公厅 included), `unknown` (no agency);
- key: `<region code>:<body>` when the region is known, else None (区统计局 exists in every
  district: a key without a region would join different agencies).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

GOVERNMENT, DEPARTMENT, STREET_TOWN, UNKNOWN = "government", "department", "street_town", "unknown"

# The 34 province-level names (GB/T 2260) and the first two digits of their codes.
PROVINCES: dict[str, str] = {
    "北京市": "11",
    "天津市": "12",
    "河北省": "13",
    "山西省": "14",
    "内蒙古自治区": "15",
    "辽宁省": "21",
    "吉林省": "22",
    "黑龙江省": "23",
    "上海市": "31",
    "江苏省": "32",
    "浙江省": "33",
    "安徽省": "34",
    "福建省": "35",
    "江西省": "36",
    "山东省": "37",
    "河南省": "41",
    "湖北省": "42",
    "湖南省": "43",
    "广东省": "44",
    "广西壮族自治区": "45",
    "海南省": "46",
    "重庆市": "50",
    "四川省": "51",
    "贵州省": "52",
    "云南省": "53",
    "西藏自治区": "54",
    "陕西省": "61",
    "甘肃省": "62",
    "青海省": "63",
    "宁夏回族自治区": "64",
    "新疆维吾尔自治区": "65",
    "台湾省": "71",
    "香港特别行政区": "81",
    "澳门特别行政区": "82",
}
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

# ------------------------------------------------------------------ fragments

_FRAGMENT_CHARS = re.compile(r"[《》〈〉<>\"“”‘’'，,。；;：:、!！?？…]")
_FRAGMENT_START = re.compile(r"^(本|我|该|依据|根据|按照|依照|印发|现将|现予|关于|为了|为)")
_FRAGMENT_WORDS = re.compile(r"条例|报告|通知|规定|意见|决定|年度|工作要点")
_MARKUP = re.compile(r"[*#_`~|\[\]]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def clean_name(name: str | None) -> str | None:
    """The agency name as printed, NFKC, without spaces or markup; None for a fragment.

    Why None rather than a best guess: a fragment in the agency column makes a false agency in
    every count and series; an empty cell is visibly missing.
    """
    if not name:
        return None
    text = _MARKUP.sub("", "".join(unicodedata.normalize("NFKC", name).split()))
    text = re.sub(r"(\d{4}年度?|年度)$", "", text)
    if (
        not text
        or _FRAGMENT_CHARS.search(text)
        or _FRAGMENT_START.search(text)
        or _FRAGMENT_WORDS.search(text)
        or re.search(r"[A-Za-z0-9]", text)
    ):
        return None
    if len(_CJK.findall(text)) < 2 or len(_CJK.findall(text)) < len(text) - 2 or len(text) > 40:
        return None
    return text


# ------------------------------------------------------------------ places

# A generic place token (for the kind, which must not depend on the registry).  The lookahead
# keeps 市场监督管理局 and 区域… from reading as places.
_PLACE = (
    r"[\u4e00-\u9fff]{1,9}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市(?!场)|"
    r"州|盟|县|区(?!域)|旗)(?![市州县区省])"
)
_PLACE_ONLY = re.compile(rf"^(?:{_PLACE})+$")
_UNKNOWN_PLACE = re.compile(_PLACE)
_GENERIC_PREFIX = re.compile(r"^(?:区|县|市(?!场|政(?!府)|辖)|旗)(?=.)")
_TRAILING_BRACKET = re.compile(r"[(（][^)）]*[)）]$")


def places_in_site_name(name: str) -> list[str]:
    """The places a registry site name starts with: 杭州市拱墅区人民政府 → [杭州市, 拱墅区]."""
    text = _TRAILING_BRACKET.sub("", "".join(unicodedata.normalize("NFKC", name).split()))
    out: list[str] = []
    for prov in sorted(PROVINCES, key=len, reverse=True):
        if text.startswith(prov):
            out.append(prov)
            text = text[len(prov) :]
            break
    while m := re.match(_PLACE, text):
        out.append(m.group(0))
        text = text[m.end() :]
    return out


@dataclass(frozen=True)
class Gazetteer:
    """Place name → region codes, built from the site registry (`Site.name`, `region_code`).

    A site 杭州市拱墅区人民政府 (330105) teaches 拱墅区 → 330105 and its parent 杭州市 → 330100
    (a province-level municipality's code is the province's: 上海市 → 310000).
    """

    codes: Mapping[str, frozenset[str]]

    @classmethod
    def from_sites(cls, sites: Iterable[tuple[str, str]]) -> Gazetteer:
        """`sites`: (site name, 6-digit region code) pairs."""
        found: dict[str, set[str]] = {}
        for name, code in sites:
            code = str(code or "")
            places = places_in_site_name(name)
            if not places or not re.fullmatch(r"\d{6}", code):
                continue
            found.setdefault(places[-1], set()).add(code)
            for parent in places[:-1]:
                if parent in PROVINCES or parent in _MUNICIPALITIES:
                    found.setdefault(parent, set()).add(code[:2] + "0000")
                else:
                    found.setdefault(parent, set()).add(code[:4] + "00")
        return cls({k: frozenset(v) for k, v in found.items()})

    def split(self, name: str) -> tuple[list[str], str]:
        """(places at the start of `name`, rest).

        Places this gazetteer or the province list knows, and before the first of them any
        place-shaped word of 3+ characters (淮安市 of 淮安市洪泽区 when only 洪泽区 is
        registered; 徐闻县 when no site names it): the body must not keep them.  After a
        registered place nothing unknown is cut (拱墅区城市管理局 keeps 城市管理局).
        """
        places: list[str] = []
        rest = name
        known = sorted({*self.codes, *PROVINCES}, key=len, reverse=True)
        seen_known = False
        while True:
            hit = next((p for p in known if rest.startswith(p)), None)
            if hit is None and not seen_known:
                m = _UNKNOWN_PLACE.match(rest)
                hit = m.group(0) if m and len(m.group(0)) >= 3 else None
            else:
                seen_known = seen_known or hit in self.codes
            if hit is None:
                return places, rest
            places.append(hit)
            rest = rest[len(hit) :]

    def region(self, places: list[str]) -> str | None:
        """The code of the most specific place, when the places admit exactly one.

        A province's code is fixed (浙江省 → 330000); each further place keeps only the codes
        under the one before it (福州市鼓楼区 → 350102, not 南京's 320106); a bare 鼓楼区 that
        two registered sites share names no region, and contradicting places name none.
        """
        codes: set[str] | None = None
        for place in places:
            if place not in PROVINCES and place not in self.codes:
                continue  # a place no site names: it neither decides nor contradicts
            mine = (
                {PROVINCES[place] + "0000"}
                if place in PROVINCES
                else set(self.codes.get(place, ()))
            )
            if codes is not None:
                mine = {c for c in mine if any(contains(p, c) for p in codes)}
            if not mine:
                return None
            codes = mine
        return next(iter(codes)) if codes and len(codes) == 1 else None


def contains(parent: str, child: str) -> bool:
    """Whether region `child` lies within region `parent` (by the code's hierarchy)."""
    if parent.endswith("0000"):
        return child.startswith(parent[:2])
    if parent.endswith("00"):
        return child.startswith(parent[:4])
    return child == parent


# ------------------------------------------------------------------ body and kind

_GOVERNMENT_BODIES = {"", "人民政府", "政府"}
# The government's general office: a department with its own annual report (31 January), and
# the same body however it is spelled.
_OFFICE_BODIES = {
    "人民政府办公室": "人民政府办公室",
    "政府办公室": "人民政府办公室",
    "政府办": "人民政府办公室",
    "府办": "人民政府办公室",
    "人民政府办": "人民政府办公室",
    "人民政府办公厅": "人民政府办公厅",
    "政府办公厅": "人民政府办公厅",
}
GOVERNMENT_AND_OFFICE = {"人民政府", "人民政府办公室", "人民政府办公厅"}
_ZONE = re.compile(
    r"(开发区|园区|新区|高新区|试验区|实验区|合作区|保税区|示范区|经济区|港区|片区|产业园|"
    r"风景区|景区)(管理委员会|管委会)$"
)
_STREET_TOWN = re.compile(r"^(?P<name>.{1,12}?(街道|镇|乡|苏木))(办事处|人民政府|政府)?$")


def normalise_body(body: str) -> str:
    """The body of an agency once its places are cut off (see the module rules)."""
    body = _TRAILING_BRACKET.sub("", body)
    body = _GENERIC_PREFIX.sub("", body) if body not in ("区", "县", "市") else ""
    if body in _GOVERNMENT_BODIES:
        return "人民政府"
    if body in _OFFICE_BODIES:
        return _OFFICE_BODIES[body]
    if body in ("管理委员会", "管委会"):  # a zone's (平潭综合实验区管委会) is its government
        return "人民政府"
    body = re.sub(r"^(人民政府|政府)(?=..)", "", body)  # 人民政府外事办公室 → 外事办公室
    body = re.sub(r"管委会$", "管理委员会", body)
    m = _STREET_TOWN.match(body)
    if m:
        return m.group("name")
    return body


def kind_of(name: str | None) -> str:
    """government / street_town / department / unknown, from the name alone."""
    text = clean_name(name)
    if text is None:
        return UNKNOWN
    text = _TRAILING_BRACKET.sub("", text)
    if _PLACE_ONLY.match(text):  # 城口县, 拱墅区: a place names its government
        return GOVERNMENT
    if _STREET_TOWN.match(text) or re.search(r"(街道|镇|乡|苏木)(办事处|人民政府|政府)$", text):
        return STREET_TOWN
    if _ZONE.search(text):
        return GOVERNMENT
    places, body = _NO_REGISTRY.split(text)
    # a town behind a place prefix too long for _STREET_TOWN (黑龙江省哈尔滨市道里区新农镇,
    # 杭州市拱墅区人民政府米市巷街道): the body after the places decides
    if places and _STREET_TOWN.match(re.sub(r"^(?:人民政府|政府)(?=..)", "", body)):
        return STREET_TOWN
    if places and normalise_body(body) == "人民政府":
        return GOVERNMENT
    # no place: 区政府 still says government
    if not places and re.fullmatch(r"(区|县|市|旗)?(人民政府|政府)", body):
        return GOVERNMENT
    return DEPARTMENT


_NO_REGISTRY = Gazetteer({})  # the kind depends on the name alone, never on the registry


# ------------------------------------------------------------------ deadline
#
# What the regulations say, and nothing more (the data dictionary quotes them):
# - 政府信息公开条例 (2019) 第四十九条: 县级以上人民政府部门 submit and publish their report on the
#   previous year 在每年1月31日前; the 政府信息公开工作主管部门 of a 县级以上地方人民政府 publishes
#   本级政府's report 在每年3月31日前.  It names no date for a 乡镇人民政府 or 街道办事处, nor for
#   a development zone's 管委会: neither is a 县级以上人民政府 or one of its 部门.
# - The 2008 条例 (reports on years up to 2018) gave every 行政机关 until 31 March.
# Where no article sets a date the deadline is None and the basis says why: the project does
# not present an assumption (such as 31 January for streets) as law.

BASIS_DEPARTMENT = "2019_art49_department"  # 县级以上人民政府部门: 1月31日前
BASIS_GOVERNMENT = "2019_art49_government"  # 县级以上地方人民政府 (本级政府): 3月31日前
BASIS_2008 = "2008_all_agencies"  # 2008 条例: every 行政机关 by 31 March
NONE_STREET_TOWN = "none_street_town"  # 乡镇/街道: no date in the 2019 条例
NONE_ZONE = "none_zone_committee"  # a development zone's 管委会: no date in the 2019 条例
NONE_UNKNOWN = "none_unknown_kind"  # no agency, so no article to apply
FIRST_2019_YEAR = 2019  # the 2019 条例 took effect 2019-05-15: reports on 2019 onwards


@dataclass(frozen=True)
class Deadline:
    """The last lawful publication day of one report (None when no article sets one) and the
    basis: which article, or why none applies."""

    due: date | None
    basis: str


_COMMITTEE = re.compile(r"(管理委员会|管委会)$")


def is_zone_committee(name: str | None) -> bool:
    """A zone's 管委会 (苏州工业园区管理委员会, 西湖风景名胜区管理委员会), which the project keys as
    the zone's government but which 第四十九条 does not name.

    Why any 管委会, not only the zone words of _ZONE: a 县级以上人民政府 never signs as a
    committee, and a 工业区/度假区/名胜区 committee the zone words miss would otherwise be given
    the government's 31 March as law (deadline_rule asks this only of the government kind).
    """
    text = clean_name(name)
    return bool(text and _COMMITTEE.search(_TRAILING_BRACKET.sub("", text)))


def deadline_rule(year: int, kind: str, name: str | None = None) -> Deadline:
    """The deadline of the report on `year` by an agency of `kind` (its printed `name` tells a
    zone's 管委会 from a government), and its basis; see the rules above."""
    if year < FIRST_2019_YEAR:
        return Deadline(date(year + 1, 3, 31), BASIS_2008)
    if kind == DEPARTMENT:
        return Deadline(date(year + 1, 1, 31), BASIS_DEPARTMENT)
    if kind == GOVERNMENT and is_zone_committee(name):
        return Deadline(None, NONE_ZONE)
    if kind == GOVERNMENT:
        return Deadline(date(year + 1, 3, 31), BASIS_GOVERNMENT)
    if kind == STREET_TOWN:
        return Deadline(None, NONE_STREET_TOWN)
    return Deadline(None, NONE_UNKNOWN)


# ------------------------------------------------------------------ identity


@dataclass(frozen=True)
class Agency:
    """One agency as the dataset names it."""

    name: str | None  # as printed, cleaned; None for a fragment or no agency
    kind: str
    region_code: str | None
    places: tuple[str, ...]
    body: str | None  # normalised body: 人民政府, 统计局, 小河街道
    key: str | None  # `<region_code>:<body>`

    @property
    def canonical_name(self) -> str | None:
        """A readable full name for the key: the places and the body (杭州市拱墅区人民政府)."""
        if self.body is None:
            return None
        return "".join(self.places) + self.body


def identify(name: str | None, gazetteer: Gazetteer) -> Agency:
    """The agency behind a printed name; region from the places the registry knows."""
    text = clean_name(name)
    if text is None:
        return Agency(None, UNKNOWN, None, (), None, None)
    places, rest = gazetteer.split(text)
    body = normalise_body(rest)
    if not body:
        return Agency(text, kind_of(text), None, tuple(places), None, None)
    region = gazetteer.region(places)
    key = f"{region}:{body}" if region else None
    return Agency(text, kind_of(text), region, tuple(places), body, key)
