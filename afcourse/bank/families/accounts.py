"""Weigh-accounts items on the recorded disagreements: that the sources differ, who gives which
version, and what follows from each where a version's ``implies`` says so. Never which version
is true: no item keys one account as right unless a source settles it.
"""

from __future__ import annotations

from typing import Iterator

from afcourse.bank.builder import Builder, choice_id, source_label
from afcourse.bank.models import ChoiceKey, Item

UNSETTLED = "unsettled"
WRONG_READINGS = {
    "agree": "all the course's sources give the same account of it",
    "corrected": "the most recent source corrects the earlier ones, so the point is settled",
    "single": "only one of the course's sources deals with it, so there is nothing to weigh",
}


def _who_says(b: Builder, fact) -> str:
    """"Aliyev gives the 1990s; GlobalSecurity.org gives 2007."."""
    return "; ".join(f"{b.base.attribution(v.source)} gives {v.value or v.says}" for v in fact.versions) + "."


def _understanding(b: Builder, item: Item, fact, feedback: dict[str, str]) -> Item:
    answer = item.answer.model_copy(update={"feedback": {choice_id(v): t for v, t in feedback.items()},
                                            "level": "understanding"})
    return item.model_copy(update={"answer": answer})


def account_items(b: Builder, fact) -> Iterator[Item]:
    """"How do the sources treat X?" for every disagreement, and what follows from each version where the
    data says (three or more versions with ``implies``)."""
    sources = {v.source for v in fact.versions}
    if len(sources) < 2 or b.objective_of([fact]) is None:  # an understanding item serves an objective
        return
    who = _who_says(b, fact)
    right = (UNSETTLED, "the sources give different accounts, and none of them settles which is right")
    wrong = [(k, t) for k, t in WRONG_READINGS.items()]
    item = b.item(item_id=f"{fact.id}:accounts-choice", template="accounts-status-choice", type="single_choice",
                  stem=f"How do the course's sources treat {fact.topic}?", facts=[fact],
                  choices=sorted([right, *wrong], key=lambda vt: vt[1].lower()),
                  key=ChoiceKey(correct=choice_id(UNSETTLED)), explanation=f"{fact.statement} {who}",
                  difficulty_bonus=0.1)
    yield _understanding(b, item, fact, {k: f"Not so: {who}" for k, _ in wrong})
    implied = [v for v in fact.versions if v.implies]
    if len(implied) < 3:
        return
    for n, version in enumerate(implied):
        others = [v for v in implied if v is not version]
        item = b.item(item_id=f"{fact.id}:implies-choice:{n}", template="accounts-implies-choice",
                      type="single_choice", facts=[fact],
                      stem=f"The sources disagree on {fact.topic}. If {source_label(b, version.source)} is right, "
                           "what follows, as the chapter explains?",
                      choices=sorted([(f"implies:{v.source}", v.implies) for v in implied], key=lambda vt: vt[1].lower()),
                      key=ChoiceKey(correct=choice_id(f"implies:{version.source}")),
                      explanation=f"{fact.statement} {who}", difficulty_bonus=0.15)
        yield _understanding(b, item, fact, {f"implies:{v.source}": f"That follows from {b.base.attribution(v.source)}'s "
                                                                   "account, not this one." for v in others})
