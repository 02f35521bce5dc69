"""Working-day calendar with Vietnamese public holidays and make-up working days.

A working day is what the ``holidays`` package (0.109 or later) reports with
``is_working_day`` for the country — Monday to Friday without public holidays
and their official substitute days off, plus official make-up working
Saturdays — then the plan's extra ``holidays`` removed and extra ``workdays``
added.

A calendar covers only the years whose public holidays ``holidays`` knows for
the country (1901-2100 for Vietnam; never outside the scenario years
1900-2200): :func:`calendar_years`. Counting working days beyond them raises
:class:`CalendarRangeError` rather than silently counting public holidays as
working days (the plan readers turn it into a problem with the file).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays as holidays_lib

__all__ = ["CalendarRangeError", "WorkCalendar", "calendar_years"]

_ONE_DAY = dt.timedelta(days=1)
#: Guard against a calendar without working days (e.g. every day a holiday).
_MAX_SCAN_DAYS = 3660


class CalendarRangeError(ValueError):
    """A date outside the years the calendar knows the public holidays of; the message says which."""


def calendar_years(country: str = "VN") -> tuple[int, int]:
    """First and last year whose public holidays are known for ``country`` (within 1900-2200).

    Examples
    --------
    >>> calendar_years("VN")
    (1901, 2100)
    """
    from costmodel.scenario.schema import MAX_YEAR, MIN_YEAR

    cls = holidays_lib.country_holidays(country).__class__
    first = max(int(getattr(cls, "start_year", MIN_YEAR) or MIN_YEAR), MIN_YEAR)
    last = min(int(getattr(cls, "end_year", MAX_YEAR) or MAX_YEAR), MAX_YEAR)
    return first, last


class WorkCalendar:
    """Working days of one country with extra days off and extra working days.

    Parameters
    ----------
    country : str
        ISO 3166 code understood by ``holidays`` (``"VN"``).
    extra_holidays, extra_workdays : iterable of datetime.date
        Days off and working days added by the plan.

    Examples
    --------
    >>> cal = WorkCalendar("VN")
    >>> cal.is_working(dt.date(2024, 4, 30)), cal.is_working(dt.date(2024, 5, 4))
    (False, True)
    >>> cal.add_working_days(dt.date(2024, 4, 26), 1)  # Fri -> Thu 2 May (29/4-1/5 off)
    datetime.date(2024, 5, 2)
    """

    def __init__(self, country: str = "VN", extra_holidays: Iterable[dt.date] = (), extra_workdays: Iterable[dt.date] = ()):
        self.country = country
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_workdays = frozenset(extra_workdays)
        both = self.extra_holidays & self.extra_workdays
        if both:
            raise ValueError(f"dates in both holidays and workdays: {', '.join(sorted(d.isoformat() for d in both))}")
        self._calendar = holidays_lib.country_holidays(country)
        first, last = calendar_years(country)
        #: The first and last day working days can be counted on.
        self.first_day, self.last_day = dt.date(first, 1, 1), dt.date(last, 12, 31)
        self._is_working = lru_cache(maxsize=None)(self._compute)

    def _compute(self, day: dt.date) -> bool:
        if not self.first_day <= day <= self.last_day:
            raise CalendarRangeError(
                f"{day.isoformat()} lies outside {self.first_day.year}-{self.last_day.year}, "
                f"the years whose public holidays are known for {self.country}"
            )
        if day in self.extra_holidays:
            return False
        if day in self.extra_workdays:
            return True
        return bool(self._calendar.is_working_day(day))

    def is_working(self, day: dt.date) -> bool:
        """True when ``day`` is a working day."""
        return self._is_working(day)

    def holiday_name(self, day: dt.date) -> str | None:
        """Name of the public holiday on ``day``, if any."""
        return self._calendar.get(day)

    def first_on_or_after(self, day: dt.date) -> dt.date:
        """The first working day on or after ``day``."""
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working(day):
                return day
            day += _ONE_DAY
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days after {day}")

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``day`` itself when ``n = 0``)."""
        if n < 0:
            return self.subtract_working_days(day, -n)
        for _ in range(n):
            day += _ONE_DAY
            scanned = 0
            while not self.is_working(day):
                day += _ONE_DAY
                scanned += 1
                if scanned > _MAX_SCAN_DAYS:
                    raise ValueError("calendar has no working days")
        return day

    def subtract_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day before ``day`` (``day`` itself when ``n = 0``)."""
        for _ in range(n):
            day -= _ONE_DAY
            scanned = 0
            while not self.is_working(day):
                day -= _ONE_DAY
                scanned += 1
                if scanned > _MAX_SCAN_DAYS:
                    raise ValueError("calendar has no working days")
        return day

    def working_days_after(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when end < start.

        ``working_days_after(a, b) = -working_days_after(b, a)``.
        """
        if end == start:
            return 0
        sign, lo, hi = (1, start, end) if end > start else (-1, end, start)
        count, day = 0, lo
        while day < hi:
            day += _ONE_DAY
            count += self.is_working(day)
        return sign * count

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Working days in ``[first, last]``, both inclusive (0 when last < first)."""
        if last < first:
            return 0
        return self.working_days_after(first, last) + int(self.is_working(first))
