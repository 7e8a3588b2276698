"""Server-side SVG charts: geometry computed here, drawn by templates, readable without JavaScript."""
from dataclasses import dataclass, field

from django.template.loader import render_to_string

WIDTH = 520
LABEL_WIDTH = 170  # room for category names left of the bars
BAR_HEIGHT = 18
BAR_GAP = 6
TOP = 34  # room for the title
BOTTOM = 44  # room for the axis ticks and label
RIGHT = 40  # room for the value printed after the longest bar
LINE_HEIGHT = 240
LINE_LEFT = 48


@dataclass
class Chart:
    """A chart ready to draw: labels, values, and every coordinate the template needs."""

    kind: str
    title: str
    category_label: str
    value_label: str
    rows: list
    width: int = WIDTH
    height: int = 0
    marks: list = field(default_factory=list)
    ticks: list = field(default_factory=list)
    axis: dict = field(default_factory=dict)
    points: str = ""

    @property
    def x_label(self):
        """The horizontal axis: counts for bars, categories (months) for a line."""
        return self.value_label if self.kind == "bar" else self.category_label

    @property
    def y_label(self):
        return self.category_label if self.kind == "bar" else self.value_label

    @property
    def svg(self):
        """The chart as a standalone SVG document fragment."""
        return render_to_string("partners/includes/_chart_svg.html", {"chart": self})


def _nice_max(value):
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value`` (at least 1), so ticks fall on round numbers."""
    value = max(value, 1)
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _ticks(top):
    """Evenly spaced whole-number ticks from 0 to ``top`` (a 1, 2 or 5 × 10ⁿ from _nice_max)."""
    step = top // 5 if top >= 5 else 1
    return list(range(0, top + 1, step))


def bar_chart(title, rows, *, category_label, value_label):
    """Horizontal bars, one per (label, count) row."""
    top = _nice_max(max((count for _, count in rows), default=0))
    plot_width = WIDTH - LABEL_WIDTH - RIGHT
    height = TOP + len(rows) * (BAR_HEIGHT + BAR_GAP) + BOTTOM
    marks = []
    for index, (label, count) in enumerate(rows):
        y = TOP + index * (BAR_HEIGHT + BAR_GAP)
        length = round(plot_width * count / top, 1)
        marks.append(
            {
                "label": label,
                "value": count,
                "x": LABEL_WIDTH,
                "y": y,
                "width": length,
                "text_y": y + BAR_HEIGHT - 5,
                "value_x": LABEL_WIDTH + length + 4,
            }
        )
    axis_y = height - BOTTOM + 4
    ticks = [
        {"value": value, "x": round(LABEL_WIDTH + plot_width * value / top, 1), "y": axis_y + 14} for value in _ticks(top)
    ]
    axis = {
        "x1": LABEL_WIDTH,
        "x2": LABEL_WIDTH + plot_width,
        "y": axis_y,
        "label_x": LABEL_WIDTH + plot_width / 2,
        "label_y": height - 6,
        "y_label_x": 4,
        "y_label_y": TOP - 8,
    }
    return Chart("bar", title, category_label, value_label, list(rows), height=height, marks=marks, ticks=ticks, axis=axis)


def line_chart(title, rows, *, category_label, value_label):
    """A line through one point per (label, count) row, e.g. one per month."""
    top = _nice_max(max((count for _, count in rows), default=0))
    plot_left, plot_right = LINE_LEFT, WIDTH - 16
    plot_top, plot_bottom = TOP, LINE_HEIGHT - BOTTOM
    step = (plot_right - plot_left) / max(len(rows) - 1, 1)
    marks = []
    for index, (label, count) in enumerate(rows):
        x = round(plot_left + step * index, 1)
        y = round(plot_bottom - (plot_bottom - plot_top) * count / top, 1)
        # Every other label when there are many months, so they do not overlap.
        marks.append({"label": label, "value": count, "x": x, "y": y, "show_label": len(rows) <= 6 or index % 2 == 0})
    ticks = [
        {"value": value, "x": plot_left - 6, "y": round(plot_bottom - (plot_bottom - plot_top) * value / top, 1)}
        for value in _ticks(top)
    ]
    axis = {
        "left": plot_left,
        "right": plot_right,
        "top": plot_top,
        "bottom": plot_bottom,
        "tick_label_y": plot_bottom + 14,
        "label_x": (plot_left + plot_right) / 2,
        "label_y": LINE_HEIGHT - 6,
        "y_label_x": 4,
        "y_label_y": TOP - 8,
    }
    points = " ".join(f"{mark['x']},{mark['y']}" for mark in marks)
    return Chart(
        "line", title, category_label, value_label, list(rows), height=LINE_HEIGHT, marks=marks, ticks=ticks, axis=axis, points=points
    )
