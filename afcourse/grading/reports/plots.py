"""The report's plots as PNG bytes: score histogram, and facility against discrimination."""

from __future__ import annotations

import io

SERIOUS_FLAGS = ("negative_discrimination", "distractor_beats_key")
LABEL_ALL_ITEMS = 20
"""Up to this many items, the facility/discrimination plot labels every item; above, only flagged ones."""


def _png(figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=130, metadata={"Software": None})
    return buffer.getvalue()


def score_histogram_png(percents: list[float], summary=None) -> bytes:
    """Histogram of students' percentages in 5-point bins, with mean and median marked."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 3.7), layout="constrained")
    ax = fig.add_subplot()
    distinct = sorted(set(percents))
    if 0 < len(distinct) <= 30:  # few possible scores: one bar per score, so no bin is empty by construction
        counts = [0] * len(distinct)
        where = {value: i for i, value in enumerate(distinct)}
        for value in percents:
            counts[where[value]] += 1
        gap = min((b - a for a, b in zip(distinct, distinct[1:])), default=5.0)
        ax.bar(distinct, counts, width=max(min(gap * 0.8, 4.0), 0.8), color="#4a78b5", edgecolor="white")
    else:
        ax.hist(percents, bins=[i * 5 for i in range(21)], color="#4a78b5", edgecolor="white")
    if percents:
        mean = sum(percents) / len(percents)
        median = sorted(percents)[len(percents) // 2] if len(percents) % 2 else \
            sum(sorted(percents)[len(percents) // 2 - 1:len(percents) // 2 + 1]) / 2
        ax.axvline(mean, color="#c0392b", linestyle="--", linewidth=1.5, label=f"mean {mean:.1f}%")
        ax.axvline(median, color="#2e8540", linestyle=":", linewidth=2, label=f"median {median:.1f}%")
        ax.legend(loc="upper left", frameon=False)
    ax.set_xlim(-3, 103)
    ax.set_xlabel("score (% of the student's maximum)")
    ax.set_ylabel("students")
    ax.set_title(f"Score distribution ({len(percents)} students)")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def measured(items) -> list:
    """The items the scatter plot shows: answered often enough to judge, with both statistics defined."""
    return [it for it in items if it.state != "too_few" and it.facility is not None
            and it.corrected_item_total is not None]


def facility_discrimination_png(items) -> bytes:
    """Facility (x) against corrected item-total discrimination (y), flagged items in red.

    Items with too few answers to judge (state ``too_few``) are left out: two answers give
    r = ±1, which is no measurement.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 3.7), layout="constrained")
    ax = fig.add_subplot()
    ax.axhspan(-1, 0, color="#c0392b", alpha=0.07, linewidth=0)
    ax.axhline(0, color="#555", linewidth=0.8)
    ax.axhline(0.2, color="#999", linewidth=0.8, linestyle="--")
    shown = measured(items)
    low = min([it.corrected_item_total for it in shown] + [-0.2])
    high = max([it.corrected_item_total for it in shown] + [0.6])
    label_all = len(shown) <= LABEL_ALL_ITEMS
    for it in shown:
        bad = any(code in SERIOUS_FLAGS for code in it.flag_codes)
        warn = bool(it.flags) and not bad
        color = "#c0392b" if bad else "#d99a00" if warn else "#4a78b5"
        ax.scatter([it.facility], [it.corrected_item_total], s=36 if it.flags else 26, color=color, zorder=3,
                   alpha=1.0 if it.flags else 0.75)
        if label_all or it.flags:
            ax.annotate(it.label, (it.facility, it.corrected_item_total), textcoords="offset points", xytext=(4, 3),
                        fontsize=7.5, color="#333")
    ax.text(0.01, 0.2, " r = 0.2", fontsize=7, color="#777", va="bottom", transform=ax.get_yaxis_transform())
    ax.set_xlim(-0.02, 1.05)
    ax.set_ylim(low - 0.08, high + 0.08)
    ax.set_xlabel("facility (share of points earned)")
    ax.set_ylabel("discrimination (corrected r)")
    ax.set_title("Items: facility against discrimination")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
