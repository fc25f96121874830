"""A paper exam for a whole class: one printable HTML file, and the spreadsheet to type the answers into.

``paper.html`` holds, for every student of the roster (or every variant without one), their copy
of the questions (the handout's, no key) and then an **answer sheet** on a page of its own: the
quiz, the variant and the student printed and in a QR code (``segno``), and one line per question
with the letters to circle or a box to write in. Each copy starts on a new page.

``answers.csv`` has the header ``id, variant, name, Q1, Q2...`` and a row per student with id,
variant and name filled in: whoever reads the sheets types what each student marked (letters as
printed, values as written; see :mod:`afcourse.grading.paper`), and
``afcourse grade QUIZDIR --paper answers.csv`` grades it like any submission.

The QR code holds ``{"quiz": ..., "variant": ..., "student": ...}`` (JSON), so a scanning app or a
script can tell which sheet is whose without reading handwriting.
"""

from __future__ import annotations

import csv
import io
import json

from afcourse.exports.common import ExportError
from afcourse.exports.handout import CSS, Label, _html_student, letter
from afcourse.quiz.models import QuizFile, RosterFile

PAPER = "paper.html"
ANSWERS = "answers.csv"

PAPER_CSS = """
.copy { break-before: page; page-break-before: always; }
.copy:first-of-type { break-before: auto; page-break-before: auto; }
.sheet { break-before: page; page-break-before: always; font-family: "DejaVu Sans", Arial, sans-serif; }
.sheet header { display: flex; justify-content: space-between; align-items: flex-start; gap: 1rem; }
.sheet h2 { font-size: 1.25rem; margin: 0 0 .3rem; }
.sheet .qr svg { width: 38mm; height: 38mm; display: block; }
.sheet .ids { font-family: "DejaVu Sans Mono", monospace; font-size: .95rem; margin: .15rem 0; }
.sheet table { border-collapse: collapse; width: 100%; font-size: 11pt; }
.sheet td, .sheet th { border-bottom: 1px solid #888; padding: .32rem .4rem; text-align: left; vertical-align: middle; }
.sheet td.n { font-weight: bold; width: 2.5rem; }
.sheet td.how { font-size: .85rem; color: #333; width: 11rem; }
.bubble { display: inline-block; width: 1.45rem; height: 1.45rem; line-height: 1.3rem; border: 1.4px solid #111;
          border-radius: 50%; text-align: center; font-size: .8rem; margin-right: .45rem; }
.bubble.square { border-radius: 3px; }
.slot { display: inline-block; margin-right: .8rem; white-space: nowrap; }
.slot .blank { display: inline-block; width: 2rem; height: 1.3rem; border: 1.2px solid #111; vertical-align: middle; }
.write { display: inline-block; width: 100%; height: 1.6rem; border: 1.2px solid #111; }
.write.short { width: 9rem; }
.sheet .note { font-size: .85rem; color: #333; }
@media print { .copy, .sheet { margin: 0; } }
"""


def qr_svg(payload: str) -> str:
    """The payload as an inline SVG QR code (error correction M, no XML declaration)."""
    try:
        import segno
    except ModuleNotFoundError as exc:  # a dependency of afcourse: only a broken install lacks it
        raise ExportError("the paper export needs segno: reinstall afcourse (pip install afcourse)") from exc
    buffer = io.BytesIO()
    # a viewBox (no fixed size) so the stylesheet scales it whole; the standard quiet zone of 4 modules
    segno.make(payload, error="m", micro=False).save(buffer, kind="svg", xmldecl=False, svgns=True, omitsize=True,
                                                      border=4, title="answer sheet code")
    return buffer.getvalue().decode("utf-8")


def sheet_payload(quiz: QuizFile, variant_id: str, student_id: str | None) -> str:
    """What the answer sheet's QR code holds."""
    return json.dumps({"quiz": quiz.quiz_id, "variant": variant_id, "student": student_id}, ensure_ascii=False,
                      separators=(",", ":"))


def _answer_cells(q) -> tuple[str, str]:
    """(what to do, the marks to make) for one question's line of the answer sheet."""
    from html import escape

    letters = [letter(i) for i in range(len(q.choices))]
    if q.type in ("single_choice", "true_false"):
        marks = ["T", "F"] if q.type == "true_false" else letters
        return ("circle one", "".join(f'<span class="bubble">{m}</span>' for m in marks))
    if q.type == "multiple_select":
        return ("tick every one that applies",
                "".join(f'<span class="bubble square">{m}</span>' for m in letters))
    if q.type == "ordering":
        return ("position of each (1 = first)",
                "".join(f'<span class="slot">{m} <span class="blank"></span></span>' for m in letters))
    if q.type == "matching":
        return ("letter of each item's match",
                "".join(f'<span class="slot">{i} <span class="blank"></span></span>'
                        for i in range(1, len(q.prompts) + 1)))
    if q.type == "numeric":
        unit = f" {escape(q.unit)}" if q.unit and q.unit != "year" else ""
        return ("write a year" if q.unit == "year" else "write a number", f'<span class="write short"></span>{unit}')
    return ("write your answer", '<span class="write"></span>')


def _sheet(quiz: QuizFile, variant, label: Label | None) -> str:
    from html import escape

    student = label.student_id if label else None
    rows = []
    for number, q in enumerate(variant.questions, 1):
        how, marks = _answer_cells(q)
        rows.append(f'<tr><td class="n">Q{number}</td><td class="how">{escape(how)}</td><td>{marks}</td></tr>')
    who = (f'<p class="ids">Student <strong class="student-id">{escape(label.student_id)}</strong> · '
           f"{escape(label.name)}</p>" if label else
           '<p class="ids">Name: ______________________ Student ID: ______________</p>')
    return (f'<section class="sheet" data-student="{escape(student or "")}" data-variant="{escape(variant.variant_id)}">'
            f'<header><div><h2>Answer sheet: {escape(quiz.title)}</h2>'
            f'<p class="ids">Quiz <strong>{escape(quiz.quiz_id)}</strong> · variant '
            f'<strong class="variant-id">{escape(variant.variant_id)}</strong></p>{who}'
            '<p class="note">Mark your answers here; only this sheet is graded. Write clearly inside the boxes.</p>'
            f'</div><div class="qr">{qr_svg(sheet_payload(quiz, variant.variant_id, student))}</div></header>'
            f'<table><tbody>{"".join(rows)}</tbody></table></section>')


def _copy_body(quiz: QuizFile, variant, label: Label | None) -> str:
    """The handout's student copy, inside a page-breaking section, pointing to the answer sheet."""
    page = _html_student(quiz, variant, label)
    body = page.split('<body class="student-copy">', 1)[1].split("<footer>", 1)[0]
    body = body.replace("Answer on this sheet.", "Answer on the answer sheet after the questions.")
    return f'<section class="copy">{body}</section>'


def render(quiz: QuizFile, roster: RosterFile | None) -> dict[str, str]:
    """``paper.html`` (every student's copy and answer sheet) and ``answers.csv`` (a row per student to fill)."""
    from html import escape

    variants = {v.variant_id: v for v in quiz.variants}
    if roster is not None:
        copies = [(variants[s.variant_id], Label(s.id, s.name, s.section)) for s in roster.students]
    else:
        copies = [(v, None) for v in quiz.variants]
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{escape(quiz.title)}: paper copies</title><style>{CSS}{PAPER_CSS}</style></head>",
             '<body class="student-copy paper">']
    for variant, label in copies:
        parts.append(_copy_body(quiz, variant, label))
        parts.append(_sheet(quiz, variant, label))
    parts.append("</body></html>")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "variant", "name", *(f"Q{s.number}" for s in quiz.slots)])
    for variant, label in copies:
        writer.writerow([label.student_id if label else "", variant.variant_id, label.name if label else "",
                         *([""] * len(quiz.slots))])
    return {PAPER: "\n".join(parts) + "\n", ANSWERS: out.getvalue()}
