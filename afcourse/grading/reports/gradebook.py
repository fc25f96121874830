"""The CSV files: gradebook (three LMS layouts), item analysis, distractors and problems."""

from __future__ import annotations

from operator import attrgetter, itemgetter

from afcourse.grading.reports.text import csv_table, csv_text, number


def gradebook_csv(result, layout: str = "default", assignment: str | None = None) -> str:
    """The gradebook in one of three column layouts; every layout carries the flags and lists absentees.

    ``default``: student_id, name, section, variant, status, score, max, percent, flags, then
    one column of points per question (``Q<slot>[letter] <question id>``; empty when the question
    was not in the student's variant). ``canvas``: Canvas's grade-import layout (Student, ID, SIS
    User ID, SIS Login ID, Section, the assignment column, Notes; a "Points Possible" row first),
    the ids taken from the roster's ``canvas_id``, ``sis_user_id`` (else the student id) and
    ``sis_login_id`` columns. ``moodle``: ID number (the roster's ``idnumber``, else the student
    id), Full name, the assignment column in points, and Feedback, for Moodle's "Import grades:
    CSV file" (map Feedback to the assignment's feedback). Students on the roster who handed
    nothing in get a row with no score and the flag "no submission".
    """
    title = assignment or result.quiz.title
    students = result.students
    listed = {entry.id: entry for entry in result.roster.students} if result.roster is not None else {}
    absent = [(entry, "no submission") for entry in result.missing]

    def lms(student_id: str, column: str, default: str = "") -> str:
        entry = listed.get(student_id)
        return csv_text(entry.lms_ids.get(column, default) if entry else default)

    def section(student_id: str) -> str:
        entry = listed.get(student_id)
        return csv_text(entry.section) if entry else ""

    if layout == "canvas":
        top = max((v_max for v_max in {s.max_points for s in students}), default=_quiz_max(result))
        rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title, "Notes"],
                ["Points Possible", "", "", "", "", number(top), ""]]
        rows += [[csv_text(s.name or s.student_id), lms(s.student_id, "canvas_id"),
                  lms(s.student_id, "sis_user_id", s.student_id), lms(s.student_id, "sis_login_id"),
                  section(s.student_id), number(s.points), csv_text("; ".join(s.flags))] for s in students]
        rows += [[csv_text(e.name or e.id), lms(e.id, "canvas_id"), lms(e.id, "sis_user_id", e.id),
                  lms(e.id, "sis_login_id"), section(e.id), "", flag] for e, flag in absent]
        return csv_table(rows)
    if layout == "moodle":
        rows = [["ID number", "Full name", title, "Feedback"]]
        rows += [[lms(s.student_id, "idnumber", s.student_id), csv_text(s.name or ""), number(s.points),
                  csv_text("; ".join(s.flags))] for s in students]
        rows += [[lms(e.id, "idnumber", e.id), csv_text(e.name), "", flag] for e, flag in absent]
        return csv_table(rows)
    order = result.item_order
    labels = result.labels
    position = {item_id: i for i, item_id in enumerate(order)}
    header = ["student_id", "name", "section", "variant", "status", "score", "max", "percent", "flags"]
    header += [f"{labels.get(item_id, item_id)} {item_id}" for item_id in order]
    text = _NumberText()
    percent = _PercentText()
    spread = {}  # variant -> puts its points into the item columns, blanks elsewhere (C-level itemgetter)
    for v in result.quiz.variants:
        index = {position[q.id]: i for i, q in enumerate(v.questions)}
        columns = [index.get(c, len(v.questions)) for c in range(len(order))]
        spread[v.variant_id] = itemgetter(*columns) if len(columns) > 1 else \
            (lambda values, columns=columns: tuple(values[c] for c in columns))
    rows = [header]
    append = rows.append
    getitem, points_of = text.__getitem__, attrgetter("points")
    for s in students:
        cells = list(map(getitem, map(points_of, s.scores)))
        cells.append("")
        sid = s.student_id
        append([csv_text(sid), csv_text(s.name) if s.name else "", section(sid), s.variant_id, s.status,
                text[s.points], text[s.max_points], percent[s.points, s.max_points], csv_text("; ".join(s.flags)),
                *spread[s.variant_id](cells)])
    for entry, flag in absent:
        append([csv_text(entry.id), csv_text(entry.name), section(entry.id), entry.variant_id, "missing", "", "", "",
                flag, *([""] * len(order))])
    return csv_table(rows)


class _NumberText(dict):
    """number(x) for many repeated values: each distinct value is formatted once."""

    def __missing__(self, value: float) -> str:
        self[value] = text = number(value)
        return text


class _PercentText(dict):
    def __missing__(self, key: tuple[float, float]) -> str:
        points, top = key
        self[key] = text = number(round(100.0 * points / top, 2) if top else 0.0, 2)
        return text


def _quiz_max(result) -> float:
    return max((sum(q.points for q in v.questions) for v in result.quiz.variants), default=0.0)


def problems_csv(problems) -> str:
    rows = [["kind", "action", "source", "line", "student_id", "item_ids", "message"]]
    rows += [[p.kind, p.action, csv_text(p.source), "" if p.line is None else p.line, csv_text(p.student_id),
              csv_text(" ".join(p.item_ids)), csv_text(p.message)] for p in problems]
    return csv_table(rows)


def item_analysis_csv(result) -> str:
    """One row per item: objective and level, facility, the three discrimination indices, options and flags."""
    rows = [["number", "label", "slot", "state", "item_id", "bank_item", "type", "chapter", "objective", "level",
             "n", "max_points",
             "facility", "p_correct",
             "p_partial", "p_incorrect", "p_unanswered", "p_invalid", "point_biserial", "corrected_item_total",
             "upper_lower_27", "key_difficulty", "flags", "options", "frequent_wrong_answers", "stem"]]
    for it in result.items:
        options = "; ".join(f"{o.text}{' [key]' if o.is_key else ''}: {o.count}" for o in it.options)
        wrong = "; ".join(f"{text}: {count}" for text, count in it.wrong_answers)
        rows.append([it.number, it.label, it.slot, it.state, it.item_id, it.bank_item or "", it.type, it.chapter,
                     it.objective or "", it.level, it.n, number(it.max_points), number(it.facility),
                     number(it.p_correct), number(it.p_partial), number(it.p_incorrect), number(it.p_unanswered),
                     number(it.p_invalid), number(it.point_biserial), number(it.corrected_item_total),
                     number(it.upper_lower), number(it.key_difficulty), " ".join(it.flag_codes),
                     csv_text(options), csv_text(wrong), csv_text(it.stem)])
    return csv_table(rows)


def distractors_csv(result) -> str:
    """Long format: one row per option of every choice item (count and share of students)."""
    rows = [["number", "item_id", "choice_id", "text", "is_key", "count", "share"]]
    for it in result.items:
        rows += [[it.number, it.item_id, o.choice_id, csv_text(o.text), "yes" if o.is_key else "no", o.count,
                  number(o.share)] for o in it.options]
    return csv_table(rows)
