"""Score one response against one key, under documented, per-quiz scoring rules.

The same function grades a live notebook quiz and an instructor's whole class, so a
student never sees one score in the notebook and another in the gradebook.

Partial credit follows one principle (:data:`PARTIAL_CREDIT`): an item that asks for
several separate judgements earns the share of those judgements made right, each
counting the same. A matching item asks one judgement per prompt, an ordering one per
pair of elements (which comes first). Multiple select follows the rule every LMS can
express the same way (Moodle's answer grades, Canvas's "partial credit with penalty",
QTI's response processing): each right option chosen earns 1/k of the points (k right
options), each wrong option chosen costs 1/k, and the total is never below 0. So ticking
every box of 2 right options among 5 earns 0, one wrong box alone earns 0, and 1 of 2
right options with nothing wrong earns 0.5.

Rules (:class:`afcourse.quiz.models.ScoringRules`, set per quiz):

- single choice and true/false: all or nothing.
- multiple select, ``"right_minus_wrong"`` (default): (right chosen - wrong chosen) / k,
  at least 0, as above; ``"all_or_nothing"``: full marks only for exactly the right set;
  ``"options"`` (sets made before this rule): the share of options judged right (right
  ones chosen, wrong ones left). Moodle expresses only the default; QTI all three.
- short answer: compared after normalising case, punctuation, whitespace, diacritics
  and a leading article; names (``fuzzy`` keys) also accept their parts in another order
  ("Lavrov Sergei") and a typo when the similarity
  is at least ``fuzzy_threshold`` (rapidfuzz ratio, 0-100). Only whitespace is no answer.
- numeric: the text is read by :func:`afcourse.quiz.answers.parse_number` (decimal
  comma or point, a trailing unit or %); full marks within the key's tolerance, else
  none. Text it cannot read, and numbers that are not finite, are ``invalid``.
- ordering, ``"pairs"`` (default): the share of pairs in the right relative order
  (a Kendall-tau agreement); ``"all_or_nothing"``.
- matching, ``"pairs"`` (default): the share of prompts matched right;
  ``"all_or_nothing"``.

The static page's script (``quizui/assets/quiz.js``) implements the same rules;
``tests/test_browser_scoring_parity.py`` compares the two.
"""

from __future__ import annotations

from itertools import combinations
from typing import Literal

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

import math

from afcourse.bank.models import ChoiceKey, MatchKey, MultiKey, NumericKey, OrderKey, Question, TextKey
from afcourse.common.text import normalise
from afcourse.quiz.answers import NumberEntryError, is_blank, parse_number
from afcourse.quiz.models import Response, ScoringRules

Status = Literal["correct", "partial", "incorrect", "unanswered", "invalid"]

PARTIAL_CREDIT = ("Partial credit: a question that asks for several judgements earns the share of them you get "
                  "right. Matching: each prompt matched right. Ordering: each pair of elements in the right order. "
                  "Multiple select: each right option you tick earns its share, each wrong one you tick takes a "
                  "share away (never below 0).")
"""The principle as students read it in the quiz's help text (widget and static page)."""


class ItemScore(BaseModel):
    """The result of scoring one response."""

    model_config = ConfigDict(frozen=True)
    item_id: str
    points: float
    max_points: float
    status: Status
    detail: str = ""


def score(question: Question, key, response: Response, rules: ScoringRules = ScoringRules()) -> ItemScore:
    """Score ``response`` to ``question`` against ``key`` (the AnswerKey's ``key``)."""
    full = question.points
    if is_blank(response):
        return ItemScore(item_id=question.id, points=0.0, max_points=full, status="unanswered")
    try:
        fraction, detail = _fraction(question, key, response, rules)
    except _InvalidResponse as exc:
        return ItemScore(item_id=question.id, points=0.0, max_points=full, status="invalid", detail=str(exc))
    status: Status = "correct" if fraction >= 1 else "incorrect" if fraction <= 0 else "partial"
    return ItemScore(item_id=question.id, points=round(full * fraction, 4), max_points=full, status=status, detail=detail)


class _InvalidResponse(ValueError):
    pass


def _ids(response: Response, question: Question, what: str) -> list[str]:
    if not isinstance(response, list) or not all(isinstance(r, str) for r in response):
        raise _InvalidResponse(f"expected a list of {what} ids")
    known = {c.id for c in question.choices}
    unknown = [r for r in response if r not in known]
    if unknown:
        raise _InvalidResponse(f"unknown choice id(s): {', '.join(unknown)}")
    return response


def _fraction(question: Question, key, response: Response, rules: ScoringRules) -> tuple[float, str]:
    if isinstance(key, ChoiceKey):
        if not isinstance(response, str):
            raise _InvalidResponse("expected one choice id")
        if response not in {c.id for c in question.choices}:
            raise _InvalidResponse(f"unknown choice id: {response}")
        return (1.0 if response == key.correct else 0.0), ""
    if isinstance(key, MultiKey):
        picked = set(_ids(response, question, "choice"))
        right, wrong = len(picked & set(key.correct)), len(picked - set(key.correct))
        detail = f"{right} of {len(key.correct)} correct options chosen, {wrong} wrong"
        if rules.multiple_select == "all_or_nothing":
            return (1.0 if picked == set(key.correct) else 0.0), detail
        if rules.multiple_select == "right_minus_wrong":
            return max(0.0, (right - wrong) / len(key.correct)), detail
        options = len(question.choices)
        judged_right = right + (options - len(key.correct) - wrong)
        return judged_right / options, detail
    if isinstance(key, TextKey):
        if not isinstance(response, str):
            raise _InvalidResponse("expected text")
        given = normalise(response)
        accepted = [normalise(a) for a in key.accepted]
        if given in accepted:
            return 1.0, ""
        if key.fuzzy and sorted(given.split()) in [sorted(a.split()) for a in accepted]:
            return 1.0, ""  # a name with its parts in another order: "Lavrov Sergei"
        if key.fuzzy and len(given) >= 4 and max(fuzz.ratio(given, a) for a in accepted) >= rules.fuzzy_threshold:
            return 1.0, "accepted with a small spelling difference"
        return 0.0, ""
    if isinstance(key, NumericKey):
        if isinstance(response, bool) or not isinstance(response, (int, float, str)):
            raise _InvalidResponse("expected a number")
        if isinstance(response, str):
            try:
                value = parse_number(response, question.unit)
            except NumberEntryError as exc:
                raise _InvalidResponse(str(exc)) from None
        else:
            try:
                value = float(response)
            except OverflowError:
                raise _InvalidResponse("too large a number") from None
        if value is None:
            raise _InvalidResponse("no number given")
        if not math.isfinite(value):
            raise _InvalidResponse("not a finite number")
        return (1.0 if abs(value - key.value) <= key.tolerance else 0.0), ""
    if isinstance(key, OrderKey):
        order = _ids(response, question, "element")
        if sorted(order) != sorted(key.order):
            raise _InvalidResponse("an ordering must list every element exactly once")
        position = {item: i for i, item in enumerate(order)}
        pairs = list(combinations(key.order, 2))
        agree = sum(1 for a, b in pairs if position[a] < position[b])
        detail = f"{agree} of {len(pairs)} pairs in the right order"
        if rules.ordering == "all_or_nothing":
            return (1.0 if order == key.order else 0.0), detail
        return agree / len(pairs), detail
    if isinstance(key, MatchKey):
        if not isinstance(response, dict) or not all(isinstance(v, str) for v in response.values()):
            raise _InvalidResponse("expected prompt id -> choice id pairs")
        unknown = set(response) - set(key.pairs)
        if unknown:
            raise _InvalidResponse(f"unknown prompt id(s): {', '.join(sorted(unknown))}")
        right = sum(1 for prompt, choice in key.pairs.items() if response.get(prompt) == choice)
        detail = f"{right} of {len(key.pairs)} matched"
        if rules.matching == "all_or_nothing":
            return (1.0 if right == len(key.pairs) else 0.0), detail
        return right / len(key.pairs), detail
    raise TypeError(f"unknown key type {type(key).__name__}")
