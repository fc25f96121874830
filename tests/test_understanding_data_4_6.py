"""The shipped understanding data of chapters 4-6 meets the contract's "How much" rules, and keeps the
allegations and the removed duplicate fact straight. Chapters 1-3 are checked in test_understanding_data.py."""

from collections import Counter

import pytest

CHAPTERS = ("taliban", "us-relations", "after-2021")
UNDERSTANDING_VERBS = ("Explain", "Compare", "Weigh", "Apply", "Judge", "Distinguish", "Trace", "Attribute")


def _items_worth(relations, base) -> Counter:
    """The contract's rough count of understanding items per objective (as in test_understanding_data.py)."""
    holders = Counter(r.topic for r in base.relations.values() if r.kind == "position")
    examples = Counter(r.concept for r in base.relations.values() if r.kind == "example")
    worth = Counter()
    for r in relations:
        if r.kind in ("reason", "claim", "consequence"):
            worth[r.objective] += 1
        elif r.kind == "position" and holders[r.topic] >= 2:
            worth[r.objective] += 1
        elif r.kind == "example" and examples[r.concept] >= 2:
            worth[r.objective] += 1
    return worth


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_four_to_six_objectives_at_least_half_about_understanding(shipped_base, chapter):
    objectives = shipped_base.objectives_of(chapter)
    assert 4 <= len(objectives) <= 6
    understanding = [o for o in objectives if o.statement.split()[0] in UNDERSTANDING_VERBS]
    assert len(understanding) * 2 >= len(objectives)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_objective_has_records_for_five_understanding_items(shipped_base, chapter):
    relations = [r for r in shipped_base.relations.values() if r.chapter == chapter]
    assert 25 <= len(relations) <= 65
    worth = _items_worth(relations, shipped_base)
    for objective in shipped_base.objectives_of(chapter):
        assert worth[objective.id] >= 5, objective.id


def test_the_arms_allegation_stays_an_unsettled_allegation_with_its_denials(shipped_base):
    claim = shipped_base.relations["claim-russia-armed-taliban"]
    assert claim.status == "allegation" and not claim.settled
    assert {"konashenkov-rejects-scaparrotti-2017", "taliban-deny-russian-military-aid-2017"} <= set(claim.denied_by)
    assert "scaparrotti-senate-testimony-2017" in claim.made_by


def test_no_claim_in_chapters_4_to_6_calls_an_accusation_established(shipped_base):
    for r in shipped_base.relations.values():
        if r.kind == "claim" and r.chapter in CHAPTERS and r.status == "established":
            speakers = [shipped_base.facts[f] for f in r.facts if f in shipped_base.facts]
            assert not any(getattr(f, "stance", None) == "allegation" for f in speakers), r.id


def test_kabulovs_remark_of_16_august_2021_is_one_fact_citing_both_renderings(shipped_base):
    assert "kabulov-taliban-readier-to-negotiate-2021" not in shipped_base.facts
    merged = shipped_base.facts["kabulov-taliban-more-trustworthy-than-kabul"]
    assert {(c.source, c.paragraph) for c in merged.citations} == {("globalsecurity-2021", 3),
                                                                   ("globalsecurity-2021", 4)}


def test_reported_outcomes_name_the_reporter_not_russia(shipped_base):
    for fact_id in ("russia-egypt-air-bases-preliminary-agreement", "russia-backs-haftar-libyan-national-army"):
        assert shipped_base.facts[fact_id].speaker == "julia-gurganus"
