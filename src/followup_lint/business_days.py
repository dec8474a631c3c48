"""Dates from draft metadata, and business days between them (Monday to Friday; no holiday calendar)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def as_datetime(value: Any) -> dt.datetime | None:
    """A metadata value (YAML date, datetime or ISO string like 2026-11-20T10:00) as a datetime, else None."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            return dt.datetime.fromisoformat(text).replace(tzinfo=None)
        except ValueError:
            return None
    return None


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Weekdays after `start` up to and including `end` (Friday -> Monday is 1; same day is 0)."""
    if end <= start:
        return 0
    days = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days
