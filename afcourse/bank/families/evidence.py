"""Evidence-status items: "How do the course's sources treat the claim that Russia armed the Taliban?"

Built from ``claim`` relations: the key says how the sources treat the claim (an allegation,
naming who made it and who denied it; an established fact; a government's declared policy; a
point the sources disagree on; an author's own reading). The other options are the other
statuses, worded alike, each with feedback on why it does not fit.
"""

from __future__ import annotations

from typing import Iterator

from afcourse.bank.builder import Builder
from afcourse.bank.models import Item

STATUSES = ("allegation", "established", "stated-policy", "disputed", "analysis")
NOT = {
    "allegation": "Nobody in the sources makes it as an accusation",
    "established": "The sources do not report it as a settled fact",
    "stated-policy": "It is not a policy a government declared as its own",
    "disputed": "The course's sources do not give rival accounts of it",
    "analysis": "It is not one author's own interpretation",
}
"""The opening of the feedback on a wrong status."""


ADJECTIVES = {"united-states": "US", "afghanistan": "Afghan", "russia": "Russian", "pakistan": "Pakistani",
              "china": "Chinese", "iran": "Iranian"}
MAX_NAMED = 2  # more speakers than this are summed up by side: "US and Afghan officials"


def speakers(b: Builder, fact_ids: list[str]) -> list[str]:
    """Who made (or denied) a claim: their names, or, for more than two, their sides ("US and Afghan
    officials", "Russian officials and the Taliban")."""
    refs: list[str] = []
    unnamed: list[str] = []  # an allegation event (made_by) whose maker the sources do not name
    for ref in fact_ids:
        fact = b.base.facts.get(ref)
        if fact is not None and getattr(fact, "speaker", None) and fact.speaker not in refs:
            refs.append(fact.speaker)
        elif fact is not None and fact.kind == "event" and fact.citations:
            unnamed.append(f"accusers whom {b.base.attribution(fact.citations[0].source)} does not name")
    if len(refs) <= MAX_NAMED:
        return [b.name(r) for r in refs] + unnamed
    sides: list[str] = []
    others: list[str] = []
    for ref in refs:
        country = ref if ref in b.base.countries else getattr(b.base.facts[ref], "country", None)
        name = b.name(ref)
        if country is None:
            country = next((c for c, adj in ADJECTIVES.items() if name.split()[:2].count(adj) or adj in name.split()[:2]), None)
        if country in ADJECTIVES:
            if ADJECTIVES[country] not in sides:
                sides.append(ADJECTIVES[country])
        elif name not in others:
            others.append(name)
    return ([f"{_and(sides)} officials"] if sides else []) + others + unnamed


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def policy_holder(b: Builder, relation) -> str:
    """Whose declared policy the option names: the claim's own maker for a stated policy, else Moscow's (or
    Washington's for a claim Moscow makes), a reading a student could believe."""
    makers = [getattr(b.base.facts[f], "speaker", None) for f in relation.made_by if f in b.base.facts]
    if relation.status == "stated-policy" and makers:
        return b.name(makers[0])
    return "Washington" if "russia" in makers else "Moscow"


def status_text(b: Builder, relation, status: str) -> str:
    """The option for ``status``: an allegation's key names who alleged and who denied; the rest are general."""
    key = status == relation.status
    if status == "allegation":
        if not key:
            return "an allegation that the sources report but do not confirm or settle"
        made, denied = speakers(b, relation.made_by), speakers(b, relation.denied_by)
        return (f"an allegation by {_and(made)}" + (f", denied by {_and(denied)}" if denied else "")
                + ", which the sources leave open")
    if status == "established":
        return "an established fact, reported by the sources and disputed by none of them"
    if status == "stated-policy":
        return f"{policy_holder(b, relation)}'s own declared policy or aim, as the sources report it"
    if status == "disputed":
        return "a point on which the course's own sources give different accounts"
    return "an author's own interpretation, which the sources do not report as fact"  # no name: it would cue the key


def evidence_items(b: Builder, relations: list) -> Iterator[Item]:
    """One item per claim relation (a claim a source itself settles is asked only when established)."""
    for relation in relations:
        if relation.settled and relation.status != "established":
            continue
        right_text = status_text(b, relation, relation.status)
        wrong = [(status, status_text(b, relation, status), f"{NOT[status]}: the sources treat it as {right_text}.")
                 for status in STATUSES if status != relation.status]
        whose = (f" (it is {b.base.attribution(relation.according_to)}'s reading)"
                 if relation.status == "analysis" and relation.according_to else "")
        wrong = [(v, t, f.removesuffix(".") + whose + ".") for v, t, f in wrong]
        item = b.relation_choice(item_id=f"{relation.id}:evidence-choice", template="evidence-status-choice",
                                 stem=f"How do the course's sources treat the claim that {relation.claim}?",
                                 relations=[relation], right=(relation.status, right_text), wrong=wrong,
                                 explanation=relation.statement)
        if item:
            yield item
