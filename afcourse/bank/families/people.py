"""People family: who held a post, as a choice and a typed surname, for the course's main actors only.

(Removed for issue 21: role true/false and person-to-post matching, which readers found to be trivia.)
"""

from __future__ import annotations

from typing import Iterator

from afcourse.bank.builder import COMMENTATOR_WORDS, N_OPTIONS, Builder, commentator, surname_unique, when_text
from afcourse.bank.builder import surname as by_surname
from afcourse.bank.models import Item, TextKey
from afcourse.bank import truth


# --- people -----------------------------------------------------------------------------------------------------

MILITARY_WORDS = ("general", "command", "forces", "army", "admiral")


def _role_when(role) -> str:
    if role.start and role.end:
        return f" from {role.start.human()} to {role.end.human()}"
    if role.as_of:
        return f" {when_text(role.as_of)}"
    return ""


def is_office(title: str) -> bool:
    """A post one person holds at a time ("Foreign Minister of Russia"), not a kind of person ("US Army general")."""
    lowered = title.lower()
    return "(" not in title and not lowered.startswith(("former ", "a ", "an ")) and any(
        f" {w} " in f" {title} " for w in ("of", "to", "for")) and not any(
        w in lowered for w in ("general", "candidate", "author", *COMMENTATOR_WORDS))


def specific_role(role) -> bool:
    """A post that only one person fits at the role's date: an office dated to the month (or by its
    start and end), or a role with an authored question. "head of US forces in 2018" fits two people."""
    if role.ask:
        return True
    precise = (role.start and role.end) or (role.as_of and role.as_of.month)
    return bool(precise) and is_office(role.title)


def _with_article(title: str) -> str:
    """"the Foreign Minister of Russia", "Russia's ambassador", "a freelance expert based in Warsaw"."""
    if title.split()[0].endswith("'s"):
        return title
    if is_office(title):
        return f"the {title}"
    return f"{'an' if title[:1].lower() in 'aeiou' else 'a'} {title}"


def _role_question(role) -> str:
    return role.ask or f"Who was {_with_article(role.title)}{_role_when(role)}?"


def _military(person) -> bool:
    """A soldier (a general, a commander): offered for a military post, never for a president's."""
    return any(w in r.title.lower() for r in person.roles for w in MILITARY_WORDS)




MAIN_ACTOR_STATEMENTS = 2


def main_actor(b: Builder, fact) -> bool:
    """One of the course's main actors: a person an objective lists, or one the facts quote or report at
    least twice. Only their posts are asked: the title of someone the course barely mentions is trivia."""
    listed = any(fact.id in o.facts for o in b.base.objectives.values())
    said = sum(1 for f in b.base if f.kind in ("statement", "quotation") and f.speaker == fact.id)
    return listed or said >= MAIN_ACTOR_STATEMENTS


def person_items(b: Builder, fact) -> Iterator[Item]:
    """Who held a post, as a choice and a typed surname: only a main actor's post, dated so one person fits."""
    surname = fact.name.split()[-1]
    for n, role in enumerate(fact.roles):
        if surname.lower() in role.title.lower() or ("(" in role.title and not role.ask):
            continue
        dated = role.start or role.as_of or role.end
        if not specific_role(role) or not main_actor(b, fact):
            continue
        stem = _role_question(role)
        explanation = f"{fact.name}: {role.title}{_role_when(role)}. {fact.statement}"
        compatriots = [p for p in b.contemporaries(b.people, dated.year if dated else None)
                       if p.id != fact.id and p.country == fact.country and fact.country
                       and not truth.holds_similar_role(p, role.title) and commentator(p) == commentator(fact)]
        alike = [p for p in compatriots if _military(p) == _military(fact)]
        pool = alike if len(alike) >= N_OPTIONS - 1 else compatriots  # a soldier for a soldier if we can
        chosen = b.single_choice(item_id=f"{fact.id}:role-choice:{n}", template="person-role-choice", stem=stem,
                                 facts=[fact], right=(fact.id, fact.name), wrong=[(p.id, p.name) for p in pool],
                                 explanation=explanation,
                                 why_wrong=lambda v, t: f"The sources do not give that post to {t}; they give it to {fact.name}.",
                                 order=by_surname)
        if chosen:
            yield chosen
        if surname_unique(b, fact):
            accepted = sorted({fact.name, surname, *fact.aliases})
            yield b.item(item_id=f"{fact.id}:role-short:{n}", template="person-role-short", type="short_answer",
                         stem=f"{stem} (A surname is enough.)", facts=[fact],
                         key=TextKey(accepted=accepted, fuzzy=True),
                         explanation=explanation)
