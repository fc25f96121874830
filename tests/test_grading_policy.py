"""Grading policy: decisions (drop, credit, accept, override) reproducible from a file, deadlines, the
submitted copy kept over later autosaves, mistyped ids, identical answers, offline-file flags."""

import csv
import io
import json
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from afcourse.cli import app
from afcourse.grading.decisions import Decision, parse_option, read_decisions
from afcourse.grading.pipeline import grade
from afcourse.grading.policy import parse_deadline
from afcourse.grading.results import GradingError
from afcourse.quiz.models import RosterEntry, RosterFile
from afcourse.quiz.roster import write_roster
from afcourse.quiz.sealing import content_hash
from test_grading_input import RIGHT, quiz_dir, sub  # noqa: F401  (quiz_dir is a fixture)

runner = CliRunner()


def points(result):
    return {s.student_id: s.points for s in result.students}


def test_drop_credit_accept_and_override_change_only_what_they_name(quiz_dir):  # noqa: F811
    wrong_year = {**RIGHT, "sc": "y1"}                       # Q1: 2017 instead of 2016
    typo = {**RIGHT, "sa": "Kabulow Zamir", "nu": 1990}      # Q4 and Q5 wrong
    subs = [sub("a"), sub("b", responses=wrong_year), sub("c", responses=typo)]
    before = points(grade(quiz_dir, subs))
    assert before == {"a": 8, "b": 7, "c": 6}
    decisions = [Decision("accept", "Q1", answer="B"), Decision("drop", "Q5", reason="two defensible years"),
                 Decision("override", "Q4", student="c", points=0.5, reason="read on paper")]
    after = grade(quiz_dir, subs, decisions=decisions)
    assert points(after) == {"a": 7, "b": 7, "c": 6.5}
    assert {s.student_id: s.max_points for s in after.students} == {"a": 7, "b": 7, "c": 7}
    c = next(s for s in after.students if s.student_id == "c")
    assert "mark set by the instructor" in c.flags
    assert [s.detail for s in c.scores if s.item_id == "sa"] == ["mark set by the instructor: read on paper"]
    credit = grade(quiz_dir, subs, decisions=[Decision("credit", "Q5")])
    assert points(credit) == {"a": 8, "b": 7, "c": 7}
    dropped = next(i for i in after.items if i.item_id == "nu")
    assert dropped.flag_codes == ["dropped"]


def test_accept_reads_option_text_and_short_answers_as_the_key_does(quiz_dir):  # noqa: F811
    subs = [sub("b", responses={**RIGHT, "sc": "y1", "sa2": "the talibs"})]
    result = grade(quiz_dir, subs, decisions=[parse_option("accept", "Q1=2017"), parse_option("accept", "Q8=Talibs")])
    assert points(result) == {"b": 8}
    with pytest.raises(GradingError, match=r"--accept Q1=1999: no such option \(the options: A. 2016; B. 2017"):
        grade(quiz_dir, subs, decisions=[parse_option("accept", "Q1=1999")])
    with pytest.raises(GradingError, match="no question 'Q99'"):
        grade(quiz_dir, subs, decisions=[Decision("drop", "Q99")])
    with pytest.raises(GradingError, match="use --credit or --override"):
        grade(quiz_dir, subs, decisions=[parse_option("accept", "Q6=ABCD")])


def test_decisions_are_recorded_in_the_report_and_reproduced_from_the_file(quiz_dir, tmp_path):  # noqa: F811
    folder = tmp_path / "subs"
    folder.mkdir()
    for s in [sub("a"), sub("b", responses={**RIGHT, "sc": "y1"}), sub("c", responses={**RIGHT, "nu": 1990})]:
        (folder / f"{s['student']['id']}.jsonl").write_text(json.dumps(s) + "\n")
    first = runner.invoke(app, ["grade", str(quiz_dir), str(folder), "--out", str(tmp_path / "g1"),
                                "--accept", "Q1=B", "--drop", "Q5", "--override", "c:Q4=0.5"])
    assert first.exit_code == 0, first.output
    assert "decision: Q5 dropped: it counts for nobody" in first.output
    report = (tmp_path / "g1" / "report.html").read_text()
    assert "Decisions applied" in report and "Q1: also accepted &#x27;B&#x27;" in report
    recorded = read_decisions(tmp_path / "g1" / "decisions.yaml")
    assert recorded == [Decision("drop", "Q5"), Decision("accept", "Q1", answer="B"),
                        Decision("override", "Q4", student="c", points=0.5)]
    again = runner.invoke(app, ["grade", str(quiz_dir), str(folder), "--out", str(tmp_path / "g2"),
                                "--decisions", str(tmp_path / "g1" / "decisions.yaml")])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "g1" / "gradebook.csv").read_text() == (tmp_path / "g2" / "gradebook.csv").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text("- action: override\n  question: Q4\n")
    out = runner.invoke(app, ["grade", str(quiz_dir), str(folder), "--out", str(tmp_path / "g3"),
                              "--decisions", str(bad)])
    assert out.exit_code == 1 and "bad.yaml: decision 1: an override needs 'student'" in out.output


def test_deadline_flags_late_work_and_takes_the_penalty_per_started_day(quiz_dir):  # noqa: F811
    subs = [sub("a", saved_at="2026-11-07T09:59:00Z"), sub("b", saved_at="2026-11-07T12:00:00+00:00"),
            sub("c", saved_at="2026-11-09T10:30:00Z"), sub("d")]
    result = grade(quiz_dir, subs, deadline=parse_deadline("2026-11-07T10:00"), late_penalty=10)
    by = {s.student_id: s for s in result.students}
    assert by["a"].points == 8 and not by["a"].flags
    assert by["b"].points == 7.2 and by["b"].flags == ["late by 2 h: -10% (0.8 point(s))"]
    assert by["c"].points == 5.6 and by["c"].flags[0].startswith("late by 2 d 30 min: -30%")  # 3 started days
    assert by["d"].flags == ["no saved time: lateness unknown"] and by["d"].points == 8
    assert result.policy == {"deadline": "2026-11-07T10:00:00+00:00", "late_penalty": 10}
    with pytest.raises(GradingError, match="a late penalty needs a deadline"):
        grade(quiz_dir, subs, late_penalty=10)


def test_a_later_autosave_never_replaces_the_submitted_file(quiz_dir, tmp_path):  # noqa: F811
    submitted = sub("a", saved_at="2026-11-07T09:50:00Z", status="submitted")
    autosave = sub("a", responses={**RIGHT, "sc": "y3"}, saved_at="2026-11-07T11:00:00Z", status="in_progress")
    (tmp_path / "a-final.json").write_text(json.dumps({**submitted, "content_hash": content_hash(submitted)}))
    (tmp_path / "a-later.json").write_text(json.dumps(autosave))
    result = grade(quiz_dir, [tmp_path / "a-final.json", tmp_path / "a-later.json"])
    (student,) = result.students
    assert student.points == 8 and student.status == "submitted"
    assert student.flags == ["2 files claim this student, the submitted one kept"]
    (problem,) = [p for p in result.problems if p.kind == "autosave_after_submit"]
    assert problem.source.endswith("a-later.json") and "it is the submitted copy" in problem.message


def test_a_mistyped_id_is_matched_to_the_nearest_roster_id(quiz_dir, tmp_path):  # noqa: F811
    roster = RosterFile(quiz_id="rules-quiz", students=[
        RosterEntry(id="s2300199", name="John Smith", variant_id="v001"),
        RosterEntry(id="s2300200", name="Ada Okafor", variant_id="v001"),
        RosterEntry(id="s2400555", name="Far Away", variant_id="v001")])
    write_roster(roster, quiz_dir)
    result = grade(quiz_dir, [sub("s230199"), sub("s2300200"), sub("x9")])
    ids = sorted(s.student_id for s in result.students)
    assert ids == ["s2300199", "s2300200", "x9"]
    smith = next(s for s in result.students if s.student_id == "s2300199")
    assert smith.flags[0] == "typed id 's230199', matched to 's2300199'"
    matched = [p for p in result.problems if p.kind == "id_matched"]
    assert len(matched) == 1 and "nearest roster id 's2300199' (John Smith)" in matched[0].message
    assert [p.student_id for p in result.problems if p.kind == "not_on_roster"] == ["x9"]
    assert [e.id for e in result.missing] == ["s2400555"]


def test_identical_answers_with_shared_wrong_ones_are_flagged(quiz_dir):  # noqa: F811
    shared = {**RIGHT, "sc": "y2", "nu": 1979, "sa": "Lavrov"}
    result = grade(quiz_dir, [sub("a", responses=shared), sub("b", responses=dict(shared)), sub("c"), sub("d"),
                              sub("e", variant="v002", responses=dict(shared))])
    flagged = {p.student_id for p in result.problems if p.kind == "identical_answers"}
    assert flagged == {"a", "b"}  # all-right c and d share nothing suspicious; e had another variant
    assert "same answers as b" in next(s for s in result.students if s.student_id == "a").flags


def test_offline_files_unsealed_or_from_the_future_are_flagged(quiz_dir, tmp_path):  # noqa: F811
    sealed = sub("a", saved_at="2026-11-07T09:00:00Z")
    sealed["content_hash"] = content_hash(sealed)
    (tmp_path / "a.json").write_text(json.dumps(sealed))
    (tmp_path / "b.json").write_text(json.dumps(sub("b", saved_at="2026-11-07T09:00:00Z")))
    future = sub("c", saved_at="2099-01-01T00:00:00Z")
    future["content_hash"] = content_hash(future)
    (tmp_path / "c.json").write_text(json.dumps(future))
    result = grade(quiz_dir, [tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"],
                   deadline=parse_deadline("2026-11-07T10:00Z"))
    flags = {s.student_id: s.flags for s in result.students}
    assert flags["a"] == [] and flags["b"] == ["submitted without a seal"]
    assert flags["c"][0] == "saved_at in the future" and flags["c"][1].startswith("late by")
    kinds = sorted(p.kind for p in result.problems)
    assert kinds == ["future_time", "late", "unsealed"]


def test_command_line_decision_syntax_is_checked():
    assert parse_option("override", "s1:Q4=0,5") == Decision("override", "Q4", student="s1", points=0.5)
    with pytest.raises(GradingError, match="--override expects STUDENT:QUESTION=POINTS"):
        parse_option("override", "s1=Q4")
    with pytest.raises(GradingError, match="--accept expects QUESTION=ANSWER"):
        parse_option("accept", "Q4")
    with pytest.raises(GradingError, match="--deadline 'tomorrow'"):
        parse_deadline("tomorrow")


def test_feedback_says_why_the_option_picked_is_wrong(tmp_path):
    from afcourse.quiz.sets import write_quiz_set
    from test_grading_kit import scoring_quiz

    quiz, key = scoring_quiz()
    keys = [k.model_copy(update={"feedback": {"y1": "2017 saw the second round, not the first."}}) if k.id == "sc"
            else k for k in key.keys]
    write_quiz_set(quiz, key.model_copy(update={"keys": keys}), tmp_path / "quiz")
    grade(tmp_path / "quiz", [sub("a", responses={**RIGHT, "sc": "y1"}), sub("b")], tmp_path / "out")
    text = (tmp_path / "out" / "feedback" / "a.md").read_text()
    assert "- Why not 2017: 2017 saw the second round, not the first." in text
    assert "Why not" not in (tmp_path / "out" / "feedback" / "b.md").read_text()
    grade(tmp_path / "quiz", [sub("a", responses={**RIGHT, "sc": "y1"})], tmp_path / "html", feedback="html")
    assert "<dt>Why not 2017</dt><dd>2017 saw the second round, not the first.</dd>" in \
        (tmp_path / "html" / "feedback" / "a.html").read_text()


def test_a_letter_is_refused_for_a_slot_of_several_questions(tmp_path):
    from afcourse.quiz.models import QuizFile, Slot
    from afcourse.quiz.sets import write_quiz_set
    from test_grading_kit import scoring_quiz

    quiz, key = scoring_quiz()
    twin = quiz.variants[1].questions[0].model_copy(update={"id": "sc2"})
    variants = [quiz.variants[0], quiz.variants[1].model_copy(update={"questions": [twin, *quiz.variants[1].questions[1:]]})]
    slots = [Slot(number=1, type="single_choice", question_ids=["sc", "sc2"]), *quiz.slots[1:]]
    quiz = QuizFile.model_validate({**quiz.model_dump(by_alias=True), "slots": [s.model_dump() for s in slots],
                                    "variants": [v.model_dump() for v in variants]})
    key = key.model_copy(update={"keys": [*key.keys, next(k for k in key.keys if k.id == "sc").model_copy(
        update={"id": "sc2"})]})
    write_quiz_set(quiz, key, tmp_path / "quiz")
    with pytest.raises(GradingError, match=r"--accept Q1=B: Q1 holds 2 questions whose options differ; name one "
                                           r"\(Q1a, Q1b\)"):
        grade(tmp_path / "quiz", [sub("a")], decisions=[parse_option("accept", "Q1=B")])
    assert grade(tmp_path / "quiz", [sub("a", responses={**RIGHT, "sc": "y1"})],
                 decisions=[parse_option("accept", "Q1=2017")]).students[0].points == 8
