"""Moodle XML: parsed back with lxml, checked field by field as Moodle's importer reads them.

Moodle publishes no XML schema for its question format, so the "import check" below is written
from Moodle's importer (qformat_xml) and question types: what each type must carry, and the
answer grades Moodle accepts (any other fraction makes it refuse the question).
"""

import pytest
from lxml import etree

from afcourse.exports import render
from afcourse.exports.common import MOODLE_PERCENTS, lms_id, lms_name, pool
from test_export_cases import NASTY, SOURCES, generated_quiz, html_to_text, nasty_quiz

MOODLE_TYPES = {"single_choice": "multichoice", "multiple_select": "multichoice", "true_false": "truefalse",
                "short_answer": "shortanswer", "numeric": "numerical", "matching": "matching", "ordering": "matching"}
ACCEPTED = {float(p) for p in MOODLE_PERCENTS} | {-float(p) for p in MOODLE_PERCENTS}


def parse(quiz, key, sources=SOURCES):
    (data,) = render("moodle", quiz, key, sources).values()
    assert isinstance(data, bytes) and data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return etree.fromstring(data)


def text_of(element, path: str) -> str:
    found = element.find(path)
    assert found is not None, f"{element.findtext('name/text')}: no {path}"
    return found.text or ""


def questions_by_name(root) -> dict:
    return {q.findtext("name/text"): q for q in root.findall("question") if q.get("type") != "category"}


def questions_by_item(root, quiz, key) -> dict:
    """Question elements by the quiz's own question id (found through the stable LMS id)."""
    by_idnumber = {q.findtext("idnumber"): q for q in root.findall("question") if q.get("type") != "category"}
    return {e.id: by_idnumber[lms_id(e)] for e in pool(quiz, key)}


def test_a_category_per_slot_and_every_item_once_with_a_stable_name():
    quiz, key = generated_quiz(n=5, variants=4)
    root = parse(quiz, key)
    current, seen = None, {}
    entries = {lms_id(e): e for e in pool(quiz, key)}
    for question in root.findall("question"):
        if question.get("type") == "category":
            current = question.findtext("category/text")
            continue
        idnumber = question.findtext("idnumber")
        entry = entries[idnumber]
        seen[idnumber] = current
        assert question.findtext("name/text") == lms_name(entry)
        slot = quiz.slots[entry.slot - 1]
        assert current == f"$course$/afcourse/{quiz.quiz_id}/Q{slot.number:02d} {slot.type.replace('_', ' ')}"
    assert sorted(seen) == sorted(entries)
    assert len(set(seen.values())) == len(quiz.slots)


def test_every_text_survives_escaping():
    quiz, key = nasty_quiz()
    by_name = questions_by_item(parse(quiz, key), quiz, key)
    for entry in pool(quiz, key):
        q = by_name[entry.id]
        assert q.get("type") == MOODLE_TYPES[entry.question.type]
        stem = html_to_text(text_of(q, "questiontext/text"))
        assert stem.startswith(" ".join(entry.question.stem.split()))
        feedback = html_to_text(text_of(q, "generalfeedback/text"))
        assert " ".join(entry.answer.explanation.split()) in feedback
        assert "Source: Ann Author, A Title & <More> (2020), paragraph 3." in feedback
    single = by_name["n:single"]
    options = [html_to_text(a.findtext("text")) for a in single.findall("answer")]
    assert sorted(options) == sorted(["Opt " + NASTY, "Other {x}", "C = d"])
    match = by_name["n:match"]
    pairs = {html_to_text(s.findtext("text")): html_to_text(s.findtext("answer/text"))
             for s in match.findall("subquestion")}
    assert pairs == {"P1 " + NASTY: "R2 {}", "P2 ~": "R1 " + NASTY, "P3 #": "R3 :", "": "Distractor = ~"}


def test_keys_are_carried_as_moodle_grades_them():
    quiz, key = nasty_quiz()
    by_name = questions_by_item(parse(quiz, key), quiz, key)
    fractions = lambda q: {html_to_text(a.findtext("text")): float(a.get("fraction")) for a in q.findall("answer")}  # noqa: E731
    assert fractions(by_name["n:single"]) == {"Opt " + NASTY: 100, "Other {x}": 0, "C = d": 0}
    assert fractions(by_name["n:multi"]) == {"M1 " + NASTY: 33.33333, "M2 ~tilde": -33.33333, "M3 #hash": 33.33333,
                                             "M4 :colon": 33.33333}
    assert by_name["n:multi"].findtext("defaultgrade") == "2.0000000"
    assert fractions(by_name["n:tf"]) == {"true": 0, "false": 100}
    short = {a.findtext("text"): a.get("fraction") for a in by_name["n:short"].findall("answer")}
    assert short["Ans " + NASTY.replace("*", r"\*") + r" \*star\*"] == "100" and short["Alpha"] == "100"
    numeric = by_name["n:num"].findall("answer")
    right = numeric[0]
    assert (right.findtext("text"), right.findtext("tolerance"), right.get("fraction")) == ("2017", "1", "100")
    order = by_name["n:order"]
    assert "Position 1 is the first" in html_to_text(order.findtext("questiontext/text"))
    positions = {html_to_text(s.findtext("text")): s.findtext("answer/text") for s in order.findall("subquestion")}
    assert positions == {"Y {y}": "Position 1", "X " + NASTY: "Position 2", "Z =z": "Position 3"}


def _check_for_moodle(q) -> list[str]:
    """What Moodle's importer would refuse or mangle in one question (empty when it is fine)."""
    name = q.findtext("name/text") or ""
    problems = []
    need = lambda cond, what: problems.append(f"{name}: {what}") if not cond else None  # noqa: E731
    need(name.strip(), "no name")
    need(len(name) <= 255 and len(q.findtext("idnumber") or "") <= 100, "name or idnumber too long")
    need(q.find("questiontext").get("format") == "html" and html_to_text(q.findtext("questiontext/text")), "no text")
    need(float(q.findtext("defaultgrade")) > 0, "no grade")
    answers = q.findall("answer")
    grades = [float(a.get("fraction")) for a in answers]
    need(all(g in ACCEPTED for g in grades), f"fractions {grades} not all Moodle grades")
    kind = q.get("type")
    if kind == "multichoice":
        need(q.findtext("single") in ("true", "false"), "no single")
        need(q.findtext("shuffleanswers") in ("true", "false", "1", "0"), "no shuffleanswers")
        need(len(answers) >= 2 and all(html_to_text(a.findtext("text")) for a in answers), "fewer than 2 answers")
        if q.findtext("single") == "true":
            need(max(grades) == 100 and grades.count(100) == 1, "a single-answer question needs one 100% answer")
        else:
            need(round(sum(g for g in grades if g > 0), 2) == 100, "positive fractions must add up to 100%")
    elif kind == "truefalse":
        need(sorted(a.findtext("text") for a in answers) == ["false", "true"], "answers must be true and false")
        need(sorted(grades) == [0, 100], "one of true/false must be right")
    elif kind == "shortanswer":
        need(q.findtext("usecase") in ("0", "1"), "no usecase")
        need(100 in grades and all(a.findtext("text") for a in answers), "no fully right answer")
    elif kind == "numerical":
        need(100 in grades, "no right answer")
        for a in answers:
            need(a.find("tolerance") is not None, "an answer has no tolerance")
            if a.findtext("text") != "*":
                float(a.findtext("text")), float(a.findtext("tolerance"))
    elif kind == "matching":
        subs = q.findall("subquestion")
        real = [s for s in subs if html_to_text(s.findtext("text"))]
        need(len(real) >= 2, "matching needs at least two subquestions")
        need(all(s.findtext("answer/text") for s in subs), "a subquestion has no answer")
        need(q.findtext("shuffleanswers") in ("true", "false", "1", "0"), "no shuffleanswers")
    else:
        problems.append(f"{name}: unknown type {kind}")
    for tag in ("generalfeedback",):
        need(q.find(tag) is not None, f"no {tag}")
    return problems


@pytest.mark.parametrize("build", [nasty_quiz, generated_quiz])
def test_every_question_has_what_moodle_requires_for_its_type(build):
    quiz, key = build()
    root = parse(quiz, key)
    assert root.tag == "quiz"
    questions = [q for q in root.findall("question") if q.get("type") != "category"]
    assert questions
    problems = [p for q in questions for p in _check_for_moodle(q)]
    assert problems == []


def test_the_import_check_catches_what_moodle_would_refuse():
    quiz, key = nasty_quiz()
    by_name = questions_by_item(parse(quiz, key), quiz, key)
    broken = by_name["n:multi"]
    broken.findall("answer")[0].set("fraction", "30")
    assert any("add up to 100" in p for p in _check_for_moodle(broken))
    single = by_name["n:single"]
    single.findall("answer")[1].set("fraction", "42")
    assert any("not all Moodle grades" in p for p in _check_for_moodle(single))


def test_without_source_names_citations_give_the_source_id():
    quiz, key = nasty_quiz()
    q = questions_by_item(parse(quiz, key, sources=None), quiz, key)["n:tf"]
    assert "Source: src-a, paragraph 3." in html_to_text(q.findtext("generalfeedback/text"))


def test_the_file_says_it_holds_the_key():
    quiz, key = nasty_quiz()
    (data,) = render("moodle", quiz, key).values()
    assert b"instructor file, holds the answer key" in data
