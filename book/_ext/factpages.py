"""Reference pages generated from the fact base at build time: timeline and who's who.

The book's pages call these functions in hidden code cells, so the timeline, the
event table and the lists of people and organisations always match the YAML fact
files; nothing on those pages is copied by hand. Every string that comes from a
fact is HTML-escaped. The tables carry their own small script and style (no
library, no CDN): click a column heading to sort, type in the box to filter.

Links are relative to the book's root folder (where timeline.md and whos-who.md
live). A chapter's page is ``chapters/NN-<chapter id>.html``; a source's entry is
the anchor ``sources.html#<source id>``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape

__all__ = [
    "source_label",
    "chapter_href",
    "citation_links",
    "decimal_year",
    "timeline_figure",
    "events_table",
    "people_table",
    "organisations_table",
]


# --- small helpers ---------------------------------------------------------------


def source_label(source) -> str:
    """Short author-year label: 'Aliyev 2020', 'GlobalSecurity.org 2021'."""
    author = source.author.split(" (")[0].strip()
    name = author if "." in author or " " not in author else author.split()[-1]
    return f"{name} {source.date.year}"


def chapter_href(chapter, prefix: str = "") -> str:
    return f"{prefix}chapters/{chapter.number:02d}-{chapter.id}.html"


def citation_links(base, citations, prefix: str = "") -> str:
    """One link per source, listing its paragraphs: 'Aliyev 2020, ¶¶19, 23'."""
    paragraphs: dict[str, list[int]] = defaultdict(list)
    for cite in citations:
        if cite.paragraph not in paragraphs[cite.source]:
            paragraphs[cite.source].append(cite.paragraph)
    links = []
    for source_id, paras in paragraphs.items():
        source = base.sources[source_id]
        mark = "\u00b6\u00b6" if len(paras) > 1 else "\u00b6"
        text = f"{source_label(source)}, {mark}{', '.join(str(p) for p in sorted(paras))}"
        links.append(
            f'<a class="reference internal" href="{escape(prefix)}sources.html#{escape(source_id)}">{escape(text)}</a>'
        )
    return "; ".join(links)


def _chapter_link(base, chapter_id: str, prefix: str = "", short: bool = True) -> str:
    chapter = base.chapters[chapter_id]
    title = chapter.short_title if short else chapter.title
    return (
        f'<a class="reference internal" href="{escape(chapter_href(chapter, prefix))}" '
        f'title="{escape(chapter.title)}">{chapter.number}. {escape(title)}</a>'
    )


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def decimal_year(date) -> float:
    """A PartialDate as a year with a fraction, placed mid-way through what is unknown."""
    if date.day:
        return date.year + (date.month - 1) / 12 + (date.day - 0.5) / 365
    if date.month:
        return date.year + (date.month - 0.5) / 12
    return date.year + 0.5


def _date_text(fact) -> str:
    text = fact.date.human()
    if getattr(fact, "end_date", None) is not None and fact.end_date != fact.date:
        text += f"\u2013{fact.end_date.human()}"
    return text


# --- the filterable, sortable table ----------------------------------------------------

_STYLE = """
<style>
.af-table-wrap { margin: 1rem 0 1.5rem; }
.af-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.af-controls { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; margin-bottom: .5rem; }
.af-controls label { font-size: .9em; }
.af-controls input, .af-controls select { font: inherit; font-size: .9em; padding: .15rem .4rem;
  border: 1px solid var(--pst-color-border, #ccc); border-radius: 4px;
  background: var(--pst-color-background, #fff); color: var(--pst-color-text-base, #222); }
.af-count { font-size: .85em; color: var(--pst-color-text-muted, #666); }
table.af-table { width: 100%; border-collapse: collapse; font-size: .9em; }
table.af-table th, table.af-table td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid var(--pst-color-border, #ddd); }
table.af-table th button { all: unset; cursor: pointer; font-weight: 600; }
table.af-table th button:focus-visible { outline: 2px solid var(--pst-color-primary, #06c); }
table.af-table th[aria-sort="ascending"] button::after { content: " \\25B2"; font-size: .75em; }
table.af-table th[aria-sort="descending"] button::after { content: " \\25BC"; font-size: .75em; }
table.af-table td.af-date { white-space: nowrap; }
.af-detail { display: block; margin-top: .2rem; font-size: .92em; color: var(--pst-color-text-muted, #555); }
.af-badge { display: inline-block; margin-left: .3rem; padding: 0 .35rem; border-radius: 3px; font-size: .75em;
  border: 1px solid var(--pst-color-warning, #b26b00); color: var(--pst-color-warning, #b26b00); }
table.af-table ul { margin: 0; padding-left: 1.1rem; }
</style>
"""

_SCRIPT = """
<script>
(function () {
  function cellKey(row, i) {
    var cell = row.cells[i];
    if (!cell) return "";
    var key = cell.getAttribute("data-sort");
    return (key !== null ? key : cell.textContent).trim().toLowerCase();
  }
  function setUp(wrap) {
    if (wrap.getAttribute("data-af-ready")) return;
    wrap.setAttribute("data-af-ready", "1");
    var table = wrap.querySelector("table.af-table");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var filter = wrap.querySelector(".af-filter");
    var select = wrap.querySelector(".af-select");
    var count = wrap.querySelector(".af-count");
    function apply() {
      var words = (filter ? filter.value : "").toLowerCase().split(/\\s+/).filter(Boolean);
      var wanted = select ? select.value : "";
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        if (ok && wanted) {
          ok = (" " + (row.getAttribute("data-chapters") || "") + " ").indexOf(" " + wanted + " ") >= 0;
        }
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " of " + rows.length + " shown";
    }
    if (filter) filter.addEventListener("input", apply);
    if (select) select.addEventListener("change", apply);
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, i) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        rows.sort(function (a, b) {
          var x = cellKey(a, i), y = cellKey(b, i);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    apply();
  }
  function run() {
    Array.prototype.forEach.call(document.querySelectorAll(".af-table-wrap"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
</script>
"""


def _table(base, table_id: str, caption: str, columns, rows, *, chapter_filter: bool = True,
           sorted_column: int | None = 0) -> str:
    """Render rows (each: chapters, list of (html, sort key or None)) with controls."""
    head = []
    for i, name in enumerate(columns):
        sort = ' aria-sort="ascending"' if i == sorted_column else ""
        head.append(f'<th scope="col"{sort}><button type="button">{escape(name)}</button></th>')
    body = []
    for chapters, cells in rows:
        tds = []
        for i, (html, key) in enumerate(cells):
            attr = f' data-sort="{escape(key)}"' if key is not None else ""
            cls = ' class="af-date"' if i == 0 and columns[0] == "Date" else ""
            tds.append(f"<td{cls}{attr}>{html}</td>")
        body.append(f'<tr data-chapters="{escape(" ".join(chapters))}">{"".join(tds)}</tr>')
    select = ""
    if chapter_filter:
        options = "".join(
            f'<option value="{escape(c.id)}">{c.number}. {escape(c.short_title)}</option>'
            for c in base.chapters.values()
        )
        select = (
            f'<label>Chapter <select class="af-select" aria-controls="{table_id}">'
            f'<option value="">all chapters</option>{options}</select></label>'
        )
    controls = (
        '<div class="af-controls">'
        f'<label>Filter <input type="search" class="af-filter" aria-controls="{table_id}" '
        'placeholder="type a word, name or year"></label>'
        f'{select}<span class="af-count" aria-live="polite"></span></div>'
    )
    return (
        f'{_STYLE}<div class="af-table-wrap">{controls}'
        f'<table class="af-table" id="{table_id}"><caption class="af-sr-only">{escape(caption)}</caption>'
        f'<thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table></div>{_SCRIPT}'
    )


# --- timeline -------------------------------------------------------------------


def _events(base):
    return sorted(base.of_kind("event"), key=lambda e: (e.date, e.end_date or e.date, e.id))


def _clusters(years: list[float], gap: float = 6.0) -> list[tuple[float, float]]:
    """Split sorted years into runs separated by more than ``gap`` years."""
    runs: list[list[float]] = []
    for y in sorted(years):
        if runs and y - runs[-1][-1] <= gap:
            runs[-1].append(y)
        else:
            runs.append([y])
    return [(run[0], run[-1]) for run in runs]


def timeline_figure(base):
    """Dot plot of every dated event: one row per chapter, hollow marks for disputed ones.

    Long empty stretches of time are cut out, so the x-axis is broken into panels.
    Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    events = _events(base)
    chapters = list(base.chapters.values())
    row_of = {c.id: i for i, c in enumerate(chapters)}
    colours = plt.get_cmap("tab10").colors
    points = []  # (x, row, chapter index, contested)
    ranges = []  # (start, end, y, row) for events with an end date
    seen: dict[tuple[int, int], int] = defaultdict(int)
    for event in events:
        x = decimal_year(event.date)
        row = row_of[event.chapter]
        slot = (row, round(x * 4))  # events within about a quarter-year share a slot
        offset = seen[slot]
        seen[slot] += 1
        dy = (0.16 * ((offset + 1) // 2) * (1 if offset % 2 else -1)) if offset else 0.0
        points.append((x, row + dy, row, event.contested))
        if event.end_date is not None and event.end_date != event.date:
            end = decimal_year(event.end_date)
            points.append((end, row + dy, row, event.contested))
            ranges.append((x, end, row + dy, row))

    spans = _clusters([p[0] for p in points])
    widths = [max(hi - lo, 1.0) + 1.5 for lo, hi in spans]
    fig, axes = plt.subplots(1, len(spans), sharey=True, figsize=(10, 0.55 * len(chapters) + 1.6),
                             gridspec_kw={"width_ratios": widths, "wspace": 0.06})
    axes = list(axes) if len(spans) > 1 else [axes]
    for ax, (lo, hi) in zip(axes, spans):
        for start, end, y, row in ranges:
            if lo - 0.01 <= start and end <= hi + 0.01:
                ax.plot([start, end], [y, y], "-", lw=2.5, color=colours[row % len(colours)], zorder=2)
        for x, y, row, contested in points:
            if lo - 0.01 <= x <= hi + 0.01:
                colour = colours[row % len(colours)]
                ax.plot(x, y, "o", ms=7, mec=colour, mfc="white" if contested else colour, mew=1.6, zorder=3)
        pad = 0.75
        ax.set_xlim(lo - pad, hi + pad)
        span = hi - lo + 2 * pad
        step = 5 if span > 15 else 2 if span > 3 else 1
        first = int(lo) - int(lo) % step
        ticks = [t for t in range(first, int(hi) + 2, step) if lo - pad <= t <= hi + pad]
        if span <= 4:  # a narrow panel: one label is all that fits
            ticks = [round((lo + hi) / 2)]
        ax.set_xticks(ticks or [int(lo)])
        ax.tick_params(axis="x", labelrotation=0, labelsize=8)
        ax.grid(axis="x", color="0.85", lw=0.6, zorder=0)
        for y in range(len(chapters)):
            ax.axhline(y, color="0.92", lw=0.8, zorder=1)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in axes[1:]:
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", left=False)
    # diagonal marks where the axis is broken
    for ax in axes[:-1]:
        ax.plot([1, 1], [0, 0], transform=ax.transAxes, marker=[(-1, -1.5), (1, 1.5)], ms=8, ls="none",
                color="0.3", mew=1, clip_on=False)
    axes[0].set_yticks(range(len(chapters)))
    axes[0].set_yticklabels([f"{c.number}. {c.short_title}" for c in chapters], fontsize=9)
    axes[0].set_ylim(len(chapters) - 0.5, -0.5)
    legend = [
        Line2D([], [], marker="o", ls="none", mfc="0.3", mec="0.3", label="event"),
        Line2D([], [], marker="o", ls="none", mfc="white", mec="0.3", mew=1.6,
               label="contested: an allegation, an opinion or a disputed point"),
    ]
    fig.legend(handles=legend, loc="lower center", ncol=2, frameon=False, fontsize=8, bbox_to_anchor=(0.58, 0.0))
    fig.subplots_adjust(left=0.17, right=0.98, top=0.97, bottom=0.17)
    return fig


def events_table(base, prefix: str = "") -> str:
    """HTML table of every dated event: date, event (with the statement), chapter, sources."""
    rows = []
    for event in _events(base):
        badge = (
            ' <span class="af-badge" title="an allegation, an opinion, or a point on which the sources differ: '
            'read the chapter for who says what">contested</span>'
            if event.contested else ""
        )
        name = f"<strong>{escape(_capitalise(event.name))}</strong>{badge}"
        if event.place:
            name += f" ({escape(event.place)})"
        detail = f'<span class="af-detail">{escape(event.statement)}</span>'
        sort_date = event.date.iso() + ("/" + event.end_date.iso() if event.end_date else "")
        chapter = base.chapters[event.chapter]
        rows.append(([event.chapter], [
            (escape(_date_text(event)), sort_date),
            (name + detail, event.name.lower()),
            (_chapter_link(base, event.chapter, prefix), f"{chapter.number:02d}"),
            (citation_links(base, event.citations, prefix), None),
        ]))
    return _table(base, "af-events", "Dated events in the fact base", ["Date", "Event", "Chapter", "Sources"], rows)


# --- who's who ----------------------------------------------------------------------


def _mentions(base) -> dict[str, set[str]]:
    """For each person, organisation or country id: the chapters whose facts refer to it."""
    found: dict[str, set[str]] = defaultdict(set)
    for fact in base:
        refs = set()
        refs.update(getattr(fact, "participants", []) or [])
        refs.update(getattr(fact, "members", []) or [])
        for field in ("speaker", "country"):
            if getattr(fact, field, None):
                refs.add(getattr(fact, field))
        for role in getattr(fact, "roles", []) or []:
            if role.organisation:
                refs.add(role.organisation)
        if fact.kind in ("person", "organisation"):
            refs.add(fact.id)
        for ref in refs:
            found[ref].add(fact.chapter)
    return found


def _said(base) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for fact in base:
        if fact.kind in ("statement", "quotation"):
            counts[fact.speaker] += 1
    return counts


def _chapter_list(base, chapter_ids, prefix: str) -> tuple[str, str]:
    ordered = sorted(chapter_ids, key=lambda c: base.chapters[c].number)
    html = "<br>".join(_chapter_link(base, c, prefix) for c in ordered)
    key = " ".join(f"{base.chapters[c].number:02d}" for c in ordered)
    return html, key


def _surname_key(name: str) -> str:
    last = name.replace(".", " ").split()[-1]
    return re.sub(r"^(al|el)-", "", last.lower()) + " " + name.lower()


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", text.lower())
    return {w[:5] for w in words if len(w) >= 3 and w not in {"the", "and", "for"}}


def _names_organisation(title: str, organisation: str) -> bool:
    """True when a role title already names its organisation ('Foreign Minister of Russia')."""
    org = _stems(organisation)
    return bool(org) and org <= _stems(title)


def _role_text(base, role) -> str:
    text = escape(role.title)
    if role.organisation and role.organisation in base.facts:
        org = base.name_of(role.organisation)
        if not _names_organisation(role.title, org):
            text += f", {escape(org)}"
    when = []
    if role.start or role.end:
        start = role.start.human() if role.start else "?"
        end = role.end.human() if role.end else ""
        when.append(f"{start}\u2013{end}" if end else f"from {start}")
    if role.as_of:
        when.append(f"as of {role.as_of.human()}")
    if when:
        text += f' <span class="af-detail" style="display:inline">({escape("; ".join(when))})</span>'
    return text


def people_table(base, prefix: str = "") -> str:
    """HTML table of every person: name, roles with dates, country, chapters, sources."""
    mentions, said = _mentions(base), _said(base)
    rows = []
    for person in sorted(base.of_kind("person"), key=lambda p: _surname_key(p.name)):
        aliases = f'<span class="af-detail">also: {escape(", ".join(person.aliases))}</span>' if person.aliases else ""
        name = f'<strong id="{escape(person.id)}">{escape(person.name)}</strong>{aliases}'
        roles = "<ul>" + "".join(f"<li>{_role_text(base, r)}</li>" for r in person.roles) + "</ul>"
        if said.get(person.id):
            n = said[person.id]
            roles += f'<span class="af-detail">{n} statement{"s" if n != 1 else ""} in the fact base</span>'
        country = escape(base.name_of(person.country)) if person.country else ""
        chapters = mentions.get(person.id, {person.chapter})
        chapter_html, chapter_key = _chapter_list(base, chapters, prefix)
        rows.append((sorted(chapters), [
            (name, _surname_key(person.name)),
            (roles, None),
            (_capitalise(country), None),
            (chapter_html, chapter_key),
            (citation_links(base, person.citations, prefix), None),
        ]))
    return _table(base, "af-people", "People named in the sources",
                  ["Name", "Roles", "Country", "Chapters", "Sources"], rows)


def organisations_table(base, prefix: str = "") -> str:
    """HTML table of every organisation: name, what it is, founding, members, chapters, sources."""
    mentions = _mentions(base)
    rows = []
    for org in sorted(base.of_kind("organisation"), key=lambda o: o.name.lower().removeprefix("the ")):
        label = escape(_capitalise(org.name))
        if org.abbreviation and org.abbreviation.lower() not in org.name.lower():
            label += f" ({escape(org.abbreviation)})"
        name = f'<strong id="{escape(org.id)}">{label}</strong>'
        what = escape(_capitalise(org.category))
        if org.founded:
            what += f'<span class="af-detail">founded {escape(org.founded.human())}</span>'
        if org.members:
            members = ", ".join(escape(base.name_of(m)) for m in org.members)
            as_of = f" (as of {escape(org.members_as_of.human())})" if org.members_as_of else ""
            what += f'<span class="af-detail">members{as_of}: {members}</span>'
        chapters = mentions.get(org.id, {org.chapter})
        chapter_html, chapter_key = _chapter_list(base, chapters, prefix)
        rows.append((sorted(chapters), [
            (name, org.name.lower().removeprefix("the ")),
            (what, org.category.lower()),
            (chapter_html, chapter_key),
            (citation_links(base, org.citations, prefix), None),
        ]))
    return _table(base, "af-organisations", "Organisations named in the sources",
                  ["Name", "What it is", "Chapters", "Sources"], rows)
