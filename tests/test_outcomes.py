"""Results by objective, chapter and skill: pooled facility with its n, honest 'too few answers', first in the report."""

import csv
import io

from afcourse.grading.outcomes import family, outcomes
from afcourse.grading.pipeline import grade, grade_submissions
from afcourse.grading.simulate import simulate_class
from afcourse.quiz.sets import make_quiz_set, write_quiz_set
from test_export_cases import nasty_items


FAMILY_CASES = [  # (bank item id, question type, the skill the report names)
    ("zamir-kabulov:role-choice:2", "single_choice", "who held which post"),
    ("lavrov-said-x:speaker-short", "short_answer", "who said or claimed what"),
    ("aliyev-argues-y:source-choice", "single_choice", "which source says what"),
    ("troops-2021:numeric", "numeric", "figures and quantities"),
    ("events-of-1989:a1b2c3", "ordering", "the order of events"),
    ("own:envoy", "short_answer", "your own questions"),
    # the understanding and concept families say what they ask, not "other facts"
    ("reason-taliban-ties:why-choice", "single_choice", "why it happened"),
    ("claim-bounties:evidence-choice", "single_choice", "how we know: fact, claim or interpretation"),
    ("position-arms-nicholson:position-tf", "true_false", "who held which view"),
    ("example-hedging-karzai:concept-idea-choice", "single_choice", "applying a concept to a case"),
    ("hedging:definition-tf", "true_false", "the course's terms"),
    ("events-sequence:a:b", "true_false", "the order of events"),
]


def test_family_reads_the_bank_item_it_was_made_from():
    for item_id, question_type, skill in FAMILY_CASES:
        assert family(item_id, question_type) == skill, item_id


def test_groups_pool_every_answer_and_say_when_they_are_too_few(tmp_path, shipped_bank):
    bank = list(shipped_bank.values()) if isinstance(shipped_bank, dict) else list(shipped_bank)
    quiz, key = make_quiz_set(bank, chapters=["moscow-format", "taliban"], n=10, seed="o", variants=8, salt="s")
    subs, _ = simulate_class(quiz, key, 60, seed=3)
    result = grade_submissions(quiz, key, subs)
    groups = outcomes(result)
    chapters = [g for g in groups if g.dimension == "chapter"]
    assert {g.group for g in chapters} == {"moscow-format", "taliban"}
    assert sum(g.answers for g in chapters) == 600  # every answer counted once per dimension
    for g in chapters:  # facility is points over maximum, pooled over the group's answers
        points = sum(s.points for st in result.students for q, s in zip(st.questions, st.scores)
                     if q.chapter == g.group)
        assert abs(g.facility - points / g.answers) < 1e-9 and g.state == "judged"
    skills = [g for g in groups if g.dimension == "skill"]
    assert sum(g.answers for g in skills) == 600 and len(skills) >= 3
    judged = [g.facility for g in skills if g.state == "judged"]
    assert judged == sorted(judged)  # weakest first: what to reteach
    few = outcomes(grade_submissions(quiz, key, subs[:4]))
    assert all(g.state == "too few answers" for g in few if g.answers < 10)
    write_quiz_set(quiz, key, tmp_path / "set")
    out = grade(tmp_path / "set", subs, tmp_path / "g")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "g" / "results-by-objective.csv").read_text())))
    assert {r["dimension"] for r in rows} >= {"chapter", "skill"}
    assert all(r["facility"] and 0 <= float(r["facility"]) <= 1 for r in rows if r["state"] == "judged")
    report = (tmp_path / "g" / "report.html").read_text()
    assert report.index("What to reteach") < report.index("Scores and items at a glance") < \
        report.index("Questions as students saw them")  # the first thing an instructor reads
    assert out.files["outcomes"].name == "results-by-objective.csv"
    few_items = [it for it in out.items if it.n < 10]
    assert few_items and report.count(", pooled: ") == sum(  # each such item shows its whole slot's figures
        1 for it in few_items if len(next(s for s in out.quiz.slots if s.number == it.slot).question_ids) > 1)


def test_objectives_and_levels_are_used_when_items_carry_them():
    items = nasty_items()
    items = [it.model_copy(update={"answer": it.answer.model_copy(update={
        "objective": "weigh-accounts" if i % 2 else "date-events",
        "level": "understanding" if i % 2 else "recall"})}) for i, it in enumerate(items)]
    quiz, key = make_quiz_set(items, chapters=["ch-one", "ch-two"], n=7, seed="x", salt="y")
    subs, _ = simulate_class(quiz, key, 12, seed=1)
    groups = outcomes(grade_submissions(quiz, key, subs))
    assert {g.group for g in groups if g.dimension == "objective"} == {"weigh-accounts", "date-events"}
    assert {"understanding", "recall"} == {g.group for g in groups if g.dimension == "level"}
