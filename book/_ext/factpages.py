"""Reference pages generated from the fact base at build time: timeline, who's who, sources.

The book's pages call these functions in hidden code cells, so the timeline, the
event table, the lists of people and organisations and the index of cited
paragraphs always match the YAML fact files; nothing on those pages is copied by
hand. Every string that comes from a fact is HTML-escaped. The tables and the
timeline carry their own small script and style (no library, no CDN).

Links are relative to the book's root folder (where timeline.md and whos-who.md
live); ``prefix`` ('../') adapts them for a page one folder down. A chapter's page
is ``chapters/NN-<chapter id>.html``; a cited paragraph's anchor is
``sources.html#<source id>-p<N>`` (:mod:`afcourse.facts.citations`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape
from pathlib import Path

from afcourse.facts.citations import LABEL, citation_href, citation_label, label_paragraphs, paragraph_anchor, short_author

__all__ = [
    "chapter_href",
    "citation_links",
    "chapter_citations",
    "cited_paragraphs",
    "paragraph_index",
    "timeline_html",
    "events_table",
    "people_table",
    "organisations_table",
]


# --- small helpers ---------------------------------------------------------------


def chapter_href(chapter, prefix: str = "") -> str:
    """Address of a chapter's page from the book's root (plus ``prefix``)."""
    return f"{prefix}chapters/{chapter.number:02d}-{chapter.id}.html"


def citation_links(base, citations, prefix: str = "") -> str:
    """One link per source, listing its paragraphs: 'Aliyev 2020, ¶¶19, 23' -> its first paragraph's anchor."""
    paragraphs: dict[str, list[int]] = defaultdict(list)
    for cite in citations:
        if cite.paragraph not in paragraphs[cite.source]:
            paragraphs[cite.source].append(cite.paragraph)
    links = []
    for source_id, paras in paragraphs.items():
        source = base.sources[source_id]
        numbers = sorted(paras)
        text = citation_label(short_author(source.author), source.date.year, numbers[:1])
        if len(numbers) > 1:
            text = text.replace("\u00b6", "\u00b6\u00b6")
        link = [f'<a class="reference internal af-cite" href="{escape(citation_href(source_id, numbers[0], prefix))}">'
                f'{escape(text)}</a>']
        link += [f'<a class="reference internal af-cite" href="{escape(citation_href(source_id, n, prefix))}">{n}</a>'
                 for n in numbers[1:]]
        links.append(", ".join(link))
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


def _date_text(fact) -> str:
    text = fact.date.human()
    if getattr(fact, "end_date", None) is not None and fact.end_date != fact.date:
        text += f"\u2013{fact.end_date.human()}"
    return text


# --- cited paragraphs -----------------------------------------------------------------

_LINK = re.compile(r"\[(?P<label>[^\]]+)\]\((?P<target>[a-z0-9.#/-]+)\)")


def chapter_citations(book_dir) -> dict[tuple[str, int], set[int]]:
    """(source id, paragraph) -> numbers of the chapters whose text cites it, read from chapters/*.md.

    A citation is a link whose text is a label ('Aliyev 2020, ¶¶25-26') and whose
    target is a paragraph anchor ('aliyev-2020-p25'); every paragraph the label
    names counts as cited.
    """
    found: dict[tuple[str, int], set[int]] = defaultdict(set)
    for path in sorted(Path(book_dir, "chapters").glob("[0-9][0-9]-*.md")):
        number = int(path.name[:2])
        text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))
        for link in _LINK.finditer(text):
            label = LABEL.fullmatch(link["label"].strip())
            target = re.fullmatch(r"(?P<source>[a-z0-9-]+)-p\d+", link["target"])
            if label and target:
                for paragraph in label_paragraphs(label["paras"]):
                    found[(target["source"], paragraph)].add(number)
    return found


def cited_paragraphs(base, chapter_cites) -> dict[str, list[int]]:
    """Source id -> the sorted paragraphs that a fact or a chapter cites."""
    cited: dict[str, set[int]] = defaultdict(set)
    for fact in base:
        for cite in fact.citations:
            cited[cite.source].add(cite.paragraph)
        for version in getattr(fact, "versions", []) or []:
            cited[version.source].add(version.paragraph)
    for source_id, paragraph in chapter_cites:
        cited[source_id].add(paragraph)
    return {s: sorted(p) for s, p in cited.items()}


def _fact_title(base, fact) -> str:
    """A short name for a fact, in the course's words."""
    for field in ("name", "topic", "measure"):
        if getattr(fact, field, None):
            return _capitalise(getattr(fact, field))
    if fact.kind == "statement":
        return base.name_of(fact.speaker)
    if fact.kind == "quotation":
        return f"{base.name_of(fact.speaker)}, quoted"
    return _capitalise(fact.kind)


def _fact_place(base, fact, prefix: str) -> str:
    """Where a reader meets the fact: its timeline row or who's who entry, and its chapter."""
    links = []
    if fact.kind == "event":
        links.append(f'<a class="reference internal" href="{prefix}timeline.html#event-{escape(fact.id)}">timeline</a>')
    elif fact.kind in ("person", "organisation"):
        links.append(f'<a class="reference internal" href="{prefix}whos-who.html#{escape(fact.id)}">who\'s who</a>')
    links.append(_chapter_link(base, fact.chapter, prefix))
    return " \u00b7 ".join(links)


def paragraph_index(base, source_id: str, chapter_cites, prefix: str = "") -> str:
    """One anchored entry per cited paragraph of a source: the facts resting on it and the chapters citing it.

    Each entry says, in the course's own words (the facts' statements), what the
    paragraph supports; the source's own sentences are never shown.
    """
    by_paragraph: dict[int, list] = defaultdict(list)
    for fact in base:
        paragraphs = {c.paragraph for c in fact.citations if c.source == source_id}
        paragraphs |= {v.paragraph for v in getattr(fact, "versions", []) or [] if v.source == source_id}
        for paragraph in paragraphs:
            by_paragraph[paragraph].append(fact)
    source = base.sources[source_id]
    entries = []
    for paragraph in cited_paragraphs(base, chapter_cites).get(source_id, []):
        label = citation_label(short_author(source.author), source.date.year, [paragraph])
        facts = sorted(by_paragraph.get(paragraph, []), key=lambda f: (base.chapters[f.chapter].number, f.id))
        items = "".join(
            f'<li><strong>{escape(_fact_title(base, f))}</strong>'
            f'{_claim_badge(base, f)}: {escape(f.statement)} '
            f'<span class="af-detail">{_fact_place(base, f, prefix)}</span></li>'
            for f in facts)
        chapters = sorted(chapter_cites.get((source_id, paragraph), set()))
        cited_in = ""
        if chapters:
            by_number = {c.number: c for c in base.chapters.values()}
            cited_in = ('<p class="af-cited-in">Cited in the text of chapter' + ("s " if len(chapters) > 1 else " ")
                        + ", ".join(_chapter_link(base, by_number[n].id, prefix) for n in chapters if n in by_number)
                        + ".</p>")
        supports = f"<ul>{items}</ul>" if items else ""
        entries.append(
            f'<div class="af-para" id="{escape(paragraph_anchor(source_id, paragraph))}">'
            f'<p class="af-para-head"><strong>{escape(label)}</strong></p>'
            f"{supports}{cited_in}</div>")
    return (f'{_STYLE}<details class="af-para-index"><summary>What each cited paragraph of {escape(short_author(source.author))} '
            f'supports, in the course\'s words ({len(entries)} paragraphs)</summary>'
            f'{"".join(entries)}</details>{_OPEN_TARGET}')


# Opens the collapsed list holding the paragraph a citation leads to (on load and on every jump).
_OPEN_TARGET = """<script>
(function () {
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) return;
    for (var node = el; node; node = node.parentElement) { if (node.tagName === "DETAILS") node.open = true; }
    el.scrollIntoView();
  }
  if (!window.afOpenTarget) {
    window.afOpenTarget = true;
    window.addEventListener("hashchange", openTarget);
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", openTarget); else openTarget();
  }
})();
</script>"""


def _claim_badge(base, fact) -> str:
    """What kind of claim a fact is: 'contested' only where the sources differ or an allegation is
    at stake; an author's judgement is labelled as that author's analysis."""
    stance = getattr(fact, "stance", None)
    who = base.name_of(fact.speaker) if getattr(fact, "speaker", None) else ""
    if fact.kind == "disagreement":
        return ' <span class="af-badge">the sources differ</span>'
    if stance in ("allegation", "denial"):
        return f' <span class="af-badge">{stance}</span>'
    if stance == "assessment":
        return f' <span class="af-badge af-badge-view">{escape(who)}\'s analysis</span>'
    if stance == "prediction":
        return f' <span class="af-badge af-badge-view">{escape(who)}\'s forecast</span>'
    if fact.contested and fact.kind == "event":
        return ' <span class="af-badge">contested</span>'
    if fact.contested and who:
        return f' <span class="af-badge af-badge-view">{escape(who)}\'s claim</span>'
    return ""


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
.af-badge { display: inline-block; margin-left: .3rem; padding: 0 .35rem; border-radius: 3px; font-size: .8em;
  border: 1px solid #8a4b00; color: #7a4200; }
html[data-theme="dark"] .af-badge { border-color: #ffb866; color: #ffc98a; }
table.af-table ul { margin: 0; padding-left: 1.1rem; }
.af-badge-view { border-color: #5a6f86; color: #33475b; }
html[data-theme="dark"] .af-badge-view { border-color: #9fb6cf; color: #c9d8e8; }
details.af-para-index > summary { cursor: pointer; font-weight: 600; padding: .4rem 0; }
details.af-para-index[open] > summary { margin-bottom: .4rem; }
.af-para { margin: .6rem 0; padding: .3rem 0 .3rem .7rem; border-left: 3px solid var(--pst-color-border, #ccc); scroll-margin-top: 5rem; }
.af-para:target { border-left-color: var(--pst-color-primary, #06c); background: var(--pst-color-surface, #f3f6fa); }
.af-para p { margin: 0 0 .2rem; }
.af-para ul { margin: 0 0 .2rem; padding-left: 1.1rem; }
.af-cited-in { font-size: .9em; }
/* On a phone the tables become one block per row, each cell labelled by its heading. */
@media (max-width: 640px) {
  table.af-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.af-table, table.af-table tbody, table.af-table tr, table.af-table td { display: block; width: 100%; }
  table.af-table tr { border-bottom: 1px solid var(--pst-color-border, #ddd); padding: .3rem 0; }
  table.af-table td { border: 0; padding: .15rem 0; overflow-wrap: anywhere; }
  table.af-table td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
  table.af-table td.af-date { white-space: normal; }
}
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
            tds.append(f'<td{cls}{attr} data-label="{escape(columns[i])}">{html}</td>')
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


#: Entries the sources place only relative to another ("after the Soviet withdrawal",
#: "a day after the takeover", an undated interview given after a dated visit): entry id ->
#: the id of the entry it comes right after.
FOLLOWS = {
    "kabul-mujahidin-stalemate-1989": "soviet-withdrawal-from-afghanistan-1989",
    "kabulov-taliban-keep-deal-us-does-not-2021": "taliban-visit-moscow-january-2021",
    "kabulov-afghan-delegates-sabotage-doha-2021": "kabulov-taliban-keep-deal-us-does-not-2021",
    "russia-afghanistan-emergency-foreign-ministers-meeting-2021": "kabulov-afghan-delegates-sabotage-doha-2021",
    "atmar-kabul-and-taliban-not-equals": "russia-afghanistan-emergency-foreign-ministers-meeting-2021",
    "zhirnov-kabul-safer-under-taliban": "taliban-take-kabul-2021",
    "kabulov-podyem-unsc-resolution-needed": "taliban-take-kabul-2021",
    "zhirnov-praises-taliban-transport-energy-interest": "zhirnov-invest-in-afghan-minerals-2021",
}
_QUALIFIER = re.compile(r"\b(early|mid|middle of)[- ](\d{4})\b", re.I)
ORDER_RULE = (
    "Entries known to the day are in calendar order. An entry the sources date only to a month comes "
    "after the days of that month; one dated only to a year comes after everything dated within that year, "
    "unless its wording says \u201cearly\u201d or \u201cmid\u201d (then it comes after January, or after June). "
    "Where the sources place an entry only relative to another (\u201cafter the withdrawal\u201d), it comes "
    "right after that entry.")


def dated_entries(base) -> list:
    """Every dated event, statement and quotation: what the timeline holds."""
    return [f for f in base if f.kind in ("event", "statement", "quotation") and getattr(f, "date", None) is not None]


def entry_title(base, fact) -> str:
    """What an entry is, in a few words: an event's name; who said what for a statement or quotation."""
    if fact.kind == "event":
        return _capitalise(fact.name)
    who = base.name_of(fact.speaker)
    if fact.kind == "quotation":
        return f"{who}: \u201c{fact.quote}\u201d"
    return f"{who}: {fact.gist}"


def _period(base, fact) -> tuple:
    date = fact.date
    if date.day:
        return (date.year, date.month, date.day)
    if date.month:
        return (date.year, date.month, 32)
    words = " ".join(filter(None, [getattr(fact, "name", None), getattr(fact, "gist", None), getattr(fact, "note", None)]))
    found = _QUALIFIER.search(words)
    if found and int(found[2]) == date.year:
        return (date.year, 1 if found[1].lower() == "early" else 6, 33)
    return (date.year, 13, 0)


def timeline_key(base, fact) -> tuple:
    """Where an entry stands on the timeline (:data:`ORDER_RULE`)."""
    steps, anchor = [], fact
    while anchor.id in FOLLOWS and FOLLOWS[anchor.id] in base.facts and len(steps) < 10:
        steps.append(anchor.id)
        anchor = base.facts[FOLLOWS[anchor.id]]
    end = getattr(anchor, "end_date", None) or anchor.date
    return (_period(base, anchor), end.iso(), anchor.id, len(steps), fact.id)


def _events(base):
    return sorted(dated_entries(base), key=lambda e: timeline_key(base, e))


def entry_chapters(base, fact, chapter_cites) -> list[str]:
    """The chapters whose prose discusses an entry: they cite a paragraph it rests on and name its year.

    Falls back to the fact's own chapter when no chapter's text does both.
    """
    numbers = {n for c in fact.citations for n in chapter_cites.get((c.source, c.paragraph), set())}
    by_number = {c.number: c.id for c in base.chapters.values()}
    found = [by_number[n] for n in sorted(numbers) if n in by_number and str(fact.date.year) in _chapter_text(n)]
    return found or [fact.chapter]


_CHAPTER_TEXTS: dict[int, str] = {}


def _chapter_text(number: int) -> str:
    if number not in _CHAPTER_TEXTS:
        paths = list(Path(__file__).resolve().parent.parent.joinpath("chapters").glob(f"{number:02d}-*.md"))
        _CHAPTER_TEXTS[number] = paths[0].read_text(encoding="utf-8") if paths else ""
    return _CHAPTER_TEXTS[number]


_CHAPTER_COLOURS = ["#3a78b5", "#d0602a", "#3a9a3a", "#b0458f", "#9a7d00", "#1a9393", "#808080"]

_TIMELINE_STYLE = """
<style>
.af-tl-wrap { margin: 1rem 0 1.5rem; }
.af-tl { list-style: none; margin: 0 0 0 .6rem; padding: 0 0 0 1.1rem; border-left: 3px solid var(--pst-color-border, #ccc); }
.af-tl > li { position: relative; margin: 0; padding: .15rem 0 .15rem .6rem; }
.af-tl > li.af-tl-gap { color: var(--pst-color-text-muted, #555); font-size: .85em; font-style: italic; padding: .5rem 0 .5rem .6rem; }
.af-tl > li.af-tl-year { font-weight: 700; font-size: 1.05em; padding-top: .6rem; }
.af-tl > li.af-tl-year::before { content: ""; position: absolute; left: -1.1rem; top: 1rem; width: .8rem; height: 3px;
  background: var(--pst-color-border, #ccc); }
.af-tl > li.af-tl-event::before { content: ""; position: absolute; left: calc(-1.1rem - 11px); top: .45rem; width: 10px; height: 10px;
  border-radius: 50%; border: 3px solid var(--af-colour); background: var(--af-colour); }
.af-tl > li.af-tl-event.af-contested::before { background: var(--pst-color-background, #fff); }
.af-tl details > summary { cursor: pointer; list-style: none; padding: .1rem 0; }
.af-tl details > summary::-webkit-details-marker { display: none; }
.af-tl details > summary::before { content: "\\25B8"; display: inline-block; width: 1em; color: var(--af-colour); }
.af-tl details[open] > summary::before { content: "\\25BE"; }
.af-tl details > summary:focus-visible { outline: 2px solid var(--pst-color-primary, #06c); }
.af-tl .af-tl-date { font-variant-numeric: tabular-nums; color: var(--pst-color-text-muted, #555); margin-right: .35rem; }
.af-tl .af-tl-chapter { font-size: .8em; color: var(--pst-color-text-muted, #555); white-space: nowrap; }
.af-tl .af-tl-body { margin: .25rem 0 .5rem 1em; padding: .4rem .6rem; border-left: 3px solid var(--af-colour);
  background: var(--pst-color-surface, #f6f6f6); font-size: .95em; }
.af-tl .af-tl-body p { margin: 0 0 .3rem; }
</style>
"""

_TIMELINE_SCRIPT = """
<script>
(function () {
  function setUp(wrap) {
    if (wrap.getAttribute("data-af-ready")) return;
    wrap.setAttribute("data-af-ready", "1");
    var select = wrap.querySelector(".af-tl-select");
    var contested = wrap.querySelector(".af-tl-contested");
    var count = wrap.querySelector(".af-count");
    var items = Array.prototype.slice.call(wrap.querySelectorAll(".af-tl > li"));
    function apply() {
      var wanted = select.value, onlyContested = contested.checked, shown = 0, total = 0;
      var visibleInYear = {};
      items.forEach(function (li) {
        if (!li.classList.contains("af-tl-event")) return;
        total += 1;
        var ok = (!wanted || li.getAttribute("data-chapter").split(" ").indexOf(wanted) >= 0) &&
                 (!onlyContested || li.classList.contains("af-contested"));
        li.hidden = !ok;
        if (ok) { shown += 1; visibleInYear[li.getAttribute("data-year")] = true; }
      });
      items.forEach(function (li) {
        if (li.classList.contains("af-tl-year")) li.hidden = !visibleInYear[li.getAttribute("data-year")];
        if (li.classList.contains("af-tl-gap")) li.hidden = Boolean(wanted || onlyContested);
      });
      count.textContent = shown + " of " + total + " entries shown";
    }
    select.addEventListener("change", apply);
    contested.addEventListener("change", apply);
    var target = window.location.hash.slice(1);
    if (target) {
      var found = document.getElementById(target);
      if (found && found.tagName === "DETAILS") found.open = true;
    }
    apply();
  }
  function run() { Array.prototype.forEach.call(document.querySelectorAll(".af-tl-wrap"), setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
})();
</script>
"""


def timeline_html(base, prefix: str = "") -> str:
    """The interactive timeline: every dated event on a vertical line, grouped by year.

    Each event opens (click, tap or Enter) to show the course's statement about it,
    its sources and its chapter; a menu keeps one chapter's events, a box only the
    contested ones. Stretches of more than five years with no event are marked as
    gaps.
    """
    events = _events(base)
    cites = chapter_citations(Path(__file__).resolve().parent.parent)
    colour = {c.id: _CHAPTER_COLOURS[(c.number - 1) % len(_CHAPTER_COLOURS)] for c in base.chapters.values()}
    items, year = [], None
    for event in events:
        if event.date.year != year:
            if year is not None and event.date.year - year > 5:
                items.append(f'<li class="af-tl-gap">{event.date.year - year - 1} years with no recorded event</li>')
            year = event.date.year
            items.append(f'<li class="af-tl-year" data-year="{year}">{year}</li>')
        chapters = entry_chapters(base, event, cites)
        badge = _entry_badge(event)
        place = f" ({escape(event.place)})" if getattr(event, "place", None) else ""
        body = (f'<div class="af-tl-body"><p>{escape(event.statement)}</p>'
                f'<p>Sources: {citation_links(base, event.citations, prefix)}. '
                f'Discussed in: {", ".join(_chapter_link(base, c, prefix, short=False) for c in chapters)}.</p></div>')
        chapter_tag = (' <span class="af-tl-chapter">ch. '
                       + ", ".join(str(base.chapters[c].number) for c in chapters) + '</span>')
        items.append(
            f'<li class="af-tl-event{" af-contested" if _disputed(event) else ""}" data-chapter="{escape(" ".join(chapters))}" '
            f'data-year="{year}" style="--af-colour: {colour[chapters[0]]}">'
            f'<details id="event-{escape(event.id)}"><summary>'
            f'<span class="af-tl-date">{escape(_date_text(event))}</span>'
            f'{escape(entry_title(base, event))}{place}{badge}{chapter_tag}</summary>{body}</details></li>')
    options = "".join(f'<option value="{escape(c.id)}">{c.number}. {escape(c.short_title)}</option>'
                      for c in base.chapters.values())
    controls = (
        '<div class="af-controls">'
        f'<label>Chapter <select class="af-tl-select"><option value="">all chapters</option>{options}</select></label>'
        '<label><input type="checkbox" class="af-tl-contested"> allegations and disputed points only</label>'
        '<span class="af-count" aria-live="polite"></span></div>')
    return (f'{_STYLE}{_TIMELINE_STYLE}<div class="af-tl-wrap">{controls}'
            f'<ol class="af-tl" aria-label="Dated events, oldest first">{"".join(items)}</ol></div>{_TIMELINE_SCRIPT}')


def events_table(base, prefix: str = "") -> str:
    """HTML table of every dated entry: date, what happened or was said, chapters, sources."""
    rows = []
    cites = chapter_citations(Path(__file__).resolve().parent.parent)
    for event in _events(base):
        badge = _entry_badge(event)
        name = f"<strong>{escape(entry_title(base, event))}</strong>{badge}"
        if getattr(event, "place", None):
            name += f" ({escape(event.place)})"
        detail = f'<span class="af-detail">{escape(event.statement)}</span>'
        chapters = entry_chapters(base, event, cites)
        rows.append((chapters, [
            (escape(_date_text(event)), f"{len(rows):04d}"),
            (name + detail, entry_title(base, event).lower()),
            ("<br>".join(_chapter_link(base, c, prefix) for c in chapters), f"{base.chapters[chapters[0]].number:02d}"),
            (citation_links(base, event.citations, prefix), None),
        ]))
    return _table(base, "af-events", "Dated events and statements", ["Date", "What happened or was said", "Chapter", "Sources"], rows)


def _disputed(fact) -> bool:
    """An allegation, a denial, or an event the sources tell differently: what 'disputed only' keeps."""
    return getattr(fact, "stance", None) in ("allegation", "denial") or (fact.kind == "event" and fact.contested)


def _entry_badge(fact) -> str:
    """A label saying what kind of claim an entry is: an allegation, a denial, a disputed point."""
    stance = getattr(fact, "stance", None)
    if stance in ("allegation", "denial"):
        return f' <span class="af-badge">{stance}</span>'
    if stance in ("assessment", "prediction"):
        return f' <span class="af-badge af-badge-view">{"analysis" if stance == "assessment" else "forecast"}</span>'
    if fact.kind == "event" and fact.contested:
        return ' <span class="af-badge" title="the sources differ, or the event is an allegation: read the chapter for who says what">disputed</span>'
    return ""


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
    text = escape(role.title.replace(" (no position given)", ""))  # a note for authors, not for students
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
            roles += f'<span class="af-detail">The sources report {n} statement{"s" if n != 1 else ""} of theirs</span>'
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
