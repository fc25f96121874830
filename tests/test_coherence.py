"""Quiz-set coherence: same event, giveaways, taught facts, and the committed chapter sets."""

from pathlib import Path


from afcourse.bank.coherence import clash_map, conflict, reveals
from afcourse.facts.factbase import load_facts
from afcourse.facts.teaching import TAUGHT_FILE, compute_taught, dump_taught, taught_facts
from afcourse.quiz.sets import compatible, read_quiz_set
from afcourse.quiz.signs import frames_of
from afcourse.quiz.taught import taught_items

ROOT = Path(__file__).parent.parent


def test_same_event_in_two_templates_conflicts(shipped_bank):
    """The first joint appeal to the Taliban was made at the April 2017 Moscow conference: two facts, one day."""
    appeal = shipped_bank["first-joint-call-on-taliban-to-negotiate:year-numeric"]
    conference = shipped_bank["moscow-conference-april-2017:year-choice"]
    assert not set(appeal.answer.fact_ids) & set(conference.answer.fact_ids)
    assert conflict(appeal, conference).startswith("both ask about the same event")


def test_two_items_on_one_relation_conflict(shipped_bank):
    """Two understanding items on one relation (a case, and the idea it shows) never share a quiz."""
    case = next(i for i in shipped_bank.values() if i.template == "concept-case-choice")
    idea = shipped_bank[case.id.replace(":concept-case-choice", ":concept-idea-choice")]
    assert conflict(case, idea) is not None


def test_denial_and_its_allegation_conflict(shipped_bank, shipped_base):
    denial = next(i for i in shipped_bank.values() if i.template == "statement-speaker-choice"
                  and getattr(shipped_base.facts[i.answer.fact_ids[0]], "responds_to", None))
    answered = shipped_base.facts[denial.answer.fact_ids[0]].responds_to
    other = next(i for i in shipped_bank.values() if i.answer.fact_ids == [answered])
    assert "same event" in conflict(denial, other)


def test_stem_naming_another_items_answer_conflicts(shipped_bank):
    asked = shipped_bank["kabulov-taliban-interests-coincide-2015:speaker-short"]  # answer: Zamir Kabulov
    naming = next(i for i in shipped_bank.values() if "Kabulov" in i.question.stem
                  and not set(i.answer.fact_ids) & set(asked.answer.fact_ids)
                  and not set(i.occasions) & set(asked.occasions))
    assert reveals(naming, asked) == "kabulov"
    assert "shows 'kabulov'" in conflict(naming, asked)
    assert conflict(asked, naming) == conflict(naming, asked) or "shows" in conflict(asked, naming)


def test_unrelated_items_do_not_conflict(shipped_bank):
    a, b = shipped_bank["taliban-take-kabul-2021:year-numeric"], shipped_bank["berlin-congress-1878:year-numeric"]
    assert conflict(a, b) is None


def test_taught_facts_match_the_book():
    """taught.json is what the chapters' citations give; rerun `python -m afcourse.facts.teaching book/chapters`."""
    recomputed = dump_taught(compute_taught(load_facts(), ROOT / "book" / "chapters"))
    stored = (ROOT / "afcourse" / "facts" / TAUGHT_FILE).read_text(encoding="utf-8")
    assert recomputed == stored


def test_a_fact_no_chapter_cites_is_not_taught():
    assert "taliban-kunduz-offensive-2016" not in taught_facts()["taliban"]
    assert "kabulov-taliban-interests-coincide-2015" in taught_facts()["taliban"]


def test_committed_sets_are_coherent_and_taught(shipped_base, shipped_bank):
    for chapter in shipped_base.chapters:
        quiz, key = read_quiz_set(ROOT / "quizzes" / chapter)
        items = [shipped_bank[k.item_id] for k in key.keys]
        # the rules quiz sets are built by (afcourse.quiz.sets.compatible), and taught by the chapter's prose
        clashes = compatible(items, False, frames_of(shipped_bank.values()))
        assert not [b for a in items for b in clashes[a.id]], chapter
        assert {i.id for i in items} <= taught_items(items, None, frames_of(shipped_bank.values())), chapter
        assert all(len(i.question.prompts) >= 3 for i in items if i.question.type == "matching"), chapter


def test_clash_map_is_conflict_for_every_pair(shipped_bank):
    items = [i for i in shipped_bank.values() if i.question.chapter == "interests"]
    clashes = clash_map(items)
    for n, a in enumerate(items):
        for b in items[n + 1:]:
            assert (b.id in clashes[a.id]) == (conflict(a, b) is not None), (a.id, b.id)
