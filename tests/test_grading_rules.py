"""Every scoring rule, checked with exact points through the grading pipeline (not by calling score())."""

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from afcourse.grading.pipeline import grade_submissions
from afcourse.quiz.models import ScoringRules, Submission
from afcourse.quiz.scoring import score
from test_grading_kit import scoring_quiz, write_jsonl

ALL_OR_NOTHING = {"multiple_select": "all_or_nothing", "ordering": "all_or_nothing", "matching": "all_or_nothing"}
OPTIONS = {"multiple_select": "options"}


def graded_item(item_id, response, rules=None, points=1.0, tmp_path=None):
    """Grade one submission answering only ``item_id``; return (points, status) of that item."""
    quiz, key = scoring_quiz(ScoringRules(**(rules or {})), points=points)
    sub = {"quiz_id": quiz.quiz_id, "variant_id": "v001", "student": {"id": "s1"}, "responses": {item_id: response}}
    source = write_jsonl(tmp_path / "subs.jsonl", [sub]) if tmp_path is not None else sub
    result = grade_submissions(quiz, key, source, analyse=False)
    (student,) = result.students
    (item,) = [s for s in student.scores if s.item_id == item_id]
    return item.points, item.status


CASES = [
    # single choice and true/false: all or nothing; an unknown option is invalid
    ("sc", "y0", None, 1, "correct"),
    ("sc", "y2", None, 0, "incorrect"),
    ("sc", "y9", None, 0, "invalid"),
    ("sc", ["y0"], None, 0, "invalid"),
    ("tf", "true", None, 1, "correct"),
    ("tf", "false", None, 0, "incorrect"),
    # multiple select: the share of the 5 options judged right (3 correct, 2 wrong), as matching and ordering
    ("ms", ["m0", "m1", "m2"], None, 1, "correct"),
    # multiple select, right minus wrong (default): each of the 3 right options 1/3, each wrong one -1/3, at least 0
    ("ms", ["m2", "m0"], None, 0.6667, "partial"),
    ("ms", ["m0", "m1", "m3"], None, 0.3333, "partial"),
    ("ms", ["m0", "m1", "m2", "m3"], None, 0.6667, "partial"),
    ("ms", ["m0", "m3", "m4"], None, 0, "incorrect"),
    ("ms", ["m0", "m1", "m2", "m3", "m4"], None, 0.3333, "partial"),
    ("ms", ["m3"], None, 0, "incorrect"),
    # the "options" rule of older sets: the share of the 5 options judged right
    ("ms", ["m2", "m0"], OPTIONS, 0.8, "partial"),
    ("ms", ["m0", "m1", "m3"], OPTIONS, 0.6, "partial"),
    ("ms", ["m0", "m1", "m2", "m3"], OPTIONS, 0.8, "partial"),
    ("ms", ["m0", "m3", "m4"], OPTIONS, 0.2, "partial"),
    ("ms", ["m3", "m4"], None, 0, "incorrect"),
    ("ms", ["m0", "m7"], None, 0, "invalid"),
    ("ms", ["m0", "m1"], ALL_OR_NOTHING, 0, "incorrect"),
    ("ms", ["m1", "m2", "m0"], ALL_OR_NOTHING, 1, "correct"),
    # short answer: case, punctuation, diacritics and a leading article are ignored; names allow a typo
    ("sa", "Zamir Kabulov", None, 1, "correct"),
    ("sa", "  zamir KABULOV. ", None, 1, "correct"),
    ("sa", "Zamír Kabulov", None, 1, "correct"),
    ("sa", "Zamir Kabulow", None, 1, "correct"),
    ("sa", "Zamir Kabulow", {"fuzzy_threshold": 99}, 0, "incorrect"),
    ("sa", "Kabul", None, 0, "incorrect"),
    ("sa", 42, None, 0, "invalid"),
    ("sa2", "Taliban", None, 1, "correct"),
    ("sa2", "The Taliban!", None, 1, "correct"),
    ("sa2", "Talibans", None, 0, "incorrect"),
    # numeric: within tolerance (0 here); numeric text with a thousands separator is read
    ("nu", 1989, None, 1, "correct"),
    ("nu", 1989.0, None, 1, "correct"),
    ("nu", "1,989", None, 1, "correct"),
    ("nu", " 1989 ", None, 1, "correct"),
    ("nu", 1988, None, 0, "incorrect"),
    ("nu", "nineteen", None, 0, "invalid"),
    ("nu", "1.989", None, 1, "correct"),  # a year is a whole number: the lone point groups thousands
    ("nu", "1989 year", None, 1, "correct"),
    ("nu", "1989%", None, 0, "invalid"),
    ("nu", "nan", None, 0, "invalid"),
    ("nu", " \t ", None, 0, "unanswered"),
    ("nu", True, None, 0, "incorrect"),  # the Submission model reads true as 1.0, as pydantic does
    # ordering, pairs: share of the 6 pairs in the key's relative order
    ("od", ["o0", "o2", "o3", "o1"], None, 1, "correct"),
    ("od", ["o2", "o0", "o3", "o1"], None, 0.8333, "partial"),
    ("od", ["o0", "o2", "o1", "o3"], None, 0.8333, "partial"),
    ("od", ["o1", "o3", "o2", "o0"], None, 0, "incorrect"),
    ("od", ["o0", "o2", "o3"], None, 0, "invalid"),
    ("od", ["o2", "o0", "o3", "o1"], ALL_OR_NOTHING, 0, "incorrect"),
    ("od", ["o0", "o2", "o3", "o1"], ALL_OR_NOTHING, 1, "correct"),
    # matching, pairs: share of the 3 prompts matched right
    ("ma", {"p0": "r0", "p1": "r1", "p2": "r2"}, None, 1, "correct"),
    ("ma", {"p0": "r0", "p1": "r1", "p2": "r3"}, None, 0.6667, "partial"),
    ("ma", {"p0": "r0"}, None, 0.3333, "partial"),
    ("ma", {"p0": "r1", "p1": "r0", "p2": "r3"}, None, 0, "incorrect"),
    ("ma", {"p0": "r0", "p9": "r1"}, None, 0, "invalid"),
    ("ma", {"p0": "r0", "p1": "r1", "p2": "r3"}, ALL_OR_NOTHING, 0, "incorrect"),
    # blank answers of every shape are unanswered
    ("sc", None, None, 0, "unanswered"),
    ("sa", "", None, 0, "unanswered"),
    ("sa", "   ", None, 0, "unanswered"),
    ("ms", [], None, 0, "unanswered"),
    ("ma", {}, None, 0, "unanswered"),
]


@pytest.mark.parametrize("item_id, response, rules, expected, status", CASES)
def test_scoring_rule_through_grading(item_id, response, rules, expected, status):
    assert graded_item(item_id, response, rules) == (expected, status)


@pytest.mark.parametrize("item_id, response, rules, expected, status",
                         [c for c in CASES if c[0] in ("ms", "od", "nu", "ma")][::3])
def test_same_points_when_read_from_json_lines(tmp_path, item_id, response, rules, expected, status):
    assert graded_item(item_id, response, rules, tmp_path=tmp_path) == (expected, status)


def test_item_points_scale_partial_credit():
    assert graded_item("sc", "y0", points=2) == (2, "correct")
    assert graded_item("ms", ["m0", "m1"], points=2) == (1.3333, "partial")
    assert graded_item("od", ["o2", "o0", "o3", "o1"], points=3) == (2.5, "partial")


def test_student_total_and_percent():
    quiz, key = scoring_quiz()
    responses = {"sc": "y0", "tf": "false", "ms": ["m0", "m1"], "sa": "Zamir Kabulov", "nu": 1990,
                 "od": ["o2", "o0", "o3", "o1"], "ma": {"p0": "r0", "p1": "r1", "p2": "r3"}, "sa2": "taliban"}
    sub = {"quiz_id": quiz.quiz_id, "variant_id": "v002", "student": {"id": "s1"}, "responses": responses}
    (student,) = grade_submissions(quiz, key, sub).students
    # 1 + 0 + 0.6667 + 1 + 0 + 0.8333 + 0.6667 + 1
    assert student.points == 5.1667 and student.max_points == 8 and student.percent == 64.58
    assert [s.item_id for s in student.scores] == [q.id for q in quiz.variants[1].questions]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3000, 3000) | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["y0", "y1", "true", "m0", "m1", "m3", "o0", "o1", "o2", "o3", "p0", "r0", "r1", "1989",
                       "Zamir Kabulov", "taliban", "", "1,989"]),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.sampled_from(["p0", "p1", "p2", "p9"]), inner,
                                                                max_size=3),
    max_leaves=8)


ITEMS = ["sc", "tf", "ms", "sa", "nu", "od", "ma", "sa2"]
# mostly well-formed answers (so the bulk memo lookups run), with any JSON value mixed in
answers = st.one_of(
    st.sampled_from(["y0", "y1", "true", "false", "Zamir Kabulov", "taliban", "1989", ""]),
    st.lists(st.sampled_from(["m0", "m1", "m2", "m3", "o0", "o1", "o2", "o3"]), max_size=4),
    st.permutations(["o0", "o1", "o2", "o3"]).map(list),
    st.lists(st.sampled_from(["m0", "m1", "m2", "m3", "m4"]), unique=True, max_size=5),
    st.dictionaries(st.sampled_from(["p0", "p1", "p2"]), st.sampled_from(["r0", "r1", "r2", "r3"]), max_size=3),
    json_values)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(classes=st.lists(st.fixed_dictionaries({}, optional={i: answers for i in ITEMS}), min_size=1, max_size=25),
       rules=st.sampled_from([None, ALL_OR_NOTHING]), variant=st.sampled_from(["v001", "v002"]))
def test_fast_path_and_memo_agree_with_score_on_any_json(tmp_path, classes, rules, variant):
    """The grader's cheap checks, bulk lookups and memo give exactly what score() gives on the model's reading."""
    quiz, key = scoring_quiz(ScoringRules(**(rules or {})))
    questions = {q.id: q for q in quiz.variants[0].questions}
    keys = {k.id: k.key for k in key.keys}
    subs = [{"quiz_id": quiz.quiz_id, "variant_id": variant, "student": {"id": f"s{i:03d}"}, "responses": r}
            for i, r in enumerate(classes)]
    # twice each, so that the second copy of a response is answered from the memo
    path = tmp_path / "subs.jsonl"
    path.write_text("\n".join(json.dumps(s) for s in subs + subs), encoding="utf-8")
    result = grade_submissions(quiz, key, path, analyse=False)
    by_id = {s.student_id: s for s in result.students}
    assert len(by_id) == len(subs)
    for sub in subs:
        got = {s.item_id: s for s in by_id[sub["student"]["id"]].scores}
        for item_id in ITEMS:
            raw = json.loads(json.dumps(sub["responses"].get(item_id)))
            try:
                read = Submission.model_validate({**sub, "responses": {item_id: raw}}).responses[item_id]
            except ValueError:  # the model rejects this value: the grader scores that one item invalid
                assert (got[item_id].status, got[item_id].points) == ("invalid", 0)
                continue
            expected = score(questions[item_id], keys[item_id], read, quiz.scoring)
            assert (got[item_id].points, got[item_id].status, got[item_id].detail) == \
                (expected.points, expected.status, expected.detail), (item_id, raw)
