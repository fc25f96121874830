"""Variant checks: no question gives away another's answer, and variants differ in their answers.

A **giveaway** is one item of a variant printing what another item of the same variant asks
for. What an item prints is its stem, its matching prompts, its options and the feedback on each
wrong option; what it asks for is its key, read as signs (:mod:`afcourse.quiz.signs`):

- the key's **names** ("Zamir Kabulov", or "Kabulov" alone) printed in another item's stem,
  prompts or feedback (an option offering a name is no giveaway: it is one possibility of several);
- the key's **numbers and years** printed in another's stem, prompts or feedback ("ahead of
  Pompeo's 2020 trip" beside "In what year did Pompeo travel...?");
- the key's **words**, for a key that is a clause or phrase of :data:`MIN_WORDS` content words
  or more (a reason, a view, a claim; a template's fixed categories such as "an established
  fact" are no clause, see :func:`afcourse.quiz.signs.frames_of`): most of them (:data:`WORD_SHARE`) in one piece of another
  item's text, its options included (a reason offered as a distractor in one question and keyed
  in the next tells the student which reasons are real).

Names and numbers the asking item's own stem prints are not its answer and never count.
``generate`` keeps giveaways out of every slot pair (:func:`giveaway_map`) and reports both
figures of :func:`variant_figures`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, NamedTuple

from afcourse.bank.models import ChoiceKey, Item, MatchKey, MultiKey, NumericKey, TextKey
from afcourse.bank.coherence import answer_forms
from afcourse.quiz.signs import Frames, content_words, frames_of, names, numbers, stem, words_in_order

MIN_WORDS = 3
WORD_SHARE = 0.6


def key_texts(item: Item) -> list[str]:
    """The key of ``item`` as text: the correct option(s), the accepted answers, the number, or a
    matching item's paired options; nothing for true/false and ordering (a truth value, an order)."""
    q, key = item.question, item.answer.key
    if q.type == "true_false":
        return []
    if isinstance(key, ChoiceKey):
        return [c.text for c in q.choices if c.id == key.correct]
    if isinstance(key, MultiKey):
        return [c.text for c in q.choices if c.id in key.correct]
    if isinstance(key, TextKey):
        return list(key.accepted[:1])
    if isinstance(key, NumericKey):
        return [f"{key.value:g}"]
    if isinstance(key, MatchKey):  # each paired option is the answer of its prompt
        return [c.text for c in q.choices if c.id in set(key.pairs.values())]
    return []


MONTHS = frozenset("january february march april may june july august september october november december".split())
_SOURCE_LABEL = re.compile(r"^(?P<name>.+?) \((?P<year>\d{4})\)$")
CONTEXT = 2
"""A number, a month or a source's name reveals a key only beside this many of the asking stem's words."""


class _Signs(NamedTuple):
    names: frozenset[str]       # reveal wherever they are printed
    loose: frozenset[str]       # numbers, months, sources' names: reveal only in the asking stem's context
    context: frozenset[str]     # the content words of the asking item's stem
    clauses: tuple[frozenset[str], ...]


class _Piece(NamedTuple):
    words: str                  # plain words in order, for whole-word search
    numbers: frozenset[str]
    content: frozenset[str]
    option: bool                # an option is a possibility: only a clause's words count in it


def _signs(item: Item, frame: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())) -> _Signs:
    """What ``item``'s key shows (``frame``: its template's fixed stem words and options, which count for nothing)."""
    asked = item.question.stem
    own_names, own_numbers = names(asked), numbers(asked)
    strong: set[str] = set()
    loose: set[str] = set()
    clauses = []
    for text in key_texts(item):
        label = _SOURCE_LABEL.match(text)
        if label:  # a source ("Kirill Krivosheev (2021)"): its name is printed wherever it is cited
            loose |= names(" " + label["name"]) - own_names
            continue
        for name in names(" " + text) - own_names:  # a leading space: a key's first word opens no sentence
            (loose if name in MONTHS else strong).add(name)
        loose |= numbers(text) - own_numbers
        named = {stem(w) for name in names(" " + text) for w in name.split()}
        words = content_words(text) - named - frame[1]  # a name is a name, a category ("an established fact") no clause
        if len(words) >= MIN_WORDS:
            clauses.append(words)
    return _Signs(frozenset(strong), frozenset(loose), content_words(asked) - frame[0], tuple(clauses))


def _pieces(item: Item) -> tuple[_Piece, ...]:
    q = item.question
    stated = [q.stem, *(p.text for p in q.prompts), *item.answer.feedback.values()]
    return tuple(_Piece(words_in_order(t), numbers(t), content_words(t), option)
                 for texts, option in ((stated, False), ([c.text for c in q.choices], True)) for t in texts)


def _reveal(signs: _Signs, pieces: tuple[_Piece, ...]) -> str | None:
    for piece in pieces:
        if not piece.option:
            for name in sorted(signs.names):
                if f" {name} " in piece.words:
                    return name
            for sign in sorted(signs.loose):
                if (sign in piece.numbers or f" {sign} " in piece.words) and \
                        len(piece.content & signs.context) >= CONTEXT:
                    return sign
        for clause in signs.clauses:
            if len(clause & piece.content) >= WORD_SHARE * len(clause):
                return "the words of " + " ".join(sorted(clause & piece.content))
    return None


def giveaway(a: Item, b: Item, frames: Frames | None = None) -> str | None:
    """What of ``b``'s key ``a`` prints (a name, a number, or the words of a clause), or None.
    ``frames`` (:func:`afcourse.quiz.signs.frames_of` the bank) name the fixed options of each template."""
    return _reveal(_signs(b, _frame(b, frames)), _pieces(a))


def _frame(item: Item, frames: Frames | None) -> tuple[frozenset[str], frozenset[str]]:
    return (frames or {}).get(item.template, (frozenset(), frozenset()))


def giveaway_map(items: list[Item], frames: Frames | None = None) -> dict[str, set[str]]:
    """Item id -> the items it may not share a variant with because one gives the other's answer away
    (``frames``: of the whole bank; by default of ``items``)."""
    frames = frames_of(items) if frames is None else frames
    signs = {it.id: _signs(it, _frame(it, frames)) for it in items}
    shown = {it.id: _pieces(it) for it in items}
    found: dict[str, set[str]] = {it.id: set() for it in items}
    for b in items:
        sb = signs[b.id]
        if not (sb.names or sb.loose or sb.clauses):
            continue
        for a in items:
            if a.id != b.id and _reveal(sb, shown[a.id]):
                found[a.id].add(b.id)
                found[b.id].add(a.id)
    return found


@dataclass(frozen=True)
class Giveaway:
    """In variant ``variant``, question ``shows`` prints ``what`` of the answer of question ``asks``."""

    variant: str
    shows: int
    asks: int
    what: str

    def __str__(self) -> str:
        return f"{self.variant}: Q{self.shows} prints {self.what!r}, the answer of Q{self.asks}"


def variant_giveaways(variants: Iterable[tuple[str, list[Item]]], frames: Frames | None = None) -> list[Giveaway]:
    """Every giveaway inside each variant (variant id, its items in question order); ``frames``: of the bank."""
    found = []
    for variant_id, items in variants:
        for i, a in enumerate(items):
            for j, b in enumerate(items):
                what = giveaway(a, b, frames) if i != j else None
                if what:
                    found.append(Giveaway(variant_id, i + 1, j + 1, what))
    return found


def _answer(item: Item) -> frozenset[str]:
    return answer_forms(item) or frozenset({item.id})  # true/false, ordering, matching: the item itself


def answer_sharing(slots: list[list[Item]], rows: list[list[Item]]) -> list[tuple[float, int]]:
    """Per slot: (the share of variants that hold the slot's most frequent answer, how many different
    answers the slot's items have). A slot whose items all have one answer shares it in every variant:
    the pool forced it."""
    figures = []
    for i, pool in enumerate(slots):
        used = Counter(_answer(row[i]) for row in rows)
        figures.append((max(used.values()) / len(rows), len({_answer(it) for it in pool})))
    return figures
