"""A year the user named, and the specialists' periods held to it."""

from __future__ import annotations

from datetime import date

import pytest

from edge_runtime.specialists.years import ground_year, year_said

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("how much have I spent at Amazon in 2026", 2026),
        ("what did I spend during 2023?", 2023),
        ("interest for the year 2024", 2024),
        ("may I see my spending in 2025", 2025),
        ("spending in March 2026", None),  # a month: the model's to write
        ("spending in may 2025", None),
        ("since 2025-11-01", None),
        ("card ending 2026", None),
        ("in 2025 and 2026", None),
        ("what's my balance", None),
    ],
)
def test_when_a_year_is_the_questions_period_then_it_is_read(text: str, year: int | None) -> None:
    assert year_said(text) == year


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("how much have I spent at Amazon in 2026", "this_year"),
        ("how much did I spend at Amazon in 2025", "last_year"),
        ("Amazon spending during 2023", {"start": "2023-01-01", "end": "2023-12-31"}),
    ],
)
def test_when_the_model_writes_another_period_then_the_year_said_wins(text: str, period: object) -> None:
    call = {"name": "spending_summary", "arguments": {"period": "last_30_days", "merchant": "Amazon"}}
    assert ground_year(call, text, TODAY) == {
        "name": "spending_summary",
        "arguments": {"period": period, "merchant": "Amazon"},
    }


def test_when_an_optional_period_is_missing_then_the_year_is_added_in_contract_order() -> None:
    call = {"name": "find_transaction", "arguments": {"merchant": "Zara", "amount": "42"}}
    grounded = ground_year(call, "the $42 zara charge in 2025", TODAY)
    assert list(grounded["arguments"]) == ["merchant", "amount", "period"]
    assert grounded["arguments"]["period"] == "last_year"


def test_when_no_year_is_said_or_the_tool_has_no_period_then_the_call_is_untouched() -> None:
    call = {"name": "spending_summary", "arguments": {"period": "this_month"}}
    assert ground_year(call, "how much did I spend this month", TODAY) is call
    balance = {"name": "get_balance", "arguments": {"account": "checking"}}
    assert ground_year(balance, "my balance in 2026", TODAY) is balance
    out = {"name": "out_of_scope"}
    assert ground_year(out, "should I buy a house in 2027", TODAY) is out
