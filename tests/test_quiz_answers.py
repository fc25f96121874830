"""Numbers as students type them: afcourse.quiz.answers.parse_number, by example and by property."""

import math

import pytest
from hypothesis import given, settings, strategies as st

from afcourse.quiz.answers import NumberEntryError, expects_whole_number, is_blank, parse_number

EXAMPLES = [
    # (typed, unit, value)
    ("3,5", None, 3.5),
    ("25,5", "percent", 25.5),
    ("3.5", "months", 3.5),
    ("0,500", None, 0.5),
    (",5", None, 0.5),
    ("2019.", "year", 2019.0),
    ("1,234.5", None, 1234.5),
    ("1.234,5", None, 1234.5),
    ("1,234,567", None, 1234567.0),
    ("1 500", None, 1500.0),
    ("1\u202f500,5", None, 1500.5),
    ("1,500", "rounds", 1500.0),  # a count is whole: the lone comma groups thousands
    ("1.877", "year", 1877.0),
    ("25%", "percent", 25.0),
    ("25 per cent", "percent", 25.0),
    ("3 rounds", "rounds", 3.0),
    ("1 round", "rounds", 1.0),
    ("175 laboratories", "laboratories", 175.0),
    ("1 laboratory", "laboratories", 1.0),
    ("14 months", "months", 14.0),
    ("-2,5", None, -2.5),
    ("\u22122.5", None, -2.5),
    ("\uff11\uff18\uff17\uff17", "year", 1877.0),  # full-width digits
    ("\u06f1\u06f8\u06f7\u06f7", "year", 1877.0),  # Persian digits
    ("  1877  ", "year", 1877.0),
]


@pytest.mark.parametrize("typed, unit, value", EXAMPLES)
def test_numbers_people_write(typed, unit, value):
    assert parse_number(typed, unit) == value


REFUSED = [
    ("nan", None, "in digits"),
    ("NaN", "year", "in digits"),
    ("Infinity", None, "in digits"),
    ("-inf", None, "in digits"),
    ("eighteen seventy-seven", "year", "in digits"),
    ("2e3", None, "in digits"),
    ("1,500", "percent", "could mean 1500 or 1.5"),  # a percentage may be fractional: ambiguous, refused
    ("1,500", None, "could mean 1500 or 1.5"),
    ("1.250", "years", "could mean 1250 or 1.25"),
    ("25%", "rounds", "not a percentage"),
    ("1877%", "year", "asks for a year, not a percentage"),
    ("1,23,456", None, "not a number the quiz can read"),
    ("1.2.3,4,5", None, "not a number the quiz can read"),
    ("20 19", None, "not a number the quiz can read"),
    ("2_019", None, "not a number the quiz can read"),
    ("--5", None, "not a number the quiz can read"),
    ("9" * 400, None, "too large"),
]


@pytest.mark.parametrize("typed, unit, message", REFUSED)
def test_what_is_refused_says_why(typed, unit, message):
    with pytest.raises(NumberEntryError, match=message):
        parse_number(typed, unit)


def test_no_answer_is_empty_or_only_whitespace():
    for blank in (None, "", "   ", "\t\n", "\u00a0"):
        assert parse_number(blank) is None and is_blank(blank)
    assert not is_blank("0") and not is_blank(["a"]) and is_blank([]) and is_blank({})


def test_whole_number_units():
    assert expects_whole_number("year") and expects_whole_number("rounds") and expects_whole_number("troops")
    assert not expects_whole_number("percent") and not expects_whole_number("months")
    assert not expects_whole_number(None)


UNITS = st.sampled_from([None, "year", "rounds", "percent", "months", "laboratories"])


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=30), UNITS)
def test_any_text_gives_a_finite_number_none_or_a_message(text, unit):
    try:
        value = parse_number(text, unit)
    except NumberEntryError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert value is None or (isinstance(value, float) and math.isfinite(value))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**12), st.sampled_from(["year", "rounds", "troops"]))
def test_whole_numbers_read_back_however_grouped(n, unit):
    for typed in (str(n), f"{n:,}", f"{n:,}".replace(",", "."), f"{n:,}".replace(",", " ")):
        assert parse_number(typed, unit) == n, typed


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**9), st.integers(0, 99), UNITS)
def test_decimals_read_back_with_a_point_or_a_comma(whole, cents, unit):
    point = f"{whole}.{cents:02d}"
    assert parse_number(point, unit) == float(point)
    assert parse_number(point.replace(".", ","), unit) == float(point)
    grouped = f"{whole:,}.{cents:02d}"
    assert parse_number(grouped, unit) == float(point)
    assert parse_number(grouped.replace(",", "_").replace(".", ",").replace("_", "."), unit) == float(point)
