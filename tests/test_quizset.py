"""Seeded quiz sets: valid, balanced over facts, comparable variants, byte-identical per seed."""

from functools import lru_cache
from statistics import mean

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from afcourse import load_facts
from afcourse.bank.coherence import answer_forms, conflict
from afcourse.bank.generate import build_bank
from afcourse.quiz.sets import QuizSetError, dump, make_quiz_set, read_quiz_set, write_quiz_set
from afcourse.common.fileio import OutputExistsError


@lru_cache(maxsize=1)
def bank():
    return build_bank(load_facts())


def items_by_id():
    return {item.id: item for item in bank()}


def check_valid(quiz, key, n):
    """Every question has a key; no key leaks into the quiz; one item per fact in each variant."""
    keys = {k.id: k for k in key.keys}
    by_id = items_by_id()
    for variant in quiz.variants:
        assert len(variant.questions) == n
        facts = [f for q in variant.questions for f in keys[q.id].fact_ids]
        assert len(facts) == len(set(facts)), "two items on one fact"
        items = [by_id[keys[q.id].item_id] for q in variant.questions]
        clashes = [conflict(a, b) for i, a in enumerate(items) for b in items[i + 1:]]
        assert not [c for c in clashes if c], "two items clash"
        for q in variant.questions:
            item = by_id[keys[q.id].item_id]
            assert q.stem == item.question.stem
            assert key_in_words(q, keys[q.id].key) == key_in_words(item.question, item.answer.key)
            assert sorted(c.text for c in q.choices) == sorted(c.text for c in item.question.choices)
            assert q.chapter in quiz.chapters
    text = dump(quiz)
    assert "explanation" not in text and '"correct"' not in text
    # bank ids name their answers (e.g. who said it) and the seed regenerates the key: neither is in the quiz
    assert not [k.item_id for k in key.keys if k.item_id in text]
    assert '"seed"' not in text and f"seed{key.seed}" not in text


def key_in_words(question, key):
    """A key with choice ids replaced by their texts (ids differ between the bank and a quiz set)."""
    text = {c.id: c.text for c in (*question.choices, *question.prompts)}
    data = key.model_dump()
    for field in ("correct", "order"):
        if isinstance(data.get(field), str):
            data[field] = text[data[field]]
        elif isinstance(data.get(field), list):
            data[field] = sorted(text[c] for c in data[field]) if field == "correct" else [text[c] for c in data[field]]
    if "pairs" in data:
        data["pairs"] = {text[p]: text[c] for p, c in data["pairs"].items()}
    return data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.text(min_size=1, max_size=12), n=st.integers(3, 12), variants=st.integers(1, 4),
       chapter=st.sampled_from(["history", "interests", "moscow-format", "taliban", "us-relations", "after-2021"]))
def test_random_seeds_give_valid_balanced_deterministic_quizzes(seed, n, variants, chapter):
    quiz, key = make_quiz_set(bank(), chapters=[chapter], n=n, seed=seed, variants=variants, salt="s" + seed)
    check_valid(quiz, key, n)
    again = make_quiz_set(bank(), chapters=[chapter], n=n, seed=seed, variants=variants, salt=key.salt)
    assert (dump(again[0]), dump(again[1])) == (dump(quiz), dump(key))
    if variants > 1:
        item_sets = [frozenset(q.id for q in v.questions) for v in quiz.variants]
        assert len(set(item_sets)) == len(item_sets), "variants are not distinct"


def test_variants_have_comparable_difficulty():
    quiz, key = make_quiz_set(bank(), chapters=["taliban"], n=10, seed=7, variants=30)
    means = [mean(key.difficulty[q.id] for q in v.questions) for v in quiz.variants]
    assert max(means) - min(means) < 0.12, means


def test_type_mix_and_filters():
    quiz, _ = make_quiz_set(bank(), chapters=["taliban", "moscow-format"], n=6, seed=1,
                            type_mix={"single_choice": 3, "true_false": 2, "numeric": 1})
    types = sorted(q.type for q in quiz.variants[0].questions)
    assert types == ["numeric", "single_choice", "single_choice", "single_choice", "true_false", "true_false"]
    with pytest.raises(QuizSetError, match="adds up to 5"):
        make_quiz_set(bank(), chapters=["taliban"], n=6, seed=1, type_mix={"single_choice": 5})
    with pytest.raises(QuizSetError, match="unknown item type"):
        make_quiz_set(bank(), chapters=["taliban"], n=3, seed=1, types=["essay"])
    with pytest.raises(QuizSetError, match="items for"):
        make_quiz_set(bank(), chapters=["taliban"], n=5000, seed=1)


def test_options_are_shuffled_by_seed():
    orders = set()
    for seed in range(8):
        quiz, _ = make_quiz_set(bank(), chapters=["history"], n=5, seed=seed)
        orders.add(tuple(c.id for q in quiz.variants[0].questions for c in q.choices))
    assert len(orders) > 1


def test_write_read_and_refuse_overwrite(tmp_path):
    quiz, key = make_quiz_set(bank(), chapters=["history"], n=4, seed="a")
    write_quiz_set(quiz, key, tmp_path)
    assert read_quiz_set(tmp_path) == (quiz, key)
    with pytest.raises(OutputExistsError):
        write_quiz_set(quiz, key, tmp_path)
    (tmp_path / "key.json").unlink()
    assert read_quiz_set(tmp_path) == (quiz, None)


def test_different_sets_never_share_a_quiz_id():
    """Submissions are matched to a quiz by its id: other content must mean another id."""
    plain, _ = make_quiz_set(bank(), chapters=["taliban"], n=4, seed="s", variants=2, salt="k")
    mixed, _ = make_quiz_set(bank(), chapters=["taliban"], n=4, seed="s", variants=2, salt="k",
                             type_mix={"true_false": 2, "single_choice": 2})
    again, _ = make_quiz_set(bank(), chapters=["taliban"], n=4, seed="s", variants=2, salt="k")
    assert plain.quiz_id == again.quiz_id != mixed.quiz_id
    assert plain.quiz_id.startswith("taliban-4q-2v-")


def test_committed_chapter_sets_never_ask_one_answer_twice():
    """Chapter 3 once asked two questions whose answer was 2016; no committed set does now."""
    by_id = items_by_id()
    for chapter in load_facts().chapters:
        quiz, key = read_quiz_set(f"quizzes/{chapter}")
        forms = [answer_forms(by_id[k.item_id]) for k in key.keys]
        flat = [f for group in forms for f in group]
        assert len(flat) == len(set(flat)), chapter


def test_conflict_names_a_shared_fact_or_a_shared_answer():
    by_fact: dict[str, list] = {}
    for item in bank():
        by_fact.setdefault(item.answer.fact_ids[0], []).append(item)
    same_fact = next(group for group in by_fact.values() if len(group) > 1)
    assert conflict(same_fact[0], same_fact[1]).startswith("both ask about")
    years = [it for it in bank() if it.template == "event-year-choice"]
    a, b = next((a, b) for i, a in enumerate(years) for b in years[i + 1:]
                if answer_forms(a) == answer_forms(b) and not set(a.answer.fact_ids) & set(b.answer.fact_ids))
    assert conflict(a, b) == f"both have the answer {sorted(answer_forms(a))[0]!r}"
    other = next(it for it in years if not answer_forms(it) & answer_forms(a)
                 and not set(it.answer.fact_ids) & set(a.answer.fact_ids))
    assert conflict(a, other) is None
