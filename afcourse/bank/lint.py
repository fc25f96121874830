"""The item linter: every rule a generated (or hand-edited) item must keep.

Form: a valid key for the type, distinct options, an explanation and a citation, a
stem that does not contain or give away the answer. Truth: re-checked against the
fact base, no distractor (and no true/false substitution) is also right, and
contested facts are asked only as attribution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from afcourse.bank import truth
from afcourse.facts.factbase import FactBase
from afcourse.bank.builder import MIN_PAIRS, RELATION, SUBSTITUTE, VERSION, YEAR_SPREAD, capitalise
from afcourse.bank.families.concepts import names_concept
from afcourse.bank.families.events import MIN_SEQUENCE_MONTHS, SEQUENCE_SPAN_YEARS, months_apart
from afcourse.bank.families.people import specific_role
from afcourse.bank.families.positions import speaks_for
from afcourse.bank.families.statements import speaker_kind
from afcourse.bank.models import CONCEPT, ChoiceKey, Item, MatchKey, MultiKey, NumericKey, OrderKey, TextKey
from afcourse.common.text import normalise

ATTRIBUTION_TEMPLATES = {"statement-speaker-choice", "statement-speaker-tf", "quotation-speaker-choice",
                         "statement-speaker-short", "statements-speaker-matching", "statement-source-choice",
                         "statement-source-short", "quotation-speaker-short",
                         "quotation-speaker-tf", "claims-source-matching",
                         "allegation-deniers-multi",
                         "disagreement-source-choice", "disagreement-matching"}
KEY_TYPES = {"single_choice": ChoiceKey, "true_false": ChoiceKey, "multiple_select": MultiKey,
             "short_answer": TextKey, "numeric": NumericKey, "ordering": OrderKey, "matching": MatchKey}
BANNED_OPTIONS = ("all of the above", "none of the above", "both of the above")
STOCK_PHRASES = ("what is the figure for", "(answer in", "did this happen", "the sources describe as",
                 "(no position given)", "who said this", "according to the sources:", "which source gives this answer")
"""Template phrases a teacher would never write; a stem that needs one needs an authored field instead."""
MAX_STEM_WORDS = 40  # a longer stem is a pasted statement, not a question
FALSE_MULTIPLES = (2, 3, 4, 0.5, 0.25)  # checked from a key of 10: small counts (3 rounds) have multiples near them
SKEW_SHARE = 0.5  # no rank of the key among sorted numeric options may hold more than this share...
SKEW_MIN_ITEMS = 8  # ... of a template's items, once it has this many
NUMERIC_OPTION_TEMPLATES = ("event-year-choice", "org-founded-choice", "quantity-choice")
SPEAKER_TEMPLATES = ("statement-speaker-choice", "quotation-speaker-choice")
ROLE_TEMPLATES = ("person-role-choice", "person-role-short")
REMOVED_TEMPLATES = {
    "event-date-tf": "'the sources date X to Y' reads as machine-made and tests a date, not a point",
    "quantity-tf": "a number nudged one step tests nothing a reader would remember",
    "person-role-tf": "job titles at exact dates are trivia",
    "people-role-matching": "posts of people the course barely mentions are trivia",
    "events-first-choice": "a set with one event far from the others orders itself",
    "statement-speaker-tf": "a speaker swapped for the other camp is plainly false from the claim itself",
    "quotation-speaker-tf": "a speaker swapped for the other camp is plainly false from the quotation itself",
}
"""Families readers found useless (issue 21): an item of one of them, hand-made or from an old bank, is refused."""


@dataclass(frozen=True)
class LintProblem:
    item_id: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.item_id}: [{self.code}] {self.message}"


def lint_items(items: list[Item], base: FactBase) -> list[LintProblem]:
    """Every problem in ``items``; empty when all pass."""
    problems: list[LintProblem] = []
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            problems.append(LintProblem(item.id, "duplicate-id", "two items share this id"))
        seen.add(item.id)
        problems += [LintProblem(item.id, code, message) for code, message in _check(item, base)]
    problems += _check_key_ranks(items)
    return problems


def key_rank(item: Item) -> int | None:
    """Where the key sits among an item's options sorted by value (0 = smallest); None if not numeric."""
    try:
        values = sorted(float(item.values[c.id].replace(",", "")) for c in item.question.choices)
        return values.index(float(item.values[item.answer.key.correct].replace(",", "")))
    except (KeyError, ValueError, AttributeError):
        return None


def _check_key_ranks(items: list[Item]):
    """Bank-wide: in each template with numeric options, the key is not mostly the smallest, the
    largest or the middle option (students learn to guess a position)."""
    by_template: dict[str, list[int]] = {}
    for item in items:
        if item.template in NUMERIC_OPTION_TEMPLATES:
            rank = key_rank(item)
            if rank is not None:
                by_template.setdefault(item.template, []).append(rank)
    for template, ranks in sorted(by_template.items()):
        if len(ranks) < SKEW_MIN_ITEMS:
            continue
        rank, count = max(((r, ranks.count(r)) for r in set(ranks)), key=lambda rc: rc[1])
        if count / len(ranks) > SKEW_SHARE:
            yield LintProblem(template, "key-rank-skew", f"the key is option {rank + 1} of the sorted options in "
                                                          f"{count} of {len(ranks)} items")


def _check(item: Item, base: FactBase):
    q, a = item.question, item.answer
    key = a.key
    if not isinstance(key, KEY_TYPES[q.type]):
        yield "key-type", f"a {q.type} item needs a {KEY_TYPES[q.type].__name__}, not {type(key).__name__}"
        return
    choice_ids = [c.id for c in q.choices]
    if len(set(choice_ids)) != len(choice_ids) or len({p.id for p in q.prompts}) != len(q.prompts):
        yield "duplicate-choice-id", "two options share an id"
    for group, label in ((q.choices, "options"), (q.prompts, "prompts")):
        texts = [normalise(c.text) for c in group]
        if len(set(texts)) != len(texts):
            yield "options-not-distinct", f"two {label} read the same after normalisation"
        if any(bad in t for t in texts for bad in BANNED_OPTIONS):
            yield "banned-option", "options such as 'all of the above' are not allowed"
    yield from _check_key(q, key, choice_ids)
    if not a.explanation.strip():
        yield "no-explanation", "an item needs an explanation"
    if not a.citations:
        yield "no-citation", "an item needs at least one citation"
    unknown = [f for f in a.fact_ids if f not in base.facts]
    if unknown:
        yield "unknown-fact", f"rests on unknown fact(s): {', '.join(unknown)}"
        return
    facts = [base.facts[f] for f in a.fact_ids]
    if a.objective is not None and a.objective not in base.objectives:
        yield "unknown-objective", f"tests unknown objective {a.objective!r}"
    yield from _check_feedback(item)
    if item.template in REMOVED_TEMPLATES:
        yield "removed-family", f"{item.template!r} items were removed: {REMOVED_TEMPLATES[item.template]}"
    if a.level == "understanding":
        yield from _check_stem(item)
        yield from _check_understanding(item, base)
        return
    if item.template in DEFINITION_TEMPLATES:
        yield from _check_stem(item)
        yield from _check_definition(item, base)
        return
    if any(f.contested for f in facts) and item.template not in ATTRIBUTION_TEMPLATES:
        yield "contested-as-fact", "a contested or alleged claim may only be asked as attribution"
    yield from _check_stem(item)
    yield from _check_wording(item, facts, base)
    yield from _check_truth(item, facts, base)


def _check_key(q, key, choice_ids):
    ids = set(choice_ids)
    if isinstance(key, ChoiceKey):
        if key.correct not in ids:
            yield "key-missing", "the key is not among the options"
        if q.type == "single_choice" and len(choice_ids) < 3:
            yield "too-few-options", "a single-choice item needs at least three options"
    elif isinstance(key, MultiKey):
        if not key.correct or not set(key.correct) <= ids:
            yield "key-missing", "the keys must be a non-empty subset of the options"
        elif set(key.correct) == ids:
            yield "no-distractor", "a multiple-select item needs at least one wrong option"
    elif isinstance(key, TextKey):
        if not any(a.strip() for a in key.accepted):
            yield "key-missing", "a short-answer item needs at least one accepted answer"
    elif isinstance(key, OrderKey):
        if sorted(key.order) != sorted(choice_ids) or len(choice_ids) < 3:
            yield "key-missing", "the order must list each of at least three elements once"
    elif isinstance(key, MatchKey):
        if set(key.pairs) != {p.id for p in q.prompts} or not set(key.pairs.values()) <= ids:
            yield "key-missing", "every prompt needs exactly one matching option"
        elif len(set(key.pairs.values())) != len(key.pairs):
            yield "key-ambiguous", "two prompts share an answer"


def _key_texts(q, key) -> list[str]:
    by_id = {c.id: c.text for c in q.choices}
    if isinstance(key, ChoiceKey) and q.type == "single_choice":
        return [by_id.get(key.correct, "")]
    if isinstance(key, MultiKey):
        return [by_id.get(k, "") for k in key.correct]
    if isinstance(key, TextKey):
        return key.accepted
    if isinstance(key, NumericKey):
        return [f"{key.value:g}"]
    return []


def _check_stem(item: Item):
    q, key = item.question, item.answer.key
    stem = f" {normalise(q.stem)} "
    for text in _key_texts(q, key):
        if normalise(text) and f" {normalise(text)} " in stem:
            yield "stem-gives-key", f"the stem contains the answer {text!r}"
    if normalise(q.stem).endswith((" a", " an")):
        yield "stem-grammar-cue", "a stem ending in 'a'/'an' gives away the answer's first letter"
    if not q.stem.rstrip().endswith(("?", ".", ":", ".)", "?)", "\u201d")):
        yield "stem-unfinished", "a stem ends with a question mark, a full stop, a colon or a closing quotation mark"
    if isinstance(key, ChoiceKey) and q.type == "single_choice":
        lengths = [len(c.text) for c in q.choices if c.id != key.correct]
        right = next((len(c.text) for c in q.choices if c.id == key.correct), 0)
        if lengths and right > 2 * median(lengths) and right - median(lengths) > 15:
            yield "key-length-cue", "the key is much longer than the distractors"


def _check_wording(item: Item, facts: list, base: FactBase):
    """The rules that keep an item reading as a teacher's: no stock phrase or pasted statement, units
    right, distractors of the answer's kind, one person fitting a role's time, hedges kept."""
    q, values, fact = item.question, item.values, facts[0]
    stem = q.stem.lower()
    for phrase in STOCK_PHRASES:
        if phrase in stem:
            yield "stock-phrase", f"the stem uses the template phrase {phrase!r}"
    words = len(q.stem.removeprefix("True or false? ").removesuffix(" (A surname is enough.)").split())
    if words > MAX_STEM_WORDS:
        yield "stem-too-long", f"the stem has {words} words (at most {MAX_STEM_WORDS})"
    if any(f.statement in q.stem for f in facts):
        yield "pasted-statement", "the stem pastes a fact's whole statement"
    for text in [q.stem, *(c.text for c in q.choices), *(p.text for p in q.prompts)]:
        if re.search(r"(?<![\d,.])1 (?!percent)[a-z]+(?:s|men)\b", text):
            yield "unit-plural", f"a plural unit after 1: {text!r}"
    if item.template == "quantity-choice":
        key = float(values[item.answer.key.correct].replace(",", ""))
        wrong = [float(values[c.id].replace(",", "")) for c in q.choices if c.id != item.answer.key.correct]
        if key >= 10 and any(abs(w / key - m) < 1e-9 for w in wrong for m in FALSE_MULTIPLES):
            yield "numeric-multiple", "a distractor is a simple multiple of the key"
    if item.template in SPEAKER_TEMPLATES:
        kinds = {speaker_kind(base, values[c.id]) for c in q.choices}
        if len(kinds) > 1:
            yield "speaker-kind", f"the options mix kinds of speaker: {', '.join(sorted(kinds))}"
    if item.template in ROLE_TEMPLATES and not specific_role(fact.roles[int(item.id.rsplit(":", 1)[1])]):
        yield "role-time-loose", "the role is not dated precisely enough for only one person to fit"
    if item.template.startswith("org-founded") and fact.founding_disputed:
        yield "founding-disputed", "the sources or common knowledge give two founding years: do not ask it"
    for org in base.of_kind("organisation"):
        if org.abbreviation and not org.abbreviation_used and re.search(rf"\b{org.abbreviation}\b", q.stem):
            yield "abbreviation", f"the stem uses {org.abbreviation!r}, which the sources do not"
    if fact.kind in ("event", "quantity") and base.objective_of_fact(fact.id, fact.chapter) is None:
        yield "off-objective-" + fact.kind, f"the {fact.kind} teaches none of its chapter's objectives: trivia"
    if item.template == "statement-source-choice" and fact.stance == "report":
        yield "source-of-a-report", "which source reports a fact is trivia; ask which source argues a thesis"
    if item.template == "event-month-choice" and not fact.month_matters:
        yield "month-trivia", "the month of this event is not marked as worth knowing (month_matters)"
    if item.template in SPEAKER_TEMPLATES and base.entity_kind(fact.speaker) == "country":
        yield "state-speaker", "'which government said ...' is answered by the course's subject, not by reading"
    if item.template == "event-month-choice":
        taken = truth.related_months(base, fact) - {fact.date.month}
        if any(int(values[c.id]) in taken for c in q.choices if c.id != item.answer.key.correct):
            yield "month-defensible", "a distractor month is the month of a related event that year"
    if q.type == "matching" and len(q.prompts) < MIN_PAIRS:
        yield "too-few-pairs", f"a matching item needs at least {MIN_PAIRS} pairs"
    if any(getattr(f, "reported", False) for f in facts) and "reportedly" not in stem:
        yield "hedge-dropped", "a reported claim must be asked with 'reportedly'"


def _check_truth(item: Item, facts: list, base: FactBase):
    """Re-derive, from the facts, that every distractor is wrong."""
    q, key, values = item.question, item.answer.key, item.values
    fact = facts[0]
    right = _correct_ids(key)
    wrong = [values.get(c.id) for c in q.choices if c.id not in right]
    template = item.template
    if template == "event-year-choice":
        bad = [w for w in wrong if int(w) in truth.event_years(fact)]
    elif template == "event-month-choice":
        bad = [w for w in wrong if int(w) == fact.date.month]
    elif template == "org-founded-choice":
        bad = [w for w in wrong if int(w) == fact.founded.year]
    elif template in ("event-participant-choice", "event-participants-multi"):
        bad = [w for w in wrong if w in fact.participants]
    elif template == "event-nonparticipant-choice":
        bad = [values[k] for k in right if values[k] in fact.participants]
        bad += [w for w in wrong if w not in fact.participants]
    elif template == "org-members-multi":
        bad = [w for w in wrong if w in fact.members]
    elif template == "org-nonmember-choice":
        bad = [values[k] for k in right if values[k] in fact.members] + [w for w in wrong if w not in fact.members]
    elif template == "person-role-choice":
        title = fact.roles[int(item.id.rsplit(":", 1)[1])].title  # the id ends with the role's index
        bad = [w for w in wrong if truth.holds_similar_role(base.facts[w], title)]
    elif template in ("statement-speaker-choice", "quotation-speaker-choice"):
        bad = [w for w in wrong if w == fact.speaker or truth.said_something_similar(base, w, fact)]
    elif template in ("statement-speaker-tf", "quotation-speaker-tf") and SUBSTITUTE in values:
        sub = values[SUBSTITUTE]
        bad = [sub] if sub == fact.speaker or truth.said_something_similar(base, sub, fact) else []
    elif template == "disagreement-source-choice":
        given = values[next(iter(right))]
        answer = values[VERSION]
        bad = [w for w in wrong if truth.source_gives(fact, w, answer) or w in fact.silent]
        bad += [] if truth.source_gives(fact, given, answer) else [f"key {given}"]
    elif template == "events-in-year-multi":
        year = int(item.question.stem.split(" in ", 1)[1].split("?")[0])
        bad = [w for w in wrong if year in truth.event_years(base.facts[w])]
        bad += [values[k] for k in right if year not in truth.event_years(base.facts[values[k]])]
        if any(min(abs(y - year) for y in truth.event_years(base.facts[w])) > YEAR_SPREAD for w in wrong):
            yield "era-giveaway", f"a wrong option happened more than {YEAR_SPREAD} years from {year}"
    elif template == "allegation-deniers-multi":
        denials = [f for f in facts[1:]]
        bad = [w for w in wrong if any(d.speaker == w or truth.said_something_similar(base, w, d) for d in denials)]
    elif template == "statement-source-choice":
        shared = {c.source for c in fact.also_made_in}
        bad = [w for w in wrong if w == values[next(iter(right))] or w in shared
               or truth.author_claims_similar(base, base.sources[w].author_id, fact)]
    elif template in ("statements-speaker-matching", "claims-source-matching"):
        sources = {s.author_id: s.id for s in base.sources.values()}
        bad = [f.id for f in facts for g in facts if f is not g and (
            f.speaker == g.speaker or truth.said_something_similar(base, f.speaker, g)
            or sources.get(f.speaker) in {c.source for c in getattr(g, "also_made_in", ())})]
    elif template == "statement-source-short":  # a typed answer must be the only right one
        bad = [s for s, source in base.sources.items() if source.author_id != fact.speaker and (
            s in {c.source for c in fact.also_made_in} or truth.author_claims_similar(base, source.author_id, fact))]
    elif template == "quantity-choice":
        bad = [w for w in wrong if float(w.replace(",", "")) == fact.value]
    elif template == "events-sequence-tf":
        earlier, later = facts
        said_first = earlier if q.stem.startswith(f"True or false? {capitalise(earlier.name)} came") else later
        asked_true = values[next(iter(right))] == "true"
        bad = [] if months_apart(earlier, later, MIN_SEQUENCE_MONTHS) and asked_true == (said_first is earlier) \
            else ["order"]
        if later.date.year - earlier.date.year > SEQUENCE_SPAN_YEARS:
            yield "era-giveaway", f"the two events lie more than {SEQUENCE_SPAN_YEARS} years apart"
    elif template == "events-ordering":
        order = [values[c] for c in key.order]
        dated = [base.facts[e] for e in order]
        bad = [] if all(a.date < b.date for a, b in zip(dated, dated[1:])) else ["order"]
    else:
        bad = []
    for value in bad:
        yield "distractor-true", f"option {value!r} is also right according to the facts"


UNDERSTANDING_TEMPLATES = {"why-choice", "evidence-status-choice", "position-view-choice", "positions-matching",
                           "positions-pair-multi", "concept-case-choice", "concept-idea-choice",
                           "consequence-effect-choice", "consequences-matching", "accounts-status-choice",
                           "position-holder-tf",
                           "accounts-implies-choice"}


DANGLING = re.compile(r"(?:because )?(?:his|her|their|he|she|they|this|that|these|the plan)\b", re.IGNORECASE)
"""An option read beside other questions must stand alone: "his government ..." names no one."""


def _check_understanding(item: Item, base: FactBase):
    """The rules of the understanding families: an objective and feedback on every wrong option; the key
    re-derived from the relation records; no wrong option that a source links to the asked point."""
    q, a, values = item.question, item.answer, item.values
    if item.template not in UNDERSTANDING_TEMPLATES:
        yield "unknown-family", f"no understanding family makes {item.template!r} items"
        return
    if a.objective is None:
        yield "no-objective", "an understanding item names the objective it tests"
    right = _correct_ids(a.key)
    wrong_ids = [c.id for c in q.choices if c.id not in right]
    if item.template.startswith("accounts-"):
        yield from _check_accounts(item, base)
        return
    relation = base.relations.get(values.get(RELATION, ""))
    if relation is None:
        yield "unknown-relation", f"rests on unknown relation {values.get(RELATION)!r}"
        return
    if a.objective is not None and a.objective != relation.objective:
        yield "objective-mismatch", f"the relation serves {relation.objective!r}, the item says {a.objective!r}"
    wrong = [values.get(c) for c in wrong_ids]
    keyed = [values.get(c) for c in right]
    template = item.template
    if template in ("concept-case-choice", "concept-idea-choice") \
            and names_concept(relation.case, base.concepts[relation.concept].term):
        yield "case-names-concept", f"the case uses the word of the concept it illustrates ({relation.concept!r})"
    bad: list[str] = []
    if template == "why-choice":
        if keyed != [relation.id]:
            yield "key-not-relation", "the key of a why item is the reason of the relation asked about"
        for value in wrong:
            if value.startswith("misconception:"):
                owner = base.relations.get(value.split(":")[1])
                if owner is None or not truth.same_action(owner, relation):
                    yield "misconception-foreign", f"{value!r} is not a misconception recorded for this action"
                continue
            other = base.relations.get(value)
            if other is None or other.kind != "reason":
                bad.append(value)
            elif truth.same_action(other, relation) or truth.reason_linked(base, relation, other.reason):
                yield "distractor-linked-reason", f"a source links the reason of {value!r} to the asked action"
            elif other.actor != relation.actor:
                yield "reason-other-actor", f"{value!r} is a reason of {other.actor!r}, not of {relation.actor!r}"
    elif template == "evidence-status-choice":
        if keyed != [relation.status]:
            yield "status-mismatch", f"the key {keyed} is not the claim's recorded status {relation.status!r}"
        made = [base.facts[f] for f in [*relation.made_by, *relation.denied_by, *relation.facts] if f in base.facts]
        alleged = relation.denied_by or any(getattr(f, "stance", None) in ("allegation", "denial") for f in made)
        if "established" in keyed and alleged:
            yield "allegation-as-established", "a claim that is alleged or denied is keyed as an established fact"
        if "established" in keyed and any(f.kind == "disagreement" for f in made):
            yield "disputed-as-established", "a claim the sources give different accounts of is keyed as established"
    elif template in ("position-view-choice", "positions-pair-multi"):
        asked = [base.relations[v] for v in keyed if v in base.relations]
        for value in wrong:
            other = base.relations.get(value)
            if other is None or any(other.holder == p.holder or truth.holds_view(base, p.holder, other.topic, other.view)
                                    for p in asked):
                bad.append(value)
    elif template == "positions-matching":
        for prompt, choice in a.key.pairs.items():
            view = base.relations.get(values.get(choice, ""))
            if view is None or view.holder != values.get(prompt):
                bad.append(values.get(choice, choice))
            elif any(truth.holds_view(base, values.get(p), view.topic, view.view) for p in a.key.pairs if p != prompt):
                yield "view-shared", f"another holder of the item also holds the view of {view.id!r}"
    elif template == "concept-case-choice":
        for value in wrong:
            other = base.relations.get(value)
            if other is None or other.concept == relation.concept or relation.concept in other.also_fits \
                    or truth.fits_concept(base, other.case, relation.concept):
                yield "case-also-fits", f"the case of {value!r} also fits {relation.concept!r}"
    elif template == "concept-idea-choice":
        if keyed != [relation.concept]:
            yield "key-not-relation", "the key of a concept item is the concept the case exemplifies"
        for value in wrong:
            if value not in base.concepts or value == relation.concept or value in relation.also_fits \
                    or truth.fits_concept(base, relation.case, value):
                yield "case-also-fits", f"the case also fits the wrong option {value!r}"
    elif template == "position-holder-tf":
        substitute = values.get(SUBSTITUTE)
        asked_false = a.key.correct == [c.id for c in q.choices if c.text == "False"][0]
        if asked_false and (substitute is None or substitute == relation.holder
                            or truth.holds_view(base, substitute, relation.topic, relation.view)
                            or speaks_for(base, substitute, relation.holder)):
            yield "distractor-true", f"the swapped-in holder {substitute!r} also holds the view, or speaks for its holder"
    elif template == "consequence-effect-choice":
        for value in wrong:
            other = base.relations.get(value)
            if other is None or truth.clauses_similar(other.cause, relation.cause) \
                    or truth.effect_linked(base, relation, other.effect):
                yield "effect-linked", f"a source traces the effect of {value!r} to the asked cause"
            elif other.id in truth.follows_on(base, relation):
                yield "effect-downstream", f"{value!r} follows in turn from the asked cause's effect"
            elif truth.effects_alike(other, relation):
                yield "effect-alike", f"{value!r} is the same kind of outcome as the key (theme {other.theme!r})"
        others = [base.relations[v] for v in wrong if v in base.relations]
        if len(others) >= 3 and all(truth.effects_alike(o, others[0]) for o in others[1:]):
            yield "odd-one-out", f"every wrong option is one kind of outcome (theme {others[0].theme!r}): the key stands out"
    elif template == "consequences-matching":
        for prompt, choice in a.key.pairs.items():
            cause = base.relations.get(values.get(prompt, "").removeprefix("cause:"))
            for other_prompt, other_choice in a.key.pairs.items():
                effect = base.relations.get(values.get(other_choice, ""))
                if cause is None or effect is None:
                    bad.append(values.get(choice, choice))
                elif other_prompt != prompt and truth.effect_linked(base, cause, effect.effect):
                    yield "effect-linked", f"a source traces {effect.id!r} to the cause of {cause.id!r} as well"
    for value in bad:
        yield "distractor-true", f"option {value!r} is also right according to the relation records"
    for text in [c.text for c in q.choices] + [p.text for p in q.prompts]:
        if DANGLING.match(text):
            yield "dangling-reference", f"the option {text!r} points back to something it does not name"


DEFINITION_TEMPLATES = {"concept-term-choice", "concept-term-short", "concept-definition-tf"}


def _check_definition(item: Item, base: FactBase):
    """Know-a-concept items: the key re-derived from the course's definitions, the cited case one of the
    concept's own, and a true/false swap another concept's definition."""
    q, values = item.question, item.values
    concept = base.concepts.get(values.get(CONCEPT, ""))
    example = base.relations.get(values.get(RELATION, ""))
    if concept is None or example is None or concept.id not in (example.concept, *example.also_fits):
        yield "unknown-relation", "a definition item names its concept and one of the concept's cases"
        return
    if item.answer.objective != concept.objective:
        yield "objective-mismatch", f"the concept names {concept.objective!r}, the item says {item.answer.objective!r}"
    right = _correct_ids(item.answer.key)
    if item.template == "concept-term-choice":
        keyed = [values.get(c) for c in right]
        wrong = [values.get(c.id) for c in q.choices if c.id not in right]
        if keyed != [concept.id] or any(w not in base.concepts or w == concept.id for w in wrong):
            yield "distractor-true", "the key of a term item is the concept defined; the wrong options are other terms"
    elif item.template == "concept-term-short":
        if normalise(concept.term) not in {normalise(t) for t in item.answer.key.accepted}:
            yield "key-not-term", f"the accepted answers leave out the term {concept.term!r}"
    else:
        shown = base.concepts.get(values.get(SUBSTITUTE, concept.id))
        asked_true = values.get(next(iter(right))) == "true"
        if shown is None or asked_true != (shown.id == concept.id) or shown.definition[1:] not in q.stem:
            yield "distractor-true", "the statement's truth does not follow from the definition it shows"


def _check_feedback(item: Item):
    """Every wrong option of a choice item says why it is wrong; the key carries no such sentence."""
    q, a = item.question, item.answer
    if q.type not in ("single_choice", "multiple_select", "true_false"):
        return
    right = _correct_ids(a.key)
    missing = [item.values.get(c.id, c.id) for c in q.choices if c.id not in right and not a.feedback.get(c.id, "").strip()]
    if missing:
        yield "feedback-missing", f"wrong option(s) without feedback: {', '.join(missing)}"
    if set(a.feedback) & right:
        yield "feedback-on-key", "the key carries feedback meant for a wrong option"


def _check_accounts(item: Item, base: FactBase):
    """Weigh-accounts items never key one version as the true one: the key says the sources differ."""
    fact = base.facts.get(item.answer.fact_ids[0]) if item.answer.fact_ids else None
    if fact is None or fact.kind != "disagreement":
        yield "unknown-fact", "a weigh-accounts item rests on a disagreement fact"
        return
    if len({v.source for v in fact.versions}) < 2:
        yield "no-disagreement", "the sources give one account: there is nothing to weigh"
    if item.template == "accounts-status-choice" and [item.values.get(k) for k in _correct_ids(item.answer.key)] != ["unsettled"]:
        yield "version-keyed-true", "a weigh-accounts item keys one reading as settled"


def _correct_ids(key) -> set[str]:
    if isinstance(key, ChoiceKey):
        return {key.correct}
    if isinstance(key, MultiKey):
        return set(key.correct)
    return set()


def person_key_rates(items: list[Item], base: FactBase) -> dict[str, tuple[int, int]]:
    """Person or body id -> (choice items offering them, items where they are the key), over single-choice
    items whose options are all people or all bodies: one nearly always the key when offered is a cue."""
    offered: dict[str, int] = {}
    keyed: dict[str, int] = {}
    for item in items:
        if item.question.type != "single_choice":
            continue
        values = [item.values.get(c.id) for c in item.question.choices]
        kinds = {base.facts[v].kind if v in base.facts else None for v in values}
        if kinds not in ({"person"}, {"organisation"}):
            continue
        for value in values:
            offered[value] = offered.get(value, 0) + 1
        key = item.values.get(item.answer.key.correct)
        keyed[key] = keyed.get(key, 0) + 1
    return {p: (n, keyed.get(p, 0)) for p, n in offered.items()}


def key_positions(items: list[Item]) -> dict[str, list[int]]:
    """Template -> how many of its single-choice items have the key at each place (1st, 2nd ...) of the
    options as shown."""
    found: dict[str, list[int]] = {}
    for item in items:
        if item.question.type == "single_choice":
            ids = [c.id for c in item.question.choices]
            counts = found.setdefault(item.template, [0] * len(ids))
            if len(counts) < len(ids):
                counts.extend([0] * (len(ids) - len(counts)))
            counts[ids.index(item.answer.key.correct)] += 1
    return found


__all__ = ["LintProblem", "key_positions", "lint_items", "person_key_rates"]
