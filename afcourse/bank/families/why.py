"""Why items: "According to Aliyev, why did Russia open a dialogue with the Taliban?"

The key is the reason a source gives (a ``reason`` relation). Distractors are reasons the sources
give for the same actor's *other* moves, or misconceptions recorded with the paragraph that
contradicts them; any reason a source links to the asked action is refused, so no option is a
second defensible answer.
"""

from __future__ import annotations

import re
from typing import Iterator

from afcourse.bank import truth
from afcourse.bank.builder import Builder, nearest
from afcourse.bank.models import Item

MISCONCEPTION = "misconception:"
NEAREST = 5  # wrong reasons are drawn from the five closest in subject to the asked move


ERA_YEARS = 25  # no reason for a move of 1878 among the options for a move of 2014


def why_stem(b: Builder, relation) -> str:
    """"According to Aliyev, why did Russia ...?" ("by its own account" when the actor explains itself)."""
    actor = b.name(relation.actor)
    if relation.according_to == relation.actor:
        return f"Why, by its own account, did {actor} {relation.action}?"
    return f"According to {b.base.attribution(relation.according_to)}, why did {actor} {relation.action}?"


def years(relation) -> set[int]:
    """The years a reason record names in its action or reason."""
    return {int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", f"{relation.action} {relation.reason}")}


def same_era(a, b) -> bool:
    """Both moves belong to one era: no year of one lies more than ERA_YEARS from every year of the other
    (a record without a year belongs to its chapter's era, judged by chapter)."""
    ya, yb = years(a), years(b)
    if ya and yb:
        return min(abs(x - y) for x in ya for y in yb) <= ERA_YEARS
    return a.chapter == b.chapter or "history" not in (a.chapter, b.chapter)


def because(reason: str) -> str:
    return f"because {reason}"


def why_distractors(b: Builder, relation) -> list[tuple[str, str, str]]:
    """(value, option, feedback) for every wrong reason: the relation's own misconceptions, then reasons given
    for the same actor's other moves ("it" in a reason is its actor: another actor's reason would not read
    right), none of them linked to this action."""
    own = [(f"{MISCONCEPTION}{relation.id}:{n}", because(m.reason), m.why_wrong)
           for n, m in enumerate(relation.misconceptions)]
    others = [r for r in b.base.relations_of("reason") if not truth.same_action(r, relation)
              and r.actor == relation.actor and same_era(r, relation)
              and not truth.reason_linked(b.base, relation, r.reason)]
    pool = sorted(others, key=lambda r: (r.chapter != relation.chapter, r.id))  # the chapter's own moves first
    seen: list[str] = [m.reason for m in relation.misconceptions]
    wrong = list(own)
    for r in pool:
        if any(truth.clauses_similar(r.reason, s) for s in seen):
            continue  # two distractors saying the same thing: one of them would be a giveaway pair
        seen.append(r.reason)
        wrong.append((r.id, because(r.reason),
                      f"That is {b.base.attribution(r.according_to)}'s answer to another question: why did "
                      f"{b.name(r.actor)} {r.action}?"))
    return wrong


def why_items(b: Builder, relations: list) -> Iterator[Item]:
    """One four-option why item per reason relation that has three wrong reasons available."""
    for relation in relations:
        wrong = why_distractors(b, relation)
        misconceptions = [w for w in wrong if w[0].startswith(MISCONCEPTION)][:2]  # at most two misconceptions
        others = [w for w in wrong if not w[0].startswith(MISCONCEPTION)]
        item_id = f"{relation.id}:why-choice"
        if len(misconceptions) + len(others) < 3:
            continue
        rng = b.rng(item_id)
        actions: set[str] = set()
        one_each = []  # one reason per other move first: three reasons for one move would stand out as a set
        for w in others:
            action = b.base.relations[w[0]].action
            if action not in actions:
                actions.add(action)
                one_each.append(w)
        if len(one_each) + len(misconceptions) >= 3:
            others = one_each
        chapter = [w for w in others if b.base.relations[w[0]].chapter == relation.chapter]
        close = nearest(chapter if len(chapter) + len(misconceptions) >= 3 else others,
                        f"{relation.action} {relation.reason}", lambda w: f"{b.base.relations[w[0]].action} {w[1]}",
                        NEAREST)
        picked = misconceptions + rng.sample(sorted(close), min(len(close), 3 - len(misconceptions)))
        item = b.relation_choice(item_id=item_id, template="why-choice", stem=why_stem(b, relation),
                                 relations=[relation], right=(relation.id, because(relation.reason)), wrong=picked,
                                 explanation=relation.statement)
        if item:
            yield item
