"""Charts as SVG, drawn on the server: pure functions from numbers to an SVG string.

Every text is escaped; every chart has a ``<title>`` and a ``<desc>`` and is
labelled with them (``role="img"``); series differ by pattern or line style as
well as colour; colours come from CSS classes (``kith.css`` gives them in
light and dark).  The SVG is well-formed XML, meant to sit inline in a page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 420
HEIGHT = 250
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 16, 58


@dataclass(frozen=True, slots=True)
class Series:
    """One row of values; ``style`` 0, 1 or 2 picks its colour and its pattern or dash."""

    name: str
    values: Sequence[float]
    style: int = 0


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _id(text: str) -> str:
    cleaned = re.sub(r"[^a-z0-9-]", "-", text.lower()).strip("-")
    return cleaned or "chart"


def _number(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.1f}"


def nice_ticks(top: float, most: int = 5, *, whole: bool = False) -> list[float]:
    """Round gridline values from 0 to at least ``top``: steps of 1, 2 or 5 times a power of 10
    (``whole``: counts, so steps of at least 1)."""
    if top <= 0:
        return [0.0, 1.0]
    rough = top / most
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    if whole:
        step = max(step, 1)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def _patterns(chart: str) -> str:
    """Fills for styles 1 and 2: hatching and dots over a light tint of their colour."""
    return (
        "<defs>"
        f'<pattern id="{chart}-p1" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" class="tint1"/>'
        '<line x1="0" y1="0" x2="0" y2="6" class="ink1" stroke-width="3"/>'
        "</pattern>"
        f'<pattern id="{chart}-p2" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" class="tint2"/>'
        '<circle cx="3" cy="3" r="1.6" class="dot2"/>'
        "</pattern>"
        "</defs>"
    )


def _fill(chart: str, style: int) -> str:
    if style == 0:
        return 'class="s0"'
    return f'class="s{style}" fill="url(#{chart}-p{style})"'


def _frame(chart: str, title: str, desc: str, body: str, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{chart}-title {chart}-desc" id="{chart}">'
        f'<title id="{chart}-title">{_e(title)}</title>'
        f'<desc id="{chart}-desc">{_e(desc)}</desc>'
        f"{_patterns(chart)}{body}</svg>"
    )


def _grid(ticks: Sequence[float], scale: float, plot_bottom: float) -> list[str]:
    parts = []
    for tick in ticks:
        y = plot_bottom - tick * scale
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" class="axis" text-anchor="end">'
            f"{_e(_number(tick))}</text>"
        )
    return parts


def _legend(chart: str, series: Sequence[Series], y: float, *, lines: bool = False) -> list[str]:
    parts = []
    x = float(LEFT)
    for item in series:
        if lines:
            dash = ' stroke-dasharray="5 3"' if item.style else ""
            parts.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 18:.1f}" y2="{y - 4:.1f}" '
                f'class="line{item.style}"{dash}/>'
            )
        else:
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="14" height="14" rx="2" '
                f"{_fill(chart, item.style)}/>"
            )
        parts.append(f'<text x="{x + 22:.1f}" y="{y:.1f}" class="legend">{_e(item.name)}</text>')
        x += 32 + 7.6 * len(item.name)
    return parts


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    stacked: bool = True,
    label_every: int = 1,
) -> str:
    """Bars for each label: the series stacked (or side by side), each total written above."""
    chart = _id(chart_id)
    count = len(labels)
    for item in series:
        if len(item.values) != count:
            raise ValueError(f"series {item.name!r} has {len(item.values)} values for {count}")
    totals = [sum(item.values[i] for item in series) for i in range(count)]
    highest = max(totals if stacked else [v for s in series for v in s.values], default=0)
    ticks = nice_ticks(highest, whole=True)
    plot_bottom = HEIGHT - BOTTOM
    scale = (plot_bottom - TOP) / (ticks[-1] or 1)
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    parts = _grid(ticks, scale, plot_bottom)
    groups = 1 if stacked else max(len(series), 1)
    bar = slot * 0.7 / groups
    for i, label in enumerate(labels):
        x0 = LEFT + i * slot + slot * 0.15
        base = float(plot_bottom)
        for g, item in enumerate(series):
            value = item.values[i]
            height = value * scale
            x = x0 if stacked else x0 + g * bar
            y = base - height if stacked else plot_bottom - height
            if value > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                    f"{_fill(chart, item.style)}><title>{_e(label)}, {_e(item.name)}: "
                    f"{_e(_number(value))}</title></rect>"
                )
            if stacked:
                base -= height
            elif value > 0:
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" class="value" '
                    f'text-anchor="middle">{_e(_number(value))}</text>'
                )
        if stacked and totals[i] > 0:
            parts.append(
                f'<text x="{x0 + bar / 2:.1f}" y="{base - 4:.1f}" class="value" '
                f'text-anchor="middle">{_e(_number(totals[i]))}</text>'
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{LEFT + (i + 0.5) * slot:.1f}" y="{plot_bottom + 16}" class="axis" '
                f'text-anchor="middle">{_e(label)}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" y1="{plot_bottom}" x2="{WIDTH - RIGHT}" y2="{plot_bottom}" '
        'class="baseline"/>'
    )
    if len(series) > 1 or (series and series[0].name):
        parts += _legend(chart, series, HEIGHT - 12)
    return _frame(chart, title, desc, "".join(parts))


def hbar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    label_width: int = 110,
) -> str:
    """Horizontal bars, one row per label (room for long labels), the series stacked."""
    chart = _id(chart_id)
    count = len(labels)
    for item in series:
        if len(item.values) != count:
            raise ValueError(f"series {item.name!r} has {len(item.values)} values for {count}")
    totals = [sum(item.values[i] for item in series) for i in range(count)]
    row, top = 30, 8
    legend = 34 if len(series) > 1 else 0
    height = top + row * count + 28 + legend
    left = label_width
    right = WIDTH - 44  # room for the total after the longest bar
    ticks = nice_ticks(max(totals, default=0), 4, whole=True)
    scale = (right - left) / (ticks[-1] or 1)
    plot_bottom = top + row * count
    parts = []
    for tick in ticks:
        x = left + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{plot_bottom}" class="grid"/>'
            f'<text x="{x:.1f}" y="{plot_bottom + 16}" class="axis" text-anchor="middle">'
            f"{_e(_number(tick))}</text>"
        )
    for i, label in enumerate(labels):
        y = top + i * row + 5
        height_bar = row - 10
        parts.append(
            f'<text x="{left - 8}" y="{y + height_bar / 2 + 4:.1f}" class="axis label" '
            f'text-anchor="end">{_e(label)}</text>'
        )
        x = float(left)
        for item in series:
            value = item.values[i]
            width = value * scale
            if value > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{height_bar}" '
                    f"{_fill(chart, item.style)}><title>{_e(label)}, {_e(item.name)}: "
                    f"{_e(_number(value))}</title></rect>"
                )
            x += width
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + height_bar / 2 + 4:.1f}" class="value">'
            f"{_e(_number(totals[i]))}</text>"
        )
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{plot_bottom}" class="baseline"/>')
    if legend:
        parts += _legend(chart, series, height - 10)
    return _frame(chart, title, desc, "".join(parts), height)


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    top: float | None = None,
    label_every: int = 1,
) -> str:
    """Lines over the labels, one per series (solid or dashed, round or square marks)."""
    chart = _id(chart_id)
    count = len(labels)
    highest = max([v for s in series for v in s.values], default=0)
    ticks = nice_ticks(top if top is not None else highest)
    plot_bottom = HEIGHT - BOTTOM
    scale = (plot_bottom - TOP) / (ticks[-1] or 1)
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    parts = _grid(ticks, scale, plot_bottom)
    for item in series:
        points = [
            (LEFT + (i + 0.5) * slot, plot_bottom - value * scale)
            for i, value in enumerate(item.values)
        ]
        if not points:
            continue
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        dash = ' stroke-dasharray="5 3"' if item.style else ""
        parts.append(f'<polyline points="{path}" class="line{item.style}" fill="none"{dash}/>')
        for (x, y), label, value in zip(points, labels, item.values, strict=True):
            tip = f"<title>{_e(label)}, {_e(item.name)}: {_e(_number(value))}</title>"
            if item.style:
                parts.append(
                    f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" '
                    f'class="mark{item.style}">{tip}</rect>'
                )
            else:
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="mark0">{tip}</circle>'
                )
        last_x, last_y = points[-1]
        parts.append(
            f'<text x="{last_x:.1f}" y="{last_y - 8:.1f}" class="value" text-anchor="middle">'
            f"{_e(_number(item.values[-1]))}</text>"
        )
    for i, label in enumerate(labels):
        if i % label_every == 0:
            parts.append(
                f'<text x="{LEFT + (i + 0.5) * slot:.1f}" y="{plot_bottom + 16}" class="axis" '
                f'text-anchor="middle">{_e(label)}</text>'
            )
    parts.append(
        f'<line x1="{LEFT}" y1="{plot_bottom}" x2="{WIDTH - RIGHT}" y2="{plot_bottom}" '
        'class="baseline"/>'
    )
    parts += _legend(chart, series, HEIGHT - 12, lines=True)
    return _frame(chart, title, desc, "".join(parts))
