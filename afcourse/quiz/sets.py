"""Quiz sets in slots: select items from the bank, fill each slot per variant, write the files.

A quiz set is a sequence of **slots**. Slot *i* is question *i* of every variant: it holds a
small pool of interchangeable items of one type and comparable difficulty, and each variant
takes one of them. No fact and no answer is shared between two slots (the rules of
:mod:`afcourse.bank.coherence`), so any draw of one item per slot, by afcourse or by an LMS,
is a coherent quiz.

Question ids, choice ids and every random choice derive from a **secret salt** (HMAC-SHA-256)
that lives only in ``key.json``: the public bank and ``quiz.json`` together do not map a
question to its key. The same bank, options, seed and salt give byte-identical files on any
machine; without ``salt`` a random one is drawn. A quiz set is two files: ``quiz.json``
(questions only, for students, world-readable) and ``key.json`` (keys, explanations,
citations, seed and salt, for the instructor, readable by its owner only).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from collections import Counter
from pathlib import Path
from typing import Iterable, Mapping

from pydantic import ValidationError

from afcourse.common.fileio import OutputExistsError, read_text, write_atomic
from afcourse.bank.coherence import answer_forms, clash_map
from afcourse.bank.models import (ITEM_TYPES, AnswerKey, ChoiceKey, Item, MatchKey, MultiKey, OrderKey,
                                  Question)
from afcourse.quiz.models import KEY_SCHEMA, QUIZ_SCHEMA, KeyFile, QuizFile, ScoringRules, Slot, Variant
from afcourse.common.validation import validation_summary
from afcourse.quiz.giveaways import answer_sharing, giveaway_map
from afcourse.quiz.signs import Frames, content_words, frames_of, numbers
from afcourse.quiz.selection import SLOT_SPREAD, Request, Rule, SelectionError, choose_leaders, fill_slots

MAX_REDRAWS = 20
QUIZ_MODE, KEY_MODE = 0o644, 0o600


class QuizSetError(ValueError):
    """The request cannot be met from the bank (too few items, impossible type mix...)."""


def new_salt() -> str:
    """A fresh random salt (128 bits, hex)."""
    return secrets.token_hex(16)


def secret_hash(salt: str, *parts, length: int = 10) -> str:
    """HMAC-SHA-256 of ``parts`` under ``salt``, as hex: nobody without the salt can compute it."""
    message = "|".join(map(str, parts)).encode("utf-8")
    return hmac.new(salt.encode("utf-8"), message, hashlib.sha256).hexdigest()[:length]


def _rng(salt: str, *parts) -> random.Random:
    return random.Random(int(secret_hash(salt, *parts, length=32), 16))


def by_difficulty(items: list[Item], difficulty: Mapping[str, float]) -> list[Item]:
    """Items easiest first, ties by id."""
    return sorted(items, key=lambda it: (difficulty[it.id], it.id))


def type_rules(type_mix: dict[str, int] | None) -> list[Rule]:
    """An exact type mix as rules: at least ``count`` items of each type (the counts add up to n)."""
    return [Rule(t, lambda it, t=t: it.question.type == t, count) for t, count in sorted((type_mix or {}).items())]


def compatible(candidates: list[Item], allow_same_fact: bool, frames: Frames | None = None) -> dict[str, set[str]]:
    """Item id -> the candidates it may not share a quiz with: :func:`afcourse.bank.coherence.clash_map`
    (shared event or answer; a stem naming another's answer), a recall item and any other item on its
    fact (unless ``allow_same_fact``), two items from one understanding record, the variant checks' giveaways
    (:func:`afcourse.quiz.giveaways.giveaway_map`; ``frames`` of the whole bank), and the same question
    twice in other words (:func:`near_duplicates`)."""
    # an understanding item's events and days are its evidence, not what it asks: only its record and the topic
    # of a view count (two true/false items on whose view of one topic would each hint at the other)
    asked = [it if it.answer.level == "recall" else
             it.model_copy(update={"occasions": [o for o in it.occasions if o.startswith(("relation:", "topic:"))]})
             for it in candidates]
    clashes = clash_map(asked, True)
    by_fact: dict[str, set[str]] = {}
    for it in candidates:
        # a recall item asks its fact: no other item on that fact beside it (an understanding item on it would
        # say what the recall item asks, or the reverse); two understanding items only rest on their facts (a
        # reason, a claim, a view) and may share one, never their record
        for occasion in it.occasions:
            if occasion.startswith("relation:"):
                by_fact.setdefault(occasion, set()).add(it.id)
        for fact in it.answer.fact_ids if not allow_same_fact else ():
            by_fact.setdefault(f"{it.answer.level}|{fact}", set()).add(it.id)
    for key, group in by_fact.items():
        level, _, fact = key.partition("|")
        if level == "understanding":  # with the recall items on the fact, not with each other
            recall = by_fact.get(f"recall|{fact}", set())
            pairs = [(u, r) for u in group for r in recall]
        else:
            pairs = [(a, b) for a in group for b in group if a != b]
        for a, b in pairs:
            clashes[a].add(b)
            clashes[b].add(a)
    for item_id, others in giveaway_map(candidates, frames).items():
        clashes[item_id] |= others
    for a, b in near_duplicates(candidates, frames):  # "why did Russia pursue diplomacy?" twice reads as a mistake
        clashes[a].add(b)
        clashes[b].add(a)
    return clashes


SAME_STEM = 0.6
"""Two stems sharing this share of their content words (Jaccard) ask the same thing."""


def near_duplicates(items: list[Item], frames: Frames | None = None) -> list[tuple[str, str]]:
    """Pairs of item ids whose stems are the same question in other words (or the same words); a
    template's fixed wording (``frames``) does not count."""
    frames = frames or {}
    words = {it.id: (content_words(it.question.stem) - frames.get(it.template, (frozenset(),))[0])
             | {f"#{n}" for n in numbers(it.question.stem)} for it in items}  # "in 2014?" is not "in 2016?"
    index: dict[str, set[str]] = {}
    for item_id, found in words.items():
        for word in found:
            index.setdefault(word, set()).add(item_id)
    pairs = []
    for item_id, found in words.items():
        shared: Counter = Counter(other for word in found for other in index[word] if other > item_id)
        for other, k in shared.items():
            if found and k >= SAME_STEM * len(found | words[other]):
                pairs.append((item_id, other))
    return pairs


def assign_items(slots: list[list[Item]], variants: int, rng: random.Random) -> list[list[Item]]:
    """One item per slot for each variant, variants distinct if possible.

    Each slot's *answers* are dealt equally often (within one), then the items within an answer
    in turn, so that variants share a slot's answer only as often as the slot's answers force.
    """
    best: list[list[Item]] = []
    for _ in range(MAX_REDRAWS):
        columns = []
        for pool in slots:
            groups: dict[frozenset, list[Item]] = {}
            for it in pool:
                groups.setdefault(answer_forms(it) or frozenset({it.id}), []).append(it)
            order = list(groups.values())
            for group in order:
                rng.shuffle(group)
            turn = {id(group): 0 for group in order}
            column: list[Item] = []
            while len(column) < variants:
                rng.shuffle(order)
                for group in order:
                    column.append(group[turn[id(group)] % len(group)])
                    turn[id(group)] += 1
            columns.append(column[:variants])
        rows = [[column[v] for column in columns] for v in range(variants)]
        if len({tuple(it.id for it in row) for row in rows}) > len({tuple(it.id for it in row) for row in best}):
            best = rows
        if len({tuple(it.id for it in row) for row in best}) == variants:
            break
    return best


def secret_question(item: Item, salt: str, rng: random.Random) -> tuple[Question, AnswerKey]:
    """The item under salt-derived ids: question id, choice and prompt ids, options shuffled; and its key."""
    qid = "q" + secret_hash(salt, "question", item.id)
    mapping = {c.id: "c" + secret_hash(salt, "choice", item.id, c.id, length=8)
               for c in (*item.question.choices, *item.question.prompts)}
    if len(set(mapping.values())) != len(mapping):  # pragma: no cover - a 32-bit collision inside one question
        raise QuizSetError(f"two options of {item.id} got the same id; use another salt")
    question = item.question
    choices = [c.model_copy(update={"id": mapping[c.id]}) for c in question.choices]
    prompts = [p.model_copy(update={"id": mapping[p.id]}) for p in question.prompts]
    question = question.model_copy(update={"id": qid, "choices": choices, "prompts": prompts})
    feedback = {mapping[c]: text for c, text in item.answer.feedback.items()}
    return question, item.answer.model_copy(update={"id": qid, "item_id": item.id, "feedback": feedback,
                                                    "key": _renamed_key(item.answer.key, mapping)})


def _renamed_key(key, mapping: dict[str, str]):
    if isinstance(key, ChoiceKey):
        return key.model_copy(update={"correct": mapping[key.correct]})
    if isinstance(key, MultiKey):
        return key.model_copy(update={"correct": [mapping[c] for c in key.correct]})
    if isinstance(key, OrderKey):
        return key.model_copy(update={"order": [mapping[c] for c in key.order]})
    if isinstance(key, MatchKey):
        return key.model_copy(update={"pairs": {mapping[p]: mapping[c] for p, c in key.pairs.items()}})
    return key


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


def _filters(chapters, types, min_difficulty: float, max_difficulty: float) -> str:
    parts = [", ".join(chapters)]
    if types:
        parts.append("--type " + " --type ".join(sorted(types)))
    if min_difficulty > 0:
        parts.append(f"--min-difficulty {min_difficulty:g}")
    if max_difficulty < 1:
        parts.append(f"--max-difficulty {max_difficulty:g}")
    return " with ".join([parts[0], " and ".join(parts[1:])]) if len(parts) > 1 else parts[0]


def make_quiz_set(bank: list[Item], *, chapters: Iterable[str], n: int, seed: str | int, variants: int = 1,
                  types: Iterable[str] | None = None, type_mix: dict[str, int] | None = None,
                  max_difficulty: float = 1.0, min_difficulty: float = 0.0, allow_same_fact: bool = False,
                  title: str | None = None, scoring: ScoringRules | None = None, salt: str | None = None,
                  calibration: Mapping[str, float] | None = None, rules: Iterable[Rule] = (),
                  blueprint: dict | None = None, frames: Frames | None = None) -> tuple[QuizFile, KeyFile]:
    """``variants`` quizzes of ``n`` slots from ``bank``; return (quiz, key).

    ``rules`` (see :mod:`afcourse.quiz.selection`) constrain what the questions test; ``blueprint``
    (the blueprint they came from, as data) is recorded in the key; ``frames``
    (:func:`afcourse.quiz.signs.frames_of` the whole bank, by default of ``bank``) name fixed options. A request that can be met is
    met whatever the salt; one that cannot raises :class:`QuizSetError` with the same message
    whatever the salt.

    ``salt`` (random when None) makes ids and shuffles secret; ``calibration`` (bank item id ->
    measured difficulty, see :mod:`afcourse.grading.calibration`) replaces the bank's estimate.
    """
    chapters = sorted(set(chapters))
    types = sorted(set(types)) if types else None
    unknown = (set(types or ()) | set(type_mix or {})) - set(ITEM_TYPES)
    if unknown:
        raise QuizSetError(f"unknown item type(s): {', '.join(sorted(unknown))} (known: {', '.join(ITEM_TYPES)})")
    if types and type_mix and set(type_mix) - set(types):
        raise QuizSetError(f"--mix asks for {', '.join(sorted(set(type_mix) - set(types)))}, which --type does not "
                           "allow; give --mix alone (it already names the types)")
    if type_mix and sum(type_mix.values()) != n:
        raise QuizSetError(f"the type mix adds up to {sum(type_mix.values())} items, not {n}")
    if n < 1 or variants < 1:
        raise QuizSetError("a quiz needs at least one item and one variant")
    if min_difficulty > max_difficulty:
        raise QuizSetError(f"--min-difficulty {min_difficulty:g} is above --max-difficulty {max_difficulty:g}: "
                           "no item can be both")
    allowed = set(type_mix) if type_mix else set(types or ITEM_TYPES)
    difficulty = {it.id: (calibration or {}).get(it.id, it.difficulty) for it in bank}
    candidates = sorted((it for it in bank if it.question.chapter in chapters and it.question.type in allowed
                         and min_difficulty <= difficulty[it.id] <= max_difficulty), key=lambda it: it.id)
    where = _filters(chapters, types, min_difficulty, max_difficulty)
    if blueprint and blueprint.get("taught_only"):
        where += " that the chapter's prose teaches"
    for t, count in sorted((type_mix or {}).items()):
        have = sum(1 for it in candidates if it.question.type == t)
        if have < count:
            raise QuizSetError(f"--mix asks for {count} {t} questions; the bank has {have} {t} items for {where}")
    if len(candidates) < n:
        raise QuizSetError(f"the bank has {len(candidates)} matching items for {where}; {n} were asked for")
    seed = str(seed)
    salt = salt or new_salt()
    label = f"{'+'.join(chapters)}-{n}q" + (f"-{variants}v" if variants > 1 else "")
    rng = _rng(salt, seed, label)
    rules = type_rules(type_mix) + list(rules)
    spread = ((lambda it: it.answer.objective or ""), (lambda it: it.template.split("-")[0])) if blueprint else ()
    request = Request(n, rules, spread)
    clashes = compatible(candidates, allow_same_fact, frames_of(bank) if frames is None else frames)
    hint = "" if allow_same_fact else "; allow several items per fact (--allow-same-fact) or ask for fewer questions"
    try:
        leaders = choose_leaders(candidates, request, clashes, rng, why=f" (from {len(candidates)} matching items "
                                 f"for {where}, once no fact, answer or giveaway may repeat between questions){hint}")
    except SelectionError as exc:
        raise QuizSetError(str(exc)) from None
    answers = {it.id: answer_forms(it) for it in candidates}
    pools = fill_slots(leaders, candidates, request, clashes, variants, difficulty, answers, rng)
    order = rng.sample(range(len(pools)), len(pools))
    pools = [pools[i] for i in order]
    types_of_slots = [pool[0].question.type for pool in pools]
    rows = assign_items(pools, variants, rng)
    dealt = {it.id for row in rows for it in row}
    pools = [[it for it in pool if it.id in dealt] for pool in pools]  # an answer dealt equally may leave items out
    made = {it.id: secret_question(it, salt, rng) for pool in pools for it in pool}
    content = "|".join(f"{q.id}:{','.join(c.id for c in q.choices)}" for pool in pools
                       for q, _ in (made[it.id] for it in pool))
    quiz_id = label + "-" + secret_hash(salt, seed, content, length=8)
    slots = [Slot(number=i + 1, type=t, question_ids=[made[it.id][0].id for it in pool])
             for i, (t, pool) in enumerate(zip(types_of_slots, pools))]
    variant_list = [Variant(variant_id=f"v{v + 1:03d}",
                            questions=[shuffled_question(made[it.id][0], rng) for it in row])
                    for v, row in enumerate(rows)]
    quiz = QuizFile(quiz_id=quiz_id, title=title or _title(chapters), chapters=chapters,
                    scoring=scoring or ScoringRules(), slots=slots, variants=variant_list)
    keys = sorted((answer for _, answer in made.values()), key=lambda k: k.id)
    key = KeyFile(quiz_id=quiz_id, seed=seed, salt=salt, keys=keys, blueprint=blueprint,
                  difficulty={k.id: difficulty[k.item_id] for k in keys})
    return quiz, key


def variant_checks(quiz: QuizFile, key: KeyFile, bank: Iterable[Item]) -> tuple[list, list[tuple[float, int]]]:
    """The variant checks of a set (:mod:`afcourse.quiz.giveaways`): every giveaway inside a variant, and per
    slot (share of variants holding its most frequent answer, different answers among its items)."""
    from afcourse.quiz.giveaways import variant_giveaways

    by_id = {it.id: it for it in bank}
    item_of = {k.id: by_id[k.item_id] for k in key.keys}
    rows = [[item_of[q.id] for q in v.questions] for v in quiz.variants]
    slots = [[item_of[qid] for qid in slot.question_ids] for slot in quiz.slots]
    frames = frames_of(by_id.values())
    return (variant_giveaways(((v.variant_id, row) for v, row in zip(quiz.variants, rows)), frames),
            answer_sharing(slots, rows))


def _title(chapters: list[str]) -> str:
    return "Quiz: " + ", ".join(chapters)


def dump(model) -> str:
    """The canonical JSON text of a quiz or key file (stable, byte for byte)."""
    return model.model_dump_json(indent=2, by_alias=True) + "\n"


def write_quiz_set(quiz: QuizFile, key: KeyFile, out_dir: str | Path, *, force: bool = False) -> tuple[Path, Path]:
    """Write ``quiz.json`` (mode 0644) and ``key.json`` (0600) into ``out_dir``; refuse to overwrite unless ``force``."""
    out_dir = Path(out_dir)
    targets = (out_dir / "quiz.json", out_dir / "key.json")
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise OutputExistsError(existing[0])
    write_atomic(targets[1], dump(key), force=force, mode=KEY_MODE)
    write_atomic(targets[0], dump(quiz), force=force, mode=QUIZ_MODE)
    return targets


def _read_model(model, path: Path, what: str, schema: str):
    text = read_text(path, f"the {what}", QuizSetError)
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise QuizSetError(f"{path}: not valid JSON (truncated or damaged?): {exc.errors()[0]['msg']}") from None
        if any(e["loc"] == ("schema",) for e in exc.errors()):
            raise QuizSetError(f"{path}: not a {what} of this version of afcourse (expected schema {schema!r}); "
                               "regenerate it with `afcourse generate`") from None
        raise QuizSetError(f"{path}: not a valid {what}: {validation_summary(exc)}") from None


def read_quiz_set(quiz_dir: str | Path) -> tuple[QuizFile, KeyFile | None]:
    """Read a quiz folder; the key is None when only the student file is there.

    Raises :class:`QuizSetError`, naming the file, when there is no quiz.json, a file is
    unreadable or not a valid quiz or key file, or the key is another quiz's.
    """
    quiz_dir = Path(quiz_dir)
    quiz_path, key_path = quiz_dir / "quiz.json", quiz_dir / "key.json"
    if not quiz_dir.exists():
        raise QuizSetError(f"{quiz_dir}: no such folder (make a quiz set with `afcourse generate --out {quiz_dir}`)")
    if not quiz_path.is_file():
        raise QuizSetError(f"{quiz_dir} holds no quiz.json (make one with `afcourse generate`)")
    quiz = _read_model(QuizFile, quiz_path, "quiz file", QUIZ_SCHEMA)
    key = _read_model(KeyFile, key_path, "key file", KEY_SCHEMA) if key_path.exists() else None
    if key is not None and key.quiz_id != quiz.quiz_id:
        raise QuizSetError(f"{key_path} belongs to quiz {key.quiz_id!r}, not {quiz.quiz_id!r}")
    return quiz, key


def blueprint_quiz_set(bank: list[Item], base, blueprint, *, seed: str | int, variants: int = 1,
                       salt: str | None = None, title: str | None = None, **options) -> tuple[QuizFile, KeyFile]:
    """A quiz set built to a :class:`afcourse.quiz.blueprint.Blueprint`: its chapters and length, only
    the items it allows (taught by the prose), chosen by its rules; the key records the blueprint.
    ``options`` are :func:`make_quiz_set`'s filters (types, difficulty, calibration, scoring)."""
    from afcourse.quiz.blueprint import BlueprintError, blueprint_pool, blueprint_rules, check_blueprint

    try:
        check_blueprint(blueprint, base)
    except BlueprintError as exc:
        raise QuizSetError(f"blueprint: {exc}") from None
    pool = blueprint_pool(blueprint, bank)
    return make_quiz_set(pool, chapters=blueprint.chapters, n=blueprint.questions, seed=seed, variants=variants,
                         salt=salt, title=title or blueprint.title, rules=blueprint_rules(blueprint, base, pool),
                         blueprint=blueprint.model_dump(mode="json"), frames=frames_of(bank), **options)


DEFAULT_ITEMS = 10


def default_quiz_set(bank: list[Item], chapter: str, title: str, base=None) -> tuple[QuizFile, KeyFile]:
    """The committed self-check set of a chapter, built to its default blueprint
    (:func:`afcourse.quiz.blueprint.default_blueprint`: 10 questions, every objective, at least 4
    understanding questions, at most 2 date or number questions and 1 which-source question, all
    taught by the chapter's prose); seed and salt ``<chapter>-self-check``.

    A self-check set's key is public by design, so its salt is fixed and the set reproducible.
    A fact base (``base``, the shipped one by default) without objectives for the chapter, or whose
    items the book's prose does not teach (another course's facts), gets :data:`DEFAULT_ITEMS`
    questions with the caps alone.
    """
    from afcourse.quiz.blueprint import Blueprint, blueprint_pool, default_blueprint

    if base is None:
        from afcourse.facts.factbase import load_facts

        base = load_facts()
    blueprint = default_blueprint(chapter, title)
    if not base.objectives_of(chapter) or len(blueprint_pool(blueprint, bank)) < blueprint.questions:
        blueprint = Blueprint(chapters=[chapter], title=title, questions=DEFAULT_ITEMS, objectives={},
                              min_understanding=0, taught_only=False, objectives_only=False)
    name = f"{chapter}-self-check"
    quiz, key = blueprint_quiz_set(bank, base, blueprint, seed=name, salt=name)
    return quiz.model_copy(update={"self_check": True}), key
