"""The state of one quiz on screen, in plain Python (no widgets).

:class:`QuizController` holds the responses, grades them with
:func:`afcourse.quiz.scoring.score` (the instructor's own function), keeps the running
score, and records a graded quiz through a :class:`SubmissionStore`. The ipywidgets
layer (:mod:`afcourse.quizui.widget`) only forwards clicks and shows what the
controller returns, so everything here is tested without a browser or a kernel.

Modes:

- ``"self-check"``: the key is loaded; *check* grades one question. A first wrong (or
  partly right) attempt says "Not quite" and where to reread, and *try again*
  unlocks the question; the right answer, explanation and citations come with a
  right answer, a second attempt, or *show answer*. Every verdict given after the
  answer is revealed names the right answer.
- ``"assessment"``: there is no key at all; every answer is saved at once (status
  ``in_progress``); *submit* saves with status ``submitted`` and locks the quiz for
  good: later edits are refused, and showing the quiz again shows the submitted
  answers read-only. To let a student answer again, the instructor moves the file away.

An ordering question has no answer until the student moves an element or confirms
the order shown (the shuffled order of the quiz file): an untouched ordering is
unanswered, as the submit confirmation says.

Numeric answers are read by :func:`afcourse.quiz.answers.parse_number` when they are
entered; text it cannot read is refused with its message and records no answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from afcourse.bank.models import AnswerKey, ChoiceKey, MatchKey, MultiKey, NumericKey, OrderKey, Question, TextKey
from afcourse.facts.citations import citation_label, paragraph_mark, short_author
from afcourse.quiz.answers import NumberEntryError, is_blank, parse_number
from afcourse.quiz.models import Response, Student, Submission
from afcourse.quizui.loading import ChapterName, QuizBundle, SourceName
from afcourse.quizui.recording import RecordingError, SubmissionStore

MODES = ("self-check", "assessment")


class QuizStateError(RuntimeError):
    """An action that the quiz's state does not allow (editing a submitted quiz, checking without a key)."""


class AnswerError(ValueError):
    """An entry the quiz cannot record (a numeric box holding words); the message is for the student."""


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
    revealed: bool = False
    hint: str = ""

    @property
    def counts(self) -> bool:
        """Whether this result enters the running score (graded answers, and any revealed answer)."""
        return self.revealed or self.status in ("correct", "partial", "incorrect")


def verdict(status: str, points: float, max_points: float, detail: str = "", answer: str = "") -> str:
    """The one-line verdict, naming the right ``answer`` once it is revealed (the page's script words it the same)."""
    of = f"{fmt_points(points)} of {fmt_points(max_points)} point{'' if max_points == 1 else 's'}"
    if status == "correct":
        text = f"Correct ({of})."
    elif status in ("partial", "incorrect") and not answer:
        text = f"Not quite ({of})."
    elif status == "partial":
        text = f"Partly correct ({of})."
    elif status == "incorrect":
        text = f"Incorrect ({of})."
    elif status == "unanswered":
        text = "No answer given." if answer else "No answer yet: answer the question, then check it."
    else:
        text = f"This answer cannot be graded. {detail[:1].upper()}{detail[1:]}{'' if detail.endswith('.') else '.'}"
    return f"{text} The right answer: {answer}{'' if answer.endswith('.') else '.'}" if answer else text


def _number_text(value: float) -> str:
    return f"{round(value, 6):.6f}".rstrip("0").rstrip(".")


def answer_text(question: Question, key) -> str:
    """The right answer in words, as the verdict names it."""
    texts = {c.id: c.text for c in question.choices}
    if isinstance(key, ChoiceKey):
        return texts.get(key.correct, key.correct)
    if isinstance(key, MultiKey):
        return "; ".join(c.text for c in question.choices if c.id in key.correct)
    if isinstance(key, TextKey):
        return key.accepted[0]
    if isinstance(key, NumericKey):
        unit = "" if not question.unit or question.unit == "year" else f" {question.unit}"
        if key.tolerance:
            low, high = _number_text(key.value - key.tolerance), _number_text(key.value + key.tolerance)
            return f"{_number_text(key.value)}{unit} (anything from {low} to {high} counts)"
        return f"{_number_text(key.value)}{unit}"
    if isinstance(key, OrderKey):
        return ", ".join(f"{i}. {texts.get(cid, cid)}" for i, cid in enumerate(key.order, start=1))
    if isinstance(key, MatchKey):
        prompts = {p.id: p.text for p in question.prompts}
        return "; ".join(f"{prompts.get(p, p)} \u2192 {texts.get(c, c)}" for p, c in key.pairs.items())
    raise TypeError(f"unknown key type {type(key).__name__}")


def reread_hint(question: Question, answer: AnswerKey, chapters: dict[str, ChapterName],
                sources: dict[str, SourceName]) -> str:
    """Where to reread after a first wrong attempt: the question's chapter and the source paragraphs of its key."""
    chapter = chapters.get(question.chapter)
    where = str(chapter) if chapter else "the chapter"
    paragraphs: dict[str, list[int]] = {}
    for c in answer.citations:
        paragraphs.setdefault(c.source, [])
        if c.paragraph not in paragraphs[c.source]:
            paragraphs[c.source].append(c.paragraph)
    cited = "; ".join(f"{sources[s].short if s in sources else s}, {paragraph_mark(ps)}" for s, ps in paragraphs.items())
    source = f" (the part citing {cited})" if cited else ""
    return f"Reread {where}{source}, then try again, or press Show answer."


@dataclass
class QuizController:
    """One quiz variant on screen: responses, results, running score, recording."""

    bundle: QuizBundle
    mode: str = "self-check"
    store: SubmissionStore | None = None
    responses: dict[str, Response] = field(default_factory=dict)
    results: dict[str, Feedback] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
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
            self.responses.setdefault(question.id, None)
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

    def is_revealed(self, item_id: str) -> bool:
        """Whether the right answer of this question has been shown (it then stays locked)."""
        return item_id in self.results and self.results[item_id].revealed

    def answered(self) -> int:
        return sum(1 for q in self.questions if not is_blank(self.responses.get(q.id)))

    def unanswered(self) -> list[int]:
        """The numbers (from 1) of the questions without an answer, an untouched ordering included."""
        return [i for i, q in enumerate(self.questions, start=1) if is_blank(self.responses.get(q.id))]

    def submit_prompt(self) -> str:
        """What the Submit confirmation asks, naming the unanswered questions."""
        missing, total = self.unanswered(), len(self.questions)
        if not missing:
            return f"Submit your answers to all {total} questions? Submitted answers are final."
        which = ", ".join(map(str, missing[:-1])) + (" and " if len(missing) > 1 else "") + str(missing[-1])
        plural = "s" if len(missing) > 1 else ""
        return (f"{len(missing)} of {total} questions have no answer yet: question{plural} {which}. "
                "Submit anyway? Submitted answers are final.")

    def shown_order(self, item_id: str) -> list[str]:
        """An ordering as it stands on screen: the student's order, or the quiz's own before any move."""
        return list(self.responses.get(item_id) or [c.id for c in self.question(item_id).choices])

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
        try:
            cleaned = clean_response(question, value)
        except AnswerError:
            self.responses[item_id] = None  # what is recorded never differs from what the student can read
            self.results.pop(item_id, None)
            self._autosave()
            raise
        self.responses[item_id] = cleaned
        self.results.pop(item_id, None)
        self._autosave()
        return self.responses[item_id]

    def confirm_order(self, item_id: str) -> Response:
        """Record an ordering as shown, without moving anything (the student agrees with it)."""
        return self.answer(item_id, self.shown_order(item_id))

    def check(self, item_id: str) -> Feedback:
        """Grade one question (self-check only): a first wrong attempt gets a hint, a later one the answer."""
        question = self.question(item_id)
        if self.mode != "self-check":
            raise QuizStateError("a graded quiz is not checked here: submit it, and your instructor grades it")
        if question.type == "ordering" and self.responses.get(item_id) is None and not self.is_locked(item_id):
            self.responses[item_id] = self.shown_order(item_id)  # checking the order shown confirms it
        return self._grade(item_id, reveal=False)

    def show_answer(self, item_id: str) -> Feedback:
        """Grade the current answer, if any, and reveal the right one with its explanation (self-check only)."""
        return self._grade(item_id, reveal=True)

    def _grade(self, item_id: str, reveal: bool) -> Feedback:
        from afcourse.quiz.scoring import score

        if self.mode != "self-check":
            raise QuizStateError("a graded quiz is not checked here: submit it, and your instructor grades it")
        if self.is_revealed(item_id):
            return self.results[item_id]
        question, answer = self.question(item_id), self._keys[item_id]
        result = score(question, answer.key, self.responses.get(item_id), self.bundle.quiz.scoring)
        graded = result.status in ("correct", "partial", "incorrect")
        if graded and not reveal:
            reveal = result.status == "correct" or self.attempts.get(item_id, 0) >= 1
            if not reveal:
                self.attempts[item_id] = self.attempts.get(item_id, 0) + 1
        right = answer_text(question, answer.key) if reveal else ""
        feedback = Feedback(item_id=item_id, status=result.status, points=result.points,
                            max_points=result.max_points,
                            verdict=verdict(result.status, result.points, result.max_points, result.detail, right),
                            detail=result.detail if result.status != "invalid" else "",
                            explanation=answer.explanation if reveal else "",
                            citations=tuple(format_citation(c.source, c.paragraph, self.bundle.sources)
                                            for c in answer.citations) if reveal else (),
                            revealed=reveal,
                            hint="" if reveal or not graded else
                            reread_hint(question, answer, self.bundle.chapters, self.bundle.sources))
        if graded or reveal:
            self.results[item_id] = feedback
        else:
            self.results.pop(item_id, None)
        return feedback

    def try_again(self, item_id: str) -> None:
        """Unlock a checked question; its answer stays, its result leaves the running score."""
        self.question(item_id)
        if self.submitted:
            raise QuizStateError("this quiz has been submitted")
        if self.is_revealed(item_id):
            raise QuizStateError("the answer to this question has been shown")
        self.results.pop(item_id, None)

    def submit(self) -> Submission:
        """Save with status ``submitted``; later edits are refused."""
        if self.mode != "assessment" or self.store is None:
            raise QuizStateError("only a graded quiz is submitted")
        if self.submitted:
            raise QuizStateError("this quiz has already been submitted")
        try:
            saved = self.store.save(self.variant_id, self.responses, "submitted")  # sealed with a content hash
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
                except ValueError:  # AnswerError included
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


def _valid_text(text: str) -> str:
    """Text as valid Unicode: split surrogate pairs joined, lone surrogates replaced by U+FFFD."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


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
        return None if value is None or not str(value).strip() else _valid_text(str(value))
    if kind == "numeric":
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            if not math.isfinite(value):
                raise AnswerError("Type a number the quiz can read: not NaN or infinity.")
            return float(value)
        try:
            return parse_number(_valid_text(str(value)), question.unit)
        except NumberEntryError as exc:
            raise AnswerError(str(exc)) from None
    if kind == "ordering":
        if value is None:
            return None
        order = list(value)
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
