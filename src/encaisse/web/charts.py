"""Server-rendered SVG charts (no JavaScript, no CDN), with the figures beside them in tables."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def bar_chart(
    labels: Sequence[str], values: Sequence[Decimal], *, title: str, width: int = 560, height: int = 220
) -> SafeString:
    """A vertical bar chart as inline SVG with an accessible title."""
    top = max([v for v in values if v > 0] or [Decimal(1)])
    n = max(len(values), 1)
    slot = (width - 40) / n
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = float(max(value, Decimal(0)) / top) * (height - 50)
        x = 30 + i * slot + slot * 0.15
        y = height - 30 - h
        bars.append(
            (
                f"{x:.1f}",
                f"{y:.1f}",
                f"{slot * 0.7:.1f}",
                f"{h:.1f}",
                label,
                value,
                f"{x + slot * 0.35:.1f}",
                height - 12,
            )
        )
    body = format_html_join(
        "",
        '<g><rect x="{}" y="{}" width="{}" height="{}" class="bar"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" text-anchor="middle" class="axis">{}</text></g>',
        ((x, y, w, h, label, value, tx, ty, label) for x, y, w, h, label, value, tx, ty in bars),
    )
    return format_html(
        '<svg role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" class="chart"><title>{}</title>'
        '<line x1="25" y1="{}" x2="{}" y2="{}" class="baseline"/>{}</svg>',
        title, width, height, title, height - 30, width - 5, height - 30, body,
    )  # fmt: skip
