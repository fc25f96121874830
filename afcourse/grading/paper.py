"""Paper answer sheets typed into a spreadsheet, read as submissions (``afcourse grade --paper ANSWERS.csv``).

One row per student, with a header: ``id`` (or ``student_id``), ``variant``, optional ``name``, then
one column per question, ``Q1``, ``Q2``... (or ``1``, ``2``...), holding what the student wrote,
as the printed copy letters it:

- single choice: the letter (``B``); true/false: ``T``/``F``, ``True``/``False`` or the letter;
- multiple select: the letters, with or without separators (``A,C``, ``AC``, ``A C``);
- short answer and numeric: the text or number as written;
- ordering: the position written beside each element, in letter order (``2 1 3 4``: A second,
  B first...), or the letters from first to last (``BACD``);
- matching: the letter written beside each item, items in order (``B A C``: item 1 -> B...).

A blank cell is no answer. A letter the question does not have is kept as written, so that the
grader marks that one answer invalid and says why; the rest of the sheet is graded. Spreadsheets
are read as :func:`afcourse.quiz.roster.read_csv_rows` reads them (Excel's separators and encodings,
a row with a wrong field count refused with its line).
"""

from __future__ import annotations

import re
from pathlib import Path

from afcourse.bank.models import Question
from afcourse.grading.results import GradingError
from afcourse.grading.submissions import Labelled
from afcourse.quiz.models import SUBMISSION_SCHEMA, QuizFile
from afcourse.quiz.roster import RosterError, read_csv_rows
from afcourse.quiz.sets import QuizSetError, read_quiz_set

_SEPARATORS = re.compile(r"[\s,;/]+")


def letter_index(text: str) -> int | None:
    """A -> 0, B -> 1... (case ignored); None for anything else."""
    text = text.strip().upper()
    if len(text) == 1 and "A" <= text <= "Z":
        return ord(text) - 65
    return None


def _letters(text: str) -> list[str]:
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    if len(parts) == 1 and parts[0].isalpha():
        return list(parts[0])
    return parts


def paper_response(question: Question, written: str):
    """What a student wrote on paper for ``question``, as the response a notebook would record."""
    text = written.strip()
    if not text:
        return None
    ids = [c.id for c in question.choices]

    def choice(mark: str):
        index = letter_index(mark)
        return ids[index] if index is not None and index < len(ids) else mark

    if question.type == "true_false":
        word = text.casefold()
        for c in question.choices:
            if word in (c.text.casefold(), c.text[:1].casefold()):
                return c.id
        return choice(text)
    if question.type == "single_choice":
        return choice(text)
    if question.type == "multiple_select":
        return [choice(m) for m in dict.fromkeys(m.upper() for m in _letters(text))]
    if question.type == "ordering":
        marks = _letters(text)
        if marks and all(m.isdigit() for m in marks):  # positions beside each element, in letter order
            if sorted(int(m) for m in marks) != list(range(1, len(ids) + 1)) or len(marks) != len(ids):
                return [text]  # not a ranking of every element: graded invalid, as written
            return [ids[i] for i, _ in sorted(enumerate(marks), key=lambda pair: int(pair[1]))]
        return [choice(m) for m in marks]
    if question.type == "matching":
        marks = _letters(text)
        return {p.id: choice(m) for p, m in zip(question.prompts, marks)}
    return text  # short answer, numeric: as written


def read_paper_answers(path: str | Path, quiz_dir: str | Path) -> list[Labelled]:
    """Every row of an answers CSV as a submission (labelled with the file and line for messages)."""
    path = Path(path)
    try:
        quiz, _ = read_quiz_set(quiz_dir)
        header, rows, _, _ = read_csv_rows(path, "paper answers")
    except (QuizSetError, RosterError) as exc:
        raise GradingError(str(exc)) from None
    return [Labelled(sub, str(path), line) for line, sub in paper_submissions(quiz, header, rows, path)]


def paper_submissions(quiz: QuizFile, header: list[str], rows, path: Path | str = "answers.csv"):
    """(line, submission dict) for each row; :class:`GradingError` for a header that cannot be read."""
    keys = [" ".join(h.strip().lower().replace("_", " ").split()) for h in header]
    id_col = next((i for i, k in enumerate(keys) if k in ("id", "student id")), None)
    variant_col = next((i for i, k in enumerate(keys) if k in ("variant", "variant id")), None)
    name_col = next((i for i, k in enumerate(keys) if k == "name"), None)
    if id_col is None or variant_col is None:
        raise GradingError(f"{path}: the answers need an 'id' and a 'variant' column, then Q1, Q2... "
                           f"(found: {', '.join(header)})")
    columns: dict[int, int] = {}
    for i, k in enumerate(keys):
        match = re.fullmatch(r"q?\s*(\d+)", k)
        if match:
            columns[int(match[1])] = i
    n = len(quiz.slots)
    missing = [f"Q{number}" for number in range(1, n + 1) if number not in columns]
    if missing:
        raise GradingError(f"{path}: no column for {', '.join(missing)} (the quiz has {n} questions: Q1..Q{n})")
    extra = sorted(number for number in columns if number > n)
    if extra:
        raise GradingError(f"{path}: column Q{extra[0]} but the quiz has only {n} questions")
    variants = {v.variant_id: v for v in quiz.variants}
    found = []
    for line, row in rows:
        sid, variant_id = row[id_col].strip(), row[variant_col].strip()
        variant = variants.get(variant_id) or variants.get(f"v{variant_id.lstrip('vV').zfill(3)}")
        responses = {}
        if variant is not None:
            variant_id = variant.variant_id
            for number, question in enumerate(variant.questions, 1):
                answer = paper_response(question, row[columns[number]])
                if answer is not None:
                    responses[question.id] = answer
        found.append((line, {"schema": SUBMISSION_SCHEMA, "quiz_id": quiz.quiz_id, "variant_id": variant_id,
                             "student": {"id": sid, "name": (row[name_col].strip() or None) if name_col is not None
                                         else None},
                             "responses": responses, "status": "submitted"}))
    return found
