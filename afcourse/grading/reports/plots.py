"""The report's two plots as inline SVG: score histogram, and facility against discrimination.

Drawn as SVG text rather than with matplotlib, whose import and rendering took about 0.6 s of
CPU for every ``afcourse grade`` (bench/RESULTS.md): the figures are two axes of bars,
lines and dots. Their text stays text (searchable, readable by a screen reader through the
``<title>``/``<desc>`` pair) and each dot of the scatter plot links to its item's section.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from afcourse.grading.reports.text import esc

SERIOUS_FLAGS = ("negative_discrimination", "distractor_beats_key")
LABEL_ALL_ITEMS = 20
"""Up to this many items, the facility/discrimination plot labels every item; above, only flagged ones."""

WIDTH, HEIGHT = 600, 370
LEFT, RIGHT, TOP, BOTTOM = 58, 16, 38, 50
BLUE, RED, ORANGE, GREEN = "#4a78b5", "#c0392b", "#b7791f", "#2e8540"


def nice_step(span: float, most: int = 6) -> float:
    """The smallest 1, 2 or 5 times a power of ten that cuts ``span`` into at most ``most`` steps."""
    if span <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(span / most))
    return next(f * power for f in (1, 2, 5, 10) if span / (f * power) <= most)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass
class _Axes:
    """Data ranges mapped onto the plot area, and the SVG drawn so far."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    parts: list[str] = field(default_factory=list)

    def x(self, value: float) -> float:
        low, high = self.x_range
        return LEFT + (value - low) / (high - low) * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        low, high = self.y_range
        return HEIGHT - BOTTOM - (value - low) / (high - low) * (HEIGHT - TOP - BOTTOM)

    def frame(self, x_ticks: list[float], y_ticks: list[float], x_label: str, y_label: str,
              tick_text=_num) -> None:
        """Axis lines (left and bottom), ticks with their values, and the axis labels."""
        bottom, left = HEIGHT - BOTTOM, LEFT
        out = self.parts
        out.append(f'<g class="axes" stroke="#333" stroke-width="1"><line x1="{left}" y1="{TOP - 4}" x2="{left}" '
                   f'y2="{bottom}"/><line x1="{left}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}"/>')
        for t in x_ticks:
            out.append(f'<line x1="{self.x(t):.1f}" y1="{bottom}" x2="{self.x(t):.1f}" y2="{bottom + 5}"/>')
        for t in y_ticks:
            out.append(f'<line x1="{left - 5}" y1="{self.y(t):.1f}" x2="{left}" y2="{self.y(t):.1f}"/>')
        out.append('</g><g font-size="12" fill="#333">')
        for t in x_ticks:
            out.append(f'<text x="{self.x(t):.1f}" y="{bottom + 18}" text-anchor="middle">{tick_text(t)}</text>')
        for t in y_ticks:
            out.append(f'<text x="{left - 8}" y="{self.y(t) + 4:.1f}" text-anchor="end">{tick_text(t)}</text>')
        out.append(f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{HEIGHT - 10}" text-anchor="middle">'
                   f'{esc(x_label)}</text><text transform="translate(15 {(TOP + HEIGHT - BOTTOM) / 2:.0f}) '
                   f'rotate(-90)" text-anchor="middle">{esc(y_label)}</text></g>')

    def hline(self, value: float, color: str, dash: str = "", width: float = 1.0) -> None:
        """A horizontal line across the plot area at ``value``."""
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<line x1="{LEFT}" y1="{self.y(value):.1f}" x2="{WIDTH - RIGHT}" y2="{self.y(value):.1f}" '
                          f'stroke="{color}" stroke-width="{width}"{dashed}/>')

    def vline(self, value: float, color: str, dash: str, width: float) -> None:
        """A vertical line over the plot area's height at ``value``."""
        self.parts.append(f'<line x1="{self.x(value):.1f}" y1="{TOP - 4}" x2="{self.x(value):.1f}" '
                          f'y2="{HEIGHT - BOTTOM}" stroke="{color}" stroke-width="{width}" stroke-dasharray="{dash}"/>')

    def svg(self, title: str, description: str) -> str:
        """The whole figure: a scalable ``<svg role="img">`` with its title, description and drawing."""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
                f'font-family="system-ui,-apple-system,Segoe UI,sans-serif"><title>{esc(title)}</title>'
                f'<desc>{esc(description)}</desc><text x="{WIDTH / 2:.0f}" y="20" text-anchor="middle" font-size="14" '
                f'font-weight="600" fill="#1d2330">{esc(title)}</text>' + "".join(self.parts) + "</svg>")


def _bars(percents: list[float]) -> list[tuple[float, float, int]]:
    """(left, right, students) per bar: one bar per score when there are few, else 5-point bins."""
    distinct = sorted(set(percents))
    if len(distinct) <= 30:  # few possible scores: one bar per score, so no bin is empty by construction
        gap = min((b - a for a, b in zip(distinct, distinct[1:])), default=5.0)
        half = max(min(gap * 0.8, 4.0), 0.8) / 2
        counts = {value: 0 for value in distinct}
        for value in percents:
            counts[value] += 1
        return [(value - half, value + half, count) for value, count in counts.items()]
    counts = [0] * 20
    for value in percents:
        counts[min(int(value // 5), 19)] += 1
    return [(i * 5.0, i * 5.0 + 5, count) for i, count in enumerate(counts) if count]


def score_histogram_svg(percents: list[float]) -> str:
    """Histogram of students' percentages (a bar per score, or 5-point bins), mean and median marked."""
    bars = _bars(percents) if percents else []
    tallest = max((count for _, _, count in bars), default=1)
    step = max(1, nice_step(tallest))
    top = math.ceil(tallest / step) * step
    axes = _Axes((-3, 103), (0, top * 1.08))
    for left, right, count in bars:
        axes.parts.append(f'<rect x="{axes.x(left):.1f}" y="{axes.y(count):.1f}" width="{axes.x(right) - axes.x(left):.1f}" '
                          f'height="{axes.y(0) - axes.y(count):.1f}" fill="{BLUE}" stroke="white"><title>'
                          f"{count} student(s): {_num(left)}–{_num(right)}%</title></rect>")
    axes.frame([0, 20, 40, 60, 80, 100], [step * i for i in range(int(top / step) + 1)],
               "score (% of the student's maximum)", "students", tick_text=lambda t: f"{t:g}")
    description = f"{len(percents)} students."
    if percents:
        mean, median = statistics.fmean(percents), statistics.median(percents)
        axes.vline(mean, RED, "6 4", 1.5)
        axes.vline(median, GREEN, "2 3", 2)
        axes.parts.append(
            f'<g font-size="12"><line x1="{LEFT + 12}" y1="{TOP + 6}" x2="{LEFT + 36}" y2="{TOP + 6}" stroke="{RED}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/><text x="{LEFT + 42}" y="{TOP + 10}" fill="#333">mean '
            f'{mean:.1f}%</text><line x1="{LEFT + 12}" y1="{TOP + 24}" x2="{LEFT + 36}" y2="{TOP + 24}" '
            f'stroke="{GREEN}" stroke-width="2" stroke-dasharray="2 3"/><text x="{LEFT + 42}" y="{TOP + 28}" '
            f'fill="#333">median {median:.1f}%</text></g>')
        description = (f"{len(percents)} students; mean {mean:.1f}%, median {median:.1f}%, lowest "
                       f"{min(percents):.1f}%, highest {max(percents):.1f}%.")
    return axes.svg(f"Score distribution ({len(percents)} students)", description)


LABEL_CHAR_WIDTH, LABEL_HEIGHT = 6.0, 11.0
"""The room a point label takes at font size 10, per character and per line (a generous estimate)."""


def _free_spot(x: float, y: float, width: float, placed: list[tuple[float, float, float]]) -> tuple[float, float]:
    """Where a label of ``width`` goes: at (x, y), or moved down a line at a time off the labels already
    ``placed`` (each (x, y, width)), so two items at nearly the same point stay readable. Records it."""
    while any(abs(y - py) < LABEL_HEIGHT and x < px + pw and px < x + width for px, py, pw in placed):
        y += LABEL_HEIGHT
    placed.append((x, y, width))
    return x, y


def measured(items) -> list:
    """The items the scatter plot shows: answered often enough to judge, with both statistics defined."""
    return [it for it in items if it.state != "too_few" and it.facility is not None
            and it.corrected_item_total is not None]


def facility_discrimination_svg(items) -> str:
    """Facility (x) against corrected item-total discrimination (y), flagged items in red or orange.

    Items with too few answers to judge (state ``too_few``) are left out: two answers give
    r = ±1, which is no measurement. Each dot links to its item's section of the report.
    """
    shown = measured(items)
    low = min([it.corrected_item_total for it in shown] + [-0.2])
    high = max([it.corrected_item_total for it in shown] + [0.6])
    axes = _Axes((-0.02, 1.05), (low - 0.08, high + 0.08))
    axes.parts.append(f'<rect x="{LEFT}" y="{axes.y(0):.1f}" width="{WIDTH - LEFT - RIGHT}" '
                      f'height="{axes.y(low - 0.08) - axes.y(0):.1f}" fill="{RED}" fill-opacity="0.07"/>')
    axes.hline(0, "#555", width=0.8)
    axes.hline(0.2, "#999", dash="5 4", width=0.8)
    axes.parts.append(f'<text x="{LEFT + 4}" y="{axes.y(0.2) - 4:.1f}" font-size="11" fill="#666">r = 0.2</text>')
    y_step = nice_step(high - low + 0.16, 8)
    y_ticks = [round(t * y_step, 6) for t in range(math.ceil((low - 0.08) / y_step), math.floor((high + 0.08) / y_step) + 1)]
    axes.frame([0, 0.2, 0.4, 0.6, 0.8, 1.0], y_ticks, "facility (share of points earned)",
               "discrimination (corrected r)", tick_text=lambda t: f"{t:.1f}")
    label_all = len(shown) <= LABEL_ALL_ITEMS
    flagged_last = sorted(shown, key=lambda it: bool(it.flags))  # flagged dots drawn on top
    placed: list[tuple[float, float, float]] = []
    for it in flagged_last:
        bad = any(code in SERIOUS_FLAGS for code in it.flag_codes)
        color = RED if bad else ORANGE if it.flags else BLUE
        cx, cy = axes.x(it.facility), axes.y(it.corrected_item_total)
        tip = f"{it.label}: facility {it.facility:.2f}, r {it.corrected_item_total:.2f}" + (
            f" ({', '.join(it.flag_codes)})" if it.flags else "")
        text = ""
        if label_all or it.flags:
            x, y = _free_spot(cx + 6, cy - 4, LABEL_CHAR_WIDTH * len(it.label), placed)
            text = f'<text x="{x:.1f}" y="{y:.1f}" font-size="10" fill="#333">{esc(it.label)}</text>'
        axes.parts.append(f'<a href="#{esc(it.label)}"><circle cx="{cx:.1f}" cy="{cy:.1f}" '
                          f'r="{4 if it.flags else 3.4}" fill="{color}" fill-opacity="{1 if it.flags else 0.75}">'
                          f"<title>{esc(tip)}</title></circle>{text}</a>")
    flagged = sum(1 for it in shown if it.flags)
    description = (f"{len(shown)} of {len(items)} items measured; {flagged} flagged; "
                   f"{sum(1 for it in shown if it.corrected_item_total < 0)} with negative discrimination.")
    return axes.svg("Items: facility against discrimination", description)
