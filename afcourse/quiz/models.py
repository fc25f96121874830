"""The quiz schema: quiz and key files, scoring rules, and submissions.

Quiz files hold questions only; key files hold keys; submissions hold a student's
responses. JSON Schema for each file is exported from these models
(``afcourse schema``).
"""

from __future__ import annotations

import re

from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from afcourse.bank.models import (AnswerKey, ChoiceKey, MatchKey, MultiKey, NumericKey, OrderKey, Question,
                                  TextKey)

QUIZ_SCHEMA = "afcourse.quiz/2"
KEY_SCHEMA = "afcourse.key/2"
ROSTER_SCHEMA = "afcourse.roster/1"
SUBMISSION_SCHEMA = "afcourse.submission/1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)



class ScoringRules(_Model):
    """Per-quiz scoring choices (see :mod:`afcourse.quiz.scoring` for what each rule does)."""

    multiple_select: Literal["right_minus_wrong", "options", "all_or_nothing"] = "right_minus_wrong"
    ordering: Literal["pairs", "all_or_nothing"] = "pairs"
    matching: Literal["pairs", "all_or_nothing"] = "pairs"
    fuzzy_threshold: float = Field(85.0, ge=0, le=100)



class Variant(_Model):
    """One student version of a quiz: one question per slot, in slot order (question i is slot i)."""

    variant_id: str
    questions: list[Question]


class Slot(_Model):
    """One numbered question of a quiz set and the interchangeable questions that can fill it.

    Every variant holds exactly one of ``question_ids`` at position ``number``; they are of one
    type and comparable difficulty, and no fact (nor answer) is shared with another slot, so an
    LMS that draws one question per slot gives every student a coherent quiz.
    """

    number: int = Field(ge=1)
    type: str
    question_ids: list[str] = Field(min_length=1)


class QuizFile(_Model):
    """The student-facing quiz set (quiz.json): questions only.

    Nothing here points to the key: question and choice ids derive from a secret salt kept in
    the key file, as does every shuffle, so neither the bank nor this file maps a question to
    its answer.
    """

    schema_: Literal["afcourse.quiz/2"] = Field(QUIZ_SCHEMA, alias="schema")
    quiz_id: str
    title: str
    chapters: list[str]
    scoring: ScoringRules = Field(default_factory=lambda: ScoringRules())
    slots: list[Slot] = Field(default_factory=list, description="when left out, read off the variants by position")
    self_check: bool = Field(False, description="a practice set whose key may be published with it (a book page); "
                                                "`afcourse quiz-page` refuses other sets unless told otherwise")
    variants: list[Variant]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _variants_follow_slots(self):
        if not self.slots and self.variants:
            object.__setattr__(self, "slots", _slots_by_position(self.variants))
        numbers = [s.number for s in self.slots]
        if numbers != list(range(1, len(self.slots) + 1)):
            raise ValueError(f"slots must be numbered 1..{len(self.slots)} in order")
        owner: dict[str, int] = {}
        for slot in self.slots:
            for qid in slot.question_ids:
                if owner.setdefault(qid, slot.number) != slot.number:
                    raise ValueError(f"question {qid} is in slots {owner[qid]} and {slot.number}")
        for variant in self.variants:
            if len(variant.questions) != len(self.slots):
                raise ValueError(f"variant {variant.variant_id} has {len(variant.questions)} questions "
                                 f"for {len(self.slots)} slots")
            for slot, question in zip(self.slots, variant.questions):
                if question.id not in slot.question_ids:
                    raise ValueError(f"variant {variant.variant_id}: question {slot.number} ({question.id}) "
                                     f"is not one of slot {slot.number}'s questions")
        return self

    def slot_of(self) -> dict[str, int]:
        """Question id -> its slot number."""
        return {qid: slot.number for slot in self.slots for qid in slot.question_ids}

    def labels(self) -> dict[str, str]:
        """Question id -> its label as students saw it: ``Q3`` (``Q3a``, ``Q3b``... when slot 3 has several)."""
        found = {}
        for slot in self.slots:
            several = len(slot.question_ids) > 1
            for i, qid in enumerate(slot.question_ids):
                found[qid] = f"Q{slot.number}" + (_letters(i) if several else "")
        return found


def _letters(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa."""
    return chr(97 + index) if index < 26 else _letters(index // 26 - 1) + chr(97 + index % 26)


def _slots_by_position(variants: list[Variant]) -> list[Slot]:
    slots = []
    for i, questions in enumerate(zip(*(v.questions for v in variants))):
        slots.append(Slot(number=i + 1, type=questions[0].type, question_ids=list(dict.fromkeys(q.id for q in questions))))
    return slots


class KeyFile(_Model):
    """The instructor key (key.json): every item's key, explanation and citations, and the secrets.

    ``salt`` and ``seed`` together regenerate the whole set; the salt alone is what keeps a
    student from deriving ids, choices or shuffles from the public bank.
    """

    schema_: Literal["afcourse.key/2"] = Field(KEY_SCHEMA, alias="schema")
    quiz_id: str
    seed: str = Field(description="with the salt, regenerates the quiz set and this key")
    salt: str = Field("", description="secret: question ids, choice ids and shuffles derive from it (empty in a "
                      "hand-made key whose ids derive from nothing)")
    keys: list[AnswerKey]
    difficulty: dict[str, float] = Field(default_factory=dict, description="question id -> estimated difficulty")
    blueprint: dict | None = Field(None, description="the blueprint the set was built to (afcourse.quiz.blueprint), "
                                   "as its fields; none for a set built without one")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RosterEntry(_Model):
    """One student of a class and the variant they were given."""

    id: str = Field(min_length=1)
    name: str = ""
    section: str = ""
    lms_ids: dict[str, str] = Field(default_factory=dict, description="e.g. sis_user_id, sis_login_id, lms_id")
    variant_id: str


class RosterFile(_Model):
    """The class roster of a quiz set (roster.json beside key.json; instructor file)."""

    schema_: Literal["afcourse.roster/1"] = Field(ROSTER_SCHEMA, alias="schema")
    quiz_id: str
    students: list[RosterEntry]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


KEY_KINDS = {"single_choice": ChoiceKey, "true_false": ChoiceKey, "multiple_select": MultiKey,
             "short_answer": TextKey, "numeric": NumericKey, "ordering": OrderKey, "matching": MatchKey}


def key_problems(question: Question, answer: AnswerKey | None) -> list[str]:
    """Why ``answer`` cannot be the key of ``question`` (an empty list when it can); export and grade both ask."""
    qid = question.id
    if answer is None:
        return [f"{qid}: no key"]
    expected = KEY_KINDS[question.type]
    key = answer.key
    if not isinstance(key, expected):
        return [f"{qid}: a {question.type} item needs a {expected.__name__}, the key has {type(key).__name__}"]
    choices = {c.id for c in question.choices}
    prompts = {p.id for p in question.prompts}
    problems = []
    if isinstance(key, ChoiceKey) and key.correct not in choices:
        problems.append(f"{qid}: the correct choice {key.correct!r} is not an option")
    elif isinstance(key, MultiKey) and (not key.correct or not set(key.correct) <= choices):
        problems.append(f"{qid}: the correct choices {key.correct} are not all options")
    elif isinstance(key, TextKey) and not [a for a in key.accepted if a.strip()]:
        problems.append(f"{qid}: no accepted answer")
    elif isinstance(key, OrderKey) and sorted(key.order) != sorted(choices):
        problems.append(f"{qid}: the order does not name each element once")
    elif isinstance(key, MatchKey) and (set(key.pairs) != prompts or not set(key.pairs.values()) <= choices):
        problems.append(f"{qid}: the pairs do not match every prompt to an option")
    if question.type == "true_false" and sorted(c.text.casefold() for c in question.choices) != ["false", "true"]:
        problems.append(f"{qid}: a true/false item needs the options True and False")
    return problems


Response = Union[str, float, list[str], dict[str, str], None]
"""A student's answer to one item: a choice id, text, a number, a list of ids, or pairs."""


class Student(_Model):
    id: str = Field(min_length=1)
    name: str | None = None


class Submission(_Model):
    """What a student hands in: responses by item id, never the key."""

    schema_: Literal["afcourse.submission/1"] = Field(SUBMISSION_SCHEMA, alias="schema")
    quiz_id: str
    variant_id: str
    student: Student
    responses: dict[str, Response]
    status: Literal["in_progress", "submitted"] = "submitted"
    saved_at: str | None = Field(None, description="ISO 8601 time of the last save")
    content_hash: str | None = Field(None, description="written on Submit: afcourse.quiz.sealing.content_hash "
                                                       "of the other fields, so the grader sees later edits")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def submission_file_name(quiz_id: str, student_id: str) -> str:
    """A student's submission file as the notebook quiz names it: ``submission-<quiz id>-<student id>.json``
    (characters unsafe in file names replaced)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{quiz_id}-{student_id}").strip("._") or "anonymous"
    return f"submission-{safe}.json"
