"""A class roster: read it as an LMS or a spreadsheet gives it, deal the variants, record it beside the key.

Accepted CSV files (the format is recognised from the header; see :data:`FORMATS`):

- afcourse's own: ``id`` (or ``student_id``) required, ``name`` and ``section`` optional, every
  other column (``sis_user_id``, ``sis_login_id``, ``canvas_id``, ``idnumber``, ``email``...) kept
  as an LMS id and filled into the gradebook layouts that have a place for it;
- Canvas's gradebook export (``Student, ID, SIS User ID, SIS Login ID, Section``, assignments...,
  its ``Points Possible`` row skipped) and Canvas's users provisioning report (``canvas_user_id,
  user_id, login_id, full_name, email``...): the student id is the SIS user id, else the login;
- Moodle's grades export and participants download (``First name, Last name`` or ``Surname``,
  ``ID number``, ``Email address``..., ``Roles`` when present: only students are kept) and its
  user download (``username, firstname, lastname, idnumber, email``): the student id is the ID
  number, else the username, else the e-mail address.

Spreadsheets saved by Excel are read as saved: a comma, semicolon or tab between fields
(:class:`csv.Sniffer`), UTF-8 with or without a byte-order mark, UTF-16 with one, or Windows-1252.
A row whose number of fields differs from the header's (an unquoted comma in ``Smith, John``)
is refused with its line number, never read shifted.

Variants are dealt out in an order drawn from the quiz's secret salt, so counts differ by at most
one and nobody can tell from the roster alone who shares a variant. The assignment is recorded in
``roster.json`` (owner-only, like the key).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from afcourse.common.fileio import write_atomic
from afcourse.common.validation import validation_summary
from afcourse.quiz.models import KeyFile, QuizFile, RosterEntry, RosterFile
from afcourse.quiz.sets import KEY_MODE, QuizSetError, secret_hash

ROSTER_FILE = "roster.json"
ID_COLUMNS = ("id", "student_id")
MAX_ID_LENGTH = 200
FORMATS = {
    "afcourse": "afcourse roster (id, name, section, LMS ids)",
    "canvas-gradebook": "Canvas gradebook export",
    "canvas-users": "Canvas users report (provisioning)",
    "moodle": "Moodle grades export or participants download",
    "moodle-users": "Moodle user download (username, firstname, lastname)",
}


class RosterError(QuizSetError):
    """The roster file cannot be used; the message names the file and the row."""


@dataclass
class RosterTable:
    """What a roster file held: the students (dicts of id, name, section, lms_ids), its format, notes."""

    students: list[dict]
    format: str
    encoding: str
    delimiter: str
    notes: list[str] = field(default_factory=list)


def read_roster_csv(path: str | Path) -> list[dict]:
    """The students of a roster CSV as dicts (id, name, section, lms_ids), in file order."""
    return read_roster_table(path).students


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise RosterError(f"{path}: the roster is neither UTF-8 nor Windows-1252 text (byte {exc.start}); save it "
                          "from the spreadsheet as 'CSV UTF-8'") from None


def _delimiter(text: str) -> str:
    """The field separator: csv.Sniffer's guess among comma, semicolon and tab, checked on the header line."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = lines[0] if lines else ""
    try:
        guess = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t").delimiter
    except csv.Error:
        guess = ""
    if guess and guess in header:
        return guess
    counts = {d: header.count(d) for d in ",;\t"}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _key(name: str) -> str:
    return " ".join(name.replace("_", " ").strip().lower().split())


def _detect(header: list[str]) -> str:
    names = set(header)
    if "student" in names and "sis user id" in names:
        return "canvas-gradebook"
    if "canvas user id" in names:
        return "canvas-users"
    if any(c in names for c in ("id", "student id")):
        return "afcourse"
    if "first name" in names and ({"last name", "surname"} & names):
        return "moodle"
    if "username" in names and ("firstname" in names or "idnumber" in names):
        return "moodle-users"
    return ""


def read_csv_rows(path: str | Path, what: str = "roster") -> tuple[list[str], list[tuple[int, list[str]]], str, str]:
    """(header, [(line number, fields)], encoding, separator name) of a spreadsheet's CSV, as Excel or an LMS
    saves it; a row whose field count differs from the header's is refused with its line number."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    text, encoding = _decode(path, data)
    delimiter = _delimiter(text)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    numbered = [(i, row) for i, row in enumerate(rows, 1) if any(cell.strip() for cell in row)]
    if not numbered:
        raise RosterError(f"{path}: the {what} is empty")
    header = numbered[0][1]
    width = len(header)
    for line, row in numbered[1:]:
        if len(row) != width and not (len(row) > width and not any(c.strip() for c in row[width:])):
            hint = (" (an unquoted comma or semicolon inside a name? quote the field)" if len(row) > width
                    else " (a field missing?)")
            raise RosterError(f"{path}:{line}: {len(row)} fields where the header has {width}{hint}")
    return header, [(line, row[:width]) for line, row in numbered[1:]], encoding, \
        {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]


def read_roster_table(path: str | Path) -> RosterTable:
    """Read a roster in any of :data:`FORMATS`, checking every row; :class:`RosterError` names file and line."""
    path = Path(path)
    raw_header, rows, encoding, delimiter = read_csv_rows(path)
    header = [_key(h) for h in raw_header]
    fmt = _detect(header)
    if not fmt:
        shown = ", ".join(h for h in raw_header if h.strip()) or "no header"
        raise RosterError(f"{path}: the roster needs an 'id' column, or the columns of a Canvas or Moodle export "
                          f"(found: {shown})")
    table = RosterTable([], fmt, encoding, delimiter)
    seen: dict[str, int] = {}
    for line, row in rows:
        cells = {h: (v or "").strip() for h, v in zip(header, row) if h}
        student = _student(fmt, cells)
        if student is None:
            continue
        if isinstance(student, str):
            table.notes.append(f"{path}:{line}: {student}")
            continue
        sid = student["id"]
        if not sid:
            raise RosterError(f"{path}:{line}: a row without a student id")
        if len(sid) > MAX_ID_LENGTH or any(ord(ch) < 32 for ch in sid):
            raise RosterError(f"{path}:{line}: the student id is over {MAX_ID_LENGTH} characters or holds control "
                              "characters")
        if sid in seen:
            raise RosterError(f"{path}:{line}: student {sid!r} is listed twice (first on line {seen[sid]})")
        seen[sid] = line
        table.students.append(student)
    if not table.students:
        raise RosterError(f"{path}: the roster lists no students")
    return table


def _first(cells: dict[str, str], *names: str) -> str:
    return next((cells[n] for n in names if cells.get(n)), "")


def _student(fmt: str, cells: dict[str, str]) -> dict | str | None:
    """One row as a student dict; None for a row to skip silently, a string for a row skipped with a note."""
    if fmt == "afcourse":
        id_column = "id" if "id" in cells else "student id"
        sid = cells.pop(id_column, "")
        cells.pop("student id" if id_column == "id" else "id", None)
        name, section = cells.pop("name", ""), cells.pop("section", "")
        lms = {k.replace(" ", "_"): v for k, v in cells.items() if k and v}  # "SIS User ID" -> sis_user_id
        return {"id": sid, "name": name, "section": section, "lms_ids": lms}
    if fmt == "canvas-gradebook":
        name = cells.get("student", "")
        if "points possible" in name.lower() or (not cells.get("id") and not cells.get("sis user id")):
            return None  # Canvas's "Points Possible" row (and its other header rows, e.g. "Manual Posting")
        if name.lower() == "student, test":
            return "Canvas's Test Student left out"
        sid = _first(cells, "sis user id", "sis login id", "id")
        lms = {"canvas_id": cells.get("id", ""), "sis_user_id": cells.get("sis user id", ""),
               "sis_login_id": cells.get("sis login id", ""), "integration_id": cells.get("integration id", "")}
        return {"id": sid, "name": name, "section": cells.get("section", ""),
                "lms_ids": {k: v for k, v in lms.items() if v}}
    if fmt == "canvas-users":
        if cells.get("status", "active") not in ("", "active"):
            return f"user {_first(cells, 'user id', 'login id', 'canvas user id')!r} left out (status " \
                   f"{cells['status']!r})"
        sid = _first(cells, "user id", "login id", "canvas user id")
        name = cells.get("full name") or " ".join(p for p in (cells.get("first name"), cells.get("last name")) if p)
        lms = {"canvas_id": cells.get("canvas user id", ""), "sis_user_id": cells.get("user id", ""),
               "sis_login_id": cells.get("login id", ""), "email": cells.get("email", "")}
        return {"id": sid, "name": name, "section": "", "lms_ids": {k: v for k, v in lms.items() if v}}
    # Moodle
    roles = cells.get("roles")
    if roles is not None and roles and "student" not in roles.lower():
        return f"{_first(cells, 'id number', 'idnumber', 'username', 'email address', 'email')!r} left out " \
               f"(role {roles!r}, not a student)"
    first = _first(cells, "first name", "firstname")
    last = _first(cells, "last name", "surname", "lastname")
    email = _first(cells, "email address", "email")
    idnumber = _first(cells, "id number", "idnumber")
    username = cells.get("username", "")
    groups = cells.get("groups", "")
    sid = idnumber or username or email
    lms = {"idnumber": idnumber, "username": username, "email": email}
    return {"id": sid, "name": " ".join(p for p in (first, last) if p), "section": groups,
            "lms_ids": {k: v for k, v in lms.items() if v}}


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
