"""The quiz schema: quiz and key files, scoring rules, and submissions.

Quiz files hold questions only; key files hold keys; submissions hold a student's
responses. JSON Schema for each file is exported from these models
(``afcourse schema``).
"""

from __future__ import annotations

from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from afcourse.bank.models import AnswerKey, Question

QUIZ_SCHEMA = "afcourse.quiz/1"
KEY_SCHEMA = "afcourse.key/1"
SUBMISSION_SCHEMA = "afcourse.submission/1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)



class ScoringRules(_Model):
    """Per-quiz scoring choices (see :mod:`afcourse.quiz.scoring` for what each rule does)."""

    multiple_select: Literal["options", "all_or_nothing"] = "options"
    ordering: Literal["pairs", "all_or_nothing"] = "pairs"
    matching: Literal["pairs", "all_or_nothing"] = "pairs"
    fuzzy_threshold: float = Field(85.0, ge=0, le=100)



class Variant(_Model):
    """One student version of a quiz: an ordered list of questions."""

    variant_id: str
    questions: list[Question]


class QuizFile(_Model):
    """The student-facing quiz set (quiz.json): questions only.

    Nothing here points to the key: question ids are opaque and the seed, which
    regenerates the whole set with its key, stays in the key file.
    """

    schema_: Literal["afcourse.quiz/1"] = Field(QUIZ_SCHEMA, alias="schema")
    quiz_id: str
    title: str
    chapters: list[str]
    scoring: ScoringRules = Field(default_factory=lambda: ScoringRules())
    self_check: bool = Field(False, description="a practice set whose key may be published with it (a book page); "
                                                "`afcourse quiz-page` refuses other sets unless told otherwise")
    variants: list[Variant]

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class KeyFile(_Model):
    """The instructor key (key.json): every item's key, explanation and citations."""

    schema_: Literal["afcourse.key/1"] = Field(KEY_SCHEMA, alias="schema")
    quiz_id: str
    seed: str = Field(description="regenerates the quiz set and this key: keep it from students")
    keys: list[AnswerKey]
    difficulty: dict[str, float] = Field(default_factory=dict, description="question id -> estimated difficulty")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


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
