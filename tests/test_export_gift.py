"""GIFT: parsed back with a third-party GIFT parser from PyPI.

The parser is ``ua-exam``'s (``ua_exam.gift_parser``, MIT): a tokenizer that honours every GIFT
escape (``\\~ \\= \\# \\{ \\} \\:`` and ``\\\\``), categories and titles. ``pygiftparser`` (1.1, the
first choice) installs but cannot read escaped text: its answer regex ends the answer block at
the first ``\\}``, it never unescapes ``\\\\`` or titles, and its category pattern stops at a
hyphen (checked on this export). ua-exam reads the whole file as HTML first (``html.unescape``), so
the texts it returns are what Moodle displays for our ``[html]`` questions.
"""

import re

import pytest

from afcourse.exports import render
from afcourse.exports.common import lms_name, lms_short_answers, pool
from afcourse.exports.gift import escape
from test_export_cases import NASTY, SOURCES, generated_quiz, one_point
from test_export_cases import nasty_quiz as weighted_quiz


def nasty_quiz():
    return one_point(*weighted_quiz())

gift_parser = pytest.importorskip("ua_exam.gift_parser", reason="ua-exam (a GIFT parser) is a test dependency")


def parse(quiz, key):
    (text,) = render("gift", quiz, key, SOURCES).values()
    assert isinstance(text, str)
    names = {lms_name(e): e.id for e in pool(quiz, key)}  # questions by the quiz's own ids
    return text, {names[q["title"]]: q for q in gift_parser.parse_gift_content(text)}


def stem(parsed: dict) -> str:
    assert parsed["text"].startswith("[html]")
    return parsed["text"][len("[html]"):]


def test_every_question_parses_with_its_id_category_and_text():
    quiz, key = nasty_quiz()
    _, parsed = parse(quiz, key)
    entries = pool(quiz, key)
    assert sorted(parsed) == sorted(e.id for e in entries)
    for entry in entries:
        q = parsed[entry.id]
        slot = quiz.slots[entry.slot - 1]
        assert q["category"] == f"$course$/afcourse/{quiz.quiz_id}/Q{slot.number:02d} {slot.type.replace('_', ' ')}"
        assert stem(q).startswith(entry.question.stem)


def test_options_and_right_answers_survive_escaping():
    quiz, key = nasty_quiz()
    _, parsed = parse(quiz, key)
    single = parsed["n:single"]
    assert single["type"] == "multiple_choice"
    # LMS exports put options in a fixed order of their own (the LMS shuffles them)
    assert sorted((o["text"], o["is_correct"]) for o in single["options"]) == sorted([
        ("Opt " + NASTY, True), ("Other {x}", False), ("C = d", False)])
    multi = parsed["n:multi"]
    assert sorted((o["text"], o["is_correct"]) for o in multi["options"]) == sorted([
        ("M1 " + NASTY, True), ("M2 ~tilde", False), ("M3 #hash", True), ("M4 :colon", True)])
    assert parsed["n:tf"]["type"] == "true_false" and parsed["n:tf"]["correct"] is False
    # short answers: Moodle's wildcard * is escaped as \* for the shortanswer type to compare literally
    short = [o["text"] for o in parsed["n:short"]["options"]]
    assert short[:2] == ["Ans " + NASTY + r" \*star\*", "Alpha"]
    assert short[2:] == [lms for lms in lms_short_answers(pool(quiz, key)[3]) if lms not in (
        "Ans " + NASTY + " *star*", "Alpha")]  # then the plain spellings grading accepts too
    assert [o["text"] for o in parsed["n:num"]["options"]] == ["2017:1"]
    assert sorted(o["text"] for o in parsed["n:match"]["options"]) == sorted([
        "P1 " + NASTY + " -> R2 {}", "P2 ~ -> R1 " + NASTY, "P3 # -> R3 :", "-> Distractor = ~"])
    assert sorted(o["text"] for o in parsed["n:order"]["options"]) == sorted([
        "X " + NASTY + " -> Position 2", "Y {y} -> Position 1", "Z =z -> Position 3"])


def test_weights_and_feedback_are_written_as_moodle_reads_them():
    quiz, key = nasty_quiz()
    text, _ = parse(quiz, key)
    head = {e.id: f"::{escape(lms_name(e))}::" for e in pool(quiz, key)}
    block = text.split(head["n:multi"], 1)[1].split("\n}\n", 1)[0]
    assert sorted(re.findall(r"^~%(-?[\d.]+)%", block, re.M)) == sorted(["33.33333", "-33.33333", "33.33333",
                                                                          "33.33333"])
    assert "####<p>EXPLAIN-n\\:multi" in block and "Source\\: Ann Author, A Title &amp; &lt;More&gt; (2020)" in block
    tf = text.split(head["n:tf"], 1)[1].split("\n}\n", 1)[0]
    assert "{\nF#" in tf and tf.count("#Right.") == 1
    numeric = text.split(head["n:num"], 1)[1].split("\n}\n", 1)[0]
    assert "{#\n=2017:1#Right." in numeric


def test_a_generated_quiz_parses_whole():
    quiz, key = generated_quiz(n=5, variants=4, same_points=True)
    text, parsed = parse(quiz, key)
    assert sorted(parsed) == sorted(e.id for e in pool(quiz, key))
    assert "\n\n\n" not in text and text.startswith("// afcourse quiz")
    assert "holds the answer key" in text.split("\n")[0]


@pytest.mark.parametrize("char", list("~=#{}:\\"))
def test_escape_backslashes_every_special_character(char):
    escaped = escape(f"a{char}b")
    assert escaped == f"a\\{char}b"
    (parsed,) = gift_parser.parse_gift_content(f"::t::{escaped}{{=x}}")
    assert parsed["text"] == f"a{char}b"


def test_line_breaks_in_texts_never_split_a_question():
    quiz, key = nasty_quiz()
    questions = [q.model_copy(update={"stem": "First line\n\nsecond line " + q.stem})
                 for q in quiz.variants[0].questions]
    quiz = quiz.model_copy(update={"variants": [quiz.variants[0].model_copy(update={"questions": questions})]})
    keys = [k.model_copy(update={"explanation": "One.\n\nTwo."}) for k in key.keys]
    text, parsed = parse(quiz, key.model_copy(update={"keys": keys}))
    assert len(parsed) == len(questions)
    assert all(stem(q).startswith("First line<br><br>second line") for q in parsed.values())
    assert all(block.strip() for block in text.split("\n\n"))
