"""A prior for how hard an item is, before any class has answered it.

The estimate is the chance that a student who read the chapter gets the item wrong. It
adds up what the item itself shows, each part small and stated:

- the question type (:data:`BASE_DIFFICULTY`): recognising is easier than recalling, so
  true/false is easiest and short answer hardest;
- the template's own adjustment (attribution and "which source" items are harder);
- the number of options or elements: every option beyond the usual four makes a lucky
  guess less likely (:data:`PER_OPTION`), every element of a matching or ordering one
  more thing to get right (:data:`PER_ELEMENT`);
- how prominent the facts are: a fact the chapter's text does not teach is harder
  (:data:`NOT_TAUGHT`), one that several of the course's sources report is easier
  (:data:`WIDELY_REPORTED`).

It is a prior, not a measurement: ``afcourse calibrate`` replaces it with the facility a
graded class showed.
"""

from __future__ import annotations

BASE_DIFFICULTY = {"true_false": 0.25, "single_choice": 0.4, "matching": 0.5, "multiple_select": 0.55,
                   "ordering": 0.6, "numeric": 0.65, "short_answer": 0.7}
USUAL_OPTIONS = 4
PER_OPTION = 0.03
USUAL_ELEMENTS = 3
PER_ELEMENT = 0.04
NOT_TAUGHT = 0.08
WIDELY_REPORTED = -0.05


def prior_difficulty(item_type: str, *, bonus: float = 0.0, options: int = 0, elements: int = 0,
                     taught: bool | None = None, sources: int = 1) -> float:
    """The estimated chance of a wrong answer, between 0.05 and 0.95, rounded to two places.

    ``options``: choices offered (single choice, multiple select); ``elements``: things to match or
    order; ``taught``: whether the chapter's text teaches every fact of the item (None: unknown);
    ``sources``: how many of the course's sources report them.
    """
    value = BASE_DIFFICULTY[item_type] + bonus
    if item_type in ("single_choice", "multiple_select") and options:
        value += PER_OPTION * (options - USUAL_OPTIONS)
    if item_type in ("matching", "ordering") and elements:
        value += PER_ELEMENT * (elements - USUAL_ELEMENTS)
    if taught is False:
        value += NOT_TAUGHT
    if sources > 1:
        value += WIDELY_REPORTED
    return round(min(0.95, max(0.05, value)), 2)
