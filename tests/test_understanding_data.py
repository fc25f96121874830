"""The shipped understanding data (afcourse/facts/understanding/*.yaml) meets the contract's "How much" rules.

Chapters 1-3 are checked here; the loader's own tests are in test_understanding.py.
"""

from collections import Counter, defaultdict

import pytest

CHAPTERS = ("history", "interests", "moscow-format")


def _items_worth(relations, base) -> Counter:
    """A rough count of the understanding items each objective's records can yield, as the contract counts them:
    a reason or a claim is one item; a position topic with 2+ holders is one item per holder; an example is one
    item when its concept has 2+ examples in the whole base."""
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
def test_each_chapter_has_four_to_six_objectives_mostly_about_understanding(shipped_base, chapter):
    objectives = shipped_base.objectives_of(chapter)
    assert 4 <= len(objectives) <= 6
    understanding = [o for o in objectives if o.statement.split()[0] in ("Explain", "Compare", "Weigh", "Apply",
                                                                        "Judge", "Distinguish", "Trace")]
    assert len(understanding) * 2 >= len(objectives)
    for objective in objectives:
        assert objective.statement.endswith(".") and objective.statement[0].isupper()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_objective_has_records_for_five_understanding_items(shipped_base, chapter):
    relations = [r for r in shipped_base.relations.values() if r.chapter == chapter]
    assert 25 <= len(relations) <= 50
    worth = _items_worth(relations, shipped_base)
    for objective in shipped_base.objectives_of(chapter):
        assert worth[objective.id] >= 5, objective.id


def test_every_concept_has_two_examples(shipped_base):
    examples = Counter(r.concept for r in shipped_base.relations.values() if r.kind == "example")
    for concept in shipped_base.concepts:
        assert examples[concept] >= 2, concept


def test_every_position_topic_has_two_holders_and_one_wording(shipped_base):
    topics = defaultdict(list)
    for r in shipped_base.relations.values():
        if r.kind == "position":
            topics[r.topic].append(r)
    for topic, records in topics.items():
        assert len({r.holder for r in records}) >= 2, topic
        assert len({r.topic_text for r in records}) == 1, topic


def test_reasons_of_one_action_share_its_wording(shipped_base):
    """Reasons the sources give for the same move are never offered as wrong answers for each other, which the
    families see only if the records spell the action identically: near-identical actions are a slip."""
    actions = {(r.actor, r.action) for r in shipped_base.relations.values() if r.kind == "reason"}
    by_start = defaultdict(set)
    for actor, action in actions:
        by_start[(actor, " ".join(action.split()[:4]))].add(action)
    for key, variants in by_start.items():
        assert len(variants) == 1, (key, variants)
    reasons = [r for r in shipped_base.relations.values() if r.kind == "reason"]
    for n, one in enumerate(reasons):
        for other in reasons[n + 1:]:
            if one.actor == other.actor and set(one.facts) & set(other.facts):
                assert one.action == other.action, (one.id, other.id)


def test_the_author_of_a_cited_source_may_hold_a_view(shipped_base, seeds_dir):
    """A position held by a source's author cites the paragraph that states it, not the byline."""
    from afcourse.facts.seedcheck import check_against_seeds, check_relations

    assert check_against_seeds(shipped_base, seeds_dir) == []
    held = shipped_base.relations["position-history-soviet-legacy-krivosheev"]
    assert held.holder == "kirill-krivosheev"
    problems = check_relations(shipped_base, lambda citations: "")  # no cited text names anyone
    assert not any("position-history-soviet-legacy-krivosheev" in p and "holder" in p for p in problems)
    # a person who is not the author is still checked
    assert any("position-history-soviet-legacy-karzai" in p and "holder" in p for p in problems)
