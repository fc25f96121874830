"""Round trip: generate a quiz, simulate a class of known abilities, grade it, and read the analysis back.

The class follows a Rasch model whose item difficulties come from the key file, so
a working item analysis must find the easy and the hard items again, see positive
discrimination, and flag the items we break on purpose.
"""

from collections import Counter
from functools import lru_cache

import numpy as np
import pytest

from afcourse.grading.simulate import simulate_class
from afcourse.grading.analysis import spearman
from afcourse.grading.pipeline import grade
from afcourse.bank.models import ChoiceKey
from afcourse.quiz.sets import make_quiz_set, write_quiz_set
from test_grading_kit import synthetic_bank, write_jsonl

STUDENTS = 300


@lru_cache(maxsize=1)
def quiz_and_class():
    # one variant: every item is seen by the whole class, so the flags do not hang on which half saw it
    quiz, key = make_quiz_set(synthetic_bank(40), chapters=["synthetic"], n=20, seed="roundtrip", variants=1,
                              salt="roundtrip-a")
    submissions, abilities = simulate_class(quiz, key, STUDENTS, seed=2024, omit=0.01)
    return quiz, key, submissions, abilities


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    quiz, key, submissions, abilities = quiz_and_class()
    root = tmp_path_factory.mktemp("roundtrip")
    write_quiz_set(quiz, key, root / "quiz")
    path = write_jsonl(root / "class.jsonl", submissions)
    return grade(root / "quiz", path, root / "out", feedback="none"), abilities, root


def test_every_student_is_graded(graded):
    result, _, _ = graded
    assert len(result.students) == STUDENTS
    assert {p.kind for p in result.problems} <= {"missing_answer"}  # the 1% left blank on purpose


def test_analysis_recovers_easy_and_hard_items(graded):
    result, _, _ = graded
    items = [it for it in result.items if it.n >= 100]
    assert len(items) >= 20
    rho = spearman([it.key_difficulty for it in items], [1 - it.facility for it in items])
    assert rho > 0.7, rho
    by_difficulty = sorted(items, key=lambda it: it.key_difficulty)
    easiest, hardest = by_difficulty[:5], by_difficulty[-5:]
    assert np.mean([it.facility for it in easiest]) > np.mean([it.facility for it in hardest]) + 0.3


def test_discrimination_is_positive_on_average(graded):
    result, _, _ = graded
    for index in ("point_biserial", "corrected_item_total", "upper_lower"):
        values = [getattr(it, index) for it in result.items if getattr(it, index) is not None]
        assert len(values) == len(result.items)
        assert np.mean(values) > 0.15, (index, np.mean(values))
    assert not [it.item_id for it in result.items if "negative_discrimination" in it.flag_codes]


def test_scores_follow_ability(graded):
    result, abilities, _ = graded
    percent = {s.student_id: s.percent for s in result.students}
    ours = [percent[f"s{i + 1:06d}"] for i in range(STUDENTS)]
    assert spearman(abilities, ours) > 0.7
    assert result.summary.alpha is not None and result.summary.alpha > 0.6


def test_report_files_agree_with_the_result(graded):
    result, _, root = graded
    rows = (root / "out" / "item-analysis.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == len(result.items) + 1
    header = rows[0].split(",")
    first = dict(zip(header, rows[1].split(",")))
    assert first["item_id"] == result.items[0].item_id
    assert float(first["facility"]) == pytest.approx(result.items[0].facility, abs=1e-4)
    gradebook = (root / "out" / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert len(gradebook) == STUDENTS + 1


def test_broken_items_are_flagged(tmp_path):
    """A wrong key, a distractor nobody picks: the analysis must point at both."""
    quiz, key, submissions, _ = quiz_and_class()
    singles = [q for q in quiz.variants[0].questions if q.type == "single_choice" and len(q.choices) >= 4]
    singles.sort(key=lambda q: abs(key.difficulty[q.id] - 0.5))  # middling items show the effect most clearly
    (miskeyed, unused), keys = singles[:2], {k.id: k for k in key.keys}
    true_key = keys[miskeyed.id].key.correct
    picks = Counter(sub["responses"].get(miskeyed.id) for sub in submissions)
    wrong_key = max((c.id for c in miskeyed.choices if c.id != true_key), key=lambda c: (picks[c], c))
    # the instructor's key names a distractor: students who knew the answer now "fail" the item
    bad_keys = [k.model_copy(update={"key": ChoiceKey(correct=wrong_key)}) if k.id == miskeyed.id else k
                for k in key.keys]
    broken_key = key.model_copy(update={"keys": bad_keys})
    # and nobody picks one of the distractors of another item
    shunned = next(c.id for c in unused.choices if c.id != keys[unused.id].key.correct)
    other = next(c.id for c in unused.choices if c.id not in (shunned, keys[unused.id].key.correct))
    edited = []
    for sub in submissions:
        responses = dict(sub["responses"])
        if responses.get(unused.id) == shunned:
            responses[unused.id] = other
        edited.append({**sub, "responses": responses})
    write_quiz_set(quiz, broken_key, tmp_path / "quiz")
    result = grade(tmp_path / "quiz", write_jsonl(tmp_path / "class.jsonl", edited))
    stats = {it.item_id: it for it in result.items}
    assert "negative_discrimination" in stats[miskeyed.id].flag_codes
    assert stats[miskeyed.id].corrected_item_total < 0 and stats[miskeyed.id].upper_lower < 0
    beaten = dict(stats[miskeyed.id].flags)["distractor_beats_key"]
    assert next(c.text for c in miskeyed.choices if c.id == true_key) in beaten
    assert "unused_distractor" in stats[unused.id].flag_codes
    shunned_text = next(c.text for c in unused.choices if c.id == shunned)
    assert shunned_text in dict(stats[unused.id].flags)["unused_distractor"]
    assert next(o for o in stats[unused.id].options if o.choice_id == shunned).count == 0
    flagged = {it.item_id for it in result.items if "negative_discrimination" in it.flag_codes}
    assert flagged == {miskeyed.id}


def test_round_trip_on_the_bank_built_from_the_synthetic_fact_base(tmp_path):
    """The same check on items the generator made from tests/data/minifacts (real item kinds and keys)."""
    from pathlib import Path

    from afcourse.facts.factbase import load_facts
    from afcourse.bank.generate import build_bank

    base = load_facts(Path(__file__).parent / "data" / "minifacts")
    quiz, key = make_quiz_set(build_bank(base), chapters=list(base.chapters), n=14, seed="roundtrip",
                              allow_same_fact=True, salt="roundtrip")
    submissions, abilities = simulate_class(quiz, key, STUDENTS, seed=11)
    write_quiz_set(quiz, key, tmp_path / "quiz")
    result = grade(tmp_path / "quiz", write_jsonl(tmp_path / "class.jsonl", submissions), tmp_path / "out")
    assert len(result.students) == STUDENTS and result.problems == []
    assert spearman([it.key_difficulty for it in result.items], [1 - it.facility for it in result.items]) > 0.7
    assert np.mean([it.corrected_item_total for it in result.items]) > 0.15
    assert len(list((tmp_path / "out" / "feedback").iterdir())) == STUDENTS
