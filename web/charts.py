"""Small bar charts drawn server-side as SVG: no script, no library, every label escaped."""

from __future__ import annotations

from html import escape


def bar_chart(
    title: str,
    bars: list[tuple[str, float]],
    *,
    unit: str = "",
    percent: bool = False,
    width: int = 420,
    bar_height: int = 18,
) -> str:
    """A horizontal bar chart: one labelled bar per (label, value)."""
    label_w, pad = 120, 6
    height = 28 + len(bars) * (bar_height + pad) + 4
    top = max((v for _, v in bars), default=0) or 1
    span = width - label_w - 60
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='chart' role='img' "
        f"width='{width}' height='{height}' viewBox='0 0 {width} {height}'>",
        f"<title>{escape(title)}</title>",
        f"<text x='0' y='16' font-size='13' font-weight='bold'>{escape(title)}</text>",
    ]
    if not bars:
        out.append("<text x='0' y='40' font-size='12' fill='#666'>（无数据）</text>")
    for i, (label, value) in enumerate(bars):
        y = 28 + i * (bar_height + pad)
        w = max(1.0, span * value / top) if value else 0
        shown = f"{value:.0%}" if percent else f"{value:g}{unit}"
        out.append(
            f"<text x='{label_w - 6}' y='{y + bar_height - 5}' font-size='12' "
            f"text-anchor='end'>{escape(label)}</text>"
        )
        out.append(
            f"<rect x='{label_w}' y='{y}' width='{w:.1f}' height='{bar_height}' "
            f"fill='#3b6ea5'><title>{escape(label)}: {escape(shown)}</title></rect>"
        )
        out.append(
            f"<text x='{label_w + w + 4:.1f}' y='{y + bar_height - 5}' "
            f"font-size='12'>{escape(shown)}</text>"
        )
    out.append("</svg>")
    return "".join(out)
