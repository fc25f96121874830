"""What the fact base says is true: the checks that keep distractors false.

Every option an item offers has a *value* (a year, an entity id, a fact id, a source
id). These functions answer "would this value also be a right answer?" from the
facts, so the generator never offers a secretly true distractor and the linter can
prove it did not.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from afcourse.facts.factbase import FactBase
from afcourse.common.text import normalise

SIMILAR_TITLE = 80
SIMILAR_GIST = 55


def event_years(fact) -> set[int]:
    """Every year an event covers (its date to its end date)."""
    last = fact.end_date.year if fact.end_date else fact.date.year
    return set(range(fact.date.year, last + 1))


def titles_similar(a: str, b: str) -> bool:
    """Two role titles that could name the same post ("Foreign Minister" ~ "Minister of Foreign Affairs")."""
    a, b = normalise(a), normalise(b)
    return a == b or fuzz.token_sort_ratio(a, b) >= SIMILAR_TITLE or fuzz.token_set_ratio(a, b) >= 95


def holds_similar_role(person, title: str) -> bool:
    """Does ``person`` hold any role whose title is similar to ``title``?"""
    return any(titles_similar(role.title, title) for role in person.roles)


def said_something_similar(base: FactBase, speaker: str, fact) -> bool:
    """Did ``speaker`` make a statement or quotation close to ``fact`` (so naming them would be right)?"""
    reference = _said(fact)
    for other in base:
        if other.kind not in ("statement", "quotation") or other.speaker != speaker or other.id == fact.id:
            continue
        if fuzz.token_set_ratio(normalise(reference), normalise(_said(other))) >= SIMILAR_GIST:
            return True
        if getattr(fact, "responds_to", None) and getattr(other, "responds_to", None) == fact.responds_to:
            return True
        if other.kind == fact.kind == "statement" and other.stance == fact.stance and set(other.tags) & set(fact.tags):
            return True
    return False


def _said(fact) -> str:
    return fact.gist if fact.kind == "statement" else fact.quote


def source_gives(fact, source_id: str, value: str) -> bool:
    """For a disagreement: does ``source_id`` give ``value`` (normalised) in one of its versions?"""
    return any(v.source == source_id and normalise(v.value or v.says) == normalise(value) for v in fact.versions)
