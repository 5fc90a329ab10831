"""Periods of the domain contract: named ones resolved against today, or explicit start and end dates.

Weeks start on Monday. A named period ends today at the latest ("this month" is the 1st of the month up to
today); past periods are whole ("last month" is all of it).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, Final

from edge_runtime.tools.schemas import NAMED_PERIODS
from edge_runtime.tools.spoken import month_day, on_day

_ISO_DATE: Final[re.Pattern[str]] = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

#: How an answer says a named period, fitting after a verb: "You spent $40 <this month>".
NAMED_PHRASES: Final[dict[str, str]] = {
    "today": "today",
    "yesterday": "yesterday",
    "this_week": "this week",
    "last_week": "last week",
    "this_month": "this month",
    "last_month": "last month",
    "this_year": "this year",
    "last_year": "last year",
    "last_7_days": "in the last 7 days",
    "last_30_days": "in the last 30 days",
}
assert tuple(NAMED_PHRASES) == NAMED_PERIODS


class PeriodError(ValueError):
    """A period that names no real stretch of days; the message is a sentence for the user."""


def parse_date(text: str) -> date:
    """A ``YYYY-MM-DD`` date that exists on the calendar, or ``PeriodError`` saying which does not."""
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        raise PeriodError(f"I couldn't read '{text}' as a date.")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        if 1 <= month <= 12:
            raise PeriodError(f"{calendar.month_name[month]} {day}, {year} isn't a real date.") from None
        raise PeriodError(f"'{text}' isn't a real date: there is no month {month}.") from None


def _month_start(when: date) -> date:
    return when.replace(day=1)


def resolve_period(period: str | Mapping[str, Any], today: date) -> tuple[date, date]:
    """The first and last day (both included) of ``period`` as seen on ``today``."""
    if isinstance(period, Mapping):
        start, end = parse_date(str(period.get("start", ""))), parse_date(str(period.get("end", "")))
        if start > end:
            raise PeriodError(
                f"The period starts on {month_day(start, today)}, after it ends on {month_day(end, today)}."
            )
        return start, end
    monday = today - timedelta(days=today.weekday())
    last_month_end = _month_start(today) - timedelta(days=1)
    named: dict[str, tuple[date, date]] = {
        "today": (today, today),
        "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "this_week": (monday, today),
        "last_week": (monday - timedelta(days=7), monday - timedelta(days=1)),
        "this_month": (_month_start(today), today),
        "last_month": (_month_start(last_month_end), last_month_end),
        "this_year": (date(today.year, 1, 1), today),
        "last_year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        "last_7_days": (today - timedelta(days=6), today),
        "last_30_days": (today - timedelta(days=29), today),
    }
    if period not in named:
        raise PeriodError(f"I don't know the period '{period}'.")
    return named[period]


def describe_period(period: str | Mapping[str, Any], today: date) -> str:
    """How an answer says ``period``: "this month", "in October", "on Monday, March 3", "from March 3 to March 10"."""
    if not isinstance(period, Mapping):
        resolve_period(period, today)  # the same error for an unknown name
        return NAMED_PHRASES[period]
    start, end = resolve_period(period, today)
    if start == end:
        return on_day(start, today)
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return f"in {start.year}"
    whole_month = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if whole_month and (start.year, start.month) == (end.year, end.month):
        return f"in {start:%B}" if start.year == today.year else f"in {start:%B} {start.year}"
    # Both years are said when either is not this year, so "December 28 to January 3" is never ambiguous.
    reference = today if start.year == end.year == today.year else date(1, 1, 1)
    return f"from {month_day(start, reference)} to {month_day(end, reference)}"
