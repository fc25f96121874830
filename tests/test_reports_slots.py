"""The report of a many-variant class: numbered as students saw it, slots analysed whole, no noise shown as data."""

import re

import pytest
from functools import lru_cache

from afcourse import load_facts
from afcourse.bank.generate import build_bank
from afcourse.grading.analysis import ALPHA_MIN_STUDENTS, FEW_ANSWERS
from afcourse.grading.pipeline import grade_submissions
from afcourse.grading.reports.feedback import feedback_markdown
from afcourse.grading.reports.page import report_html
from afcourse.grading.reports.plots import measured
from afcourse.grading.simulate import simulate_class
from afcourse.quiz.sets import make_quiz_set


@lru_cache(maxsize=1)
def many_variants():
    return make_quiz_set(build_bank(load_facts()), chapters=["taliban", "moscow-format"], n=10, seed="r",
                         variants=30, salt="report")


def graded(students: int):
    quiz, key = many_variants()
    subs, _ = simulate_class(quiz, key, students, seed=3)
    return grade_submissions(quiz, key, subs)


def test_items_with_few_answers_are_their_own_state_and_not_plotted_or_ok():
    result = graded(60)
    few = [it for it in result.items if it.n < FEW_ANSWERS]
    assert len(few) < len(result.items)
    assert few and all(it.state == "too_few" and not it.flags for it in few)
    page = report_html(result, plots=False)
    rows = re.findall(r'<tr class="(too_few|ok|flagged)"><td><a href="#(Q\d+[a-z]*)">', page)
    assert {label for state, label in rows if state == "too_few"} == {it.label for it in few}
    for state, label in rows:
        if state == "too_few":
            row = page.split(f'<tr class="too_few"><td><a href="#{label}">', 1)[1].split("</tr>", 1)[0]
            assert "too few answers" in row and '"ok"' not in row
    plotted = measured(result.items)
    assert plotted and not {it.item_id for it in plotted} & {it.item_id for it in few}


def test_slots_are_analysed_over_every_student_and_alpha_needs_enough_students():
    result = graded(40)
    slots = result.summary.slots
    assert [s.number for s in slots] == list(range(1, 11)) and all(s.n == 40 for s in slots)
    for j, slot in enumerate(slots):  # the slot's facility: the class's mean share on that question, any variant
        shares = [st.scores[j].points / st.scores[j].max_points for st in result.students]
        assert slot.facility == pytest.approx(sum(shares) / len(shares))
    assert result.summary.alpha is not None and result.summary.alpha_n == 40
    small = graded(ALPHA_MIN_STUDENTS - 1)
    assert small.summary.alpha is None
    assert f"Cronbach&#x27;s α: needs {ALPHA_MIN_STUDENTS}+ students" in report_html(small, plots=False)


def test_numbering_is_as_students_saw_it():
    result = graded(40)
    quiz = result.quiz
    labels = quiz.labels()
    for it in result.items:
        assert it.label == labels[it.item_id] and it.label.startswith(f"Q{it.slot}")
    student = result.students[0]
    text = feedback_markdown(student, result, {})
    for number, question in enumerate(student.questions, 1):
        assert f"## {number}. " in text and quiz.slot_of()[question.id] == number
    page = report_html(result, plots=False)
    assert '<h2 id="questions">Questions as students saw them</h2>' in page
    assert "Q237" not in page and "Q11" not in page  # no pool numbering


def test_the_report_has_a_table_of_every_student():
    result = graded(40)
    page = report_html(result, plots=False)
    table = page.split('<h2 id="students">Students</h2>', 1)[1].split("</table>", 1)[0]
    for student in result.students:
        assert f"<td>{student.student_id}</td>" in table and f"<td>{student.variant_id}</td>" in table
    assert table.count("<tr>") == 40 + 1
