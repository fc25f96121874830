"""Generate the item bank: every question the facts support, deterministically.

Each family (a module of :mod:`afcourse.bank.families`) turns one kind of fact (or a group of
facts) into items whose options are of one kind: years for a year, people for a person, states
for a state. Every distractor is checked with :mod:`afcourse.bank.truth` so that none is also
right. Contested facts (allegations, opinions, disputed points) are only ever asked as
attribution: who said it, or which source gives it.
"""

from __future__ import annotations

from typing import Iterable

from afcourse.facts.factbase import FactBase
from afcourse.bank.builder import Builder
from afcourse.bank.families.disagreements import disagreement_items
from afcourse.bank.families.events import event_group_items, event_items, events_in_year_items
from afcourse.bank.families.organisations import organisation_items
from afcourse.bank.families.people import person_items
from afcourse.bank.families.quantities import quantity_items
from afcourse.bank.families.statements import (denial_items, quotation_items, source_group_items, statement_group_items,
                                               statement_items)
from afcourse.bank.families.accounts import account_items
from afcourse.bank.families.concepts import concept_items
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
    """Every item the facts support (optionally for some chapters), sorted by id."""
    wanted = set(chapters) if chapters else set(base.chapters)
    builder = Builder(base)
    items: list[Item] = []
    for chapter in sorted(wanted):
        builder.ranks.clear()  # balanced per chapter, so a chapter's items are the same in any bank built
        facts = base.in_chapter(chapter)
        for fact in facts:
            items.extend(SINGLE_FACT_TEMPLATES[fact.kind](builder, fact))
        items.extend(event_group_items(builder, [f for f in facts if f.kind == "event"]))
        items.extend(events_in_year_items(builder, [f for f in facts if f.kind == "event"]))
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
    return sorted(items, key=lambda item: item.id)
