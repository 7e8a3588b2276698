"""Server-side SVG charts: well-formed, titled, labelled, and drawn to scale."""
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from partners import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return ET.fromstring(chart.svg)


def texts(root):
    return [element.text for element in root.iter(f"{SVG}text")]


def test_bar_chart_is_well_formed_svg_with_title_axis_labels_and_bars_to_scale():
    chart = charts.bar_chart("Partners by kind", [("Industry", 4), ("Startup", 2)], category_label="Kind", value_label="Partners")
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Partners by kind"
    assert {"Partners by kind", "Kind", "Partners", "Industry", "Startup", "4", "2"} <= set(texts(root))
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert len(widths) == 2 and widths[0] == pytest.approx(2 * widths[1])


def test_line_chart_has_one_point_per_month_and_a_polyline():
    rows = [("2025-12", 2), ("2026-01", 0), ("2026-02", 1)]
    root = parse(charts.line_chart("Interactions per month", rows, category_label="Month", value_label="Interactions"))
    points = list(root.iter(f"{SVG}circle"))
    assert len(points) == 3
    heights = [float(point.get("cy")) for point in points]
    assert heights[1] > heights[2] > heights[0]  # SVG's y grows downwards: 0 is lowest on the page
    assert root.find(f"{SVG}polyline") is not None
    assert {"2025-12", "2026-01", "2026-02", "Month", "Interactions"} <= set(texts(root))


def test_coordinates_stay_svg_numbers_in_french():
    # French formats 248.0 as "248,0", which no SVG renderer reads.
    with translation.override("fr"):
        root = parse(charts.bar_chart("Partenaires", [("Industrie", 3)], category_label="Type", value_label="Partenaires"))
    assert float(next(root.iter(f"{SVG}rect")).get("width")) > 0


def test_empty_charts_still_render_valid_svg():
    assert list(parse(charts.bar_chart("Nothing", [], category_label="Kind", value_label="Partners")).iter(f"{SVG}rect")) == []
    assert parse(charts.line_chart("Nothing", [], category_label="Month", value_label="Interactions")).find(f"{SVG}polyline") is None


def test_labels_are_escaped_so_the_svg_stays_well_formed():
    chart = charts.bar_chart("R&D <labs>", [("A & B <script>", 1)], category_label="Kind", value_label="Partners")
    root = parse(chart)
    assert "R&D <labs>" in texts(root)
    assert "<script>" not in chart.svg


def test_the_chart_partial_puts_the_numbers_in_a_table_beside_the_svg():
    chart = charts.bar_chart("Partners by kind", [("Industry", 4)], category_label="Kind", value_label="Partners")
    html = render_to_string("partners/includes/_chart.html", {"chart": chart, "chart_id": "kind"})
    assert "<svg" in html and "<table>" in html
    assert "<th scope=\"row\">Industry</th><td class=\"num\">4</td>" in html
    assert "<script" not in html


@pytest.mark.parametrize(("largest", "ticks"), [(0, [0, 1]), (2, [0, 1, 2]), (4, [0, 1, 2, 3, 4, 5]), (13, [0, 4, 8, 12, 16, 20])])
def test_axis_ticks_are_evenly_spaced_round_numbers(largest, ticks):
    chart = charts.bar_chart("Partners", [("A", largest)], category_label="Kind", value_label="Partners")
    assert [tick["value"] for tick in chart.ticks] == ticks
    positions = [tick["x"] for tick in chart.ticks]
    gaps = {round(b - a, 1) for a, b in zip(positions, positions[1:])}
    assert len(gaps) == 1
