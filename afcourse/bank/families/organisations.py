"""Organisation families: the founding year and the members of a body."""

from __future__ import annotations

from typing import Iterator

from afcourse.bank.builder import N_OPTIONS, YEAR_SPREAD, Builder, capitalise, balanced_options, choice_id, outsider_states
from afcourse.bank.models import ChoiceKey, Item, MultiKey, NumericKey


def organisation_items(b: Builder, fact) -> Iterator[Item]:
    label = fact.name  # spelled out: the sources rarely use the abbreviations
    discussed = any(fact.id in o.facts for o in b.base.objectives.values())
    if fact.founded and not fact.founding_disputed and discussed:  # a body no objective teaches: no founding year
        year = fact.founded.year
        stem = f"In what year was {label} founded?"
        yield b.item(item_id=f"{fact.id}:founded-numeric", template="org-founded-numeric", type="numeric",
                     stem=stem, facts=[fact], unit="year",
                     key=NumericKey(value=year, tolerance=0), explanation=fact.statement)
        item_id = f"{fact.id}:founded-choice"
        rng = b.rng(item_id)
        below = list(range(year - 1, year - 1 - YEAR_SPREAD, -1))
        above = [y for y in range(year + 1, year + 1 + YEAR_SPREAD) if y <= b.latest_year]
        rng.shuffle(below)
        rng.shuffle(above)
        wrong = [(str(y), str(y)) for y in balanced_options(year, below, above, rng, b.ranks["org-founded-choice"]) or []]
        chosen = b.single_choice(item_id=item_id, template="org-founded-choice", facts=[fact],
                                 stem=stem, right=(str(year), str(year)), wrong=wrong, explanation=fact.statement,
                                 why_wrong=lambda v, t: f"Not {t}: the sources date its founding to {year}.")
        if chosen:
            yield chosen
    states = [m for m in fact.members if m in b.base.countries]
    if not fact.members_complete or len(states) < 3:
        return
    when = f" as of {fact.members_as_of.human()}" if fact.members_as_of else ""
    members = [(c, b.name(c)) for c in states]
    outsiders = outsider_states(b, [*fact.members, *fact.members_unclear])
    explanation = f"{fact.statement} Its members{when}: {', '.join(n for _, n in members)}."
    item_id = f"{fact.id}:members-multi"
    rng = b.rng(item_id)
    right_set, wrong_set = rng.sample(members, 3), rng.sample(outsiders, 2)
    yield b.item(item_id=item_id, template="org-members-multi", type="multiple_select", facts=[fact],
                 stem=f"Which of these states were members of {label}{when}? Select all that apply.",
                 choices=sorted([*right_set, *wrong_set], key=lambda vt: vt[1].lower()),
                 key=MultiKey(correct=sorted(choice_id(v) for v, _ in right_set)), explanation=explanation,
                 feedback={v: f"{capitalise(t)} was not a member{when}." for v, t in wrong_set})
    item_id = f"{fact.id}:nonmember-choice"
    rng = b.rng(item_id)
    right = rng.choice(outsiders)
    options = sorted([right, *rng.sample(members, N_OPTIONS - 1)], key=lambda vt: vt[1].lower())
    yield b.item(item_id=item_id, template="org-nonmember-choice", type="single_choice", facts=[fact],
                 stem=f"Which of these states was NOT a member of {label}{when}?", choices=options,
                 key=ChoiceKey(correct=choice_id(right[0])), explanation=explanation, difficulty_bonus=0.05,
                 feedback={v: f"{capitalise(t)} was a member{when}." for v, t in options if v != right[0]})
