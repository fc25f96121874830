"""Generate the item bank: every question the facts support, deterministically.

Each template turns one kind of fact (or a group of facts) into items whose options
are of one kind: years for a year, people for a person, states for a state. Every
distractor is checked with :mod:`afcourse.bank.truth` so that none is also right.
Contested facts (allegations, opinions, disputed points) are only ever asked as
attribution: who said it, or which source gives it.
"""

from __future__ import annotations

import calendar
import hashlib
import random
import re
from collections import Counter, defaultdict
from itertools import combinations
from typing import Callable, Iterable, Iterator

from afcourse.facts.factbase import FactBase
from afcourse.facts.teaching import taught_facts
from afcourse.facts.models import Citation
from afcourse.bank.difficulty import prior_difficulty
from afcourse.bank.models import AnswerKey, Choice, ChoiceKey, Item, MatchKey, MultiKey, NumericKey, OrderKey, Question, TextKey
from afcourse.bank import truth

N_OPTIONS = 4
YEAR_SPREAD = 6  # year distractors lie within this many years of the key
ERA_YEARS = 12  # a person offered as a distractor was active within this many years of the fact
WIDE_ERA_YEARS = 25  # ... or within this many, where too few people were active nearer the time
SUBSTITUTE = "substitute"
VERSION = "version"  # disagreement items: the account the question asks about
GROUP_SIZE = 4
MIN_PAIRS = 3  # a matching item with two pairs is a true/false in disguise, and Moodle wants three
STANCE_VERBS = {"position": "stated", "assessment": "argued", "report": "reported", "allegation": "alleged",
                "denial": "insisted", "prediction": "predicted"}
"""Verbs that fit "Who <verb> that <gist>?"; a denial's gist is what the denier said, so it "insisted"."""

def stable_hash(text: str, length: int = 8) -> str:
    """A short hex digest that is the same on every machine and every run."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def choice_id(value: str) -> str:
    """The id of an option, derived from its value so it survives shuffling and regeneration."""
    return "c" + stable_hash(value, 7)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _active_years(base: FactBase) -> dict[str, set[int]]:
    """Person id -> the years the facts show them active: dated roles, statements, events attended."""
    years: dict[str, set[int]] = {}
    for fact in base:
        if fact.kind == "person":
            dates = [d for r in fact.roles for d in (r.start, r.end, r.as_of) if d]
            years.setdefault(fact.id, set()).update(d.year for d in dates)
        elif fact.kind in ("statement", "quotation") and fact.date:
            years.setdefault(fact.speaker, set()).add(fact.date.year)
        elif fact.kind == "event" and fact.date:
            for participant in fact.participants:
                years.setdefault(participant, set()).add(fact.date.year)
    return years


def occasions(fact) -> set[str]:
    """The events a fact is about: the event itself, the allegation or event a statement answers, and
    the day (or month) a person said something, since one interview gives several statements, and the
    month of an event or a founding."""
    found = {f"event:{fact.id}"} if fact.kind in ("event", "statement") else set()
    if getattr(fact, "responds_to", None):
        found.add(f"event:{fact.responds_to}")
    date = getattr(fact, "date", None)
    if fact.kind in ("statement", "quotation") and date and date.month:
        found.add(f"said:{fact.speaker}:{date.human()}")
    if date and date.day:
        found.add(f"day:{date.year}-{date.month:02d}-{date.day:02d}")
    founded = getattr(fact, "founded", None)
    for when in (date if fact.kind in ("event", "quantity") else None, founded):
        if when and when.month:  # an event and a founding in one month: the same happening told twice
            found.add(f"month:{when.year}-{when.month:02d}")
    return found


class _Builder:
    """Shared context for the templates: the fact base and item assembly."""

    def __init__(self, base: FactBase):
        self.base = base
        self.countries = sorted(base.countries)
        self.authors = {s.author_id: s.id for s in base.sources.values()}
        self.latest_year = max(s.date.year for s in base.sources.values())  # no distractor after the sources
        self.people = [p for p in base.of_kind("person") if p.id not in self.authors]
        self.active_years = _active_years(base)
        taught = frozenset().union(*taught_facts().values())
        self.taught = taught if taught.intersection(base.facts) else None  # None: not the package's facts
        referenced = {r for f in base for r in [*getattr(f, "participants", []), *getattr(f, "members", []),
                                                 getattr(f, "speaker", None)] if r}
        self.active_countries = [c for c in self.countries if c in referenced]
        self.ranks: dict[str, Counter] = defaultdict(Counter)  # template -> how often the key had each rank
        self.speaker_tags: dict[str, set[str]] = {}
        for fact in base:
            if fact.kind in ("statement", "quotation"):
                self.speaker_tags.setdefault(fact.speaker, set()).update(fact.tags)

    def contemporaries(self, people: list, year: int | None) -> list:
        """The people active within :data:`ERA_YEARS` of ``year``, or within :data:`WIDE_ERA_YEARS` when too
        few are (everyone when the date is unknown): a 19th-century envoy is no plausible speaker in 2018,
        nor a minister of 2018 a general of 1878. Never anyone further off: a template with too few
        contemporaries makes no item."""
        if year is None:
            return people
        for window in (ERA_YEARS, WIDE_ERA_YEARS):
            near = [p for p in people if any(abs(y - year) <= window for y in self.active_years.get(p.id, ()))]
            if len(near) >= N_OPTIONS:
                break
        return near

    def rng(self, item_id: str) -> random.Random:
        return random.Random(int(stable_hash(item_id, 16), 16))

    def name(self, ref: str) -> str:
        return self.base.name_of(ref)

    def item(self, *, item_id: str, template: str, type: str, stem: str, facts: list, key,
             choices: list[tuple[str, str]] = (), prompts: list[tuple[str, str]] = (), unit: str | None = None,
             explanation: str, difficulty_bonus: float = 0.0) -> Item:
        """Assemble an Item; ``choices``/``prompts`` are (value, text) pairs."""
        citations: list[Citation] = []
        for fact in facts:
            citations += [c for c in fact.citations if c not in citations]
        question = Question(
            id=item_id, type=type, stem=stem, chapter=facts[0].chapter,
            choices=[Choice(id=choice_id(v), text=capitalise(t)) for v, t in choices],
            prompts=[Choice(id=choice_id(v), text=capitalise(t)) for v, t in prompts], unit=unit)
        answer = AnswerKey(id=item_id, key=key, explanation=explanation, citations=citations,
                           fact_ids=[f.id for f in facts])
        difficulty = prior_difficulty(
            type, bonus=difficulty_bonus, options=len(choices),
            elements=len(prompts) if type == "matching" else len(choices) if type == "ordering" else 0,
            taught=None if self.taught is None else all(f.id in self.taught for f in facts),
            sources=len({c.source for c in citations}))
        return Item(question=question, answer=answer, template=template, difficulty=difficulty,
                    values={choice_id(v): v for v, _ in [*choices, *prompts]},
                    occasions=sorted({o for fact in facts for o in occasions(fact)}))

    def single_choice(self, *, item_id, template, stem, facts, right: tuple[str, str], wrong: list[tuple[str, str]],
                      explanation, bonus=0.0) -> Item | None:
        """A four-option item with ``right`` and three of ``wrong`` (picked per item, deterministically)."""
        if len(wrong) < N_OPTIONS - 1:
            return None
        picked = self.rng(item_id).sample(sorted(wrong), N_OPTIONS - 1)
        options = sorted([right, *picked], key=lambda vt: vt[1].lower())
        return self.item(item_id=item_id, template=template, type="single_choice", stem=stem, facts=facts,
                         key=ChoiceKey(correct=choice_id(right[0])), choices=options, explanation=explanation,
                         difficulty_bonus=bonus)

    def true_false(self, *, item_id, template, facts, true_text: str, false_text: str, substitute: str,
                   explanation) -> Item:
        """A true/false item; half the time (decided per item id) it asks the false version.

        ``substitute`` is the value swapped in to make ``false_text`` false; it is kept
        in the item's values so the linter can check that it really is false.
        """
        ask_false = false_text is not None and self.rng(item_id).random() < 0.5
        stem = f"True or false? {false_text if ask_false else true_text}"
        item = self.item(item_id=item_id, template=template, type="true_false", stem=stem, facts=facts,
                         key=ChoiceKey(correct=choice_id("false" if ask_false else "true")),
                         choices=[("true", "True"), ("false", "False")], explanation=explanation)
        if ask_false:
            item = item.model_copy(update={"values": {**item.values, SUBSTITUTE: substitute}})
        return item


# --- events -----------------------------------------------------------------------------------------------------

def _when(date) -> str:
    return f"on {date.human()}" if date.precision == "day" else f"in {date.human()}"


def balanced_options(key: float, below: list[float], above: list[float], rng: random.Random,
                     used: Counter, n_wrong: int = N_OPTIONS - 1) -> list[float] | None:
    """``n_wrong`` distractors around ``key`` so that the key's rank among the sorted options is
    balanced over the bank (it is not mostly the middle, the smallest or the largest option).

    ``below`` and ``above`` are the candidates on each side, nearest first; None when too few.
    ``used`` counts the ranks given so far for the template: the least used possible rank is taken,
    which makes up for keys near the sources' last year, whose options can only lie below them.
    """
    ranks = [r for r in range(n_wrong + 1) if r <= len(below) and n_wrong - r <= len(above)]
    if not ranks:
        return None
    fewest = min(used[r] for r in ranks)
    rank = rng.choice([r for r in ranks if used[r] == fewest])
    used[rank] += 1
    return sorted(below[:rank]) + sorted(above[:n_wrong - rank])


def _year_distractors(b: _Builder, item_id: str, fact) -> list[tuple[str, str]]:
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


def event_items(b: _Builder, fact) -> Iterator[Item]:
    if fact.contested:
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
                             explanation=statement, bonus=0.1)
    if chosen:
        yield chosen
    item_id = f"{fact.id}:date-tf"
    length = len(truth.event_years(fact))  # a shifted range must not overlap the true one
    shifts = (-2, -1, 1, 2) if length == 1 else (-length - 1, length + 1)
    shift = b.rng(item_id).choice([d for d in shifts if year + d not in truth.event_years(fact)
                                   and (fact.end_date or fact.date).year + d <= b.latest_year])
    yield b.true_false(item_id=item_id, template="event-date-tf", facts=[fact],
                       true_text=f"The sources date {name} {_span(fact, 0)}.",
                       false_text=f"The sources date {name} {_span(fact, shift)}.",
                       substitute=str(year + shift), explanation=statement)
    if fact.date.month and not fact.end_date:
        yield from _month_items(b, fact)
    yield from _participant_items(b, fact)


def _span(fact, shift: int) -> str:
    """"to <date>" or "from <date> to <date>" for the event, moved by ``shift`` years."""
    def moved(date):
        return type(date)(date.year + shift, date.month, date.day)
    if fact.end_date:
        return f"from {moved(fact.date).human()} to {moved(fact.end_date).human()}"
    return f"to {moved(fact.date).human()}"


def _month_items(b: _Builder, fact) -> Iterator[Item]:
    """"In which month of YEAR ...?" for an event the sources date to the month or day; no month of a
    related event of that year is offered, since a student could defend it."""
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
                             explanation=fact.statement, bonus=0.15)
    if chosen:
        yield chosen


def _outsiders(b: _Builder, insiders: list[str]) -> list[tuple[str, str]]:
    """States not in ``insiders``, from the same regions when there are enough of them."""
    regions = {b.base.countries[c].region for c in insiders if c in b.base.countries}
    others = [c for c in b.countries if c not in insiders]
    near = [c for c in others if b.base.countries[c].region in regions]
    return [(c, b.name(c)) for c in (near if len(near) >= N_OPTIONS - 1 else others)]


def _participant_items(b: _Builder, fact) -> Iterator[Item]:
    states = [p for p in fact.participants if p in b.base.countries]
    if not fact.participants_complete or len(states) < 2 or _names_any(b, fact.name, b.countries):
        return
    outsiders = _outsiders(b, fact.participants)
    insiders = [(c, b.name(c)) for c in states]
    listed = ", ".join(b.name(c) for c in states)
    explanation = f"{fact.statement} The participants were: {listed}."
    item_id = f"{fact.id}:participant-choice"
    right = b.rng(item_id).choice(insiders)
    chosen = b.single_choice(item_id=item_id, template="event-participant-choice", facts=[fact],
                             stem=f"Which of these states took part in {fact.name}?", right=right, wrong=outsiders,
                             explanation=explanation)
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
                     key=ChoiceKey(correct=choice_id(right[0])), explanation=explanation, difficulty_bonus=0.05)
        item_id = f"{fact.id}:participants-multi"
        rng = b.rng(item_id)
        right_set = rng.sample(insiders, min(3, len(insiders)))
        wrong_set = rng.sample(outsiders, 2)
        options = sorted([*right_set, *wrong_set], key=lambda vt: vt[1].lower())
        yield b.item(item_id=item_id, template="event-participants-multi", type="multiple_select", facts=[fact],
                     stem=f"Which of these states took part in {fact.name}? Select all that apply.", choices=options,
                     key=MultiKey(correct=sorted(choice_id(v) for v, _ in right_set)), explanation=explanation)


def _orderable(events: list) -> bool:
    """Every pair of events is in a certain order whatever the unknown month or day."""
    spans = sorted(((e.date.year, e.date.month or 0, e.date.day or 0), _latest(e)) for e in events)
    return all(earlier[1] < later[0] for earlier, later in zip(spans, spans[1:]))


def _latest(event) -> tuple[int, int, int]:
    end = event.end_date or event.date
    return (end.year, end.month or 13, end.day or 32)


def event_group_items(b: _Builder, events: list) -> Iterator[Item]:
    """Ordering and event-to-year matching items over groups of a chapter's events."""
    events = sorted((e for e in events if not e.contested and not e.scheduled), key=lambda e: (e.date, e.id))
    seen: set[frozenset] = set()
    for start in range(0, len(events), 2):
        group = next(_groups(events[start:], _orderable), None)
        if group is None or frozenset(e.id for e in group) in seen:
            continue
        seen.add(frozenset(e.id for e in group))
        ids = [e.id for e in group]
        item_id = f"events-ordering:{stable_hash('|'.join(sorted(ids)), 10)}"
        order = "; ".join(f"{e.date.human()}: {e.name}" for e in group)
        first_id = f"events-first:{stable_hash('|'.join(sorted(ids)), 10)}"
        yield b.item(item_id=first_id, template="events-first-choice", type="single_choice", facts=group,
                     stem="Which of these happened first?",
                     choices=sorted(((e.id, e.name) for e in group), key=lambda vt: vt[1].lower()),
                     key=ChoiceKey(correct=choice_id(group[0].id)), explanation=f"In order: {order}.")
        yield b.item(item_id=item_id, template="events-ordering", type="ordering", facts=group,
                     stem="Put these events in the order they happened, earliest first.",
                     choices=sorted(((e.id, e.name) for e in group), key=lambda vt: vt[1].lower()), key=OrderKey(order=[choice_id(e.id) for e in group]),
                     explanation=f"In order: {order}.")
    distinct_years = lambda g: len({e.date.year for e in g}) == len(g) and all(e.end_date is None for e in g)
    for group in _groups(events, distinct_years):
        ids = [e.id for e in group]
        item_id = f"events-matching:{stable_hash('|'.join(sorted(ids)), 10)}"
        years = [(str(e.date.year), str(e.date.year)) for e in group]
        yield b.item(item_id=item_id, template="events-year-matching", type="matching", facts=group,
                     stem="Match each event to the year it took place.", prompts=[(e.id, e.name) for e in group],
                     choices=sorted(years), key=MatchKey(pairs={choice_id(e.id): choice_id(str(e.date.year)) for e in group}),
                     explanation=" ".join(f"{capitalise(e.name)}: {e.date.year}." for e in group))


def events_in_year_items(b: _Builder, events: list) -> Iterator[Item]:
    """"Which of these happened in YEAR?" for each year with two or more of a chapter's events."""
    events = [e for e in events if not e.contested and not e.scheduled and str(e.date.year) not in e.name]
    for year in sorted({e.date.year for e in events}):
        # an event running over several years is neither a right nor a wrong answer for one of them
        inside = sorted((e for e in events if truth.event_years(e) == {year}), key=lambda e: e.id)
        outside = sorted((e for e in events if year not in truth.event_years(e)), key=lambda e: e.id)
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
                     explanation=" ".join(f"{capitalise(e.name)}: {e.date.human()}." for e in facts))


def _groups(facts: list, fits: Callable[[list], bool]) -> Iterator[list]:
    """Greedy groups of GROUP_SIZE facts, in the given order, that satisfy ``fits``."""
    pool = list(facts)
    while len(pool) >= GROUP_SIZE:
        group = [pool.pop(0)]
        for fact in list(pool):
            if fits(group + [fact]):
                group.append(fact)
                pool.remove(fact)
                if len(group) == GROUP_SIZE:
                    break
        if len(group) == GROUP_SIZE:
            yield group


# --- people -----------------------------------------------------------------------------------------------------

MILITARY_WORDS = ("general", "command", "forces", "army", "admiral")
COMMENTATOR_WORDS = ("expert", "analyst", "professor", "researcher", "journalist", "scholar", "author")


def _role_when(role) -> str:
    if role.start and role.end:
        return f" from {role.start.human()} to {role.end.human()}"
    if role.as_of:
        return f" {_when(role.as_of)}"
    return ""


def is_office(title: str) -> bool:
    """A post one person holds at a time ("Foreign Minister of Russia"), not a kind of person ("US Army general")."""
    lowered = title.lower()
    return "(" not in title and not lowered.startswith(("former ", "a ", "an ")) and any(
        f" {w} " in f" {title} " for w in ("of", "to", "for")) and not any(
        w in lowered for w in ("general", "candidate", "author", *COMMENTATOR_WORDS))


def specific_role(role) -> bool:
    """A post that only one person fits at the role's date: an office dated to the month (or by its
    start and end), or a role with an authored question. "head of US forces in 2018" fits two people."""
    if role.ask:
        return True
    precise = (role.start and role.end) or (role.as_of and role.as_of.month)
    return bool(precise) and is_office(role.title)


def _with_article(title: str) -> str:
    """"the Foreign Minister of Russia", "Russia's ambassador", "a freelance expert based in Warsaw"."""
    if title.split()[0].endswith("'s"):
        return title
    if is_office(title):
        return f"the {title}"
    return f"{'an' if title[:1].lower() in 'aeiou' else 'a'} {title}"


def _role_question(role) -> str:
    return role.ask or f"Who was {_with_article(role.title)}{_role_when(role)}?"


def _military(person) -> bool:
    """A soldier (a general, a commander): offered for a military post, never for a president's."""
    return any(w in r.title.lower() for r in person.roles for w in MILITARY_WORDS)


def _commentator(person) -> bool:
    """An analyst, scholar or journalist rather than an official or a commander."""
    return any(w in r.title.lower() for r in person.roles for w in COMMENTATOR_WORDS)


def person_items(b: _Builder, fact) -> Iterator[Item]:
    surname = fact.name.split()[-1]
    for n, role in enumerate(fact.roles):
        if surname.lower() in role.title.lower() or ("(" in role.title and not role.ask):
            continue
        dated = role.start or role.as_of or role.end
        if dated:
            yield from _role_true_false(b, fact, role, n)
        if not specific_role(role):
            continue
        stem = _role_question(role)
        explanation = f"{fact.name}: {role.title}{_role_when(role)}. {fact.statement}"
        compatriots = [p for p in b.contemporaries(b.people, dated.year if dated else None)
                       if p.id != fact.id and p.country == fact.country and fact.country
                       and not truth.holds_similar_role(p, role.title) and _commentator(p) == _commentator(fact)]
        alike = [p for p in compatriots if _military(p) == _military(fact)]
        pool = alike if len(alike) >= N_OPTIONS - 1 else compatriots  # a soldier for a soldier if we can
        chosen = b.single_choice(item_id=f"{fact.id}:role-choice:{n}", template="person-role-choice", stem=stem,
                                 facts=[fact], right=(fact.id, fact.name), wrong=[(p.id, p.name) for p in pool],
                                 explanation=explanation)
        if chosen:
            yield chosen
        if _surname_unique(b, fact):
            accepted = sorted({fact.name, surname, *fact.aliases})
            yield b.item(item_id=f"{fact.id}:role-short:{n}", template="person-role-short", type="short_answer",
                         stem=f"{stem} (A surname is enough.)", facts=[fact],
                         key=TextKey(accepted=accepted, fuzzy=True),
                         explanation=explanation)


def _role_true_false(b: _Builder, fact, role, n: int) -> Iterator[Item]:
    """"In 2007 X was the Foreign Minister of Russia": the false version borrows the post of another person
    of the same country and kind, held around the same time, that X never held (a falsehood a student could
    believe: Lavrov as President of Russia, not Lavrov as US Secretary of State)."""
    item_id = f"{fact.id}:role-tf:{n}"
    dated = role.start or role.as_of or role.end
    if not is_office(role.title):  # "a former warlord": a swap would be unprovable, not plainly false
        return
    borrowed = sorted({r.title for p in b.people if p.id != fact.id and p.country == fact.country and fact.country
                       for r in p.roles if (r.start or r.as_of or r.end) and is_office(r.title)
                       and abs((r.start or r.as_of or r.end).year - dated.year) <= 3
                       and not truth.holds_similar_role(fact, r.title)})
    if not borrowed:
        return
    other = b.rng(item_id).choice(borrowed)
    when = capitalise(_role_when(role).strip())
    yield b.true_false(item_id=item_id, template="person-role-tf", facts=[fact],
                       true_text=f"{when} {fact.name} was {_with_article(role.title)}.",
                       false_text=f"{when} {fact.name} was {_with_article(other)}.",
                       substitute=other,
                       explanation=f"{fact.name}: {role.title}{_role_when(role)}. {fact.statement}")


def _surname_unique(b: _Builder, fact) -> bool:
    surname = fact.name.split()[-1].lower()
    return sum(1 for p in b.people if p.name.split()[-1].lower() == surname) == 1


def people_group_items(b: _Builder, people: list) -> Iterator[Item]:
    """Person-to-role matching over groups of a chapter's people with clearly different roles."""
    def distinct(group):
        titles = [p.roles[0].title for p in group]
        return all(not truth.titles_similar(x, y) for x, y in combinations(titles, 2)) and all(
            not truth.holds_similar_role(p, q.roles[0].title) for p in group for q in group if p is not q) and not any(
            p.country and p.country == q.country and truth.heads_a_government(p) and truth.heads_a_government(q)
            for p, q in combinations(group, 2))
    people = [p for p in people if "(" not in p.roles[0].title]
    for group in _groups(sorted(people, key=lambda p: p.id), distinct):
        item_id = f"people-matching:{stable_hash('|'.join(p.id for p in group), 10)}"
        yield b.item(item_id=item_id, template="people-role-matching", type="matching", facts=group,
                     stem="Match each person to the post or position the course gives for them.",
                     prompts=[(p.id, p.name) for p in group],
                     choices=sorted((f"role:{p.id}", p.roles[0].title) for p in group),
                     key=MatchKey(pairs={choice_id(p.id): choice_id(f"role:{p.id}") for p in group}),
                     explanation=" ".join(f"{p.name}: {p.roles[0].title}." for p in group))


def statement_group_items(b: _Builder, statements: list) -> Iterator[Item]:
    """Match four statements to their four different speakers (none said anything like another's)."""
    def distinct(group):
        speakers = [f.speaker for f in group]
        return len(set(speakers)) == len(group) and not any(
            truth.said_something_similar(b.base, f.speaker, g) for f in group for g in group if f is not g)
    usable = sorted((f for f in statements if said_clause(f)), key=lambda f: f.id)
    for group in _groups(usable, distinct):
        item_id = f"statements-matching:{stable_hash('|'.join(f.id for f in group), 10)}"
        yield b.item(item_id=item_id, template="statements-speaker-matching", type="matching", facts=group,
                     stem="Match each claim to the person or body who made it.",
                     prompts=[(f.id, said_clause(f)) for f in group],
                     choices=sorted(((f.speaker, b.name(f.speaker)) for f in group), key=lambda vt: vt[1].lower()),
                     key=MatchKey(pairs={choice_id(f.id): choice_id(f.speaker) for f in group}),
                     explanation=" ".join(f.statement for f in group), difficulty_bonus=0.1)


def source_group_items(b: _Builder, statements: list) -> Iterator[Item]:
    """Match four claims to the four sources that make them (no source makes a claim like another's)."""
    claims = sorted((f for f in statements if f.speaker in b.authors and said_clause(f)), key=lambda f: f.id)

    def distinct(group):
        return len({f.speaker for f in group}) == len(group) and not any(
            truth.said_something_similar(b.base, f.speaker, g)
            or b.authors[f.speaker] in {c.source for c in g.also_made_in}
            for f in group for g in group if f is not g)
    for group in _groups(claims, distinct):
        item_id = f"sources-matching:{stable_hash('|'.join(f.id for f in group), 10)}"
        yield b.item(item_id=item_id, template="claims-source-matching", type="matching", facts=group,
                     stem="Match each claim to the course source that makes it.",
                     prompts=[(f.id, said_clause(f)) for f in group],
                     choices=sorted(((b.authors[f.speaker], _source_label(b, b.authors[f.speaker])) for f in group),
                                    key=lambda vt: vt[1].lower()),
                     key=MatchKey(pairs={choice_id(f.id): choice_id(b.authors[f.speaker]) for f in group}),
                     explanation=" ".join(f.statement for f in group), difficulty_bonus=0.1)


# --- organisations ----------------------------------------------------------------------------------------------

def organisation_items(b: _Builder, fact) -> Iterator[Item]:
    label = fact.name  # spelled out: the sources rarely use the abbreviations
    if fact.founded and not fact.founding_disputed:
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
                                 stem=stem, right=(str(year), str(year)), wrong=wrong, explanation=fact.statement)
        if chosen:
            yield chosen
    states = [m for m in fact.members if m in b.base.countries]
    if not fact.members_complete or len(states) < 3:
        return
    when = f" as of {fact.members_as_of.human()}" if fact.members_as_of else ""
    members = [(c, b.name(c)) for c in states]
    outsiders = _outsiders(b, [*fact.members, *fact.members_unclear])
    explanation = f"{fact.statement} Its members{when}: {', '.join(n for _, n in members)}."
    item_id = f"{fact.id}:members-multi"
    rng = b.rng(item_id)
    right_set, wrong_set = rng.sample(members, 3), rng.sample(outsiders, 2)
    yield b.item(item_id=item_id, template="org-members-multi", type="multiple_select", facts=[fact],
                 stem=f"Which of these states were members of {label}{when}? Select all that apply.",
                 choices=sorted([*right_set, *wrong_set], key=lambda vt: vt[1].lower()),
                 key=MultiKey(correct=sorted(choice_id(v) for v, _ in right_set)), explanation=explanation)
    item_id = f"{fact.id}:nonmember-choice"
    rng = b.rng(item_id)
    right = rng.choice(outsiders)
    options = sorted([right, *rng.sample(members, N_OPTIONS - 1)], key=lambda vt: vt[1].lower())
    yield b.item(item_id=item_id, template="org-nonmember-choice", type="single_choice", facts=[fact],
                 stem=f"Which of these states was NOT a member of {label}{when}?", choices=options,
                 key=ChoiceKey(correct=choice_id(right[0])), explanation=explanation, difficulty_bonus=0.05)


# --- quantities -------------------------------------------------------------------------------------------------

def _format_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


SINGULAR_ENDINGS = (("ies", "y"), ("men", "man"), ("s", ""))


def with_unit(value: float, unit: str) -> str:
    """"3 rounds", "1 laboratory", "25 percent": the unit in the singular for one."""
    if value == 1:
        plural, singular = next(((p, s) for p, s in SINGULAR_ENDINGS if unit.endswith(p)), ("", ""))
        unit = unit[:len(unit) - len(plural)] + singular
    return f"{_format_number(value)} {unit}"


def _nice_step(value: float) -> float:
    """A round step about a fifth of ``value`` (1, 2, 5, 10, 20, 50 ...), at least 1."""
    if value <= 10:
        return 1
    target = value / 5
    steps = [m * 10 ** e for e in range(0, 8) for m in (1, 2, 5)]
    return min(steps, key=lambda s: abs(s - target))


def number_distractors(value: float, rng: random.Random, used: Counter, percent: bool = False) -> list[float]:
    """Three wrong numbers spaced by a round step around ``value`` (not multiples of it), with the
    key's rank among the four options drawn evenly."""
    step = (5 if value <= 30 else 10) if percent else _nice_step(value)
    below = [value - step * k for k in (1, 2, 3) if value - step * k > 0]
    above = [value + step * k for k in (1, 2, 3) if not percent or value + step * k < 100]
    return balanced_options(value, below, above, rng, used) or []


def quantity_items(b: _Builder, fact) -> Iterator[Item]:
    """Numeric, choice and true/false items on a number; only for quantities with an authored question."""
    if fact.contested or not fact.ask:
        return
    value, unit = fact.value, fact.unit
    tolerance = round(abs(value) * 0.1, 4) if fact.approximate else 0.0
    yield b.item(item_id=f"{fact.id}:numeric", template="quantity-numeric", type="numeric",
                 stem=fact.ask, facts=[fact], unit=unit,
                 key=NumericKey(value=value, tolerance=tolerance), explanation=fact.statement)
    item_id = f"{fact.id}:choice"
    wrong = [(_format_number(w), with_unit(w, unit)) for w in
             number_distractors(value, b.rng(item_id), b.ranks["quantity-choice"], percent=unit == "percent")
             if abs(w - value) > tolerance]
    chosen = b.single_choice(item_id=item_id, template="quantity-choice", facts=[fact], stem=fact.ask,
                             right=(_format_number(value), with_unit(value, unit)), wrong=wrong,
                             explanation=fact.statement)
    if chosen:
        yield chosen
    if fact.claim and wrong:
        item_id = f"{fact.id}:tf"
        about = "about " if fact.approximate else ""
        other = b.rng(item_id).choice(wrong)
        yield b.true_false(item_id=item_id, template="quantity-tf", facts=[fact],
                           true_text=fact.claim.format(value=about + with_unit(value, unit)),
                           false_text=fact.claim.format(value=about + other[1]),
                           substitute=other[0], explanation=fact.statement)


# --- statements and quotations (attribution only) ---------------------------------------------------------------

COUNTRY_WORDS = {"russia": ("russia", "moscow", "kremlin"), "united-states": ("united states", "american", "washington", "us "),
                 "afghanistan": ("kabul", "afghan government"), "soviet-union": ("soviet", "ussr")}
"""How a claim names a state besides its name: its capital, its adjective."""


def _names_country(b: _Builder, text: str, country: str) -> bool:
    """Does ``text`` name ``country``? (A Russian official is no believable author of "Russia spread ...".)"""
    words = f" {text.lower()} "
    forms = (b.name(country).lower().removeprefix("the "), *COUNTRY_WORDS.get(country, ()))
    return any(f in words for f in forms)


def _names_any(b: _Builder, text: str, refs) -> bool:
    """Does ``text`` name any of ``refs``, by name or by a state's alias ("US-Russian" names the United
    States), so that an option would repeat the stem?"""
    words = " " + " ".join(re.findall(r"[\w.]+", text.lower().replace("-", " "))) + " "
    forms = lambda r: [b.name(r), *(b.base.countries[r].aliases if r in b.base.countries else [])]
    return any(f" {form.lower().removeprefix('the ')} " in words for r in refs for form in forms(r))


MAX_CLAUSE_WORDS = 22
BODY_KINDS = (
    {"government ministry", "government agency", "US defence establishment", "US military command",
     "US intelligence body", "Afghan government ministry", "Afghan government peace body"},
    {"terrorist group", "Islamist insurgent movement"},
    {"newspaper", "news outlet", "magazine", "reference website", "research centre", "US research service"},
)
"""Kinds of body that can stand in for one another as the speaker of a statement."""


def said_clause(fact) -> str | None:
    """What a statement said, fit for a stem: its authored ``short`` or a gist short enough to read in
    one breath; None when neither exists (then no stem is written)."""
    if fact.short:
        return fact.short
    if len(fact.gist.split()) <= MAX_CLAUSE_WORDS and ";" not in fact.gist:
        return fact.gist
    return None


def _hedged(fact, verb: str) -> str:
    """"reportedly stated" when the statement is only reported, so the stem keeps the source's hedge."""
    return f"reportedly {verb}" if fact.reported or "reportedly" in fact.statement.lower() else verb


def speaker_kind(base: FactBase, speaker: str) -> str:
    """The kind of speaker, for offering like with like: official, commentator, state or a kind of body."""
    kind = base.entity_kind(speaker)
    if kind == "person":
        return "commentator" if _commentator(base.facts[speaker]) else "official"
    if kind == "organisation":
        category = base.facts[speaker].category
        return next((f"bodies-{n}" for n, group in enumerate(BODY_KINDS) if category in group), category)
    return kind


def _era_year(b: _Builder, fact) -> int | None:
    """The year a statement belongs to: its own date, else the year of the source that reports it."""
    if fact.date:
        return fact.date.year
    years = [b.base.sources[c.source].date.year for c in fact.citations if c.source in b.base.sources]
    return min(years) if years else None


def _speaker_pool(b: _Builder, fact) -> list[tuple[str, str]]:
    """Who else could have said it: people of the same kind (officials for an official, analysts for an
    analyst) and era, from the speaker's country when there are enough; states for a state; bodies of the
    same kind for a body."""
    kind = b.base.entity_kind(fact.speaker)
    wanted = speaker_kind(b.base, fact.speaker)
    if kind == "person":
        home = b.base.facts[fact.speaker].country
        people = [p for p in b.contemporaries(b.people, _era_year(b, fact))
                  if speaker_kind(b.base, p.id) == wanted]
        same = [p.id for p in people if home and p.country == home]
        candidates = same if len(same) > N_OPTIONS else [p.id for p in people]
    elif kind == "country":
        after_ussr = fact.date is None or fact.date.year > 1991
        candidates = [c for c in b.active_countries if not (after_ussr and c == "soviet-union")]
    else:
        orgs = [o for o in b.base.of_kind("organisation") if o.id not in b.authors]
        candidates = [o.id for o in orgs if speaker_kind(b.base, o.id) == wanted]
    return [(c, b.name(c)) for c in candidates
            if c != fact.speaker and not truth.said_something_similar(b.base, c, fact)]


def _who(b: _Builder, speaker: str) -> str:
    """The question word for a speaker: "Which government" for a state, "Who" otherwise."""
    return "Which government" if b.base.entity_kind(speaker) == "country" else "Who"


def source_items(b: _Builder, fact) -> Iterator[Item]:
    """A source author's own claim, asked as "Which of the course's sources argues that ...?"."""
    clause = said_clause(fact)
    if clause is None:
        return
    verb = {"assessment": "argues", "report": "reports", "prediction": "predicts",
            "allegation": "alleges"}.get(fact.stance, "states")
    own = b.authors[fact.speaker]
    shared = {c.source for c in fact.also_made_in}
    wrong = [(s, _source_label(b, s)) for s, source in sorted(b.base.sources.items())
             if s != own and s not in shared and not truth.author_claims_similar(b.base, source.author_id, fact)]
    if len(wrong) < 2:
        return
    options = sorted([(own, _source_label(b, own)), *wrong], key=lambda vt: vt[1].lower())
    yield b.item(item_id=f"{fact.id}:source-choice", template="statement-source-choice", type="single_choice",
                 stem=f"Which of the course's sources {verb} that {clause}?", facts=[fact], choices=options,
                 key=ChoiceKey(correct=choice_id(own)), explanation=fact.statement, difficulty_bonus=0.1)


def statement_items(b: _Builder, fact) -> Iterator[Item]:
    if fact.speaker in b.authors:
        yield from source_items(b, fact)
        return
    speaker = b.name(fact.speaker)
    clause = said_clause(fact)
    if clause is None or speaker.lower() in clause.lower():
        return
    verb = _hedged(fact, STANCE_VERBS[fact.stance])
    lead = f"{capitalise(_when(fact.date))}, " if fact.date else ""
    who = _who(b, fact.speaker)
    stem = f"{lead}{who.lower() if lead else who} {verb} that {clause}?"
    pool = _speaker_pool(b, fact)
    chosen = b.single_choice(item_id=f"{fact.id}:speaker-choice", template="statement-speaker-choice", stem=stem,
                             facts=[fact], right=(fact.speaker, speaker), wrong=pool, explanation=fact.statement,
                             bonus=0.05)
    if chosen:
        yield chosen
    if (b.base.entity_kind(fact.speaker) == "person" and _surname_unique(b, b.base.facts[fact.speaker])
            and not truth.said_by_another(b.base, fact)):  # a typed answer cannot be one of two right names
        person = b.base.facts[fact.speaker]
        yield b.item(item_id=f"{fact.id}:speaker-short", template="statement-speaker-short", type="short_answer",
                     stem=f"{stem} (A surname is enough.)", facts=[fact],
                     key=TextKey(accepted=sorted({person.name, person.name.split()[-1], *person.aliases}), fuzzy=True),
                     explanation=fact.statement)
    yield from _speaker_true_false(b, fact, speaker, "statement-speaker-tf",
                                   lambda name: f"{lead}{name} {verb} that {clause}.", fact.statement)


def _speaker_true_false(b: _Builder, fact, speaker: str, template: str, saying: Callable[[str], str],
                        explanation: str) -> Iterator[Item]:
    """True/false on who said it: ``saying(name)`` with the speaker, or with someone from the other camp."""
    rivals = _other_camp(b, fact)
    if rivals:
        item_id = f"{fact.id}:speaker-tf"
        other = b.rng(item_id).choice(rivals)
        yield b.true_false(item_id=item_id, template=template, facts=[fact], true_text=saying(speaker),
                           false_text=saying(other[1]), substitute=other[0], explanation=explanation)


def _other_camp(b: _Builder, fact) -> list[tuple[str, str]]:
    """Substitutes for a false true/false version: people of the same kind and era from another country
    who speak on the same subject, so the swapped attribution is plainly wrong yet believable (an Afghan
    official for a Russian one, not a Syrian president for an American analyst). Only for a claim dated
    to the month (the occasion makes the swap false, not merely unrecorded) that does not speak for the
    speaker's own country."""
    if b.base.entity_kind(fact.speaker) != "person" or not b.base.facts[fact.speaker].country:
        return []
    home, kind = b.base.facts[fact.speaker].country, speaker_kind(b.base, fact.speaker)
    clause = said_clause(fact) if fact.kind == "statement" else fact.said
    if _names_country(b, clause or "", home) or not (fact.date and fact.date.month):
        return []  # "Russia would ...": only its own officials could say it; undated: no occasion pins it
    speakers = [p for p in b.contemporaries(b.people, _era_year(b, fact))
                if p.country not in (None, home) and speaker_kind(b.base, p.id) == kind and p.id in b.speaker_tags
                and not _names_country(b, clause or "", p.country)
                and not truth.said_something_similar(b.base, p.id, fact)]
    on_topic = [p for p in speakers if set(fact.tags) & b.speaker_tags[p.id]]
    return [(p.id, p.name) for p in (on_topic or speakers)]


def denial_items(b: _Builder, allegations: list, facts: list) -> Iterator[Item]:
    """"Who denied the allegation that ...?" with every denial that answers it as a key."""
    for allegation in allegations:
        denials = [f for f in facts if f.kind == "statement" and f.stance == "denial" and f.responds_to == allegation.id]
        deniers = sorted({d.speaker for d in denials})
        clause = said_clause(allegation)
        if not deniers or clause is None or _names_any(b, clause, deniers):
            continue
        kind = b.base.entity_kind(deniers[0])
        candidates = sorted({f.speaker for f in facts if f.kind in ("statement", "quotation")
                             and b.base.entity_kind(f.speaker) == kind and f.speaker not in deniers})
        wrong = [c for c in candidates if not any(truth.said_something_similar(b.base, c, d) for d in denials)]
        if len(wrong) < 2:
            continue
        item_id = f"{allegation.id}:deniers-multi"
        picked = b.rng(item_id).sample(wrong, min(len(wrong), 4 - min(len(deniers), 2)))
        right = deniers[:3]
        yield b.item(item_id=item_id, template="allegation-deniers-multi", type="multiple_select",
                     facts=[allegation, *denials],
                     stem=f"It was alleged that {clause}. Who denied this? Select all that apply.",
                     choices=sorted(((r, b.name(r)) for r in [*right, *picked]), key=lambda vt: vt[1].lower()),
                     key=MultiKey(correct=sorted(choice_id(r) for r in right)),
                     explanation=" ".join(d.statement for d in [allegation, *denials]), difficulty_bonus=0.05)


def quotation_items(b: _Builder, fact) -> Iterator[Item]:
    """"Who said that ... “quote”?": only for quotations with an authored ``said`` clause, which
    embeds the quoted words in a sentence a student can read on its own."""
    speaker = b.name(fact.speaker)
    if not fact.said or speaker.split()[-1].lower() in fact.said.lower():
        return
    lead = f"{capitalise(_when(fact.date))}, " if fact.date else ""
    who = _who(b, fact.speaker)
    explanation = f"{fact.statement} Context: {fact.context}"
    chosen = b.single_choice(item_id=f"{fact.id}:speaker-choice", template="quotation-speaker-choice",
                             stem=f"{lead}{who.lower() if lead else who} said {fact.said}?", facts=[fact],
                             right=(fact.speaker, speaker), wrong=_speaker_pool(b, fact),
                             explanation=explanation, bonus=0.1)
    if chosen:
        yield chosen
    yield from _speaker_true_false(b, fact, speaker, "quotation-speaker-tf",
                                   lambda name: f"{lead}{name} said {fact.said}.", explanation)


# --- disagreements ----------------------------------------------------------------------------------------------

def _source_label(b: _Builder, source_id: str) -> str:
    source = b.base.sources[source_id]
    return f"{source.author.split(' (')[0]} ({source.date.year})"


def disagreement_items(b: _Builder, fact) -> Iterator[Item]:
    sources = sorted(b.base.sources)
    for n, version in enumerate(fact.versions):
        value = version.value or version.says
        wrong = [(s, _source_label(b, s)) for s in sources
                 if not truth.source_gives(fact, s, value) and s not in fact.silent]
        item_id = f"{fact.id}:source-choice:{n}"
        rng = b.rng(item_id)
        picked = rng.sample(wrong, min(len(wrong), N_OPTIONS - 1))
        right = (version.source, _source_label(b, version.source))
        options = sorted([right, *picked], key=lambda vt: vt[1].lower())
        if not fact.ask or len(picked) < 2:
            continue
        yield b.item(item_id=item_id, template="disagreement-source-choice", type="single_choice", facts=[fact],
                     stem=f"The sources disagree on {fact.topic}. {fact.ask.format(value=value)}",
                     choices=options, key=ChoiceKey(correct=choice_id(version.source)), explanation=fact.statement,
                     difficulty_bonus=0.15).model_copy(update={"values": {**{choice_id(s): s for s, _ in options},
                                                                            VERSION: value}})
    values = {(v.value or v.says) for v in fact.versions}
    if len(values) == len(fact.versions) == len({v.source for v in fact.versions}) >= MIN_PAIRS:
        yield b.item(item_id=f"{fact.id}:versions-matching", template="disagreement-matching", type="matching",
                     facts=[fact], stem=f"The sources disagree on {fact.topic}. Match each source to its account.",
                     prompts=[(v.source, _source_label(b, v.source)) for v in fact.versions],
                     choices=sorted((f"says:{v.value or v.says}", v.value or v.says) for v in fact.versions),
                     key=MatchKey(pairs={choice_id(v.source): choice_id(f"says:{v.value or v.says}") for v in fact.versions}),
                     explanation=fact.statement)


# --- the bank ---------------------------------------------------------------------------------------------------

SINGLE_FACT_TEMPLATES = {
    "event": event_items, "person": person_items, "organisation": organisation_items, "quantity": quantity_items,
    "statement": statement_items, "quotation": quotation_items, "disagreement": disagreement_items,
}


def build_bank(base: FactBase, chapters: Iterable[str] | None = None) -> list[Item]:
    """Every item the facts support (optionally for some chapters), sorted by id."""
    wanted = set(chapters) if chapters else set(base.chapters)
    builder = _Builder(base)
    items: list[Item] = []
    for chapter in sorted(wanted):
        builder.ranks.clear()  # balanced per chapter, so a chapter's items are the same in any bank built
        facts = base.in_chapter(chapter)
        for fact in facts:
            items.extend(SINGLE_FACT_TEMPLATES[fact.kind](builder, fact))
        items.extend(event_group_items(builder, [f for f in facts if f.kind == "event"]))
        items.extend(people_group_items(builder, [f for f in facts if f.kind == "person"]))
        items.extend(events_in_year_items(builder, [f for f in facts if f.kind == "event"]))
        statements = [f for f in facts if f.kind == "statement"]
        items.extend(statement_group_items(builder, [f for f in statements if f.speaker not in builder.authors]))
        items.extend(source_group_items(builder, statements))
        allegations = [f for f in facts if f.kind == "statement" and f.stance == "allegation"]
        items.extend(denial_items(builder, allegations, list(base)))
    return sorted(items, key=lambda item: item.id)
