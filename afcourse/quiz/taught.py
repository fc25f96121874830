"""Does the chapter's prose teach an item? Checked against the text a student reads.

A chapter page is cut into **sections** at its ``##`` headings (a section keeps its ``###``
sub-sections and its boxes, such as "The sources disagree"); the learning-objectives block, code
cells, the discussion questions and the self-check quiz are not teaching prose and are left out.
An item is **taught** by its chapter when one section

1. **cites** at least one paragraph the item cites (the chapter discusses the item's evidence
   there, not only somewhere in the book);
2. makes the item's **point**: at least :data:`POINT_SHARE` of the content words of the stem
   (:func:`afcourse.quiz.signs.content_words`, reduced to a stem, so "fighting" meets "fight"),
   or all of them when there are fewer than :data:`SHORT` (those may be anywhere in the chapter,
   such as a concept's name), and every name the stem prints (months aside: a date frames a
   question, the answer's figures are checked);
3. gives the item's **answer**: a name of the key, every figure of the key, and at least
   :data:`ANSWER_SHARE` of the content words of a key that is a clause (a reason, a view, a
   claim), or all of them for a key of one or two words.

A question on a concept's definition is taught where the chapter discusses a case of the concept and its
"Concepts to think with" box glosses the term, linked to the glossary's definition.

A template's fixed wording (:func:`frames_of`: "How do the course's sources treat the claim
that ...", options that name categories such as "an established fact") says nothing about the
item and is left out of both. Items whose key is a truth value, an order or pairs (true/false, ordering, matching) are checked
on their stem and every element they show; their elements may come from the whole chapter. A
false true/false statement carries one wrong element on purpose: only its content words count.

Signs, not sentences, are compared, so the check survives rewording: names and figures stay
when a sentence is rewritten, and a point reworded keeps most of its content words. The
sections are package data (``prose.json``), so an installed package without the book still
knows them; ``python -m afcourse.quiz.taught BOOK_CHAPTERS`` rewrites the file from the chapters
and a test recomputes it.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from afcourse.bank.models import CONCEPT, Item
from afcourse.common.fileio import write_atomic
from afcourse.quiz.giveaways import MONTHS, key_texts
from afcourse.quiz.signs import GENERIC, Frames, content_words, frames_of, names, numbers, words_in_order

PROSE_FILE = "prose.json"
POINT_SHARE = 0.5
ANSWER_SHARE = 0.5
SHORT = 3
NOT_TAUGHT_SECTIONS = ("discussion questions", "self-check quiz")
_FENCE = re.compile(r"^(`{3,}|:{3,})\s*(\{[\w-]+\})?(.*)$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SOURCE_LABEL = re.compile(r"^(?P<name>.+?) \((?P<year>\d{4})\)$")


@dataclass(frozen=True)
class Section:
    """One ``##`` section of a chapter: its heading, its prose as plain text, the paragraphs it cites."""

    heading: str
    text: str
    cited: frozenset[tuple[str, int]]


def _prose_lines(markdown: str) -> list[str]:
    """The lines of a chapter that a student reads as prose: no front matter, no code cells, no
    objectives block, no directive options; links reduced to their labels."""
    lines = markdown.splitlines()
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1:]
    kept: list[str] = []
    skipping: str | None = None
    for line in lines:
        fence = _FENCE.match(line.strip())
        if skipping is not None:
            if fence and line.strip() == skipping:
                skipping = None
            continue
        if fence and fence.group(2):
            directive, rest = fence.group(2), fence.group(3).strip().lower()
            if directive in ("{code-cell}", "{objectives}") or rest == "learning objectives":
                skipping = fence.group(1)
            continue
        if fence or re.match(r"^:[\w-]+:", line.strip()):
            continue  # a closing fence, or a directive option such as ":class: tip"
        kept.append(line)
    return kept


def chapter_sections(markdown: str, cited_of) -> list[Section]:
    """The taught sections of a chapter's Markdown; ``cited_of(text)`` gives the (source, paragraph)
    pairs a text cites (:func:`afcourse.facts.teaching.cited_paragraphs` with the source labels)."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in _prose_lines(markdown):
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif not line.startswith("# "):
            sections[-1][1].append(line)
    found = []
    for heading, body in sections:
        raw = "\n".join(body).strip()
        if not raw or heading.lower() in NOT_TAUGHT_SECTIONS:
            continue
        text = " ".join(_LINK.sub(r"\1", raw).replace("*", "").split())
        found.append(Section(heading, text, frozenset(cited_of(raw))))
    return found


def compute_prose(base, chapters_dir: str | Path) -> dict[str, list[dict]]:
    """Chapter id -> its sections as data (heading, text, cited paragraphs), read from the book's chapters."""
    from afcourse.facts.teaching import chapter_id, cited_paragraphs, source_labels

    labels = source_labels(base)
    prose = {}
    for path in sorted(Path(chapters_dir).glob("*.md")):
        sections = chapter_sections(path.read_text(encoding="utf-8"), lambda text: cited_paragraphs(text, labels))
        prose[chapter_id(path, base)] = [{"heading": s.heading, "text": s.text,
                                          "cited": sorted([src, n] for src, n in s.cited)} for s in sections]
    return prose


def dump_prose(prose: dict[str, list[dict]]) -> str:
    """The canonical text of ``prose.json``."""
    return json.dumps(prose, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def shipped_prose() -> dict[str, tuple[Section, ...]]:
    """Chapter id -> its taught sections, as recorded in the package's ``prose.json``."""
    data = json.loads((resources.files("afcourse") / "quiz" / PROSE_FILE).read_text(encoding="utf-8"))
    return {chapter: tuple(Section(s["heading"], s["text"], frozenset((c[0], c[1]) for c in s["cited"]))
                           for s in sections) for chapter, sections in data.items()}


def _share(words: frozenset[str], text_words: frozenset[str]) -> float:
    return len(words & text_words) / len(words) if words else 1.0


def _full_names(found: frozenset[str]) -> list[str]:
    """The names of a set from :func:`afcourse.quiz.signs.names` without the surnames taken from them."""
    return sorted(n for n in found if not any(other != n and other.endswith(" " + n) for other in found))


def _present(name: str, plain: str, content: frozenset[str]) -> bool:
    """A name is in a text as written, by its last word, or by all its content words in any order
    ("Afghanistan's foreign minister" for "Foreign Minister of Afghanistan")."""
    words = name.split()
    if f" {name} " in plain or (len(words) > 1 and f" {words[-1]} " in plain and words[-1] not in GENERIC):
        return True
    return len(words) > 1 and content_words(name) <= content

def _missing_in(text: str, whole: str, item: Item, frame: tuple[frozenset[str], frozenset[str]]) -> str | None:
    """What of ``item``'s point or answer the section ``text`` lacks (``whole``: the chapter), or None."""
    q, key = item.question, item.answer.key
    plain, figures, content = words_in_order(text), numbers(text), content_words(text)
    false_statement = q.type == "true_false" and any(
        c.id == getattr(key, "correct", None) and c.text.casefold() == "false" for c in q.choices)
    stem = re.sub(r"^True or false\?\s*|\s*\(A surname is enough\.\)$", "", q.stem)
    point = content_words(stem) - frame[0]
    if q.type not in ("ordering", "matching", "multiple_select"):
        if len(point) >= SHORT and _share(point, content) < POINT_SHARE:
            return f"the stem's words ({_share(point, content):.0%} of them)"
        if len(point) < SHORT and not point <= content_words(whole):
            return f"the stem's words {', '.join(sorted(point - content_words(whole)))}"
    if not false_statement:
        for name in _full_names(names(stem)):
            if name not in MONTHS and not _present(name, plain, content):
                return f"the stem's name {name!r}"
    shown = key_texts(item) if q.type not in ("ordering", "matching", "true_false") else \
        [c.text for c in (*q.choices, *q.prompts) if q.type != "true_false"]
    for answer in shown:
        label = _SOURCE_LABEL.match(answer)
        if label:  # a source: named in the section (its citations are checked apart)
            if not any(f" {n} " in plain for n in names(" " + label["name"])):
                return f"the source {label['name']}"
            continue
        answer_names = names(answer)
        if answer_names and not any(_present(n, plain, content) for n in answer_names):
            return f"the answer's name {sorted(answer_names)[0]!r}"
        for figure in sorted(numbers(answer) - figures):
            return f"the answer's figure {figure}"
        words = content_words(answer) - frame[1] - {w for n in answer_names for w in content_words(n)}
        if len(words) >= SHORT and _share(words, content) < ANSWER_SHARE:
            return f"the answer's words ({_share(words, content):.0%} of them)"
        if len(words) < SHORT and not words <= content:
            return f"the answer's words {', '.join(sorted(words - content))}"
    return None


_GLOSSED = re.compile(r"\{term\}`(?:[^`<]*<)?([^`<>]+)>?`:")
"""A chapter's "Concepts to think with" box: ``- {term}`Hedging`: keeping ties with every side. Ask: ...``."""


def _glosses(whole: str, concept: str) -> bool:
    """Does the chapter's concepts box gloss ``concept`` (an id such as ``great-power-rivalry``), linking the
    term to its glossary entry?"""
    return any(content_words(name.replace("-", " ")) == content_words(concept.replace("-", " "))
               for name in _GLOSSED.findall(whole))


def untaught(item: Item, sections: tuple[Section, ...] | list[Section], frames: Frames | None = None) -> str | None:
    """Why the chapter whose ``sections`` these are does not teach ``item``, or None when it does
    (``frames``: :func:`frames_of` the bank the item comes from). A question on a concept's definition is
    taught when the chapter discusses its case and glosses the term, linked to the glossary's definition."""
    frame = (frames or {}).get(item.template, (frozenset(), frozenset()))
    cites = {(c.source, c.paragraph) for c in item.answer.citations}
    citing = [s for s in sections if s.cited & cites]
    if not citing:
        return "no section of the chapter cites the paragraphs the item rests on"
    whole = " ".join(s.text for s in sections)
    if CONCEPT in item.values:
        glossed = _glosses(whole, item.values[CONCEPT])
        return None if glossed else f"the chapter does not gloss the term of {item.values[CONCEPT]!r}"
    if item.question.type in ("ordering", "matching", "multiple_select"):
        missing = _missing_in(whole, whole, item, frame)
        return None if missing is None else f"the chapter's prose lacks {missing}"
    problems = [_missing_in(s.text, whole, item, frame) for s in citing]
    if None in problems:
        return None
    return f"no section that cites its evidence has {problems[0]}"


def taught_items(items, prose: dict[str, tuple[Section, ...]] | None = None, frames: Frames | None = None) -> set[str]:
    """Ids of the items their own chapter's prose teaches (``prose``: the shipped sections by default;
    ``frames``: of the whole bank, by default of ``items``)."""
    items = list(items)
    prose = shipped_prose() if prose is None else prose
    frames = frames_of(items) if frames is None else frames
    return {it.id for it in items if untaught(it, prose.get(it.question.chapter, ()), frames) is None}


def main(argv: list[str]) -> int:
    """Rewrite ``prose.json`` from the book's chapter files (the one argument)."""
    from afcourse.facts.factbase import load_facts

    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m afcourse.quiz.taught BOOK_CHAPTERS_DIR", file=sys.stderr)
        return 2
    target = Path(str(resources.files("afcourse") / "quiz" / PROSE_FILE))
    write_atomic(target, dump_prose(compute_prose(load_facts(), argv[0])), force=True)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
