"""The linter catches each defect class in a crafted bad item."""

import pytest

from afcourse.facts.factbase import load_facts
from afcourse.bank.builder import choice_id
from afcourse.bank.generate import build_bank
from afcourse.bank.lint import lint_items
from afcourse.bank.models import Choice, ChoiceKey, MultiKey, TextKey
from test_lint_kit import MINI, codes, with_answer, with_question


@pytest.fixture(scope="module")
def mini():
    return load_facts(MINI)


@pytest.fixture(scope="module")
def bank(mini):
    return {item.id: item for item in build_bank(mini)}


def test_good_items_pass(bank, mini):
    assert lint_items(list(bank.values()), mini) == []


def test_key_not_among_options(bank, mini):
    item = with_answer(bank["e-first:year-choice"], key=ChoiceKey(correct="c-nowhere"))
    # and the true year is left unkeyed, without the feedback a wrong option needs
    assert codes(item, mini) == ["key-missing", "feedback-missing", "distractor-true"]


def test_key_of_wrong_type(bank, mini):
    item = with_answer(bank["e-first:year-choice"], key=TextKey(accepted=["2016"]))
    assert codes(item, mini) == ["key-type"]


def test_options_not_distinct_after_normalisation(bank, mini):
    item = bank["p-alpha:role-choice:0"]
    choices = list(item.question.choices)
    wrong = next(c for c in choices if c.id != item.answer.key.correct)
    twin = next(c for c in choices if c.id not in (wrong.id, item.answer.key.correct))
    choices[choices.index(twin)] = Choice(id=twin.id, text=f" {wrong.text.upper()}!")
    assert "options-not-distinct" in codes(with_question(item, choices=choices), mini)


def test_distractor_that_is_also_true(bank, mini):
    item = bank["e-first:participant-choice"]
    wrong = next(c for c in item.question.choices if c.id != item.answer.key.correct)
    participant = next(p for p in ("russia", "china", "pakistan") if choice_id(p) != item.answer.key.correct)
    values = {k: v for k, v in item.values.items() if k != wrong.id}
    values[choice_id(participant)] = participant
    choices = [c if c.id != wrong.id else Choice(id=choice_id(participant), text=participant.title())
               for c in item.question.choices]
    bad = with_question(item, choices=choices).model_copy(update={"values": values})
    bad = with_answer(bad, feedback={**item.answer.feedback, choice_id(participant): "It did not take part."})
    assert codes(bad, mini) == ["distractor-true"]


def test_items_of_removed_families_are_refused(bank, mini):
    item = bank["e-first:year-numeric"]
    for template in ("event-date-tf", "quantity-tf", "person-role-tf", "people-role-matching", "events-first-choice",
                     "statement-speaker-tf", "quotation-speaker-tf"):
        assert not any(i.template == template for i in bank.values())
        assert "removed-family" in codes(item.model_copy(update={"template": template}), mini)


def test_missing_explanation_and_citation(bank, mini):
    item = with_answer(bank["e-first:year-numeric"], explanation=" ", citations=[])
    assert codes(item, mini) == ["no-explanation", "no-citation"]


def test_stem_that_contains_the_key(bank, mini):
    item = with_question(bank["e-first:year-numeric"], stem="In 2016, in what year did the first test meeting happen?")
    assert codes(item, mini) == ["stem-gives-key"]


def test_contested_fact_asked_as_plain_truth(bank, mini):
    item = with_answer(bank["e-first:year-numeric"], fact_ids=["e-disputed"])
    assert codes(item, mini) == ["contested-as-fact"]


def test_all_of_the_above_is_banned(bank, mini):
    item = bank["e-first:year-choice"]
    choices = list(item.question.choices)
    spare = next(c for c in choices if c.id != item.answer.key.correct)
    choices[choices.index(spare)] = Choice(id=spare.id, text="All of the above")
    assert "banned-option" in codes(with_question(item, choices=choices), mini)


def test_key_much_longer_than_distractors(bank, mini):
    item = bank["p-alpha:role-choice:0"]
    choices = [Choice(id=c.id, text=c.text + " (Special Envoy for Testing, as described in every source)")
               if c.id == item.answer.key.correct else c for c in item.question.choices]
    assert codes(with_question(item, choices=choices), mini) == ["key-length-cue"]


def test_multiple_select_without_a_wrong_option(bank, mini):
    item = bank["o-club:members-multi"]
    every = [c.id for c in item.question.choices]
    assert "no-distractor" in codes(with_answer(item, key=MultiKey(correct=every)), mini)


def test_duplicate_item_ids(bank, mini):
    item = bank["e-first:year-numeric"]
    assert [p.code for p in lint_items([item, item], mini)] == ["duplicate-id"]
