"""The quiz UI without a browser: loading, the controller, recording, the widget layer, the static HTML."""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from test_quizui_support import FINAL_SCORE, PLAN, QUIZ_DIR, VERDICT, copy_quiz, find_key_leaks, load_test_quiz

from afcourse.bank.models import Choice, Question
from afcourse.quiz.models import KeyFile, QuizFile, Submission, Variant
from afcourse.quizui.controller import AnswerError, QuizController, QuizStateError, clean_response, fmt_points
from afcourse.quizui.display import WIDGET_VIEW, QuizDisplay, show_quiz
from afcourse.quizui.loading import QuizLoadError, load_self_check, pick_variant
from afcourse.quizui.recording import RecordingError, SubmissionStore
from afcourse.quiz.scoring import score

MINIFACTS = ROOT / "tests" / "data" / "minifacts"


@pytest.fixture(autouse=True)
def _in_scratch_folder(tmp_path, monkeypatch):
    """show_quiz keeps a self-check's state in the working folder: never the repository's."""
    monkeypatch.chdir(tmp_path)


def self_check() -> QuizController:
    return QuizController(load_self_check(QUIZ_DIR), mode="self-check")


def assessment(path: Path, quiz_dir: Path = QUIZ_DIR, student: str = "s-042") -> QuizDisplay:
    return show_quiz(quiz_dir, mode="assessment", student_id=student, name="Test Student", save_to=path)


# ---- finding the quiz ------------------------------------------------------------------------
def test_chapter_id_uses_the_committed_set(tmp_path):
    copy_quiz(tmp_path, "taliban")
    bundle = load_self_check("taliban", quizzes_dir=tmp_path)
    quiz, key = load_test_quiz()
    assert bundle.quiz == quiz and bundle.key == key
    assert bundle.sources["aliyev-2020"].author == "Nurlan Aliyev"


def test_chapter_without_committed_set_is_generated_with_the_default_seed(tmp_path, monkeypatch):
    from afcourse.quiz import sets as quizset
    from afcourse.facts.factbase import load_facts
    from afcourse.bank.generate import build_bank
    from afcourse.quiz.sets import default_quiz_set

    monkeypatch.setattr(quizset, "DEFAULT_ITEMS", 4)  # the small test fact base has few facts per chapter

    bundle = load_self_check("taliban", quizzes_dir=tmp_path, facts_dir=MINIFACTS)
    base = load_facts(MINIFACTS)
    quiz, key = default_quiz_set(build_bank(base), "taliban", f"Self-check: {base.chapters['taliban'].title}", base)
    assert bundle.quiz == quiz and bundle.key == key
    assert bundle.key.seed == "taliban-self-check"


def test_unknown_chapter_and_missing_key_say_what_to_do(tmp_path):
    with pytest.raises(QuizLoadError, match="unknown chapter 'nowhere'.*known: history"):
        load_self_check("nowhere", quizzes_dir=tmp_path, facts_dir=MINIFACTS)
    student_only = copy_quiz(tmp_path, "graded", with_key=False)
    with pytest.raises(QuizLoadError, match="no key.json.*mode='assessment'"):
        load_self_check(student_only)
    with pytest.raises(QuizLoadError, match="no quiz at"):
        load_self_check(tmp_path / "absent-folder")


def test_quiz_and_key_objects():
    quiz, key = load_test_quiz()
    display = show_quiz(quiz, key)
    assert display.controller.bundle.key == key
    with pytest.raises(QuizLoadError, match="needs its KeyFile"):
        show_quiz(quiz)
    other = key.model_copy(update={"quiz_id": "another"})
    with pytest.raises(QuizLoadError, match="belongs to quiz 'another'"):
        show_quiz(quiz, other)


def test_assessment_never_opens_the_key(tmp_path, monkeypatch):
    folder = copy_quiz(tmp_path, "graded", with_key=True)  # the key is even there: it must stay unread
    opened: list[str] = []
    real_open, real_read = builtins.open, Path.read_text

    def spy_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_read(self, *args, **kwargs):
        opened.append(str(self))
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(Path, "read_text", spy_read)
    monkeypatch.setattr(KeyFile, "model_validate_json", classmethod(lambda *a, **k: pytest.fail("key parsed")))
    display = assessment(tmp_path / "sub.json", folder)
    display.widget()
    html = display.html()
    assert not any(path.endswith("key.json") for path in opened), opened
    assert display.controller.bundle.key is None and display.controller._keys == {}
    monkeypatch.undo()
    quiz, key = load_test_quiz()
    assert find_key_leaks(html, quiz, key) == []
    with pytest.raises(QuizStateError):
        display.controller.check(PLAN[0].item_id)


def test_variant_choice():
    quiz, _ = load_test_quiz()
    first = quiz.variants[0]
    many = quiz.model_copy(update={"variants": [first.model_copy(update={"variant_id": f"v{i:03d}"})
                                                for i in range(1, 4)]})
    assert pick_variant(many, "v002").variant_id == "v002"
    assert pick_variant(many, 3).variant_id == "v003"
    chosen = {pick_variant(many, student_id=f"s{i}").variant_id for i in range(30)}
    assert len(chosen) == 3  # students are spread over the variants
    assert pick_variant(many, student_id="s7") == pick_variant(many, student_id="s7")
    with pytest.raises(QuizLoadError, match="no variant 'v009'"):
        pick_variant(many, "v009")


# ---- the controller ------------------------------------------------------------------------
def test_plan_grades_as_the_instructor_does():
    c = self_check()
    quiz, key = load_test_quiz()
    keys = {k.id: k for k in key.keys}
    for step in PLAN:
        c.answer(step.item_id, step.response)
        feedback = c.check(step.item_id)
        expected = score(c.question(step.item_id), keys[step.item_id].key, c.response(step.item_id), quiz.scoring)
        assert (feedback.status, feedback.points) == (expected.status, expected.points) == (step.status, step.points)
        assert feedback.detail == step.detail
        assert feedback.verdict.startswith(VERDICT[step.status])
        if step.status == "correct":  # revealed at once, with the right answer named
            assert feedback.revealed and "The right answer:" in feedback.verdict
            assert feedback.explanation == keys[step.item_id].explanation
            assert feedback.citations and all(", \u00b6" in c for c in feedback.citations)
        else:  # a first wrong attempt: where to reread, nothing that gives the answer away
            assert not feedback.revealed and not feedback.explanation and not feedback.citations
            assert "The right answer" not in feedback.verdict
            assert feedback.hint.startswith("Reread chapter ") and ", section \u201c" in feedback.hint
            assert "\u00b6" not in feedback.hint  # a paragraph's citation could name the answer
    assert c.score() == (3.6, 8.0, 8)
    numeric = PLAN[0]
    with pytest.raises(QuizStateError, match="Try again"):
        c.answer(numeric.item_id, "2019")
    c.try_again(numeric.item_id)
    assert c.score() == (3.6, 8.0, 8)  # the first attempt stays scored
    c.answer(numeric.item_id, numeric.retry_label)
    second = c.check(numeric.item_id)
    assert second.verdict == "Correct (1 of 1 point). The right answer: 2019." and second.explanation
    assert second.practice == ("Practice attempt, not scored: your score keeps your first attempt "
                               "(0 of 1 point).")
    assert c.score_text() == FINAL_SCORE
    shown = c.show_answer("d-began:versions-matching")  # a partly right matching, revealed on request
    assert shown.revealed and shown.verdict.startswith("Partly correct (0.5 of 1 point). The right answer: ")
    assert "Aliyev 2020, \u00b629" in shown.citations
    assert c.score() == (3.6, 8.0, 8) and c.is_locked("d-began:versions-matching")
    with pytest.raises(QuizStateError, match="has been shown"):
        c.try_again("d-began:versions-matching")


def test_unanswered_and_invalid_checks_neither_lock_nor_count():
    c = self_check()
    first = c.questions[0].id
    feedback = c.check(first)
    assert feedback.status == "unanswered" and not feedback.explanation and not feedback.citations
    assert not c.is_locked(first) and c.score() == (0, 8.0, 0)
    numeric = next(q.id for q in c.questions if q.type == "numeric")
    with pytest.raises(AnswerError, match="in digits"):
        c.answer(numeric, "about twenty")
    assert c.response(numeric) is None  # refused at entry: nothing recorded
    feedback = c.check(numeric)  # Check repeats why the entry was refused, not "No answer yet"
    assert feedback.status == "unanswered" and not c.is_locked(numeric) and c.score()[2] == 0
    assert feedback.entry and "in digits" in feedback.verdict


def test_clean_response_turns_control_values_into_responses():
    quiz, _ = load_test_quiz()
    q = {x.type: x for x in quiz.variants[0].questions}
    assert clean_response(q["numeric"], " 1,234.5 ") == 1234.5
    assert clean_response(q["numeric"], "") is None
    with pytest.raises(AnswerError, match="in digits"):
        clean_response(q["numeric"], "soon")
    with pytest.raises(AnswerError):
        clean_response(q["numeric"], float("nan"))
    assert clean_response(q["short_answer"], " \t ") is None  # only whitespace: no answer
    assert clean_response(q["ordering"], None) is None
    assert clean_response(q["multiple_select"], ["c0b77881", "c90a6d53"]) == ["c90a6d53", "c0b77881"]  # screen order
    assert clean_response(q["matching"], {"cd8617d1": "", "c702d1db": "cd13c24e"}) == {"c702d1db": "cd13c24e"}
    with pytest.raises(ValueError):
        clean_response(q["true_false"], "not-an-option")
    with pytest.raises(ValueError):
        clean_response(q["ordering"], ["cb220c6f"])
    assert fmt_points(0.3333) == "0.33" and fmt_points(2.0) == "2" and fmt_points(2.5) == "2.5"


# ---- recording -----------------------------------------------------------------------------
def read_submission(path: Path) -> Submission:
    return Submission.model_validate_json(path.read_text(encoding="utf-8"))


def test_every_answer_is_saved_and_restored_after_a_restart(tmp_path):
    path = tmp_path / "out" / "submission.json"
    c = assessment(path).controller
    assert read_submission(path).status == "in_progress"  # created at once: a bad path fails early
    for step in PLAN:
        c.answer(step.item_id, step.response)
        saved = read_submission(path)
        assert saved.responses[step.item_id] == c.response(step.item_id)
    assert saved.quiz_id == c.quiz_id and saved.student.id == "s-042" and saved.student.name == "Test Student"
    assert "explanation" not in path.read_text(encoding="utf-8")
    # a kernel restart: a new controller from the same file has every answer back
    again = assessment(path).controller
    assert again.responses == c.responses and again.status == "in_progress"
    submitted = again.submit()
    assert submitted.status == "submitted" and read_submission(path).status == "submitted"
    with pytest.raises(QuizStateError, match="submitted"):
        again.answer(PLAN[3].item_id, "c8d7d539")
    final = assessment(path).controller
    assert final.submitted and all(final.is_locked(q.id) for q in final.questions)
    assert final.responses == c.responses
    with pytest.raises(QuizStateError, match="already been submitted"):
        final.submit()


def test_a_failed_save_keeps_the_last_file_and_the_answers(tmp_path, monkeypatch):
    path = tmp_path / "submission.json"
    c = assessment(path).controller
    c.answer(PLAN[3].item_id, PLAN[3].response)
    before = path.read_text(encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    c.answer(PLAN[4].item_id, PLAN[4].response)
    assert path.read_text(encoding="utf-8") == before
    assert c.response(PLAN[4].item_id) == PLAN[4].response
    assert "No space left on device" in c.status_text()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    c.answer(PLAN[6].item_id, PLAN[6].response)
    saved = read_submission(path)
    assert saved.responses[PLAN[4].item_id] == PLAN[4].response and c.save_error is None


def test_a_foreign_file_at_save_to_is_never_overwritten(tmp_path):
    notes = tmp_path / "notes.json"
    notes.write_text('{"my": "notes"}', encoding="utf-8")
    with pytest.raises(RecordingError, match="not a readable submission.*left untouched"):
        assessment(notes)
    assert notes.read_text(encoding="utf-8") == '{"my": "notes"}'
    mine = tmp_path / "mine.json"
    assessment(mine, student="alice")
    with pytest.raises(RecordingError, match="student 'alice', not 'bob'"):
        assessment(mine, student="bob")
    other_quiz = QuizFile.model_validate_json((QUIZ_DIR / "quiz.json").read_text()).model_copy(update={"quiz_id": "x"})
    with pytest.raises(RecordingError, match="quiz .*interests"):
        SubmissionStore(mine, other_quiz.quiz_id, read_submission(mine).student).load()


def test_show_quiz_argument_errors(tmp_path):
    quiz, key = load_test_quiz()
    with pytest.raises(ValueError, match="needs student_id"):
        show_quiz(QUIZ_DIR, mode="assessment")
    with pytest.raises(ValueError, match="quiz.json only"):
        show_quiz(quiz, key, mode="assessment", student_id="s1")
    with pytest.raises(ValueError, match="records nothing for grading"):
        show_quiz(QUIZ_DIR, student_id="s1")
    with pytest.raises(ValueError, match="mode must be"):
        show_quiz(QUIZ_DIR, mode="exam")


# ---- the display object and the widget layer -------------------------------------------------
def test_one_object_gives_the_widget_and_the_static_html():
    display = show_quiz(QUIZ_DIR)
    bundle = display._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", WIDGET_VIEW}
    assert bundle[WIDGET_VIEW]["model_id"] == display.widget().root.model_id
    assert 'class="afq"' in bundle["text/html"] and "afcourseQuiz" in bundle["text/html"]
    assert display._repr_mimebundle_()[WIDGET_VIEW] == bundle[WIDGET_VIEW]  # the same widget each time


def test_importing_afcourse_stays_light():
    code = ("import sys, afcourse; assert callable(afcourse.show_quiz); "
            "print(sorted(m for m in ('ipywidgets', 'IPython', 'afcourse.quizui.widget') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def widget_answer(view, step, value, labels):
    """Operate the step's controls as a person would (setting widget values, pressing buttons)."""
    if step.type in ("single_choice", "true_false"):
        view.control.value = value
    elif step.type == "multiple_select":
        for box, choice in zip(view.boxes, view.question.choices):
            box.value = choice.id in value
    elif step.type in ("short_answer", "numeric"):
        view.control.value = labels
    elif step.type == "ordering":
        for text, direction in step.moves:
            _row, _label, up, down = next(row for row in view.rows if row[2].tooltip == f"Move up: {text}")
            (up if direction == "up" else down).click()
    elif step.type == "matching":
        for pid, cid in value.items():
            view.dropdowns[pid].value = cid


def test_widget_self_check_follows_the_plan():
    display = show_quiz(QUIZ_DIR)
    quiz_widget = display.widget()
    for step in PLAN:
        view = quiz_widget.views[step.item_id]
        widget_answer(view, step, step.response, step.labels)
        assert display.controller.response(step.item_id) == clean_response(view.question, step.response)
        view.check_button.click()
        html = view.feedback.value
        assert VERDICT[step.status] in html
        if step.status == "correct":
            assert "Source" in html and ", \u00b6" in html and "The right answer:" in html
        else:
            assert "Reread chapter" in html and "Source" not in html
        assert all(control.disabled for control in view.inputs) and view.check_button.disabled
    assert "3.6 of 8 points on first attempts" in quiz_widget.summary.value
    numeric = quiz_widget.views[PLAN[0].item_id]
    numeric.retry_button.click()
    assert not numeric.control.disabled and numeric.feedback.value == ""
    numeric.control.value = PLAN[0].retry_label
    numeric.check_button.click()
    assert "Correct (1 of 1 point). The right answer: 2019." in numeric.feedback.value
    assert FINAL_SCORE in quiz_widget.summary.value
    order_view = quiz_widget.views[PLAN[1].item_id]
    first_row = order_view.control.children[0]
    assert "The first test meeting" in first_row.children[0].value


def test_widget_escapes_text():
    nasty = "<img src=x onerror=alert(1)> & \"quotes\""
    q = Question(id="q1", type="single_choice", stem=nasty, chapter="history",
                 choices=[Choice(id="a", text="<b>bold</b>"), Choice(id="b", text="plain")])
    quiz = QuizFile(quiz_id="esc", title=nasty, chapters=["history"],
                    variants=[Variant(variant_id="v001", questions=[q])])
    key = KeyFile(quiz_id="esc", seed="1", keys=[{"id": "q1", "key": {"kind": "choice", "correct": "a"}, "explanation": nasty,
                                       "citations": [{"source": "aliyev-2020", "paragraph": 3}], "fact_ids": []}])
    display = show_quiz(quiz, key)
    w = display.widget()
    view = w.views["q1"]
    view.control.value = "a"
    view.check_button.click()
    for html in (view.feedback.value, w.root.children[0].value):
        assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    page = display.html()
    assert "<img" not in page.split('<script type="application/json"')[0]


def test_widget_assessment_saves_submits_and_restores(tmp_path):
    path = tmp_path / "submission.json"
    display = assessment(path)
    quiz_widget = display.widget()
    assert not hasattr(next(iter(quiz_widget.views.values())), "check_button")
    for step in PLAN:
        widget_answer(quiz_widget.views[step.item_id], step, step.response, step.labels)
    saved = read_submission(path)
    expected = {s.item_id: clean_response(display.controller.question(s.item_id), s.response) for s in PLAN}
    assert saved.responses == expected and saved.status == "in_progress"
    assert "Saved to" in quiz_widget.summary.value and "8 of 8 answered" in quiz_widget.summary.value
    # restart before submitting: a new display shows the saved answers in the controls
    restored = assessment(path).widget()
    assert restored.views["e-first:participant-choice"].control.value == "c90a6d53"
    assert restored.views["p-echo:role-short"].control.value == "Edward Ecko"
    assert restored.views["e-fourth:year-numeric"].control.value == "2018"
    assert [b.value for b in restored.views["o-club:members-multi"].boxes] == [True, True, False, True, False]
    assert restored.views["d-began:versions-matching"].dropdowns["c702d1db"].value == "cd13c24e"
    assert "The first test meeting" in restored.views["events-ordering:b658392791"].control.children[0].children[0].value
    restored.submit_button.click()  # asks first
    assert read_submission(path).status == "in_progress" and "Submit now" == restored.confirm_button.description
    restored.confirm_button.click()
    assert read_submission(path).status == "submitted"
    assert restored.submit_button.disabled and "Submitted" in restored.summary.value
    assert all(c.disabled for v in restored.views.values() for c in v.inputs)
    # the old widget (another view of the same file) cannot change the submitted file
    final = assessment(path).widget()
    assert all(c.disabled for v in final.views.values() for c in v.inputs) and final.submit_button.disabled


# ---- the static HTML -------------------------------------------------------------------------
def test_static_html_is_self_contained_and_escaped():
    from lxml import html as lxml_html

    from afcourse.quizui.static import payload, static_html

    nasty = "</script><script>alert(1)</script> & \u2028"
    q = Question(id="q1", type="short_answer", stem=nasty, chapter="history")
    quiz = QuizFile(quiz_id="esc", title="T", chapters=["history"],
                    variants=[Variant(variant_id="v001", questions=[q])])
    key = KeyFile(quiz_id="esc", seed="1", keys=[{"id": "q1", "key": {"kind": "text", "accepted": [nasty]}, "explanation": nasty,
                                       "citations": [{"source": "aliyev-2020", "paragraph": 3}], "fact_ids": []}])
    bundle = load_self_check(quiz, key)
    page = static_html(bundle)
    assert page.count("<script") == 2 and page.count("</script>") == 2  # the data block and the code block only
    tree = lxml_html.fragment_fromstring(page, create_parent="div")
    data = json.loads(tree.xpath('//script[@class="afq-data"]')[0].text)
    assert data == json.loads(json.dumps(payload(bundle)))
    assert tree.xpath('//span[@class="afq-stem"]')[0].text == nasty
    assert "http://" not in page and "https://" not in page and " src=" not in page and "@import" not in page


# ---- the committed chapter sets and the quiz-page command ------------------------------------------
COMMITTED = sorted(p.parent.name for p in (ROOT / "quizzes").glob("*/quiz.json"))


def test_every_chapter_has_a_committed_self_check_set():
    from afcourse.facts.factbase import load_facts

    assert COMMITTED, "no committed quiz set in quizzes/"
    assert set(COMMITTED) <= set(load_facts(MINIFACTS).chapters)  # ids are chapter ids


@pytest.mark.parametrize("chapter", COMMITTED)
def test_committed_chapter_quiz_shows_in_both_views(chapter):
    display = show_quiz(chapter)
    assert display.controller.bundle.origin.endswith(f"quizzes/{chapter}")
    widget = display.widget()
    assert len(widget.views) == len(display.controller.questions) > 0
    page = display.html()
    assert page.count('<fieldset class="afq-q"') == len(widget.views)


def test_quiz_page_command_writes_a_standalone_page(tmp_path):
    from typer.testing import CliRunner

    from afcourse.cli import app

    out = tmp_path / "quiz.html"
    runner = CliRunner()
    result = runner.invoke(app, ["quiz-page", str(QUIZ_DIR), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and '<div class="afq"' in page and "https://" not in page
    again = runner.invoke(app, ["quiz-page", str(QUIZ_DIR), "--out", str(out)])
    assert again.exit_code == 1 and "already exists" in again.output
    graded = copy_quiz(tmp_path, "graded", with_key=False)
    refused = runner.invoke(app, ["quiz-page", str(graded), "--out", str(tmp_path / "g.html")])
    assert refused.exit_code == 1 and "no key.json" in refused.output and not (tmp_path / "g.html").exists()
    # a set with its key but not marked self-check (a graded quiz, say) is refused unless --self-check
    private = copy_quiz(tmp_path, "private", with_key=True)
    quiz_json = private / "quiz.json"
    quiz_json.write_text(quiz_json.read_text(encoding="utf-8").replace('"self_check": true', '"self_check": false'),
                         encoding="utf-8")
    kept = runner.invoke(app, ["quiz-page", str(private), "--out", str(tmp_path / "p.html")])
    assert kept.exit_code == 1 and "not marked as a self-check set" in kept.output and "--self-check" in kept.output
    assert not (tmp_path / "p.html").exists()
    allowed = runner.invoke(app, ["quiz-page", str(private), "--out", str(tmp_path / "p.html"), "--self-check"])
    assert allowed.exit_code == 0 and (tmp_path / "p.html").exists()
