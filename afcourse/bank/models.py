"""The item bank's records: a question, its key, and the item that pairs them.

A :class:`Question` is what a student sees and never holds the answer; an
:class:`AnswerKey` holds it, with the explanation and citations. An :class:`Item`
pairs the two in the item bank.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from afcourse.facts.models import Citation

Level = Literal["recall", "understanding"]
"""What an item asks for: a remembered fact (who, when, how many) or understanding (why, how we know, what it shows)."""
ItemType = Literal["single_choice", "multiple_select", "true_false", "short_answer", "numeric", "ordering", "matching"]
ITEM_TYPES: tuple[str, ...] = ItemType.__args__  # type: ignore[attr-defined]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Model):
    """An option, an element to order, or a matching prompt; ids are stable across shuffles."""

    id: str
    text: str



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
    feedback: dict[str, str] = Field(default_factory=dict, description=(
        "choice id -> one sentence on why that option is wrong, shown after a student picks it"))
    objective: str | None = Field(None, description="the learning objective the item tests (an objective id)")
    level: Level = Field("recall", description="recall or understanding")


CONCEPT = "concept"
"""The key in ``Item.values`` naming the concept a definition item asks about."""


class Item(_Model):
    """One question of the item bank with its key."""

    question: Question
    answer: AnswerKey
    template: str = Field(description="the generator rule that made the item")
    difficulty: float = Field(ge=0, le=1, description="estimated probability that a student gets it wrong")
    values: dict[str, str] = Field(default_factory=dict, description="choice id -> what it stands for (a year, an id)")
    occasions: list[str] = Field(default_factory=list, description="the events the item is about (an event, the "
                                 "allegation a denial answers, the day a thing was said): two items sharing one ask twice")

    @property
    def id(self) -> str:
        return self.question.id
