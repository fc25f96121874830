"""The wording rules of the linter: each catches its crafted bad item, and the real bank passes them."""

import pytest

from afcourse.bank.generate import build_bank
from afcourse.bank.lint import key_rank, lint_items
from afcourse.bank.models import MatchKey
from afcourse.bank import truth
from afcourse.facts.factbase import load_facts
from test_lint_kit import MINI, codes, with_answer, with_question


@pytest.fixture(scope="module")
def mini():
    return load_facts(MINI)


@pytest.fixture(scope="module")
def mini_bank(mini):
    return {item.id: item for item in build_bank(mini)}


def test_stock_template_phrase(mini_bank, mini):
    item = with_question(mini_bank["e-first:year-numeric"], stem="In what year did this happen: the first test meeting?")
    assert "stock-phrase" in codes(item, mini)


def test_stem_too_long(mini_bank, mini):
    item = mini_bank["e-first:year-numeric"]
    long = item.question.stem[:-1] + ", " + " ".join(["and then something else happened"] * 8) + "?"
    assert "stem-too-long" in codes(with_question(item, stem=long), mini)


def test_pasted_statement(mini_bank, mini):
    item = mini_bank["s-alleges:speaker-choice"]
    stem = f"Who said this: {mini.facts['s-alleges'].statement}"
    assert "pasted-statement" in codes(with_question(item, stem=stem), mini)


def test_plural_unit_after_one(mini_bank, mini):
    item = mini_bank["q-troops:choice"]
    wrong = next(c for c in item.question.choices if c.id != item.answer.key.correct)
    choices = [c.model_copy(update={"text": "1 servicemen"}) if c.id == wrong.id else c for c in item.question.choices]
    assert "unit-plural" in codes(with_question(item, choices=choices), mini)


def test_numeric_distractor_that_is_a_multiple_of_the_key(mini_bank, mini):
    item = mini_bank["q-troops:choice"]
    wrong = next(c for c in item.question.choices if c.id != item.answer.key.correct)
    item = item.model_copy(update={"values": {**item.values, wrong.id: "36,000"}})
    assert "numeric-multiple" in codes(item, mini)


def test_speaker_options_of_another_kind(mini_bank, mini):
    item = mini_bank["s-alleges:speaker-choice"]
    wrong = next(c for c in item.question.choices if c.id != item.answer.key.correct)
    item = item.model_copy(update={"values": {**item.values, wrong.id: "o-club"}})  # a club offered as a speaker
    assert "speaker-kind" in codes(item, mini)


def test_role_asked_at_a_loose_time(mini_bank, mini):
    good = mini_bank["p-alpha:role-choice:0"]
    assert "role-time-loose" not in codes(good, mini)
    loose = good.model_copy(update={"question": good.question.model_copy(update={"id": "p-beta:role-choice:0"})})
    loose = with_answer(loose, fact_ids=["p-beta"])  # Boris Beta's post has no date: anyone might have held it
    assert "role-time-loose" in codes(loose, mini)


def test_founding_year_the_sources_put_in_two_years(mini_bank, shipped_base):
    item = with_answer(mini_bank["o-club:founded-numeric"], fact_ids=["eaeu"])
    assert "founding-disputed" in codes(item, shipped_base)


def test_abbreviation_the_sources_never_use(shipped_bank, shipped_base):
    item = next(i for i in shipped_bank.values() if i.template == "event-year-numeric")
    assert "abbreviation" not in codes(item, shipped_base)
    abbreviated = with_question(item, stem="In what year was the EAEU treaty concluded?")
    assert "abbreviation" in codes(abbreviated, shipped_base)


def test_month_of_a_related_event_offered_as_wrong(shipped_bank, shipped_base):
    def other_months(item):
        fact = shipped_base.facts[item.answer.fact_ids[0]]
        return truth.related_months(shipped_base, fact) - {fact.date.month}

    item, taken = next((i, other_months(i)) for i in shipped_bank.values()
                       if i.template == "event-month-choice" and other_months(i))
    assert "month-defensible" not in codes(item, shipped_base)
    wrong = next(c for c in item.question.choices if c.id != item.answer.key.correct)
    bad = item.model_copy(update={"values": {**item.values, wrong.id: str(min(taken))}})
    assert "month-defensible" in codes(bad, shipped_base)


def test_matching_with_two_pairs(mini_bank, mini):
    item = next(i for i in mini_bank.values() if i.question.type == "matching")
    prompts = item.question.prompts[:2]
    pairs = {p.id: item.answer.key.pairs[p.id] for p in prompts}
    choices = [c for c in item.question.choices if c.id in pairs.values()]
    small = with_answer(with_question(item, prompts=prompts, choices=choices), key=MatchKey(pairs=pairs))
    assert "too-few-pairs" in codes(small, mini)


def test_reported_claim_asked_without_its_hedge(shipped_bank, shipped_base):
    item = next(i for i in shipped_bank.values() if i.template.startswith("statement-speaker")
                and any(getattr(shipped_base.facts[f], "reported", False) for f in i.answer.fact_ids))
    assert "reportedly" in item.question.stem and codes(item, shipped_base) == []
    plain = with_question(item, stem=item.question.stem.replace("reportedly ", ""))
    assert "hedge-dropped" in codes(plain, shipped_base)


def test_key_mostly_in_one_position(shipped_bank, shipped_base):
    largest = [i for i in shipped_bank.values() if i.template == "event-year-choice" and key_rank(i) == 3]
    assert len(largest) >= 4
    skewed = [i.model_copy(update={"id": f"{i.id}:{n}"}) for n in range(2) for i in largest[:4]]  # 8 items, key last
    assert "key-rank-skew" in [p.code for p in lint_items(skewed, shipped_base)]
    everyone = [i for i in shipped_bank.values() if i.template == "event-year-choice"]
    assert "key-rank-skew" not in [p.code for p in lint_items(everyone, shipped_base)]


def test_real_bank_reads_cleanly(shipped_bank, shipped_base):
    """No stock phrase, no long stem, no pasted statement anywhere in the real bank (and >= 600 items)."""
    assert len(shipped_bank) >= 600
    assert lint_items(list(shipped_bank.values()), shipped_base) == []


def test_a_source_recorded_as_making_the_same_point_offered_as_wrong(shipped_bank, shipped_base):
    item = shipped_bank["aliyev-transport-energy-projects-eurasia:source-choice"]
    assert "globalsecurity-2021" not in item.values.values() and "distractor-true" not in codes(item, shipped_base)
    wrong = next(c for c in item.question.choices if c.id != item.answer.key.correct)
    bad = item.model_copy(update={"values": {**item.values, wrong.id: "globalsecurity-2021"}})
    assert "distractor-true" in codes(bad, shipped_base)
