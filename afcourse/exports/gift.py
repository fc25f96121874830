"""Moodle GIFT text (Question bank > Import > GIFT format).

**An instructor file: it holds the answer key** (``=`` marks right answers), as every LMS import
does. Never hand it to students.

Each item is one paragraph: ``::<stable name>::[html]<stem>{<answers>####<general feedback>}``, the
name being the same readable, stable one as in Moodle XML. A
``$CATEGORY: $course$/afcourse/<quiz id>/Q<nn> <type>`` line opens each slot: a Moodle quiz takes one
random question from each. Types follow the Moodle XML
export (:mod:`afcourse.exports.moodle`): ``~%33.33333%`` weights for multiple select, ``{T}``/``{F}``,
``{=a =b}`` short answers, ``{#value:tolerance}`` numbers, ``{=prompt -> answer}`` matching, and
ordering as matching to "Position 1..n".

GIFT has no field for a question's points: every question imports worth 1. A set with any
question worth more or less is refused (:class:`~afcourse.exports.common.ExportError`, naming the
questions), never exported with its points silently lost: use Moodle XML for it.

Escaping: texts are HTML-escaped (the ``[html]`` format), then every GIFT special character
(``~ = # { } :`` and the backslash) gets a backslash; a line break becomes ``<br>``, so no
question holds a blank line. Short answers are compared, not displayed: they are not HTML-escaped,
and Moodle's ``*`` wildcard is escaped in them.
"""

from __future__ import annotations

import re
from typing import Mapping

from afcourse.exports.common import (Entry, ExportError, correct_answer, feedback_html, html_text, is_true, lms_entry,
                                     lms_name, lms_short_answers, matching_parts, moodle_percent,
                                     multiple_select_shares, num, slot_category, slot_pools)
from afcourse.quiz.models import KeyFile, QuizFile

_SPECIAL = re.compile(r"([\\~=#{}:])")


def escape(text: str) -> str:
    """Backslash every GIFT special character; line breaks become ``\\n`` (GIFT's own escape)."""
    return _SPECIAL.sub(r"\\\1", text).replace("\r\n", "\n").replace("\n", r"\n")


def render(quiz: QuizFile, key: KeyFile | None, sources: Mapping[str, str] | None = None) -> str:
    """The GIFT text for every item of ``quiz``."""
    blocks = [f"// afcourse quiz {quiz.quiz_id.replace(chr(10), ' ')}: instructor file, holds the answer key"]
    pools = slot_pools(quiz, key)
    weighted = sorted({e.label or e.id for _, entries in pools for e in entries if e.question.points != 1})
    if weighted:
        raise ExportError(f"GIFT cannot carry points, and {', '.join(weighted)} would import worth 1 point instead of "
                          "their own: export Moodle XML (`afcourse export moodle`) for this set")
    for slot, entries in pools:
        blocks.append(f"$CATEGORY: {slot_category(quiz, slot)}")
        blocks.extend(question_text(lms_entry(e), sources, quiz.scoring) for e in entries)
    return "\n\n".join(blocks) + "\n"


def _html(text: str) -> str:
    return escape(html_text(text))


def question_text(entry: Entry, sources: Mapping[str, str] | None = None, rules=None) -> str:
    q, key = entry.question, entry.answer.key
    stem = matching_parts(entry)[0] if q.type in ("ordering",) else q.stem
    head = f"::{escape(lms_name(entry))}::[html]{_html(stem)}"
    general = f"####{escape(feedback_html(entry, sources))}"
    wrong = _html(f"Not right. The answer: {correct_answer(entry)}.")
    lines: list[str] = []
    why = entry.answer.feedback
    if q.type == "single_choice":
        for c in q.choices:
            note = wrong + (f" {_html(why[c.id])}" if why.get(c.id) else "")
            lines.append(f"={_html(c.text)}#Right." if c.id == key.correct else f"~{_html(c.text)}#{note}")
    elif q.type == "multiple_select":
        shares = multiple_select_shares(entry)
        for c in q.choices:
            ok = c.id in key.correct
            note = "Yes, this is one of the answers." if ok else "No, this is not one of the answers."
            if not ok and why.get(c.id):
                note += f" {why[c.id]}"
            lines.append(f"~%{moodle_percent(shares[c.id])}%{_html(c.text)}#{_html(note)}")
    elif q.type == "true_false":
        # {T#feedback for a wrong answer#feedback for a right one}
        lines.append(f"{'T' if is_true(entry) else 'F'}#{wrong}#Right.")
    elif q.type == "short_answer":
        for text in lms_short_answers(entry, rules):
            lines.append(f"={escape(text.replace('*', chr(92) + '*'))}#Right.")
    elif q.type == "numeric":
        lines.extend(["#", f"={num(key.value)}:{num(key.tolerance)}#Right."])  # the # must follow the brace
    else:  # matching, and ordering as matching
        _, prompts, options, pairs = matching_parts(entry)
        texts = {o.id: o.text for o in options}
        lines.extend(f"={_html(p.text)} -> {_html(texts[pairs[p.id]])}" for p in prompts)
        lines.extend(f"= -> {_html(o.text)}" for o in options if o.id not in pairs.values())
    body = "\n".join(lines)
    if q.type == "numeric":
        return f"{head}{{{body}\n{general}\n}}"
    return f"{head}{{\n{body}\n{general}\n}}"
