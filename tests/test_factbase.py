"""The shipped fact base: size, coverage of the sources, and agreement with the seed documents."""

from collections import Counter

from afcourse import load_facts
from afcourse.facts.factbase import summary
from afcourse.bank.generate import build_bank
from afcourse.bank.lint import lint_items
from afcourse.facts.seedcheck import check_against_seeds, paragraphs


def test_fact_base_is_large_and_cites_every_source():
    base = load_facts()
    counts = summary(base)
    assert len(base) >= 180
    assert set(counts["source"]) == set(base.sources) and len(base.sources) == 4
    assert min(counts["chapter"][c] for c in base.chapters) >= 20
    assert {"event", "person", "organisation", "quantity", "statement", "quotation", "disagreement"} <= set(counts["kind"])


def test_known_disagreements_are_recorded_with_both_versions():
    base = load_facts()
    disagreements = base.of_kind("disagreement")
    assert len(disagreements) >= 3
    for fact in disagreements:
        assert len({v.source for v in fact.versions}) >= 2 and fact.contested


def test_allegations_and_denials_are_marked_contested():
    base = load_facts()
    for fact in base.of_kind("statement"):
        if fact.stance in ("allegation", "denial", "assessment"):
            assert fact.contested, f"{fact.id}: an {fact.stance} must be contested and attributed"


def test_citations_agree_with_the_seed_documents(seeds_dir):
    assert check_against_seeds(load_facts(), seeds_dir) == []


def test_paragraph_split_counts_blank_lines_with_spaces():
    assert paragraphs("Title\n\nOne\nstill one\n  \t\nTwo\n\n\n") == ["Title", "One\nstill one", "Two"]


def test_bank_is_large_varied_and_lint_clean():
    base = load_facts()
    items = build_bank(base)
    types = Counter(item.question.type for item in items)
    assert len(items) >= 600
    assert set(types) == {"single_choice", "multiple_select", "true_false", "short_answer", "numeric", "ordering",
                          "matching"}
    assert lint_items(items, base) == []
    recall = [item for item in items if item.answer.level == "recall"]  # issue 21: 350 recall items that pass,
    assert len(recall) >= 350 and {item.question.type for item in recall} == set(types)  # over all seven types
