"""A class roster: read it from CSV, give each student a variant evenly, record it beside the key.

The CSV has a header row and one row per student: ``id`` (or ``student_id``) is required;
``name`` and ``section`` are optional; every other column (``sis_user_id``, ``sis_login_id``,
``canvas_id``, ``username``, ``email``...) is kept as an LMS id and filled into the gradebook
layouts that have a place for it. Variants are dealt out in an order drawn from the quiz's
secret salt, so counts differ by at most one and nobody can tell from the roster alone who
shares a variant. The assignment is recorded in ``roster.json`` (owner-only, like the key).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from afcourse.common.fileio import write_atomic
from afcourse.common.validation import validation_summary
from afcourse.quiz.models import KeyFile, QuizFile, RosterEntry, RosterFile
from afcourse.quiz.sets import KEY_MODE, QuizSetError, secret_hash

ROSTER_FILE = "roster.json"
ID_COLUMNS = ("id", "student_id")
MAX_ID_LENGTH = 200


class RosterError(QuizSetError):
    """The roster file cannot be used; the message names the file and the row."""


def read_roster_csv(path: str | Path) -> list[dict]:
    """The students of a roster CSV as dicts (id, name, section, lms_ids), in file order."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"{path}: cannot read the roster: {getattr(exc, 'strerror', None) or exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    id_column = next((c for c in ID_COLUMNS if c in header), None)
    if id_column is None:
        raise RosterError(f"{path}: the roster needs an 'id' column (found: {', '.join(header) or 'no header'})")
    students, seen = [], {}
    for line, row in enumerate(reader, 2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(row.values()):
            continue
        sid = row.pop(id_column, "")
        if not sid:
            raise RosterError(f"{path}:{line}: a row without a student id")
        if len(sid) > MAX_ID_LENGTH or any(ord(ch) < 32 for ch in sid):
            raise RosterError(f"{path}:{line}: the student id is over {MAX_ID_LENGTH} characters or holds control "
                              "characters")
        if sid in seen:
            raise RosterError(f"{path}:{line}: student {sid!r} is listed twice (first on line {seen[sid]})")
        seen[sid] = line
        name, section = row.pop("name", ""), row.pop("section", "")
        row.pop("student_id" if id_column == "id" else "id", None)
        students.append({"id": sid, "name": name, "section": section,
                         "lms_ids": {k: v for k, v in row.items() if k and v}})
    if not students:
        raise RosterError(f"{path}: the roster lists no students")
    return students


def assign_variants(students: list[dict], quiz: QuizFile, key: KeyFile) -> RosterFile:
    """Deal the quiz's variants out to ``students``: counts differ by at most one, order from the salt."""
    ids = [v.variant_id for v in quiz.variants]
    order = sorted(students, key=lambda s: secret_hash(key.salt, "roster", s["id"], length=16))
    variant_of = {s["id"]: ids[i % len(ids)] for i, s in enumerate(order)}
    return RosterFile(quiz_id=quiz.quiz_id,
                      students=[RosterEntry(**s, variant_id=variant_of[s["id"]]) for s in students])


def balance(roster: RosterFile) -> Counter:
    """Students per variant."""
    return Counter(s.variant_id for s in roster.students)


def write_roster(roster: RosterFile, quiz_dir: str | Path, *, force: bool = False) -> Path:
    """Record the roster as ``quiz_dir/roster.json`` (owner-only)."""
    return write_atomic(Path(quiz_dir) / ROSTER_FILE, roster.model_dump_json(indent=2, by_alias=True) + "\n",
                        force=force, mode=KEY_MODE)


def read_roster(quiz_dir: str | Path, quiz: QuizFile) -> RosterFile | None:
    """The recorded roster of a quiz folder, or None when there is none."""
    path = Path(quiz_dir) / ROSTER_FILE
    if not path.exists():
        return None
    try:
        roster = RosterFile.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"{path}: cannot read the roster: {exc}") from None
    except ValidationError as exc:
        raise RosterError(f"{path}: not a valid roster file: {validation_summary(exc)}") from None
    if roster.quiz_id != quiz.quiz_id:
        raise RosterError(f"{path} belongs to quiz {roster.quiz_id!r}, not {quiz.quiz_id!r}")
    unknown = sorted({s.variant_id for s in roster.students} - {v.variant_id for v in quiz.variants})
    if unknown:
        raise RosterError(f"{path}: variant(s) {', '.join(unknown)} are not in the quiz")
    return roster


def class_roster(quiz_dir: str | Path, quiz: QuizFile, key: KeyFile | None, csv_path: str | Path | None
                 ) -> RosterFile | None:
    """The roster to use: the recorded one, updated from ``csv_path`` (names, sections, LMS ids) if given.

    Students in the CSV but not recorded are dealt variants as :func:`assign_variants` does
    among themselves; without a recorded roster the whole CSV is dealt out (this needs the key's salt).
    """
    recorded = read_roster(quiz_dir, quiz)
    if csv_path is None:
        return recorded
    students = read_roster_csv(csv_path)
    known = {s.id: s for s in recorded.students} if recorded else {}
    new = [s for s in students if s["id"] not in known]
    dealt: dict[str, str] = {}
    if new:
        if key is None:
            raise RosterError(f"{csv_path}: {len(new)} student(s) have no recorded variant and dealing variants "
                              "needs key.json beside quiz.json")
        dealt = {s.id: s.variant_id for s in assign_variants(new, quiz, key).students}
    return RosterFile(quiz_id=quiz.quiz_id, students=[
        RosterEntry(**s, variant_id=known[s["id"]].variant_id if s["id"] in known else dealt[s["id"]])
        for s in students])
