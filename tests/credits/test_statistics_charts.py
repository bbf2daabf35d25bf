"""The statistics page's SVG charts (credits/charts.py): pure functions, no database."""

import re
from decimal import Decimal

from credits.charts import LABEL_WIDTH, VALUE_WIDTH, WIDTH, Mark, bar_chart, line_chart

SPAN = WIDTH - LABEL_WIDTH - VALUE_WIDTH


def bar_widths(svg: str) -> list[float]:
    return [float(width) for width in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]


def test_bars_scale_to_the_maximum_and_carry_their_tooltips():
    svg = bar_chart(
        "合格率",
        [Mark("甲", Decimal(100), "100%", "100%（合格 3）"), Mark("乙", Decimal(25), "25%")],
        maximum=Decimal(100),
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-label="合格率"' in svg
    assert bar_widths(svg) == [SPAN, SPAN / 4]
    assert "<title>甲：100%（合格 3）</title>" in svg
    assert "<title>乙：25%</title>" in svg


def test_a_bar_without_a_value_draws_nothing_and_the_largest_value_fills_the_span():
    svg = bar_chart("学时", [Mark("甲", None, "—"), Mark("乙", Decimal(8), "8")])
    assert bar_widths(svg) == [0, SPAN]


def test_labels_are_escaped_and_shortened():
    svg = bar_chart(
        "<b>", [Mark('<script>alert("x")</script>单位名称很长很长很长', Decimal(1), "1")]
    )
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    assert "…" in svg  # the label beside the bar is cut; the tooltip keeps it whole


def test_an_empty_chart_says_so():
    assert "暂无数据" in bar_chart("学时", [])
    assert "暂无数据" in line_chart("学时", [])


def test_the_line_goes_through_every_point_and_labels_at_most_six():
    marks = [Mark(f"2025-{m:02d}", Decimal(m), f"{m} 学时") for m in range(1, 13)]
    svg = line_chart("按月", marks, unit="学时")
    assert svg.count("<circle") == 12
    points = re.search(r'<polyline points="([^"]+)"', svg).group(1).split()
    assert len(points) == 12
    ys = [float(point.split(",")[1]) for point in points]
    assert ys == sorted(ys, reverse=True)  # rising values: the line climbs
    axis_labels = re.findall(r'text-anchor="(?:start|middle|end)"[^>]*>(2025-\d\d)</text>', svg)
    assert axis_labels == ["2025-01", "2025-03", "2025-05", "2025-07", "2025-09", "2025-11"]
