"""Server-rendered SVG charts (no JavaScript, no CDN), with the figures beside them in tables.

Every chart is an ``<svg role="img">`` labelled by its own ``<title>`` and
``<desc>`` (``aria-labelledby``), so a screen reader announces what it shows;
the figures themselves are in the table the template puts next to it. Colours
and strokes come from classes in app.css: the Content-Security-Policy forbids
inline styles.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

Number = Decimal | int


def chart_id(title: str) -> str:
    """A stable id for a chart's title and description elements."""
    return "chart-" + hashlib.blake2s(title.encode(), digest_size=5).hexdigest()


def _frame(
    body: SafeString, *, title: str, description: str, ident: str | None, width: int, height: int
) -> SafeString:
    ident = ident or chart_id(title)
    return format_html(
        '<svg role="img" aria-label="{}" aria-labelledby="{}-title {}-desc" viewBox="0 0 {} {}" width="100%" class="chart">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        title, ident, ident, width, height, ident, title, ident, description or title, body,
    )  # fmt: skip


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Number],
    *,
    title: str,
    description: str = "",
    ident: str | None = None,
    width: int = 560,
    height: int = 220,
) -> SafeString:
    """A vertical bar chart; negative values are drawn as empty bars (their figure is in the table)."""
    top = max([Decimal(v) for v in values if v > 0] or [Decimal(1)])
    n = max(len(values), 1)
    slot = (width - 40) / n
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = float(max(Decimal(value), Decimal(0)) / top) * (height - 50)
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
    body = format_html(
        '<line x1="25" y1="{}" x2="{}" y2="{}" class="baseline"/>{}',
        height - 30,
        width - 5,
        height - 30,
        body,
    )
    return _frame(body, title=title, description=description, ident=ident, width=width, height=height)


def _px(value: float) -> str:
    return f"{value:.1f}"


def _ticks(low: Decimal, high: Decimal, count: int = 4) -> list[Decimal]:
    """About ``count`` round tick values covering [low, high]."""
    span = high - low or Decimal(1)
    raw = span / count
    magnitude = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal("0.1")
    step = next((magnitude * f for f in (1, 2, 5, 10) if magnitude * f >= raw), magnitude * 10)
    first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    ticks = [first]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return ticks


def line_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number | None]]],
    *,
    title: str,
    description: str = "",
    ident: str | None = None,
    width: int = 560,
    height: int = 240,
) -> SafeString:
    """One or more series over the same x labels; ``None`` leaves a gap (no figure for that point)."""
    figures = [Decimal(v) for _, values in series for v in values if v is not None]
    low = min([Decimal(0), *figures])
    high = max([Decimal(1), *figures])
    ticks = _ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])
    left, right, top, bottom = 56, width - 10, 24, height - 30
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (right - left) * (i + 0.5) / n

    def y(v: Decimal) -> float:
        return bottom - float((v - low) / (high - low)) * (bottom - top)

    parts: list[SafeString] = []
    for t in ticks:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>'
                '<text x="{}" y="{}" text-anchor="end" class="axis">{}</text>',
                left,
                _px(y(t)),
                right,
                _px(y(t)),
                left - 6,
                _px(y(t) + 4),
                f"{t.normalize():f}",
            )
        )
    every = max(1, (n + 11) // 12)
    for i, label in enumerate(labels):
        if i % every == 0 or i == n - 1:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="axis">{}</text>',
                    _px(x(i)),
                    height - 12,
                    label,
                )
            )
    for s, (name, values) in enumerate(series):
        run: list[str] = []
        runs: list[list[str]] = []
        for i, v in enumerate(values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{_px(x(i))},{_px(y(Decimal(v)))}")
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" class="dot dot-{}"><title>{} {}: {}</title></circle>',
                    _px(x(i)),
                    _px(y(Decimal(v))),
                    s % 6,
                    name,
                    labels[i],
                    v,
                )
            )
        if run:
            runs.append(run)
        for r in runs:
            parts.append(format_html('<polyline points="{}" class="line series-{}"/>', " ".join(r), s % 6))
        parts.append(
            format_html(
                '<g class="legend"><rect x="{}" y="4" width="10" height="10" class="swatch dot-{}"/>'
                '<text x="{}" y="13" class="axis">{}</text></g>',
                left + 150 * s,
                s % 6,
                left + 150 * s + 14,
                name,
            )
        )
    body = format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="baseline"/>{}',
        left, _px(y(Decimal(0))), right, _px(y(Decimal(0))), mark_safe("".join(parts)),  # noqa: S308  (each part is escaped)
    )  # fmt: skip
    return _frame(body, title=title, description=description, ident=ident, width=width, height=height)
