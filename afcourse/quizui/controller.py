"""The state of one quiz on screen, in plain Python (no widgets).

:class:`QuizController` holds the responses, grades them with
:func:`afcourse.quiz.scoring.score` (the instructor's own function), keeps the running
score, and records a graded quiz through a :class:`SubmissionStore`. The ipywidgets
layer (:mod:`afcourse.quizui.widget`) only forwards clicks and shows what the
controller returns, so everything here is tested without a browser or a kernel.

Modes:

- ``"self-check"``: the key is loaded; *check* grades one question. A first wrong (or
  partly right) attempt says "Not quite", why the option picked is wrong (the key's
  per-option ``feedback``, when it has one) and which chapter section to reread (never
  the paragraph, which could name the answer), and *try again* unlocks the question;
  the right answer, explanation and citations come with a right answer, a second
  attempt, or *show answer*. Every verdict given after the answer is revealed names
  the right answer. The score keeps each question's first attempt (*show answer*
  before any check scores 0); a retry is practice and its feedback says so. With a
  :class:`SelfCheckStore` the state is kept in a file beside the notebook after every
  change and restored when the quiz is shown again (after a kernel restart).
- ``"assessment"``: there is no key at all; every answer is saved at once (status
  ``in_progress``); *submit* saves with status ``submitted`` and locks the quiz for
  good: later edits are refused, and showing the quiz again shows the submitted
  answers read-only. To let a student answer again, the instructor moves the file away.

An ordering question has no answer until the student moves an element or confirms
the order shown (the shuffled order of the quiz file): an untouched ordering is
unanswered, as the submit confirmation says.

Numeric answers are read by :func:`afcourse.quiz.answers.parse_number` when they are
entered; text it cannot read is refused with its message and records no answer, and
*check* repeats that message rather than "No answer yet". An entry that arrives just
after a *check* that found no answer (the frontend may send the click before the text)
is checked at once, so no click is lost.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from afcourse.bank.models import AnswerKey, ChoiceKey, MatchKey, MultiKey, NumericKey, OrderKey, Question, TextKey
from afcourse.facts.citations import citation_label, paragraph_anchor, short_author
from afcourse.quiz.answers import NumberEntryError, is_blank, parse_number
from afcourse.quiz.models import Response, Student, Submission
from afcourse.quizui.loading import ChapterName, QuizBundle, SourceName
from afcourse.quizui.recording import RecordingError, SelfCheckStore, SubmissionStore
from afcourse.quizui.sections import Section, book_url, section_for, section_href

MODES = ("self-check", "assessment")
LATE_ENTRY_SECONDS = 3.0  # an entry this soon after a check that found none is checked at once


class QuizStateError(RuntimeError):
    """An action that the quiz's state does not allow (editing a submitted quiz, checking without a key)."""


class AnswerError(ValueError):
    """An entry the quiz cannot record (a numeric box holding words); the message is for the student."""


def fmt_points(value: float) -> str:
    """Points for display: at most two decimals, no trailing zeros (0.67, 1, 2.5)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def grouped_citations(citations, sources: dict[str, SourceName]) -> list[tuple[str, str]]:
    """One ``(label, anchor)`` per source, its paragraphs together: ``Aliyev 2020, ¶¶20, 21`` and the first's anchor."""
    by_source: dict[str, list[int]] = {}
    for c in citations:
        by_source.setdefault(c.source, [])
        if c.paragraph not in by_source[c.source]:
            by_source[c.source].append(c.paragraph)
    out = []
    for source, paragraphs in by_source.items():
        name = sources.get(source)
        label = citation_label(short_author(name.author), name.year, paragraphs) if name else \
            citation_label(source, None, paragraphs)
        out.append((label, paragraph_anchor(source, min(paragraphs))))
    return out


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
    hint_href: str = ""  # the hint's section on the book's published site, when the book names its address
    option_feedback: tuple[str, ...] = ()  # why each option picked is wrong (the key's per-option feedback)
    practice: str = ""  # set on a retry: the score keeps the first attempt
    citation_hrefs: tuple[str, ...] = ()
    entry: bool = False  # an entry the quiz could not read: verdict is the message, nothing graded

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


def practice_text(first_points: float, max_points: float) -> str:
    """The line under a retry's verdict (the page's script words it the same)."""
    return (f"Practice attempt, not scored: your score keeps your first attempt "
            f"({fmt_points(first_points)} of {fmt_points(max_points)} point{'' if max_points == 1 else 's'}).")


def read_as(question: Question, typed, value) -> str:
    """``Read as 2.5.`` when a numeric entry was read as a number written otherwise; else ``""``."""
    if question.type != "numeric" or value is None or typed is None:
        return ""
    shown = _number_text(float(value))
    unit = f" {question.unit}" if question.unit and question.unit != "year" else ""
    return "" if str(typed).strip() == shown else f"Read as {shown}{unit}."


def option_feedback(question: Question, answer: AnswerKey, response) -> tuple[str, ...]:
    """The key's sentence on each wrong option the response picked (choice types only)."""
    if not answer.feedback or question.type not in ("single_choice", "true_false", "multiple_select"):
        return ()
    picked = [response] if isinstance(response, str) else list(response or [])
    return tuple(answer.feedback[c] for c in picked if c in answer.feedback)


def answer_text(question: Question, key) -> str:
    """The right answer in words, as the verdict names it."""
    texts = {c.id: c.text for c in question.choices}
    if isinstance(key, ChoiceKey):
        return texts.get(key.correct, key.correct)
    if isinstance(key, MultiKey):
        return "; ".join(c.text for c in question.choices if c.id in key.correct)
    if isinstance(key, TextKey):  # the fullest accepted form: "Sergei Lavrov", not "Lavrov"
        return max(key.accepted, key=len)
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


def hint_section(question: Question, answer: AnswerKey) -> Section | None:
    """The chapter section that teaches the item: its citations cover the key's cited paragraphs."""
    return section_for(question.chapter, [(c.source, c.paragraph) for c in answer.citations])


def reread_hint(question: Question, answer: AnswerKey, chapters: dict[str, ChapterName]) -> str:
    """Where to reread after a first wrong attempt: the chapter and section that teach it, never a paragraph."""
    section = hint_section(question, answer)
    chapter = chapters.get(section.chapter if section else question.chapter)
    where = str(chapter) if chapter else "the chapter"
    if section:
        where += f", section \u201c{section.title}\u201d"
    return f"Reread {where}, then try again (a retry is practice), or press Show answer."


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
    first_points: dict[str, float] = field(default_factory=dict)
    entry_errors: dict[str, str] = field(default_factory=dict)
    keeper: SelfCheckStore | None = None
    restored: str = ""  # the line saying the answers were restored from the keeper's file

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
        self._pending_check: dict[str, float] = {}
        self._last_check: dict[str, tuple] = {}
        if self.keeper is not None:
            self._restore_self_check()

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
        verb = "has" if len(missing) == 1 else "have"
        return (f"{len(missing)} of {total} questions {verb} no answer yet: question{plural} {which}. "
                "Submit anyway? Submitted answers are final.")

    def shown_order(self, item_id: str) -> list[str]:
        """An ordering as it stands on screen: the student's order, or the quiz's own before any move."""
        return list(self.responses.get(item_id) or [c.id for c in self.question(item_id).choices])

    def score(self) -> tuple[float, float, int]:
        """(points of the first attempts, points of the whole quiz, number of questions checked)."""
        return (round(sum(self.first_points.values()), 4), sum(q.points for q in self.questions),
                len(self.first_points))

    def score_text(self) -> str:
        points, total, checked = self.score()
        return (f"Score: {fmt_points(points)} of {fmt_points(total)} points on first attempts "
                f"({checked} of {len(self.questions)} questions checked)")

    def entry_note(self, item_id: str, typed) -> str:
        """How a numeric entry was read (``Read as 2.5.``), shown before it is checked."""
        return read_as(self.question(item_id), typed, self.responses.get(item_id))

    def status_text(self) -> str:
        """The assessment status line."""
        count = f"{self.answered()} of {len(self.questions)} answered"
        missing = len(self.questions) - self.answered()
        if self.save_error:
            return f"Not saved: {self.save_error}"
        when = _readable_time(self.saved_at)
        if self.submitted:
            left = f" {missing} question{'' if missing == 1 else 's'} had no answer." if missing else ""
            return f"Submitted ({count}) at {when}. Your answers are final.{left}"
        where = f" to {self.store.path}" if self.store else ""
        return f"Saved{where} at {when} ({count}). Press Submit when you are done." if self.saved_at \
            else f"Not saved yet ({count})."

    # ---- changing ----------------------------------------------------------------------------
    def answer(self, item_id: str, value, *, frontend: bool = False) -> Response:
        """Record the student's answer to one question (and save it, in assessment mode).

        ``frontend``: the value comes from a live control, whose messages may reach the kernel
        after a *check* sent later; a different value just after that check undoes it (the
        widget then checks the new value: :meth:`late_check`).
        """
        question = self.question(item_id)
        if self.submitted:
            raise QuizStateError("this quiz has been submitted; its answers can no longer change")
        if self.is_locked(item_id) and not (frontend and self._undo_recent_check(item_id, value)):
            raise QuizStateError("this question has been checked; press 'Try again' to change the answer")
        try:
            cleaned = clean_response(question, value)
        except AnswerError as exc:
            self.responses[item_id] = None  # what is recorded never differs from what the student can read
            self.entry_errors[item_id] = str(exc)
            self.results.pop(item_id, None)
            self._autosave()
            self._keep()
            raise
        self.responses[item_id] = cleaned
        self.entry_errors.pop(item_id, None)
        self.results.pop(item_id, None)
        self._autosave()
        self._keep()
        return self.responses[item_id]

    def late_check(self, item_id: str) -> bool:
        """Whether a *check* just came before this entry (it found no answer, or an older one), so it is checked now."""
        asked = self._pending_check.pop(item_id, None)
        return asked is not None and time.monotonic() - asked < LATE_ENTRY_SECONDS

    def _undo_recent_check(self, item_id: str, value) -> bool:
        """A check made just before a different answer arrived graded a stale answer: undo it (see ``late_check``)."""
        recent = self._last_check.get(item_id)
        if self.submitted or recent is None or time.monotonic() - recent[0] >= LATE_ENTRY_SECONDS:
            return False
        try:
            if clean_response(self.question(item_id), value) == self.responses.get(item_id):
                return False  # the same answer: nothing to undo
        except ValueError:
            pass
        _, result, attempts, first = self._last_check.pop(item_id)
        for part, old in ((self.results, result), (self.attempts, attempts), (self.first_points, first)):
            if old is None:
                part.pop(item_id, None)
            else:
                part[item_id] = old
        self._pending_check[item_id] = time.monotonic()
        return True

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
        if item_id in self.entry_errors and not self.is_locked(item_id):
            self._pending_check[item_id] = time.monotonic()
            return Feedback(item_id=item_id, status="unanswered", points=0.0, max_points=question.points,
                            verdict=self.entry_errors[item_id], entry=True)
        if is_blank(self.responses.get(item_id)) and not self.is_locked(item_id):
            self._pending_check[item_id] = time.monotonic()
        elif not self.is_locked(item_id):
            self._last_check[item_id] = (time.monotonic(), self.results.get(item_id), self.attempts.get(item_id),
                                         self.first_points.get(item_id))
        return self._grade(item_id, reveal=False)

    def show_answer(self, item_id: str) -> Feedback:
        """Reveal the right answer with its explanation (self-check only); before any check it scores 0."""
        self._asked_to_show = True
        self._last_check.pop(item_id, None)
        try:
            return self._grade(item_id, reveal=True)
        finally:
            self._asked_to_show = False

    def _grade(self, item_id: str, reveal: bool) -> Feedback:
        if self.mode != "self-check":
            raise QuizStateError("a graded quiz is not checked here: submit it, and your instructor grades it")
        if self.is_revealed(item_id):
            return self.results[item_id]
        feedback = self._feedback(item_id, reveal, user=True)
        self._keep()
        return feedback

    def _feedback(self, item_id: str, reveal: bool, user: bool) -> Feedback:
        """Grade and word one question's result; ``user``: a student's action (it may be the scored attempt)."""
        from afcourse.quiz.scoring import score

        question, answer = self.question(item_id), self._keys[item_id]
        response = self.responses.get(item_id)
        result = score(question, answer.key, response, self.bundle.quiz.scoring)
        graded = result.status in ("correct", "partial", "incorrect")
        if user and graded and not reveal:
            reveal = result.status == "correct" or self.attempts.get(item_id, 0) >= 1
            if not reveal:
                self.attempts[item_id] = self.attempts.get(item_id, 0) + 1
        practice = ""
        if user and (graded or reveal):
            if item_id in self.first_points:
                practice = practice_text(self.first_points[item_id], result.max_points)
            else:  # the scored attempt; "Show answer" first scores 0
                self.first_points[item_id] = result.points if graded and not self._asked_to_show else 0.0
        right = answer_text(question, answer.key) if reveal else ""
        section = hint_section(question, answer) if graded and not reveal else None
        cited = grouped_citations(answer.citations, self.bundle.sources)
        base = book_url()
        feedback = Feedback(item_id=item_id, status=result.status, points=result.points,
                            max_points=result.max_points,
                            verdict=verdict(result.status, result.points, result.max_points, result.detail, right),
                            detail=result.detail if result.status != "invalid" else "",
                            explanation=answer.explanation if reveal else "",
                            citations=tuple(label for label, _ in cited) if reveal else (),
                            citation_hrefs=tuple(f"{base}/sources.html#{anchor}" for _, anchor in cited)
                            if reveal and base else (),
                            revealed=reveal,
                            hint="" if reveal or not graded else
                            reread_hint(question, answer, self.bundle.chapters),
                            hint_href=section_href(section, base) if section and base else "",
                            option_feedback=option_feedback(question, answer, response) if graded else (),
                            practice=practice)
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
        self._keep()

    def start_again(self) -> None:
        """Forget every self-check answer, result and score (and the kept file's content)."""
        if self.mode != "self-check":
            raise QuizStateError("only a self-check quiz starts again")
        for question in self.questions:
            self.responses[question.id] = None
        for part in (self.results, self.attempts, self.first_points, self.entry_errors):
            part.clear()
        self.restored = ""
        self._keep()

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
    _asked_to_show = False

    def _keep(self) -> None:
        """Write the self-check state beside the notebook (a failure is shown, never raised)."""
        if self.keeper is None:
            return
        checked = {i: fb.revealed for i, fb in self.results.items() if fb.counts}
        try:
            self.keeper.save(self.variant_id, self.responses, checked, self.attempts, self.first_points)
            self.save_error = None
        except RecordingError as exc:
            self.save_error = str(exc)

    def _restore_self_check(self) -> None:
        try:
            saved = self.keeper.load()
        except RecordingError as exc:
            self.save_error = str(exc)
            return
        if not saved or saved.get("variant_id") != self.variant_id:
            return
        for item_id, value in (saved.get("responses") or {}).items():
            if item_id in self._questions and value is not None:
                try:
                    self.responses[item_id] = clean_response(self._questions[item_id], value)
                except ValueError:
                    self.responses[item_id] = None
        self.attempts.update({i: int(n) for i, n in (saved.get("attempts") or {}).items() if i in self._questions})
        self.first_points.update({i: float(p) for i, p in (saved.get("first_points") or {}).items()
                                  if i in self._questions})
        for item_id, revealed in (saved.get("checked") or {}).items():
            if item_id in self._questions:
                feedback = self._feedback(item_id, bool(revealed), user=False)
                if feedback.counts or revealed:
                    self.results[item_id] = feedback
        answered = self.answered()
        if answered or self.first_points:
            self.restored = (f"Restored your {answered} answer{'' if answered == 1 else 's'} from "
                             f"{self.keeper.path.name} (kept beside this notebook, saved "
                             f"{_readable_time(saved.get('saved_at'))}). Start again clears them.")

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
