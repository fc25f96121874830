"""Item generation on a small synthetic fact base: kinds, keys, and no true distractors."""

from collections import Counter
from pathlib import Path

import pytest

from afcourse.facts.factbase import load_facts
from afcourse.bank.builder import choice_id
from afcourse.bank.generate import build_bank
from afcourse.bank.lint import lint_items

MINI = Path(__file__).parent / "data" / "minifacts"


@pytest.fixture(scope="module")
def mini():
    return load_facts(MINI)


@pytest.fixture(scope="module")
def bank(mini):
    return {item.id: item for item in build_bank(mini)}


def test_bank_is_deterministic_and_lint_clean(mini, bank):
    again = build_bank(mini)
    assert [i.model_dump() for i in again] == [bank[i.id].model_dump() for i in again]
    assert lint_items(list(bank.values()), mini) == []


def test_year_items(bank):
    numeric = bank["e-first:year-numeric"]
    assert numeric.answer.key.value == 2016 and numeric.question.unit == "year"
    choice = bank["e-first:year-choice"]
    texts = sorted(c.text for c in choice.question.choices)
    assert "2016" in texts and len(set(texts)) == 4
    assert choice.answer.key.correct == choice_id("2016")


def test_contested_event_is_never_asked_as_fact(bank):
    assert not [i for i in bank if i.startswith("e-disputed:")]
    assert not any("e-disputed" in item.answer.fact_ids for item in bank.values())


def test_participant_distractors_did_not_take_part(bank):
    item = bank["e-first:participant-choice"]
    key = item.answer.key.correct
    wrong = [item.values[c.id] for c in item.question.choices if c.id != key]
    assert item.values[key] in {"russia", "china", "pakistan"}
    assert not set(wrong) & {"russia", "china", "pakistan"}


def test_nonmember_item_and_members_multi(bank):
    item = bank["o-club:nonmember-choice"]
    assert item.values[item.answer.key.correct] not in {"russia", "armenia", "belarus", "kazakhstan"}
    multi = bank["o-club:members-multi"]
    assert {multi.values[c] for c in multi.answer.key.correct} <= {"russia", "armenia", "belarus", "kazakhstan"}
    assert bank["o-club:founded-numeric"].answer.key.value == 1992


def test_approximate_quantity_has_tolerance(bank):
    key = bank["q-troops:numeric"].answer.key
    assert (key.value, key.tolerance) == (18000, 1800)


def test_statement_asked_as_attribution_with_other_people(bank):
    item = bank["s-alleges:speaker-choice"]
    assert item.question.stem == "In March 2017, who alleged that the test movement received test supplies?"
    names = {c.text for c in item.question.choices}
    assert "Edward Echo" in names and len(names) == 4
    assert "s-alleges:speaker-tf" not in bank  # true/false on a speaker was removed (issue 21)


def test_deniers_multi_names_the_denial(bank):
    item = bank["s-alleges:deniers-multi"]
    assert {item.values[c] for c in item.answer.key.correct} == {"p-gamma"}
    wrong = {item.values[c.id] for c in item.question.choices} - {"p-gamma"}
    assert wrong and "p-gamma" not in wrong  # e.g. the accuser himself: plainly not a denier


def test_disagreement_asks_which_source(bank):
    item = bank["d-began:source-choice:1"]
    assert item.question.stem.endswith("Which of them dates their start to 2007?")
    assert item.values[item.answer.key.correct] == "globalsecurity-2021"
    assert "aliyev-2020" in item.values.values()  # the other version is a (false) option


def test_ordering_and_matching(bank):
    ordering = [i for i in bank.values() if i.question.type == "ordering"]
    assert ordering, "four dated events should give an ordering item"
    item = ordering[0]
    dates = [item.values[c] for c in item.answer.key.order]
    assert dates == ["e-first", "e-second", "e-fifth", "e-third"]
    matching = [i for i in bank.values() if i.template == "events-year-matching"]
    assert matching and all(len(m.answer.key.pairs) == 4 for m in matching)


def test_every_type_is_generated(shipped_bank):
    types = Counter(item.question.type for item in shipped_bank.values())
    assert set(types) == {"single_choice", "multiple_select", "true_false", "short_answer", "numeric",
                          "ordering", "matching"}


def test_people_offered_as_options_were_active_in_the_facts_era(shipped_base, shipped_bank):
    """A distractor from another century is a give-away: people offered were active within ERA_YEARS of the
    fact (WIDE_ERA_YEARS where few people were); an undated statement belongs to its source's year, so a
    general of 1878 is never offered as the speaker of a remark reported in 2018."""
    from afcourse.bank.builder import WIDE_ERA_YEARS, active_years

    base = shipped_base
    active = active_years(base)
    people = {p.id for p in base.of_kind("person")}
    checked = 0
    for item in shipped_bank.values():
        if item.template not in ("statement-speaker-choice", "quotation-speaker-choice", "person-role-choice"):
            continue
        fact = base.facts[item.answer.fact_ids[0]]
        if fact.kind == "person":
            role = fact.roles[int(item.id.rsplit(":", 1)[1])]
            dated = role.start or role.as_of or role.end
            year = dated.year if dated else None
        else:
            year = fact.date.year if fact.date else min(base.sources[c.source].date.year for c in fact.citations)
        if year is None:
            continue
        offered = [value for cid, value in item.values.items() if value in people and cid != item.answer.key.correct]
        for person in offered:
            assert any(abs(y - year) <= WIDE_ERA_YEARS for y in active.get(person, ())), (item.id, person)
        checked += len(offered) > 1
    assert checked >= 5  # 8 such items since people keyed more often than offered lost their choice items


def test_difficulty_is_a_prior_per_item_not_a_constant_per_type(shipped_bank):
    """More options, an untaught fact and a single source make an item harder; the bank's items vary within a type."""
    from afcourse.bank.difficulty import prior_difficulty

    usual = prior_difficulty("single_choice", options=4, taught=True)
    assert prior_difficulty("single_choice", options=6, taught=True) > usual
    assert prior_difficulty("single_choice", options=4, taught=False) > usual
    assert prior_difficulty("single_choice", options=4, taught=True, sources=2) < usual
    assert prior_difficulty("ordering", elements=6) > prior_difficulty("ordering", elements=3)
    assert prior_difficulty("short_answer", bonus=5) == 0.95 and prior_difficulty("true_false", bonus=-5) == 0.05
    by_type: dict[str, set[float]] = {}
    for item in shipped_bank.values():
        by_type.setdefault(item.question.type, set()).add(item.difficulty)
    counts = Counter(item.question.type for item in shipped_bank.values())
    # every type with many items spreads over more than one prior (years of taught, single-source events
    # share one; the numbers of other facts differ)
    assert all(len(values) >= 2 for t, values in by_type.items() if counts[t] >= 20), by_type


def test_a_source_that_makes_the_same_point_is_never_a_wrong_answer_to_which_source(shipped_base, shipped_bank):
    """Recorded in ``also_made_in`` (an audit against the seeds found six such claims): that source is
    never offered as a wrong answer, and no claims-to-sources matching pairs the claim with another's source."""
    base, items = shipped_base, list(shipped_bank.values())
    authors = {s.author_id: s.id for s in base.sources.values()}
    shared = {f.id: {c.source for c in f.also_made_in} for f in base.of_kind("statement") if f.also_made_in}
    assert len(shared) >= 6
    asked = 0
    for item in items:
        if item.template == "statement-source-choice" and item.answer.fact_ids[0] in shared:
            offered = set(item.values.values())
            assert not offered & shared[item.answer.fact_ids[0]], item.id
            asked += 1
        if item.template == "claims-source-matching":
            group = [base.facts[f] for f in item.answer.fact_ids]
            sources = {authors[f.speaker] for f in group}
            for f in group:
                assert not (shared.get(f.id, set()) & (sources - {authors[f.speaker]})), item.id
    assert asked >= 3  # the claims are still asked where two other sources remain as options
    ids = {item.id for item in items}
    assert "gurganus-2014-annexation-soured-ties:source-choice" not in ids  # two of three others make the point


def test_someone_recorded_as_saying_the_same_is_never_a_wrong_answer_to_who_said_it(shipped_base, shipped_bank):
    """``also_said_by`` (the Defence Ministry also found no fact behind the arms claims) keeps those speakers
    out of the options; two speakers answering the same claim the same day leave no typed "who said it?"
    item, since either name would be right. A state is never asked as a speaker ("which government said
    ...?" is answered by the course's subject)."""
    base, items = shipped_base, shipped_bank
    for fact in base.of_kind("statement"):
        item_id = f"{fact.id}:speaker-choice"
        if fact.also_said_by and item_id in items:
            assert not set(items[item_id].values.values()) & set(fact.also_said_by), item_id
    assert "pakistan" in base.facts["russia-pakistan-us-operations-left-ungoverned-areas"].also_said_by
    assert "russia-pakistan-us-operations-left-ungoverned-areas:speaker-choice" not in items  # Russia speaks
    for fact_id in ("kabulov-rejects-scaparrotti-2017", "konashenkov-rejects-scaparrotti-2017"):
        assert f"{fact_id}:speaker-short" not in items
    assert "konashenkov-rejects-scaparrotti-2017:speaker-choice" in items  # (Kabulov's is one he keys too often)
    assert "kabulov-confirms-low-level-contacts-2017:speaker-short" in items  # no one else on record saying it


def test_what_a_seed_leaves_open_is_never_a_wrong_option_or_a_thing_that_happened(shipped_base, shipped_bank):
    """Found by reading the remaining 270 items against the seeds: a state a source puts both in and out
    of a union, a meeting reported only as scheduled, a war spanning two years, two heads of one
    government in one matching, and a stem ("US-Russian") that names its own answer."""
    base, items, by_id = shipped_base, list(shipped_bank.values()), shipped_bank
    unclear = base.facts["eaeu"].members_unclear
    assert unclear == ["tajikistan"]
    for item in items:
        if item.id.startswith("eaeu:"):
            assert not set(item.values.values()) & set(unclear), item.id
    scheduled = [e for e in base.of_kind("event") if e.scheduled]
    assert scheduled
    for event in scheduled:  # asked only through its own question, and only if an objective lists it
        if f"{event.id}:year-choice" in by_id:
            assert by_id[f"{event.id}:year-choice"].question.stem == event.ask
    grouped = [item for item in items if item.template in (
        "events-in-year-multi", "events-year-matching", "events-ordering")]
    assert grouped and not any(e.id in item.answer.fact_ids for item in grouped for e in scheduled)
    assert any(e.end_date and e.end_date.year != e.date.year for e in base.of_kind("event"))  # 1877-1878 war
    for item in items:
        if item.template == "events-in-year-multi":
            year = int(item.question.stem.split(" in ")[1].split("?")[0])
            spans = [base.facts[f] for f in item.answer.fact_ids if base.facts[f].end_date
                     and base.facts[f].date.year <= year <= base.facts[f].end_date.year
                     and base.facts[f].date.year != base.facts[f].end_date.year]
            assert spans == [], (item.id, [s.id for s in spans])
    assert "joint-us-russian-drug-lab-raid-2010:participant-choice" not in by_id
    assert "us-soviet-aid-cutoff-agreement-1991:participant-choice" not in by_id
