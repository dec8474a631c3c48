"""Business-day arithmetic for plans and threads.

Business days are Monday to Friday; Saturday and Sunday never count, and there is no holiday calendar.
The gap from one moment to a later one is the number of business days *after* the first date up to and
including the second (Friday -> Monday is 1, the same day is 0), as in ``followup_lint.business_days``.

A plan counts its ``day`` offsets in business days (the default: day 3 is three business days after the
trigger) or in calendar days (``days: calendar``). With calendar days the weekday of the trigger is not
known, so a gap is given as a range, the fewest and the most business days over the seven weekdays the
trigger could fall on; a rule fires only when every weekday would break it, so it never guesses.
"""

from __future__ import annotations

import datetime as dt

from ..business_days import business_days_between

DAY_UNITS = ("business", "calendar")
_A_MONDAY = dt.date(2024, 1, 1)


def gap_range(first_day: int, second_day: int, unit: str) -> tuple[int, int]:
    """(fewest, most) business days from plan day `first_day` to `second_day` (offsets from the trigger)."""
    if second_day <= first_day:
        return 0, 0
    if unit == "business":
        return second_day - first_day, second_day - first_day
    gaps = [
        business_days_between(_A_MONDAY + dt.timedelta(days=weekday + first_day),
                              _A_MONDAY + dt.timedelta(days=weekday + second_day))
        for weekday in range(7)
    ]
    return min(gaps), max(gaps)


def date_gap(first: dt.datetime, second: dt.datetime) -> int:
    """Business days between two moments of a thread, by their dates in the sender's own time zone."""
    return business_days_between(first.date(), second.date())
