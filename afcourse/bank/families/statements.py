"""Statement and quotation families, asked as attribution only: who said it, which source argues it,
who denied an allegation, and matching claims to speakers or sources."""

from __future__ import annotations

from typing import Callable, Iterator

from afcourse.facts.factbase import FactBase
from afcourse.bank.builder import (N_OPTIONS, STANCE_VERBS, Builder, capitalise, choice_id, commentator, groups,
                                   names_any, names_country, source_label, stable_hash, surname, surname_unique,
                                   when_text)
from afcourse.bank.models import ChoiceKey, Item, MatchKey, MultiKey, TextKey
from afcourse.bank import truth


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
        return "commentator" if commentator(base.facts[speaker]) else "official"
    if kind == "organisation":
        category = base.facts[speaker].category
        return next((f"bodies-{n}" for n, group in enumerate(BODY_KINDS) if category in group), category)
    return kind


def _era_year(b: Builder, fact) -> int | None:
    """The year a statement belongs to: its own date, else the year of the source that reports it."""
    if fact.date:
        return fact.date.year
    years = [b.base.sources[c.source].date.year for c in fact.citations if c.source in b.base.sources]
    return min(years) if years else None


def _speaker_pool(b: Builder, fact) -> list[tuple[str, str]]:
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


def _people_options(b: Builder, speaker: str) -> dict:
    """For a person speaker: options sorted by surname, and the people most often quoted preferred as wrong
    options, so that being offered does not mark someone as the answer."""
    if b.base.entity_kind(speaker) != "person":
        return {}
    return {"order": surname, "prefer": lambda ref: b.said[ref]}


def _who(b: Builder, speaker: str) -> str:
    """The question word for a speaker: "Which government" for a state, "Who" otherwise."""
    return "Which government" if b.base.entity_kind(speaker) == "country" else "Who"


def source_items(b: Builder, fact) -> Iterator[Item]:
    """A source author's own claim, asked as "Which of the course's sources argues that ...?"."""
    clause = said_clause(fact)
    if clause is None:
        return
    verb = {"assessment": "argues", "report": "reports", "prediction": "predicts",
            "allegation": "alleges"}.get(fact.stance, "states")
    own = b.authors[fact.speaker]
    shared = {c.source for c in fact.also_made_in}
    wrong = [(s, source_label(b, s)) for s, source in sorted(b.base.sources.items())
             if s != own and s not in shared and not truth.author_claims_similar(b.base, source.author_id, fact)]
    if len(wrong) < 2:
        return
    options = sorted([(own, source_label(b, own)), *wrong], key=lambda vt: vt[1].lower())
    yield b.item(item_id=f"{fact.id}:source-choice", template="statement-source-choice", type="single_choice",
                 stem=f"Which of the course's sources {verb} that {clause}?", facts=[fact], choices=options,
                 key=ChoiceKey(correct=choice_id(own)), explanation=fact.statement, difficulty_bonus=0.1,
                 feedback={s: f"{label} does not make this point; {source_label(b, own)} does." for s, label in wrong})


def statement_items(b: Builder, fact) -> Iterator[Item]:
    if fact.speaker in b.authors:
        yield from source_items(b, fact)
        return
    speaker = b.name(fact.speaker)
    clause = said_clause(fact)
    if clause is None or speaker.lower() in clause.lower():
        return
    verb = _hedged(fact, STANCE_VERBS[fact.stance])
    lead = f"{capitalise(when_text(fact.date))}, " if fact.date else ""
    who = _who(b, fact.speaker)
    stem = f"{lead}{who.lower() if lead else who} {verb} that {clause}?"
    pool = _speaker_pool(b, fact)
    chosen = b.single_choice(item_id=f"{fact.id}:speaker-choice", template="statement-speaker-choice", stem=stem,
                             facts=[fact], right=(fact.speaker, speaker), wrong=pool, explanation=fact.statement,
                             bonus=0.05, why_wrong=lambda v, t: f"The sources do not record {t} saying this; it was {speaker}.",
                             **_people_options(b, fact.speaker))
    if chosen:
        yield chosen
    if (b.base.entity_kind(fact.speaker) == "person" and surname_unique(b, b.base.facts[fact.speaker])
            and not truth.said_by_another(b.base, fact)):  # a typed answer cannot be one of two right names
        person = b.base.facts[fact.speaker]
        yield b.item(item_id=f"{fact.id}:speaker-short", template="statement-speaker-short", type="short_answer",
                     stem=f"{stem} (A surname is enough.)", facts=[fact],
                     key=TextKey(accepted=sorted({person.name, person.name.split()[-1], *person.aliases}), fuzzy=True),
                     explanation=fact.statement)
    yield from _speaker_true_false(b, fact, speaker, "statement-speaker-tf",
                                   lambda name: f"{lead}{name} {verb} that {clause}.", fact.statement)


def _speaker_true_false(b: Builder, fact, speaker: str, template: str, saying: Callable[[str], str],
                        explanation: str) -> Iterator[Item]:
    """True/false on who said it: ``saying(name)`` with the speaker, or with someone from the other camp."""
    rivals = _other_camp(b, fact)
    if rivals:
        item_id = f"{fact.id}:speaker-tf"
        other = b.rng(item_id).choice(rivals)
        yield b.true_false(item_id=item_id, template=template, facts=[fact], true_text=saying(speaker),
                           false_text=saying(other[1]), substitute=other[0], explanation=explanation)


def _other_camp(b: Builder, fact) -> list[tuple[str, str]]:
    """Substitutes for a false true/false version: people of the same kind and era from another country
    who speak on the same subject, so the swapped attribution is plainly wrong yet believable (an Afghan
    official for a Russian one, not a Syrian president for an American analyst). Only for a claim dated
    to the month (the occasion makes the swap false, not merely unrecorded) that does not speak for the
    speaker's own country."""
    if b.base.entity_kind(fact.speaker) != "person" or not b.base.facts[fact.speaker].country:
        return []
    home, kind = b.base.facts[fact.speaker].country, speaker_kind(b.base, fact.speaker)
    clause = said_clause(fact) if fact.kind == "statement" else fact.said
    if names_country(b, clause or "", home) or not (fact.date and fact.date.month):
        return []  # "Russia would ...": only its own officials could say it; undated: no occasion pins it
    speakers = [p for p in b.contemporaries(b.people, _era_year(b, fact))
                if p.country not in (None, home) and speaker_kind(b.base, p.id) == kind and p.id in b.speaker_tags
                and not names_country(b, clause or "", p.country)
                and not truth.said_something_similar(b.base, p.id, fact)]
    on_topic = [p for p in speakers if set(fact.tags) & b.speaker_tags[p.id]]
    return [(p.id, p.name) for p in (on_topic or speakers)]


def denial_items(b: Builder, allegations: list, facts: list) -> Iterator[Item]:
    """"Who denied the allegation that ...?" with every denial that answers it as a key."""
    for allegation in allegations:
        denials = [f for f in facts if f.kind == "statement" and f.stance == "denial" and f.responds_to == allegation.id]
        deniers = sorted({d.speaker for d in denials})
        clause = said_clause(allegation)
        if not deniers or clause is None or names_any(b, clause, deniers):
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
                     explanation=" ".join(d.statement for d in [allegation, *denials]), difficulty_bonus=0.05,
                     feedback={r: f"The sources do not record {b.name(r)} denying it." for r in picked})


def quotation_items(b: Builder, fact) -> Iterator[Item]:
    """"Who said that ... “quote”?": only for quotations with an authored ``said`` clause, which
    embeds the quoted words in a sentence a student can read on its own."""
    speaker = b.name(fact.speaker)
    if not fact.said or speaker.split()[-1].lower() in fact.said.lower():
        return
    lead = f"{capitalise(when_text(fact.date))}, " if fact.date else ""
    who = _who(b, fact.speaker)
    explanation = f"{fact.statement} Context: {fact.context}"
    chosen = b.single_choice(item_id=f"{fact.id}:speaker-choice", template="quotation-speaker-choice",
                             stem=f"{lead}{who.lower() if lead else who} said {fact.said}?", facts=[fact],
                             right=(fact.speaker, speaker), wrong=_speaker_pool(b, fact),
                             explanation=explanation, bonus=0.1,
                             why_wrong=lambda v, t: f"The sources do not record {t} saying this; it was {speaker}.",
                             **_people_options(b, fact.speaker))
    if chosen:
        yield chosen
    yield from _speaker_true_false(b, fact, speaker, "quotation-speaker-tf",
                                   lambda name: f"{lead}{name} said {fact.said}.", explanation)


def statement_group_items(b: Builder, statements: list) -> Iterator[Item]:
    """Match four statements to their four different speakers (none said anything like another's)."""
    def distinct(group):
        speakers = [f.speaker for f in group]
        return len(set(speakers)) == len(group) and not any(
            truth.said_something_similar(b.base, f.speaker, g) for f in group for g in group if f is not g)
    usable = sorted((f for f in statements if said_clause(f)), key=lambda f: f.id)
    for group in groups(usable, distinct):
        item_id = f"statements-matching:{stable_hash('|'.join(f.id for f in group), 10)}"
        yield b.item(item_id=item_id, template="statements-speaker-matching", type="matching", facts=group,
                     stem="Match each claim to the person or body who made it.",
                     prompts=[(f.id, said_clause(f)) for f in group],
                     choices=sorted(((f.speaker, b.name(f.speaker)) for f in group), key=lambda vt: vt[1].lower()),
                     key=MatchKey(pairs={choice_id(f.id): choice_id(f.speaker) for f in group}),
                     explanation=" ".join(f.statement for f in group), difficulty_bonus=0.1)


def source_group_items(b: Builder, statements: list) -> Iterator[Item]:
    """Match four claims to the four sources that make them (no source makes a claim like another's)."""
    claims = sorted((f for f in statements if f.speaker in b.authors and said_clause(f)), key=lambda f: f.id)

    def distinct(group):
        return len({f.speaker for f in group}) == len(group) and not any(
            truth.said_something_similar(b.base, f.speaker, g)
            or b.authors[f.speaker] in {c.source for c in g.also_made_in}
            for f in group for g in group if f is not g)
    for group in groups(claims, distinct):
        item_id = f"sources-matching:{stable_hash('|'.join(f.id for f in group), 10)}"
        yield b.item(item_id=item_id, template="claims-source-matching", type="matching", facts=group,
                     stem="Match each claim to the course source that makes it.",
                     prompts=[(f.id, said_clause(f)) for f in group],
                     choices=sorted(((b.authors[f.speaker], source_label(b, b.authors[f.speaker])) for f in group),
                                    key=lambda vt: vt[1].lower()),
                     key=MatchKey(pairs={choice_id(f.id): choice_id(b.authors[f.speaker]) for f in group}),
                     explanation=" ".join(f.statement for f in group), difficulty_bonus=0.1)
