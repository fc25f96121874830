"""Moodle XML: a question bank file for Site administration > Question bank > Import.

**An instructor file: it holds the answer key** (every question's right answers, fractions and
feedback), as every LMS import does. Never hand it to students.

What it holds:

- one ``category`` per slot, ``$course$/afcourse/<quiz id>/Q<nn> <type>``, with the idnumber
  ``<quiz id>-Q<nn>`` (Moodle wants category idnumbers unique in a course: two quizzes never
  clash), followed by that slot's interchangeable items: a Moodle quiz built with one "random
  question" from each category, in order, gives every student one question per slot, as
  afcourse's own variants do;
- each item once, named for browsing the bank (:func:`~afcourse.exports.common.lms_name`:
  ``Q03b · taliban · single choice · <the stem's first words> · <quiz id>``), with a stable
  ``idnumber`` derived from its bank item and content (:func:`~afcourse.exports.common.lms_id`),
  which names neither the item nor the answer;
- single choice and multiple select as ``multichoice`` (``single`` true/false); multiple select
  by afcourse's own default rule, which Moodle's answer grades express exactly: each right option
  +1/k, each wrong one -1/k, at least 0 (a set made under another rule gets a note);
  true/false as ``truefalse``; short answer as ``shortanswer``, case-insensitive, listing the
  key's forms, their plain spellings and the usual other transliterations of a name
  (:func:`~afcourse.exports.common.lms_short_answers`; Moodle has no typo tolerance); numeric as
  ``numerical`` with its tolerance; matching as ``matching``;
- ordering as ``matching``: each element is matched to "Position 1" ... "Position n" (Position 1
  is first). Moodle grades that per element, where afcourse's own rule scores ordered pairs;
- per-answer feedback (the key's sentence on why an option is wrong, when it has one), and
  general feedback carrying the explanation and the citation.

Texts are written in Moodle's ``html`` format: every fact text is HTML-escaped, then lxml escapes
it again for XML, so ``&``, ``<`` and quotes arrive as text. Short-answer answers are compared,
not displayed, and are written raw (with Moodle's ``*`` wildcard escaped).
"""

from __future__ import annotations

from typing import Mapping

from lxml import etree

from afcourse.exports.common import (Entry, ExportError, category_idnumber, correct_answer, feedback_html, html_text,
                                     is_true, lms_entry, lms_name, lms_short_answers, matching_parts, moodle_percent,
                                     multiple_select_shares, num, slot_category, slot_pools, xml_comment, xml_safe)
from afcourse.quiz.models import KeyFile, QuizFile


def render(quiz: QuizFile, key: KeyFile | None, sources: Mapping[str, str] | None = None) -> bytes:
    """The Moodle XML document (UTF-8 bytes) for every item of ``quiz``, a category per slot."""
    root = etree.Element("quiz")
    root.append(etree.Comment(xml_comment(f" afcourse quiz {quiz.quiz_id}: instructor file, holds the answer key ")))
    for slot, entries in slot_pools(quiz, key):
        root.append(_category(slot_category(quiz, slot), f"Question {slot.number} of {quiz.title}: add one random "
                              f"question from this category ({len(entries)} interchangeable).",
                              category_idnumber(quiz, slot)))
        for entry in entries:
            root.append(question_element(lms_entry(entry), sources, quiz.scoring))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _text(parent, tag: str, value: str, fmt: str | None = None, **attrs):
    element = etree.SubElement(parent, tag, **({"format": fmt} if fmt else {}), **attrs)
    etree.SubElement(element, "text").text = xml_safe(value)
    return element


def _sub(parent, tag: str, value: str):
    etree.SubElement(parent, tag).text = xml_safe(value)


def _category(path: str, info: str, idnumber: str):
    element = etree.Element("question", type="category")
    _text(element, "category", path)
    _text(element, "info", f"<p>{html_text(info)}</p>", "html")
    _sub(element, "idnumber", idnumber)
    return element


MOODLE_TYPES = {"single_choice": "multichoice", "multiple_select": "multichoice", "true_false": "truefalse",
                "short_answer": "shortanswer", "numeric": "numerical", "matching": "matching", "ordering": "matching"}


def question_element(entry: Entry, sources: Mapping[str, str] | None = None, rules=None):
    """One ``<question>`` element with the fields Moodle's importer needs for its type."""
    q, key = entry.question, entry.answer.key
    qtype = MOODLE_TYPES[q.type]
    element = etree.Element("question", type=qtype)
    _text(element, "name", lms_name(entry))
    stem = matching_parts(entry)[0] if q.type == "ordering" else q.stem
    _text(element, "questiontext", f"<p>{html_text(stem)}</p>", "html")
    _text(element, "generalfeedback", feedback_html(entry, sources), "html")
    _sub(element, "defaultgrade", f"{q.points:.7f}")
    _sub(element, "penalty", "0.3333333" if qtype != "truefalse" else "1.0000000")
    _sub(element, "hidden", "0")
    if len(q.id) > 100:
        raise ExportError(f"{q.id}: Moodle's idnumber holds at most 100 characters")
    _sub(element, "idnumber", q.id)
    answer_wrong = f"Not right. The answer: {correct_answer(entry)}."
    if qtype == "multichoice":
        single = q.type == "single_choice"
        _sub(element, "single", "true" if single else "false")
        _sub(element, "shuffleanswers", "true")
        _sub(element, "answernumbering", "abc")
        _sub(element, "showstandardinstruction", "1")
        _combined_feedback(element)
        correct = {key.correct} if single else set(key.correct)
        shares = {c.id: 1.0 if c.id in correct else 0.0 for c in q.choices} if single else multiple_select_shares(entry)
        why = entry.answer.feedback
        for choice in q.choices:
            ok = choice.id in correct
            if single:
                note = "Right." if ok else answer_wrong
            else:
                note = "Yes, this is one of the answers." if ok else "No, this is not one of the answers."
            if not ok and why.get(choice.id):
                note = f"{note} {why[choice.id]}"
            _answer(element, moodle_percent(shares[choice.id]), f"<p>{html_text(choice.text)}</p>", note, "html")
    elif qtype == "truefalse":
        truth = is_true(entry)
        ids = {c.text.casefold(): c.id for c in q.choices}
        for value in ("true", "false"):
            ok = (value == "true") == truth
            note = "Right." if ok else answer_wrong
            if not ok and entry.answer.feedback.get(ids.get(value, "")):
                note = f"{note} {entry.answer.feedback[ids[value]]}"
            _answer(element, "100" if ok else "0", value, note, "moodle_auto_format")
    elif qtype == "shortanswer":
        _sub(element, "usecase", "0")
        for text in lms_short_answers(entry, rules):
            _answer(element, "100", text.replace("*", r"\*"), "Right.", "moodle_auto_format")
    elif qtype == "numerical":
        answer = _answer(element, "100", num(key.value), "Right.", "moodle_auto_format")
        _sub(answer, "tolerance", num(key.tolerance))
        catch_all = _answer(element, "0", "*", answer_wrong, "moodle_auto_format")
        _sub(catch_all, "tolerance", "0")
        _sub(element, "unitgradingtype", "0")
        _sub(element, "unitpenalty", "0.1000000")
        _sub(element, "showunits", "3")
        _sub(element, "unitsleft", "0")
    else:  # matching, and ordering as matching
        _, prompts, options, pairs = matching_parts(entry)
        _sub(element, "shuffleanswers", "true")
        _combined_feedback(element)
        texts = {o.id: o.text for o in options}
        for prompt in prompts:
            sub = _text(element, "subquestion", f"<p>{html_text(prompt.text)}</p>", "html")
            _text(sub, "answer", html_text(texts[pairs[prompt.id]]))
        for option in options:  # options no prompt takes: Moodle's distractors have an empty question text
            if option.id not in pairs.values():
                sub = _text(element, "subquestion", "", "html")
                _text(sub, "answer", html_text(option.text))
    return element


def _answer(parent, fraction: str, text: str, feedback: str, fmt: str):
    answer = _text(parent, "answer", text, fmt, fraction=fraction)
    _text(answer, "feedback", f"<p>{html_text(feedback)}</p>", "html")
    return answer


def _combined_feedback(element) -> None:
    _text(element, "correctfeedback", "<p>Your answer is correct.</p>", "html")
    _text(element, "partiallycorrectfeedback", "<p>Your answer is partially correct.</p>", "html")
    _text(element, "incorrectfeedback", "<p>Your answer is incorrect.</p>", "html")
    etree.SubElement(element, "shownumcorrect")
