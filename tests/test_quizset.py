"""Seeded quiz sets: valid, balanced over facts, comparable variants, byte-identical per seed."""

from functools import lru_cache
from collections import Counter
from statistics import mean

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from afcourse import load_facts
from afcourse.bank.coherence import answer_forms, conflict
from afcourse.bank.generate import build_bank
from afcourse.quiz.sets import QuizSetError, compatible, dump, make_quiz_set, read_quiz_set, write_quiz_set
from afcourse.quiz.signs import frames_of
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
    frames = frames_of(bank())
    for variant in quiz.variants:
        assert len(variant.questions) == n
        facts = [f for q in variant.questions if keys[q.id].level == "recall" for f in keys[q.id].fact_ids]
        assert len(facts) == len(set(facts)), "two recall items on one fact"
        items = [by_id[keys[q.id].item_id] for q in variant.questions]
        clashes = compatible(items, False, frames)
        assert not [b for a in items for b in clashes[a.id]], "two items clash"
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
    quiz, key = make_quiz_set(bank(), chapters=["taliban"], n=10, seed=7, variants=30, salt="comparable")
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
        if item.answer.fact_ids:  # a definition item asks a concept and rests on no fact
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


# ---------------------------------------------------------------- slots (issue 12)

from afcourse.quiz.sets import SLOT_SPREAD, secret_hash  # noqa: E402
from afcourse.quiz.models import QuizFile  # noqa: E402


def test_a_quiz_set_is_a_sequence_of_slots_that_share_no_fact_or_answer():
    quiz, key = make_quiz_set(bank(), chapters=["moscow-format", "taliban"], n=15, seed="midterm", variants=40,
                              salt="slots")
    keys = {k.id: k for k in key.keys}
    by_id = items_by_id()
    assert [s.number for s in quiz.slots] == list(range(1, 16))
    facts_of_slot = []
    for slot in quiz.slots:
        items = [by_id[keys[qid].item_id] for qid in slot.question_ids]
        assert {it.question.type for it in items} == {slot.type}
        spread = [key.difficulty[qid] for qid in slot.question_ids]
        assert max(spread) - min(spread) <= 2 * SLOT_SPREAD + 1e-9
        facts_of_slot.append({f for it in items if it.answer.level == "recall" for f in it.answer.fact_ids})
    for i, facts in enumerate(facts_of_slot):
        for other in facts_of_slot[i + 1:]:
            assert not facts & other, "a fact asked in two slots"
    all_items = {qid: by_id[keys[qid].item_id] for slot in quiz.slots for qid in slot.question_ids}
    slot_of = quiz.slot_of()
    clash = compatible(list(all_items.values()), False, frames_of(bank()))
    clashes = [(qa, qb) for qa, a in all_items.items() for qb, b in all_items.items()
               if slot_of[qa] < slot_of[qb] and b.id in clash[a.id]]
    assert clashes == []
    for variant in quiz.variants:
        assert [slot_of[q.id] for q in variant.questions] == list(range(1, 16))
    assert len({tuple(q.id for q in v.questions) for v in quiz.variants}) == 40
    uses = Counter(q.id for v in quiz.variants for q in v.questions)
    for slot in quiz.slots:  # each slot's answers are dealt equally often (within one), and every item is used
        answers = Counter()
        for qid in slot.question_ids:
            assert uses[qid] > 0
            answers[answer_forms(all_items[qid]) or frozenset({qid})] += uses[qid]
        assert max(answers.values()) - min(answers.values()) <= 1


def test_a_quiz_file_whose_variants_break_the_slots_is_refused():
    quiz, _ = make_quiz_set(bank(), chapters=["taliban"], n=4, seed="x", variants=2, salt="s")
    data = quiz.model_dump(by_alias=True)
    data["variants"][1]["questions"].reverse()
    with pytest.raises(ValueError, match=r"variant v002: question 1 \(q[0-9a-f]+\) is not one of slot 1's questions"):
        QuizFile.model_validate(data)


def test_old_derivation_attack_maps_no_question_and_no_id_is_shared_with_the_bank():
    """The attack of issue 13: hash (quiz id, bank item id) as the old code did, match the quiz's ids."""
    import hashlib
    import json

    quiz, key = make_quiz_set(bank(), chapters=["taliban"], n=12, seed="midterm-2026", variants=3)
    old_ids = {"q" + hashlib.sha256(f"{quiz.quiz_id}|{item.id}".encode()).hexdigest()[:10]: item.id for item in bank()}
    question_ids = {q.id for v in quiz.variants for q in v.questions}
    assert question_ids.isdisjoint(old_ids)
    # and no id of the key's mapping (question ids, choice ids, prompt ids) appears in the public bank
    bank_ids = {item.id for item in bank()} | {c.id for item in bank()
                                               for c in (*item.question.choices, *item.question.prompts)}
    key_ids = {k.id for k in key.keys} | {c for k in key.keys for c in _key_choice_ids(k.key)}
    assert key_ids and key_ids.isdisjoint(bank_ids)
    quiz_ids = question_ids | {c.id for v in quiz.variants for q in v.questions for c in (*q.choices, *q.prompts)}
    assert quiz_ids.isdisjoint(bank_ids)
    # the quiz file says nothing of the salt, and the committed (public) self-check keys share no id with it
    assert key.salt not in json.dumps(quiz.model_dump(by_alias=True))
    committed = set()
    for chapter in load_facts().chapters:
        _, public_key = read_quiz_set(f"quizzes/{chapter}")
        committed |= {k.id for k in public_key.keys} | {c for k in public_key.keys for c in _key_choice_ids(k.key)}
    assert committed.isdisjoint(quiz_ids)


def _key_choice_ids(key) -> set[str]:
    data = key.model_dump()
    found = set()
    for field in ("correct", "order"):
        value = data.get(field)
        found |= {value} if isinstance(value, str) else set(value or ())
    for prompt, choice in (data.get("pairs") or {}).items():
        found |= {prompt, choice}
    return found


def test_a_random_salt_makes_each_set_new_and_the_salt_reproduces_it():
    args = dict(chapters=["history"], n=5, seed="midterm-2026", variants=3)
    first, first_key = make_quiz_set(bank(), **args)
    second, second_key = make_quiz_set(bank(), **args)
    assert first_key.salt != second_key.salt and len(first_key.salt) == 32
    assert dump(first) != dump(second)
    again, again_key = make_quiz_set(bank(), **args, salt=first_key.salt)
    assert (dump(again), dump(again_key)) == (dump(first), dump(first_key))
    assert secret_hash("a", "b") != secret_hash("c", "b")


def test_contradictory_or_impossible_requests_are_named():
    with pytest.raises(QuizSetError, match="--min-difficulty 0.7 is above --max-difficulty 0.3: no item can be both"):
        make_quiz_set(bank(), chapters=["taliban"], n=3, seed=1, min_difficulty=0.7, max_difficulty=0.3)
    with pytest.raises(QuizSetError, match="--mix asks for numeric, which --type does not allow"):
        make_quiz_set(bank(), chapters=["taliban"], n=3, seed=1, types=["true_false"],
                      type_mix={"true_false": 2, "numeric": 1})
    with pytest.raises(QuizSetError, match=r"the bank has \d+ matching items for taliban with --type numeric and "
                                           r"--max-difficulty 0.5; 10 were asked for"):
        make_quiz_set(bank(), chapters=["taliban"], n=10, seed=1, types=["numeric"], max_difficulty=0.5)
    with pytest.raises(QuizSetError, match=r"--mix asks for 9 ordering questions; the bank has \d ordering items"):
        make_quiz_set(bank(), chapters=["taliban"], n=9, seed=1, type_mix={"ordering": 9})
