"""Quiz sets never fail at random: the outcome of a request does not depend on the salt."""

import random

import pytest

from afcourse.bank.models import AnswerKey, ChoiceKey, Choice, Item, Question
from afcourse.quiz.selection import Request, Rule, SelectionError, choose_leaders
from afcourse.quiz.sets import QuizSetError, make_quiz_set

CHAPTERS = ["history", "interests", "moscow-format", "taliban", "us-relations", "after-2021"]
SALTS = [f"salt-{i}" for i in range(8)]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_fills_10_15_and_20_questions_for_every_salt(chapter, shipped_bank):
    """Issue 20: `generate --chapter interests --n 20 --seed 3` failed in 8 of 12 runs, by the salt alone, and
    `--chapter history --n 20` failed for every salt (too few distinct facts); every chapter now fills
    10, 15 and 20 questions whatever the salt, each question on its own fact, answer and occasion."""
    bank = list(shipped_bank.values())
    for n in (10, 15, 20):
        for salt in SALTS:
            quiz, _ = make_quiz_set(bank, chapters=[chapter], n=n, seed=3, salt=salt)
            assert len(quiz.variants[0].questions) == n, (chapter, n, salt)


def test_a_request_too_large_fails_alike_for_every_salt(shipped_bank):
    """A request no choice can meet fails with the same message whatever the salt (here 40 history questions)."""
    bank = list(shipped_bank.values())
    messages = set()
    for salt in SALTS[:4]:
        with pytest.raises(QuizSetError) as err:
            make_quiz_set(bank, chapters=["history"], n=40, seed=3, salt=salt)
        messages.add(str(err.value))
    assert len(messages) == 1 and "only" in next(iter(messages)), messages


def _item(i: int, kind: str) -> Item:
    question = Question(id=f"i{i}", type="single_choice", stem=f"Question {i}?", chapter="c",
                        choices=[Choice(id="a", text=f"answer {i}"), Choice(id="b", text="other")])
    return Item(question=question, answer=AnswerKey(id=f"i{i}", key=ChoiceKey(correct="a"), explanation="",
                                                   citations=[], fact_ids=[f"f{i}"], objective=kind),
                template="t", difficulty=0.5)


def test_a_greedy_trap_is_escaped_and_an_impossible_rule_is_named_whatever_the_rng():
    """A path of clashes 0-1-2-3-4-5: a random greedy pick of 1 or 4 first finds only 2 items, not 3;
    the selection finds 3 for every seed. Asking for 4 fails with one message for every seed."""
    items = [_item(i, "x") for i in range(6)]
    clashes = {f"i{i}": {f"i{j}" for j in (i - 1, i + 1) if 0 <= j < 6} for i in range(6)}
    for seed in range(30):
        chosen = choose_leaders(items, Request(3), clashes, random.Random(seed))
        ids = {it.id for it in chosen}
        assert len(ids) == 3 and not any(clashes[i] & ids for i in ids)
    messages = set()
    for seed in range(10):
        with pytest.raises(SelectionError) as err:
            choose_leaders(items, Request(4), clashes, random.Random(seed))
        messages.add(str(err.value))
    assert messages == {"only 3 of the 4 questions asked for fit into one quiz"}


def test_rules_at_least_and_at_most_hold_in_every_draw():
    items = [_item(i, "why" if i < 4 else "date") for i in range(12)]
    clashes = {it.id: set() for it in items}
    rules = [Rule("why", lambda it: it.answer.objective == "why", 3),
             Rule("date", lambda it: it.answer.objective == "date", 2, least=False)]
    for seed in range(20):
        chosen = choose_leaders(items, Request(5, rules), clashes, random.Random(seed))
        kinds = [it.answer.objective for it in chosen]
        assert kinds.count("why") >= 3 and kinds.count("date") <= 2
    with pytest.raises(SelectionError, match="only 4 of the 5 why question"):
        choose_leaders(items, Request(6, [Rule("why", rules[0].test, 5)]), clashes, random.Random(1))
