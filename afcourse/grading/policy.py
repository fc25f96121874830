"""Checks on a graded class that no single submission shows: lateness, clocks, seals, shared answers.

- **Deadline**: a submission saved after it is flagged late, and with a penalty loses that share
  of its marks per started day late (``late_penalty=10``: 10% of the mark for up to 24 hours,
  20% up to 48...). A submission with no readable ``saved_at`` cannot be judged and is flagged.
- **Clocks**: a ``saved_at`` later than the grading run is flagged (a wrong clock or an edited file).
- **Seals**: a file marked submitted without the content hash the notebook's Submit writes is
  flagged. What an offline file cannot prove: its times come from the student's own clock and the
  whole file can be rewritten, hash included; only answers collected by ``afcourse serve`` carry
  times and a final submission the student cannot change.
- **Identical answers**: students of one variant whose answers are the same on every question, at
  least :data:`SHARED_WRONG` of them wrong, are listed together (shared right answers prove nothing).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from afcourse.grading.grader import saved_moment
from afcourse.grading.results import GradingError, Problem, StudentResult

SHARED_WRONG = 2
"""Identical answer patterns are flagged only when they share at least this many answers that are not right."""
CLOCK_SLACK = timedelta(minutes=10)
"""A saved_at this far past the grading run is 'in the future' (a little clock drift is normal)."""


def parse_deadline(text: str) -> datetime:
    """An ISO 8601 time (``2026-12-07T10:00``, ``2026-12-07 10:00+01:00``); without a zone, UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise GradingError(f"--deadline {text!r}: expected a date and time such as 2026-12-07T10:00 (UTC unless "
                           "a zone such as +01:00 is given)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _late_text(delay: timedelta) -> str:
    if delay.total_seconds() < 60:
        return f"{int(delay.total_seconds())} s"
    minutes = int(delay.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    parts += [f"{hours} h"] if hours else []
    parts += [f"{mins} min"] if mins or not parts else []
    return " ".join(parts)


def check_times(students: list[StudentResult], problems: list[Problem], *, deadline: datetime | None = None,
                late_penalty: float = 0.0, now: datetime | None = None) -> None:
    """Flag late, undated and future-dated submissions; take the late penalty off ``points``."""
    now = now or datetime.now(timezone.utc)
    if not 0 <= late_penalty <= 100:
        raise GradingError(f"--late-penalty {late_penalty:g}: a percentage of the mark per day, 0 to 100")
    for student in students:
        common = dict(source=student.source, line=student.line, student_id=student.student_id)
        moment = saved_moment(student.saved_at)
        if moment is not None and moment > now + CLOCK_SLACK:
            student.flags.append("saved_at in the future")
            problems.append(Problem("future_time", f"saved_at {student.saved_at} is later than now: the computer's "
                                    "clock was wrong or the file was edited", "graded", **common))
        if deadline is None:
            continue
        if moment is None:
            student.flags.append("no saved time: lateness unknown")
            problems.append(Problem("late", "no readable saved_at, so whether it came in before the deadline is "
                                    "unknown; not penalised", "graded", **common))
            continue
        if moment <= deadline:
            continue
        delay = moment - deadline
        days = math.ceil(delay.total_seconds() / 86400)
        share = min(1.0, late_penalty / 100 * days)
        penalty = round(student.points * share, 4)
        student.points = round(student.points - penalty, 4)
        student.penalty = penalty
        flag = f"late by {_late_text(delay)}"
        if penalty:
            flag += f": -{share * 100:g}% ({penalty:g} point(s))"
        student.flags.append(flag)
        problems.append(Problem("late", f"saved {student.saved_at}, {_late_text(delay)} after the deadline "
                                f"{deadline.isoformat()}" + (f"; {share * 100:g}% of the mark taken off"
                                                             if penalty else ""),
                                "penalised" if penalty else "graded", **common))


def check_seals(students: list[StudentResult], problems: list[Problem]) -> None:
    """Flag whole files marked submitted that carry no content hash (answers collected by a server are not files)."""
    for student in students:
        if student.status == "submitted" and not student.sealed and student.line is None \
                and student.source.lower().endswith(".json"):  # a notebook's own file, not an array or a line
            student.flags.append("submitted without a seal")
            problems.append(Problem("unsealed", "marked submitted but holds no content hash: the notebook's Submit "
                                    "writes one, so the file was made or edited by other means (or by an old "
                                    "quiz)", "graded", source=student.source, line=student.line,
                                    student_id=student.student_id))


def _form(value) -> object:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return frozenset(value.items())
    if isinstance(value, str):
        return " ".join(value.casefold().split())
    return value


def identical_answers(students: list[StudentResult], problems: list[Problem]) -> list[list[str]]:
    """Groups of students (ids) of one variant with identical answers, at least SHARED_WRONG of them not right."""
    groups: dict[tuple, list[StudentResult]] = defaultdict(list)
    for student in students:
        wrong = sum(1 for s in student.scores if s.status != "correct" and s.max_points > 0)
        if wrong < SHARED_WRONG:
            continue
        try:
            pattern = tuple(_form(student.responses.get(q.id)) for q in student.questions)
            hash(pattern)
        except TypeError:
            continue
        groups[(student.variant_id, pattern)].append(student)
    found = []
    for (variant_id, _), members in groups.items():
        if len(members) < 2:
            continue
        ids = sorted(m.student_id for m in members)
        found.append(ids)
        wrong = sum(1 for s in members[0].scores if s.status != "correct" and s.max_points > 0)
        for member in members:
            others = [i for i in ids if i != member.student_id]
            member.flags.append(f"same answers as {', '.join(others)}")
            problems.append(Problem("identical_answers", f"the same answers as {', '.join(others)} on every question "
                                    f"of variant {variant_id}, {wrong} of them not right: worth a look", "graded",
                                    source=member.source, line=member.line, student_id=member.student_id))
    return found
