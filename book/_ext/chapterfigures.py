"""The chapters' figures, drawn from the fact base at build time (matplotlib, offline).

- :func:`chapter_timeline`: one chapter's dated events, one labelled row each, oldest
  at the top; long gaps are marked, contested events drawn hollow.
- :func:`moscow_attendance`: which states each Moscow-format meeting brought
  together (a column per meeting, headed by the sources that report it); a state
  only some of the sources name is marked with the sources that do.
- :func:`allegations_and_denials`: each allegation in a chapter with the denials
  the sources record in answer to it set in below it (one column, readable on a phone).

Each function returns a matplotlib figure; the chapter's hidden code cell shows it
with its alt text and caption. Every text on a figure comes from the facts.
"""

from __future__ import annotations

import textwrap

from afcourse.facts.citations import short_author

INK = "#222222"
MUTED = "#5a5a5a"
LINE = "#b0b0b0"
ACCENT = "#1f5f99"
WARM = "#a34a00"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date_text(fact) -> str:
    text = fact.date.human()
    end = getattr(fact, "end_date", None)
    if end is not None and end != fact.date:
        text += f"\u2013{end.human()}"
    return text


def _plain_axes(ax) -> None:
    ax.set_axis_off()


def chapter_timeline(base, chapter_id: str, width: float = 7.2):
    """A chapter's dated events as a labelled vertical timeline: date left, event right."""
    import matplotlib.pyplot as plt

    events = sorted((e for e in base.of_kind("event") if e.chapter == chapter_id),
                    key=lambda e: (e.date, e.end_date or e.date, e.id))
    if not events:
        raise ValueError(f"chapter {chapter_id!r} has no dated event to draw")
    rows, y, previous = [], 0.0, None
    for event in events:
        if previous is not None and event.date.year - previous.date.year > 5:
            rows.append(("gap", y + 0.1, f"{event.date.year - previous.date.year} years later"))
            y += 0.9
        label = textwrap.fill(_capitalise(event.name) + (f" ({event.place})" if event.place else ""), 58)
        lines = label.count("\n") + 1
        rows.append(("event", y + 0.35 * (lines - 1), (event, label)))
        y += 0.55 + 0.35 * lines
        previous = event
    height = y * 0.42 + 0.4
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(0, 10)
    ax.set_ylim(y, -0.4)
    ax.plot([2.3, 2.3], [0, y - 0.7], color=LINE, lw=2, zorder=1, solid_capstyle="round")
    for kind, at, what in rows:
        if kind == "gap":
            ax.plot([2.3, 2.3], [at - 0.3, at + 0.5], color="white", lw=4, zorder=2)
            ax.plot([2.3, 2.3], [at - 0.3, at + 0.5], color=LINE, lw=2, ls=(0, (1, 2)), zorder=3)
            ax.text(2.55, at + 0.15, what, fontsize=9.5, color=MUTED, style="italic", va="center")
            continue
        event, label = what
        top = at - 0.35 * label.count("\n")
        ax.plot(2.3, top, "o", ms=9, mew=2, mec=ACCENT, mfc="white" if event.contested else ACCENT, zorder=4)
        ax.text(2.05, top, _date_text(event), ha="right", va="center", fontsize=10, color=MUTED)
        ax.text(2.6, top - 0.17, label, ha="left", va="top", fontsize=10.5, color=INK, linespacing=1.25)
    _plain_axes(ax)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    return fig


def _meetings(base):
    """Moscow-format events that name at least two states, one per date (the fullest list)."""
    by_date = {}
    for event in base.of_kind("event"):
        states = [p for p in event.participants if p in base.countries]
        if "moscow-format" in event.tags and len(states) >= 2:
            kept = by_date.get(event.date)
            if kept is None or len(states) > len(kept[1]):
                by_date[event.date] = (event, states)
    return [by_date[d] for d in sorted(by_date)]


def _disputed_states(base, event):
    """State id -> the sources naming it, from disagreements whose versions all sit in the event's citations."""
    cited = {(c.source, c.paragraph) for c in event.citations}
    names = {c.name.lower(): c.id for c in base.countries.values()}
    found = {}
    for fact in base.of_kind("disagreement"):
        versions = fact.versions
        if all((v.source, v.paragraph) in cited and (v.value or "").lower() in names for v in versions):
            for v in versions:
                found.setdefault(names[v.value.lower()], []).append(v.source)
    return found


def moscow_attendance(base, width: float = 6.4):
    """Grid of states (rows) by meetings (columns): a square where the sources place a state."""
    import matplotlib.pyplot as plt

    meetings = _meetings(base)
    extra = {event.id: _disputed_states(base, event) for event, _ in meetings}
    count = {}
    for event, states in meetings:
        for s in [*states, *extra[event.id]]:
            count[s] = count.get(s, 0) + 1
    rows = sorted(count, key=lambda s: (s != "russia", -count[s], base.countries[s].name))
    height = 0.42 * len(rows) + 2.9
    fig, ax = plt.subplots(figsize=(width, height))
    step = 1.5  # distance between columns, wide enough for the sources' names
    for col, (event, states) in enumerate(meetings):
        col *= step
        for row, state in enumerate(rows):
            if state in states:
                ax.plot(col, row, "s", ms=14, color=ACCENT)
            elif state in extra[event.id]:
                ax.plot(col, row, "s", ms=14, mfc="white", mec=WARM, mew=2)
                named_by = [short_author(base.sources[source].author) for source in extra[event.id][state]]
                ax.text(col + 0.17, row, "only " + "\nand ".join(named_by), ha="left", va="center", fontsize=9,
                        color=WARM, linespacing=1.1)
            else:
                ax.plot(col, row, ".", ms=4, color=LINE)
    labels = []
    for event, _ in meetings:
        sources = sorted({short_author(base.sources[c.source].author) for c in event.citations})
        labels.append(f"{event.date.human()}\n" + "\n".join(sources))
    ax.set_xticks([i * step for i in range(len(meetings))])
    ax.set_xticklabels(labels, fontsize=9, linespacing=1.2)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([base.countries[s].name for s in rows], fontsize=11)
    ax.set_ylim(len(rows) - 0.5, -0.6)
    ax.set_xlim(-0.6, (len(meetings) - 1) * step + 2.4)  # room right of the last column for "only <sources>"
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    fig.text(0.02, 0.015, "Filled: named by the sources under the date.\n"
             "Hollow: named only by the sources beside it.", fontsize=9.5, color=MUTED)
    fig.subplots_adjust(left=0.23, right=0.99, top=1 - 1.6 / height, bottom=0.9 / height)
    return fig


def _speaker(base, fact) -> str:
    return _capitalise(base.name_of(fact.speaker))


def allegations_and_denials(base, chapter_id: str, width: float = 4.6):
    """Each allegation of a chapter, oldest first, with the denials answering it set in below it.

    One column, so that a phone showing the figure at its own width keeps the text readable.
    """
    import matplotlib.pyplot as plt

    statements = [f for f in base.of_kind("statement") if f.chapter == chapter_id]
    denials = {}
    for fact in base.of_kind("statement"):
        if fact.stance == "denial" and fact.responds_to:
            denials.setdefault(fact.responds_to, []).append(fact)
    allegations = [f for f in statements if f.stance == "allegation"]
    allegations += [base.facts[d.responds_to] for d in statements
                    if d.stance == "denial" and d.responds_to in base.facts and base.facts[d.responds_to] not in allegations]
    allegations.sort(key=lambda f: (f.date is None, f.date.iso() if f.date else "", f.id))

    def block(fact, width_chars):
        when = fact.date.human() if getattr(fact, "date", None) else "undated"
        if fact.kind == "statement":
            return f"{_speaker(base, fact)} ({when})\n" + textwrap.fill(_capitalise(fact.gist), width_chars)
        # an allegation recorded as an event names no accuser: say which source reports it
        reporters = " and ".join(sorted({short_author(base.sources[c.source].author) for c in fact.citations}))
        return (f"Reported by {reporters} ({when})\n"
                + textwrap.fill(_capitalise(getattr(fact, "name", fact.statement)), width_chars))

    def lines(text: str) -> int:
        return text.count("\n") + 1

    groups, y = [], 0.0
    for allegation in allegations:
        claim = block(allegation, 50)
        answers = sorted(denials.get(allegation.id, []), key=lambda f: (f.date is None, f.date.iso() if f.date else "", f.id))
        replies, ry = [], y + lines(claim) + 0.9
        for text in [block(d, 44) for d in answers] or ["No denial recorded in the course's sources"]:
            replies.append((ry, text))
            ry += lines(text) + 0.8
        groups.append((y, claim, replies, bool(answers)))
        y = ry + 0.9
    fig, ax = plt.subplots(figsize=(width, y * 0.165 + 0.6))  # a unit of y is one 9-point line
    ax.set_xlim(0, 10)
    ax.set_ylim(y, -1.6)
    ax.text(0.1, -1.0, "Allegation", fontsize=10.5, weight="bold", color=WARM)
    ax.text(3.2, -1.0, "\u2192 denial in answer", fontsize=10.5, weight="bold", color=ACCENT)
    box = dict(boxstyle="round,pad=0.35", lw=1.2)
    for top, claim, replies, answered in groups:
        ax.text(0.1, top, claim, va="top", fontsize=9, color=INK, linespacing=1.25,
                bbox={**box, "fc": "#fff4ea", "ec": WARM})
        stem_top = top + lines(claim) + 0.25
        for ry, text in replies:
            style = {**box, "fc": "#eaf2fa", "ec": ACCENT} if answered else {**box, "fc": "white", "ec": LINE, "ls": "--"}
            ax.text(1.3, ry, text, va="top", fontsize=9, color=INK if answered else MUTED, linespacing=1.25,
                    bbox=style)
            ax.annotate("", xy=(1.1, ry + 0.45), xytext=(0.45, stem_top),
                        arrowprops=dict(arrowstyle="->", color=ACCENT if answered else LINE, lw=1.2,
                                        connectionstyle="angle,angleA=-90,angleB=180,rad=0"))
    _plain_axes(ax)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    return fig
