"""Choosing the items of a quiz set: one leading item per slot under the request's rules, then each
slot's alternatives for the variants.

The rules are counts over the items: *at least* k items of a kind (an objective, understanding
items, a type of an exact mix) and *at most* k of a kind (date or number items, which-source
items). The leading items must also be pairwise compatible (``clashes``: no shared fact, event or
answer, no giveaway). Finding n pairwise compatible items is a maximum-independent-set problem,
so a random greedy draw can fail where a solution exists. Selection therefore runs in two steps:

1. a **deterministic** greedy pass (fewest clashes first, ties by id), then greedy draws from fixed
   seeds (half of them still preferring items with few clashes), none of which depends on the salt,
   decide whether the request can be met. When it cannot, :class:`SelectionError` carries
   the same message whatever the salt;
2. **salted** greedy draws give the set its variety (with groupings to spread, such as objectives, the
   most even of the successful draws is kept); if none of them succeeds, the deterministic choice is
   used. So a request that can be met is met for every salt.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Mapping

from afcourse.bank.models import Item

SALTED_DRAWS = 24
FIXED_DRAWS = 40
CLASH_JITTER = 3.0
"""Half the fixed draws take an item with few clashes, not the fewest: a random tie-break over near-equals."""
SLOT_SPREAD = 0.15
"""The items of one slot lie within this distance of the difficulty of the slot's first item."""

Predicate = Callable[[Item], bool]


class SelectionError(ValueError):
    """No choice of items meets the request (the message names the rule that cannot be met)."""


@dataclass(frozen=True)
class Rule:
    """At least (``least``) or at most (``most``) ``count`` of the leading items satisfy ``test``."""

    label: str
    test: Predicate
    count: int
    least: bool = True


@dataclass
class Request:
    """What the leading items must satisfy: ``n`` of them, and every rule."""

    n: int
    rules: list[Rule] = field(default_factory=list)
    spread: tuple[Callable[[Item], str], ...] = ()
    """Groupings (e.g. by objective, then by family) whose least represented group goes first, in turn."""

    def signature(self, item: Item) -> tuple:
        """What an alternative in the same slot must share with the slot's leader so that every
        variant keeps the rules: its type and its answer to every rule's test."""
        return (item.question.type, *(rule.test(item) for rule in self.rules))


def _greedy(candidates: list[Item], request: Request, clashes: Mapping[str, set[str]],
            rng: random.Random | None, fewest_clashes: bool = False) -> tuple[list[Item], str | None]:
    """Pick ``request.n`` compatible items; (the items, None) or (the partial pick, why it stopped).

    The unmet *at least* rule with the fewest fitting items is served first, by an item that meets
    the most unmet rules; with no unmet rule, any fitting item. Without ``rng`` (the deterministic
    pass) the item with the fewest clashes among the still eligible items is taken, ties by id;
    with ``rng``, a random one of those that serve the most rules, or with ``fewest_clashes`` too, the one
    with the fewest clashes give or take a random :data:`CLASH_JITTER` (a search for a fuller set).
    """
    chosen: list[Item] = []
    eligible = list(candidates)
    need = {rule.label: rule.count for rule in request.rules if rule.least}
    room = {rule.label: rule.count for rule in request.rules if not rule.least}
    rules = {rule.label: rule for rule in request.rules}
    while len(chosen) < request.n:
        eligible = [it for it in eligible if all(room[r] > 0 or not rules[r].test(it) for r in room)]
        if not eligible:
            break
        open_rules = [r for r, k in need.items() if k > 0]
        slots_left = request.n - len(chosen)
        if sum(need[r] for r in open_rules) >= slots_left and open_rules:
            pool = [it for it in eligible if any(rules[r].test(it) for r in open_rules)]
        elif open_rules:
            scarce = min(open_rules, key=lambda r: (sum(1 for it in eligible if rules[r].test(it)), r))
            pool = [it for it in eligible if rules[scarce].test(it)] or eligible
        else:
            pool = eligible
        if not pool:
            break
        served = {it.id: sum(1 for r in open_rules if rules[r].test(it)) for it in pool}
        best = max(served.values())
        pool = [it for it in pool if served[it.id] == best]
        for group_of in request.spread:  # then the least asked group (an objective, then a family) first
            asked = Counter(group_of(it) for it in chosen)
            fewest = min(asked[group_of(it)] for it in pool)
            pool = [it for it in pool if asked[group_of(it)] == fewest]
        if rng is None:
            ids = {it.id for it in eligible}
            pick = min(pool, key=lambda it: (len(clashes[it.id] & ids), it.id))
        elif fewest_clashes:
            ids = {it.id for it in eligible}
            pick = min(pool, key=lambda it: (len(clashes[it.id] & ids) + CLASH_JITTER * rng.random(), it.id))
        else:
            pick = pool[rng.randrange(len(pool))]
        chosen.append(pick)
        for r in need:
            need[r] -= rules[r].test(pick)
        for r in room:
            room[r] -= rules[r].test(pick)
        eligible = [it for it in eligible if it.id != pick.id and it.id not in clashes[pick.id]]
    unmet = [rules[r] for r, k in need.items() if k > 0]
    if len(chosen) == request.n and not unmet:
        return chosen, None
    if unmet:
        rule = unmet[0]
        got = sum(1 for it in chosen if rule.test(it))
        return chosen, (f"only {got} of the {rule.count} {rule.label} question(s) asked for fit into one quiz")
    return chosen, f"only {len(chosen)} of the {request.n} questions asked for fit into one quiz"


def choose_leaders(candidates: list[Item], request: Request, clashes: Mapping[str, set[str]],
                   rng: random.Random, why: str = "") -> list[Item]:
    """``request.n`` pairwise compatible items that meet every rule, varied by ``rng``.

    Raises :class:`SelectionError` when the deterministic pass cannot meet the request, with a
    message that depends only on the candidates and the request (never on ``rng``); ``why`` is
    appended to it (what the user can change).
    """
    fixed, problem = _greedy(candidates, request, clashes, None)
    for attempt in range(FIXED_DRAWS if problem else 0):  # draws seeded by constants: still no salt
        fixed, again = _greedy(candidates, request, clashes, random.Random(f"afcourse-fixed-{attempt}"),
                               fewest_clashes=attempt % 2 == 0)
        if again is None:
            problem = None
            break
    if problem:
        raise SelectionError(problem + why)
    best, best_balance = fixed, _balance(fixed, request)
    for draw in range(SALTED_DRAWS):
        drawn, problem = _greedy(candidates, request, clashes, rng)
        if problem is None and (not request.spread or draw == 0 or _balance(drawn, request) < best_balance):
            if not request.spread:
                return drawn
            best, best_balance = drawn, _balance(drawn, request)
    return best


def _balance(items: list[Item], request: Request) -> tuple[int, ...]:
    """How unevenly ``items`` spread over each grouping of the request (the largest group's size, per grouping)."""
    return tuple(max(Counter(group_of(it) for it in items).values(), default=0) for group_of in request.spread)


def fill_slots(leaders: list[Item], candidates: list[Item], request: Request, clashes: Mapping[str, set[str]],
               per_slot: int, difficulty: Mapping[str, float], answers: Mapping[str, frozenset[str]],
               rng: random.Random) -> list[list[Item]]:
    """Each leader's slot, grown to up to ``per_slot`` items for the variants.

    An alternative has the leader's signature (type and every rule's test, see
    :meth:`Request.signature`), a difficulty within :data:`SLOT_SPREAD` of the leader's, and
    clashes with no item of another slot (items of one slot are alternatives: they may clash).
    Slots take turns; each takes, among what fits, an item whose answer the slot does not hold
    yet when there is one (so variants share a slot's answer only when the pool forces it), then
    the nearest in difficulty.
    """
    slots = [[leader] for leader in leaders]
    slot_of = {leader.id: i for i, leader in enumerate(leaders)}
    if per_slot <= 1:
        return slots
    signature = {it.id: request.signature(it) for it in candidates}

    def fits(item: Item, slot: int) -> bool:
        if item.id in slot_of or signature[item.id] != signature[slots[slot][0].id]:
            return False
        if abs(difficulty[item.id] - difficulty[slots[slot][0].id]) > SLOT_SPREAD:
            return False
        return all(slot_of.get(other, slot) == slot for other in clashes[item.id])

    open_slots = list(range(len(slots)))
    while open_slots:
        for slot in rng.sample(open_slots, len(open_slots)):
            near = [it for it in candidates if fits(it, slot)]
            if not near:
                open_slots.remove(slot)
                continue
            held = {a for it in slots[slot] for a in answers[it.id]}
            rng.shuffle(near)
            target = difficulty[slots[slot][0].id]
            pick = min(near, key=lambda it: (bool(answers[it.id] & held), abs(difficulty[it.id] - target)))
            slots[slot].append(pick)
            slot_of[pick.id] = slot
            if len(slots[slot]) >= per_slot:
                open_slots.remove(slot)
    return slots
