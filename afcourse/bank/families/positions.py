"""Compare-positions items: whose view is this, and which view is Moscow's rather than Washington's.

Built from ``position`` relations sharing a topic. A topic with three or more holders gives a
matching item (holders to views) and, for each holder, a choice among the views of the topic;
two holders compared on two or more topics (Moscow and Washington on the Taliban, on Kabul,
on stability) give "which of these views were Moscow's rather than Washington's?", each option
naming its topic.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from afcourse.facts.factbase import FactBase
from afcourse.bank import truth
from afcourse.bank.builder import MIN_PAIRS, SUBSTITUTE, Builder, capitalise, choice_id, commentator, stable_hash
from afcourse.bank.models import ChoiceKey, Item, MatchKey, MultiKey


def by_topic(relations: list) -> dict[str, list]:
    """Position records grouped by topic, each group in id order."""
    topics: dict[str, list] = defaultdict(list)
    for relation in sorted(relations, key=lambda r: r.id):
        topics[relation.topic].append(relation)
    return topics


def one_per_holder(group: list) -> list:
    """The first position of each holder in a topic (a holder with two views is asked once)."""
    seen: dict[str, object] = {}
    for relation in group:
        seen.setdefault(relation.holder, relation)
    return list(seen.values())


def _attribution(b: Builder, relation) -> str:
    """"according to Gurganus" for a view a source reports; nothing when the holder is the authority (the
    holder itself, or the author of the source)."""
    if relation.holder in (relation.according_to, *(a for a, s in b.authors.items() if s == relation.according_to)):
        return ""
    return f", according to {b.base.attribution(relation.according_to)}"


def speaks_for(base: FactBase, a: str, c: str) -> bool:
    """Do two holders speak for one camp: an official beside his state (Kabulov and Russia), or two officials
    of one state (Kabulov and Lavrov)? Then each one's view is a defensible answer for the other ("the
    sources do not record Lavrov saying it" is not "Lavrov did not think it"), so they are never set against
    each other. Analysts speak for themselves."""
    def state_of(ref: str) -> str | None:
        if ref in base.countries:
            return ref
        fact = base.facts.get(ref)
        official = getattr(fact, "kind", None) == "person" and not commentator(fact)
        return fact.country if official else None
    return a != c and state_of(a) is not None and state_of(a) == state_of(c)


def possessive(name: str) -> str:
    """"Kabulov's", "the United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def holder_name(b: Builder, holder: str) -> str:
    """Who holds a view, as a reader says it: "the Afghan government" rather than "Afghanistan"."""
    country = b.base.countries.get(holder)
    return country.government if country is not None and country.government else b.name(holder)


def position_items(b: Builder, relations: list) -> Iterator[Item]:
    """Matching and choice items per topic of three or more holders; multiple-select items per pair of holders."""
    pairs: dict[tuple[str, str], list[list]] = defaultdict(list)
    for topic, group in sorted(by_topic(relations).items()):
        holders = one_per_holder(group)
        distinct = [p for p in holders if not any(truth.clauses_similar(p.view, q.view) for q in holders if q is not p)]
        if len(distinct) >= MIN_PAIRS:
            if not any(speaks_for(b.base, p.holder, q.holder) for p in distinct[:4] for q in distinct[:4]):
                yield from _matching(b, topic, distinct)
            for position in distinct:
                rivals = [q for q in distinct if q is not position and not speaks_for(b.base, position.holder, q.holder)]
                yield from _choice(b, position, rivals)
                yield from _true_false(b, position, rivals)
        elif len(distinct) == 2:
            pairs[tuple(sorted(p.holder for p in distinct))].append(sorted(distinct, key=lambda p: p.holder))
    for (first, second), topics in sorted(pairs.items()):
        if len(topics) >= 2:
            yield from _pair_multi(b, topics, 0)
            yield from _pair_multi(b, topics, 1)


def _pair_multi(b: Builder, topics: list[list], side: int) -> Iterator[Item]:
    """"Which of these views do the sources give for Russia rather than the United States?" over the topics
    two holders are compared on; every option names its topic."""
    ours = [pair[side] for pair in topics[:3]]
    theirs = [pair[1 - side] for pair in topics[:3]]
    holder, other = holder_name(b, ours[0].holder), holder_name(b, theirs[0].holder)
    option = lambda p: (p.id, f"on {p.topic_text}: {p.view}")
    item_id = f"positions-pair:{ours[0].holder}:{stable_hash('|'.join(p.id for p in ours + theirs), 8)}"
    yield b.relation_item(
        item_id=item_id, template="positions-pair-multi", type="multiple_select", relations=[*ours, *theirs],
        stem=f"Which of these views do the sources give for {holder}, rather than {other}? Select all that apply.",
        choices=sorted(map(option, [*ours, *theirs]), key=lambda vt: vt[1].lower()),
        key=MultiKey(correct=sorted(choice_id(p.id) for p in ours)),
        feedback={p.id: f"That was the view of {other}{_attribution(b, p)}, not of {holder}." for p in theirs},
        explanation=" ".join(p.statement for p in [*ours, *theirs]))


def _matching(b: Builder, topic: str, holders: list) -> Iterator[Item]:
    picked = holders[:4]
    item_id = f"positions-matching:{topic}:{stable_hash('|'.join(p.id for p in picked), 8)}"
    yield b.relation_item(
        item_id=item_id, template="positions-matching", type="matching", relations=picked,
        stem=f"The sources compare views on {picked[0].topic_text}. Match each to the view the sources give for them.",
        prompts=[(p.holder, capitalise(holder_name(b, p.holder))) for p in picked],
        choices=sorted(((p.id, p.view) for p in picked), key=lambda vt: vt[1].lower()),
        key=MatchKey(pairs={choice_id(p.holder): choice_id(p.id) for p in picked}),
        explanation=" ".join(p.statement for p in picked))


def _choice(b: Builder, position, rivals: list) -> Iterator[Item]:
    """"Which of these was Kabulov's view of X?" with the other holders' views of the topic as options."""
    wrong = [(q.id, q.view, f"That was the view of {holder_name(b, q.holder)}{_attribution(b, q)}, not of "
                            f"{holder_name(b, position.holder)}.")
             for q in rivals if not truth.holds_view(b.base, position.holder, position.topic, q.view)]
    if len(wrong) < 2:
        return
    stem = f"Which of these was {possessive(holder_name(b, position.holder))} view of {position.topic_text}{_attribution(b, position)}?"
    picked = b.rng(f"{position.id}:position-choice").sample(sorted(wrong), min(3, len(wrong)))
    options = sorted([(position.id, position.view), *((v, t) for v, t, _ in picked)], key=lambda vt: vt[1].lower())
    yield b.relation_item(item_id=f"{position.id}:position-choice", template="position-view-choice",
                          type="single_choice", stem=stem, relations=[position, *(r for r in rivals if r.id in
                                                                                 {v for v, _, _ in picked})],
                          key=ChoiceKey(correct=choice_id(position.id)), choices=options,
                          feedback={v: f for v, _, f in picked}, explanation=position.statement)


def _true_false(b: Builder, position, rivals: list) -> Iterator[Item]:
    """"True or false? According to Gurganus, this was the view of the United States on X: <Moscow's view>."
    Half the items (decided per item) put a rival holder of the same topic in the view's place; the swap is
    false because the source gives the view to its own holder, and no rival recorded holding much the same
    view is ever swapped in."""
    others = sorted(q.holder for q in rivals if not truth.holds_view(b.base, q.holder, position.topic, position.view))
    if not others:
        return
    item_id = f"{position.id}:position-tf"
    rng = b.rng(item_id)
    ask_false = rng.random() < 0.5
    substitute = rng.choice(others)
    lead = _attribution(b, position).removeprefix(", ")

    def said(holder: str) -> str:  # "according to Gurganus, this was GlobalSecurity.org's view" reads as nonsense
        led = lead if lead and holder not in b.authors else ""
        return (f"{capitalise(led) + ', t' if led else 'T'}his was the view of {holder_name(b, holder)} "
                f"on {position.topic_text}: {position.view}.")
    feedback = ({"true": f"It is false. {said(position.holder)}"} if ask_false
                else {"false": f"It is true: {position.statement}"})
    item = b.relation_item(item_id=item_id, template="position-holder-tf", type="true_false",
                           stem=f"True or false? {said(substitute if ask_false else position.holder)}",
                           relations=[position], key=ChoiceKey(correct=choice_id("false" if ask_false else "true")),
                           choices=[("true", "True"), ("false", "False")], feedback=feedback,
                           explanation=position.statement,
                           difficulty_bonus=0.05 * (len(rivals) + ask_false))  # more views to confuse: harder
    yield item.model_copy(update={"values": {**item.values, SUBSTITUTE: substitute}}) if ask_false else item
