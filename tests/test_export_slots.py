"""A class of many variants survives the LMS: one question per slot per student, stable question names.

The Moodle XML and QTI files are parsed back, and the draw an LMS makes (Moodle: one random
question from each slot's category; Canvas: each question group picks one) is simulated for a
class: every student must get one question per slot, so no fact is asked twice and the type
mix is the quiz's own.
"""

import random
from functools import lru_cache

from lxml import etree

from afcourse import load_facts
from afcourse.bank.generate import build_bank
from afcourse.exports import render
from afcourse.exports.common import lms_id, lms_name, pool
from afcourse.quiz.sets import compatible, make_quiz_set
from afcourse.quiz.signs import frames_of
from test_export_cases import zip_members

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


@lru_cache(maxsize=1)
def bank():
    return build_bank(load_facts())


@lru_cache(maxsize=2)
def midterm(salt: str = "class salt"):
    return make_quiz_set(bank(), chapters=["moscow-format", "taliban"], n=15, seed="midterm-2026", variants=40,
                         salt=salt)


def moodle_categories(quiz, key) -> dict[str, list[str]]:
    """Moodle category -> idnumbers of its questions, as the importer files them."""
    (data,) = render("moodle", quiz, key).values()
    categories: dict[str, list[str]] = {}
    current = None
    for question in etree.fromstring(data).findall("question"):
        if question.get("type") == "category":
            current = question.findtext("category/text")
            categories[current] = []
        else:
            categories[current].append(question.findtext("idnumber"))
    return categories


def qti_groups(quiz, key) -> list[tuple[int, list[str]]]:
    """(how many to pick, item idents) of every Canvas question group, in order."""
    files = zip_members(next(iter(render("qti", quiz, key).values())))
    (name,) = [n for n in files if n.endswith(".xml") and n != "imsmanifest.xml" and "assessment_meta" not in n]
    root = etree.fromstring(files[name])
    return [(int(section.findtext(f".//{QTI}selection_number")), [i.get("ident") for i in section.findall(f"{QTI}item")])
            for section in root.iter(f"{QTI}section") if section.find(f"{QTI}selection_ordering") is not None]


def check_draws(quiz, key, draws: list[list[str]]) -> None:
    """Every drawn quiz: one question per slot, the slot's type, no two questions on one fact or answer."""
    by_lms = {lms_id(e): e for e in pool(quiz, key)}
    items = {item.id: item for item in bank()}
    frames = frames_of(bank())
    for drawn in draws:
        entries = [by_lms[i] for i in drawn]
        assert [e.slot for e in entries] == [s.number for s in quiz.slots]
        assert [e.question.type for e in entries] == [s.type for s in quiz.slots]
        picked = [items[e.answer.item_id] for e in entries]
        facts = [f for it in picked if it.answer.level == "recall" for f in it.answer.fact_ids]
        assert len(facts) == len(set(facts)), "a fact asked twice"
        clashes = compatible(picked, False, frames)  # the rules quiz sets are built by (afcourse.quiz.sets)
        assert not [b for a in picked for b in clashes[a.id]]


def test_a_40_variant_set_keeps_one_question_per_slot_in_moodle_and_canvas():
    quiz, key = midterm()
    assert len(quiz.variants) == 40 and len(quiz.slots) == 15
    rng = random.Random(5)
    categories = moodle_categories(quiz, key)
    assert len(categories) == 15 and all(categories.values())
    moodle_draws = [[rng.choice(ids) for ids in categories.values()] for _ in range(200)]
    check_draws(quiz, key, moodle_draws)
    groups = qti_groups(quiz, key)
    assert [pick for pick, _ in groups] == [1] * 15
    canvas_draws = [[i for pick, ids in groups for i in rng.sample(ids, pick)] for _ in range(200)]
    check_draws(quiz, key, canvas_draws)


def test_every_question_of_every_variant_is_in_its_slots_lms_pool():
    quiz, key = midterm()
    categories = list(moodle_categories(quiz, key).values())
    by_quiz_id = {e.id: lms_id(e) for e in pool(quiz, key)}
    for variant in quiz.variants:
        assert [by_quiz_id[q.id] in categories[i] for i, q in enumerate(variant.questions)] == [True] * 15


def test_the_same_bank_item_exported_from_two_sets_has_the_same_id_and_a_name_naming_its_quiz():
    (quiz_a, key_a), (quiz_b, key_b) = midterm("one salt"), midterm("another salt")
    a = {e.answer.item_id: e for e in pool(quiz_a, key_a)}
    b = {e.answer.item_id: e for e in pool(quiz_b, key_b)}
    shared = set(a) & set(b)
    assert shared
    assert {e.id for e in a.values()}.isdisjoint(e.id for e in b.values())  # the quiz ids differ (salted)
    for item_id in shared:
        assert lms_id(a[item_id]) == lms_id(b[item_id])
        assert lms_name(a[item_id]).endswith(quiz_a.quiz_id) and lms_name(b[item_id]).endswith(quiz_b.quiz_id)
    ids_a = {i for ids in moodle_categories(quiz_a, key_a).values() for i in ids}
    ids_b = {i for ids in moodle_categories(quiz_b, key_b).values() for i in ids}
    assert {lms_id(a[i]) for i in shared} <= ids_a & ids_b
    for item_id in shared:  # the name tells nothing of the answer: not the bank id, no option text
        name = lms_name(a[item_id]).replace("True or false?", "")  # the stem's own first words may be shown
        assert item_id not in name and not [c.text for c in a[item_id].question.choices if c.text in name]


def test_different_content_gives_a_different_lms_id():
    quiz, key = midterm()
    entry = pool(quiz, key)[0]
    changed = entry.__class__(entry.question.model_copy(update={"stem": entry.question.stem + " (revised)"}),
                              entry.answer, entry.slot)
    assert lms_id(changed) != lms_id(entry)
