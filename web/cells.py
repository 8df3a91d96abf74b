"""One value cell of the printed template tables, as HTML (escaped here, not in a macro).

Why Python and not a Jinja macro: a report page has ~200 cells, and macro calls were half of
the page's time; this is the same markup at a fraction of the cost.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from storage.models import MetricValue


def number(value: float | None) -> str:
    """A stored value as printed: thousands separators, never rounded away."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def value_cell(
    key: str,
    m: MetricValue | None,
    *,
    label: str,
    where: str,
    failed: bool,
    previous_year: int | None,
    previous: float | None,
) -> Markup:
    """`<td>` with the number (a button that shows its cell in the original), last year's
    value under it (marked when it changed), red when an identity through it failed."""
    if m is None:
        return Markup(f'<td class="v missing" title="{escape(key)}">·</td>')
    shown = m.raw if m.raw not in (None, "") else number(m.value)
    title = f"{label} · {key}" + (f" · {where}" if where else "")
    out = [
        f'<td class="v{" fail" if failed else ""}">',
        f'<button type="button" class="num" data-key="{escape(key)}" '
        f'title="{escape(title)}">{escape(shown)}</button>',
    ]
    if previous_year is not None:
        arrow = ""
        if previous is not None and m.value is not None:
            arrow = "↑" if m.value > previous else "↓" if m.value < previous else ""
        changed = " changed" if previous != m.value else ""
        out.append(
            f'<span class="prev{changed}" title="上年（{previous_year}）">'
            f"{escape(number(previous))}{arrow}</span>"
        )
    out.append("</td>")
    return Markup("".join(out))
