"""Submitting a graded notebook quiz: the confirmation, untouched orderings, the strict-JSON file and its seal.

The writer is tested with hypothesis over arbitrary answers: whatever a student's
kernel hands it, the file it writes is strict JSON that the grader reads (or it
refuses with a message and writes nothing).
"""

import json
import math

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from test_quizui_support import PLAN, QUIZ_DIR, load_test_quiz

from afcourse.grading.pipeline import grade_submissions
from afcourse.quiz.models import Student
from afcourse.quiz.sealing import content_hash, seal_holds
from afcourse.quizui.controller import AnswerError, QuizController, answer_text, verdict
from afcourse.quizui.display import show_quiz
from afcourse.quizui.loading import load_self_check
from afcourse.quizui.recording import RecordingError, SubmissionStore


def strict_load(text: str):
    def refuse(name):
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def assessment(path, student="s-042"):
    return show_quiz(QUIZ_DIR, mode="assessment", student_id=student, save_to=path).controller


def test_the_confirmation_names_the_unanswered_questions_and_an_untouched_ordering(tmp_path):
    c = assessment(tmp_path / "sub.json")
    ordering = next(q.id for q in c.questions if q.type == "ordering")
    assert c.response(ordering) is None and 2 in c.unanswered()  # shown, but not answered
    c.answer(PLAN[0].item_id, "2019")
    assert c.unanswered() == [2, 3, 4, 5, 6, 7, 8]
    assert c.submit_prompt().startswith("7 of 8 questions have no answer yet: questions 2, 3, 4, 5, 6, 7 and 8.")
    c.confirm_order(ordering)
    assert c.response(ordering) == [ch.id for ch in c.question(ordering).choices] and 2 not in c.unanswered()
    for step in PLAN[2:]:
        c.answer(step.item_id, step.response)
    assert c.submit_prompt() == "Submit your answers to all 8 questions? Submitted answers are final."


def test_the_widget_submits_only_after_confirmation(tmp_path):
    path = tmp_path / "sub.json"
    quiz = show_quiz(QUIZ_DIR, mode="assessment", student_id="s-1", save_to=path).widget()
    quiz.submit_button.click()
    assert "8 of 8 questions have no answer yet" in quiz.confirm_text.value
    assert quiz.confirm_button.description == "Submit anyway" and quiz.confirm.layout.display is None
    quiz.cancel_button.click()
    assert quiz.confirm.layout.display == "none" and not quiz.controller.submitted
    quiz.submit_button.click()
    quiz.confirm_button.click()
    assert quiz.controller.submitted and json.loads(path.read_text())["status"] == "submitted"


def test_a_numeric_entry_the_quiz_cannot_read_is_refused_and_not_recorded(tmp_path):
    path = tmp_path / "sub.json"
    c = assessment(path)
    numeric = PLAN[0].item_id
    c.answer(numeric, "2019")
    for typed in ("nan", "Infinity", "eighteen seventy-seven"):
        with pytest.raises(AnswerError, match="in digits"):
            c.answer(numeric, typed)
        assert c.response(numeric) is None
        assert strict_load(path.read_text())["responses"][numeric] is None
    assert c.answer(numeric, "2,019") == 2019.0  # a year: the lone comma groups thousands


def test_the_widget_shows_why_an_entry_was_refused(tmp_path):
    quiz = show_quiz(QUIZ_DIR, mode="assessment", student_id="s-1", save_to=tmp_path / "s.json").widget()
    view = quiz.views[PLAN[0].item_id]
    view.control.value = "nan"
    assert "in digits" in view.feedback.value and 'role="alert"' in view.feedback.value
    view.control.value = "3,5"
    assert "Read as 3.5." in view.feedback.value and quiz.controller.response(view.qid) == 3.5  # shown as read
    assert "afq-w-message" not in view.feedback.value


def test_submit_seals_the_file_and_the_grader_reports_a_later_edit(tmp_path):
    path = tmp_path / "sub.json"
    c = assessment(path)
    for step in PLAN:
        c.answer(step.item_id, step.response)
    c.submit()
    data = strict_load(path.read_text())
    assert data["content_hash"].startswith("sha256:") and seal_holds(data) is True
    quiz, key = load_test_quiz()
    clean = grade_submissions(quiz, key, path, analyse=False)
    assert not clean.problems_of("changed_after_submission")
    data["responses"][PLAN[3].item_id] = "c5a6353e"  # the student changes an answer after Submit
    path.write_text(json.dumps(data, indent=4))
    edited = grade_submissions(quiz, key, path, analyse=False)
    (problem,) = edited.problems_of("changed_after_submission")
    assert problem.action == "graded" and problem.student_id == "s-042"
    assert "changed after submission" in edited.students[0].flags
    rewritten = dict(data, content_hash=content_hash(data))  # rewritten whole with a new hash: not detectable
    path.write_text(json.dumps(rewritten))
    assert not grade_submissions(quiz, key, path, analyse=False).problems_of("changed_after_submission")


def test_a_bare_nan_in_a_file_costs_that_answer_only(tmp_path):
    quiz, key = load_test_quiz()
    responses = {step.item_id: step.response for step in PLAN}
    text = json.dumps({"quiz_id": quiz.quiz_id, "variant_id": quiz.variants[0].variant_id,
                       "student": {"id": "s-9"}, "responses": {**responses, PLAN[0].item_id: float("nan")}})
    assert "NaN" in text  # what an older notebook quiz wrote
    (tmp_path / "one.json").write_text(text)
    (tmp_path / "lines.jsonl").write_text(text.replace("s-9", "s-10") + "\n")
    result = grade_submissions(quiz, key, tmp_path, analyse=False)
    assert sorted(s.student_id for s in result.students) == ["s-10", "s-9"]
    for student in result.students:
        statuses = {s.item_id: s.status for s in student.scores}
        assert statuses[PLAN[0].item_id] == "invalid"
        assert all(statuses[s.item_id] == s.status for s in PLAN[1:])
    # the same answers under two ids, one an unsealed file: flagged as such; the NaN costs one answer each
    assert {p.kind for p in result.problems} == {"invalid_answer", "identical_answers", "unsealed"}
    assert all("not a finite number" in p.message for p in result.problems if p.kind == "invalid_answer")


texts = st.text(st.characters(exclude_categories=()), max_size=20)  # lone surrogates included
responses = st.dictionaries(
    texts, st.none() | texts | st.floats() | st.lists(texts, max_size=3) | st.dictionaries(texts, texts, max_size=3),
    max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(responses=responses, student_id=st.text(min_size=1, max_size=12), name=st.none() | st.text(max_size=12),
       status=st.sampled_from(["in_progress", "submitted"]))
@example(responses={"q\ud800": "a\udc00b", "n": float("nan")}, student_id="s", name=None, status="submitted")
@example(responses={"q": ["\ud83d", "\ude00"], "t": "\ud83d\ude00"}, student_id="s", name=None, status="submitted")
def test_every_file_the_writer_writes_is_strict_json_the_grader_reads(tmp_path, responses, student_id, name, status):
    quiz, key = load_test_quiz()
    path = tmp_path / "sub.json"
    path.unlink(missing_ok=True)
    store = SubmissionStore(path, quiz.quiz_id, Student(id=student_id, name=name))
    finite = all(not isinstance(v, float) or math.isfinite(v) for v in responses.values())
    try:
        store.save(quiz.variants[0].variant_id, responses, status)
    except RecordingError as exc:
        assert not finite and "not a finite number" in str(exc) and not path.exists()
        return
    assert finite
    data = strict_load(path.read_bytes().decode("utf-8"))
    assert (seal_holds(data) is True) == (status == "submitted")
    result = grade_submissions(quiz, key, path, analyse=False)
    assert not result.problems_of("malformed") and not result.problems_of("changed_after_submission")
    assert len(result.students) == 1 and store.load() is not None


def test_every_revealed_verdict_names_the_right_answer():
    bundle = load_self_check(QUIZ_DIR)
    c = QuizController(bundle, mode="self-check")
    keys = {k.id: k.key for k in bundle.key.keys}
    tf = next(q for q in c.questions if q.type == "true_false")
    wrong = next(ch.id for ch in tf.choices if ch.id != keys[tf.id].correct)
    c.answer(tf.id, wrong)
    first = c.check(tf.id)
    assert first.verdict == "Not quite (0 of 1 point)." and first.hint and not first.explanation
    c.try_again(tf.id)
    second = c.check(tf.id)  # the second attempt reveals
    right = answer_text(tf, keys[tf.id])
    assert right in ("True", "False") and second.verdict == f"Incorrect (0 of 1 point). The right answer: {right}."
    assert second.explanation and second.citations
    for q in c.questions:
        if not c.is_revealed(q.id):
            shown = c.show_answer(q.id)
            assert shown.revealed and f"The right answer: {answer_text(q, keys[q.id])}" in shown.verdict
    assert verdict("unanswered", 0, 1, answer="1877") == "No answer given. The right answer: 1877."
