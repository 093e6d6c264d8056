"""A small server-rendered SVG chart: findings over time as stacked bars, one bar per day.

No script and no CDN: the SVG is built here, every label escaped, and colours are presentation
attributes (the app's CSP forbids inline styles). Each bar has a ``<title>``, which browsers
show as a tooltip, so the numbers are readable without hovering code.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

SERIES = (("block", "#c92a2a"), ("warn", "#f08c00"), ("info", "#1c7ed6"))


@dataclass(frozen=True)
class Bar:
    """One bar: its label (a day) and a value per series name."""

    label: str
    values: dict[str, int]

    @property
    def total(self) -> int:
        """The bar's height: every series added up."""
        return sum(self.values.values())


def _nice_max(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... at or above ``value`` (a readable top of the axis)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def stacked_bars(bars: list[Bar], *, width: int = 720, height: int = 220, title: str = "Findings per day") -> Markup:
    """An accessible SVG of ``bars`` stacked by :data:`SERIES`; an empty list gives an empty chart."""
    left, right, top, bottom = 44, 12, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((b.total for b in bars), default=0) or 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, top_value // 2, top_value):
        y = top + plot_h - plot_h * tick / top_value
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#495057">{tick}</text>')
    if not bars:
        out.append(f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" font-size="13" fill="#868e96">No runs yet</text>')
    slot = plot_w / max(len(bars), 1)
    bar_w = max(2.0, min(36.0, slot * 0.7))
    label_every = max(1, round(len(bars) / 12))  # about a dozen dates fit under the axis
    for index, bar in enumerate(bars):
        x = left + slot * index + (slot - bar_w) / 2
        y = top + plot_h
        parts = ", ".join(f"{bar.values.get(name, 0)} {name}" for name, _ in SERIES)
        out.append(f"<g><title>{escape(bar.label)}: {escape(parts)}</title>")
        for name, colour in SERIES:
            value = bar.values.get(name, 0)
            if not value:
                continue
            h = plot_h * value / top_value
            y -= h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"/>')
        out.append("</g>")
        if index % label_every == 0:
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" fill="#495057">{escape(bar.label[5:] if len(bar.label) == 10 else bar.label)}</text>'
            )
    legend_x = left
    for name, colour in SERIES:
        out.append(f'<rect x="{legend_x}" y="{height - 14}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{legend_x + 14}" y="{height - 5}" font-size="11" fill="#495057">{escape(name)}</text>')
        legend_x += 64
    out.append("</svg>")
    return Markup("".join(out))
