"""key.json and grading's item-analysis.csv carry each item's objective and level."""

import csv
import io

from afcourse.grading.pipeline import grade
from afcourse.grading.simulate import simulate_class
from afcourse.quiz.sets import read_quiz_set
from test_grading_kit import write_jsonl
from conftest import ROOT


def test_item_analysis_names_objective_and_level(tmp_path):
    quiz, key = read_quiz_set(ROOT / "quizzes" / "taliban")
    assert {k.level for k in key.keys} == {"recall", "understanding"} and all(k.objective for k in key.keys)
    submissions, _ = simulate_class(quiz, key, 40, seed=7)
    path = write_jsonl(tmp_path / "class.jsonl", submissions)
    grade(ROOT / "quizzes" / "taliban", path, tmp_path / "out", feedback="none")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "item-analysis.csv").read_text(encoding="utf-8"))))
    keys = {k.id: k for k in key.keys}
    assert len(rows) == 10
    for row in rows:
        assert (row["objective"], row["level"]) == (keys[row["item_id"]].objective, keys[row["item_id"]].level)
