"""What every item family shares: option ids, the per-item random source, options balanced by rank,
and :class:`Builder`, which holds the fact base and assembles items.

The families themselves live in :mod:`afcourse.bank.families`, one module each; :mod:`afcourse.bank.generate`
runs them all.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter, defaultdict
from typing import Callable, Iterator

from afcourse.facts.factbase import FactBase
from afcourse.facts.teaching import taught_facts
from afcourse.facts.models import Citation
from afcourse.bank.difficulty import prior_difficulty
from afcourse.common.text import normalise
from afcourse.bank.models import AnswerKey, Choice, ChoiceKey, Item, Question


N_OPTIONS = 4
YEAR_SPREAD = 6  # year distractors lie within this many years of the key
ERA_YEARS = 12  # a person offered as a distractor was active within this many years of the fact
WIDE_ERA_YEARS = 25  # ... or within this many, where too few people were active nearer the time
SUBSTITUTE = "substitute"
RELATION = "relation"  # understanding items: the relation record asked about
VERSION = "version"  # disagreement items: the account the question asks about
GROUP_SIZE = 4
MIN_PAIRS = 3  # a matching item with two pairs is a true/false in disguise, and Moodle wants three
STANCE_VERBS = {"position": "stated", "assessment": "argued", "report": "reported", "allegation": "alleged",
                "denial": "insisted", "prediction": "predicted"}
"""Verbs that fit "Who <verb> that <gist>?"; a denial's gist is what the denier said, so it "insisted"."""

STOPWORDS = frozenset("the a an of to and or in on for with by from as at its it his her their that this was were is be "
                      "been had has have not no but which who what when than into over after before".split())


def content_words(text: str) -> set[str]:
    """The words of ``text`` that carry meaning (no article, preposition or auxiliary), normalised."""
    return {w for w in normalise(text).split() if w not in STOPWORDS and len(w) > 2}


def nearest(candidates: list, reference: str, text, n: int) -> list:
    """The ``n`` candidates whose ``text(candidate)`` shares most content words with ``reference`` (ties: input
    order): distractors on the asked subject, not ones a student rules out because they are about something else."""
    words = content_words(reference)
    ranked = sorted(enumerate(candidates), key=lambda ic: (-len(words & content_words(text(ic[1]))), ic[0]))
    return [c for _, c in ranked[:n]]


def surname(text: str) -> str:
    """The sort key of a person's name: surname first ("Kabulov zamir")."""
    words = text.lower().split()
    return " ".join([words[-1], *words[:-1]]) if words else ""


def stable_hash(text: str, length: int = 8) -> str:
    """A short hex digest that is the same on every machine and every run."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def choice_id(value: str) -> str:
    """The id of an option, derived from its value so it survives shuffling and regeneration."""
    return "c" + stable_hash(value, 7)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def active_years(base: FactBase) -> dict[str, set[int]]:
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

COMMENTATOR_WORDS = ("expert", "analyst", "professor", "researcher", "journalist", "scholar", "author")

def commentator(person) -> bool:
    """An analyst, scholar or journalist rather than an official or a commander."""
    return any(w in r.title.lower() for r in person.roles for w in COMMENTATOR_WORDS)


class Builder:
    """Shared context for the templates: the fact base and item assembly."""

    def __init__(self, base: FactBase, skip: frozenset[str] = frozenset()):
        self.base = base
        self.skip = skip  # ids of choice items not to make (so that the options of the rest stay balanced)
        self.countries = sorted(base.countries)
        self.authors = {s.author_id: s.id for s in base.sources.values()}
        self.latest_year = max(s.date.year for s in base.sources.values())  # no distractor after the sources
        self.people = [p for p in base.of_kind("person") if p.id not in self.authors]
        self.active_years = active_years(base)
        taught = frozenset().union(*taught_facts().values())
        self.taught = taught if taught.intersection(base.facts) else None  # None: not the package's facts
        self.ranks: dict[str, Counter] = defaultdict(Counter)  # template -> how often the key had each rank
        self.said = Counter(f.speaker for f in base if f.kind in ("statement", "quotation"))  # how often each is a key

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
             explanation: str, difficulty_bonus: float = 0.0, feedback: dict[str, str] | None = None) -> Item:
        """Assemble an Item; ``choices``/``prompts`` are (value, text) pairs; ``feedback`` maps a wrong
        option's value to one sentence on why it is wrong."""
        citations: list[Citation] = []
        for fact in facts:
            citations += [c for c in fact.citations if c not in citations]
        question = Question(
            id=item_id, type=type, stem=stem, chapter=facts[0].chapter,
            choices=[Choice(id=choice_id(v), text=capitalise(t)) for v, t in choices],
            prompts=[Choice(id=choice_id(v), text=capitalise(t)) for v, t in prompts], unit=unit)
        answer = AnswerKey(id=item_id, key=key, explanation=explanation, citations=citations,
                           fact_ids=[f.id for f in facts], objective=self.objective_of(facts), level="recall",
                           feedback={choice_id(v): text for v, text in (feedback or {}).items()})
        difficulty = prior_difficulty(
            type, bonus=difficulty_bonus, options=len(choices),
            elements=len(prompts) if type == "matching" else len(choices) if type == "ordering" else 0,
            taught=None if self.taught is None else all(f.id in self.taught for f in facts),
            sources=len({c.source for c in citations}))
        return Item(question=question, answer=answer, template=template, difficulty=difficulty,
                    values={choice_id(v): v for v, _ in [*choices, *prompts]},
                    occasions=sorted({o for fact in facts for o in occasions(fact)}))

    def objective_of(self, facts: list) -> str | None:
        """The objective of the item's chapter whose facts include one of ``facts`` (the first that does)."""
        chapter = facts[0].chapter
        return next((o for o in (self.base.objective_of_fact(f.id, chapter) for f in facts) if o), None)

    def relation_item(self, *, item_id: str, template: str, type: str, stem: str, relations: list, key,
                      choices: list[tuple[str, str]] = (), prompts: list[tuple[str, str]] = (),
                      feedback: dict[str, str] | None = None, explanation: str, difficulty_bonus: float = 0.1,
                      level: str = "understanding") -> Item:
        """Assemble an understanding item (or, with ``level``, a recall item) from relation records (the first
        is the one asked about).

        ``feedback`` maps an option's value to one sentence on why that option is wrong. The item rests on the
        facts the relations name; its occasions include each relation (and the topic of a view asked about),
        so two items on one relation, or two on whose view of one topic, never share a quiz.
        """
        first = relations[0]
        citations: list[Citation] = []
        for relation in relations:
            citations += [c for c in relation.citations if c not in citations]
        fact_ids: list[str] = []
        for relation in relations:
            for ref in [*relation.facts, *getattr(relation, "made_by", []), *getattr(relation, "denied_by", [])]:
                if ref in self.base.facts and ref not in fact_ids:
                    fact_ids.append(ref)
        facts = [self.base.facts[f] for f in fact_ids]
        question = Question(
            id=item_id, type=type, stem=stem, chapter=first.chapter,
            choices=[Choice(id=choice_id(v), text=capitalise(t)) for v, t in choices],
            prompts=[Choice(id=choice_id(v), text=capitalise(t)) for v, t in prompts])
        answer = AnswerKey(id=item_id, key=key, explanation=explanation, citations=citations, fact_ids=fact_ids,
                           feedback={choice_id(v): text for v, text in (feedback or {}).items()},
                           objective=first.objective, level=level)
        difficulty = prior_difficulty(
            type, bonus=difficulty_bonus, options=len(choices),
            elements=len(prompts) if type == "matching" else len(choices) if type == "ordering" else 0,
            taught=None if self.taught is None else all(f in self.taught for f in fact_ids) if fact_ids else None,
            sources=len({c.source for c in citations}))
        return Item(question=question, answer=answer, template=template, difficulty=difficulty,
                    values={**{choice_id(v): v for v, _ in [*choices, *prompts]}, RELATION: first.id},
                    occasions=sorted({f"relation:{r.id}" for r in relations}
                                     | {f"topic:{r.topic}" for r in relations[:1] if getattr(r, "topic", None)}
                                     | {o for f in facts for o in occasions(f)}))

    def relation_choice(self, *, item_id: str, template: str, stem: str, relations: list, right: tuple[str, str],
                        wrong: list[tuple[str, str, str]], explanation: str, bonus: float = 0.1,
                        level: str = "understanding") -> Item | None:
        """A four-option understanding item: ``right`` and three of ``wrong`` ((value, text, feedback) triples,
        picked per item, deterministically, so that the key's place among the sorted options is balanced over
        the template); None when fewer than three wrong options exist."""
        if len(wrong) < N_OPTIONS - 1:
            return None
        long_enough = [w for w in wrong if 2 * len(w[1]) >= len(right[1])]
        wrong = long_enough if len(long_enough) >= N_OPTIONS - 1 else wrong  # no key twice as long as the rest
        rng = self.rng(item_id)
        below = [w for w in sorted(wrong) if w[1].lower() < right[1].lower()]
        above = [w for w in sorted(wrong) if w[1].lower() >= right[1].lower()]
        rng.shuffle(below)
        rng.shuffle(above)
        picked = balanced_options(0, below, above, rng, self.ranks[template]) if len(wrong) > N_OPTIONS - 1 else None
        picked = picked if picked is not None else rng.sample(sorted(wrong), N_OPTIONS - 1)
        options = sorted([right, *((v, t) for v, t, _ in picked)], key=lambda vt: vt[1].lower())
        return self.relation_item(item_id=item_id, template=template, type="single_choice", stem=stem,
                                  relations=relations, key=ChoiceKey(correct=choice_id(right[0])), choices=options,
                                  feedback={v: f for v, _, f in picked}, explanation=explanation,
                                  difficulty_bonus=bonus, level=level)

    def single_choice(self, *, item_id, template, stem, facts, right: tuple[str, str], wrong: list[tuple[str, str]],
                      explanation, bonus=0.0, why_wrong: Callable[[str, str], str] | None = None,
                      order: Callable[[str], str] = str.lower, prefer: Callable[[str], float] | None = None) -> Item | None:
        """A four-option item with ``right`` and three of ``wrong`` (picked per item, deterministically).

        Options are shown sorted by ``order(text)`` (surnames for people). When there are more wrong options
        than places, the key's rank among the sorted options is balanced over the template's items, and
        ``prefer(value)`` (higher first) narrows the choice to the likeliest distractors, e.g. people who are
        often the key elsewhere, so that no one's being offered gives the answer away.
        ``why_wrong(value, text)`` gives the feedback on a wrong option; without it the feedback names the
        right answer."""
        if len(wrong) < N_OPTIONS - 1 or item_id in self.skip:
            return None
        rng = self.rng(item_id)
        pool = sorted(wrong)
        if prefer is not None and len(pool) > N_OPTIONS + 1:
            ranked = sorted(pool, key=lambda vt: (-prefer(vt[0]), vt))
            pool = sorted(ranked[:N_OPTIONS + 2])
        below = [w for w in pool if order(w[1]) < order(right[1])]
        above = [w for w in pool if order(w[1]) >= order(right[1])]
        rng.shuffle(below)
        rng.shuffle(above)
        picked = balanced_options(0, below, above, rng, self.ranks[template]) if len(pool) > N_OPTIONS - 1 else None
        picked = picked if picked is not None else rng.sample(pool, N_OPTIONS - 1)
        options = sorted([right, *picked], key=lambda vt: order(vt[1]))
        why_wrong = why_wrong or (lambda value, text: f"Not {text}: the answer the sources give is {right[1]}.")
        return self.item(item_id=item_id, template=template, type="single_choice", stem=stem, facts=facts,
                         key=ChoiceKey(correct=choice_id(right[0])), choices=options, explanation=explanation,
                         difficulty_bonus=bonus, feedback={v: why_wrong(v, t) for v, t in picked})

    def true_false(self, *, item_id, template, facts, true_text: str, false_text: str, substitute: str,
                   explanation) -> Item:
        """A true/false item; half the time (decided per item id) it asks the false version.

        ``substitute`` is the value swapped in to make ``false_text`` false; it is kept
        in the item's values so the linter can check that it really is false.
        """
        ask_false = false_text is not None and self.rng(item_id).random() < 0.5
        stem = f"True or false? {false_text if ask_false else true_text}"
        feedback = {"true": f"It is false. {true_text}"} if ask_false else {"false": f"It is true: {explanation}"}
        item = self.item(item_id=item_id, template=template, type="true_false", stem=stem, facts=facts,
                         key=ChoiceKey(correct=choice_id("false" if ask_false else "true")),
                         choices=[("true", "True"), ("false", "False")], explanation=explanation, feedback=feedback)
        if ask_false:
            item = item.model_copy(update={"values": {**item.values, SUBSTITUTE: substitute}})
        return item


def when_text(date) -> str:
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


def groups(facts: list, fits: Callable[[list], bool]) -> Iterator[list]:
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


def outsider_states(b: Builder, insiders: list[str]) -> list[tuple[str, str]]:
    """States not in ``insiders``, from the same regions when there are enough of them."""
    regions = {b.base.countries[c].region for c in insiders if c in b.base.countries}
    others = [c for c in b.countries if c not in insiders]
    near = [c for c in others if b.base.countries[c].region in regions]
    return [(c, b.name(c)) for c in (near if len(near) >= N_OPTIONS - 1 else others)]



def names_any(b: Builder, text: str, refs) -> bool:
    """Does ``text`` name any of ``refs``, by name or by a state's alias ("US-Russian" names the United
    States), so that an option would repeat the stem?"""
    words = " " + " ".join(re.findall(r"[\w.]+", text.lower().replace("-", " "))) + " "
    forms = lambda r: [b.name(r), *(b.base.countries[r].aliases if r in b.base.countries else [])]
    return any(f" {form.lower().removeprefix('the ')} " in words for r in refs for form in forms(r))


def source_label(b: Builder, source_id: str) -> str:
    """A source as an option reads: its author, with no year (a year lets a student rule a source out
    without knowing what it says)."""
    return b.base.sources[source_id].author.split(" (")[0]


def surname_unique(b: Builder, fact) -> bool:
    surname = fact.name.split()[-1].lower()
    return sum(1 for p in b.people if p.name.split()[-1].lower() == surname) == 1
