"""The rules of one served quiz: its variants, opening hours, answer checks and feedback.

Holds quiz.json and key.json in memory; only :meth:`Assessment.student_view` and
:meth:`Assessment.feedback` produce what a student receives, and neither copies a key.
Feedback is scored with :func:`afcourse.quiz.scoring.score`, the grader's own function.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from afcourse.bank.models import Question
from afcourse.grading.grader import load_quiz
from afcourse.grading.results import GradingError
from afcourse.quiz.models import KeyFile, QuizFile, Response, Variant

FeedbackPolicy = Literal["never", "after-close", "after-submit"]
FEEDBACK_POLICIES = ("never", "after-close", "after-submit")
MAX_TEXT = 2000
_RESPONSE = TypeAdapter(Response)


class AssessmentError(ValueError):
    """The quiz folder or a setting cannot be used; the message says why."""


class InvalidAnswer(ValueError):
    """An answer that does not fit its question; the message says what is wrong."""


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 time; one without a zone is taken as UTC."""
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise AssessmentError(f"not an ISO 8601 time: {text!r} (e.g. 2026-12-01T09:00:00+00:00)") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def load_quiz_dir(quiz_dir: str | Path) -> tuple[QuizFile, KeyFile]:
    """quiz.json and key.json of a quiz folder, checked to belong together (as ``afcourse grade`` reads them)."""
    try:
        return load_quiz(quiz_dir)
    except GradingError as exc:
        raise AssessmentError(str(exc)) from None


@dataclass
class Assessment:
    """A quiz with its key and the instructor's settings."""

    quiz: QuizFile
    key: KeyFile
    opens: datetime | None = None
    closes: datetime | None = None
    feedback_policy: FeedbackPolicy = "never"
    assigned: dict[str, str] = field(default_factory=dict)
    """student id -> variant id, from the quiz folder's roster.json (``generate --roster``)."""

    def __post_init__(self):
        if self.feedback_policy not in FEEDBACK_POLICIES:
            raise AssessmentError(f"feedback must be one of {', '.join(FEEDBACK_POLICIES)}, "
                                  f"not {self.feedback_policy!r}")
        if self.opens and self.closes and self.closes <= self.opens:
            raise AssessmentError("the quiz must close after it opens")
        self._variants = {v.variant_id: v for v in self.quiz.variants}
        self._views = {v.variant_id: self._view(v) for v in self.quiz.variants}
        self._questions = {v.variant_id: {q.id: q for q in v.questions} for v in self.quiz.variants}
        self._keys = {k.id: k for k in self.key.keys}
        missing = sorted({q.id for v in self.quiz.variants for q in v.questions} - set(self._keys))
        if missing:
            raise AssessmentError(f"key.json has no key for item(s): {', '.join(missing[:5])}")

    @property
    def quiz_id(self) -> str:
        return self.quiz.quiz_id

    # ---- time --------------------------------------------------------------------------------
    def window_state(self, now: datetime | None = None) -> Literal["not_open", "open", "closed"]:
        now = now or datetime.now(timezone.utc)
        if self.opens and now < self.opens:
            return "not_open"
        if self.closes and now >= self.closes:
            return "closed"
        return "open"

    # ---- variants ----------------------------------------------------------------------------
    def variant_for(self, student_id: str) -> Variant:
        """The variant the roster assigned, else a fixed one per student: the SHA-256 rule of the notebook quiz."""
        if student_id in self.assigned:
            return self._variants[self.assigned[student_id]]
        if len(self.quiz.variants) == 1:
            return self.quiz.variants[0]
        digest = hashlib.sha256(f"{self.quiz_id}|{student_id}".encode()).hexdigest()
        return self.quiz.variants[int(digest, 16) % len(self.quiz.variants)]

    def variant(self, variant_id: str) -> Variant:
        return self._variants[variant_id]

    def student_view(self, variant_id: str) -> dict:
        """What a student is sent of the quiz: title, scoring rules, questions; no key, no explanation."""
        return dict(self._views[variant_id])

    def _view(self, variant: Variant) -> dict:
        return {"quiz_id": self.quiz_id, "title": self.quiz.title, "variant_id": variant.variant_id,
                "scoring": self.quiz.scoring.model_dump(mode="json"),
                "questions": [q.model_dump(mode="json") for q in variant.questions],
                "opens": self.opens.isoformat() if self.opens else None,
                "closes": self.closes.isoformat() if self.closes else None,
                "feedback": self.feedback_policy}

    # ---- answers -----------------------------------------------------------------------------
    def check_answer(self, variant_id: str, item_id: Any, value: Any) -> tuple[str, Response]:
        """The item and response if they fit the student's variant; raises InvalidAnswer saying why."""
        if not isinstance(item_id, str):
            raise InvalidAnswer("'item_id' must be a string")
        question = self._questions[variant_id].get(item_id)
        if question is None:
            raise InvalidAnswer(f"your quiz has no question {item_id[:60]!r}")
        return item_id, _checked(question, value)

    # ---- feedback ----------------------------------------------------------------------------
    def feedback_released(self, submitted: bool, now: datetime | None = None) -> bool:
        if self.feedback_policy == "after-submit":
            return submitted
        if self.feedback_policy == "after-close":
            return self.closes is not None and self.window_state(now) == "closed"
        return False

    def feedback(self, variant_id: str, responses: dict[str, Response]) -> dict:
        """Each item's score, verdict and explanation, with the total (the key itself is not sent)."""
        from afcourse.quiz.scoring import score

        items, points, total = [], 0.0, 0.0
        for question in self._variants[variant_id].questions:
            answer = self._keys[question.id]
            result = score(question, answer.key, responses.get(question.id), self.quiz.scoring)
            items.append({"item_id": question.id, "status": result.status, "points": result.points,
                          "max_points": result.max_points, "detail": result.detail,
                          "explanation": answer.explanation if result.status != "unanswered" else ""})
            points += result.points
            total += result.max_points
        return {"items": items, "points": round(points, 4), "max_points": total}


def _checked(question: Question, value: Any) -> Response:
    """``value`` as a response to ``question``, or InvalidAnswer naming what does not fit."""
    try:
        value = _RESPONSE.validate_python(value, strict=True)
    except ValidationError:
        raise InvalidAnswer("a response is a string, a number, a list of strings, an object of strings, "
                            "or null") from None
    if value is None:
        return None
    kind, choice_ids = question.type, {c.id for c in question.choices}
    if kind in ("single_choice", "true_false"):
        if value not in choice_ids:
            raise InvalidAnswer(f"expected one option id of question {question.id}")
    elif kind in ("multiple_select", "ordering"):
        if not isinstance(value, list) or not set(value) <= choice_ids or len(set(value)) != len(value):
            raise InvalidAnswer(f"expected a list of distinct option ids of question {question.id}")
        if kind == "ordering" and set(value) != choice_ids:
            raise InvalidAnswer(f"an ordering of question {question.id} lists every element once")
    elif kind == "short_answer":
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise InvalidAnswer(f"expected text of at most {MAX_TEXT} characters")
    elif kind == "numeric":
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidAnswer("expected a finite number")
        if isinstance(value, str) and len(value) > 100:
            raise InvalidAnswer("expected a number")
        if not isinstance(value, (float, str)):
            raise InvalidAnswer("expected a number")
    elif kind == "matching":
        prompts = {p.id for p in question.prompts}
        if not isinstance(value, dict) or not set(value) <= prompts or not set(value.values()) <= choice_ids:
            raise InvalidAnswer(f"expected prompt id -> option id pairs of question {question.id}")
    return value
