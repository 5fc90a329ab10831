"""Periods: what "this week" or "last month" covers on a given day, and how an answer says it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from edge_runtime.tools.periods import PeriodError, describe_period, parse_date, resolve_period
from edge_runtime.tools.schemas import NAMED_PERIODS

FRIDAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("period", "today", "start", "end"),
    [
        ("today", FRIDAY, FRIDAY, FRIDAY),
        ("yesterday", FRIDAY, date(2026, 11, 19), date(2026, 11, 19)),
        ("this_week", FRIDAY, date(2026, 11, 16), FRIDAY),
        ("last_week", FRIDAY, date(2026, 11, 9), date(2026, 11, 15)),
        ("this_month", FRIDAY, date(2026, 11, 1), FRIDAY),
        ("last_month", FRIDAY, date(2026, 10, 1), date(2026, 10, 31)),
        ("this_year", FRIDAY, date(2026, 1, 1), FRIDAY),
        ("last_year", FRIDAY, date(2025, 1, 1), date(2025, 12, 31)),
        ("last_7_days", FRIDAY, date(2026, 11, 14), FRIDAY),
        ("last_30_days", FRIDAY, date(2026, 10, 22), FRIDAY),
        # A Monday: this week is just today, last week the whole week before.
        ("this_week", date(2026, 11, 16), date(2026, 11, 16), date(2026, 11, 16)),
        ("last_week", date(2026, 11, 16), date(2026, 11, 9), date(2026, 11, 15)),
        # New Year's Day: the week, the month and the year before all reach back into last year.
        ("this_week", date(2026, 1, 1), date(2025, 12, 29), date(2026, 1, 1)),
        ("last_month", date(2026, 1, 1), date(2025, 12, 1), date(2025, 12, 31)),
        ("yesterday", date(2026, 1, 1), date(2025, 12, 31), date(2025, 12, 31)),
        # March in a leap year: last month ends on February 29.
        ("last_month", date(2028, 3, 15), date(2028, 2, 1), date(2028, 2, 29)),
        ({"start": "2026-03-03", "end": "2026-03-10"}, FRIDAY, date(2026, 3, 3), date(2026, 3, 10)),
        ({"start": "2028-02-29", "end": "2028-02-29"}, FRIDAY, date(2028, 2, 29), date(2028, 2, 29)),
    ],
)
def test_when_a_period_is_resolved_then_it_covers_the_expected_days(
    period: str | dict[str, str], today: date, start: date, end: date
) -> None:
    assert resolve_period(period, today) == (start, end)


def test_when_any_named_period_is_resolved_then_it_never_ends_after_today() -> None:
    for period in NAMED_PERIODS:
        start, end = resolve_period(period, FRIDAY)
        assert start <= end <= FRIDAY, period


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"start": "2026-02-30", "end": "2026-03-01"}, "February 30, 2026 isn't a real date."),
        ({"start": "2026-03-01", "end": "2027-02-29"}, "February 29, 2027 isn't a real date."),
        ({"start": "2026-13-01", "end": "2026-13-02"}, "'2026-13-01' isn't a real date: there is no month 13."),
        ({"start": "2026-3-1", "end": "2026-03-02"}, "I couldn't read '2026-3-1' as a date."),
        (
            {"start": "2026-11-10", "end": "2026-11-01"},
            "The period starts on November 10, after it ends on November 1.",
        ),
        ({"end": "2026-11-01"}, "I couldn't read '' as a date."),
        ("next_month", "I don't know the period 'next_month'."),
    ],
)
def test_when_a_period_is_not_real_then_the_error_says_why_in_a_sentence(period: Any, message: str) -> None:
    with pytest.raises(PeriodError) as error:
        resolve_period(period, FRIDAY)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("period", "phrase"),
    [
        ("today", "today"),
        ("last_week", "last week"),
        ("this_month", "this month"),
        ("last_7_days", "in the last 7 days"),
        ({"start": "2026-10-01", "end": "2026-10-31"}, "in October"),
        ({"start": "2025-10-01", "end": "2025-10-31"}, "in October 2025"),
        ({"start": "2025-01-01", "end": "2025-12-31"}, "in 2025"),
        ({"start": "2026-11-19", "end": "2026-11-19"}, "yesterday"),
        ({"start": "2026-03-03", "end": "2026-03-03"}, "on Tuesday, March 3"),
        ({"start": "2026-03-03", "end": "2026-03-10"}, "from March 3 to March 10"),
        ({"start": "2026-10-01", "end": "2026-10-30"}, "from October 1 to October 30"),
        ({"start": "2025-12-28", "end": "2026-01-03"}, "from December 28, 2025 to January 3, 2026"),
    ],
)
def test_when_a_period_is_described_then_it_reads_naturally_without_iso_dates(
    period: str | dict[str, str], phrase: str
) -> None:
    described = describe_period(period, FRIDAY)
    assert described == phrase
    assert not re.search(r"\d{4}-\d{2}", described)


def test_when_every_named_period_is_described_then_each_has_its_own_phrase() -> None:
    phrases = [describe_period(period, FRIDAY) for period in NAMED_PERIODS]
    assert len(set(phrases)) == len(NAMED_PERIODS)
    assert all("_" not in phrase for phrase in phrases)


@pytest.mark.parametrize("text", ["2026-11-20", "2028-02-29"])
def test_when_a_date_is_real_then_it_parses(text: str) -> None:
    assert parse_date(text).isoformat() == text
