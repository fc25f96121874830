"""A class roster through generate, export and grade: even variants, labelled copies, absentees, LMS ids."""

import csv
import io
import json
import stat
from collections import Counter

import pytest
from typer.testing import CliRunner

from afcourse.cli import app
from afcourse.grading.simulate import simulate_class
from afcourse.quiz.models import KeyFile, QuizFile, RosterFile
from afcourse.quiz.roster import RosterError, assign_variants, read_roster_csv
from afcourse.quiz.sets import dump

runner = CliRunner()


def write_roster(path, n=40):
    rows = ["id,name,section,sis_user_id,sis_login_id,canvas_id,idnumber"]
    rows += [f"st{i:03d},Student {i},{'A' if i % 2 else 'B'},SIS{i},login{i},{1000 + i},ID{i}" for i in range(1, n + 1)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def class_set(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    roster = write_roster(root / "roster.csv")
    # a fixed salt: without one each run draws another set, and st002's simulated answers (copied below to test
    # the identical-answers flag) were sometimes too nearly right to be flagged
    result = runner.invoke(app, ["generate", "-c", "taliban", "-c", "moscow-format", "--n", "10", "--seed", "mid",
                                 "--salt", "roster-tests",
                                 "--variants", "30", "--roster", str(roster), "--title", "Midterm",
                                 "--out", str(root / "set")])
    assert result.exit_code == 0, result.output
    return root


def test_variants_are_dealt_evenly_and_recorded(class_set):
    recorded = RosterFile.model_validate_json((class_set / "set" / "roster.json").read_text())
    counts = Counter(s.variant_id for s in recorded.students)
    assert len(recorded.students) == 40 and len(counts) == 30
    assert max(counts.values()) - min(counts.values()) <= 1
    assert stat.S_IMODE((class_set / "set" / "roster.json").stat().st_mode) == 0o600
    quiz = QuizFile.model_validate_json((class_set / "set" / "quiz.json").read_text())
    assert quiz.title == "Midterm" and "st001" not in (class_set / "set" / "quiz.json").read_text()


@pytest.mark.parametrize("students,variants", [(40, 30), (7, 3), (2, 2), (41, 4), (5, 9)])
def test_assignment_is_balanced_within_one(tmp_path, students, variants):
    from test_export_cases import generated_quiz

    quiz, key = generated_quiz(n=3, variants=variants)
    roster = assign_variants([{"id": f"s{i}", "name": "", "section": "", "lms_ids": {}} for i in range(students)],
                             quiz, key)
    counts = Counter(s.variant_id for s in roster.students)
    full = [counts.get(v.variant_id, 0) for v in quiz.variants]
    assert max(full) - min(full) <= 1 and sum(full) == students


def test_paper_copies_are_labelled_per_student(class_set, tmp_path):
    result = runner.invoke(app, ["export", "html", str(class_set / "set"), "--out", str(tmp_path / "paper")])
    assert result.exit_code == 0, result.output
    assert "wrote 40 student copies" in result.output
    recorded = RosterFile.model_validate_json((class_set / "set" / "roster.json").read_text())
    quiz = QuizFile.model_validate_json((class_set / "set" / "quiz.json").read_text())
    for entry in recorded.students:
        page = (tmp_path / "paper" / f"student-{entry.id}.html").read_text()
        assert f'<strong class="student-name">{entry.name}</strong>' in page
        assert f'<strong class="student-id">{entry.id}</strong>' in page
        assert f'<span class="variant-id">{entry.variant_id}</span>' in page and quiz.quiz_id in page


def test_grade_lists_absentees_fills_lms_ids_and_carries_flags_into_every_layout(class_set, tmp_path):
    quiz = QuizFile.model_validate_json((class_set / "set" / "quiz.json").read_text())
    key = KeyFile.model_validate_json((class_set / "set" / "key.json").read_text())
    recorded = RosterFile.model_validate_json((class_set / "set" / "roster.json").read_text())
    subs, _ = simulate_class(quiz, key, roster=recorded)
    subs = subs[:37]  # st038..st040 hand nothing in
    other = next(v.variant_id for v in quiz.variants if v.variant_id != subs[0]["variant_id"])
    wrong = {**subs[0], "variant_id": other,
             "responses": {q.id: None for v in quiz.variants if v.variant_id == other for q in v.questions}}
    stranger = {**subs[1], "student": {"id": "zz999", "name": "Not Listed"}}
    folder = tmp_path / "subs"
    folder.mkdir()
    for i, sub in enumerate([wrong, *subs[1:], stranger]):
        (folder / f"{i}.json").write_text(json.dumps(sub))
    for layout in ("default", "canvas", "moodle"):
        result = runner.invoke(app, ["grade", str(class_set / "set"), str(folder), "--out", str(tmp_path / layout),
                                     "--layout", layout, "--feedback", "none"])
        assert result.exit_code == 0, result.output
        assert "3 student(s) on the roster handed nothing in" in result.output
        rows = list(csv.reader(io.StringIO((tmp_path / layout / "gradebook.csv").read_text())))
        if layout == "canvas":
            assert rows[0][-1] == "Notes"
            absent = [r for r in rows if r[0] == "Student 40"]
            assert absent == [["Student 40", "1040", "SIS40", "login40", "B", "", "no submission"]]
            first = next(r for r in rows if r[2] == "SIS1")
            assert first[1] == "1001" and first[3] == "login1" and "roster assigned" in first[-1]
            assert next(r for r in rows if r[0] == "Not Listed")[-1].startswith("not on the roster")
        elif layout == "moodle":
            assert rows[0][-1] == "Feedback"
            assert ["ID40", "Student 40", "", "no submission"] in rows
        else:
            by_id = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
            assert by_id["st040"]["status"] == "missing" and by_id["st040"]["score"] == ""
            assert by_id["st039"]["section"] == "A"
            # a copy of st002's file under another id: off the roster, unsealed, and the same answers as st002
            assert by_id["zz999"]["flags"] == "not on the roster; submitted without a seal; same answers as st002"
    problems = (tmp_path / "default" / "problems.csv").read_text()
    assert problems.count("missing_student") == 3 and "wrong_variant" in problems and "not_on_roster" in problems


def test_a_roster_without_ids_or_with_a_twice_listed_student_is_refused(tmp_path):
    (tmp_path / "a.csv").write_text("name,section\nAnn,A\n")
    with pytest.raises(RosterError, match=r"a.csv: the roster needs an 'id' column, or the columns of a Canvas or Moodle export \(found: name, section\)"):
        read_roster_csv(tmp_path / "a.csv")
    (tmp_path / "b.csv").write_text("id,name\ns1,Ann\ns1,Bob\n")
    with pytest.raises(RosterError, match=r"b.csv:3: student 's1' is listed twice \(first on line 2\)"):
        read_roster_csv(tmp_path / "b.csv")
    for bad in ("s" * 201, "s1\x07"):  # an id becomes part of file names and links: kept short and printable
        (tmp_path / "c.csv").write_text(f"id,name\ns0,Ann\n{bad},Bob\n")
        with pytest.raises(RosterError, match=r"c.csv:3: the student id is over 200 characters or holds control "
                                              "characters"):
            read_roster_csv(tmp_path / "c.csv")
    result = runner.invoke(app, ["generate", "-c", "history", "--n", "3", "--seed", "1", "--roster",
                                 str(tmp_path / "b.csv"), "--out", str(tmp_path / "set")])
    assert result.exit_code == 1 and "is listed twice" in result.output and not (tmp_path / "set").exists()


def test_grade_refuses_a_key_whose_answer_is_not_an_option(class_set, tmp_path):
    key = KeyFile.model_validate_json((class_set / "set" / "key.json").read_text())
    single = next(k for k in key.keys if k.key.kind == "choice")
    broken = key.model_copy(update={"keys": [k.model_copy(update={"key": k.key.model_copy(update={"correct": "cXX"})})
                                             if k.id == single.id else k for k in key.keys]})
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "quiz.json").write_text((class_set / "set" / "quiz.json").read_text())
    (tmp_path / "set" / "key.json").write_text(dump(broken))
    result = runner.invoke(app, ["grade", str(tmp_path / "set"), str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert (f"error: key.json does not fit the quiz (export refuses it too):\n  {single.id}: the correct choice "
            "'cXX' is not an option") in result.output
    assert not (tmp_path / "out").exists()


def test_calibrate_writes_measured_difficulty_that_generate_uses(tmp_path):
    result = runner.invoke(app, ["generate", "-c", "history", "--n", "5", "--seed", "c", "--salt", "s",
                                 "--out", str(tmp_path / "set")])
    assert result.exit_code == 0, result.output
    quiz = QuizFile.model_validate_json((tmp_path / "set" / "quiz.json").read_text())
    key = KeyFile.model_validate_json((tmp_path / "set" / "key.json").read_text())
    subs, _ = simulate_class(quiz, key, 30, seed=2)
    (tmp_path / "subs.jsonl").write_text("\n".join(json.dumps(s) for s in subs) + "\n")
    assert runner.invoke(app, ["grade", str(tmp_path / "set"), str(tmp_path / "subs.jsonl"), "--out",
                               str(tmp_path / "grades"), "--feedback", "none"]).exit_code == 0
    result = runner.invoke(app, ["calibrate", str(tmp_path / "grades"), "--out", str(tmp_path / "cal.json")])
    assert result.exit_code == 0 and "measured difficulty of 5 of the 5 item(s) these classes answered" in result.output
    data = json.loads((tmp_path / "cal.json").read_text())
    rows = list(csv.DictReader(io.StringIO((tmp_path / "grades" / "item-analysis.csv").read_text())))
    for row in rows:
        assert data["difficulty"][row["bank_item"]] == pytest.approx(1 - float(row["facility"]), abs=1e-4)
    again = runner.invoke(app, ["generate", "-c", "history", "--n", "5", "--seed", "c", "--salt", "s",
                                "--calibration", str(tmp_path / "cal.json"), "--out", str(tmp_path / "cal-set")])
    assert again.exit_code == 0, again.output
    calibrated = KeyFile.model_validate_json((tmp_path / "cal-set" / "key.json").read_text())
    for k in calibrated.keys:
        if k.item_id in data["difficulty"]:
            assert calibrated.difficulty[k.id] == pytest.approx(data["difficulty"][k.item_id])
    bad = runner.invoke(app, ["calibrate", str(tmp_path / "nowhere")])
    assert bad.exit_code == 1 and f"{tmp_path / 'nowhere' / 'item-analysis.csv'}: cannot read it" in bad.output
