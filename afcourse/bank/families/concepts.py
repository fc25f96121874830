"""Concept items. Apply a concept (understanding): "Which of these is an example of hedging?" and "Which idea
does this case show?". Know a concept (recall): which term the course uses for a definition, and whether a
definition is a term's own.

Built from ``example`` relations. Wrong cases are examples of *other* concepts; a case that also
fits the asked concept (its ``also_fits``, or a like case recorded for it) is never offered as
wrong, and a concept a case also fits is never offered as a wrong idea for it.
"""

from __future__ import annotations

import re
from typing import Iterator

from afcourse.bank import truth
from afcourse.bank.builder import SUBSTITUTE, Builder, choice_id
from afcourse.bank.models import CONCEPT, ChoiceKey, Item, TextKey


def fits(b: Builder, example, concept: str) -> bool:
    """Does ``example`` (or a like case) illustrate ``concept``?"""
    return example.concept == concept or concept in example.also_fits or truth.fits_concept(b.base, example.case, concept)


STEM = 5  # "recognising" and "recognition", "rival" and "rivalry" share their first five letters


def names_concept(case: str, term: str) -> bool:
    """Does a case use the concept's own word, in any form ("... its rival" for great-power rivalry)?
    Then asking which case shows the concept answers itself."""
    stems = {w.lower()[:STEM] for w in re.findall(r"[A-Za-z]{5,}", term)} - {"great", "power"}  # "powers" says nothing
    return any(w.lower()[:STEM] in stems for w in re.findall(r"[A-Za-z]{5,}", case))


def concept_items(b: Builder, relations: list) -> Iterator[Item]:
    """For each example: which case shows its concept, and which concept its case shows."""
    examples = b.base.relations_of("example")
    for example in relations:
        concept = b.base.concepts[example.concept]
        if names_concept(example.case, concept.term):
            continue  # either question would answer itself
        wrong = []
        for other in examples:
            if fits(b, other, example.concept) or any(truth.clauses_similar(other.case, w[1]) for w in wrong):
                continue
            wrong.append((other.id, other.case, f"That is a case of {b.base.concepts[other.concept].term}, as "
                                                f"{b.base.attribution(other.according_to)} presents it, not of "
                                                f"{concept.term}."))
        same_chapter = [w for w in wrong if b.base.relations[w[0]].chapter == example.chapter]
        item = b.relation_choice(item_id=f"{example.id}:concept-case-choice", template="concept-case-choice",
                                 stem=f"Which of these does the course present as an example of what it calls \u201c{concept.term}\u201d?",
                                 relations=[example], right=(example.id, example.case),
                                 wrong=same_chapter if len(same_chapter) >= 3 else wrong,
                                 explanation=f"{capital(concept.term)}: {concept.definition} {example.statement}")
        if item:
            yield item
        ideas = [(c.id, c.term, f"{capital(c.term)} means something else: {uncapital(c.definition)}")
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


def uncapital(text: str) -> str:
    return text[:1].lower() + text[1:]


def introducing_example(b: Builder, concept):
    """The case that shows ``concept`` in the chapter introducing it (its objective's chapter): the item cites
    it, since that chapter discusses it. None when the concept has no objective or no case there."""
    if concept.objective is None:
        return None
    chapter = b.base.objectives[concept.objective].chapter
    cases = [r for r in b.base.relations_of("example", chapter) if r.concept == concept.id or concept.id in r.also_fits]
    return min(cases, key=lambda r: (r.concept != concept.id, r.objective != concept.objective, r.id), default=None)


def definition_items(b: Builder, chapter: str) -> Iterator[Item]:
    """For each concept ``chapter`` introduces: "Which term does the course use for <definition>?", typed and
    chosen, and "True or false? <term> means <definition>" (half the items, decided per item, give another
    concept's definition). They test the objective the concept names and cite the chapter's case of it."""
    for concept in b.base.concepts.values():
        example = introducing_example(b, concept)
        if example is None or example.chapter != chapter:
            continue
        others = confusable(b, concept)
        explanation = f"{capital(concept.term)}: {concept.definition} {example.statement}"
        stem = f"Which term does the course use for this idea: {uncapital(concept.definition).rstrip('.')}?"
        made = [b.relation_choice(item_id=f"{concept.id}:term-choice", template="concept-term-choice", stem=stem,
                                  relations=[example], right=(concept.id, concept.term), explanation=explanation,
                                  wrong=[(c.id, c.term, f"{capital(c.term)} means something else: "
                                                        f"{uncapital(c.definition)}") for c in others[:5]],
                                  level="recall"),
                b.relation_item(item_id=f"{concept.id}:term-short", template="concept-term-short", type="short_answer",
                                stem=f"{stem} (Type the term.)", relations=[example], explanation=explanation,
                                key=TextKey(accepted=term_forms(concept.term), fuzzy=True), level="recall"),
                _definition_tf(b, concept, others, example, explanation)]
        for item in made:
            if item is not None:
                # it asks the concept, not the case's facts: it rests on none (and so leaves the recall and
                # understanding items on those facts free to share its quiz), only on the case it cites
                yield item.model_copy(update={
                    "values": {**item.values, CONCEPT: concept.id},
                    "answer": item.answer.model_copy(update={"objective": concept.objective, "fact_ids": []}),
                    "occasions": [f"concept:{concept.id}", f"relation:{example.id}"]})


def confusable(b: Builder, concept) -> list:
    """The other concepts, the likeliest to be mistaken for ``concept`` first: those the course applies to more
    of the same cases (``also_fits``), then those whose term is as long (no length cue)."""
    shared: dict[str, int] = {}
    for example in b.base.relations_of("example"):
        fitting = {example.concept, *example.also_fits}
        if concept.id in fitting:
            for other in fitting - {concept.id}:
                shared[other] = shared.get(other, 0) + 1
    return sorted((c for c in b.base.concepts.values() if c.id != concept.id),
                  key=lambda c: (-shared.get(c.id, 0), abs(len(c.term) - len(concept.term)), c.id))


def term_forms(term: str) -> list[str]:
    """A term as a student may type it: "a spoiler" or "spoiler", "lending legitimacy" or "legitimacy"."""
    forms = {term, term.removeprefix("a ").removeprefix("an ")}
    if term.startswith("lending "):
        forms.add(term.removeprefix("lending "))
    return sorted(forms)


def _definition_tf(b: Builder, concept, others: list, example, explanation: str) -> Item:
    item_id = f"{concept.id}:definition-tf"
    rng = b.rng(item_id)
    ask_false = rng.random() < 0.5
    swapped = rng.choice(others[:3])
    shown = swapped if ask_false else concept
    stem = f"True or false? In this course, \u201c{concept.term}\u201d means: {uncapital(shown.definition)}"
    feedback = ({"true": f"It is false: that is what the course calls {swapped.term}. {capital(concept.term)} means: "
                         f"{uncapital(concept.definition)}"} if ask_false
                else {"false": f"It is true: that is the course's definition of {concept.term}."})
    item = b.relation_item(item_id=item_id, template="concept-definition-tf", type="true_false", stem=stem,
                           relations=[example], key=ChoiceKey(correct=choice_id("false" if ask_false else "true")),
                           choices=[("true", "True"), ("false", "False")], feedback=feedback,
                           explanation=explanation, level="recall")
    return item.model_copy(update={"values": {**item.values, SUBSTITUTE: swapped.id}}) if ask_false else item
