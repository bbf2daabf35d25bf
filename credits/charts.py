"""The statistics page's charts: pure functions from numbers to inline SVG markup.

Drawn on the server because the portal runs on intranets with no CDN and a content security
policy without inline scripts; colours are SVG presentation attributes (not style attributes,
which that policy refuses). Each chart is an image to assistive technology (role="img", an
aria-label and a <title>), each mark carries a <title> tooltip with its exact figure, and the
same figures are in the tables beside the chart.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Drawn at 560 units wide and scaled to the page: on a 360-pixel phone a 15-unit font is
# still 10 pixels.
WIDTH = 560
LABEL_WIDTH = 180  # room for about 11 Chinese characters at 15 units
VALUE_WIDTH = 100
BAR_HEIGHT = 20
BAR_GAP = 10
LABEL_MAX = 11
BAR_COLOR = "#1d4f91"
LINE_COLOR = "#b71c1c"
GRID_COLOR = "#d9dee5"
TEXT_COLOR = "#1f2933"
FONT = 'font-family="sans-serif" font-size="15"'


@dataclass(frozen=True)
class Mark:
    """One bar or point: its label, its value (None: nothing to draw), the value's text beside
    the bar, and the tooltip's detail (the text when none)."""

    label: str
    value: Decimal | None
    text: str
    tip: str = ""


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _open(title: str, height: int) -> str:
    label = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{label}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet">'
        f"<title>{label}</title>"
    )


def bar_chart(title: str, marks: Sequence[Mark], *, maximum: Decimal | None = None) -> SafeString:
    """Horizontal bars, one row per mark, scaled to ``maximum`` (default: the largest value)."""
    values = [mark.value for mark in marks if mark.value is not None]
    top = float(maximum if maximum is not None else max(values, default=0)) or 1.0
    height = len(marks) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [_open(title, max(height, 40))]
    if not marks:
        parts.append(f'<text x="{WIDTH / 2}" y="25" text-anchor="middle" {FONT}>暂无数据</text>')
    for index, mark in enumerate(marks):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        middle = y + BAR_HEIGHT / 2 + 4
        width = 0.0 if mark.value is None else span * min(float(mark.value) / top, 1.0)
        tip = escape(f"{mark.label}：{mark.tip or mark.text}")
        parts.append(
            f"<g><title>{tip}</title>"
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" fill="{TEXT_COLOR}" '
            f"{FONT}>{escape(_short(mark.label))}</text>"
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{_number(width)}" height="{BAR_HEIGHT}" '
            f'fill="{BAR_COLOR}"></rect>'
            f'<text x="{_number(LABEL_WIDTH + width + 6)}" y="{middle}" fill="{TEXT_COLOR}" '
            f"{FONT}>{escape(mark.text)}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)


LINE_HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 60, 24, 34, 40
X_LABELS = 6  # at most this many labels under the axis, so they never overlap


def line_chart(title: str, marks: Sequence[Mark], *, unit: str = "") -> SafeString:
    """A line through the marks in order, with a y axis from 0 to the largest value."""
    parts = [_open(title, LINE_HEIGHT)]
    values = [float(mark.value or 0) for mark in marks]
    top = max(values, default=0) or 1.0
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = LINE_HEIGHT - TOP - BOTTOM
    base = TOP + plot_height
    for fraction in (0, 0.5, 1):
        y = base - plot_height * fraction
        parts.append(
            f'<line x1="{LEFT}" y1="{_number(y)}" x2="{WIDTH - RIGHT}" y2="{_number(y)}" '
            f'stroke="{GRID_COLOR}"></line>'
            f'<text x="{LEFT - 6}" y="{_number(y + 4)}" text-anchor="end" fill="{TEXT_COLOR}" '
            f"{FONT}>{_number(top * fraction)}</text>"
        )
    if unit:
        parts.append(f'<text x="4" y="16" fill="{TEXT_COLOR}" {FONT}>{escape(unit)}</text>')
    if not marks:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{TOP + plot_height / 2}" text-anchor="middle" '
            f"{FONT}>暂无数据</text>"
        )
    step = plot_width / (len(marks) - 1) if len(marks) > 1 else 0
    points = [
        (LEFT + (index * step if len(marks) > 1 else plot_width / 2), base - plot_height * v / top)
        for index, v in enumerate(values)
    ]
    if len(points) > 1:
        line = " ".join(f"{_number(x)},{_number(y)}" for x, y in points)
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{LINE_COLOR}" stroke-width="2">'
            "</polyline>"
        )
    every = max(1, -(-len(marks) // X_LABELS))
    for index, (mark, (x, y)) in enumerate(zip(marks, points, strict=True)):
        tip = escape(f"{mark.label}：{mark.tip or mark.text}")
        parts.append(
            f'<g><title>{tip}</title><circle cx="{_number(x)}" cy="{_number(y)}" r="4" '
            f'fill="{LINE_COLOR}"></circle></g>'
        )
        if index % every == 0:
            # The first and last labels hang inwards so that they stay inside the drawing.
            anchor = "start" if index == 0 and len(marks) > 1 else "middle"
            if index == len(marks) - 1 and len(marks) > 1:
                anchor = "end"
            parts.append(
                f'<text x="{_number(x)}" y="{base + 22}" text-anchor="{anchor}" '
                f'fill="{TEXT_COLOR}" {FONT}>{escape(mark.label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text above is escaped)
