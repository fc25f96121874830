"""Evidence-status items: "How do the course's sources treat the claim that Russia armed the Taliban?"

Built from ``claim`` relations: the key says how the sources treat the claim (an allegation; an
established fact; a government's declared policy; a point the sources disagree on; an author's own
reading). Every option is worded alike, with no name in it (a key naming "Votel and GlobalSecurity.org"
among nameless options would answer itself); who alleged, who denied and whose policy or reading it
is go into the feedback and the explanation.
"""

from __future__ import annotations

from typing import Iterator

from afcourse.bank.builder import Builder, capitalise
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


STATUS_TEXTS = {
    "allegation": "an allegation that the sources report but do not confirm or settle",
    "established": "an established fact, reported by the sources and disputed by none of them",
    "stated-policy": "a government's own declared policy or aim, as the sources report it",
    "disputed": "a point on which the course's own sources give different accounts",
    "analysis": "an author's own interpretation, which the sources do not report as fact",
}
"""The options, one per status, the same in every item."""


def status_detail(b: Builder, relation) -> str:
    """How the sources treat the claim, with the names the option leaves out: "an allegation by Votel,
    denied by Russia, which the sources leave open"; "Kabulov's statement of policy"; "Aliyev's reading"."""
    makers = [getattr(b.base.facts[f], "speaker", None) for f in relation.made_by if f in b.base.facts]
    if relation.status == "allegation":
        made, denied = speakers(b, relation.made_by), speakers(b, relation.denied_by)
        return (f"an allegation by {_and(made)}" + (f", denied by {_and(denied)}" if denied else "")
                + ", which the sources leave open")
    if relation.status == "stated-policy" and makers and makers[0]:
        return f"{b.name(makers[0])}'s statement of declared policy, as the sources report it"
    if relation.status == "analysis" and relation.according_to:
        return f"{b.base.attribution(relation.according_to)}'s own interpretation, not reported as fact"
    return STATUS_TEXTS[relation.status]


def evidence_items(b: Builder, relations: list) -> Iterator[Item]:
    """One item per claim relation (a claim a source itself settles is asked only when established)."""
    for relation in relations:
        if relation.settled and relation.status != "established":
            continue
        right_text, detail = STATUS_TEXTS[relation.status], status_detail(b, relation)
        wrong = [(status, STATUS_TEXTS[status], f"{NOT[status]}: the sources treat it as {detail}.")
                 for status in STATUSES if status != relation.status]
        item = b.relation_choice(item_id=f"{relation.id}:evidence-choice", template="evidence-status-choice",
                                 stem=f"How do the course's sources treat the claim that {relation.claim}?",
                                 relations=[relation], right=(relation.status, right_text), wrong=wrong,
                                 explanation=f"{relation.statement} ({capitalise(detail)}.)")
        if item:
            yield item
