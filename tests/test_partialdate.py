"""PartialDate parses the three precisions, rejects impossible dates and orders sensibly."""

import datetime

import pytest
from hypothesis import given, strategies as st

from afcourse.facts.partialdate import PartialDate


@given(st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31)))
def test_day_precision_round_trips(day):
    parsed = PartialDate.parse(day.isoformat())
    assert parsed.iso() == day.isoformat()
    assert parsed.precision == "day"
    assert parsed.human() == f"{day.day} {day.strftime('%B')} {day.year}"


@given(st.integers(1000, 9999), st.integers(1, 12))
def test_month_precision(year, month):
    parsed = PartialDate.parse(f"{year}-{month:02d}")
    assert (parsed.precision, parsed.iso()) == ("month", f"{year}-{month:02d}")


def test_year_from_int_and_ordering():
    assert PartialDate.parse(1878).human() == "1878"
    dates = [PartialDate.parse(t) for t in ("2017-04-14", "2016", "2016-12-27", "2016-12")]
    assert [d.iso() for d in sorted(dates)] == ["2016", "2016-12", "2016-12-27", "2017-04-14"]


@pytest.mark.parametrize("text", ["2016-02-30", "2017-13", "17-01-01", "2016/12/27", "", "Auguest 2021", True])
def test_rejects(text):
    with pytest.raises(ValueError):
        PartialDate.parse(text)
