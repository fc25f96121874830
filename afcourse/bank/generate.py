"""Generate the item bank: every question the facts support, deterministically.

Each family (a module of :mod:`afcourse.bank.families`) turns one kind of fact (or a group of
facts) into items whose options are of one kind: years for a year, people for a person, states
for a state. Every distractor is checked with :mod:`afcourse.bank.truth` so that none is also
right. Contested facts (allegations, opinions, disputed points) are only ever asked as
attribution: who said it, or which source gives it.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from afcourse.facts.factbase import FactBase
from afcourse.bank.builder import Builder, stable_hash
from afcourse.bank.families.disagreements import disagreement_items
from afcourse.bank.families.events import event_group_items, event_items, events_in_year_items, sequence_items
from afcourse.bank.families.organisations import organisation_items
from afcourse.bank.families.people import person_items
from afcourse.bank.families.quantities import quantity_items
from afcourse.bank.families.statements import (denial_items, quotation_items, source_group_items, statement_group_items,
                                               statement_items)
from afcourse.bank.families.accounts import account_items
from afcourse.bank.families.concepts import concept_items, definition_items
from afcourse.bank.families.consequences import consequence_items
from afcourse.bank.families.evidence import evidence_items
from afcourse.bank.families.positions import position_items
from afcourse.bank.families.why import why_items
from afcourse.bank.models import Item

UNDERSTANDING_FAMILIES = {"reason": why_items, "claim": evidence_items, "position": position_items,
                          "example": concept_items, "consequence": consequence_items}
"""Relation kind -> the family that asks about it (each family takes a chapter's relations of that kind)."""


# --- the bank ---------------------------------------------------------------------------------------------------

SINGLE_FACT_TEMPLATES = {
    "event": event_items, "person": person_items, "organisation": organisation_items, "quantity": quantity_items,
    "statement": statement_items, "quotation": quotation_items, "disagreement": disagreement_items,
}


def build_bank(base: FactBase, chapters: Iterable[str] | None = None) -> list[Item]:
    """Every item the facts support (optionally for some chapters), sorted by id.

    When :func:`balance_speakers` drops items, the people's facts are asked again without them, so the key's
    place among the options stays balanced over the items that remain (other families draw their own
    options and are the same either way)."""
    items = _build(base, chapters, frozenset())
    kept = balance_speakers(items, base)
    if len(kept) < len(items):
        dropped = frozenset({i.id for i in items} - {i.id for i in kept})
        again = [i for i in _build(base, chapters, dropped, PERSON_KEY_KINDS) if i.template in PERSON_KEY_TEMPLATES]
        kept = balance_speakers([i for i in items if i.template not in PERSON_KEY_TEMPLATES] + again, base)
    return sorted(kept, key=lambda item: item.id)


def _build(base: FactBase, chapters: Iterable[str] | None, skip: frozenset[str],
           kinds: frozenset[str] | None = None) -> list[Item]:
    """The items of the chapters' facts (only of facts of ``kinds``, when given), never one whose id is in
    ``skip``."""
    wanted = set(chapters) if chapters else set(base.chapters)
    builder = Builder(base, skip)
    items: list[Item] = []
    for chapter in sorted(wanted):
        builder.ranks.clear()  # balanced per chapter, so a chapter's items are the same in any bank built
        facts = base.in_chapter(chapter)
        for fact in facts:
            if kinds is None or fact.kind in kinds:
                items.extend(SINGLE_FACT_TEMPLATES[fact.kind](builder, fact))
        if kinds is not None:
            continue
        items.extend(event_group_items(builder, [f for f in facts if f.kind == "event"]))
        items.extend(events_in_year_items(builder, [f for f in facts if f.kind == "event"]))
        items.extend(sequence_items(builder, [f for f in facts if f.kind == "event"]))
        statements = [f for f in facts if f.kind == "statement"]
        items.extend(statement_group_items(builder, [f for f in statements if f.speaker not in builder.authors]))
        items.extend(source_group_items(builder, statements))
        allegations = [f for f in facts if f.kind == "statement" and f.stance == "allegation"]
        items.extend(denial_items(builder, allegations, list(base)))
        for fact in facts:
            if fact.kind == "disagreement":
                items.extend(account_items(builder, fact))
        for kind, family in UNDERSTANDING_FAMILIES.items():
            items.extend(family(builder, base.relations_of(kind, chapter)))
        items.extend(definition_items(builder, chapter))
    return items


PERSON_KEY_TEMPLATES = ("statement-speaker-choice", "quotation-speaker-choice", "person-role-choice")
"""Choice items whose key is a person or a body: who said it, who held the post."""
PERSON_KEY_KINDS = frozenset({"statement", "quotation", "person"})
"""The kinds of fact those items are made from."""


def balance_speakers(items: list[Item], base: FactBase) -> list[Item]:
    """Drop, per chapter, the who-said and who-held choice items that would make one person or body the key far
    more often than they are offered as a wrong option (a student who always picks Kabulov, or the Russian
    Foreign Ministry, should not score): each keeps at most as many keyed items as they are offered wrongly
    elsewhere in the chapter, so that picking them wins at most half the time; people's statements, and those
    of bodies that speak for no state, are still asked as typed answers. Dropping an
    item takes its wrong options away too, so this repeats until nothing more is dropped."""
    while True:
        kept = _balance_once(items, base)
        if len(kept) == len(items):
            return kept
        items = kept


def _balance_once(items: list[Item], base: FactBase) -> list[Item]:
    named = [i for i in items if i.template in PERSON_KEY_TEMPLATES
              and base.facts.get(i.values.get(i.answer.key.correct, ""), None) is not None
              and base.facts[i.values[i.answer.key.correct]].kind in ("person", "organisation")]
    wrongly: Counter = Counter()
    keyed: dict[tuple[str, str], list[Item]] = {}
    for item in named:
        key = item.values[item.answer.key.correct]
        keyed.setdefault((item.question.chapter, key), []).append(item)
        for choice in item.question.choices:
            if choice.id != item.answer.key.correct:
                wrongly[(item.question.chapter, item.values[choice.id])] += 1
    dropped: set[str] = set()
    for where, mine in keyed.items():
        allowed = wrongly[where]
        dropped.update(i.id for i in sorted(mine, key=lambda i: stable_hash(i.id))[allowed:])
    return [i for i in items if i.id not in dropped]
