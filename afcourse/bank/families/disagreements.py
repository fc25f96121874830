"""Disagreement families: which source gives which version of a disputed point; never which is true."""

from __future__ import annotations

from typing import Iterator

from afcourse.bank.builder import MIN_PAIRS, N_OPTIONS, VERSION, Builder, choice_id, source_label
from afcourse.bank.models import ChoiceKey, Item, MatchKey
from afcourse.bank import truth


def disagreement_items(b: Builder, fact) -> Iterator[Item]:
    sources = sorted(b.base.sources)
    for n, version in enumerate(fact.versions):
        value = version.value or version.says
        wrong = [(s, source_label(b, s)) for s in sources
                 if not truth.source_gives(fact, s, value) and s not in fact.silent]
        item_id = f"{fact.id}:source-choice:{n}"
        rng = b.rng(item_id)
        picked = rng.sample(wrong, min(len(wrong), N_OPTIONS - 1))
        right = (version.source, source_label(b, version.source))
        options = sorted([right, *picked], key=lambda vt: vt[1].lower())
        if not fact.ask or len(picked) < 2:
            continue
        yield b.item(item_id=item_id, template="disagreement-source-choice", type="single_choice", facts=[fact],
                     stem=f"The sources disagree on {fact.topic}. {fact.ask.format(value=value)}",
                     choices=options, key=ChoiceKey(correct=choice_id(version.source)), explanation=fact.statement,
                     difficulty_bonus=0.15,
                     feedback={s: f"{label} does not give {value}; {right[1]} does." for s, label in picked}).model_copy(update={"values": {**{choice_id(s): s for s, _ in options},
                                                                            VERSION: value}})
    values = {(v.value or v.says) for v in fact.versions}
    if len(values) == len(fact.versions) == len({v.source for v in fact.versions}) >= MIN_PAIRS:
        yield b.item(item_id=f"{fact.id}:versions-matching", template="disagreement-matching", type="matching",
                     facts=[fact], stem=f"The sources disagree on {fact.topic}. Match each source to its account.",
                     prompts=[(v.source, source_label(b, v.source)) for v in fact.versions],
                     choices=sorted((f"says:{v.value or v.says}", v.value or v.says) for v in fact.versions),
                     key=MatchKey(pairs={choice_id(v.source): choice_id(f"says:{v.value or v.says}") for v in fact.versions}),
                     explanation=fact.statement)
