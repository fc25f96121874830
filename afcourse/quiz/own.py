"""An instructor's own questions: a private YAML file, validated like the facts, drawn into slots like bank items.

The file is a list of questions; every one has ``id``, ``type``, ``chapter`` and ``stem``, and
what its type needs::

    - id: envoy                         # letters, digits and dashes; becomes the item id own:envoy
      type: short_answer
      chapter: moscow-format
      stem: Who has been Russia's special envoy for Afghanistan since 2011?
      answer: [Zamir Kabulov, Kabulov]  # every accepted form; names forgive a small typo
      explanation: Kabulov has held the post since 2011.
    - id: first-round
      type: single_choice               # also: true_false (answer: true/false), multiple_select
      chapter: moscow-format            # (answer: a list of options)
      stem: When did the first Moscow-format round take place?
      options: [December 2016, April 2017, November 2018]
      answer: December 2016
      feedback: {April 2017: That was the third round.}
    - {id: withdrawal, type: numeric, chapter: history, stem: ..., answer: 1989, tolerance: 0, unit: year}
    - {id: order, type: ordering, chapter: history, stem: ..., order: [first, second, third]}
    - {id: who, type: matching, chapter: taliban, stem: ..., pairs: {Lavrov: foreign minister},
       options: [a distractor]}

Optional everywhere: ``explanation``, ``points`` (1), ``difficulty`` (0 easy .. 1 hard; by type
otherwise), ``objective``, ``level`` (recall/understanding). Every problem is reported with file,
line, question and field, all at once. These items are never part of the public bank
(``afcourse bank``); they reach a quiz only through ``generate --own`` or ``quiz replace --own``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from afcourse.bank.models import (ITEM_TYPES, AnswerKey, Choice, ChoiceKey, Item, MatchKey, MultiKey, NumericKey,
                                  OrderKey, Question, TextKey)
from afcourse.common.fileio import read_text
from afcourse.quiz.sets import QuizSetError

PREFIX = "own:"
DEFAULT_DIFFICULTY = {"single_choice": 0.45, "true_false": 0.3, "multiple_select": 0.55, "short_answer": 0.65,
                      "numeric": 0.65, "ordering": 0.55, "matching": 0.5}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELDS = {"id", "type", "chapter", "stem", "options", "answer", "tolerance", "unit", "order", "pairs", "feedback",
           "explanation", "points", "difficulty", "objective", "level"}


@dataclass(frozen=True)
class OwnProblem:
    path: str
    line: int
    question: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: question {self.question!r}"
        return f"{where}: field '{self.field}': {self.message}" if self.field else f"{where}: {self.message}"


class OwnQuestionsError(QuizSetError):
    """An own-questions file with problems; ``problems`` lists every one."""

    def __init__(self, problems: list[OwnProblem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def _line_of(node, key: str | None) -> int:
    if node is None:
        return 1
    if key is not None and hasattr(node, "value") and isinstance(node.value, list):
        for k, v in node.value:
            if getattr(k, "value", None) == key:
                return v.start_mark.line + 1
    return node.start_mark.line + 1


def read_own_questions(path: str | Path, chapters: set[str] | None = None) -> list[Item]:
    """The questions of an own-questions YAML file as items (ids ``own:<id>``); :class:`OwnQuestionsError`
    lists every problem with file, line, question and field."""
    import yaml

    path = Path(path)
    text = read_text(path, "your questions", QuizSetError)
    try:
        data, root = yaml.safe_load(text), yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise OwnQuestionsError([OwnProblem(str(path), line, "", "", f"not valid YAML: {getattr(exc, 'problem', exc)}")])
    if not isinstance(data, list):
        raise OwnQuestionsError([OwnProblem(str(path), 1, "", "", "expected a list of questions ('- id: ...')")])
    problems: list[OwnProblem] = []
    items: list[Item] = []
    seen: dict[str, int] = {}
    for index, record in enumerate(data):
        node = root.value[index] if root is not None else None
        qid = str(record.get("id", f"#{index + 1}")) if isinstance(record, dict) else f"#{index + 1}"

        def report(field: str, message: str) -> None:
            problems.append(OwnProblem(str(path), _line_of(node, field or None), qid, field, message))

        if not isinstance(record, dict):
            report("", "expected the fields of a question (id, type, chapter, stem...)")
            continue
        before = len(problems)
        item = _item(record, report, chapters)
        if len(problems) == before and item is not None:
            if qid in seen:
                report("id", f"used twice (first on line {seen[qid]})")
                continue
            seen[qid] = _line_of(node, "id")
            items.append(item)
    if problems:
        raise OwnQuestionsError(problems)
    return items


def _texts(value: Any) -> list[str] | None:
    if isinstance(value, list) and value and all(isinstance(v, (str, int, float)) and str(v).strip() for v in value):
        return [str(v).strip() for v in value]
    return None


def _item(r: dict, report, chapters: set[str] | None) -> Item | None:
    for name in sorted(set(r) - _FIELDS):
        report(name, f"unknown field (known: {', '.join(sorted(_FIELDS))})")
    qid, kind, chapter, stem = r.get("id"), r.get("type"), r.get("chapter"), r.get("stem")
    if not isinstance(qid, str) or not _ID.match(qid):
        report("id", "required: lower-case letters, digits and dashes")
    if kind not in ITEM_TYPES:
        report("type", f"must be one of {', '.join(ITEM_TYPES)}")
        return None
    if not isinstance(chapter, str) or not chapter:
        report("chapter", "required: a chapter id")
    elif chapters is not None and chapter not in chapters:
        report("chapter", f"no chapter {chapter!r} (known: {', '.join(sorted(chapters))})")
    if not isinstance(stem, str) or not stem.strip():
        report("stem", "required: the question as students read it")
    points, difficulty = r.get("points", 1), r.get("difficulty", DEFAULT_DIFFICULTY[kind])
    if not isinstance(points, (int, float)) or isinstance(points, bool) or points <= 0:
        report("points", "a number above 0")
    if not isinstance(difficulty, (int, float)) or not 0 <= difficulty <= 1:
        report("difficulty", "a number from 0 (easy) to 1 (hard)")
    level = r.get("level", "recall")
    if level not in ("recall", "understanding"):
        report("level", "recall or understanding")
    answer = r.get("answer")
    choices: list[Choice] = []
    prompts: list[Choice] = []
    key = None
    feedback: dict[str, str] = {}
    if kind in ("single_choice", "multiple_select"):
        options = _texts(r.get("options"))
        if options is None or len(options) < 2:
            report("options", "a list of at least two options")
            return None
        if len(set(options)) != len(options):
            report("options", "an option is listed twice")
        choices = [Choice(id=f"o{i + 1}", text=t) for i, t in enumerate(options)]
        ids = {t: c.id for t, c in zip(options, choices)}
        wanted = [answer] if kind == "single_choice" else answer if isinstance(answer, list) else None
        if kind == "single_choice" and isinstance(answer, list):
            wanted = None
        if wanted is None or not wanted or any(str(a).strip() not in ids for a in wanted):
            report("answer", "the text of the right option" if kind == "single_choice"
                   else "a list of the right options' texts")
            return None
        correct = [ids[str(a).strip()] for a in wanted]
        key = ChoiceKey(correct=correct[0]) if kind == "single_choice" else MultiKey(correct=correct)
        raw = r.get("feedback") or {}
        if not isinstance(raw, dict) or any(str(k).strip() not in ids or not isinstance(v, str) for k, v in raw.items()):
            report("feedback", "option text -> one sentence on why it is wrong")
        else:
            feedback = {ids[str(k).strip()]: v for k, v in raw.items()}
    elif kind == "true_false":
        if not isinstance(answer, bool):
            report("answer", "true or false")
            return None
        choices = [Choice(id="true", text="True"), Choice(id="false", text="False")]
        key = ChoiceKey(correct="true" if answer else "false")
    elif kind == "short_answer":
        accepted = [answer] if isinstance(answer, str) else _texts(answer)
        if not accepted or not all(str(a).strip() for a in accepted):
            report("answer", "the accepted answer, or a list of accepted forms")
            return None
        key = TextKey(accepted=[str(a).strip() for a in accepted])
    elif kind == "numeric":
        tolerance = r.get("tolerance", 0)
        if not isinstance(answer, (int, float)) or isinstance(answer, bool):
            report("answer", "a number")
            return None
        if not isinstance(tolerance, (int, float)) or tolerance < 0:
            report("tolerance", "a number, 0 or more")
            return None
        key = NumericKey(value=float(answer), tolerance=float(tolerance))
    elif kind == "ordering":
        order = _texts(r.get("order"))
        if order is None or len(order) < 2 or len(set(order)) != len(order):
            report("order", "the elements from first to last, at least two, each once")
            return None
        choices = [Choice(id=f"e{i + 1}", text=t) for i, t in enumerate(order)]
        key = OrderKey(order=[c.id for c in choices])
    elif kind == "matching":
        pairs, extra = r.get("pairs"), r.get("options") or []
        if not isinstance(pairs, dict) or len(pairs) < 2 or not all(str(v).strip() for v in pairs.values()):
            report("pairs", "at least two 'item: its match' lines")
            return None
        if not isinstance(extra, list):
            report("options", "a list of extra matches that fit no item")
            return None
        answers = list(dict.fromkeys([str(v).strip() for v in pairs.values()] + [str(e).strip() for e in extra]))
        prompts = [Choice(id=f"p{i + 1}", text=str(t).strip()) for i, t in enumerate(pairs)]
        choices = [Choice(id=f"m{i + 1}", text=t) for i, t in enumerate(answers)]
        ids = {c.text: c.id for c in choices}
        key = MatchKey(pairs={p.id: ids[str(v).strip()] for p, v in zip(prompts, pairs.values())})
    if key is None or not isinstance(qid, str) or not isinstance(stem, str) or not isinstance(chapter, str):
        return None
    unit = r.get("unit") if kind == "numeric" else None
    item_id = PREFIX + qid
    question = Question(id=item_id, type=kind, stem=stem.strip(), chapter=chapter, choices=choices, prompts=prompts,
                        unit=str(unit) if unit else None, points=float(points))
    explanation = r.get("explanation") or ""
    if not isinstance(explanation, str):
        report("explanation", "text")
        return None
    answer_key = AnswerKey(id=item_id, key=key, explanation=explanation.strip(), citations=[], fact_ids=[item_id],
                           feedback=feedback, objective=r.get("objective"), level=level)
    return Item(question=question, answer=answer_key, template="own", difficulty=float(difficulty))
