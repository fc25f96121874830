"""Event families: the year, the month and the participants of an event; ordering, matching,
"did A come before B?" and 'which happened in YEAR' over a chapter's events. Only events that teach one of the chapter's
objectives are asked: the year of a side event (a cultural centre reopened, a first joint exercise) is
trivia however well the question is worded."""

from __future__ import annotations

import calendar
import re
from typing import Iterator

from afcourse.bank.builder import (N_OPTIONS, YEAR_SPREAD, Builder, balanced_options, capitalise, choice_id, groups,
                                   names_any, outsider_states, stable_hash)
from afcourse.bank.models import ChoiceKey, Item, MatchKey, MultiKey, NumericKey, OrderKey
from afcourse.bank import truth


def _year_distractors(b: Builder, item_id: str, fact) -> list[tuple[str, str]]:
    taken = truth.event_years(fact)
    first, last = min(taken), max(taken)
    rng = b.rng(item_id)
    below = [y for y in range(first - 1, first - 1 - YEAR_SPREAD, -1) if y not in taken]
    above = [y for y in range(last + 1, last + 1 + YEAR_SPREAD) if y <= b.latest_year]
    rng.shuffle(below)  # not always the nearest years: spaced like real alternatives
    rng.shuffle(above)
    years = balanced_options(fact.date.year, below, above, rng, b.ranks["event-year-choice"]) or []
    return [(str(y), str(y)) for y in years]


def _year_question(fact) -> str:
    """The year question for an event: the authored ``ask`` or a plain "In what year did ... ?"."""
    if fact.ask:
        return fact.ask
    spans = fact.end_date is not None and fact.end_date.year != fact.date.year
    return f"In what year did {fact.name} {'begin' if spans else 'take place'}?"


def teaches_objective(b: Builder, fact) -> bool:
    """Does an objective of the event's chapter list it among the facts that teach it?"""
    return b.base.objective_of_fact(fact.id, fact.chapter) is not None


def event_items(b: Builder, fact) -> Iterator[Item]:
    if fact.contested or not teaches_objective(b, fact):
        return
    name, year = fact.name, fact.date.year
    statement = fact.statement
    if str(year) in name:  # the name gives the year away: ask only about participants
        yield from _participant_items(b, fact)
        return
    stem = _year_question(fact)
    yield b.item(item_id=f"{fact.id}:year-numeric", template="event-year-numeric", type="numeric",
                 stem=stem, facts=[fact], unit="year",
                 key=NumericKey(value=year, tolerance=0), explanation=statement)
    item_id = f"{fact.id}:year-choice"
    chosen = b.single_choice(item_id=item_id, template="event-year-choice", stem=stem, facts=[fact],
                             right=(str(year), str(year)), wrong=_year_distractors(b, item_id, fact),
                             explanation=statement, bonus=0.1,
                             why_wrong=lambda v, t: f"Not {t}: the sources place {name} in {year}.")
    if chosen:
        yield chosen
    if fact.month_matters and fact.date.month and not fact.end_date:
        yield from _month_items(b, fact)
    yield from _participant_items(b, fact)



def _month_items(b: Builder, fact) -> Iterator[Item]:
    """"In which month of YEAR ...?", only for an event whose month is worth knowing (``month_matters``: the
    month of most events is trivia); no month of a related event of that year is offered, since a student
    could defend it."""
    month, year = fact.date.month, fact.date.year
    if calendar.month_name[month].lower() in fact.name.lower():
        return
    taken = truth.related_months(b.base, fact)
    asked = _year_question(fact)
    stem = (f"In which month of {year} {asked.removeprefix('In what year ')}" if asked.startswith("In what year ")
            else f"In which month of {year} did {fact.name} take place?")
    chosen = b.single_choice(item_id=f"{fact.id}:month-choice", template="event-month-choice", facts=[fact],
                             stem=stem,
                             right=(str(month), calendar.month_name[month]),
                             wrong=[(str(m), calendar.month_name[m]) for m in range(1, 13) if m not in taken],
                             explanation=fact.statement, bonus=0.15,
                             why_wrong=lambda v, t: f"Not {t}: the sources place it in "
                                                    f"{calendar.month_name[month]} {year}.")
    if chosen:
        yield chosen


def _participant_items(b: Builder, fact) -> Iterator[Item]:
    states = [p for p in fact.participants if p in b.base.countries]
    if not fact.participants_complete or len(states) < 2 or names_any(b, fact.name, b.countries):
        return
    outsiders = outsider_states(b, fact.participants)
    insiders = [(c, b.name(c)) for c in states]
    listed = ", ".join(b.name(c) for c in states)
    explanation = f"{fact.statement} The participants were: {listed}."
    item_id = f"{fact.id}:participant-choice"
    right = b.rng(item_id).choice(insiders)
    chosen = b.single_choice(item_id=item_id, template="event-participant-choice", facts=[fact],
                             stem=f"Which of these states took part in {fact.name}?", right=right, wrong=outsiders,
                             explanation=explanation,
                             why_wrong=lambda v, t: f"{capitalise(t)} did not take part; the participants were {listed}.")
    if chosen:
        yield chosen
    if len(insiders) >= 3:
        item_id = f"{fact.id}:nonparticipant-choice"
        rng = b.rng(item_id)
        picked = rng.sample(insiders, N_OPTIONS - 1)
        right = rng.choice(outsiders)
        options = sorted([right, *picked], key=lambda vt: vt[1].lower())
        yield b.item(item_id=item_id, template="event-nonparticipant-choice", type="single_choice", facts=[fact],
                     stem=f"Which of these states did NOT take part in {fact.name}?", choices=options,
                     key=ChoiceKey(correct=choice_id(right[0])), explanation=explanation, difficulty_bonus=0.05,
                     feedback={v: f"{capitalise(t)} did take part in {fact.name}." for v, t in picked})
        item_id = f"{fact.id}:participants-multi"
        rng = b.rng(item_id)
        right_set = rng.sample(insiders, min(3, len(insiders)))
        wrong_set = rng.sample(outsiders, 2)
        options = sorted([*right_set, *wrong_set], key=lambda vt: vt[1].lower())
        yield b.item(item_id=item_id, template="event-participants-multi", type="multiple_select", facts=[fact],
                     stem=f"Which of these states took part in {fact.name}? Select all that apply.", choices=options,
                     key=MultiKey(correct=sorted(choice_id(v) for v, _ in right_set)), explanation=explanation,
                     feedback={v: f"{capitalise(t)} did not take part; the participants were {listed}." for v, t in wrong_set})


def _orderable(events: list) -> bool:
    """Every pair of events is in a certain order whatever the unknown month or day, and all lie within
    :data:`GROUP_SPAN_YEARS` (a set with one event a century from the others orders itself)."""
    if not _close_in_time(events):
        return False
    spans = sorted(((e.date.year, e.date.month or 0, e.date.day or 0), _latest(e)) for e in events)
    return all(earlier[1] < later[0] for earlier, later in zip(spans, spans[1:]))


GROUP_SPAN_YEARS = 20


def _close_in_time(events: list) -> bool:
    """All the events of a group lie within GROUP_SPAN_YEARS of one another."""
    return max(e.date.year for e in events) - min(e.date.year for e in events) <= GROUP_SPAN_YEARS


def _latest(event) -> tuple[int, int, int]:
    end = event.end_date or event.date
    return (end.year, end.month or 13, end.day or 32)


def event_group_items(b: Builder, events: list) -> Iterator[Item]:
    """Ordering and event-to-year matching items over groups of a chapter's events that lie close in time."""
    events = sorted((e for e in events if not e.contested and not e.scheduled and teaches_objective(b, e)),
                    key=lambda e: (e.date, e.id))
    seen: set[frozenset] = set()
    for start in range(0, len(events), 2):
        group = next(groups(events[start:], _orderable), None)
        if group is None or frozenset(e.id for e in group) in seen:
            continue
        seen.add(frozenset(e.id for e in group))
        ids = [e.id for e in group]
        item_id = f"events-ordering:{stable_hash('|'.join(sorted(ids)), 10)}"
        order = "; ".join(f"{e.date.human()}: {e.name}" for e in group)
        yield b.item(item_id=item_id, template="events-ordering", type="ordering", facts=group,
                     stem="Put these events in the order they happened, earliest first.",
                     choices=sorted(((e.id, e.name) for e in group), key=lambda vt: vt[1].lower()), key=OrderKey(order=[choice_id(e.id) for e in group]),
                     explanation=f"In order: {order}.")
    distinct_years = lambda g: (len({e.date.year for e in g}) == len(g) and all(e.end_date is None for e in g)
                                and _close_in_time(g))
    for group in groups(events, distinct_years):
        ids = [e.id for e in group]
        item_id = f"events-matching:{stable_hash('|'.join(sorted(ids)), 10)}"
        years = [(str(e.date.year), str(e.date.year)) for e in group]
        yield b.item(item_id=item_id, template="events-year-matching", type="matching", facts=group,
                     stem="Match each event to the year it took place.", prompts=[(e.id, e.name) for e in group],
                     choices=sorted(years), key=MatchKey(pairs={choice_id(e.id): choice_id(str(e.date.year)) for e in group}),
                     explanation=" ".join(f"{capitalise(e.name)}: {e.date.year}." for e in group))


SEQUENCE_SPAN_YEARS = 12
"""Two events asked "did A come before B?" lie within this many years of each other (1878 against 2021
answers itself)."""


MIN_SEQUENCE_MONTHS = 6
"""...and at least this many months apart, counting unknown months against the question: which of two
events a few weeks apart came first is trivia."""


def months_apart(earlier, later, months: int) -> bool:
    """Does ``later`` begin at least ``months`` months after ``earlier`` ends, however the unknown months fall?"""
    end_year, end_month, _ = _latest(earlier)
    end = end_year * 12 + (12 if end_month == 13 else end_month)
    return later.date.year * 12 + (later.date.month or 1) - end >= months


def sequence_items(b: Builder, events: list) -> Iterator[Item]:
    """"True or false? A came before B." for each event of a chapter and the next one after it that teaches
    the same objective, when the two lie at least MIN_SEQUENCE_MONTHS apart and within SEQUENCE_SPAN_YEARS,
    and neither name gives its year away; half the items (decided per item) ask the pair the wrong way round.
    The order of a chapter's turning points is worth knowing: what came first is half of what caused what."""
    events = sorted((e for e in events if not e.contested and not e.scheduled and teaches_objective(b, e)
                     and not re.search(r"\b1[89]\d\d\b|\b20\d\d\b", e.name)), key=lambda e: (e.date, e.id))
    objective = {e.id: b.base.objective_of_fact(e.id, e.chapter) for e in events}
    for n, earlier in enumerate(events):
        later = next((e for e in events[n + 1:] if objective[e.id] == objective[earlier.id]), None)
        if later is None or not months_apart(earlier, later, MIN_SEQUENCE_MONTHS) \
                or later.date.year - earlier.date.year > SEQUENCE_SPAN_YEARS:
            continue
        first, second = capitalise(earlier.name), capitalise(later.name)
        dates = f"{first}: {earlier.date.human()}. {second}: {later.date.human()}."
        yield b.true_false(item_id=f"events-sequence:{earlier.id}:{later.id}", template="events-sequence-tf",
                           facts=[earlier, later], true_text=f"{first} came before {later.name}.",
                           false_text=f"{second} came before {earlier.name}.", substitute=later.id,
                           explanation=dates)


def events_in_year_items(b: Builder, events: list) -> Iterator[Item]:
    """"Which of these happened in YEAR?" for each year with two or more of a chapter's events; the wrong
    options happened within YEAR_SPREAD years of it (1991 beside 1878 would answer itself)."""
    events = [e for e in events if not e.contested and not e.scheduled and str(e.date.year) not in e.name
              and teaches_objective(b, e)]
    for year in sorted({e.date.year for e in events}):
        # an event running over several years is neither a right nor a wrong answer for one of them
        inside = sorted((e for e in events if truth.event_years(e) == {year}), key=lambda e: e.id)
        outside = sorted((e for e in events if year not in truth.event_years(e)
                          and min(abs(y - year) for y in truth.event_years(e)) <= YEAR_SPREAD), key=lambda e: e.id)
        if len(inside) < 2 or len(outside) < 2:
            continue
        item_id = f"events-in-year:{events[0].chapter}:{year}"
        rng = b.rng(item_id)
        right, wrong = rng.sample(inside, min(3, len(inside))), rng.sample(outside, 2)
        facts = [*right, *wrong]
        yield b.item(item_id=item_id, template="events-in-year-multi", type="multiple_select", facts=facts,
                     stem=f"Which of these happened in {year}? Select all that apply.",
                     choices=sorted(((e.id, e.name) for e in facts), key=lambda vt: vt[1].lower()),
                     key=MultiKey(correct=sorted(choice_id(e.id) for e in right)),
                     explanation=" ".join(f"{capitalise(e.name)}: {e.date.human()}." for e in facts),
                     feedback={e.id: f"Not in {year}: {e.name} is dated {e.date.human()}." for e in wrong})
