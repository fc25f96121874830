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

from afcourse.common.fileio import OutputExistsError, write_atomic
from afcourse.bank.coherence import answer_forms, clash_map
from afcourse.bank.models import (ITEM_TYPES, AnswerKey, ChoiceKey, Item, MatchKey, MultiKey, OrderKey,
                                  Question)
from afcourse.quiz.models import KEY_SCHEMA, QUIZ_SCHEMA, KeyFile, QuizFile, ScoringRules, Slot, Variant
from afcourse.common.validation import validation_summary

MAX_REDRAWS = 20
SLOT_SPREAD = 0.15
"""The items of one slot lie within this distance of the difficulty of the slot's first item."""
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


def slot_types(candidates: list[Item], n: int, type_mix: dict[str, int] | None, rng: random.Random) -> list[str]:
    """The type of each of ``n`` slots: the exact mix if given, else shares of the candidates by type."""
    if type_mix:
        return [t for t, count in sorted(type_mix.items()) for _ in range(count)]
    counts = Counter(it.question.type for it in candidates)
    total = sum(counts.values())
    shares = {t: n * c / total for t, c in counts.items()}
    plan = {t: int(share) for t, share in shares.items()}
    rest = sorted(counts, key=lambda t: (-(shares[t] - plan[t]), rng.random()))
    for t in rest[:n - sum(plan.values())]:
        plan[t] += 1
    return [t for t in sorted(plan) for _ in range(plan[t])]


class _SlotFiller:
    """Fills slots with items, keeping facts, answers and clashing items (:mod:`afcourse.bank.coherence`)
    of different slots apart; the items of one slot are alternatives, so they may clash."""

    def __init__(self, candidates: list[Item], difficulty: Mapping[str, float], allow_same_fact: bool):
        self.difficulty = difficulty
        self.allow_same_fact = allow_same_fact
        self.answers = {it.id: answer_forms(it) for it in candidates}
        self.clashes = clash_map(candidates, allow_same_fact)
        self.slot_of: dict[str, int] = {}
        self.fact_owner: dict[str, int] = {}
        self.answer_owner: dict[str, int] = {}
        self.used: set[str] = set()

    def fits(self, item: Item, slot: int) -> bool:
        if item.id in self.used:
            return False
        if not self.allow_same_fact and any(self.fact_owner.get(f, slot) != slot for f in item.answer.fact_ids):
            return False
        if any(self.answer_owner.get(a, slot) != slot for a in self.answers[item.id]):
            return False
        return all(self.slot_of.get(other, slot) == slot for other in self.clashes[item.id])

    def add(self, item: Item, slot: int) -> None:
        self.used.add(item.id)
        self.slot_of[item.id] = slot
        for fact in item.answer.fact_ids:
            self.fact_owner.setdefault(fact, slot)
        for form in self.answers[item.id]:
            self.answer_owner.setdefault(form, slot)


def fill_slots(candidates: list[Item], types: list[str], per_slot: int, rng: random.Random,
               difficulty: Mapping[str, float], allow_same_fact: bool = False,
               flexible: bool = False) -> list[list[Item]]:
    """Up to ``per_slot`` items for each slot (at least one), of the slot's type and comparable difficulty.

    Each slot first gets one item, the slots of a type spread over that type's difficulty range;
    then the slots take turns adding the nearest item in difficulty (within :data:`SLOT_SPREAD`)
    that shares no fact or answer with another slot. Rare types are placed first. When a slot's
    type runs out, a ``flexible`` plan (no exact mix asked for) gives the slot the nearest item of
    any type instead, and ``types`` is updated; otherwise :class:`QuizSetError` names the type.
    """
    filler = _SlotFiller(candidates, difficulty, allow_same_fact)
    slots: list[list[Item]] = [[] for _ in types]
    pools = {t: by_difficulty([it for it in candidates if it.question.type == t], difficulty)
             for t in {it.question.type for it in candidates}}
    everything = by_difficulty(candidates, difficulty)
    for t in sorted(set(types), key=lambda t: (len(pools.get(t, ())), t)):
        pool = pools.get(t, [])
        mine = [i for i, st in enumerate(types) if st == t]
        bounds = [round(k * len(pool) / len(mine)) for k in range(len(mine) + 1)]
        for k in rng.sample(range(len(mine)), len(mine)):
            slot = mine[k]
            stratum = pool[bounds[k]:bounds[k + 1]]
            rng.shuffle(stratum)
            pick = next((it for it in stratum if filler.fits(it, slot)), None)
            if pick is None:  # the stratum is used up: take the nearest item in difficulty that fits
                middle = (bounds[k] + bounds[k + 1]) / 2
                nearest = sorted(range(len(pool)), key=lambda i: abs(i - middle))
                pick = next((pool[i] for i in nearest if filler.fits(pool[i], slot)), None)
            if pick is None and flexible:
                target = difficulty[pool[len(pool) // 2].id] if pool else 0.5
                pick = min((it for it in everything if filler.fits(it, slot)),
                           key=lambda it: abs(difficulty[it.id] - target), default=None)
                if pick is not None:
                    types[slot] = pick.question.type
            if pick is None:
                filled = sum(1 for i in mine if slots[i])
                facts = len({f for it in pool for f in it.answer.fact_ids})
                raise QuizSetError(
                    f"only {filled} of the {len(mine)} {t} question(s) asked for could be filled: the matching "
                    f"{t} items ({len(pool)}, on {facts} fact(s)) run out once no fact or answer may repeat "
                    f"between questions; ask for fewer {t} questions"
                    + ("" if allow_same_fact else ", or allow several items per fact (--allow-same-fact)"))
            slots[slot].append(pick)
            filler.add(pick, slot)
    open_slots = [i for i in range(len(types)) if per_slot > 1]
    while open_slots:
        for slot in rng.sample(open_slots, len(open_slots)):
            target = difficulty[slots[slot][0].id]
            near = [it for it in pools[types[slot]]
                    if abs(difficulty[it.id] - target) <= SLOT_SPREAD and filler.fits(it, slot)]
            if not near:
                open_slots.remove(slot)
                continue
            rng.shuffle(near)
            pick = min(near, key=lambda it: abs(difficulty[it.id] - target))
            slots[slot].append(pick)
            filler.add(pick, slot)
            if len(slots[slot]) >= per_slot:
                open_slots.remove(slot)
    return slots


def assign_items(slots: list[list[Item]], variants: int, rng: random.Random) -> list[list[Item]]:
    """One item per slot for each variant: each slot's items used equally often, variants distinct if possible."""
    best: list[list[Item]] = []
    for _ in range(MAX_REDRAWS):
        columns = []
        for pool in slots:
            column: list[Item] = []
            while len(column) < variants:
                round_ = list(pool)
                rng.shuffle(round_)
                column += round_
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
                  calibration: Mapping[str, float] | None = None) -> tuple[QuizFile, KeyFile]:
    """``variants`` quizzes of ``n`` slots from ``bank``; return (quiz, key).

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
    types_of_slots = slot_types(candidates, n, type_mix, rng)
    pools = fill_slots(candidates, types_of_slots, variants, rng, difficulty, allow_same_fact, flexible=not type_mix)
    order = rng.sample(range(len(pools)), len(pools))
    pools = [pools[i] for i in order]
    types_of_slots = [types_of_slots[i] for i in order]
    rows = assign_items(pools, variants, rng)
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
    key = KeyFile(quiz_id=quiz_id, seed=seed, salt=salt, keys=keys,
                  difficulty={k.id: difficulty[k.item_id] for k in keys})
    return quiz, key


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
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuizSetError(f"{path}: cannot read the {what}: {getattr(exc, 'strerror', None) or exc}") from None
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


DEFAULT_ITEMS = 10


def default_quiz_set(bank: list[Item], chapter: str, title: str) -> tuple[QuizFile, KeyFile]:
    """The committed self-check set of a chapter: 10 items, seed and salt ``<chapter>-self-check``,
    drawn only from items on facts the chapter's text teaches (:func:`afcourse.facts.teaching.taught_facts`).

    A self-check set's key is public by design, so its salt is fixed and the set reproducible.
    The taught list describes the package's own fact base; a bank made from other facts (none of
    them in the list) is drawn from whole.
    """
    from afcourse.facts.teaching import taught_facts  # loads the fact loader and YAML: only when making a set

    taught = taught_facts().get(chapter, frozenset())
    known = taught.intersection(f for it in bank if it.question.chapter == chapter for f in it.answer.fact_ids)
    pool = [it for it in bank if taught.issuperset(it.answer.fact_ids)] if known else bank
    name = f"{chapter}-self-check"
    quiz, key = make_quiz_set(pool, chapters=[chapter], n=DEFAULT_ITEMS, seed=name, salt=name, title=title)
    return quiz.model_copy(update={"self_check": True}), key
