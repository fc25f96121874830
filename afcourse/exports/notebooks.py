"""Notebooks for a graded quiz taken in Jupyter: one per rostered student, opening their variant.

Each notebook holds a short note for the student and one cell calling
:func:`afcourse.show_quiz` on the ``quiz.json`` written beside it, with the student's id, name
and the variant the roster dealt them, so nobody has to copy a variant id by hand. The
folder holds no key: ``quiz.json`` is the student-facing file ``generate`` wrote.
"""

from __future__ import annotations

import nbformat

from afcourse.exports.common import ExportError, safe_name
from afcourse.quiz.models import QuizFile, RosterFile, submission_file_name
from afcourse.quiz.sets import dump

QUIZ_FILE = "quiz.json"
NOTEBOOK = "quiz-{}.ipynb"

_INTRO = """# {title}

**{who}** · student id `{sid}` · variant {variant}

Run the cell below (Shift+Enter) to open the quiz. Every answer is saved at once to
`{saved}` beside this notebook: closing it or restarting the kernel loses nothing, and
running the cell again brings your answers back. Press *Submit* when you are done;
submitted answers are final. Hand in `{saved}` as your instructor asks.
"""


def notebook_text(quiz_file: str, title: str, student_id: str, name: str, variant_id: str, saved: str) -> str:
    """The notebook of one student (nbformat 4 JSON, the same bytes for the same input)."""
    call = (f"show_quiz({quiz_file!r}, mode=\"assessment\", student_id={student_id!r}, name={name or None!r},\n"
            f"          variant={variant_id!r})")
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(_INTRO.format(title=title, who=name or "Student", sid=student_id,
                                                           variant=variant_id, saved=saved), id="about"),
               nbformat.v4.new_code_cell(f"from afcourse import show_quiz\n\n{call}", id="quiz")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                  "language_info": {"name": "python"}})
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def render(quiz: QuizFile, roster: RosterFile | None) -> dict[str, str]:
    """File name -> text: ``quiz.json`` and ``quiz-<student id>.ipynb`` for each student of ``roster``."""
    if roster is None or not roster.students:
        raise ExportError("notebooks are made one per student: give --roster FILE.csv (or make the set with "
                          "`afcourse generate --roster`)")
    files = {QUIZ_FILE: dump(quiz)}  # the same bytes as the quiz.json generate wrote
    for student in roster.students:
        name = NOTEBOOK.format(safe_name(student.id))
        if name in files:
            raise ExportError(f"{student.id!r} and another student give the same file name {name}")
        saved = submission_file_name(quiz.quiz_id, student.id)
        files[name] = notebook_text(QUIZ_FILE, quiz.title, student.id, student.name, student.variant_id, saved)
    return files
