"""The report's SVG plots: what they draw matches the data, and they are well-formed, escaped SVG."""

import math
import re
import xml.etree.ElementTree as ET

from hypothesis import given, strategies as st

from afcourse.grading.reports.plots import (
    LABEL_ALL_ITEMS,
    LABEL_CHAR_WIDTH,
    LABEL_HEIGHT,
    facility_discrimination_svg,
    measured,
    nice_step,
    score_histogram_svg,
)
from test_reports_slots import graded

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything not well-formed, e.g. an unescaped label
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    return root


def bar_counts(root: ET.Element) -> list[int]:
    return [int(bar.find(f"{SVG}title").text.split(" ")[0]) for bar in root.iter(f"{SVG}rect")]


@given(st.floats(min_value=1e-3, max_value=1e6, allow_nan=False), st.integers(min_value=2, max_value=10))
def test_nice_step_is_the_smallest_one_two_or_five_that_gives_at_most_that_many_steps(span, most):
    step = nice_step(span, most)
    exponent = math.floor(math.log10(step) + 1e-9)
    mantissa = round(step / 10 ** exponent, 6)
    assert mantissa in (1, 2, 5)
    assert span / step <= most
    next_smaller = {1: 0.5, 2: 1, 5: 2}[mantissa] * 10 ** exponent
    assert span / next_smaller > most * (1 - 1e-9)


@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=300))
def test_histogram_bars_count_every_student_once(percents):
    percents = [round(p, 2) for p in percents]
    root = parse(score_histogram_svg(percents))
    assert sum(bar_counts(root)) == len(percents)
    assert root.find(f"{SVG}title").text == f"Score distribution ({len(percents)} students)"


def test_histogram_draws_a_bar_per_score_when_scores_are_few_and_marks_mean_and_median():
    percents = [20.0, 20.0, 40.0, 60.0, 60.0, 60.0, 100.0]
    svg = score_histogram_svg(percents)
    assert bar_counts(parse(svg)) == [2, 1, 3, 1]
    assert "mean 51.4%" in svg and "median 60.0%" in svg
    assert "lowest 20.0%, highest 100.0%" in svg  # the description a screen reader reads


def test_histogram_of_nobody_is_still_a_figure():
    root = parse(score_histogram_svg([]))
    assert bar_counts(root) == []


def test_scatter_shows_each_measured_item_once_linked_to_its_section():
    result = graded(60)
    shown = measured(result.items)
    root = parse(facility_discrimination_svg(result.items))
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert sorted(links) == sorted(f"#{it.label}" for it in shown)
    assert len(shown) < len(result.items)  # the too-few items exist and are left out
    labelled = {t.text for a in root.iter(f"{SVG}a") for t in a.iter(f"{SVG}text")}
    expected = {it.label for it in shown} if len(shown) <= LABEL_ALL_ITEMS else {it.label for it in shown if it.flags}
    assert labelled == expected


def test_scatter_colours_flagged_items_and_puts_them_on_top():
    result = graded(60)
    svg = facility_discrimination_svg(result.items)
    fills = re.findall(r'<circle [^>]*fill="(#[0-9a-f]{6})"', svg)
    flagged = [it for it in measured(result.items) if it.flags]
    assert fills.count("#4a78b5") == len(measured(result.items)) - len(flagged)
    assert fills[len(fills) - len(flagged):] == [f for f in fills if f != "#4a78b5"]  # drawn last, so on top


def test_point_labels_never_overlap_even_for_items_at_the_same_point():
    result = graded(60)
    twins = [it for it in measured(result.items) if it.flags][:2]
    assert len(twins) == 2
    for it in twins:  # put two flagged items on the very same spot
        it.facility, it.corrected_item_total = 0.5, 0.3
    root = parse(facility_discrimination_svg(result.items))
    boxes = [(float(t.get("x")), float(t.get("y")), LABEL_CHAR_WIDTH * len(t.text), t.text)
             for a in root.iter(f"{SVG}a") for t in a.iter(f"{SVG}text")]
    assert {twins[0].label, twins[1].label} <= {label for *_, label in boxes}
    for i, (x, y, w, a) in enumerate(boxes):
        for x2, y2, w2, b in boxes[i + 1:]:
            assert not (abs(y - y2) < LABEL_HEIGHT and x < x2 + w2 and x2 < x + w), (a, b)
