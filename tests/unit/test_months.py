"""A month the user named as the period, and the specialists' periods held to it."""

from __future__ import annotations

from datetime import date

import pytest

from edge_runtime.specialists.months import ground_month, month_said

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("and in september?", (2026, 9)),
        ("what about August", (2026, 8)),
        ("how much did I spend in dec", (2025, 12)),  # the most recent December that has ended
        ("groceries in March 2025", (2025, 3)),
        ("in May of 2025", (2025, 5)),
        ("may I see my spending for may", (2026, 5)),
        ("may I see my spending", None),
        ("in november", None),  # this month so far, or last year's: the model decides
        ("september 3", None),
        ("on the seventeenth of june", None),
        ("on august twenty fourth", None),
        ("since march", None),
        ("what did I spend in march and april", None),
        ("send 50 to Jan", None),
    ],
)
def test_when_a_month_is_the_questions_period_then_it_is_read(text: str, said: tuple[int, int] | None) -> None:
    assert month_said(text, TODAY) == said


def test_when_a_follow_up_names_a_month_then_the_period_is_that_whole_month() -> None:
    call = {"name": "spending_summary", "arguments": {"period": {"start": "2026-09-01", "end": "2026-10-09"}}}
    assert ground_month(call, "and in september?", TODAY) == {
        "name": "spending_summary",
        "arguments": {"period": {"start": "2026-09-01", "end": "2026-09-30"}},
    }


def test_when_the_tool_may_look_ahead_or_the_call_agrees_then_it_is_untouched() -> None:
    bills = {"name": "list_bills", "arguments": {"period": {"start": "2026-12-01", "end": "2026-12-31"}}}
    assert ground_month(bills, "bills in december", TODAY) is bills
    right = {
        "name": "account_history",
        "arguments": {"account": "checking", "period": {"start": "2026-08-01", "end": "2026-08-31"}},
    }
    assert ground_month(right, "checking history for august", TODAY) is right
