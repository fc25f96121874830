"""Statement and quotation families, asked as attribution only: who said it, which source argues it,
who denied an allegation, and matching claims to speakers or sources (chosen, or typed where one answer
alone is right). Never "which government said it"
(the course's subject answers it) and never true/false on a speaker (a swap to the other camp is plainly
false from the claim itself; a swap within the camp is unrecorded, not false)."""

from __future__ import annotations

from typing import Iterator

from afcourse.facts.factbase import FactBase
from afcourse.bank.builder import (N_OPTIONS, STANCE_VERBS, Builder, capitalise, choice_id, commentator, groups,
                                   names_any, source_label, stable_hash, surname, surname_unique,
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
MOVEMENTS = BODY_KINDS[1]
"""Bodies whose statements are typed as well as chosen: a movement speaks for itself, not for a state."""


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
    analyst) and era, from the speaker's country when there are enough; bodies of the same kind for a body."""
    kind = b.base.entity_kind(fact.speaker)
    wanted = speaker_kind(b.base, fact.speaker)
    if kind == "person":
        home = b.base.facts[fact.speaker].country
        people = [p for p in b.contemporaries(b.people, _era_year(b, fact))
                  if speaker_kind(b.base, p.id) == wanted]
        same = [p.id for p in people if home and p.country == home]
        candidates = same if len(same) > N_OPTIONS else [p.id for p in people]
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


def state_speaker(b: Builder, fact) -> bool:
    """Is the speaker a state? "Which government said ...?" in a course about Russia is answered by the
    course's subject, not by reading: a state's stance is asked as its declared policy (evidence status)."""
    return b.base.entity_kind(fact.speaker) == "country"


def source_items(b: Builder, fact) -> Iterator[Item]:
    """A source author's own claim, asked as "Which of the course's sources argues that ...?": only a thesis
    (an argument, a forecast, an accusation), never a plain report, since which source happens to report a
    side fact (a helicopter purchase, a vaccine order) is trivia."""
    clause = said_clause(fact)
    if clause is None or fact.stance == "report":
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
    stem = f"Which of the course's sources {verb} that {clause}?"
    yield b.item(item_id=f"{fact.id}:source-choice", template="statement-source-choice", type="single_choice",
                 stem=stem, facts=[fact], choices=options,
                 key=ChoiceKey(correct=choice_id(own)), explanation=fact.statement, difficulty_bonus=0.1,
                 feedback={s: f"{label} does not make this point; {source_label(b, own)} does." for s, label in wrong})
    if len(wrong) == len(b.base.sources) - 1:  # typed, only where no other source makes the point
        author = source_label(b, own)
        yield b.item(item_id=f"{fact.id}:source-short", template="statement-source-short", type="short_answer",
                     stem=f"{stem} (Type its author.)", facts=[fact], explanation=fact.statement,
                     key=TextKey(accepted=author_forms(author), fuzzy=True), difficulty_bonus=0.2)


def author_forms(author: str) -> list[str]:
    """A source's author as a student may type it: "Julia Gurganus" or "Gurganus"; "GlobalSecurity.org" or
    "GlobalSecurity"."""
    return sorted({author, author.split()[-1], author.removesuffix(".org")})


def statement_items(b: Builder, fact) -> Iterator[Item]:
    if fact.speaker in b.authors:
        yield from source_items(b, fact)
        return
    speaker = b.name(fact.speaker)
    clause = said_clause(fact)
    if clause is None or speaker.lower() in clause.lower() or state_speaker(b, fact):
        return
    verb = _hedged(fact, STANCE_VERBS[fact.stance])
    lead = f"{capitalise(when_text(fact.date))}, " if fact.date else ""
    stem = f"{lead}{'who' if lead else 'Who'} {verb} that {clause}?"
    pool = _speaker_pool(b, fact)
    chosen = b.single_choice(item_id=f"{fact.id}:speaker-choice", template="statement-speaker-choice", stem=stem,
                             facts=[fact], right=(fact.speaker, speaker), wrong=pool, explanation=fact.statement,
                             bonus=0.05, why_wrong=lambda v, t: f"The sources do not record {t} saying this; it was {speaker}.",
                             **_people_options(b, fact.speaker))
    if chosen:
        yield chosen
    if truth.said_by_another(b.base, fact):  # a typed answer cannot be one of two right names
        return
    if b.base.entity_kind(fact.speaker) == "person" and surname_unique(b, b.base.facts[fact.speaker]):
        yield b.item(item_id=f"{fact.id}:speaker-short", template="statement-speaker-short", type="short_answer",
                     stem=f"{stem} (A surname is enough.)", facts=[fact], key=typed_name(b.base.facts[fact.speaker]),
                     explanation=fact.statement)
    elif b.base.entity_kind(fact.speaker) == "organisation" and b.base.facts[fact.speaker].category in MOVEMENTS:
        # a movement, not a ministry: typing "Russia" for the Foreign Ministry would be as right as its name
        yield b.item(item_id=f"{fact.id}:speaker-short", template="statement-speaker-short", type="short_answer",
                     stem=f"{stem} (Name the movement or group.)", facts=[fact],
                     key=typed_name(b.base.facts[fact.speaker]), explanation=fact.statement)


def typed_name(who) -> TextKey:
    """What a student may type for a person ("Lavrov", "Sergei Lavrov" or an alias) or a body ("Taliban")."""
    short = who.name.split()[-1] if who.kind == "person" else who.name.removeprefix("the ")
    return TextKey(accepted=sorted({who.name, short, *who.aliases}), fuzzy=True)


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
    """"Who said that ... “quote”?", chosen and typed: only for quotations with an authored ``said`` clause, which
    embeds the quoted words in a sentence a student can read on its own."""
    speaker = b.name(fact.speaker)
    if not fact.said or speaker.split()[-1].lower() in fact.said.lower() or state_speaker(b, fact):
        return
    lead = f"{capitalise(when_text(fact.date))}, " if fact.date else ""
    explanation = f"{fact.statement} Context: {fact.context}"
    stem = f"{lead}{'who' if lead else 'Who'} said {fact.said}?"
    chosen = b.single_choice(item_id=f"{fact.id}:speaker-choice", template="quotation-speaker-choice",
                             stem=stem, facts=[fact],
                             right=(fact.speaker, speaker), wrong=_speaker_pool(b, fact),
                             explanation=explanation, bonus=0.1,
                             why_wrong=lambda v, t: f"The sources do not record {t} saying this; it was {speaker}.",
                             **_people_options(b, fact.speaker))
    if chosen:
        yield chosen
    if b.base.entity_kind(fact.speaker) == "person" and surname_unique(b, b.base.facts[fact.speaker]) \
            and not truth.said_by_another(b.base, fact) and b.objective_of([fact]):  # other quotes repeat statements
        yield b.item(item_id=f"{fact.id}:speaker-short", template="quotation-speaker-short", type="short_answer",
                     stem=f"{stem} (A surname is enough.)", facts=[fact], explanation=explanation,
                     key=typed_name(b.base.facts[fact.speaker]))


def statement_group_items(b: Builder, statements: list) -> Iterator[Item]:
    """Match four statements to their four different speakers (none said anything like another's)."""
    def distinct(group):
        speakers = [f.speaker for f in group]
        return len(set(speakers)) == len(group) and not any(
            truth.said_something_similar(b.base, f.speaker, g) for f in group for g in group if f is not g)
    usable = sorted((f for f in statements if said_clause(f) and not state_speaker(b, f)), key=lambda f: f.id)
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
