"""The CSV files: gradebook (three LMS layouts), item analysis, distractors and problems."""

from __future__ import annotations

from operator import attrgetter, itemgetter

from afcourse.grading.reports.text import csv_table, csv_text, number


def gradebook_csv(result, layout: str = "default", assignment: str | None = None) -> str:
    """The gradebook in one of three column layouts.

    ``default``: student_id, name, variant, status, score, max, percent, flags, then
    one column of points per item (``Q<n> <item id>``; empty when the item was not in
    the student's variant). ``canvas``: Canvas's grade-import layout (Student, ID, SIS
    User ID, SIS Login ID, Section, then the assignment column; a "Points Possible"
    row first); the student id goes in SIS User ID. ``moodle``: ID number, Full name,
    then the assignment column in points, for Moodle's "Import grades: CSV file".
    """
    title = assignment or result.quiz.title
    students = result.students
    if layout == "canvas":
        top = max((v_max for v_max in {s.max_points for s in students}), default=_quiz_max(result))
        rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title],
                ["Points Possible", "", "", "", "", number(top)]]
        rows += [[csv_text(s.name or s.student_id), "", csv_text(s.student_id), "", "", number(s.points)]
                 for s in students]
        return csv_table(rows)
    if layout == "moodle":
        rows = [["ID number", "Full name", title]]
        rows += [[csv_text(s.student_id), csv_text(s.name or ""), number(s.points)] for s in students]
        return csv_table(rows)
    order = result.item_order
    position = {item_id: i for i, item_id in enumerate(order)}
    header = ["student_id", "name", "variant", "status", "score", "max", "percent", "flags"]
    header += [f"Q{i} {item_id}" for i, item_id in enumerate(order, 1)]
    text = _NumberText()
    percent = _PercentText()
    spread = {}  # variant -> puts its points into the item columns, blanks elsewhere (C-level itemgetter)
    for v in result.quiz.variants:
        index = {position[q.id]: i for i, q in enumerate(v.questions)}
        spread[v.variant_id] = itemgetter(*[index.get(c, len(v.questions)) for c in range(len(order))]) \
            if order else (lambda values: ())
    rows = [header]
    append = rows.append
    getitem, points_of = text.__getitem__, attrgetter("points")
    for s in students:
        cells = list(map(getitem, map(points_of, s.scores)))
        cells.append("")
        sid = s.student_id
        append([csv_text(sid), csv_text(s.name) if s.name else "", s.variant_id, s.status, text[s.points],
                text[s.max_points], percent[s.points, s.max_points], "; ".join(s.flags),
                *spread[s.variant_id](cells)])
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
    """One row per item: facility, the three discrimination indices, options and flags."""
    rows = [["number", "item_id", "bank_item", "type", "chapter", "n", "max_points", "facility", "p_correct",
             "p_partial", "p_incorrect", "p_unanswered", "p_invalid", "point_biserial", "corrected_item_total",
             "upper_lower_27", "key_difficulty", "flags", "options", "frequent_wrong_answers", "stem"]]
    for it in result.items:
        options = "; ".join(f"{o.text}{' [key]' if o.is_key else ''}: {o.count}" for o in it.options)
        wrong = "; ".join(f"{text}: {count}" for text, count in it.wrong_answers)
        rows.append([it.number, it.item_id, it.bank_item or "", it.type, it.chapter, it.n, number(it.max_points), number(it.facility),
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
