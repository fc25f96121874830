"""Self-check as a place to learn: first attempts scored, retries practice, per-option feedback,
hints that name a section (never the paragraph that names the answer), state kept across a
kernel restart, numbers shown as read, no Check lost to a late entry."""

from __future__ import annotations

import json
import time

import pytest
from test_quizui_support import PLAN, QUIZ_DIR, load_test_quiz

from afcourse.quizui import sections as sec
from afcourse.quizui.controller import AnswerError, QuizController, hint_section, reread_hint
from afcourse.quizui.display import show_quiz
from afcourse.quizui.loading import load_self_check
from afcourse.quizui.static import payload
from conftest import ROOT


@pytest.fixture(autouse=True)
def _in_scratch_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def with_feedback(bundle, item_id: str, feedback: dict[str, str]):
    keys = [k.model_copy(update={"feedback": feedback}) if k.id == item_id else k for k in bundle.key.keys]
    bundle.key = bundle.key.model_copy(update={"keys": keys})
    return bundle


def test_first_attempt_is_scored_and_retries_are_practice():
    c = QuizController(load_self_check(QUIZ_DIR))
    choice = next(q for q in c.questions if q.type == "single_choice")
    key = {k.id: k.key for k in c.bundle.key.keys}[choice.id].correct
    wrong = next(ch.id for ch in choice.choices if ch.id != key)
    c.answer(choice.id, wrong)
    first = c.check(choice.id)
    assert first.status == "incorrect" and not first.practice and c.score()[:1] == (0,)
    c.try_again(choice.id)
    c.answer(choice.id, key)
    second = c.check(choice.id)
    assert second.status == "correct" and second.practice.startswith("Practice attempt, not scored")
    assert c.score() == (0, 8.0, 1)  # wrong first, then right: 0, not 1
    # "Show answer" before any check scores 0, even with a right answer in place
    other = next(q for q in c.questions if q.type == "true_false")
    right = {k.id: k.key for k in c.bundle.key.keys}[other.id].correct
    c.answer(other.id, right)
    assert c.show_answer(other.id).revealed and c.first_points[other.id] == 0.0


def test_per_option_feedback_follows_the_choice_in_widget_and_page():
    bundle = load_self_check(QUIZ_DIR)
    choice = next(q for q in bundle.variant.questions if q.type == "single_choice")
    key = {k.id: k.key for k in bundle.key.keys}[choice.id].correct
    wrong = [ch.id for ch in choice.choices if ch.id != key]
    bundle = with_feedback(bundle, choice.id, {wrong[0]: "That option was Lavrov's point, not the speaker's."})
    c = QuizController(bundle)
    c.answer(choice.id, wrong[0])
    assert c.check(choice.id).option_feedback == ("That option was Lavrov's point, not the speaker's.",)
    c.try_again(choice.id)
    c.answer(choice.id, wrong[1])
    assert c.check(choice.id).option_feedback == ()  # no sentence for that option: none shown
    data = payload(bundle)
    assert data["keys"][choice.id]["feedback"] == {wrong[0]: "That option was Lavrov's point, not the speaker's."}

    from afcourse.quizui.widget import feedback_html

    c2 = QuizController(with_feedback(load_self_check(QUIZ_DIR), choice.id, {wrong[0]: "Why <not>."}))
    c2.answer(choice.id, wrong[0])
    assert '<p class="afq-w-why" style="margin:0.2em 0">Why &lt;not&gt;.</p>' in feedback_html(c2.check(choice.id))


def test_sections_file_is_current_and_every_hint_names_a_section_not_a_paragraph():
    assert sec.dump_sections(sec.compute_sections(ROOT / "book")) == \
        (ROOT / "afcourse" / "quizui" / "sections.json").read_text(encoding="utf-8")
    for folder in sorted((ROOT / "quizzes").glob("*/quiz.json")):
        bundle = load_self_check(folder.parent)
        for question in bundle.variant.questions:
            answer = next(k for k in bundle.key.keys if k.id == question.id)
            hint = reread_hint(question, answer, bundle.chapters)
            assert "\u00b6" not in hint and "citing" not in hint, hint
            section = hint_section(question, answer)
            assert section is not None, question.id  # every committed item is taught in some section
            cited = {f"{c.source}:{c.paragraph}" for c in answer.citations}
            assert cited & section.cited and f"section \u201c{section.title}\u201d" in hint


def test_section_choice_prefers_coverage_then_the_items_chapter():
    a = sec.Section("one", "First", "first", "chapters/01-one", frozenset({"s:1", "s:2"}))
    b = sec.Section("two", "Second", "second", "chapters/02-two", frozenset({"s:2", "s:3"}))
    c = sec.Section("two", "Third", "third", "chapters/02-two", frozenset({"s:1", "s:2", "s:3"}))
    assert sec.section_for("one", [("s", 1), ("s", 3)], [a, b, c]) is c  # covers both
    assert sec.section_for("two", [("s", 2)], [a, b]) is b  # a tie: the item's own chapter
    assert sec.section_for("one", [("s", 2)], [a, b]) is a
    assert sec.section_for("one", [("t", 9)], [a, b]) is None
    assert sec.heading_anchor("A pawn in the Great Game: Stoletov's mission of 1878") == \
        "a-pawn-in-the-great-game-stoletov-s-mission-of-1878"


def test_state_is_kept_beside_the_notebook_and_restored(tmp_path):
    first = show_quiz(QUIZ_DIR)
    c = first.controller
    kept = tmp_path / c.keeper.path.name
    assert not kept.exists()  # showing writes nothing
    for step in PLAN[:3]:
        c.answer(step.item_id, step.response)
        c.check(step.item_id)
    c.answer(PLAN[3].item_id, PLAN[3].response)  # answered, not checked
    data = json.loads(kept.read_text(encoding="utf-8"))
    assert data["schema"] == "afcourse.selfcheck/1" and len(data["first_points"]) == 3

    again = show_quiz(QUIZ_DIR).controller  # what Run All does after a kernel restart
    assert again.responses == c.responses and again.first_points == c.first_points
    assert again.score() == c.score() and set(again.results) == set(c.results)
    assert again.restored.startswith(f"Restored your 4 answers from {kept.name}")
    assert again.is_locked(PLAN[0].item_id) and not again.is_locked(PLAN[3].item_id)
    widget = show_quiz(QUIZ_DIR).widget()
    assert "Restored your 4 answers" in widget.restored.value
    assert PLAN[0].item_id in widget.views and widget.views[PLAN[0].item_id].feedback.value  # the verdict is back
    widget.start_again()
    assert json.loads(kept.read_text(encoding="utf-8"))["responses"] == {q.id: None for q in c.questions}
    assert show_quiz(QUIZ_DIR).controller.restored == ""
    assert show_quiz(QUIZ_DIR, keep=False).controller.keeper is None


def test_an_unreadable_kept_file_is_reported_not_raised(tmp_path):
    display = show_quiz(QUIZ_DIR)
    path = display.controller.keeper.path
    path.write_text("{not json", encoding="utf-8")
    c = show_quiz(QUIZ_DIR).controller
    assert "not a readable self-check file" in (c.save_error or "") and c.answered() == 0


def test_a_number_is_shown_as_read_and_a_refused_one_stays_explained():
    c = QuizController(load_self_check(QUIZ_DIR))
    numeric = next(q for q in c.questions if q.type == "numeric")
    c.answer(numeric.id, "2,5")
    assert c.entry_note(numeric.id, "2,5") == "Read as 2.5."
    c.answer(numeric.id, "1,992")
    assert c.entry_note(numeric.id, "1,992") == "Read as 1992."
    c.answer(numeric.id, "2019")
    assert c.entry_note(numeric.id, "2019") == ""
    with pytest.raises(AnswerError):
        c.answer(numeric.id, "three")
    shown = c.check(numeric.id)
    assert shown.entry and "in digits" in shown.verdict and not c.is_locked(numeric.id)


def test_an_entry_arriving_just_after_check_is_checked():
    display = show_quiz(QUIZ_DIR)
    view = display.widget().views[PLAN[0].item_id]
    view.check_button.click()  # the click reached the kernel before the text
    assert "No answer yet" in view.feedback.value
    view.control.value = "2018"
    assert "Not quite (0 of 1 point)." in view.feedback.value and view.check_button.disabled
    view.retry_button.click()
    time.sleep(0)  # no pending check now: a later entry is not checked by itself
    view.control.value = "2019"
    assert "Correct" not in view.feedback.value and not view.check_button.disabled


def test_an_untouched_ordering_shows_as_unanswered_after_submit(tmp_path):
    display = show_quiz(QUIZ_DIR, mode="assessment", student_id="s-1", save_to=tmp_path / "s.json")
    quiz = display.widget()
    order = next(v for v in quiz.views.values() if v.question.type == "ordering")
    display.controller.answer(PLAN[0].item_id, "2018")
    assert display.controller.submit_prompt().startswith("7 of 8 questions have no answer yet")
    quiz.submit()
    assert "Unanswered: this order was never set" in order.order_note.value
    assert order.order_note.layout.display is None and "afq-w-unanswered-order" in order.box._dom_classes
    assert "7 questions had no answer." in display.controller.status_text()


def test_one_unanswered_question_is_singular(tmp_path):
    display = show_quiz(QUIZ_DIR, mode="assessment", student_id="s-2", save_to=tmp_path / "s.json")
    c = display.controller
    for step in PLAN[1:]:
        c.answer(step.item_id, step.response)
    assert c.submit_prompt().startswith("1 of 8 questions has no answer yet: question 1.")


def test_the_keyboard_helper_rides_in_the_quiz():
    quiz = show_quiz(QUIZ_DIR).widget()
    helper = quiz.root.children[-1]
    assert type(helper).__name__ == "KeyboardHelper" and "data-lm-suppress-shortcuts" in helper._esm
    assert helper.keep_file.startswith("afcourse-selfcheck-")


def test_a_check_that_came_before_the_last_choice_is_redone_on_it():
    """The frontend may send Check before the last arrow key's value: the final choice is what is graded."""
    display = show_quiz(QUIZ_DIR)
    c = display.controller
    view = next(v for v in display.widget().views.values() if v.question.type == "single_choice")
    key = {k.id: k.key for k in c.bundle.key.keys}[view.qid].correct
    wrong = next(ch.id for ch in view.question.choices if ch.id != key)
    view.control.value = wrong
    view.check_button.click()  # graded on the stale choice...
    assert "Not quite" in view.feedback.value and c.first_points[view.qid] == 0
    view.control.value = key  # ...then the last choice arrives
    assert "Correct (1 of 1 point)." in view.feedback.value and c.first_points[view.qid] == 1.0
    assert c.attempts.get(view.qid, 0) == 0 and not c.results[view.qid].practice
    c._last_check[view.qid] = (time.monotonic() - 10, *c._last_check.get(view.qid, (0, None, None, None))[1:])
    with pytest.raises(Exception, match="Try again"):
        c.answer(view.qid, wrong, frontend=True)  # long after the check: the question stays locked


def test_a_name_with_its_parts_in_another_order_is_accepted():
    from afcourse.bank.models import TextKey
    from afcourse.quiz.scoring import score

    c = QuizController(load_self_check(QUIZ_DIR))
    question = next(q for q in c.questions if q.type == "short_answer")
    key = TextKey(accepted=["Lavrov", "Sergei Lavrov"], fuzzy=True)
    assert score(question, key, "Lavrov Sergei", c.bundle.quiz.scoring).status == "correct"
    assert score(question, key, "Sergei", c.bundle.quiz.scoring).status == "incorrect"
    exact = TextKey(accepted=["Sergei Lavrov"], fuzzy=False)  # not a name: the order matters
    assert score(question, exact, "Lavrov Sergei", c.bundle.quiz.scoring).status == "incorrect"
