"""Edit one slot of a quiz set and leave every other slot as it was (same items, ids, order, shuffles).

Each edit is a small dict, recorded in the folder's recipe and replayed by
:func:`afcourse.quiz.recipe.rebuild`:

- ``{"action": "exclude", "question": "Q3b"}``: the question leaves the set; the variants that had it
  take another question of its slot (the least used, then one drawn from the salt); the last
  question of a slot is replaced instead (as ``replace`` with no item);
- ``{"action": "replace", "question": "Q3", "with": "<bank item id>"}`` (with ``"item"``, the whole
  item, when it is one of the instructor's own questions): another item in its
  place, in every variant that had it; without ``with``, the bank item of the slot's type nearest
  in difficulty that shares no fact, answer or clash with another slot (ties from the salt; an
  instructor's own question only when named);
- ``{"action": "points", "question": "Q3", "points": 2}``: every question of slot 3 worth 2;
- ``{"action": "reword", "question": "Q3b", "stem": "...", "options": {"old text": "new text"}}``:
  new words for a question (the key is unchanged: it names options by id, not by text).

A question is named as students saw it: ``Q3`` (the slot, or its one question) or ``Q3b`` (one of
a slot's interchangeable questions). New question ids and option orders derive from the set's
salt, as :func:`afcourse.quiz.sets.make_quiz_set` makes them, so an edited set is as reproducible
as a generated one.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Mapping

from afcourse.bank.coherence import answer_forms, clash_map
from afcourse.bank.models import Item
from afcourse.quiz.models import KeyFile, QuizFile, Slot
from afcourse.quiz.sets import SLOT_SPREAD, QuizSetError, secret_hash, secret_question, shuffled_question

ACTIONS = ("exclude", "replace", "points", "reword")


def resolve(quiz: QuizFile, label: str) -> tuple[Slot, list[str]]:
    """(the slot, the question ids) a label names: ``Q3`` every question of slot 3, ``Q3b`` one of them."""
    text = label.strip()
    match = re.fullmatch(r"[Qq]?(\d+)([a-z]*)", text)
    labels = quiz.labels()
    if match and 1 <= int(match[1]) <= len(quiz.slots):
        slot = quiz.slots[int(match[1]) - 1]
        if not match[2]:
            return slot, list(slot.question_ids)
        wanted = f"Q{slot.number}{match[2]}"
        found = [qid for qid in slot.question_ids if labels[qid] == wanted]
        if found:
            return slot, found
    if text in labels:
        slot = quiz.slots[quiz.slot_of()[text] - 1]
        return slot, [text]
    raise QuizSetError(f"no question {label!r} in this set (Q1..Q{len(quiz.slots)}; Q3a, Q3b... name one of a slot's "
                       "questions; `afcourse quiz show DIR` lists them)")


def _rng(key: KeyFile, *parts) -> random.Random:
    return random.Random(int(secret_hash(key.salt, "edit", *parts, length=32), 16))


def _questions(quiz: QuizFile) -> dict:
    found = {}
    for variant in quiz.variants:
        for q in variant.questions:
            found.setdefault(q.id, q)
    return found


def apply_edit(quiz: QuizFile, key: KeyFile, edit: Mapping, pool: Mapping[str, Item]) -> tuple[QuizFile, KeyFile]:
    """The set after one edit (see the module's docstring); ``pool`` maps bank (and own) item ids to items."""
    action = edit.get("action")
    if "item" in edit:  # an instructor's own question, recorded whole in the edit
        item = Item.model_validate(edit["item"])
        pool = {**pool, item.id: item}
    if action not in ACTIONS:
        raise QuizSetError(f"unknown edit {action!r} (one of {', '.join(ACTIONS)})")
    slot, qids = resolve(quiz, str(edit.get("question", "")))
    if action == "points":
        points = edit.get("points")
        if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
            raise QuizSetError(f"points {points!r}: a number above 0")
        return _map_questions(quiz, set(slot.question_ids), lambda q, v: q.model_copy(update={"points": float(points)})), key
    if len(qids) > 1:
        labels = quiz.labels()
        raise QuizSetError(f"Q{slot.number} holds {len(qids)} questions ({', '.join(labels[q] for q in qids)}): "
                           f"name one of them")
    qid = qids[0]
    if action == "reword":
        return _reword(quiz, qid, edit), key
    if action == "exclude" and len(slot.question_ids) > 1:
        return _exclude(quiz, key, slot, qid)
    return _replace(quiz, key, slot, qid, edit.get("with"), pool)


def _map_questions(quiz: QuizFile, qids: set[str], change) -> QuizFile:
    variants = [v.model_copy(update={"questions": [change(q, v) if q.id in qids else q for q in v.questions]})
                for v in quiz.variants]
    return quiz.model_copy(update={"variants": variants})


def _reword(quiz: QuizFile, qid: str, edit: Mapping) -> QuizFile:
    stem, options = edit.get("stem"), edit.get("options") or {}
    if stem is not None and (not isinstance(stem, str) or not stem.strip()):
        raise QuizSetError("--stem: the new wording cannot be empty")
    if not stem and not options:
        raise QuizSetError("reword needs --stem TEXT or --option 'OLD TEXT=NEW TEXT'")
    question = _questions(quiz)[qid]
    texts = {c.text for c in (*question.choices, *question.prompts)}
    unknown = [old for old in options if old not in texts]
    if unknown:
        raise QuizSetError(f"no option {unknown[0]!r} in {qid} (its options: {'; '.join(sorted(texts))})")

    def change(q, _variant):
        new = {"choices": [c.model_copy(update={"text": options.get(c.text, c.text)}) for c in q.choices],
               "prompts": [p.model_copy(update={"text": options.get(p.text, p.text)}) for p in q.prompts]}
        if stem:
            new["stem"] = stem.strip()
        return q.model_copy(update=new)

    return _map_questions(quiz, {qid}, change)


def _exclude(quiz: QuizFile, key: KeyFile, slot: Slot, qid: str) -> tuple[QuizFile, KeyFile]:
    rest = [q for q in slot.question_ids if q != qid]
    use = Counter(q.id for v in quiz.variants for q in v.questions if q.id in rest)
    by_id = _questions(quiz)
    variants = []
    for variant in quiz.variants:
        questions = list(variant.questions)
        position = slot.number - 1
        if questions[position].id == qid:
            rng = _rng(key, "exclude", qid, variant.variant_id)
            pick = min(rest, key=lambda q: (use[q], rng.random()))
            use[pick] += 1
            questions[position] = shuffled_question(by_id[pick], _rng(key, "shuffle", pick, variant.variant_id))
        variants.append(variant.model_copy(update={"questions": questions}))
    slots = [s.model_copy(update={"question_ids": rest}) if s.number == slot.number else s for s in quiz.slots]
    new_quiz = QuizFile.model_validate({**quiz.model_dump(by_alias=True), "slots": [s.model_dump() for s in slots],
                                        "variants": [v.model_dump() for v in variants]})
    return new_quiz, _key_without(key, {qid})


def _key_without(key: KeyFile, qids: set[str], added=()) -> KeyFile:
    keys = sorted([k for k in key.keys if k.id not in qids] + [a for a, _ in added], key=lambda k: k.id)
    difficulty = {k: v for k, v in key.difficulty.items() if k not in qids}
    difficulty.update({a.id: d for a, d in added})
    return key.model_copy(update={"keys": keys, "difficulty": dict(sorted(difficulty.items()))})


def _replace(quiz: QuizFile, key: KeyFile, slot: Slot, qid: str, wanted, pool: Mapping[str, Item]
             ) -> tuple[QuizFile, KeyFile]:
    answers = {k.id: k for k in key.keys}
    used = {answers[q].item_id for s in quiz.slots for q in s.question_ids if q in answers}
    old_item = answers[qid].item_id
    others = [pool[answers[q].item_id] for s in quiz.slots if s.number != slot.number for q in s.question_ids
              if answers[q].item_id in pool]
    target = key.difficulty.get(qid, 0.5)
    if wanted:
        item = pool.get(str(wanted))
        if item is None:
            raise QuizSetError(f"no item {wanted!r} in the bank (nor in your questions): `afcourse bank` lists the "
                               "bank's ids; your own are own:<id>")
        if item.id in used:
            raise QuizSetError(f"{item.id} is already in this set")
        if item.question.type != slot.type:
            raise QuizSetError(f"{item.id} is a {item.question.type} item; Q{slot.number} is a {slot.type} slot "
                               "(every question of a slot is of one type)")
        problem = _clash(item, others)
        if problem:
            raise QuizSetError(f"{item.id} {problem}")
    else:
        facts = {f for other in others for f in other.answer.fact_ids}
        forms = {form for other in others for form in answer_forms(other)}
        candidates = [it for it in pool.values() if it.question.type == slot.type and it.id not in used
                      and not it.id.startswith("own:")  # your own questions come in only when named
                      and it.question.chapter in quiz.chapters and not facts & set(it.answer.fact_ids)
                      and not forms & set(answer_forms(it))]
        clashes = clash_map(candidates + others, False) if candidates else {}
        other_ids = {it.id for it in others}
        candidates = [it for it in candidates if not clashes.get(it.id, set()) & other_ids]
        if not candidates:
            raise QuizSetError(f"no other {slot.type} item of {', '.join(quiz.chapters)} fits Q{slot.number} without "
                               "repeating a fact or an answer of another question")
        # the nearest in difficulty (within the slot spread first); ties broken by the salt, not by the bank's order
        item = min(candidates, key=lambda it: (abs(it.difficulty - target) > SLOT_SPREAD,
                                               round(abs(it.difficulty - target), 6), secret_hash(key.salt, it.id)))
    question, answer = secret_question(item, key.salt, _rng(key, "ids", item.id))
    variants = []
    for variant in quiz.variants:
        questions = list(variant.questions)
        position = slot.number - 1
        if questions[position].id == qid:
            questions[position] = shuffled_question(question, _rng(key, "shuffle", item.id, variant.variant_id))
        variants.append(variant.model_copy(update={"questions": questions}))
    ids = [question.id if q == qid else q for q in slot.question_ids]
    slots = [s.model_copy(update={"question_ids": ids}) if s.number == slot.number else s for s in quiz.slots]
    new_quiz = QuizFile.model_validate({**quiz.model_dump(by_alias=True), "slots": [s.model_dump() for s in slots],
                                        "variants": [v.model_dump() for v in variants]})
    return new_quiz, _key_without(key, {qid}, [(answer, item.difficulty)])


def _clash(item: Item, others: list[Item]) -> str:
    """Why ``item`` cannot sit beside ``others`` in one set ('' when it can)."""
    facts = {f for other in others for f in other.answer.fact_ids}
    if facts & set(item.answer.fact_ids):
        return "asks about a fact another question of the set asks about"
    forms = {form for other in others for form in answer_forms(other)}
    if forms & set(answer_forms(item)):
        return "has an answer another question of the set has (one would give the other away)"
    clashes = clash_map([item, *others], False).get(item.id, set())
    if clashes:
        return "would give away or repeat another question of the set"
    return ""
