"""What every export shares: the item pool, answer texts, citations, escaping helpers.

Nothing here imports a heavy library, so the format modules can share it freely.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from typing import Mapping

from afcourse.bank.models import AnswerKey, ChoiceKey, Choice, MatchKey, MultiKey, NumericKey, OrderKey, Question, TextKey
from afcourse.quiz.models import KeyFile, QuizFile, Slot, key_problems

#: The grades Moodle accepts for an answer (its ``question_bank::fraction_options_full``), in percent,
#: written the way Moodle writes them. An import with any other fraction is refused.
MOODLE_PERCENTS = ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30", "25",
                   "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0")


def safe_name(text: str) -> str:
    """A file name from an id: letters, digits, ``.``, ``_`` and ``-`` kept, the rest ``_``."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", text).strip(".") or "quiz"
    return name[:120]


CATEGORY_ROOT = "$course$/afcourse"


def slot_category(quiz: QuizFile, slot: Slot) -> str:
    """The Moodle question-bank category of one slot: a quiz draws one random question from it."""
    return f"{CATEGORY_ROOT}/{quiz.quiz_id}/Q{slot.number:02d} {slot.type.replace('_', ' ')}"


def category_idnumber(quiz: QuizFile, slot: Slot) -> str:
    """The slot category's Moodle idnumber: unique in a course (it names the quiz), at most 100 characters."""
    return f"{' '.join(quiz.quiz_id.split())[:90]}-Q{slot.number:02d}"


class ExportError(ValueError):
    """The quiz set cannot be exported as asked (missing key, inconsistent key, unknown format...)."""


@dataclass(frozen=True)
class Entry:
    """One item of the pool: the question as the first variant holding it shows it, its key, its slot."""

    question: Question
    answer: AnswerKey
    slot: int = 0
    label: str = ""
    """The question as students saw it: ``Q3`` (``Q3a``, ``Q3b``... when its slot has several)."""
    quiz_id: str = ""

    @property
    def id(self) -> str:
        return self.question.id


def pool(quiz: QuizFile, key: KeyFile | None) -> list[Entry]:
    """Every distinct item of the quiz, slot by slot, with its key.

    Raises :class:`ExportError` naming every item whose key is missing or does not fit the question.
    """
    if key is None:
        raise ExportError(f"quiz {quiz.quiz_id!r} has no key.json beside quiz.json; "
                          "LMS exports and answer keys need it")
    if key.quiz_id != quiz.quiz_id:
        raise ExportError(f"the key belongs to quiz {key.quiz_id!r}, not {quiz.quiz_id!r}")
    keys = {k.id: k for k in key.keys}
    seen: dict[str, Question] = {}
    for variant in quiz.variants:
        for question in variant.questions:
            seen.setdefault(question.id, question)
    problems = [p for q in seen.values() for p in key_problems(q, keys.get(q.id))]
    if problems:
        raise ExportError("the key does not fit the quiz:\n  " + "\n  ".join(problems))
    labels = quiz.labels()
    return [Entry(seen[qid], keys[qid], slot.number, labels.get(qid, ""), quiz.quiz_id)
            for slot in quiz.slots for qid in slot.question_ids if qid in seen]


def slot_pools(quiz: QuizFile, key: KeyFile | None) -> list[tuple[Slot, list[Entry]]]:
    """(slot, its entries) for every slot that some variant uses, in slot order."""
    entries = pool(quiz, key)
    return [(slot, found) for slot in quiz.slots if (found := [e for e in entries if e.slot == slot.number])]


def _key_in_words(key, texts: dict[str, str]):
    if isinstance(key, ChoiceKey):
        return texts[key.correct]
    if isinstance(key, MultiKey):
        return sorted(texts[c] for c in key.correct)
    if isinstance(key, OrderKey):
        return [texts[c] for c in key.order]
    if isinstance(key, MatchKey):
        return sorted([texts[p], texts[c]] for p, c in key.pairs.items())
    return key.model_dump(mode="json")


def lms_id(entry: Entry) -> str:
    """The question's stable id in LMS exports: a hash of its bank item and its content.

    The same bank item with the same content has the same id in every quiz set and every
    export (whatever the salt, variant or option order), so an LMS sees one question; it
    names neither the item nor the answer.
    """
    q, a = entry.question, entry.answer
    texts = {c.id: c.text for c in (*q.choices, *q.prompts)}
    content = [a.item_id or q.id, q.type, q.chapter, q.stem, sorted(c.text for c in q.choices),
               sorted(p.text for p in q.prompts), q.unit, q.points, _key_in_words(a.key, texts)]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return "afc-" + hashlib.sha256(("afcourse-lms|" + text).encode("utf-8")).hexdigest()[:16]


def short_label(text: str, words: int = 8, limit: int = 60) -> str:
    """The first few words of a stem, for browsing a question bank: ``Which Russian official said the…``."""
    parts = text.split()
    label = " ".join(parts[:words])
    if len(label) > limit:
        label = label[:limit].rsplit(" ", 1)[0]
    return label + ("…" if label != " ".join(parts) else "")


def lms_name(entry: Entry) -> str:
    """A readable question name, unique in its quiz: label, chapter, type, the stem's first words, the quiz id.

    ``Q03b · taliban · single choice · Which Russian official said the… · midterm-2026-4c74``.
    """
    q = entry.question
    number = re.match(r"Q(\d+)(.*)", entry.label or "")
    label = f"Q{int(number[1]):02d}{number[2]}" if number else (entry.label or "Q")
    name = f"{label} · {q.chapter} · {q.type.replace('_', ' ')} · {short_label(q.stem)}"
    return (name + f" · {entry.quiz_id}" if entry.quiz_id else name)[:250]


def multiple_select_shares(entry: Entry) -> dict[str, float]:
    """Choice id -> its share of the points under afcourse's default rule, as every LMS writes it:
    a right option +1/k, a wrong one -1/k (k right options), the total never below 0."""
    correct = set(entry.answer.key.correct)
    return {c.id: (1 if c.id in correct else -1) / len(correct) for c in entry.question.choices}


def rule_note(quiz: QuizFile, fmt: str) -> str | None:
    """Why an LMS will score this quiz's multiple select otherwise than ``afcourse grade`` (None if it will not)."""
    rule = quiz.scoring.multiple_select
    if rule == "right_minus_wrong" or fmt == "qti":
        return None
    has_multi = any(q.type == "multiple_select" for v in quiz.variants for q in v.questions)
    if not has_multi:
        return None
    return (f"this quiz scores multiple select by the {rule!r} rule, which Moodle cannot express: Moodle will score "
            "right minus wrong (each right option +1/k, each wrong one -1/k, at least 0); regenerate the set for "
            "one rule everywhere")


_TRANSLITERATIONS = [  # spellings of one Russian name in English texts, word-final first
    (r"ov$", ["ow", "off"]), (r"ev$", ["ew", "eff"]), (r"iy$", ["y", "i", "ii"]), (r"y$", ["i", "iy", "ii"]),
    (r"i$", ["y", "iy"]), (r"kh", ["h"]), (r"yu", ["iu"]), (r"ya", ["ia"]), (r"ye", ["e"]), (r"ts", ["tz"]),
]


def lms_short_answers(entry: Entry, rules=None) -> list[str]:
    """The short answers an LMS should accept so that it marks as ``afcourse grade`` does, as far as a list can.

    The key's accepted forms, their normalised spellings (no accents or punctuation), and for names
    (``fuzzy`` keys) the common other transliterations of each word (Kabulov: Kabulow, Kabuloff;
    Arkady: Arkadi, Arkadiy), each kept only when afcourse's own scoring accepts it. afcourse
    also forgives any one-letter typo in a name, which no list can hold: the guide says so.
    """
    from afcourse.common.text import normalise
    from afcourse.quiz.models import ScoringRules
    from afcourse.quiz.scoring import score

    key, question = entry.answer.key, entry.question
    forms: list[str] = []

    def add(text: str) -> None:
        text = text.strip()
        if text and text.casefold() not in {f.casefold() for f in forms}:
            forms.append(text)

    for text in key.accepted:
        add(text)
    for text in key.accepted:
        add(normalise(text))
    if key.fuzzy:
        rules = rules or ScoringRules()
        for text in list(forms):
            words = text.split()
            for i, word in enumerate(words):
                for pattern, replacements in _TRANSLITERATIONS:
                    if not re.search(pattern, word, flags=re.IGNORECASE):
                        continue
                    for other in replacements:
                        changed = re.sub(pattern, other, word, count=1, flags=re.IGNORECASE)
                        candidate = " ".join(words[:i] + [changed] + words[i + 1:])
                        if score(question, key, candidate, rules).status == "correct":
                            add(candidate)
    return forms[:40]


def lms_entry(entry: Entry) -> Entry:
    """The entry as LMS exports write it: under its stable id (:func:`lms_id`) instead of the quiz's own."""
    qid = lms_id(entry)
    answer = entry.answer.model_copy(update={"id": qid, "item_id": entry.answer.item_id or entry.question.id})
    return Entry(entry.question.model_copy(update={"id": qid}), answer, entry.slot, entry.label, entry.quiz_id)


def slot_points(slot: Slot, entries: list[Entry]) -> float:
    """The points of a slot's questions (an LMS draw needs them equal)."""
    points = {e.question.points for e in entries}
    if len(points) > 1:
        raise ExportError(f"slot {slot.number}'s questions are worth different points ({sorted(points)}): an LMS "
                          "draw of one question per slot needs them equal")
    return points.pop()


def choice_text(question: Question, choice_id: str) -> str:
    for choice in (*question.choices, *question.prompts):
        if choice.id == choice_id:
            return choice.text
    raise KeyError(choice_id)


def is_true(entry: Entry) -> bool:
    """For a true/false item: whether the statement is true."""
    return choice_text(entry.question, entry.answer.key.correct).casefold() == "true"


def num(value: float) -> str:
    """A number as people write it: 2017, not 2017.0; 0.5 stays 0.5."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def correct_answer(entry: Entry) -> str:
    """The right answer in words, for feedback and answer keys."""
    q, key = entry.question, entry.answer.key
    if isinstance(key, ChoiceKey):
        return choice_text(q, key.correct)
    if isinstance(key, MultiKey):
        return "; ".join(c.text for c in q.choices if c.id in key.correct)
    if isinstance(key, TextKey):
        return " or ".join(a for a in key.accepted if a.strip())
    if isinstance(key, NumericKey):
        tol = f" (± {num(key.tolerance)})" if key.tolerance else ""
        return f"{num(key.value)}{tol}" + (f" {q.unit}" if q.unit and q.unit != "year" else "")
    if isinstance(key, OrderKey):
        return "; ".join(f"{i}. {choice_text(q, cid)}" for i, cid in enumerate(key.order, 1))
    if isinstance(key, MatchKey):
        return "; ".join(f"{p.text} → {choice_text(q, key.pairs[p.id])}" for p in q.prompts)
    raise ExportError(f"{q.id}: unknown key kind {key!r}")  # pragma: no cover - the models forbid it


def citation_text(entry: Entry, sources: Mapping[str, str] | None = None) -> str:
    """``Source: <label>, paragraph N; ...`` (the label is the source id when no names are given)."""
    parts = [f"{(sources or {}).get(c.source, c.source)}, paragraph {c.paragraph}" for c in entry.answer.citations]
    if not parts:
        return ""
    return ("Sources: " if len(parts) > 1 else "Source: ") + "; ".join(parts) + "."


def source_labels(fact_base) -> dict[str, str]:
    """Readable source names from a fact base: ``Author, Title (year)``."""
    labels = {}
    for source in fact_base.sources.values():
        year = getattr(source.date, "year", None)
        labels[source.id] = f"{source.author}, {source.title}" + (f" ({year})" if year else "")
    return labels


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the control characters XML 1.0 cannot hold (lxml refuses them)."""
    return _NOT_XML.sub("", text)


def xml_comment(text: str) -> str:
    """Text that can stand in an XML comment (no ``--``, not ending in ``-``)."""
    text = xml_safe(text)
    while "--" in text:
        text = text.replace("--", "- -")
    return text + " " if text.endswith("-") else text


def html_text(text: str) -> str:
    """Plain text as an HTML fragment: ``& < >`` escaped, line breaks kept."""
    return html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def feedback_html(entry: Entry, sources: Mapping[str, str] | None = None) -> str:
    """General feedback as HTML: the explanation, then the citation."""
    parts = [f"<p>{html_text(entry.answer.explanation)}</p>"] if entry.answer.explanation.strip() else []
    cite = citation_text(entry, sources)
    if cite:
        parts.append(f"<p>{html_text(cite)}</p>")
    return "".join(parts)


def feedback_plain(entry: Entry, sources: Mapping[str, str] | None = None) -> str:
    return " ".join(p for p in (entry.answer.explanation.strip(), citation_text(entry, sources)) if p)


def moodle_percent(share: float) -> str:
    """``share`` (e.g. 1/3) as one of Moodle's accepted grades in percent; ExportError if it is not one."""
    sign = "-" if share < 0 else ""
    for text in MOODLE_PERCENTS:
        if abs(abs(share) * 100 - float(text)) < 1e-4:
            return sign + text if text != "0" else "0"
    raise ExportError(f"Moodle accepts no answer grade of {share * 100:.4f}%")


def position_choices(entry: Entry) -> tuple[list[Choice], list[Choice], dict[str, str]]:
    """An ordering item as a matching item: (elements, positions, element id -> position id).

    LMS formats have no ordering type that imports everywhere, so each element is matched to
    ``Position 1`` ... ``Position n`` (1 = first). Each element right scores 1/n (Moodle and
    Canvas grade matching per pair), where afcourse's own "pairs" rule scores ordered pairs.
    """
    q, key = entry.question, entry.answer.key
    positions = [Choice(id=f"pos{i}", text=f"Position {i}") for i in range(1, len(key.order) + 1)]
    pairs = {cid: f"pos{i}" for i, cid in enumerate(key.order, 1)}
    return list(q.choices), positions, pairs


ORDERING_NOTE = "Give each its position: Position 1 is the first."


def matching_parts(entry: Entry) -> tuple[str, list[Choice], list[Choice], dict[str, str]]:
    """(stem, prompts, options, prompt id -> option id) for a matching or ordering item."""
    q = entry.question
    if q.type == "ordering":
        prompts, options, pairs = position_choices(entry)
        return f"{q.stem} {ORDERING_NOTE}", prompts, options, pairs
    return q.stem, list(q.prompts), list(q.choices), dict(entry.answer.key.pairs)
