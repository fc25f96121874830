"""The chapters' figures, drawn from the fact base at build time (matplotlib, offline).

- :func:`chapter_timeline`: one chapter's dated events, one labelled row each, oldest
  at the top; long gaps are marked, contested events drawn hollow.
- :func:`region_map`: Afghanistan, Central Asia and Russia, the CSTO allies shaded and
  the places a chapter names marked (:data:`PLACES`).
- :func:`relations`: the actors Moscow dealt with, each linked to Moscow by the relation
  the sources describe, with the paragraphs that describe it.
- :func:`moscow_attendance`: which states each Moscow-format meeting brought
  together (a column per meeting, headed by the sources that report it); a state
  only some of the sources name is marked with the sources that do.
- :func:`allegations_and_denials`: each allegation in a chapter with the denials
  the sources record in answer to it set in below it (one column, readable on a phone).

Each function returns a matplotlib figure; the chapter's hidden code cell shows it
with its alt text and caption. The timelines, the attendance grid, the allegations and the
map colours come from the facts; the rows of :func:`relations` are the course's own words,
each naming the paragraphs it rests on.
"""

from __future__ import annotations

import textwrap

from afcourse.facts.citations import short_author

#: Sizes for a figure read on a phone: drawn 4.2 inches (302 points) wide, so that a 10-point
#: label is about 11.3 CSS pixels when the figure fills a 390-pixel screen's 342-pixel text column.
PHONE_WIDTH = 4.2
TEXT_PT = 10


def _text_as_text():
    """SVG text stays text (selectable, searchable, read by screen readers), not paths."""
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"

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


def timeline_events(base, chapter_id: str):
    """The dated events a chapter's timeline figure shows, oldest first."""
    from factpages import timeline_key  # the timeline page's order, so that figure and page agree

    return sorted((e for e in base.of_kind("event") if e.chapter == chapter_id), key=lambda e: timeline_key(base, e))


def timeline_alt(base, chapter_id: str) -> str:
    """Alt text that states what the timeline shows: every event with its date."""
    rows = [f"{_date_text(e)}: {e.name}{' (contested)' if e.contested else ''}" for e in timeline_events(base, chapter_id)]
    return "Timeline, oldest first. " + "; ".join(rows) + "."


def chapter_timeline(base, chapter_id: str, width: float = PHONE_WIDTH):
    """A chapter's dated events as a labelled vertical timeline: date above, event below."""
    _text_as_text()
    import matplotlib.pyplot as plt

    events = timeline_events(base, chapter_id)
    if not events:
        raise ValueError(f"chapter {chapter_id!r} has no dated event to draw")
    line_h = 0.36  # one text line, in axis units
    rows, y, previous = [], 0.0, None
    for event in events:
        if previous is not None and event.date.year - previous.date.year > 5:
            rows.append(("gap", y, f"{event.date.year - previous.date.year} years later"))
            y += 0.75
        label = textwrap.fill(_capitalise(event.name) + (f" ({event.place})" if event.place else ""), 40)
        lines = label.count("\n") + 1
        rows.append(("event", y, (event, label)))
        y += line_h * (lines + 1) + 0.4
        previous = event
    fig, ax = plt.subplots(figsize=(width, y * 0.46 + 0.3))
    ax.set_xlim(0, 10)
    ax.set_ylim(y, -0.3)
    ax.plot([0.45, 0.45], [0, y - 0.5], color=LINE, lw=2, zorder=1, solid_capstyle="round")
    for kind, at, what in rows:
        if kind == "gap":
            ax.plot([0.45, 0.45], [at - 0.2, at + 0.45], color="white", lw=4, zorder=2)
            ax.plot([0.45, 0.45], [at - 0.2, at + 0.45], color=LINE, lw=2, ls=(0, (1, 2)), zorder=3)
            ax.text(1.0, at + 0.12, what, fontsize=TEXT_PT, color=MUTED, style="italic", va="center")
            continue
        event, label = what
        ax.plot(0.45, at, "o", ms=9, mew=2, mec=ACCENT, mfc="white" if event.contested else ACCENT, zorder=4)
        when = _date_text(event) + ("  ·  contested" if event.contested else "")
        ax.text(1.0, at, when, ha="left", va="center", fontsize=TEXT_PT, color=ACCENT, weight="bold")
        ax.text(1.0, at + line_h * 0.75, label, ha="left", va="top", fontsize=TEXT_PT + 0.5, color=INK,
                linespacing=1.2)
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
    _text_as_text()
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


def _allegations(base, chapter_id: str):
    """A chapter's allegations, oldest first, each with the denials answering it."""
    statements = [f for f in base.of_kind("statement") if f.chapter == chapter_id]
    denials = {}
    for fact in base.of_kind("statement"):
        if fact.stance == "denial" and fact.responds_to:
            denials.setdefault(fact.responds_to, []).append(fact)
    allegations = [f for f in statements if f.stance == "allegation"]
    allegations += [base.facts[d.responds_to] for d in statements
                    if d.stance == "denial" and d.responds_to in base.facts and base.facts[d.responds_to] not in allegations]
    order = lambda f: (f.date is None, f.date.iso() if f.date else "", f.id)  # noqa: E731
    return [(a, sorted(denials.get(a.id, []), key=order)) for a in sorted(allegations, key=order)]


def allegations_alt(base, chapter_id: str) -> str:
    """Alt text that states each allegation and the denials answering it."""
    def who(fact):
        when = fact.date.human() if getattr(fact, "date", None) else "undated"
        if fact.kind == "statement":
            return f"by {base.name_of(fact.speaker)} ({when}): {fact.gist}"
        return f"as the sources report it ({when}): {getattr(fact, 'name', fact.statement)}"
    parts = []
    for allegation, answers in _allegations(base, chapter_id):
        reply = "; ".join("denied " + who(d) for d in answers) or "no denial recorded in the sources"
        parts.append(f"Allegation {who(allegation)}. {_capitalise(reply)}.")
    return "Allegations and the denials that answered them, oldest first. " + " ".join(parts)


def allegations_and_denials(base, chapter_id: str, width: float = PHONE_WIDTH):
    """Each allegation of a chapter, oldest first, with the denials answering it set in below it.

    One column, so that a phone showing the figure at its own width keeps the text readable.
    """
    _text_as_text()
    import matplotlib.pyplot as plt

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
    for allegation, answers in _allegations(base, chapter_id):
        claim = block(allegation, 40)
        replies, ry = [], y + lines(claim) + 0.9
        for text in [block(d, 34) for d in answers] or ["The sources record no denial"]:
            replies.append((ry, text))
            ry += lines(text) + 0.8
        groups.append((y, claim, replies, bool(answers)))
        y = ry + 0.9
    fig, ax = plt.subplots(figsize=(width, y * 0.185 + 0.6))  # a unit of y is one 10-point line
    ax.set_xlim(0, 10)
    ax.set_ylim(y, -1.6)
    ax.text(0.1, -1.0, "Allegation", fontsize=10.5, weight="bold", color=WARM)
    ax.text(3.2, -1.0, "\u2192 denial in answer", fontsize=10.5, weight="bold", color=ACCENT)
    box = dict(boxstyle="round,pad=0.35", lw=1.2)
    for top, claim, replies, answered in groups:
        ax.text(0.1, top, claim, va="top", fontsize=TEXT_PT, color=INK, linespacing=1.25,
                bbox={**box, "fc": "#fff4ea", "ec": WARM})
        stem_top = top + lines(claim) + 0.25
        for ry, text in replies:
            style = {**box, "fc": "#eaf2fa", "ec": ACCENT} if answered else {**box, "fc": "white", "ec": LINE, "ls": "--"}
            ax.text(1.3, ry, text, va="top", fontsize=TEXT_PT, color=INK if answered else MUTED, linespacing=1.25,
                    bbox=style)
            ax.annotate("", xy=(1.1, ry + 0.45), xytext=(0.45, stem_top),
                        arrowprops=dict(arrowstyle="->", color=ACCENT if answered else LINE, lw=1.2,
                                        connectionstyle="angle,angleA=-90,angleB=180,rad=0"))
    _plain_axes(ax)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    return fig


#: Places the sources name, with their position (longitude, latitude, rounded to a tenth
#: of a degree), what a source says happened there, and the chapters that name them.
#: A province is marked at its centre.
PLACES = {
    "Moscow": (37.6, 55.8, "host of the Moscow-format talks", ("history", "moscow-format")),
    "Samara": (50.1, 53.2, "where Lebed warned the Taliban could reach", ("history", "taliban")),
    "Kabul": (69.2, 34.5, "Afghanistan's capital", ("history", "interests", "moscow-format", "taliban", "after-2021")),
    "Khost": (69.9, 33.3, "taken by the mujahidin when its garrison collaborated", ("history",)),
    "Qandahar": (65.7, 31.6, "local deals ended most fighting after 1989", ("history",)),
    "Helmand": (64.2, 30.9, "US strikes on the Taliban, March 2020", ("taliban",)),
    "Ashgabat": (58.4, 38.0, "Russian diplomats met a Taliban envoy, 1990s", ("history", "taliban")),
    "Tashkent": (69.3, 41.3, "conference on Afghanistan, March 2018", ("moscow-format",)),
    "Doha": (51.5, 25.3, "US-Taliban agreement; talks from Sept. 2020", ("taliban", "after-2021")),
}
#: Where the course map writes each country's name (longitude, latitude).
COUNTRY_LABELS = {
    "russia": (62.0, 56.2), "kazakhstan": (67.0, 48.0), "china": (84.0, 38.5), "iran": (54.5, 32.3),
    "afghanistan": (66.0, 33.6), "pakistan": (68.8, 27.6), "india": (79.5, 25.0), "uzbekistan": (62.8, 43.4),
    "turkmenistan": (58.3, 39.6), "tajikistan": (71.0, 38.75), "kyrgyzstan": (75.3, 41.55),
}
#: Chapter 1's closer view: Afghanistan and its neighbours.
AFGHAN_WINDOW = (57.5, 76.0, 28.5, 42.5)
AFGHAN_LABELS = {"afghanistan": (66.0, 33.5), "pakistan": (69.5, 29.3), "tajikistan": (71.3, 38.7),
                 "uzbekistan": (64.5, 41.0), "turkmenistan": (59.5, 39.8), "iran": (59.3, 31.0)}

#: Places whose label goes left of the dot, clear of a neighbour's.
LABEL_LEFT = {"Helmand", "Ashgabat", "Samara", "Tashkent"}
#: A place west of the map's window, shown by an arrow at its edge.
OFF_MAP_WEST = {"Istanbul": (41.0, "conference planned for 27 March 2021", ("after-2021",))}


def _map_shapes(geojson):
    from matplotlib.path import Path as MplPath

    def to_path(multipolygon):
        vertices, codes = [], []
        for polygon in multipolygon:
            for ring in polygon:
                vertices.extend(ring)
                codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY])
        return MplPath(vertices, codes)

    shapes, features = {}, {}
    for feature in geojson["features"]:
        key = feature["properties"]["afcourse_id"] or feature["properties"]["name"]
        features[key] = feature
        shapes[key] = to_path(feature["geometry"]["coordinates"])
    return shapes, features


def _edges(multipolygon):
    for polygon in multipolygon:
        for ring in polygon:
            for a, b in zip(ring, ring[1:]):
                yield tuple(a), tuple(b)


#: Countries where a source places Russian military bases (Aliyev 2020, para 15).
BASE_HOSTS = ("tajikistan", "kyrgyzstan")


def map_layers(base, geojson) -> dict:
    """What the map colours, read from the facts: each country's class (russia, csto, afghanistan,
    other), the hosts of Russian bases and the edges of Afghanistan's border with Central Asia."""
    csto = set(base.facts["csto"].members)
    central_asia = {c.id for c in base.countries.values() if c.region == "Central Asia"}
    shapes, features = _map_shapes(geojson)
    fill_of = {}
    for key, feature in features.items():
        cid = feature["properties"]["afcourse_id"]
        fill_of[key] = cid if cid in ("russia", "afghanistan") else "csto" if cid in csto else "other"
    neighbour = set()
    for cid in central_asia & set(features):
        for a, b in _edges(features[cid]["geometry"]["coordinates"]):
            neighbour.update({(a, b), (b, a)})
    border = [e for e in _edges(features["afghanistan"]["geometry"]["coordinates"]) if e in neighbour]
    return {"shapes": shapes, "fill_of": fill_of, "bases": list(BASE_HOSTS), "northern_border": border}


def region_map(base, geojson, places=None, window=(36.8, 90.0, 23.5, 58.5), width=7.2, label_pt=10.5,
               off_map=True, country_labels=None):
    """Afghanistan, Central Asia and Russia: CSTO allies shaded, bases hatched, named places marked.

    ``places`` names the entries of :data:`PLACES` to mark (all when None); ``window`` is
    (west, east, south, north) in degrees. Every colour class is read from the facts.
    """
    _text_as_text()
    import math

    import matplotlib.patheffects as patheffects
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    west, east, south, north = window
    layers = map_layers(base, geojson)
    style = {"russia": ("#4F86BE", "Russia"), "csto": ("#A9CDEB", "Russia's allies in the CSTO (2020)"),
             "afghanistan": ("#EE7733", "Afghanistan"), "other": ("#E0E0E0", "Other countries")}
    shapes, fill, border, bases = layers["shapes"], layers["fill_of"], layers["northern_border"], layers["bases"]
    mean_lat = (south + north) / 2
    aspect = 1 / math.cos(math.radians(mean_lat))
    height = width * (north - south) * aspect / (east - west) + 1.3
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_facecolor("#F5F8FB")
    for cls, (colour, _) in style.items():
        ax.add_collection(PathCollection([shapes[k] for k in shapes if fill[k] == cls], facecolors=colour,
                                         edgecolors="#5A5A5A", linewidths=0.5, zorder=2))
    plt.rcParams["hatch.linewidth"] = 0.7
    ax.add_collection(PathCollection([shapes[k] for k in sorted(bases)], facecolors="none", edgecolors="#1C3D63",
                                     linewidths=0, hatch="////", zorder=3))
    ax.add_collection(PathCollection([shapes["afghanistan"]], facecolors="none", edgecolors="#202020",
                                     linewidths=1.2, zorder=4))
    ax.add_collection(LineCollection(border, colors="#7A1E48", linewidths=3.2, capstyle="round", zorder=5))
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    for cid, (lon, lat) in (country_labels or {}).items():
        ax.text(lon, lat, base.countries[cid].name, ha="center", va="center", fontsize=label_pt,
                weight="bold" if cid == "afghanistan" else "normal", color="#333333", path_effects=halo, zorder=7)
    marked = {name: PLACES[name] for name in (places or PLACES)}
    for name, (lon, lat, what, _) in marked.items():
        ax.plot(lon, lat, "o", ms=6, mfc="black", mec="white", mew=1, zorder=8)
        right = name not in LABEL_LEFT
        ax.annotate(name, (lon, lat), xytext=(6 if right else -6, 0), textcoords="offset points",
                    ha="left" if right else "right", va="center", fontsize=label_pt, weight="bold",
                    path_effects=halo, zorder=9)
    if off_map:
        for name, (lat, what, _) in OFF_MAP_WEST.items():
            ax.annotate(f"\u2190 {name}", (west, lat), xytext=(4, 0), textcoords="offset points", ha="left",
                        va="center", fontsize=label_pt, weight="bold", path_effects=halo, zorder=9)
    handles = [Patch(facecolor=c, edgecolor="#5A5A5A", lw=0.5, label=label) for c, label in style.values()]
    handles += [Patch(facecolor="white", edgecolor="#1C3D63", hatch="////", lw=0, label="Hosts Russian military bases"),
                Line2D([], [], color="#7A1E48", lw=3.2, label="Afghanistan's border with Central Asia"),
                Line2D([], [], marker="o", ls="", mfc="black", mec="white", ms=6, label="Place named in the text")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=2 if width > 5 else 1,
              fontsize=label_pt, frameon=False)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=(1.2 if width > 5 else 2.0) / height)
    return fig


#: Chapter 3: whom Moscow dealt with around its peace initiatives (2016-2021).
TALKS_RELATIONS = [
    ("Afghan actors", "The Kabul government",
     "Left out of the first round (Dec. 2016) and protested; in 2021 told Moscow not to treat it as the Taliban's equal",
     "Aliyev \u00b619; Krivosheev \u00b6\u00b615-19"),
    ("Afghan actors", "The Taliban", "Seated at the Moscow format (Nov. 2018) and the inter-Afghan dialogue (Feb. 2019), while on Russia's terrorist list",
     "Aliyev \u00b6\u00b619, 23"),
    ("Afghan actors", "Northern leaders", "Atta Muhammad Nur, leader of the Tajik community, a guest at every Moscow round",
     "Krivosheev \u00b624"),
    ("Afghan actors", "Hamid Karzai", "The former president's advice and lobbying used by Moscow, to Kabul's displeasure",
     "Aliyev \u00b635"),
    ("Foreign powers", "China and Pakistan", "Russia's partners in the first round, December 2016", "Aliyev \u00b619"),
    ("Foreign powers", "Iran and India", "Coordinated with as the US presence shrank: Stepanova's 'regionalization'",
     "Aliyev \u00b624"),
    ("Foreign powers", "Central Asian states", "Invited for the first time to the April 2017 conference",
     "GlobalSecurity.org \u00b643"),
    ("Foreign powers", "United States", "A rival whose peace efforts Moscow's paralleled; also a partner in the troika with China and Pakistan",
     "Aliyev \u00b6\u00b618, 20, 25"),
]

#: Chapter 6: Moscow's bets as Krivosheev saw them in March 2021, and what changed in August.
HEDGING_RELATIONS = [
    ("March 2021, in Krivosheev's account", "The Kabul government",
     "Seen as an American puppet the Taliban could topple; still bought Russian vaccines and was asked to join a railway project",
     "Krivosheev \u00b6\u00b620, 22"),
    ("March 2021, in Krivosheev's account", "Northern leaders",
     "Tajik and Uzbek power brokers without official posts: ties with them mattered most", "Krivosheev \u00b6\u00b624, 28"),
    ("March 2021, in Krivosheev's account", "The Taliban",
     "First to come to Moscow before Istanbul (Jan. 2021); a relationship that 'will still come in useful'",
     "Krivosheev \u00b6\u00b615, 28"),
    ("August 2021, as GlobalSecurity.org reports", "The Taliban in Kabul",
     "Called a 'far more trustworthy partner' by Kabulov; recognition withheld, still on the terrorist list",
     "GlobalSecurity.org \u00b6\u00b63-4, 7"),
    ("August 2021, as GlobalSecurity.org reports", "The fallen government",
     "Dismissed by Kabulov as a puppet; Ghani in exile", "GlobalSecurity.org \u00b6\u00b63-4"),
]


def relations(rows, title: str, width: float = PHONE_WIDTH):
    """Moscow at the top, then each actor with the relation the sources describe and where they say so.

    ``rows`` holds (group, actor, relation, sources) tuples; groups are drawn in order with
    a heading each. The text is the caller's own words; the sources column names the paragraphs.
    """
    _text_as_text()
    import matplotlib.pyplot as plt

    line = 0.42
    blocks, y, group = [], 1.2, None
    for kind, actor, relation, sources in rows:
        if kind != group:
            blocks.append(("group", y, kind))
            y += 0.75
            group = kind
        text = textwrap.fill(relation, 40)
        n = text.count("\n") + 1
        blocks.append(("actor", y, (actor, text, sources)))
        y += line * (n + 2) + 0.35
    fig, ax = plt.subplots(figsize=(width, y * 0.4 + 0.2))
    ax.set_xlim(0, 10)
    ax.set_ylim(y, -0.2)
    ax.text(0.1, 0.35, title, fontsize=TEXT_PT + 2, weight="bold", color=INK, va="center")
    ax.plot([0.45, 0.45], [0.8, y - 0.7], color=ACCENT, lw=2.5, zorder=1)
    for kind, at, what in blocks:
        if kind == "group":
            ax.text(0.1, at, what.upper(), fontsize=TEXT_PT, weight="bold", color=MUTED, va="center",
                    bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="none"))
            continue
        actor, text, sources = what
        ax.annotate("", xy=(1.0, at + 0.05), xytext=(0.45, at + 0.05),
                    arrowprops=dict(arrowstyle="->", color=ACCENT, lw=1.5))
        ax.text(1.1, at + 0.05, actor, fontsize=TEXT_PT + 1, weight="bold", color=WARM, va="center")
        ax.text(1.1, at + line * 0.9, text, fontsize=TEXT_PT, color=INK, va="top", linespacing=1.2)
        ax.text(1.1, at + line * (text.count("\n") + 2.1), sources, fontsize=TEXT_PT, color=MUTED,
                va="top", style="italic")
    _plain_axes(ax)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    return fig
