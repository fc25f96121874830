"""Apply-a-concept items: "Which of these is an example of hedging?" and "Which idea does this case show?"

Built from ``example`` relations. Wrong cases are examples of *other* concepts; a case that also
fits the asked concept (its ``also_fits``, or a like case recorded for it) is never offered as
wrong, and a concept a case also fits is never offered as a wrong idea for it.
"""

from __future__ import annotations

import re
from typing import Iterator

from afcourse.bank import truth
from afcourse.bank.builder import Builder
from afcourse.bank.models import Item


def fits(b: Builder, example, concept: str) -> bool:
    """Does ``example`` (or a like case) illustrate ``concept``?"""
    return example.concept == concept or concept in example.also_fits or truth.fits_concept(b.base, example.case, concept)


def names_concept(case: str, term: str) -> bool:
    """Does a case use the concept's own word ("... its rivalry with the West" for great-power rivalry)?
    Then asking which case shows the concept answers itself."""
    words = {w.lower() for w in re.findall(r"[A-Za-z]{5,}", term)} - {"great", "power"}  # "powers" says nothing
    return any(w.lower().startswith(tuple(words)) for w in re.findall(r"[A-Za-z]{5,}", case))


def concept_items(b: Builder, relations: list) -> Iterator[Item]:
    """For each example: which case shows its concept, and which concept its case shows."""
    examples = b.base.relations_of("example")
    for example in relations:
        concept = b.base.concepts[example.concept]
        wrong = []
        for other in examples:
            if fits(b, other, example.concept) or any(truth.clauses_similar(other.case, w[1]) for w in wrong):
                continue
            wrong.append((other.id, other.case, f"That is a case of {b.base.concepts[other.concept].term}, as "
                                                f"{b.base.attribution(other.according_to)} presents it, not of "
                                                f"{concept.term}."))
        same_chapter = [w for w in wrong if b.base.relations[w[0]].chapter == example.chapter]
        item = None if names_concept(example.case, concept.term) else b.relation_choice(item_id=f"{example.id}:concept-case-choice", template="concept-case-choice",
                                 stem=f"Which of these does the course present as an example of what it calls \u201c{concept.term}\u201d?",
                                 relations=[example], right=(example.id, example.case),
                                 wrong=same_chapter if len(same_chapter) >= 3 else wrong,
                                 explanation=f"{capital(concept.term)}: {concept.definition} {example.statement}")
        if item:
            yield item
        ideas = [(c.id, c.term, f"{capital(c.term)} means something else: {c.definition[:1].lower()}{c.definition[1:]}")
                 for c in b.base.concepts.values() if not fits(b, example, c.id)]
        ideas = sorted(ideas, key=lambda w: (abs(len(w[1]) - len(concept.term)), w[0]))[:5]  # no length cue
        item = b.relation_choice(item_id=f"{example.id}:concept-idea-choice", template="concept-idea-choice",
                                 stem=f"Which idea from the course does this case illustrate: {example.case}?",
                                 relations=[example], right=(concept.id, concept.term), wrong=ideas,
                                 explanation=f"{capital(concept.term)}: {concept.definition} {example.statement}")
        if item:
            yield item


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
