"""Which items may sit in one quiz together: nothing asked twice, nothing answered for another.

A quiz reads as one piece when no two of its questions ask about the same fact or the same
event, no two have the same answer (two questions answered "2016" read as a trick), and no
question's text gives away another's answer (a stem naming Kabulov next to "Who
said ...?" answered Kabulov). :func:`conflict` says why two items clash, or ``None``; quiz sets
consult it for every pair they put together.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from afcourse.bank.models import ChoiceKey, Item, MultiKey, NumericKey, TextKey
from afcourse.common.text import normalise

MIN_REVEALING = 4  # shorter answer forms ("US", "UN") occur in too many texts to count as a giveaway


def answer_forms(item: Item) -> frozenset[str]:
    """The answer of ``item`` in comparable forms (normalised texts); empty for true/false and lists."""
    key = item.answer.key
    if item.question.type == "true_false":
        return frozenset()
    if isinstance(key, ChoiceKey):
        texts = [c.text for c in item.question.choices if c.id == key.correct]
        texts += [item.values[key.correct]] if key.correct in item.values else []
        return frozenset(normalise(t) for t in texts if t)
    if isinstance(key, TextKey):
        return frozenset(normalise(a) for a in key.accepted if a)
    if isinstance(key, NumericKey):
        return frozenset({normalise(f"{key.value:g}")})
    return frozenset()


def _is_person(text: str, value: str) -> bool:
    """An option naming a person: a name of two words or more whose id is made from it ("Zamir Kabulov" ~
    zamir-kabulov), not a body or a state ("the United States")."""
    return len(text.split()) > 1 and not text.lower().startswith("the ") and value == "-".join(normalise(text).split())


def _key_names(item: Item) -> set[str]:
    """Words that would give ``item``'s answer away if another item printed them: its answers of two
    words or more ("Zamir Kabulov", "the Russian Foreign Ministry") and a person's surname. One-word
    names such as "Russia" or "Iran" are the course's subject and named everywhere; numbers are not names."""
    key = item.answer.key
    texts: list[str] = []
    surnames: set[str] = set()
    if isinstance(key, ChoiceKey) and item.question.type == "single_choice":
        texts = [c.text for c in item.question.choices if c.id == key.correct]
        if texts and _is_person(texts[0], item.values.get(key.correct, "")):
            surnames.add(normalise(texts[0].split()[-1]))
    elif isinstance(key, MultiKey):
        texts = [c.text for c in item.question.choices if c.id in key.correct]
    elif isinstance(key, TextKey):
        texts = list(key.accepted)
        surnames = {normalise(t) for t in texts if len(t.split()) == 1}
    names = {normalise(t) for t in texts if len(t.split()) > 1} | surnames
    return {n for n in names if len(n) >= MIN_REVEALING and not re.fullmatch(r"[\d ]+", n)}


def _shown_text(item: Item) -> str:
    """What an item states rather than offers: its stem and matching prompts (its options are only
    possibilities, and one source among four is no giveaway)."""
    q = item.question
    return " " + normalise(" ".join([q.stem, *(p.text for p in q.prompts)])) + " "


class _Profile(NamedTuple):
    facts: frozenset[str]
    occasions: frozenset[str]
    answers: frozenset[str]
    names: tuple[str, ...]
    shown: str


_PROFILES: dict[int, tuple[Item, _Profile]] = {}
MAX_PROFILES = 50_000


def _profile(item: Item) -> _Profile:
    """What :func:`conflict` compares, computed once per item object (quiz sets compare every pair)."""
    cached = _PROFILES.get(id(item))
    if cached is not None and cached[0] is item:
        return cached[1]
    if len(_PROFILES) >= MAX_PROFILES:
        _PROFILES.clear()
    profile = _Profile(frozenset(item.answer.fact_ids), frozenset(item.occasions), answer_forms(item),
                       tuple(sorted(_key_names(item))), _shown_text(item))
    _PROFILES[id(item)] = (item, profile)
    return profile


def reveals(a: Item, b: Item) -> str | None:
    """The part of ``b``'s answer that ``a``'s stem or matching prompts print, or ``None``."""
    shown = _profile(a).shown
    return next((name for name in _profile(b).names if f" {name} " in shown), None)


def conflict(a: Item, b: Item, same_fact_allowed: bool = False) -> str | None:
    """Why ``a`` and ``b`` should not be in one quiz, or ``None`` when they may.

    ``same_fact_allowed`` lifts only the one-item-per-fact rule (for sets that ask for it).
    """
    pa, pb = _profile(a), _profile(b)
    shared = pa.facts & pb.facts
    if shared and not same_fact_allowed:
        return f"both ask about {sorted(shared)[0]}"
    occasion = pa.occasions & pb.occasions
    if occasion and not shared:
        return f"both ask about the same event ({sorted(occasion)[0]})"
    same = pa.answers & pb.answers
    if same:
        return f"both have the answer {sorted(same)[0]!r}"
    for one, other in ((a, b), (b, a)):
        given = reveals(one, other)
        if given:
            return f"{one.id} shows {given!r}, the answer of {other.id}"
    return None


def clash_map(items: list[Item], same_fact_allowed: bool = False) -> dict[str, set[str]]:
    """Item id -> ids of the items in ``items`` that :func:`conflict` forbids beside it, found through
    indexes (facts, events, answers, names shown) rather than by comparing every pair."""
    profiles = {item.id: _profile(item) for item in items}
    clashes: dict[str, set[str]] = {item.id: set() for item in items}
    index: dict[tuple[str, str], set[str]] = {}
    for item_id, p in profiles.items():
        keys = [("occasion", o) for o in p.occasions] + [("answer", a) for a in p.answers]
        keys += [] if same_fact_allowed else [("fact", f) for f in p.facts]
        for key in keys:
            index.setdefault(key, set()).add(item_id)
    for group in index.values():
        for item_id in group:
            clashes[item_id] |= group
    by_id = {item.id: item for item in items}
    for item_id, p in profiles.items():
        for name in p.names:
            for other_id, q in profiles.items():
                if f" {name} " in q.shown:
                    clashes[item_id].add(other_id)
                    clashes[other_id].add(item_id)
    for item_id in clashes:  # what the index over-counts: the same item, and a shared event on a shared fact
        clashes[item_id].discard(item_id)
        clashes[item_id] = {o for o in clashes[item_id] if conflict(by_id[item_id], by_id[o], same_fact_allowed)}
    return clashes
