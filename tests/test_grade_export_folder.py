"""Grading the notebook export folder itself: its own files are skipped quietly, students counted right."""

from __future__ import annotations

import json

from test_export_notebooks import rostered_set, run
from test_quizui_support import QUIZ_DIR

from afcourse.grading.pipeline import grade
from afcourse.quiz.roster import class_roster
from afcourse.quizui.display import show_quiz


def test_grade_reads_only_the_submissions_of_an_export_folder(tmp_path, monkeypatch):
    quiz, key, csv_path = rostered_set(tmp_path)
    assert run("notebooks", tmp_path / "set", "--roster", csv_path, "--out", tmp_path / "nb").exit_code == 0
    folder = tmp_path / "nb"
    student = class_roster(tmp_path / "set", quiz, key, csv_path).students[0]
    monkeypatch.chdir(folder)  # the student works in the folder: a submission, a self-check file, checkpoints
    shown = show_quiz(folder, mode="assessment", student_id=student.id, variant=student.variant_id)
    first = shown.controller.questions[0]
    shown.controller.answer(first.id, first.choices[0].id if first.choices else "1")
    shown.controller.submit()
    (folder / "afcourse-selfcheck-other.json").write_text(json.dumps({"schema": "afcourse.selfcheck/1"}))
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "quiz-s001-checkpoint.ipynb").write_text("{}")
    (folder / "notes.txt").write_text("a real stray file")
    (folder / "broken.json").write_text("{not json")
    result = grade(tmp_path / "set", folder, tmp_path / "grades", plots=False)
    problems = sorted((p.source.rsplit("/", 1)[-1], p.kind) for p in result.problems)
    # the real problems only: no quiz.json, notebook, checkpoint or self-check file
    assert problems == [("broken.json", "malformed"), ("notes.txt", "ignored_file"),
                        (f"submission-{quiz.quiz_id.replace('+', '_')}-{student.id}.json", "missing_answer")]
    assert [s.student_id for s in result.students] == [student.id]
    page = (tmp_path / "grades" / "report.html").read_text(encoding="utf-8")
    assert "Only 1 student:" in page and "Only 1 students" not in page


def test_a_self_check_quiz_folder_is_not_graded_as_submissions(tmp_path):
    result = grade(QUIZ_DIR, QUIZ_DIR, plots=False)
    assert not any("quiz.json" in p.source or "key.json" in p.source for p in result.problems)
