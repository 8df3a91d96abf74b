"""Cell text -> number or null, keeping the raw text.

Why: reports print the same number in many ways (`1,142`, `91.61万元`, `１２`, `1 142`) and
mark empty cells with `/`, `-`, `—`, `无` or nothing.  An empty cell is *not* zero: it must
stay null so the dataset says "not printed" rather than inventing a 0.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

NULL_TOKENS = frozenset({"", "/", "-", "—", "——", "–", "－", "─", "无", "\\", "_", "／", "空"})
_UNITS = r"(?:万元|亿元|元|件|宗|个|条|次|项|家|人次|份|起|篇)"
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d+)?)" + _UNITS + r"?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DASHES = str.maketrans({"−": "-", "﹣": "-", "－": "-", "，": ",", "．": "."})


@dataclass(frozen=True)
class Value:
    """A parsed cell: kind is 'number', 'null' (printed empty/placeholder) or 'text'."""

    kind: str
    value: int | float | None
    raw: str

    @property
    def is_value_cell(self) -> bool:
        """A cell that occupies a value position (a number or an empty placeholder)."""
        return self.kind in ("number", "null")


def normalize(text: str) -> str:
    """NFKC (full-width digits/brackets -> ASCII) and no whitespace at all."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return re.sub(r"\s+", "", text)


def parse_value(raw: str) -> Value:
    """Parse one cell's text.  Never returns 0 for an empty or placeholder cell."""
    text = normalize(raw)
    if text in NULL_TOKENS or (text and all(ch in "/-—_" for ch in text)):
        return Value("null", None, raw)
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    m = _NUMBER.match(text)
    if not m:
        return Value("text", None, raw)
    sign, digits = m.group(1), m.group(2)
    number: int | float = float(digits) if "." in digits else int(digits)
    return Value("number", -number if sign == "-" else number, raw)


def is_number_text(raw: str) -> bool:
    """True when the cell is a plain number (used by readers to tell labels from values)."""
    return parse_value(raw).kind == "number"
