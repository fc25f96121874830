"""The public grading call: grade, then analyse, then write the reports.

:func:`grade` is ``afcourse.grade``; :func:`grade_submissions` does the same in memory.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from afcourse.common.fileio import OutputExistsError
from afcourse.grading.analysis import analyse as analyse_items
from afcourse.grading.grader import grade_class, load_quiz
from afcourse.grading.results import GradeResult, GradingError
from afcourse.grading.reports.writing import write_reports
from afcourse.quiz.models import KeyFile, QuizFile

def grade_submissions(quiz: QuizFile, key: KeyFile, submissions, *, analyse: bool = True,
                      roster=None, decisions=(), deadline=None, late_penalty: float = 0.0, now=None) -> GradeResult:
    """Grade ``submissions`` (see :func:`iter_submissions`) against an in-memory quiz and key (and roster).

    ``decisions``: :class:`~afcourse.grading.decisions.Decision` list (drop, credit, accept, override);
    ``deadline`` (a datetime) and ``late_penalty`` (percent of the mark per started day late): see
    :mod:`afcourse.grading.policy`.
    """
    from afcourse.grading import decisions as decide
    from afcourse.grading import policy

    decisions = list(decisions)
    if late_penalty and deadline is None:
        raise GradingError("a late penalty needs a deadline (--deadline)")
    graded_quiz = decide.dropped_quiz(quiz, decisions)
    decide.check(graded_quiz, decisions, {k.id: k for k in key.keys})
    with gc_paused():
        result = grade_class(graded_quiz, key, submissions, roster)
        decide.apply(result, decisions)
        result.decisions = decisions
        policy.check_seals(result.students, result.problems)
        policy.identical_answers(result.students, result.problems)
        if analyse:
            result.items, result.summary = analyse_items(result)
            dropped = {qid for d in decisions if d.action == "drop" for qid in decide.resolve(quiz, d.question)}
            for item in result.items:
                if item.item_id in dropped:
                    item.flags = [("dropped", "dropped by the instructor: counts for nobody")]
        policy.check_times(result.students, result.problems, deadline=deadline, late_penalty=late_penalty, now=now)
        if deadline is not None:
            result.policy = {"deadline": deadline.isoformat(), "late_penalty": late_penalty}
        if analyse and (deadline is not None) and any(s.penalty for s in result.students):
            result.summary = analyse_items(result)[1]  # the class summary after penalties
        return result


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector for a bulk job.

    A class is millions of small objects kept alive to the end and none of them in a
    reference cycle: the collector would only rescan them again and again (about half
    the run time at 100,000 submissions). Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # hand the survivors straight to the oldest generation (freeze, then unfreeze, moves
            # them there without a scan); enabling the collector with millions of objects still
            # in the youngest generation would cost one full scan of them all right away
            gc.freeze()
            gc.unfreeze()
            gc.enable()




def grade(quiz_dir: str | Path, submissions, out_dir: str | Path | None = None, *, force: bool = False,
          layout: str = "default", feedback: str = "md", facts_dir: str | Path | None = None,
          show_key: bool = True, plots: bool = True, roster: str | Path | None = None, decisions=(),
          deadline=None, late_penalty: float = 0.0) -> GradeResult:
    """Grade ``submissions`` against the quiz set in ``quiz_dir``; write reports to ``out_dir`` if given.

    ``submissions``: a path (file, folder, JSON Lines), a Submission or dict, or a list
    of these. ``layout``: gradebook column layout, ``default``, ``canvas`` or ``moodle``.
    ``feedback``: per-student feedback files, ``md``, ``html`` or ``none``. ``show_key``:
    show the right answer and the explanation (which states it) in feedback. ``facts_dir``:
    where ``sources.yaml`` is read for citations (default: the package's facts). ``roster``:
    a roster CSV (id, name, section, LMS ids); without it the roster recorded by
    ``afcourse generate --roster`` is used, if any. ``decisions``, ``deadline``, ``late_penalty``: see
    :func:`grade_submissions`. Nothing is written when no submission
    could be graded. Returns a :class:`GradeResult`; raises :class:`GradingError` when the
    quiz folder cannot be used and :class:`afcourse.common.fileio.OutputExistsError` when
    ``out_dir`` exists and not ``force``.
    """
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        _check_options(layout, feedback)
        if out.exists() and not force and (not out.is_dir() or any(out.iterdir())):
            raise OutputExistsError(out)
    from afcourse.quiz.roster import class_roster
    from afcourse.quiz.sets import QuizSetError

    quiz, key = load_quiz(quiz_dir)
    try:
        class_list = class_roster(quiz_dir, quiz, key, roster)
    except QuizSetError as exc:
        raise GradingError(str(exc)) from None
    with gc_paused():
        result = grade_submissions(quiz, key, submissions, roster=class_list, decisions=decisions,
                                   deadline=deadline, late_penalty=late_penalty)
        if out is not None and result.students:
            result.files = write_reports(result, out, force=force, layout=layout, feedback=feedback,
                                         facts_dir=facts_dir, show_key=show_key, plots=plots)
    return result


LAYOUTS = ("default", "canvas", "moodle")
FEEDBACK_FORMATS = ("md", "html", "none")


def _check_options(layout: str, feedback: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown gradebook layout {layout!r} (choose from {', '.join(LAYOUTS)})")
    if feedback not in FEEDBACK_FORMATS:
        raise ValueError(f"unknown feedback format {feedback!r} (choose from {', '.join(FEEDBACK_FORMATS)})")
