"""Seeded quiz sets: select items from the bank, make per-student variants, write files.

The same bank, options and seed give byte-identical files on any machine: all
randomness comes from :class:`random.Random` seeded with a SHA-256 of the inputs.
A quiz set is two files: ``quiz.json`` (questions only, for students) and
``key.json`` (keys, explanations, citations, for the instructor).
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Iterable

from pydantic import ValidationError

from afcourse.common.fileio import OutputExistsError, write_atomic
from afcourse.bank.coherence import answer_forms, clash_map
from afcourse.facts.teaching import taught_facts
from afcourse.bank.generate import stable_hash
from afcourse.bank.models import ITEM_TYPES, Item, Question
from afcourse.quiz.models import KeyFile, QuizFile, ScoringRules, Variant
from afcourse.common.validation import validation_summary

MAX_REDRAWS = 20


class QuizSetError(ValueError):
    """The request cannot be met from the bank (too few items, impossible type mix...)."""


def _rng(*parts) -> random.Random:
    return random.Random(int(stable_hash("|".join(map(str, parts)), 16), 16))


def by_difficulty(items: list[Item]) -> list[Item]:
    """Items in the order :func:`select_items` expects: easiest first, ties by id."""
    return sorted(items, key=lambda it: (it.difficulty, it.id))


def select_items(pool: list[Item], n: int, rng: random.Random, type_mix: dict[str, int] | None = None,
                 allow_same_fact: bool = False, answers: dict[str, frozenset[str]] | None = None,
                 clashes: dict[str, set[str]] | None = None) -> list[Item]:
    """Pick ``n`` items spread over the difficulty range, no two in conflict (:mod:`afcourse.bank.coherence`).

    ``pool`` is sorted by :func:`by_difficulty` and cut into ``n`` strata; one item is
    drawn from each, so every variant drawn this way has a comparable difficulty profile.
    ``answers`` (item id -> :func:`~afcourse.bank.coherence.answer_forms`) may be passed
    in when the same pool is drawn from many times, and so may ``clashes``
    (:func:`~afcourse.bank.coherence.clash_map`: the items that may not sit beside each one).
    """
    quota = Counter(type_mix or {})
    answers = answers if answers is not None else {it.id: answer_forms(it) for it in pool}
    clashes = clashes if clashes is not None else clash_map(pool, allow_same_fact)
    chosen: list[Item] = []
    chosen_ids: set[str] = set()
    used_facts: set[str] = set()
    used_answers: set[str] = set()

    def fits(item: Item) -> bool:
        if item.id in chosen_ids or (not allow_same_fact and used_facts.intersection(item.answer.fact_ids)):
            return False
        if used_answers.intersection(answers[item.id]):
            return False
        if quota and quota[item.question.type] <= 0:
            return False
        return not clashes[item.id] & chosen_ids

    bounds = [round(i * len(pool) / n) for i in range(n + 1)]
    for index in rng.sample(range(n), n):
        stratum = pool[bounds[index]:bounds[index + 1]]
        rng.shuffle(stratum)
        pick = next((it for it in stratum if fits(it)), None)
        if pick is None:  # the stratum is used up: take the nearest item in difficulty that fits
            middle = (bounds[index] + bounds[index + 1]) / 2
            nearest = sorted(range(len(pool)), key=lambda i: abs(i - middle))
            pick = next((pool[i] for i in nearest if fits(pool[i])), None)
        if pick is None:
            break
        chosen.append(pick)
        chosen_ids.add(pick.id)
        used_facts.update(pick.answer.fact_ids)
        used_answers.update(answers[pick.id])
        if quota:
            quota[pick.question.type] -= 1
    if len(chosen) < n:
        why = "the type mix asked for" if type_mix else "one item per fact and no answer twice"
        raise QuizSetError(f"only {len(chosen)} of {n} items could be chosen with {why}; "
                           f"ask for fewer items, more chapters{'' if allow_same_fact else ', or allow several items per fact'}")
    return chosen


def shuffled_question(question: Question, rng: random.Random) -> Question:
    """The question with its options (and matching prompts) in a seeded order; true/false stays True, False."""
    if question.type == "true_false":
        return question
    choices, prompts = list(question.choices), list(question.prompts)
    rng.shuffle(choices)
    rng.shuffle(prompts)
    if question.type == "ordering" and len(choices) > 1:
        while [c.id for c in choices] == [c.id for c in question.choices]:
            rng.shuffle(choices)
    return question.model_copy(update={"choices": choices, "prompts": prompts})


def make_quiz_set(bank: list[Item], *, chapters: Iterable[str], n: int, seed: str | int, variants: int = 1,
                  types: Iterable[str] | None = None, type_mix: dict[str, int] | None = None,
                  max_difficulty: float = 1.0, min_difficulty: float = 0.0, allow_same_fact: bool = False,
                  title: str | None = None, scoring: ScoringRules | None = None) -> tuple[QuizFile, KeyFile]:
    """Select and shuffle ``variants`` quizzes of ``n`` items from ``bank``; return (quiz, key)."""
    chapters = sorted(set(chapters))
    allowed = set(types or ITEM_TYPES) | set(type_mix or {})
    unknown = allowed - set(ITEM_TYPES)
    if unknown:
        raise QuizSetError(f"unknown item type(s): {', '.join(sorted(unknown))} (known: {', '.join(ITEM_TYPES)})")
    if type_mix and sum(type_mix.values()) != n:
        raise QuizSetError(f"the type mix adds up to {sum(type_mix.values())} items, not {n}")
    if n < 1 or variants < 1:
        raise QuizSetError("a quiz needs at least one item and one variant")
    candidates = by_difficulty([it for it in bank if it.question.chapter in chapters and it.question.type in allowed
                                and min_difficulty <= it.difficulty <= max_difficulty])
    if len(candidates) < n:
        raise QuizSetError(f"the bank has {len(candidates)} matching items for {', '.join(chapters)}; {n} were asked for")
    seed = str(seed)
    label = f"{'+'.join(chapters)}-{n}q" + (f"-{variants}v" if variants > 1 else "")
    answers = {it.id: answer_forms(it) for it in candidates}
    clashes = clash_map(candidates, allow_same_fact)
    drawn: list[list[tuple[Item, Question]]] = []
    seen_sets: set[frozenset] = set()
    for v in range(variants):
        for attempt in range(MAX_REDRAWS):
            rng = _rng(seed, label, v, attempt)
            picked = select_items(candidates, n, rng, type_mix, allow_same_fact, answers, clashes)
            if frozenset(it.id for it in picked) not in seen_sets or attempt == MAX_REDRAWS - 1:
                break
        seen_sets.add(frozenset(it.id for it in picked))
        rng.shuffle(picked)
        drawn.append([(it, shuffled_question(it.question, rng)) for it in picked])
    # The id names the exact content (two different sets never share one) and, since the seed
    # regenerates the key, shows only a hash of it.
    content = "|".join(f"{it.id}:{','.join(c.id for c in q.choices)}:{','.join(p.id for p in q.prompts)}"
                       for picked in drawn for it, q in picked)
    quiz_id = label + "-" + stable_hash(f"{seed}|{content}", 8)
    used = {it.id: it for picked in drawn for it, _ in picked}
    made = [Variant(variant_id=f"v{v + 1:03d}", questions=[q.model_copy(update={"id": question_id(quiz_id, it)})
                                                           for it, q in picked])
            for v, picked in enumerate(drawn)]
    quiz = QuizFile(quiz_id=quiz_id, title=title or _title(chapters), chapters=chapters,
                    scoring=scoring or ScoringRules(), variants=made)
    keys = sorted((it.answer.model_copy(update={"id": question_id(quiz_id, it), "item_id": it.id})
                   for it in used.values()), key=lambda k: k.id)
    key = KeyFile(quiz_id=quiz_id, seed=seed, keys=keys, difficulty={k.id: used[k.item_id].difficulty for k in keys})
    return quiz, key


def question_id(quiz_id: str, item: Item) -> str:
    """The id a bank item gets in one quiz set: opaque, since bank ids name their answers."""
    return "q" + stable_hash(f"{quiz_id}|{item.id}", 10)


def _title(chapters: list[str]) -> str:
    return "Self-check quiz: " + ", ".join(chapters)


def dump(model) -> str:
    """The canonical JSON text of a quiz or key file (stable, byte for byte)."""
    return model.model_dump_json(indent=2, by_alias=True) + "\n"


def write_quiz_set(quiz: QuizFile, key: KeyFile, out_dir: str | Path, *, force: bool = False) -> tuple[Path, Path]:
    """Write ``quiz.json`` and ``key.json`` into ``out_dir``; refuse to overwrite unless ``force``."""
    out_dir = Path(out_dir)
    targets = (out_dir / "quiz.json", out_dir / "key.json")
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise OutputExistsError(existing[0])
    write_atomic(targets[0], dump(quiz), force=force)
    write_atomic(targets[1], dump(key), force=force)
    return targets


def read_quiz_set(quiz_dir: str | Path) -> tuple[QuizFile, KeyFile | None]:
    """Read a quiz folder; the key is None when only the student file is there.

    Raises :class:`QuizSetError` with a message for the user when there is no quiz.json,
    a file is unreadable or not a valid quiz or key file, or the key is another quiz's.
    """
    quiz_dir = Path(quiz_dir)
    quiz_path, key_path = quiz_dir / "quiz.json", quiz_dir / "key.json"
    if not quiz_path.is_file():
        raise QuizSetError(f"{quiz_dir} holds no quiz.json (make one with `afcourse generate`)")
    try:
        quiz = QuizFile.model_validate_json(quiz_path.read_text(encoding="utf-8"))
        key = KeyFile.model_validate_json(key_path.read_text(encoding="utf-8")) if key_path.exists() else None
    except ValidationError as exc:
        raise QuizSetError(f"{quiz_dir}: not a valid quiz set: {validation_summary(exc)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuizSetError(f"{quiz_dir}: cannot read the quiz set: {exc}") from None
    if key is not None and key.quiz_id != quiz.quiz_id:
        raise QuizSetError(f"{key_path} belongs to quiz {key.quiz_id!r}, not {quiz.quiz_id!r}")
    return quiz, key


DEFAULT_ITEMS = 10


def default_quiz_set(bank: list[Item], chapter: str, title: str) -> tuple[QuizFile, KeyFile]:
    """The committed self-check set of a chapter: 10 items, seed ``<chapter>-self-check``, drawn only
    from items on facts the chapter's text teaches (:func:`afcourse.facts.teaching.taught_facts`).

    The taught list describes the package's own fact base; a bank made from other facts (none of
    them in the list) is drawn from whole.
    """
    taught = taught_facts().get(chapter, frozenset())
    known = taught.intersection(f for it in bank if it.question.chapter == chapter for f in it.answer.fact_ids)
    pool = [it for it in bank if taught.issuperset(it.answer.fact_ids)] if known else bank
    return make_quiz_set(pool, chapters=[chapter], n=DEFAULT_ITEMS, seed=f"{chapter}-self-check", title=title)
