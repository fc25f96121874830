"""Read what a student types into a numeric box, as people write numbers.

One rule, used at entry (the notebook widget), by the static page's script
(``quizui/assets/quiz.js`` ports it line for line; a browser test runs both on the
same inputs) and by the grader, so a number means the same thing everywhere.

:func:`parse_number` returns a float, ``None`` for no answer (empty or only spaces),
or raises :class:`NumberEntryError` whose message is written for the student.

The rule:

1. Spaces at either end are ignored; text is read after Unicode NFKC normalisation
   (full-width digits and signs become ordinary ones) and digits of any script count
   (Arabic-Indic ``۱۸۷۷`` is 1877). A leading ``+``, ``-`` or ``−`` gives the sign.
2. A trailing unit is accepted: ``%``, ``percent`` or ``per cent`` when the question
   asks for a percentage (``%`` anywhere else is refused with a message), and the
   question's own unit in the singular or plural (``3 rounds``, ``1 round``).
3. Anything else that is not a digit or a separator, words included (``nan``,
   ``Infinity``, ``eighteen seventy-seven``, ``2e3``), is refused: type digits.
4. Separators. Spaces (ordinary or thin) only group thousands. With both a point and
   a comma, the last one is the decimal mark and the other groups thousands
   (``1,234.5`` and ``1.234,5`` are both 1234.5). One kind used twice or more groups
   thousands (``1,234,567``). Grouped digits must come in threes after a first group
   of one to three digits, else the number is refused.
5. A single point or comma is a decimal mark (``3,5`` is 3.5, ``25,5`` is 25.5,
   ``0,500`` is 0.5), except the ambiguous case of one to three digits (not starting
   with 0), the mark and exactly three digits, such as ``1,500`` or ``1.877``. That is
   resolved by the magnitude the question expects: a calendar year (unit ``year``) or a
   count of whole things (any unit not listed in :data:`FRACTIONAL_UNITS`) cannot be
   1.5, so it reads as 1500; for a quantity that can be fractional (a percentage, a
   duration in years or months, a sum of money...) the entry is refused, and the
   message shows both readings and how to type each.
6. A number too large to hold (``9`` repeated 400 times) is refused.
"""

from __future__ import annotations

import math
import re
import unicodedata

PERCENT_UNITS = frozenset({"percent", "per cent", "%", "percentage"})
"""Units under which a trailing ``%`` is accepted."""

FRACTIONAL_UNITS = PERCENT_UNITS | frozenset({
    "years", "months", "weeks", "days", "hours", "minutes", "km", "kilometres", "kilometers", "miles",
    "metres", "meters", "kg", "kilograms", "tonnes", "tons", "dollars", "us dollars", "roubles", "rubles",
    "euros", "million", "billion", "million dollars", "billion dollars"})
"""Units whose quantity may be fractional; every other unit counts whole things (or is a calendar year)."""

_MINUS = "-\u2212"
_SEPARATORS = ".,"


class NumberEntryError(ValueError):
    """An entry that is not a number the quiz can read; ``str()`` is the message for the student."""


def _digits_to_ascii(text: str) -> str:
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not "0" <= ch <= "9" else ch for ch in text)


def _unit_forms(unit: str) -> list[str]:
    unit = unit.strip().lower()
    forms = {unit, unit + "s"}
    if unit.endswith("ies"):
        forms.add(unit[:-3] + "y")
    elif unit.endswith("s"):
        forms.add(unit[:-1])
    if unit.endswith("y"):
        forms.add(unit[:-1] + "ies")
    return sorted(forms, key=len, reverse=True)


def expects_whole_number(unit: str | None) -> bool:
    """Whether an answer in ``unit`` is a whole number (a calendar year or a count of things)."""
    return bool(unit) and unit.strip().lower() not in FRACTIONAL_UNITS


def _strip_unit(text: str, unit: str | None) -> str:
    """``text`` without a trailing unit the question accepts; a stray ``%`` is refused."""
    lowered = text.lower()
    percent = bool(unit) and unit.strip().lower() in PERCENT_UNITS
    if percent:
        for suffix in ("per cent", "percent", "%"):
            if lowered.endswith(suffix):
                return text[: len(text) - len(suffix)].rstrip()
    elif lowered.endswith("%"):
        wanted = "a year" if (unit or "").strip().lower() == "year" else f"a number of {unit}" if unit else "a number"
        raise NumberEntryError(f"This question asks for {wanted}, not a percentage: type the number without %.")
    if unit:
        for form in _unit_forms(unit):
            before = text[-len(form) - 1:-len(form)]
            if lowered.endswith(form) and len(text) > len(form) and (before.isspace() or "0" <= before <= "9"):
                return text[: len(text) - len(form)].rstrip()
    return text


def _grouped(digits: str, mark: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{1,3}(?:" + re.escape(mark) + r"[0-9]{3})+", digits))


def parse_number(text, unit: str | None = None) -> float | None:
    """The number ``text`` stands for under the rule above; None for no answer; NumberEntryError otherwise."""
    if text is None:
        return None
    shown = " ".join(str(text).split())  # as the student sees it, on one line
    if len(shown) > 40:
        shown = shown[:39] + "\u2026"
    t = _digits_to_ascii(unicodedata.normalize("NFKC", str(text))).strip()
    if not t:
        return None
    t = _strip_unit(t, unit)
    sign = 1.0
    if t[:1] in _MINUS or t[:1] == "+":
        sign = -1.0 if t[:1] in _MINUS else 1.0
        t = t[1:].lstrip()
    unreadable = NumberEntryError(f"\u201c{shown}\u201d is not a number the quiz can read: type digits, with a "
                                  "point or a comma before any decimals (for example 25.5 or 25,5).")
    if not re.fullmatch(r"[0-9., ]*[0-9][0-9., ]*", t):
        if not re.search(r"[0-9]", t) or any(ch.isalpha() for ch in t):
            raise NumberEntryError(f"Type the answer in digits (for example 1877): \u201c{shown}\u201d is not "
                                   "a number the quiz can read.")
        raise unreadable
    spaced = " " in t
    if spaced and not re.fullmatch(r"[0-9]{1,3}(?: [0-9]{3})+(?:[.,][0-9]*)?", t):
        raise unreadable
    t = t.replace(" ", "")
    marks = [ch for ch in t if ch in _SEPARATORS]
    kinds = set(marks)
    decimal = None
    if len(kinds) == 2:
        decimal = marks[-1]
        if marks.count(decimal) != 1:
            raise unreadable
    elif len(kinds) == 1 and len(marks) == 1:
        whole, _, frac = t.partition(marks[0])
        ambiguous = not spaced and 1 <= len(whole) <= 3 and whole[0] != "0" and len(frac) == 3
        if not ambiguous:
            decimal = marks[0]
        elif not expects_whole_number(unit):
            fraction = f"{whole}.{frac.rstrip('0') or '0'}"
            raise NumberEntryError(f"\u201c{shown}\u201d could mean {whole}{frac} or {fraction}: type "
                                   f"{whole}{frac} for the first, or {fraction} for the second.")
    if decimal is not None:
        whole, _, frac = t.rpartition(decimal)
    else:
        whole, frac = t, ""
    group = next((ch for ch in _SEPARATORS if ch != decimal and ch in whole), None)
    if group is not None:
        if not _grouped(whole, group):
            raise unreadable
        whole = whole.replace(group, "")
    if not re.fullmatch(r"[0-9]*", whole) or not re.fullmatch(r"[0-9]*", frac) or not (whole or frac):
        raise unreadable
    value = sign * float(f"{whole or '0'}.{frac or '0'}")
    if not math.isfinite(value):
        raise NumberEntryError(f"\u201c{shown}\u201d is too large a number to be the answer.")
    return value


def is_blank(response) -> bool:
    """No answer: nothing, an empty list or mapping, or text that is empty or only whitespace."""
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    return isinstance(response, (list, dict)) and not response


NUMBER_HELP = ("Numbers: type digits, with a decimal point or comma (3.5 or 3,5). You may add the unit or, for "
               "a percentage, %. Write thousands without a separator (1500) if in doubt: 1,500 is read as 1500 "
               "only when the answer is a whole number, such as a year or a count.")
"""How numbers are read, as students read it in the quiz's help text (widget and static page)."""
