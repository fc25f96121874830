"""Dates known to the precision a source gives: a year, a month or a day."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
FORMAT_HINT = "use YYYY, YYYY-MM or YYYY-MM-DD"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date whose month and day may be unknown.

    Ordering compares (year, month, day) with unknown parts as 0, so "2016" sorts
    before "2016-12" and "2016-12-27".
    """

    year: int
    month: int = 0
    day: int = 0

    @classmethod
    def parse(cls, value: Any) -> "PartialDate":
        """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD" (an int is taken as a year)."""
        if isinstance(value, PartialDate):
            return value
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        match = _PATTERN.match(text) if text is not None else None
        if not match:
            raise ValueError(f"{value!r} is not a valid date ({FORMAT_HINT})")
        year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
        if match[2] and not 1 <= month <= 12:
            raise ValueError(f"{value!r} is not a valid date (month {month} does not exist)")
        if match[3] and not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise ValueError(f"{value!r} is not a valid date (day {day} does not exist in that month)")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        """"day", "month" or "year"."""
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        """The canonical text form: "2016", "2016-12" or "2016-12-27"."""
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def human(self) -> str:
        """Reader-facing form: "27 December 2016", "December 2016" or "2016"."""
        if self.day:
            return f"{self.day} {calendar.month_name[self.month]} {self.year}"
        if self.month:
            return f"{calendar.month_name[self.month]} {self.year}"
        return str(self.year)

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            json_schema_input_schema=core_schema.str_schema(pattern=_PATTERN.pattern),
            serialization=core_schema.plain_serializer_function_ser_schema(lambda d: d.iso()),
        )
