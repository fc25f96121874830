"""People families: who held a post (choice, typed surname, true/false) and person-to-post matching."""

from __future__ import annotations

from itertools import combinations
from typing import Iterator

from afcourse.bank.builder import (COMMENTATOR_WORDS, N_OPTIONS, Builder, capitalise, choice_id, commentator, groups,
                                   stable_hash, surname_unique, when_text)
from afcourse.bank.models import Item, MatchKey, TextKey
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




def person_items(b: Builder, fact) -> Iterator[Item]:
    surname = fact.name.split()[-1]
    for n, role in enumerate(fact.roles):
        if surname.lower() in role.title.lower() or ("(" in role.title and not role.ask):
            continue
        dated = role.start or role.as_of or role.end
        if dated:
            yield from _role_true_false(b, fact, role, n)
        if not specific_role(role):
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
                                 explanation=explanation)
        if chosen:
            yield chosen
        if surname_unique(b, fact):
            accepted = sorted({fact.name, surname, *fact.aliases})
            yield b.item(item_id=f"{fact.id}:role-short:{n}", template="person-role-short", type="short_answer",
                         stem=f"{stem} (A surname is enough.)", facts=[fact],
                         key=TextKey(accepted=accepted, fuzzy=True),
                         explanation=explanation)


def _role_true_false(b: Builder, fact, role, n: int) -> Iterator[Item]:
    """"In 2007 X was the Foreign Minister of Russia": the false version borrows the post of another person
    of the same country and kind, held around the same time, that X never held (a falsehood a student could
    believe: Lavrov as President of Russia, not Lavrov as US Secretary of State)."""
    item_id = f"{fact.id}:role-tf:{n}"
    dated = role.start or role.as_of or role.end
    if not is_office(role.title):  # "a former warlord": a swap would be unprovable, not plainly false
        return
    borrowed = sorted({r.title for p in b.people if p.id != fact.id and p.country == fact.country and fact.country
                       for r in p.roles if (r.start or r.as_of or r.end) and is_office(r.title)
                       and abs((r.start or r.as_of or r.end).year - dated.year) <= 3
                       and not truth.holds_similar_role(fact, r.title)})
    if not borrowed:
        return
    other = b.rng(item_id).choice(borrowed)
    when = capitalise(_role_when(role).strip())
    yield b.true_false(item_id=item_id, template="person-role-tf", facts=[fact],
                       true_text=f"{when} {fact.name} was {_with_article(role.title)}.",
                       false_text=f"{when} {fact.name} was {_with_article(other)}.",
                       substitute=other,
                       explanation=f"{fact.name}: {role.title}{_role_when(role)}. {fact.statement}")


def people_group_items(b: Builder, people: list) -> Iterator[Item]:
    """Person-to-role matching over groups of a chapter's people with clearly different roles."""
    def distinct(group):
        titles = [p.roles[0].title for p in group]
        return all(not truth.titles_similar(x, y) for x, y in combinations(titles, 2)) and all(
            not truth.holds_similar_role(p, q.roles[0].title) for p in group for q in group if p is not q) and not any(
            p.country and p.country == q.country and truth.heads_a_government(p) and truth.heads_a_government(q)
            for p, q in combinations(group, 2))
    people = [p for p in people if "(" not in p.roles[0].title]
    for group in groups(sorted(people, key=lambda p: p.id), distinct):
        item_id = f"people-matching:{stable_hash('|'.join(p.id for p in group), 10)}"
        yield b.item(item_id=item_id, template="people-role-matching", type="matching", facts=group,
                     stem="Match each person to the post or position the course gives for them.",
                     prompts=[(p.id, p.name) for p in group],
                     choices=sorted((f"role:{p.id}", p.roles[0].title) for p in group),
                     key=MatchKey(pairs={choice_id(p.id): choice_id(f"role:{p.id}") for p in group}),
                     explanation=" ".join(f"{p.name}: {p.roles[0].title}." for p in group))
