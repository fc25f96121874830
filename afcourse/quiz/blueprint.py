"""Blueprints: what a quiz must test, as rules its questions are chosen by.

A blueprint names its chapters and length and says, for the leading question of every slot:

- ``objectives``: how many questions test each learning objective (``all``: every objective of
  the chapters at least once);
- ``min_understanding``: at least this many understanding questions (why, how we know, what it
  shows) rather than recall;
- ``max_date_or_number``: at most this many questions whose answer is a date, a year, a month or a
  figure; ``max_which_source``: at most this many "which source says this?" questions;
  ``max_per_family``: at most this many questions of one form (how the sources treat a claim, whose
  view, which concept ...), so that a quiz does not ask the same kind of question four times;
- ``taught_only``: only questions whose point and answer the chapter's prose makes
  (:mod:`afcourse.quiz.taught`); ``objectives_only``: only questions that test one of the
  chapters' objectives.

The alternatives a slot holds for the variants test what its leading question tests, so every
variant keeps the blueprint. Instructors write a blueprint as a small YAML file
(:func:`read_blueprint`, errors name the field and the line); each chapter's default
(:func:`default_blueprint`) is the one the committed chapter sets are built to.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from afcourse.bank.models import Item
from afcourse.common.fileio import read_text
from afcourse.quiz.giveaways import MONTHS, key_texts
from afcourse.quiz.selection import Rule

DEFAULT_QUESTIONS = 10
_DATE_TEMPLATE = re.compile(r"(year|date|month|quantity|founded|numeric)")
_FIGURE = re.compile(r"^(?:(?:\d{1,2} )?(?:%s) )?[\d,.]+(?: ?(?:percent|%%))?$|^(?:%s)(?: \d{4})?$"
                     % ("|".join(MONTHS), "|".join(MONTHS)), re.IGNORECASE)
_SOURCE_LABEL = re.compile(r"^.+ \(\d{4}\)$")


class BlueprintError(ValueError):
    """A blueprint file that cannot be read or is not valid (the message names the field and line)."""


class Blueprint(BaseModel):
    """What a quiz set must test (see the module's docstring); counts are of the set's questions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chapters: list[str] = Field(min_length=1, description="chapter ids the questions come from")
    questions: int = Field(DEFAULT_QUESTIONS, ge=1, le=100, description="questions per quiz")
    title: str | None = Field(None, description="the title students see")
    objectives: Literal["all"] | dict[str, int] = Field(
        "all", description="objective id -> at least this many questions; 'all': each objective of the chapters once")
    min_understanding: int = Field(4, ge=0, description="at least this many understanding questions")
    max_date_or_number: int | None = Field(2, ge=0, description="at most this many date or number questions "
                                                                 "(none: no cap)")
    max_which_source: int | None = Field(1, ge=0, description="at most this many which-source questions (none: no cap)")
    max_per_family: int | None = Field(None, ge=1, description="at most this many questions of one form, e.g. "
                                                               "evidence status (none: no cap)")
    taught_only: bool = Field(True, description="only questions whose point and answer the chapter's prose makes")
    objectives_only: bool = Field(True, description="only questions that test an objective of the chapters "
                                                    "(no stray recall of a date or a title)")

    @model_validator(mode="after")
    def _counts_fit(self):
        asked = sum(self.objectives.values()) if isinstance(self.objectives, dict) else 0
        for label, count in (("the objectives' questions", asked), ("min_understanding", self.min_understanding)):
            if count > self.questions:
                raise ValueError(f"{label} add up to {count}, more than the {self.questions} questions")
        if isinstance(self.objectives, dict) and any(k < 1 for k in self.objectives.values()):
            raise ValueError("each objective needs at least 1 question (leave an objective out to ask none)")
        return self


DEFAULT_PER_FAMILY = 2


def default_blueprint(chapter: str, title: str | None = None) -> Blueprint:
    """A chapter's default: 10 questions, every objective tested, at least 4 understanding questions,
    at most 2 date or number questions, 1 which-source question and 2 questions of one form, all
    taught by the chapter's prose."""
    return Blueprint(chapters=[chapter], title=title, max_per_family=DEFAULT_PER_FAMILY)


def read_blueprint(path: str | Path) -> Blueprint:
    """A blueprint from a YAML file; :class:`BlueprintError` names the file, line and field of any problem."""
    path = Path(path)
    text = read_text(path, "the blueprint", BlueprintError)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise BlueprintError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise BlueprintError(f"{path}: a blueprint is a mapping of fields (chapters:, questions:, objectives: ...)")
    if isinstance(data.get("chapters"), str):
        data["chapters"] = [data["chapters"]]
    try:
        return Blueprint.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("literal[", "dict[")))]
            line = _line(node, loc)
            field = ".".join(str(p) for p in loc) or "blueprint"
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = f"unknown field (known: {', '.join(Blueprint.model_fields)})"
            problems.append(f"{path}:{line}: field {field!r}: {message}")
        raise BlueprintError("\n".join(dict.fromkeys(problems))) from None


def _line(node, loc: list) -> int:
    """The 1-based line of the YAML node at ``loc`` (the nearest existing parent's line)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(part)), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def is_understanding(item: Item) -> bool:
    """The item tests understanding (why, how we know, what it shows), not recall."""
    return item.answer.level == "understanding"


def is_date_or_number(item: Item) -> bool:
    """The item's answer is a date, a year, a month or a figure (or the dates of events, by order or match)."""
    if item.question.type == "numeric" or _DATE_TEMPLATE.search(item.template):
        return True
    texts = key_texts(item)
    return bool(texts) and all(_FIGURE.match(t.strip()) for t in texts)


def family_of(item: Item) -> str:
    """The form of question an item asks ("evidence", "position", "concept", "event" ...), from its template."""
    return item.template.split("-")[0].removesuffix("s")


def is_which_source(item: Item) -> bool:
    """The item asks which of the course's sources says something (its key is a source)."""
    return (item.template.endswith(("source-choice", "source-short"))
            or any(_SOURCE_LABEL.match(t) for t in key_texts(item)))


def check_blueprint(blueprint: Blueprint, base) -> None:
    """Chapters and objectives the fact base knows, objectives of the blueprint's chapters; else BlueprintError."""
    unknown = [c for c in blueprint.chapters if c not in base.chapters]
    if unknown:
        raise BlueprintError(f"field 'chapters': unknown chapter(s) {', '.join(unknown)} "
                             f"(known: {', '.join(base.chapters)})")
    if isinstance(blueprint.objectives, dict):
        for objective in blueprint.objectives:
            found = base.objectives.get(objective)
            if found is None or found.chapter not in blueprint.chapters:
                mine = [o.id for c in blueprint.chapters for o in base.objectives_of(c)]
                raise BlueprintError(f"field 'objectives': {objective!r} is no objective of "
                                     f"{', '.join(blueprint.chapters)} (these are: {', '.join(mine)})")


def objective_counts(blueprint: Blueprint, base) -> dict[str, int]:
    """Objective id -> at least how many questions test it."""
    if isinstance(blueprint.objectives, dict):
        return dict(blueprint.objectives)
    return {o.id: 1 for c in blueprint.chapters for o in base.objectives_of(c)}


def blueprint_rules(blueprint: Blueprint, base, pool: list[Item] = ()) -> list[Rule]:
    """The blueprint as selection rules (:mod:`afcourse.quiz.selection`); the cap per form of question
    applies to each form ``pool`` holds."""
    rules = [Rule(f"objective {objective}", lambda it, o=objective: it.answer.objective == o, count)
             for objective, count in objective_counts(blueprint, base).items()]
    if blueprint.min_understanding:
        rules.append(Rule("understanding", is_understanding, blueprint.min_understanding))
    if blueprint.max_date_or_number is not None:
        rules.append(Rule("date or number", is_date_or_number, blueprint.max_date_or_number, least=False))
    if blueprint.max_which_source is not None:
        rules.append(Rule("which-source", is_which_source, blueprint.max_which_source, least=False))
    if blueprint.max_per_family is not None:
        rules += [Rule(f"{family} form", lambda it, f=family: family_of(it) == f, blueprint.max_per_family, least=False)
                  for family in sorted({family_of(it) for it in pool})]
    return rules


def blueprint_pool(blueprint: Blueprint, bank: list[Item], prose=None) -> list[Item]:
    """The items a blueprint may draw on: of its chapters, and taught by their chapter's prose if it asks."""
    pool = [it for it in bank if it.question.chapter in blueprint.chapters]
    if blueprint.objectives_only:
        pool = [it for it in pool if it.answer.objective is not None]
    if blueprint.taught_only:
        from afcourse.quiz.taught import frames_of, taught_items

        taught = taught_items(pool, prose, frames_of(bank))
        pool = [it for it in pool if it.id in taught]
    return pool


def blueprint_problems(blueprint: Blueprint, base, items: list[Item], bank: list[Item], prose=None) -> list[str]:
    """How a quiz's items (one variant, drawn from ``bank``) break the blueprint; empty when they keep it."""
    from afcourse.quiz.taught import frames_of, shipped_prose, untaught

    prose = shipped_prose() if prose is None else prose
    frames = frames_of(bank)
    problems = []
    for objective, count in objective_counts(blueprint, base).items():
        have = sum(1 for it in items if it.answer.objective == objective)
        if have < count:
            problems.append(f"objective {objective}: {have} question(s), at least {count} asked for")
    checks = [("understanding", sum(map(is_understanding, items)), blueprint.min_understanding, True),
              ("date or number", sum(map(is_date_or_number, items)), blueprint.max_date_or_number, False),
              ("which-source", sum(map(is_which_source, items)), blueprint.max_which_source, False)]
    if blueprint.max_per_family is not None:
        forms = Counter(map(family_of, items))
        checks += [(f"{form} form", have, blueprint.max_per_family, False) for form, have in sorted(forms.items())]
    for label, have, limit, least in checks:
        if limit is not None and (have < limit if least else have > limit):
            problems.append(f"{have} {label} question(s); {'at least' if least else 'at most'} {limit} asked for")
    if blueprint.objectives_only:
        problems += [f"{it.id} tests no objective" for it in items if it.answer.objective is None]
    if blueprint.taught_only:
        for it in items:
            why = untaught(it, prose.get(it.question.chapter, ()), frames)
            if why:
                problems.append(f"{it.id} is not taught by its chapter: {why}")
    return problems
