"""The quiz schema: items (question + key), quiz and key files, and submissions.

A :class:`Question` is what a student sees and never holds the answer; an
:class:`AnswerKey` holds it, with the explanation and citations. An :class:`Item`
pairs the two in the item bank. Quiz files hold questions only; key files hold keys;
submissions hold a student's responses. JSON Schema for each file is exported from
these models (``afcourse schema``).
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from afcourse.factmodels import Citation

ItemType = Literal["single_choice", "multiple_select", "true_false", "short_answer", "numeric", "ordering", "matching"]
ITEM_TYPES: tuple[str, ...] = ItemType.__args__  # type: ignore[attr-defined]
QUIZ_SCHEMA = "afcourse.quiz/1"
KEY_SCHEMA = "afcourse.key/1"
SUBMISSION_SCHEMA = "afcourse.submission/1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Model):
    """An option, an element to order, or a matching prompt; ids are stable across shuffles."""

    id: str
    text: str


class ScoringRules(_Model):
    """Per-quiz scoring choices (see :mod:`afcourse.scoring` for what each rule does)."""

    multiple_select: Literal["right_minus_wrong", "all_or_nothing"] = "right_minus_wrong"
    ordering: Literal["pairs", "all_or_nothing"] = "pairs"
    matching: Literal["pairs", "all_or_nothing"] = "pairs"
    fuzzy_threshold: float = Field(85.0, ge=0, le=100)


class Question(_Model):
    """What a student sees of an item: no key, no explanation."""

    id: str
    type: ItemType
    stem: str
    chapter: str
    choices: list[Choice] = Field(default_factory=list, description="options; elements to order; matching answers")
    prompts: list[Choice] = Field(default_factory=list, description="matching only: the left-hand column")
    unit: str | None = Field(None, description="numeric only: what the number counts, e.g. 'year'")
    points: float = 1.0


class ChoiceKey(_Model):
    """single_choice and true_false: the one correct choice id."""

    kind: Literal["choice"] = "choice"
    correct: str


class MultiKey(_Model):
    """multiple_select: every correct choice id (the others are wrong)."""

    kind: Literal["multi"] = "multi"
    correct: list[str]


class TextKey(_Model):
    """short_answer: accepted answers; ``fuzzy`` allows small typos (names)."""

    kind: Literal["text"] = "text"
    accepted: list[str]
    fuzzy: bool = True


class NumericKey(_Model):
    """numeric: the value and the tolerance either side of it."""

    kind: Literal["numeric"] = "numeric"
    value: float
    tolerance: float = 0.0


class OrderKey(_Model):
    """ordering: choice ids from first to last."""

    kind: Literal["order"] = "order"
    order: list[str]


class MatchKey(_Model):
    """matching: prompt id -> choice id."""

    kind: Literal["match"] = "match"
    pairs: dict[str, str]


Key = Annotated[Union[ChoiceKey, MultiKey, TextKey, NumericKey, OrderKey, MatchKey], Field(discriminator="kind")]


class AnswerKey(_Model):
    """The instructor's side of an item: key, explanation, citations and provenance."""

    id: str
    item_id: str | None = Field(None, description="key files only: the bank item the question was made from")
    key: Key
    explanation: str
    citations: list[Citation]
    fact_ids: list[str]


class Item(_Model):
    """One question of the item bank with its key."""

    question: Question
    answer: AnswerKey
    template: str = Field(description="the generator rule that made the item")
    difficulty: float = Field(ge=0, le=1, description="estimated probability that a student gets it wrong")
    values: dict[str, str] = Field(default_factory=dict, description="choice id -> what it stands for (a year, an id)")

    @property
    def id(self) -> str:
        return self.question.id


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

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def validation_summary(exc: ValidationError, limit: int = 3) -> str:
    """The first ``limit`` problems of a pydantic error, each as "field 'a.b': message"."""
    parts = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(p) for p in err["loc"])
        parts.append(f"field '{loc}': {err['msg']}" if loc else err["msg"])
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")
