"""The signs of a piece of text that quiz checks compare: its names, its numbers and its content words.

Two checks read texts this way: the variant check (does one question print another's answer?)
and the taught check (does the chapter's prose make an item's point?). Both must see through
rewording, so they compare *signs*, not sentences:

- **names**: runs of capitalised words that do not open a sentence ("Zamir Kabulov", "Islamic
  State"), and the last word of a run of two or more (a surname); the course's subject names
  (:data:`SUBJECT`) are named everywhere and tell nothing;
- **numbers**: every figure, year included, with thousands separators dropped ("2,500" -> 2500);
- **content words**: words that are not function words (:data:`STOPWORDS`), each reduced by
  :func:`stem` so that "fighting", "fights" and "fighters" compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Iterable

SUBJECT = frozenset("""russia russian russians moscow kremlin afghanistan afghan afghans kabul soviet soviets ussr
united states washington america american americans taliban""".split())
"""Names so common in the course that printing them gives nothing away."""

STOPWORDS = frozenset("""a about above after again against all also although am among an and any are as at be
because been before being between both but by can could did do does doing during each either else even ever every
few for from further had has have having he her here hers him his how however i if in into is it its itself just
least less many may me might more most much must my neither no nor not now of off on once one only or other others
our out over own per rather same she should since so some such than that the their theirs them then there these
they this those though through thus to too toward towards under until up upon us very was we were what when where
whether which while who whom whose why will with within without would yet you your according said says say saw see
seen sees which true false question questions source sources statement""".split())

STEM = 5
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\d])|(?<![\w.])\d+(?:\.\d+)?")
_NAME = re.compile(r"(?:[A-Z][\w'\-]*|al-[A-Z][\w'\-]*)(?:\s+(?:of|the|al|bin|de|von)?\s*[A-Z][\w'\-]*)*")
GENERIC = frozenset("""state organisation organization council ministry army command group front union office department
party format movement commission forces alliance conference republic federation nations treaty agreement strategy
process initiative talks accords accord war mission committee government network province administration""".split())
"""Last words of a name that are no surname ("the Islamic State" is no giveaway for "state")."""
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“(]\s*)$")


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ied", "ies", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A word's comparison form: lower case, possessive and one common suffix dropped ("-ing", "-ed",
    "-s"...), a final e dropped, then its first :data:`STEM` letters ("feared", "fearing" -> "fear")."""
    word = word.casefold().removesuffix("'s").strip("'-")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[:-len(suffix)]
            break
    return word.removesuffix("e")[:STEM] if len(word) > 3 else word[:STEM]


def content_words(text: str) -> frozenset[str]:
    """The stems of a text's content words (function words and the course's subject names left out)."""
    words = (w.casefold().removesuffix("'s") for w in _WORD.findall(_plain(text)))
    return frozenset(stem(w) for w in words if w not in STOPWORDS and w not in SUBJECT and len(w) > 1)


_SPELLED = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve "
                                             "thirteen fourteen fifteen sixteen seventeen eighteen nineteen "
                                             "twenty".split())}


def numbers(text: str) -> frozenset[str]:
    """Every figure in a text, as digits ("2,500" -> "2500", "1.5" stays "1.5", "three" -> "3")."""
    spelled = {_SPELLED[w] for w in re.findall(r"[a-z]+", text.casefold()) if w in _SPELLED}
    return frozenset(n.replace(",", "") for n in _NUMBER.findall(text)) | spelled


def names(text: str) -> frozenset[str]:
    """Proper names in a text, in lower case: runs of capitalised words not opening a sentence, and
    the last word of each run of two or more; the course's subject names are left out."""
    text = _plain(text)
    found: set[str] = set()
    for match in _NAME.finditer(text):
        run = match.group(0)
        words = run.split()
        if _SENTENCE_START.search(text[:match.start()]) and len(words) == 1:
            continue  # a capital that only opens a sentence
        if _SENTENCE_START.search(text[:match.start()]):
            words = words[1:] if words[0].casefold() in STOPWORDS else words
        lowered = [w.casefold().removesuffix("'s") for w in words]
        phrase = " ".join(lowered)
        parts = [p for w in lowered for p in w.split("-")]
        if lowered and phrase not in SUBJECT and not all(w in SUBJECT or w in STOPWORDS for w in parts):
            found.add(phrase)
            if 1 < len(lowered) <= 3 and not set(lowered[-1:]) & (SUBJECT | STOPWORDS | GENERIC):
                found.add(lowered[-1])
    return frozenset(found)


def words_in_order(text: str) -> str:
    """A text as its plain lower-case words separated by single spaces, padded with one space each
    side (for whole-word search of a name: ``f" {name} " in words_in_order(text)``)."""
    plain = _plain(text).casefold().replace("'s ", " ")
    return " " + " ".join(re.findall(r"[\w\-]+", plain)) + " "


FRAME_MIN = 4
Frames = dict[str, tuple[frozenset[str], frozenset[str]]]
"""Template -> (the words of its stem frame, the words of its fixed options): see :func:`frames_of`."""


def frames_of(items: Iterable) -> Frames:
    """Per template, the words every item of it prints whatever it asks: content words in at least half of
    its stems ("How do the course's sources treat the claim that ...") and in the options of at least half
    of its items (fixed categories such as "an established fact, reported by the sources"). A point or an
    answer is judged on its other words. Templates of fewer than :data:`FRAME_MIN` items have no frame."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.template, []).append(item)
    frames: Frames = {}
    for template, group in groups.items():
        if len(group) < FRAME_MIN:
            continue
        stems, options = Counter(), Counter()
        for item in group:
            stems.update(content_words(item.question.stem))
            options.update(frozenset().union(*(content_words(c.text) for c in item.question.choices)))
        half = len(group) / 2
        frames[template] = (frozenset(w for w, k in stems.items() if k >= half),
                            frozenset(w for w, k in options.items() if k >= half))
    return frames
