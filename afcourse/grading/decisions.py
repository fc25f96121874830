"""An instructor's grading decisions: drop a question, give everyone credit, accept another answer,
override one student's mark. Applied after scoring, recorded in the report, reproducible from a file.

A decision names a question as students saw it (``Q3``: every question of slot 3; ``Q3b``: one
of them) or by its id. The decisions file (YAML or JSON) is a list of entries, the same ones
``afcourse grade`` writes into the output folder as ``decisions.yaml``::

    - {action: drop, question: Q3, reason: two defensible answers}
    - {action: credit, question: Q5}
    - {action: accept, question: Q7, answer: Kabulow}
    - {action: override, question: Q4, student: s2300199, points: 1, reason: read on paper}

- ``drop``: the question counts for nobody (its points leave every total);
- ``credit``: everyone who had it gets full marks on it;
- ``accept``: an answer also earns full marks: an option's letter (``B``, as printed) or text for
  choice questions, a text for short answers (read as the key's own answers are: case, accents and,
  for names, a small typo forgiven), a number for numeric questions;
- ``override``: one student's points on one question, whatever they answered.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from afcourse.bank.models import ChoiceKey, NumericKey, Question, TextKey
from afcourse.common.fileio import read_text
from afcourse.common.text import normalise
from afcourse.grading.results import GradingError
from afcourse.quiz.models import QuizFile
from afcourse.quiz.scoring import ItemScore, score

Action = Literal["drop", "credit", "accept", "override"]
ACTIONS = ("drop", "credit", "accept", "override")
DECISIONS_FILE = "decisions.yaml"


@dataclass(frozen=True)
class Decision:
    """One decision; ``answer`` for accept, ``student`` and ``points`` for override."""

    action: Action
    question: str
    answer: str | None = None
    student: str | None = None
    points: float | None = None
    reason: str = ""

    def describe(self) -> str:
        what = {"drop": f"{self.question} dropped: it counts for nobody",
                "credit": f"{self.question}: full marks for everyone who had it",
                "accept": f"{self.question}: also accepted {self.answer!r}",
                "override": f"{self.question}: student {self.student!r} given {_num(self.points)} point(s)"}[self.action]
        return what + (f" ({self.reason})" if self.reason else "")

    def as_dict(self) -> dict:
        found = {"action": self.action, "question": self.question}
        for name in ("answer", "student", "points", "reason"):
            value = getattr(self, name)
            if value not in (None, ""):
                found[name] = value
        return found


def _num(value: float | None) -> str:
    return "?" if value is None else (str(int(value)) if float(value).is_integer() else f"{value:g}")


def parse_option(action: str, text: str) -> Decision:
    """A decision from a command-line value: ``Q3`` (drop, credit), ``Q7=answer`` (accept),
    ``STUDENT:Q4=points`` (override)."""
    text = text.strip()
    if action in ("drop", "credit"):
        if not text:
            raise GradingError(f"--{action} needs a question, e.g. --{action} Q3")
        return Decision(action, text)  # type: ignore[arg-type]
    if action == "accept":
        question, sep, answer = text.partition("=")
        if not sep or not question.strip() or not answer.strip():
            raise GradingError(f"--accept expects QUESTION=ANSWER, e.g. --accept Q7=Kabulow (got {text!r})")
        return Decision("accept", question.strip(), answer=answer.strip())
    if action == "override":
        match = re.fullmatch(r"(.+?):\s*(\S+?)\s*=\s*([-+]?\d+(?:[.,]\d+)?)", text)
        if not match:
            raise GradingError(f"--override expects STUDENT:QUESTION=POINTS, e.g. --override s2300199:Q4=1 "
                               f"(got {text!r})")
        return Decision("override", match[2], student=match[1].strip(), points=float(match[3].replace(",", ".")))
    raise GradingError(f"unknown decision {action!r} (one of {', '.join(ACTIONS)})")


def read_decisions(path: str | Path) -> list[Decision]:
    """The decisions of a YAML or JSON file; :class:`GradingError` names the entry that is wrong."""
    path = Path(path)
    text = read_text(path, "the decisions", GradingError)
    try:
        import yaml

        data = yaml.safe_load(text) if path.suffix.lower() != ".json" else json.loads(text)
    except Exception as exc:  # yaml.YAMLError, json.JSONDecodeError
        raise GradingError(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {exc}") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise GradingError(f"{path}: expected a list of decisions, one '- action: ...' entry each")
    found = []
    for number, entry in enumerate(data, 1):
        where = f"{path}: decision {number}"
        if not isinstance(entry, dict):
            raise GradingError(f"{where}: expected action, question... fields")
        unknown = set(entry) - {"action", "question", "answer", "student", "points", "reason"}
        if unknown:
            raise GradingError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        action, question = entry.get("action"), entry.get("question")
        if action not in ACTIONS:
            raise GradingError(f"{where}: 'action' must be one of {', '.join(ACTIONS)} (got {action!r})")
        if not isinstance(question, str) or not question.strip():
            raise GradingError(f"{where}: 'question' is missing (a label such as Q3)")
        answer, student, points = entry.get("answer"), entry.get("student"), entry.get("points")
        if action == "accept" and (answer is None or not str(answer).strip()):
            raise GradingError(f"{where}: an accept decision needs 'answer'")
        if action == "override" and (student is None or not isinstance(points, (int, float))
                                     or isinstance(points, bool)):
            raise GradingError(f"{where}: an override needs 'student' and a number of 'points'")
        found.append(Decision(action, question.strip(), None if answer is None else str(answer).strip(),
                              None if student is None else str(student), None if points is None else float(points),
                              str(entry.get("reason") or "")))
    return found


def decisions_yaml(decisions: list[Decision]) -> str:
    """The decisions as the file :func:`read_decisions` reads back."""
    import yaml

    head = ("# Grading decisions applied by `afcourse grade`; rerun with --decisions this file to reproduce them.\n")
    if not decisions:
        return head + "[]\n"
    return head + yaml.safe_dump([d.as_dict() for d in decisions], sort_keys=False, allow_unicode=True)


def resolve(quiz: QuizFile, question: str) -> list[str]:
    """The question ids a decision's label names: ``Q3`` a slot's, ``Q3b`` one item, or an id."""
    labels = quiz.labels()
    by_label: dict[str, list[str]] = {}
    for qid, label in labels.items():
        by_label.setdefault(label.casefold(), []).append(qid)
        slot_label = re.match(r"Q\d+", label)[0].casefold()
        if slot_label != label.casefold():
            by_label.setdefault(slot_label, []).append(qid)
    if question in labels:
        return [question]
    found = by_label.get(question.strip().casefold())
    if not found:
        raise GradingError(f"no question {question!r} in quiz {quiz.quiz_id} (questions are Q1..Q{len(quiz.slots)}"
                           f"; Q3a, Q3b... name one of a slot's interchangeable questions)")
    return found


def dropped_quiz(quiz: QuizFile, decisions: list[Decision]) -> QuizFile:
    """The quiz with every dropped question worth 0 points (so it leaves every total)."""
    dropped = {qid for d in decisions if d.action == "drop" for qid in resolve(quiz, d.question)}
    if not dropped:
        return quiz
    variants = [v.model_copy(update={"questions": [q.model_copy(update={"points": 0.0}) if q.id in dropped else q
                                                   for q in v.questions]}) for v in quiz.variants]
    return quiz.model_copy(update={"variants": variants})


def check(quiz: QuizFile, decisions: list[Decision], keys: dict) -> None:
    """Refuse a decision that names no question, or an answer that cannot be accepted on it."""
    questions: dict[str, Question] = {}
    for variant in quiz.variants:
        for q in variant.questions:
            questions.setdefault(q.id, q)
    for d in decisions:
        ids = resolve(quiz, d.question)
        letter = len(d.answer or "") == 1 and (d.answer or "").isalpha()
        if d.action == "accept" and letter and len(ids) > 1 and questions[ids[0]].type == "single_choice":
            labels = quiz.labels()
            raise GradingError(f"--accept {d.question}={d.answer}: {d.question} holds {len(ids)} questions whose "
                               f"options differ; name one ({', '.join(labels[i] for i in ids)}) or give the "
                               "option's text")
        if d.action == "accept":
            for qid in ids:
                _accepted_key(questions[qid], keys[qid].key, d.answer or "", d.question)


def _accepted_key(question: Question, key, answer: str, label: str):
    """The key under which ``answer`` is right (a copy of the question's own key, answer swapped in)."""
    if isinstance(key, ChoiceKey):
        letters = {chr(65 + i): c.id for i, c in enumerate(question.choices)}
        if len(answer) == 1 and answer.upper() in letters:
            return ChoiceKey(correct=letters[answer.upper()])
        for choice in question.choices:
            if normalise(choice.text) == normalise(answer):
                return ChoiceKey(correct=choice.id)
        shown = "; ".join(f"{chr(65 + i)}. {c.text}" for i, c in enumerate(question.choices))
        raise GradingError(f"--accept {label}={answer}: no such option (the options: {shown})")
    if isinstance(key, TextKey):
        return key.model_copy(update={"accepted": [answer]})
    if isinstance(key, NumericKey):
        try:
            return key.model_copy(update={"value": float(answer.replace(",", "."))})
        except ValueError:
            raise GradingError(f"--accept {label}={answer}: a numeric question needs a number") from None
    raise GradingError(f"--accept {label}: only choice, true/false, short-answer and numeric questions take "
                       f"another answer; for a {question.type.replace('_', ' ')} question use --credit or --override")


def apply(result, decisions: list[Decision]) -> None:
    """Apply credit, accept and override decisions to a graded class (drops are made in the quiz beforehand).

    Changed scores are new :class:`ItemScore` objects; the response each stands for is recorded
    in ``result.response_forms`` so the item analysis still counts the answers given.
    """
    if not decisions:
        return
    quiz, keys = result.quiz, result.keys
    forms = result.response_forms
    rules = quiz.scoring
    known_students = {s.student_id for s in result.students}
    for d in decisions:
        if d.action == "override" and d.student not in known_students:
            raise GradingError(f"--override {d.student}:{d.question}: no graded submission from {d.student!r}")
    plan = [(d, set(resolve(quiz, d.question))) for d in decisions if d.action != "drop"]
    replaced: dict[tuple, ItemScore] = {}
    for student in result.students:
        changed = False
        for i, (question, item_score) in enumerate(zip(student.questions, student.scores)):
            for d, ids in plan:
                if question.id not in ids or (d.action == "override" and d.student != student.student_id):
                    continue
                new = _decide(d, question, keys[question.id].key, item_score, student.responses.get(question.id),
                              rules)
                if new is None:
                    continue
                cache_key = (d, id(item_score))
                new = replaced.setdefault(cache_key, new) if d.action != "override" else new
                if id(item_score) in forms and id(new) not in forms:
                    forms[id(new)] = (forms[id(item_score)][0], new)
                item_score = new
                student.scores[i] = new
                changed = True
        if changed:
            student.points = round(sum(s.points for s in student.scores), 4)
            mine = [d for d, ids in plan if ids & {q.id for q in student.questions}
                    and (d.action != "override" or d.student == student.student_id)]
            if any(d.action == "override" for d in mine):
                student.flags.append("mark set by the instructor")


def _decide(d: Decision, question: Question, key, item_score: ItemScore, response, rules) -> ItemScore | None:
    full = question.points
    if d.action == "credit":
        return replace_score(item_score, full, "correct", "full marks for everyone (instructor's decision)")
    if d.action == "override":
        points = max(0.0, min(full, float(d.points or 0.0)))
        status = "correct" if points >= full else "incorrect" if points <= 0 else "partial"
        return replace_score(item_score, points, status, f"mark set by the instructor{': ' + d.reason if d.reason else ''}")
    if d.action == "accept" and item_score.points < full:
        other = score(question, _accepted_key(question, key, d.answer or "", d.question), response, rules)
        if other.points > item_score.points:
            return replace_score(item_score, other.points, other.status, f"answer {d.answer!r} also accepted "
                                 "(instructor's decision)")
    return None


def replace_score(old: ItemScore, points: float, status: str, detail: str) -> ItemScore:
    """A copy of ``old`` with new points, status and detail."""
    return old.model_copy(update={"points": round(points, 4), "status": status, "detail": detail})


__all__ = ["Decision", "apply", "check", "decisions_yaml", "dropped_quiz", "parse_option", "read_decisions",
           "resolve", "DECISIONS_FILE"]
