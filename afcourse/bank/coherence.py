"""Which items may sit in one quiz together: no shared fact, no shared answer.

A quiz reads as one piece when no two of its questions ask about the same fact and no
two have the same answer (two questions answered "2016" read as a trick, and the second
is easier for the first). :func:`conflict` says why two items clash, or ``None``; quiz
sets consult it for every pair they put together.
"""

from __future__ import annotations

from afcourse.bank.models import ChoiceKey, Item, NumericKey, TextKey
from afcourse.common.text import normalise


def answer_forms(item: Item) -> frozenset[str]:
    """The answer of ``item`` in comparable forms (normalised texts); empty for true/false and lists."""
    key = item.answer.key
    if item.question.type == "true_false":
        return frozenset()
    if isinstance(key, ChoiceKey):
        texts = [c.text for c in item.question.choices if c.id == key.correct]
        texts += [item.values[key.correct]] if key.correct in item.values else []
        return frozenset(normalise(t) for t in texts if t)
    if isinstance(key, TextKey):
        return frozenset(normalise(a) for a in key.accepted if a)
    if isinstance(key, NumericKey):
        return frozenset({normalise(f"{key.value:g}")})
    return frozenset()


def conflict(a: Item, b: Item) -> str | None:
    """Why ``a`` and ``b`` should not be in one quiz, or ``None`` when they may."""
    shared = set(a.answer.fact_ids) & set(b.answer.fact_ids)
    if shared:
        return f"both ask about {sorted(shared)[0]}"
    same = answer_forms(a) & answer_forms(b)
    if same:
        return f"both have the answer {sorted(same)[0]!r}"
    return None
