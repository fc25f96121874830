"""The committed chapter sets keep their default blueprint, recomputed from the book's own chapters,
and neither they nor the instructor guide's midterm give one question's answer away in another."""

import re
from pathlib import Path

import pytest
import yaml

from afcourse.facts.teaching import cited_paragraphs, chapter_id, source_labels
from afcourse.quiz.blueprint import Blueprint, blueprint_problems, default_blueprint
from afcourse.quiz.sets import blueprint_quiz_set, make_quiz_set, read_quiz_set, variant_checks
from afcourse.quiz.taught import chapter_sections

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "book" / "instructor-guide.md"


@pytest.fixture(scope="module")
def book_prose(shipped_base):
    """Chapter id -> its sections, read now from book/chapters/*.md (not the package's copy)."""
    labels = source_labels(shipped_base)
    return {chapter_id(path, shipped_base): tuple(chapter_sections(path.read_text(encoding="utf-8"),
                                                                  lambda text: cited_paragraphs(text, labels)))
            for path in sorted((ROOT / "book" / "chapters").glob("*.md"))}


@pytest.mark.parametrize("chapter", ["history", "interests", "moscow-format", "taliban", "us-relations", "after-2021"])
def test_each_committed_set_keeps_the_default_blueprint(chapter, shipped_base, shipped_bank, book_prose):
    quiz, key = read_quiz_set(ROOT / "quizzes" / chapter)
    blueprint = default_blueprint(chapter)
    assert key.blueprint is not None and Blueprint.model_validate(key.blueprint) == \
        default_blueprint(chapter, key.blueprint.get("title"))
    items = [shipped_bank[k.item_id] for k in key.keys]
    assert len(items) == 10
    # every objective tested, >= 4 understanding, <= 2 date or number, <= 1 which-source, all taught by the prose
    assert blueprint_problems(blueprint, shipped_base, items, list(shipped_bank.values()), book_prose) == []
    assert {k.objective for k in key.keys} >= {o.id for o in shipped_base.objectives_of(chapter)}
    giveaways, _ = variant_checks(quiz, key, shipped_bank.values())
    assert giveaways == []


def _guide_midterm() -> list[str]:
    command = re.search(r"\$AFCOURSE generate (--chapter moscow-format.*?)--out", GUIDE.read_text(encoding="utf-8"),
                        re.S).group(1)
    return command.replace("\\\n", " ").split()


def test_the_guides_midterm_has_no_giveaway_and_deals_each_slots_answers_out(shipped_bank):
    args = _guide_midterm()
    chapters = [args[i + 1] for i, a in enumerate(args) if a == "--chapter"]
    n, variants = int(args[args.index("--n") + 1]), int(args[args.index("--variants") + 1])
    seed = args[args.index("--seed") + 1]
    for salt in ("one", "two", "three"):
        quiz, key = make_quiz_set(list(shipped_bank.values()), chapters=chapters, n=n, seed=seed, variants=variants,
                                  salt=salt)
        giveaways, sharing = variant_checks(quiz, key, shipped_bank.values())
        assert giveaways == []
        for share, answers in sharing:  # one answer in over half the variants only where the slot has one answer
            assert share <= 0.5 + 1e-9 or answers == 1, sharing


def test_the_guides_example_blueprint_reads_and_builds(shipped_base, shipped_bank, tmp_path):
    text = re.search(r"```yaml\n(chapters:.*?)```", GUIDE.read_text(encoding="utf-8"), re.S).group(1)
    blueprint = Blueprint.model_validate(yaml.safe_load(text))
    quiz, key = blueprint_quiz_set(list(shipped_bank.values()), shipped_base, blueprint, seed="midterm-2026",
                                   variants=30, salt="guide")
    items_of = {k.id: shipped_bank[k.item_id] for k in key.keys}
    for variant in quiz.variants:
        assert blueprint_problems(blueprint, shipped_base, [items_of[q.id] for q in variant.questions],
                                  list(shipped_bank.values())) == []
    assert variant_checks(quiz, key, shipped_bank.values())[0] == []
