"""Check the fact base against the seed documents themselves.

The package ships without the seeds; authors and CI, who have them beside the
project, use this to confirm that the paragraph numbering in sources.yaml matches
the files and that each fact's date, number or name appears in a paragraph it cites.
"""

from __future__ import annotations

import re
from pathlib import Path

from afcourse.facts.factbase import FactBase

_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def paragraphs(text: str) -> list[str]:
    """Split a seed into paragraphs as sources.yaml defines them (blank-line separated)."""
    return [p.strip() for p in _BLANK_LINES.split(text) if p.strip()]


def _folded(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"(?<=\d),(?=\d{3})", "", text).lower()


def _number_forms(value: float) -> set[str]:
    whole = int(value)
    forms = {f"{value:g}"} if value != whole else {str(whole)}
    words = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 11: "eleven", 14: "fourteen", 20: "twenty"}
    if value == whole and whole in words:
        forms.add(words[whole])
    return forms


def check_against_seeds(base: FactBase, seeds_dir: str | Path) -> list[str]:
    """Problems found by comparing the facts with the seed files; empty when all agree.

    Checks: each source's paragraph count; each cited paragraph exists; an event's
    year, a quantity's value and a person's surname appear in at least one cited
    paragraph (an event whose date is inferred says so in its ``note`` and is exempt).
    """
    seeds_dir = Path(seeds_dir)
    problems: list[str] = []
    texts: dict[str, list[str]] = {}
    for source in base.sources.values():
        path = seeds_dir / source.seed_file
        if not path.exists():
            problems.append(f"source {source.id}: seed file {path} not found")
            continue
        texts[source.id] = paragraphs(path.read_text(encoding="utf-8", errors="replace"))
        if len(texts[source.id]) != source.paragraphs:
            problems.append(f"source {source.id}: sources.yaml says {source.paragraphs} paragraphs, "
                            f"{source.seed_file} has {len(texts[source.id])}")
    for fact in base:
        cited = " ".join(texts[c.source][c.paragraph - 1] for c in fact.citations
                         if c.source in texts and c.paragraph <= len(texts[c.source]))
        cited = _folded(cited)
        where = f"{base.origins.get(fact.id, '?')}: fact {fact.id!r}"
        if fact.kind == "event" and not fact.note and str(fact.date.year) not in cited:
            problems.append(f"{where}: year {fact.date.year} not found in the cited paragraphs (add a note if inferred)")
        if fact.kind == "quantity" and not any(form in cited for form in _number_forms(fact.value)):
            problems.append(f"{where}: value {fact.value:g} not found in the cited paragraphs")
        if fact.kind == "person":
            surname = _folded(fact.name.split()[-1])
            if surname not in cited:
                problems.append(f"{where}: name {fact.name!r} not found in the cited paragraphs")
    return problems
