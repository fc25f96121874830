"""Cause-and-effect items, only where a source draws the link itself (``consequence`` relations).

"According to Gurganus, what followed from the US and NATO drawdown from 2014?" with effects the
sources trace to other causes as wrong options (never one a source links to this cause, one further down
the same chain of consequences, or one of the same kind of outcome; nor three wrong options of one kind, which
would leave the key the odd one out), and,
for a chapter with three or more unlinked consequences, a matching of causes to effects.
"""

from __future__ import annotations

from typing import Iterator

from afcourse.bank import truth
from afcourse.bank.builder import MIN_PAIRS, Builder, choice_id, groups, stable_hash
from afcourse.bank.models import Item, MatchKey


def _nearest(b: Builder, relation, wrong: list) -> list:
    """The wrong effects a student could mistake for the key: those of the same objective, topped up with the
    chapter's and then the nearest chapters' (varied per item; none half the key's length when others will
    do). An effect from another topic or era beside the only one on the stem's subject gives the answer away."""
    order = list(b.base.chapters)

    def tier(w) -> int:
        other = b.base.relations[w[0]]
        if other.objective == relation.objective:
            return 0
        return 1 + abs(order.index(other.chapter) - order.index(relation.chapter))
    def short(w) -> bool:  # half the key's length or less: beside it the key would stand out by its length
        return 2 * len(w[1]) < len(relation.effect)
    near = [w for w in wrong if tier(w) == 0 and not short(w)]
    rest = sorted((w for w in wrong if w not in near),
                  key=lambda w: (short(w), tier(w), stable_hash(f"{relation.id}|{w[0]}")))
    return near + rest[:max(0, 3 - len(near))]


def consequence_items(b: Builder, relations: list) -> Iterator[Item]:
    everything = b.base.relations_of("consequence")
    for relation in relations:
        wrong = []
        downstream = truth.follows_on(b.base, relation)
        for other in everything:
            if truth.clauses_similar(other.cause, relation.cause) or truth.effect_linked(b.base, relation, other.effect) \
                    or other.id in downstream or truth.effects_alike(other, relation) \
                    or any(truth.clauses_similar(other.effect, w[1]) for w in wrong) \
                    or sum(truth.effects_alike(other, b.base.relations[w[0]]) for w in wrong) >= 2:  # no odd one out
                continue
            wrong.append((other.id, other.effect, f"{b.base.attribution(other.according_to)} traces that to "
                                                  f"{other.cause}, not to {relation.cause}."))
        item = b.relation_choice(item_id=f"{relation.id}:effect-choice", template="consequence-effect-choice",
                                 stem=f"According to {b.base.attribution(relation.according_to)}, what followed from "
                                      f"{relation.cause}?",
                                 relations=[relation], right=(relation.id, relation.effect),
                                 wrong=_nearest(b, relation, wrong), explanation=relation.statement)
        if item:
            yield item

    def unlinked(group: list) -> bool:
        return all(not truth.clauses_similar(a.cause, c.cause) and not truth.effect_linked(b.base, a, c.effect)
                   and c.id not in truth.follows_on(b.base, a) and not truth.effects_alike(a, c)
                   for a in group for c in group if a is not c)
    for group in groups(sorted(relations, key=lambda r: r.id), unlinked):
        if len(group) < MIN_PAIRS:
            continue
        item_id = f"consequences-matching:{stable_hash('|'.join(r.id for r in group), 10)}"
        yield b.relation_item(
            item_id=item_id, template="consequences-matching", type="matching", relations=group,
            stem="Match each development to the consequence the sources trace to it.",
            prompts=[(f"cause:{r.id}", r.cause) for r in group],
            choices=sorted(((r.id, r.effect) for r in group), key=lambda vt: vt[1].lower()),
            key=MatchKey(pairs={choice_id(f"cause:{r.id}"): choice_id(r.id) for r in group}),
            explanation=" ".join(r.statement for r in group))
