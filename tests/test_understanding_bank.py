"""The understanding families on the shipped data, and each family's linter rules proven on crafted bad items."""

from collections import Counter

import pytest

from afcourse.bank import truth
from afcourse.bank.builder import RELATION, choice_id
from afcourse.bank.lint import lint_items
from afcourse.bank.models import ChoiceKey


def understanding(bank, template=None):
    return [i for i in bank.values() if i.answer.level == "understanding" and template in (None, i.template)]


def codes(item, base) -> set[str]:
    return {p.code for p in lint_items([item], base)}


def wrong_ids(item):
    return [c.id for c in item.question.choices if c.id != item.answer.key.correct]


def with_value(item, choice, value):
    """The item with one option standing for ``value`` (as a hand edit or a generator bug would make it)."""
    return item.model_copy(update={"values": {**item.values, choice: value}})


def test_every_family_makes_items_that_name_their_objective_and_explain_each_wrong_option(shipped_base, shipped_bank):
    items = understanding(shipped_bank)
    counts = Counter(i.template for i in items)
    for template in ("why-choice", "evidence-status-choice", "position-view-choice", "positions-matching",
                     "concept-case-choice", "concept-idea-choice", "consequence-effect-choice",
                     "consequences-matching", "accounts-status-choice"):
        assert counts[template] > 0, template
    assert len(items) >= 150
    for item in items:
        assert item.answer.objective in shipped_base.objectives
        if item.question.type == "single_choice":
            assert set(item.answer.feedback) == set(wrong_ids(item)), item.id
    assert lint_items(items, shipped_base) == []


def test_recall_items_name_the_objective_that_lists_their_fact(shipped_base, shipped_bank):
    recall = [i for i in shipped_bank.values() if i.answer.level == "recall"]
    with_objective = [i for i in recall if i.answer.objective]
    assert with_objective and len(with_objective) < len(recall)
    for item in with_objective:
        objective = shipped_base.objectives[item.answer.objective]
        assert objective.chapter == item.question.chapter and set(objective.facts) & set(item.answer.fact_ids)
    for item in recall:
        if not item.answer.objective:
            assert not any(f in o.facts for o in shipped_base.objectives_of(item.question.chapter)
                           for f in item.answer.fact_ids)


def test_why_distractors_are_never_reasons_given_for_the_asked_move(shipped_base, shipped_bank):
    for item in understanding(shipped_bank, "why-choice"):
        relation = shipped_base.relations[item.values[RELATION]]
        for choice in wrong_ids(item):
            other = shipped_base.relations.get(item.values[choice])
            if other is not None:
                assert not truth.same_action(other, relation)
                assert not truth.reason_linked(shipped_base, relation, other.reason)
                assert other.actor == relation.actor
        assert item.question.stem.endswith(f"{relation.action}?")


def test_a_reason_a_source_links_to_the_action_is_refused(shipped_base, shipped_bank):
    item, linked = next((i, r) for i in understanding(shipped_bank, "why-choice")
                        for r in truth.reasons_for(shipped_base, shipped_base.relations[i.values[RELATION]])
                        if r.id != i.values[RELATION])
    assert "distractor-linked-reason" in codes(with_value(item, wrong_ids(item)[0], linked.id), shipped_base)


def test_a_reason_of_another_actor_and_a_stranger_misconception_are_refused(shipped_base, shipped_bank):
    item = understanding(shipped_bank, "why-choice")[0]
    relation = shipped_base.relations[item.values[RELATION]]
    stranger = next(r for r in shipped_base.relations_of("reason") if r.actor != relation.actor
                    and not truth.reason_linked(shipped_base, relation, r.reason))
    assert "reason-other-actor" in codes(with_value(item, wrong_ids(item)[0], stranger.id), shipped_base)
    other = next(r for r in shipped_base.relations_of("reason") if r.misconceptions and not truth.same_action(r, relation))
    bad = with_value(item, wrong_ids(item)[0], f"misconception:{other.id}:0")
    assert "misconception-foreign" in codes(bad, shipped_base)


def test_an_allegation_keyed_as_an_established_fact_is_refused(shipped_base, shipped_bank):
    item = next(i for i in understanding(shipped_bank, "evidence-status-choice")
                if i.values[i.answer.key.correct] == "allegation" and shipped_base.relations[i.values[RELATION]].denied_by
                and "established" in i.values.values())
    text = next(c.text for c in item.question.choices if c.id == item.answer.key.correct)
    assert text.startswith("An allegation by ") and ", denied by " in text
    established = next(c for c in item.question.choices if item.values[c.id] == "established")
    bad = item.model_copy(update={"answer": item.answer.model_copy(update={
        "key": ChoiceKey(correct=established.id),
        "feedback": {c: f for c, f in item.answer.feedback.items() if c != established.id}})})
    assert codes(bad, shipped_base) >= {"status-mismatch", "allegation-as-established"}


def test_a_case_that_also_fits_the_concept_is_refused(shipped_base, shipped_bank):
    item = next(i for i in understanding(shipped_bank, "concept-case-choice")
                if len([e for e in shipped_base.relations_of("example")
                        if e.concept == shipped_base.relations[i.values[RELATION]].concept]) >= 2)
    relation = shipped_base.relations[item.values[RELATION]]
    sibling = next(e for e in shipped_base.relations_of("example") if e.concept == relation.concept and e.id != relation.id)
    assert "case-also-fits" in codes(with_value(item, wrong_ids(item)[0], sibling.id), shipped_base)
    idea = next(i for i in understanding(shipped_bank, "concept-idea-choice")
                if shipped_base.relations[i.values[RELATION]].also_fits)
    also = shipped_base.relations[idea.values[RELATION]].also_fits[0]
    assert all(idea.values[c] != also for c in wrong_ids(idea))  # the generator never offers it
    assert "case-also-fits" in codes(with_value(idea, wrong_ids(idea)[0], also), shipped_base)


def test_a_view_the_holder_shares_and_an_effect_of_the_same_cause_are_refused(shipped_base, shipped_bank):
    item = understanding(shipped_bank, "position-view-choice")[0]
    own = item.values[RELATION]
    assert "distractor-true" in codes(with_value(item, wrong_ids(item)[0], own), shipped_base)
    effect = understanding(shipped_bank, "consequence-effect-choice")[0]
    assert "effect-linked" in codes(with_value(effect, wrong_ids(effect)[0], effect.values[RELATION]), shipped_base)


def test_weighing_accounts_never_keys_one_version_as_true(shipped_base, shipped_bank):
    item = understanding(shipped_bank, "accounts-status-choice")[0]
    assert item.values[item.answer.key.correct] == "unsettled"
    other = wrong_ids(item)[0]
    bad = item.model_copy(update={"answer": item.answer.model_copy(update={"key": ChoiceKey(correct=other)})})
    assert "version-keyed-true" in codes(bad, shipped_base)


@pytest.mark.parametrize("change, code", [
    (lambda i: {"feedback": {}}, "feedback-missing"),
    (lambda i: {"objective": None}, "no-objective"),
    (lambda i: {"objective": "no-such-objective"}, "unknown-objective"),
    (lambda i: {"feedback": {**i.answer.feedback, i.answer.key.correct: "Wrong."}}, "feedback-on-key"),
])
def test_every_understanding_item_needs_an_objective_and_feedback(shipped_base, shipped_bank, change, code):
    item = understanding(shipped_bank, "why-choice")[0]
    bad = item.model_copy(update={"answer": item.answer.model_copy(update=change(item))})
    assert code in codes(bad, shipped_base)
    assert codes(item, shipped_base) == set()
    assert choice_id(item.values[RELATION]) == item.answer.key.correct


def test_recall_choice_items_explain_each_wrong_option(shipped_base, shipped_bank):
    for item in shipped_bank.values():
        if item.question.type in ("single_choice", "true_false", "multiple_select"):
            wrong = [c.id for c in item.question.choices if c.id not in getattr(item.answer.key, "correct", [])
                     and c.id != getattr(item.answer.key, "correct", None)]
            assert all(item.answer.feedback.get(c, "").strip() for c in wrong), item.id
    item = next(i for i in shipped_bank.values() if i.template == "statement-speaker-choice")
    assert "feedback-missing" in codes(item.model_copy(update={"answer": item.answer.model_copy(update={"feedback": {}})}),
                                       shipped_base)


def test_source_options_carry_no_year(shipped_bank):
    for item in shipped_bank.values():
        if item.template in ("statement-source-choice", "disagreement-source-choice", "claims-source-matching"):
            assert not any(any(ch.isdigit() for ch in c.text) for c in [*item.question.choices, *item.question.prompts])


def test_the_key_sits_at_every_place_of_the_sorted_options(shipped_bank):
    from afcourse.bank.lint import key_positions

    for template, places in key_positions(list(shipped_bank.values())).items():
        if sum(places) >= 20:
            assert max(places) / sum(places) <= 0.45, (template, places)


def test_no_person_is_the_key_of_more_speaker_items_than_they_are_offered_wrongly(shipped_base, shipped_bank):
    from afcourse.bank.generate import MIN_KEYED, SPEAKER_TEMPLATES

    keyed, wrongly = Counter(), Counter()
    for item in shipped_bank.values():
        if item.template in SPEAKER_TEMPLATES and shipped_base.entity_kind(item.values[item.answer.key.correct]) == "person":
            keyed[(item.question.chapter, item.values[item.answer.key.correct])] += 1
            for choice in wrong_ids(item):
                wrongly[(item.question.chapter, item.values[choice])] += 1
    assert keyed and all(n <= max(MIN_KEYED, wrongly[where]) for where, n in keyed.items())


def test_lint_reports_each_persons_key_rate(shipped_base, shipped_bank):
    from afcourse.bank.lint import person_key_rates

    rates = person_key_rates(list(shipped_bank.values()), shipped_base)
    assert rates and all(0 <= keyed <= offered for offered, keyed in rates.values())
    item = next(i for i in shipped_bank.values() if i.template == "person-role-choice")
    key = item.values[item.answer.key.correct]
    assert person_key_rates([item], shipped_base) == {
        **{item.values[c]: (1, 0) for c in wrong_ids(item)}, key: (1, 1)}
