"""Derived measures an evaluator computes: timeliness, year-over-year text reuse, coverage.

Each function is pure (data in, answer out) so that the known answers in tests/ops and
tests/export pin the rules down; storage/export/tables.py feeds them from the database.

Timeliness compares the publication date with the deadline the regulations set for the
agency's kind (storage/export/agency.py: deadline_rule, which says which article applies and
returns no date where none does: streets/towns, a zone's 管委会, an unknown agency since 2019).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from storage.export.agency import Deadline, deadline_rule, kind_of

# ------------------------------------------------------------------ agency kind


def agency_kind(agency: str | None) -> str:
    """government, street_town, department or unknown from the agency's name.

    One rule for the whole project: storage/export/agency.py (an agency named only by its place,
    城口县, is its government; a sentence fragment is no agency).
    """
    return kind_of(agency)


def deadline(year: int, kind: str, name: str | None = None) -> Deadline:
    """The deadline of the report on `year` by an agency of `kind`, with its basis."""
    return deadline_rule(year, kind, name)


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_date(text: str | date | datetime | None) -> date | None:
    """The first Y-M-D date in a string ("2023-01-05", "2023年1月5日", "2023/1/5")."""
    if text is None:
        return None
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    m = _DATE_RE.search(unicodedata.normalize("NFKC", str(text)))
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


@dataclass(frozen=True)
class Timeliness:
    """Publication date against the deadline; `days_late` > 0 means late.

    status: on_time | late; no_legal_deadline when the regulations set no date for this kind
    of body; unknown when the year, the publication date or (since 2019) the agency is unknown.
    """

    kind: str
    deadline: date | None
    published: date | None
    days_late: int | None
    status: str
    basis: str | None = None  # the deadline's basis (agency.deadline_rule); None without a year

    @property
    def late(self) -> bool | None:
        return self.status == "late" if self.status in ("on_time", "late") else None


def timeliness(
    *, year: int | None, agency: str | None, published: str | date | None, kind: str | None = None
) -> Timeliness:
    """Whether a report for `year` published on `published` met its legal deadline."""
    kind = kind or agency_kind(agency)
    pub = parse_date(published)
    if year is None:
        return Timeliness(kind, None, pub, None, "unknown")
    rule = deadline(year, kind, agency)
    if rule.due is None:
        status = "unknown" if kind == "unknown" else "no_legal_deadline"
        return Timeliness(kind, None, pub, None, status, rule.basis)
    if pub is None:
        return Timeliness(kind, rule.due, None, None, "unknown", rule.basis)
    days = (pub - rule.due).days
    return Timeliness(kind, rule.due, pub, days, "late" if days > 0 else "on_time", rule.basis)


# ------------------------------------------------------------------ text overlap

SHINGLE = 8  # characters per shingle: a short clause of Chinese text
_DROP_RE = re.compile(r"[^\w#\x1e]+|_", re.UNICODE)
_DIGITS_RE = re.compile(r"\d+")
CUT = "\x1e"  # where a table row was cut out of the text: no shingle spans it


def normalize_text(text: str) -> str:
    """NFKC, no whitespace or punctuation, every number replaced by '#' (idempotent).

    Why the '#': a paragraph copied from last year with this year's numbers typed in is
    still a copied paragraph, which is what evaluators penalise.
    """
    text = _DROP_RE.sub("", unicodedata.normalize("NFKC", text or ""))
    return _DIGITS_RE.sub("#", text)


def narrative(text: str, table_rows: Iterable[str] = ()) -> str:
    """The normalised prose: the text with every table row (its cells joined) cut out.

    Why: the template's tables print the same labels every year; counting them would make
    every report look copied.
    """
    norm = normalize_text(text)
    rows = {normalize_text(r) for r in table_rows}
    for row in sorted((r for r in rows if len(r) >= SHINGLE), key=len, reverse=True):
        norm = norm.replace(row, CUT)
    return norm


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """The set of k-character substrings of the normalised text (never across a cut)."""
    out: set[str] = set()
    for seg in normalize_text(text).split(CUT):
        if 0 < len(seg) < k:
            out.add(seg)
        out.update(seg[i : i + k] for i in range(len(seg) - k + 1))
    return out


def overlap(current: str, previous: str, k: int = SHINGLE) -> float | None:
    """Share of the current text's shingles found in the previous text (0..1; None if empty).

    Asymmetric on purpose: "how much of this year's report was already in last year's".
    """
    cur = shingles(current, k)
    if not cur:
        return None
    prev = shingles(previous, k)
    return len(cur & prev) / len(cur)


OVERLAP_PENALTY = 0.5  # evaluators penalise a report that repeats more than half of last year's


# ------------------------------------------------------------------ coverage


@dataclass(frozen=True)
class Found:
    """A report that exists: on which site, by which agency, for which year."""

    site_id: str
    agency: str | None
    year: int | None


def coverage(
    sites: dict[str, str],
    found: Iterable[Found],
    years: Iterable[int],
    expected: dict[str, list[str]] | None = None,
) -> list[dict[str, object]]:
    """One row per (site, year) and per (site, agency, year): was a report found?

    `sites` maps site id → site name.  The agencies expected on a site are those listed in
    `expected[site_id]` plus every agency that published there in any year, so an agency that
    skipped a year shows up as a gap.
    """
    years = sorted(set(years))
    found = list(found)
    rows: list[dict[str, object]] = []
    for site_id in sorted(sites):
        mine = [f for f in found if f.site_id == site_id]
        agencies = sorted(
            {*(expected or {}).get(site_id, []), *(f.agency for f in mine if f.agency)}
        )
        for year in years:
            n = sum(f.year == year for f in mine)
            rows.append(
                {
                    "site_id": site_id,
                    "site_name": sites[site_id],
                    "level": "site",
                    "agency": None,
                    "year": year,
                    "found": n > 0,
                    "reports": n,
                }
            )
            for agency in agencies:
                n = sum(f.year == year and f.agency == agency for f in mine)
                rows.append(
                    {
                        "site_id": site_id,
                        "site_name": sites[site_id],
                        "level": "agency",
                        "agency": agency,
                        "year": year,
                        "found": n > 0,
                        "reports": n,
                    }
                )
    return rows
