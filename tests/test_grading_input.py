"""Bad input, as a gradebook meets it: each case is reported in `problems` and the rest is graded."""

import json
from pathlib import Path

import pytest

import afcourse
from afcourse.common.fileio import OutputExistsError
from afcourse.grading.results import GradingError
from afcourse.grading.pipeline import grade, grade_submissions
from afcourse.quiz.models import Student, Submission
from afcourse.quiz.sets import dump, write_quiz_set
from test_grading_kit import scoring_quiz, write_jsonl

RIGHT = {"sc": "y0", "tf": "true", "ms": ["m0", "m1", "m2"], "sa": "Zamir Kabulov", "nu": 1989,
         "od": ["o0", "o2", "o3", "o1"], "ma": {"p0": "r0", "p1": "r1", "p2": "r2"}, "sa2": "Taliban"}


def sub(student="s1", variant="v001", quiz_id="rules-quiz", responses=None, **extra):
    return {"schema": "afcourse.submission/1", "quiz_id": quiz_id, "variant_id": variant,
            "student": {"id": student, "name": f"Name of {student}"},
            "responses": dict(RIGHT) if responses is None else responses, **extra}


@pytest.fixture
def quiz_dir(tmp_path):
    quiz, key = scoring_quiz()
    write_quiz_set(quiz, key, tmp_path / "quiz")
    return tmp_path / "quiz"


def kinds(result):
    return sorted(p.kind for p in result.problems)


def test_clean_class_has_no_problems(quiz_dir, tmp_path):
    path = write_jsonl(tmp_path / "subs.jsonl", [sub("a"), sub("b", variant="v002")])
    result = grade(quiz_dir, path)
    assert result.problems == []
    assert [(s.student_id, s.points, s.flags) for s in result.students] == [("a", 8, []), ("b", 8, [])]


def test_truncated_last_line_is_reported_and_the_rest_graded(quiz_dir, tmp_path):
    text = json.dumps(sub("a")) + "\n" + json.dumps(sub("b")) + "\n" + json.dumps(sub("c"))[:57]
    (tmp_path / "subs.jsonl").write_text(text, encoding="utf-8")
    result = grade(quiz_dir, tmp_path / "subs.jsonl")
    assert [s.student_id for s in result.students] == ["a", "b"]
    (problem,) = result.problems
    assert (problem.kind, problem.action, problem.line) == ("malformed", "skipped", 3)
    assert "truncated" in problem.message and problem.where.endswith("subs.jsonl:3")


def test_bad_line_in_the_middle_and_bad_json_file(quiz_dir, tmp_path):
    (tmp_path / "subs.jsonl").write_text(json.dumps(sub("a")) + "\n{not json at all}\n" + json.dumps(sub("b")) + "\n",
                                         encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"quiz_id": "rules-quiz", "student": ', encoding="utf-8")
    (tmp_path / "empty.json").write_text("  \n", encoding="utf-8")
    result = grade(quiz_dir, [tmp_path / "subs.jsonl", tmp_path / "broken.json", tmp_path / "empty.json"])
    assert [s.student_id for s in result.students] == ["a", "b"]
    where = {(Path(p.source).name, p.line): p.message for p in result.problems}
    assert set(where) == {("subs.jsonl", 2), ("broken.json", None), ("empty.json", None)}
    assert "malformed line" in where[("subs.jsonl", 2)]
    assert "not valid JSON" in where[("broken.json", None)] and "empty" in where[("empty.json", None)]
    assert kinds(result) == ["malformed"] * 3


def test_a_pretty_printed_file_that_was_cut_short_is_one_problem(quiz_dir, tmp_path):
    text = json.dumps(sub("a"), indent=2)
    (tmp_path / "a.json").write_text(text[: len(text) // 2], encoding="utf-8")
    result = grade(quiz_dir, tmp_path / "a.json")
    assert kinds(result) == ["malformed", "no_submissions"] and result.students == []


def test_schema_violations_name_the_field(quiz_dir, tmp_path):
    no_id = sub("x")
    no_id["student"] = {"id": ""}
    extra = sub("y", mood="happy")
    not_object = ["a", "list"]
    bad_status = sub("z", status="finished")
    path = write_jsonl(tmp_path / "subs.jsonl", [no_id, extra, not_object, bad_status, sub("ok")])
    result = grade(quiz_dir, path)
    assert [s.student_id for s in result.students] == ["ok"]
    messages = {p.line: p.message for p in result.problems}
    assert "student.id" in messages[1]
    assert "mood" in messages[2] and "Extra inputs" in messages[2]
    assert "expected a submission object, found a JSON array" in messages[3]
    assert "status" in messages[4]
    assert result.problems[1].student_id == "y"


def test_unknown_item_is_ignored_and_reported(quiz_dir):
    responses = {**RIGHT, "ghost-item": "y0", "sc-typo": "y1"}
    result = grade(quiz_dir, sub("a", responses=responses))
    (student,) = result.students
    assert student.points == 8 and student.flags == ["2 unknown item(s)"]
    (problem,) = result.problems
    assert problem.kind == "unknown_item" and problem.action == "graded"
    assert problem.item_ids == ("ghost-item", "sc-typo") and "'ghost-item'" in problem.message


def test_submission_for_another_quiz_is_skipped(quiz_dir):
    result = grade(quiz_dir, [sub("a"), sub("b", quiz_id="history-10q-seed1")])
    assert [s.student_id for s in result.students] == ["a"]
    (problem,) = result.problems
    assert (problem.kind, problem.student_id, problem.action) == ("wrong_quiz", "b", "skipped")
    assert "'history-10q-seed1'" in problem.message


def test_variant_that_does_not_exist_is_skipped(quiz_dir):
    result = grade(quiz_dir, [sub("a"), sub("b", variant="v999")])
    assert [s.student_id for s in result.students] == ["a"]
    (problem,) = result.problems
    assert problem.kind == "unknown_variant" and "'v999'" in problem.message and "v001" in problem.message


def test_duplicates_latest_saved_at_wins_even_if_earlier_in_input(quiz_dir, tmp_path):
    late = sub("a", responses={**RIGHT, "sc": "y1"}, saved_at="2025-03-02T09:00:00+01:00")
    early = sub("a", responses=RIGHT, saved_at="2025-03-02T08:30:00Z")  # 08:30Z is after 09:00+01:00 (08:00Z)
    path = write_jsonl(tmp_path / "subs.jsonl", [early, late, sub("b")])
    result = grade(quiz_dir, path)
    a = next(s for s in result.students if s.student_id == "a")
    assert a.points == 8 and a.line == 1 and "2 submissions, latest kept" in a.flags
    (problem,) = result.problems
    assert (problem.kind, problem.action, problem.line) == ("duplicate", "superseded", 2)
    assert "latest saved_at" in problem.message
    assert len(result.students) == 2


def test_duplicates_without_times_the_later_in_input_order_wins(quiz_dir, tmp_path):
    first = sub("a", responses=RIGHT)
    second = sub("a", responses={**RIGHT, "sc": "y1"})
    timed = sub("b", responses=RIGHT, saved_at="2030-01-01T00:00:00Z")
    untimed = sub("b", responses={**RIGHT, "tf": "false"})
    path = write_jsonl(tmp_path / "subs.jsonl", [first, second, timed, untimed])
    result = grade(quiz_dir, path)
    points = {s.student_id: (s.points, s.line) for s in result.students}
    assert points == {"a": (7, 2), "b": (7, 4)}
    assert [(p.kind, p.line) for p in result.problems] == [("duplicate", 1), ("duplicate", 3)]
    assert "not every copy has a readable saved_at" in result.problems[1].message


def test_missing_answers_score_zero_and_are_reported(quiz_dir):
    responses = {k: v for k, v in RIGHT.items() if k not in ("ms", "nu")}
    responses["sa"] = ""
    result = grade(quiz_dir, sub("a", responses=responses))
    (student,) = result.students
    assert student.points == 5 and student.flags == ["3 unanswered"]
    (problem,) = result.problems
    assert problem.kind == "missing_answer" and set(problem.item_ids) == {"ms", "nu", "sa"}
    assert {s.item_id: s.status for s in student.scores}["nu"] == "unanswered"


def test_in_progress_is_graded_and_flagged(quiz_dir, tmp_path):
    result = grade(quiz_dir, sub("a", status="in_progress"), tmp_path / "out", feedback="md")
    (student,) = result.students
    assert student.points == 8 and student.flags == ["in progress"]
    assert [(p.kind, p.action) for p in result.problems] == [("in_progress", "graded")]
    row = (tmp_path / "out" / "gradebook.csv").read_text().splitlines()[1]
    assert "in_progress" in row and "in progress" in row
    assert "not submitted" in next((tmp_path / "out" / "feedback").iterdir()).read_text()


def test_answers_of_the_wrong_shape_cost_one_item_not_the_submission(quiz_dir):
    responses = {**RIGHT, "sc": 3, "ms": [1, 2], "ma": {"p0": ["r0"]}, "od": "o0"}
    result = grade(quiz_dir, sub("a", responses=responses))
    (student,) = result.students
    status = {s.item_id: s.status for s in student.scores}
    assert [status[i] for i in ("sc", "ms", "ma", "od")] == ["invalid"] * 4
    assert student.points == 4
    (problem,) = result.problems
    assert problem.kind == "invalid_answer" and "expected one choice id" in problem.message


def test_folders_files_arrays_models_and_dicts(quiz_dir, tmp_path):
    folder = tmp_path / "inbox"
    (folder / "week1").mkdir(parents=True)
    (folder / "a.json").write_text(json.dumps(sub("a")), encoding="utf-8")
    (folder / "week1" / "b.json").write_text(json.dumps([sub("b"), sub("c")]), encoding="utf-8")
    write_jsonl(folder / "week1" / "more.ndjson", [sub("d")])
    (folder / "notes.txt").write_text("not a submission", encoding="utf-8")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "x.json").write_text("{broken", encoding="utf-8")
    model = Submission(quiz_id="rules-quiz", variant_id="v002", student=Student(id="e"), responses=RIGHT)
    result = grade(quiz_dir, [folder, model, sub("f"), tmp_path / "nowhere.jsonl"])
    assert [s.student_id for s in result.students] == ["a", "b", "c", "d", "e", "f"]
    assert all(s.points == 8 for s in result.students)
    assert sorted((p.kind, Path(p.source).name) for p in result.problems) == [
        ("ignored_file", "notes.txt"), ("unreadable", "nowhere.jsonl"), ("unsealed", "a.json")]


def test_json_lines_named_json_is_read_line_by_line(quiz_dir, tmp_path):
    path = write_jsonl(tmp_path / "all.json", [sub("a"), sub("b")])
    assert [s.student_id for s in grade(quiz_dir, path).students] == ["a", "b"]


def test_quiz_file_given_as_a_submission(quiz_dir):
    result = grade(quiz_dir, quiz_dir / "quiz.json")
    assert result.problems[0].kind == "malformed" and "quiz file, not a submission" in result.problems[0].message


def test_nothing_is_dropped_silently(quiz_dir, tmp_path):
    """Every input record ends up graded, or named in a problem with its place."""
    records = [sub("a"), sub("b", quiz_id="other"), sub("c", variant="v7"), sub("a"), sub("d", status="in_progress"),
               sub("e", responses={"sc": "y0"}), sub("f", responses={**RIGHT, "zz": 1})]
    lines = [json.dumps(r) for r in records] + ["{oops", "[]", json.dumps(sub("g"))[:-1]]
    (tmp_path / "subs.jsonl").write_text("\n".join(lines), encoding="utf-8")
    result = grade(quiz_dir, tmp_path / "subs.jsonl")
    graded_lines = {s.line for s in result.students}
    skipped_lines = {p.line for p in result.problems if p.action in ("skipped", "superseded")}
    assert graded_lines | skipped_lines == set(range(1, len(lines) + 1))
    assert not graded_lines & skipped_lines
    flagged = {p.student_id for p in result.problems if p.action == "graded"}
    assert flagged == {"d", "e", "f"}


def test_quiz_folder_problems_are_errors(tmp_path):
    quiz, key = scoring_quiz()
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "quiz.json").write_text(dump(quiz), encoding="utf-8")
    with pytest.raises(GradingError, match="key.json not found"):
        grade(tmp_path / "q", [])
    with pytest.raises(GradingError, match="nowhere: no such folder"):
        grade(tmp_path / "nowhere", [])
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "quiz.json").write_text('{"schema": "afcourse.quiz/2"}', encoding="utf-8")
    with pytest.raises(GradingError, match="quiz.json: not a valid quiz file: field 'quiz_id': Field required"):
        grade(tmp_path / "bad", [])
    (tmp_path / "bad" / "quiz.json").write_text('{"schema": "afcourse.quiz/1"}', encoding="utf-8")
    with pytest.raises(GradingError, match=r"quiz.json: not a quiz file of this version of afcourse \(expected "
                                           r"schema 'afcourse.quiz/2'\); regenerate it"):
        grade(tmp_path / "bad", [])
    (tmp_path / "bad" / "quiz.json").write_text(dump(quiz)[:200], encoding="utf-8")
    with pytest.raises(GradingError, match=r"bad/quiz.json: not valid JSON \(truncated or damaged\?\)"):
        grade(tmp_path / "bad", [])
    short_key = key.model_copy(update={"keys": key.keys[1:]})
    (tmp_path / "q" / "key.json").write_text(dump(short_key), encoding="utf-8")
    with pytest.raises(GradingError, match="no key for item"):
        grade(tmp_path / "q", [])


def test_existing_output_is_kept_without_force(quiz_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputExistsError):
        grade(quiz_dir, sub("a"), out)
    assert [p.name for p in out.iterdir()] == ["mine.txt"]


def test_force_updates_and_removes_only_our_stale_files(quiz_dir, tmp_path):
    out = tmp_path / "out"
    grade(quiz_dir, [sub("a"), sub("b")], out)
    (out / "mine.txt").write_text("keep me", encoding="utf-8")
    assert sorted(p.name for p in (out / "feedback").iterdir()) == ["a.md", "b.md"]
    result = grade(quiz_dir, [sub("b", responses={**RIGHT, "sc": "y3"})], out, force=True)
    assert sorted(p.name for p in (out / "feedback").iterdir()) == ["b.md"]
    assert (out / "mine.txt").read_text() == "keep me"
    assert result.files["gradebook"].read_text().count("\n") == 2


def test_interrupted_write_leaves_no_output_folder(quiz_dir, tmp_path, monkeypatch):
    import afcourse.grading.reports.writing as reports

    calls = []

    def failing(path, data, force=False):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(path, data, force=force)

    real = reports.write_atomic
    monkeypatch.setattr(reports, "write_atomic", failing)
    with pytest.raises(OSError, match="disk full"):
        grade(quiz_dir, sub("a"), tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quiz"]


def test_library_entry_point_mirrors_the_cli(quiz_dir, tmp_path):
    result = afcourse.grade(quiz_dir, [sub("a"), sub("b", quiz_id="x")], tmp_path / "out", layout="moodle",
                            feedback="none")
    assert len(result.students) == 1 and len(result.problems) == 1 and result.items
    assert (tmp_path / "out" / "gradebook.csv").read_text().startswith("ID number,Full name,")
    assert not (tmp_path / "out" / "feedback").exists()
    with pytest.raises(ValueError, match="unknown gradebook layout"):
        afcourse.grade(quiz_dir, [], tmp_path / "out2", layout="blackboard")


def test_in_memory_grading_needs_no_files():
    quiz, key = scoring_quiz()
    result = grade_submissions(quiz, key, [sub("a"), sub("b", responses={})])
    assert [s.points for s in result.students] == [8, 0]
    assert kinds(result) == ["missing_answer"]


def test_the_standard_json_module_reports_the_same_problems(quiz_dir, tmp_path, monkeypatch):
    """Without orjson (an optional speed-up) grading falls back to json with the same results."""
    import afcourse.grading.submissions as grading

    text = json.dumps(sub("a")) + "\n{not json}\n" + json.dumps(sub("b"))[:40]
    (tmp_path / "subs.jsonl").write_text(text, encoding="utf-8")
    fast = grade(quiz_dir, tmp_path / "subs.jsonl")
    monkeypatch.setattr(grading, "_loads", json.loads)
    monkeypatch.setattr(grading, "_JSONError", (json.JSONDecodeError, ValueError))
    slow = grade(quiz_dir, tmp_path / "subs.jsonl")
    assert [(s.student_id, s.points) for s in slow.students] == [(s.student_id, s.points) for s in fast.students]
    assert [(p.kind, p.line, p.message.split(":")[0]) for p in slow.problems] == \
        [(p.kind, p.line, p.message.split(":")[0]) for p in fast.problems] == \
        [("malformed", 2, "not valid JSON (malformed line)"), ("malformed", 3, "not valid JSON (the last line looks truncated)")]


def test_problem_text_never_carries_control_characters(quiz_dir):
    result = grade(quiz_dir, sub("a", responses={**RIGHT, "sc": "\x1b[2J\x1b[31mgotcha\n"}))
    text = str(result.problems[0])
    assert "\x1b" not in text and "\n" not in text and "\\x1b[2J" in text
