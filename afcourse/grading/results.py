"""The records grading produces: problems with the input, student results, the class result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from afcourse.bank.models import AnswerKey, Question
from afcourse.quiz.models import KeyFile, QuizFile
from afcourse.quiz.scoring import ItemScore

PROBLEM_KINDS = {
    "unreadable": "a file or folder could not be read",
    "malformed": "not a valid submission (bad or truncated JSON, or a field the schema rejects)",
    "wrong_quiz": "a submission for another quiz",
    "unknown_variant": "a variant id the quiz does not have",
    "duplicate": "a second submission from one student (an earlier one is superseded)",
    "unknown_item": "responses to items that are not in the student's variant (ignored)",
    "missing_answer": "items without an answer (scored 0 as unanswered)",
    "invalid_answer": "answers of the wrong shape (scored 0 as invalid)",
    "in_progress": "a submission saved but not submitted (graded and flagged)",
    "changed_after_submission": "a submitted file whose answers no longer match the content hash written on "
                                "Submit (graded as it stands and flagged)",
    "ignored_file": "a file in a submissions folder that is not JSON or JSON Lines",
    "missing_student": "a student on the roster with no submission (listed, no score)",
    "not_on_roster": "a submission from a student the roster does not list (graded and flagged)",
    "wrong_variant": "a submission of another variant than the roster assigned (graded and flagged)",
    "id_matched": "a student id not on the roster, matched to the nearest roster id (graded as that student)",
    "late": "saved after the deadline (graded, flagged, and penalised when a late penalty is set)",
    "future_time": "a saved_at later than the grading run (a wrong clock or an edited file)",
    "unsealed": "a file marked submitted without the content hash Submit writes (edited by hand, or an old quiz)",
    "identical_answers": "students of one variant with the same answers, wrong ones included (worth a look)",
    "autosave_after_submit": "an unsubmitted copy saved after the student's submitted one (the submitted one counts)",
    "no_submissions": "nothing could be graded",
}


class GradingError(ValueError):
    """The quiz folder itself cannot be graded against (no key, unreadable files...)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the input, where it was, and what was done about it."""

    kind: str
    message: str
    action: str = "skipped"
    source: str = ""
    line: int | None = None
    student_id: str | None = None
    item_ids: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        if not self.source:
            return ""
        return f"{self.source}:{self.line}" if self.line is not None else self.source

    def __str__(self) -> str:
        where = f"{_printable(self.where)}: " if self.where else ""
        who = f"student {self.student_id!r}: " if self.student_id else ""
        return f"{where}{who}{_printable(self.message)} [{self.kind}, {self.action}]"


def _printable(text: str) -> str:
    """Control characters (a terminal escape in a student's answer, say) shown escaped, never sent raw."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass(slots=True, eq=False)
class StudentResult:
    """One student's graded submission: a score per question of their variant."""

    student_id: str
    name: str | None
    variant_id: str
    status: str
    saved_at: str | None
    source: str
    line: int | None
    questions: list[Question]
    scores: list[ItemScore]
    responses: dict[str, Any]
    points: float
    max_points: float
    flags: list[str] = field(default_factory=list)
    sealed: bool = False
    """The file carried a content hash (written on Submit by the notebook quiz)."""
    penalty: float = 0.0
    """Points taken off for lateness (already out of ``points``)."""

    @property
    def percent(self) -> float:
        return round(100.0 * self.points / self.max_points, 2) if self.max_points else 0.0

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


@dataclass(eq=False)
class GradeResult:
    """Everything a grading run produced (``afcourse.grade`` returns this)."""

    quiz: QuizFile
    key: KeyFile
    students: list[StudentResult]
    problems: list[Problem]
    item_order: list[str]
    items: list = field(default_factory=list)
    """Per-item statistics (:class:`afcourse.grading.analysis.ItemStats`), in ``item_order``."""
    summary: Any = None
    """Class summary (:class:`afcourse.grading.analysis.ClassSummary`)."""
    files: dict[str, Path] = field(default_factory=dict)
    """Output files written, by role (``gradebook``, ``report`` ...)."""
    response_forms: dict = field(default_factory=dict, repr=False)
    """See :meth:`Grader.response_forms`; used by the item analysis."""
    roster: Any = None
    """The class roster (:class:`afcourse.quiz.models.RosterFile`) when one was given or recorded."""
    missing: list = field(default_factory=list)
    """Roster entries of the students who handed nothing in."""
    decisions: list = field(default_factory=list)
    """The instructor's decisions applied (:class:`afcourse.grading.decisions.Decision`), in order."""
    policy: dict = field(default_factory=dict)
    """How lateness was judged: ``deadline`` (ISO text) and ``late_penalty`` (percent per day), when set."""

    @property
    def labels(self) -> dict[str, str]:
        """Question id -> its label as students saw it (``Q3``, or ``Q3a``, ``Q3b``...)."""
        return self.quiz.labels()

    @property
    def questions(self) -> dict[str, Question]:
        found: dict[str, Question] = {}
        for variant in self.quiz.variants:
            for q in variant.questions:
                found.setdefault(q.id, q)
        return found

    @property
    def keys(self) -> dict[str, AnswerKey]:
        return {k.id: k for k in self.key.keys}

    def problems_of(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]



@dataclass(frozen=True, slots=True, eq=False)
class RawResponse:
    """A response scored without the memo (kept as given, possibly unhashable)."""

    value: Any
