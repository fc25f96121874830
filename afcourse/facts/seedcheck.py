"""Check the fact base against the seed documents themselves.

The package ships without the seeds; authors and CI, who have them beside the
project, use this to confirm that the paragraph numbering in sources.yaml matches
the files and that each fact's date, number or name appears in a paragraph it cites.
Relations (reasons, claims, positions ...) are checked the same way: the people they
name and the years they give appear in a paragraph they cite, and a relation given
"according to" a source cites that source.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

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
    paragraph (an event whose date is inferred says so in its ``note`` and is exempt);
    the relations, as :func:`check_relations` says.
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

    def cited_text(citations) -> str:
        return _folded(" ".join(texts[c.source][c.paragraph - 1] for c in citations
                                if c.source in texts and c.paragraph <= len(texts[c.source])))

    for record, citations in _all_citations(base):
        for c in citations:
            if c.source in texts and c.paragraph > len(texts[c.source]):
                problems.append(f"{base.origins.get(record, '?')}: {record!r} cites paragraph {c.paragraph} of "
                                f"{c.source}, which has {len(texts[c.source])}")
    for fact in base:
        cited = cited_text(fact.citations)
        where = f"{base.origins.get(fact.id, '?')}: fact {fact.id!r}"
        if fact.kind == "event" and not fact.note and str(fact.date.year) not in cited:
            problems.append(f"{where}: year {fact.date.year} not found in the cited paragraphs (add a note if inferred)")
        if fact.kind == "quantity" and not any(form in cited for form in _number_forms(fact.value)):
            problems.append(f"{where}: value {fact.value:g} not found in the cited paragraphs")
        if fact.kind == "person":
            surname = _folded(fact.name.split()[-1])
            if surname not in cited:
                problems.append(f"{where}: name {fact.name!r} not found in the cited paragraphs")
    problems.extend(check_relations(base, cited_text))
    return problems


def _all_citations(base: FactBase) -> list[tuple[str, list]]:
    """(record id, citations) for every fact and relation, misconceptions' contradicting paragraphs included."""
    found = [(f.id, list(f.citations)) for f in base]
    for relation in base.relations.values():
        found.append((relation.id, list(relation.citations)))
        for wrong in getattr(relation, "misconceptions", []):
            found.append((relation.id, list(wrong.contradicted_by)))
    return found


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
RELATION_TEXT = ("action", "reason", "cause", "effect", "view", "claim", "case")
"""The fields of a relation that become a question's key or options."""


def check_relations(base: FactBase, cited_text: Callable[[list], str]) -> list[str]:
    """Problems with relations against the seeds: a year in a key field or a person named as actor, holder
    or authority that no cited paragraph mentions; an attribution to a source the relation does not cite.
    A relation whose year is inferred says so in its ``note`` and is exempt from the year check."""
    problems: list[str] = []
    for relation in base.relations.values():
        where = f"{base.origins.get(relation.id, '?')}: relation {relation.id!r}"
        cited = cited_text(relation.citations)
        authority = getattr(relation, "according_to", None)
        if authority in base.sources and authority not in {c.source for c in relation.citations}:
            problems.append(f"{where}: it is given according to {authority} but cites no paragraph of it")
        authors = {base.sources[c.source].author_id for c in relation.citations if c.source in base.sources}
        for field in ("actor", "holder", "according_to"):
            ref = getattr(relation, field, None)
            if ref in authors:
                continue  # the author of a cited source holds the view: the byline names them
            if ref in base.facts and base.facts[ref].kind == "person":
                surname = _folded(base.facts[ref].name.split()[-1])
                if surname not in cited:
                    problems.append(f"{where}: {field} {base.facts[ref].name!r} is not named in the cited paragraphs")
        if relation.note:
            continue
        for field in RELATION_TEXT:
            for year in _YEAR.findall(getattr(relation, field, None) or ""):
                if year not in cited:
                    problems.append(f"{where}: year {year} of {field!r} not found in the cited paragraphs "
                                    "(add a note if inferred)")
    return problems
