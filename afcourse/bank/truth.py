"""What the fact base says is true: the checks that keep distractors false.

Every option an item offers has a *value* (a year, an entity id, a fact id, a source
id). These functions answer "would this value also be a right answer?" from the
facts, so the generator never offers a secretly true distractor and the linter can
prove it did not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from afcourse.facts.factbase import FactBase
from afcourse.common.text import normalise

SIMILAR_TITLE = 80
SIMILAR_GIST = 55


def event_years(fact) -> set[int]:
    """Every year an event covers (its date to its end date)."""
    last = fact.end_date.year if fact.end_date else fact.date.year
    return set(range(fact.date.year, last + 1))


def titles_similar(a: str, b: str) -> bool:
    """Two role titles that could name the same post ("Foreign Minister" ~ "Minister of Foreign Affairs")."""
    a, b = normalise(a), normalise(b)
    return a == b or fuzz.token_sort_ratio(a, b) >= SIMILAR_TITLE or fuzz.token_set_ratio(a, b) >= 95


def holds_similar_role(person, title: str) -> bool:
    """Does ``person`` hold any role whose title is similar to ``title``?"""
    return any(titles_similar(role.title, title) for role in person.roles)


def _close(fact, said: str, other) -> bool:
    """Is the statement or quotation ``other`` close to ``fact`` (whose words, normalised, are ``said``):
    much the same words, an answer to the same claim, or the same stance on a shared subject?"""
    if fuzz.token_set_ratio(said, normalise(_said(other))) >= SIMILAR_GIST:
        return True
    if _answers_the_same(fact, other):
        return True
    return other.kind == fact.kind == "statement" and other.stance == fact.stance and bool(set(other.tags) & set(fact.tags))


def _answers_the_same(fact, other) -> bool:
    return bool(getattr(fact, "responds_to", None)) and getattr(other, "responds_to", None) == fact.responds_to


def said_something_similar(base: FactBase, speaker: str, fact) -> bool:
    """Did ``speaker`` make a statement or quotation close to ``fact`` (so naming them would be right)?

    Also true for anyone the fact records as having said much the same (``also_said_by``).
    """
    if speaker in getattr(fact, "also_said_by", ()):
        return True
    said = normalise(_said(fact))
    return any(other.kind in ("statement", "quotation") and other.speaker == speaker and other.id != fact.id
               and _close(fact, said, other) for other in base)


def said_by_another(base: FactBase, fact) -> bool:
    """Is someone else on record making ``fact``'s point (``also_said_by``, or an answer by another speaker
    to the same claim), so that a typed answer to "who said it?" has a second right name?"""
    return bool(getattr(fact, "also_said_by", ())) or any(
        other.kind == "statement" and other.speaker != fact.speaker and _answers_the_same(fact, other) for other in base)


def _said(fact) -> str:
    return fact.gist if fact.kind == "statement" else fact.quote


def source_gives(fact, source_id: str, value: str) -> bool:
    """For a disagreement: does ``source_id`` give ``value`` (normalised) in one of its versions?"""
    return any(v.source == source_id and normalise(v.value or v.says) == normalise(value) for v in fact.versions)


def related_months(base: FactBase, fact) -> set[int]:
    """The months of ``fact`` and of every other event in its year that shares a tag with it (a
    second Moscow meeting that year makes its month a defensible answer too)."""
    months = {fact.date.month}
    for other in base.of_kind("event"):
        if other.id != fact.id and other.date.month and other.date.year == fact.date.year and set(other.tags) & set(fact.tags):
            months.add(other.date.month)
    return months


COMMON_WORDS = frozenset({"russia", "russian", "russians", "afghanistan", "afghan", "afghans", "united", "states",
                          "moscow", "washington", "taliban", "kabul", "would", "could", "their", "there", "which",
                          "while", "should", "about", "since", "other", "government"})
"""Words nearly every claim of the course shares: they say nothing about whether two claims match."""
SHARED_CONTENT = 0.4


def _content_words(text: str) -> set[str]:
    return {w for w in normalise(text).split() if len(w) >= 5 and w not in COMMON_WORDS}


def author_claims_similar(base: FactBase, author: str, fact) -> bool:
    """Did the source ``author`` make a claim that shares much of its content with ``fact``'s?

    Looser than :func:`said_something_similar` (which treats any same-stance claim on a shared tag as
    similar): analysts make many assessments on the same subjects, so only shared content words
    (beyond the names every claim of the course uses) count.
    """
    mine = _content_words(" ".join(t for t in (fact.gist, getattr(fact, "short", None)) if t))
    for other in base:
        if other.kind != "statement" or other.speaker != author or other.id == fact.id:
            continue
        theirs = _content_words(" ".join(t for t in (other.gist, other.short) if t))
        if mine and theirs and len(mine & theirs) / min(len(mine), len(theirs)) >= SHARED_CONTENT:
            return True
    return False


# --- understanding relations --------------------------------------------------------------------------------------

SIMILAR_CLAUSE = 75


@lru_cache(maxsize=262144)
def clauses_similar(a: str, b: str) -> bool:
    """Two clauses that say much the same ("it feared Islamic State" ~ "it feared the spread of Islamic State")."""
    a, b = normalise(a), normalise(b)
    return a == b or fuzz.token_sort_ratio(a, b) >= SIMILAR_CLAUSE or fuzz.token_set_ratio(a, b) >= 92


COMMON_WORDS = frozenset({"russia", "russian", "moscow", "afghanistan", "afghan", "united", "states", "washington", "kabul",
                          "taliban", "country", "own", "wanted", "would", "could", "about", "also", "more", "itself"})
"""Words nearly every clause of the course uses: sharing them says nothing about sharing a point."""
_STOP = frozenset("the a an of to and or in on for with by from as at its it his her their that this was were is be "
                  "been had has have not no but which who what when than into over after before since".split())


@lru_cache(maxsize=65536)
def _points(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(content words, names and years) of a clause: what it is about."""
    words = frozenset(w for w in normalise(text).split() if len(w) > 2 and w not in _STOP and w not in COMMON_WORDS)
    names = {w.lower() for w in re.findall(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+|\b1[89]\d\d\b|\b20\d\d\b", text.strip())}
    return words, frozenset(names - COMMON_WORDS)


def clauses_related(a: str, b: str) -> bool:
    """Might a student defend ``b`` as saying ``a``'s point? Much the same words, a shared name or year
    ("Ukraine", "2014"), or two shared content words: then ``b`` is no safe wrong answer where ``a`` is right."""
    if clauses_similar(a, b):
        return True
    (wa, na), (wb, nb) = _points(a), _points(b)
    return bool(na & nb) or len(wa & wb) >= 2


def _same_subject(a: str, b: str) -> bool:
    """Do two clauses speak of the same thing: much the same words, or a shared name or year? (Looser
    overlaps, such as "civil war" in both, do not make one event the other's cause.)"""
    return clauses_similar(a, b) or bool(_points(a)[1] & _points(b)[1])


def same_action(a, b) -> bool:
    """Two reason records about one move of one actor."""
    return a.actor == b.actor and clauses_similar(a.action, b.action)


def reasons_for(base: FactBase, relation) -> list:
    """Every reason record the sources give for ``relation``'s action (itself included)."""
    return [r for r in base.relations_of("reason") if same_action(r, relation)]


def reason_linked(base: FactBase, relation, reason: str) -> bool:
    """Does any source give ``reason`` (or a related point, :func:`clauses_related`) for ``relation``'s action?
    Then it is no wrong answer."""
    return any(clauses_related(r.reason, reason) for r in reasons_for(base, relation))


def effect_linked(base: FactBase, relation, effect: str) -> bool:
    """Does any source trace ``effect`` (or much the same) to ``relation``'s cause?"""
    return any(clauses_similar(c.cause, relation.cause) and clauses_related(c.effect, effect)
               for c in base.relations_of("consequence"))


def follows_on(base: FactBase, relation) -> set[str]:
    """Ids of the consequences downstream of ``relation``: those whose cause is its effect, and theirs in turn
    (the coup cost Najibullah's backers their say; that loss led to the aid cutoff; the cutoff broke his
    government). Each of them also "followed from" ``relation``'s cause, so none is a safe wrong answer."""
    consequences = base.relations_of("consequence")
    reached, frontier = set(), [relation]
    while frontier:
        current = frontier.pop()
        for other in consequences:
            if other.id not in reached and other.id != relation.id and _same_subject(current.effect, other.cause):
                reached.add(other.id)
                frontier.append(other)
    return reached


def effects_alike(a, b) -> bool:
    """Two consequences whose effects a reader could defend as the same kind of outcome: a shared ``theme``
    set by an author who read them side by side, or effects that say much the same."""
    return (a.theme is not None and a.theme == b.theme) or clauses_related(a.effect, b.effect)


def holds_view(base: FactBase, holder: str, topic: str, view: str) -> bool:
    """Do the sources give ``holder`` the view ``view`` (or much the same) on ``topic``?"""
    return any(p.holder == holder and p.topic == topic and clauses_similar(p.view, view)
               for p in base.relations_of("position"))


def fits_concept(base: FactBase, case: str, concept: str) -> bool:
    """Is ``case`` (or much the same case) recorded as an example of ``concept``, directly or in ``also_fits``?"""
    return any((e.concept == concept or concept in e.also_fits) and clauses_similar(e.case, case)
               for e in base.relations_of("example"))
