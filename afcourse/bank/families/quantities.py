"""Quantity families: a number the sources give, as numeric, choice and true/false items."""

from __future__ import annotations

import random
from collections import Counter
from typing import Iterator

from afcourse.bank.builder import Builder, balanced_options
from afcourse.bank.models import Item, NumericKey


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


SINGULAR_ENDINGS = (("ies", "y"), ("men", "man"), ("s", ""))


def with_unit(value: float, unit: str) -> str:
    """"3 rounds", "1 laboratory", "25 percent": the unit in the singular for one."""
    if value == 1:
        plural, singular = next(((p, s) for p, s in SINGULAR_ENDINGS if unit.endswith(p)), ("", ""))
        unit = unit[:len(unit) - len(plural)] + singular
    return f"{_format_number(value)} {unit}"


def _nice_step(value: float) -> float:
    """A round step about a fifth of ``value`` (1, 2, 5, 10, 20, 50 ...), at least 1."""
    if value <= 10:
        return 1
    target = value / 5
    steps = [m * 10 ** e for e in range(0, 8) for m in (1, 2, 5)]
    return min(steps, key=lambda s: abs(s - target))


def number_distractors(value: float, rng: random.Random, used: Counter, percent: bool = False) -> list[float]:
    """Three wrong numbers spaced by a round step around ``value`` (not multiples of it), with the
    key's rank among the four options drawn evenly."""
    step = (5 if value <= 30 else 10) if percent else _nice_step(value)
    below = [value - step * k for k in (1, 2, 3) if value - step * k > 0]
    above = [value + step * k for k in (1, 2, 3) if not percent or value + step * k < 100]
    return balanced_options(value, below, above, rng, used) or []


def quantity_items(b: Builder, fact) -> Iterator[Item]:
    """Numeric and choice items on a number; only for quantities with an authored question that an objective
    of their chapter lists (the size of an alliance's rapid reaction force is trivia however it is asked).
    (No true/false: a statement made false by nudging the number one step tested nothing a reader would
    remember.)"""
    if fact.contested or not fact.ask or b.base.objective_of_fact(fact.id, fact.chapter) is None:
        return
    value, unit = fact.value, fact.unit
    tolerance = round(abs(value) * 0.1, 4) if fact.approximate else 0.0
    yield b.item(item_id=f"{fact.id}:numeric", template="quantity-numeric", type="numeric",
                 stem=fact.ask, facts=[fact], unit=unit,
                 key=NumericKey(value=value, tolerance=tolerance), explanation=fact.statement)
    item_id = f"{fact.id}:choice"
    wrong = [(_format_number(w), with_unit(w, unit)) for w in
             number_distractors(value, b.rng(item_id), b.ranks["quantity-choice"], percent=unit == "percent")
             if abs(w - value) > tolerance]
    chosen = b.single_choice(item_id=item_id, template="quantity-choice", facts=[fact], stem=fact.ask,
                             right=(_format_number(value), with_unit(value, unit)), wrong=wrong,
                             explanation=fact.statement,
                             why_wrong=lambda v, t: f"Not {t}: the figure the sources give is {with_unit(value, unit)}.")
    if chosen:
        yield chosen
