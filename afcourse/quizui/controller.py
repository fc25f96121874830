"""The state of one quiz on screen, in plain Python (no widgets).

:class:`QuizController` holds the responses, grades them with
:func:`afcourse.quiz.scoring.score` (the instructor's own function), keeps the running
score, and records a graded quiz through a :class:`SubmissionStore`. The ipywidgets
layer (:mod:`afcourse.quizui.widget`) only forwards clicks and shows what the
controller returns, so everything here is tested without a browser or a kernel.

Modes:

- ``"self-check"``: the key is loaded; *check* grades one question and shows the
  verdict, explanation and citations; a checked question is locked until *try again*.
- ``"assessment"``: there is no key at all; every answer is saved at once (status
  ``in_progress``); *submit* saves with status ``submitted`` and locks the quiz for
  good: later edits are refused, and showing the quiz again shows the submitted
  answers read-only. To let a student answer again, the instructor moves the file away.

An ordering question always has a response: the order on screen, which starts as the
shuffled order of the quiz file and changes as the student moves elements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from afcourse.bank.models import AnswerKey, Question
from afcourse.facts.citations import citation_label, short_author
from afcourse.quiz.models import Response, Student, Submission
from afcourse.quizui.loading import QuizBundle, SourceName
from afcourse.quizui.recording import RecordingError, SubmissionStore

MODES = ("self-check", "assessment")


class QuizStateError(RuntimeError):
    """An action that the quiz's state does not allow (editing a submitted quiz, checking without a key)."""


def fmt_points(value: float) -> str:
    """Points for display: at most two decimals, no trailing zeros (0.67, 1, 2.5)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def format_citation(source: str, paragraph: int, sources: dict[str, SourceName]) -> str:
    """``Aliyev 2020, ¶19``, as the book cites (the source id when the registry does not name it)."""
    name = sources.get(source)
    if name is None:
        return citation_label(source, None, [paragraph])
    return citation_label(short_author(name.author), name.year, [paragraph])


@dataclass(frozen=True)
class Feedback:
    """What a student sees after checking one question."""

    item_id: str
    status: str
    points: float
    max_points: float
    verdict: str
    detail: str = ""
    explanation: str = ""
    citations: tuple[str, ...] = ()

    @property
    def counts(self) -> bool:
        """Whether this result enters the running score (unanswered and invalid ones do not)."""
        return self.status in ("correct", "partial", "incorrect")


def verdict(status: str, points: float, max_points: float, detail: str = "") -> str:
    """The one-line verdict; the static page's script words it the same way."""
    of = f"{fmt_points(points)} of {fmt_points(max_points)} point{'' if max_points == 1 else 's'}"
    if status == "correct":
        return f"Correct ({of})."
    if status == "partial":
        return f"Partly correct ({of})."
    if status == "incorrect":
        return f"Incorrect ({of})."
    if status == "unanswered":
        return "No answer yet: answer the question, then check it."
    return f"This answer cannot be graded: {detail}."


@dataclass
class QuizController:
    """One quiz variant on screen: responses, results, running score, recording."""

    bundle: QuizBundle
    mode: str = "self-check"
    store: SubmissionStore | None = None
    responses: dict[str, Response] = field(default_factory=dict)
    results: dict[str, Feedback] = field(default_factory=dict)
    status: str = "in_progress"
    saved_at: str | None = None
    save_error: str | None = None

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.mode == "assessment":
            if self.bundle.key is not None:
                raise ValueError("an assessment quiz must be built without its key")
            if self.store is None:
                raise ValueError("an assessment quiz needs a SubmissionStore to record the answers")
        elif self.bundle.key is None:
            raise ValueError("a self-check quiz needs its key")
        self._questions = {q.id: q for q in self.bundle.variant.questions}
        self._keys: dict[str, AnswerKey] = {k.id: k for k in self.bundle.key.keys} if self.bundle.key else {}
        missing = [q for q in self._questions if self.mode == "self-check" and q not in self._keys]
        if missing:
            raise ValueError(f"the key has no entry for item(s): {', '.join(missing)}")
        for question in self.questions:
            self.responses.setdefault(question.id, self._initial(question))
        if self.store is not None:
            self._restore()

    # ---- reading -----------------------------------------------------------------------------
    @property
    def questions(self) -> list[Question]:
        return list(self.bundle.variant.questions)

    @property
    def quiz_id(self) -> str:
        return self.bundle.quiz.quiz_id

    @property
    def variant_id(self) -> str:
        return self.bundle.variant.variant_id

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    def question(self, item_id: str) -> Question:
        try:
            return self._questions[item_id]
        except KeyError:
            raise KeyError(f"no question {item_id!r} in this quiz") from None

    def response(self, item_id: str) -> Response:
        return self.responses.get(item_id)

    def is_locked(self, item_id: str) -> bool:
        """Whether the question's controls are read-only (checked, or the quiz submitted)."""
        return self.submitted or item_id in self.results and self.results[item_id].counts

    def answered(self) -> int:
        return sum(1 for q in self.questions if not _empty(self.responses.get(q.id)))

    def score(self) -> tuple[float, float, int]:
        """(points so far, points of the whole quiz, number of questions checked)."""
        counted = [fb for fb in self.results.values() if fb.counts]
        return (round(sum(fb.points for fb in counted), 4), sum(q.points for q in self.questions), len(counted))

    def score_text(self) -> str:
        points, total, checked = self.score()
        return (f"Score: {fmt_points(points)} of {fmt_points(total)} points "
                f"({checked} of {len(self.questions)} questions checked)")

    def status_text(self) -> str:
        """The assessment status line."""
        count = f"{self.answered()} of {len(self.questions)} answered"
        if self.save_error:
            return f"Not saved: {self.save_error}"
        when = _readable_time(self.saved_at)
        if self.submitted:
            return f"Submitted ({count}) at {when}. Your answers are final."
        where = f" to {self.store.path}" if self.store else ""
        return f"Saved{where} at {when} ({count}). Press Submit when you are done." if self.saved_at \
            else f"Not saved yet ({count})."

    # ---- changing ----------------------------------------------------------------------------
    def answer(self, item_id: str, value) -> Response:
        """Record the student's answer to one question (and save it, in assessment mode)."""
        question = self.question(item_id)
        if self.submitted:
            raise QuizStateError("this quiz has been submitted; its answers can no longer change")
        if self.is_locked(item_id):
            raise QuizStateError("this question has been checked; press 'Try again' to change the answer")
        self.responses[item_id] = clean_response(question, value)
        self.results.pop(item_id, None)
        self._autosave()
        return self.responses[item_id]

    def check(self, item_id: str) -> Feedback:
        """Grade one question with :func:`afcourse.quiz.scoring.score` (self-check mode only)."""
        from afcourse.quiz.scoring import score

        if self.mode != "self-check":
            raise QuizStateError("a graded quiz is not checked here: submit it, and your instructor grades it")
        question, answer = self.question(item_id), self._keys[item_id]
        result = score(question, answer.key, self.responses.get(item_id), self.bundle.quiz.scoring)
        graded = result.status in ("correct", "partial", "incorrect")
        feedback = Feedback(item_id=item_id, status=result.status, points=result.points,
                            max_points=result.max_points,
                            verdict=verdict(result.status, result.points, result.max_points, result.detail),
                            detail=result.detail if result.status != "invalid" else "",
                            explanation=answer.explanation if graded else "",
                            citations=tuple(format_citation(c.source, c.paragraph, self.bundle.sources)
                                            for c in answer.citations) if graded else ())
        self.results[item_id] = feedback
        return feedback

    def try_again(self, item_id: str) -> None:
        """Unlock a checked question; its answer stays, its result leaves the running score."""
        self.question(item_id)
        if self.submitted:
            raise QuizStateError("this quiz has been submitted")
        self.results.pop(item_id, None)

    def submit(self) -> Submission:
        """Save with status ``submitted``; later edits are refused."""
        if self.mode != "assessment" or self.store is None:
            raise QuizStateError("only a graded quiz is submitted")
        if self.submitted:
            raise QuizStateError("this quiz has already been submitted")
        try:
            saved = self.store.save(self.variant_id, self.responses, "submitted")
        except RecordingError as exc:
            self.save_error = str(exc)
            raise
        self.status, self.saved_at, self.save_error = "submitted", saved.saved_at, None
        return saved

    def submission(self) -> Submission:
        """The current answers as a Submission (what the file holds after the last save)."""
        student = self.store.student if self.store else Student(id="self-check")
        return Submission(quiz_id=self.quiz_id, variant_id=self.variant_id, student=student,
                          responses=dict(self.responses), status=self.status, saved_at=self.saved_at)

    # ---- internals ---------------------------------------------------------------------------
    @staticmethod
    def _initial(question: Question) -> Response:
        return [c.id for c in question.choices] if question.type == "ordering" else None

    def _restore(self) -> None:
        saved = self.store.load()
        if saved is None:
            self._autosave()
            return
        if saved.variant_id != self.variant_id:
            raise RecordingError(f"{self.store.path} holds answers to variant {saved.variant_id!r}, "
                                 f"not {self.variant_id!r}")
        for item_id, value in saved.responses.items():
            if item_id in self._questions:
                try:
                    self.responses[item_id] = clean_response(self._questions[item_id], value)
                except ValueError:
                    self.responses[item_id] = value  # kept as saved: the instructor's grader reports it
        self.status, self.saved_at = saved.status, saved.saved_at

    def _autosave(self) -> None:
        if self.store is None:
            return
        try:
            saved = self.store.save(self.variant_id, self.responses, self.status)
        except RecordingError as exc:
            self.save_error = str(exc)
            return
        self.saved_at, self.save_error = saved.saved_at, None


def _readable_time(iso: str | None) -> str:
    """``2026-11-23 09:56:05 UTC`` from the ISO time of a save."""
    from datetime import datetime, timezone

    try:
        return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (TypeError, ValueError):
        return str(iso)


def _empty(value: Response) -> bool:
    return value is None or value == "" or value == [] or value == {}


def clean_response(question: Question, value) -> Response:
    """A control's value as a Submission response of the question's type; raises ValueError if it is not one."""
    choice_ids = [c.id for c in question.choices]
    kind = question.type
    if kind in ("single_choice", "true_false"):
        if value in (None, ""):
            return None
        if value not in choice_ids:
            raise ValueError(f"{value!r} is not an option of question {question.id}")
        return value
    if kind == "multiple_select":
        picked = set(value or [])
        unknown = picked - set(choice_ids)
        if unknown:
            raise ValueError(f"not options of question {question.id}: {', '.join(sorted(map(str, unknown)))}")
        return [c for c in choice_ids if c in picked]
    if kind == "short_answer":
        return None if value is None else str(value)
    if kind == "numeric":
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        text = str(value).strip()
        if not text:
            return None
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return text  # kept as typed; grading reports it as not a number
    if kind == "ordering":
        order = list(value or [])
        if sorted(order) != sorted(choice_ids):
            raise ValueError(f"an ordering of question {question.id} must list each element once")
        return order
    if kind == "matching":
        prompts = {p.id for p in question.prompts}
        pairs = {str(k): v for k, v in dict(value or {}).items() if v not in (None, "")}
        bad = [k for k, v in pairs.items() if k not in prompts or v not in choice_ids]
        if bad:
            raise ValueError(f"unknown prompt or option in question {question.id}: {', '.join(bad)}")
        return {p.id: pairs[p.id] for p in question.prompts if p.id in pairs}
    raise ValueError(f"unknown question type {kind!r}")
