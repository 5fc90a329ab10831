"""Spending categories the user named, and the specialists' categories held to them."""

from __future__ import annotations

import pytest

from edge_runtime.specialists.categories import categories_said, ground_category, merchant_as_category


def _spending(**arguments: str) -> dict[str, object]:
    return {"name": "spending_summary", "arguments": arguments}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("how much did I spend on coffee this week", {"dining"}),
        ("what went on gas stations", {"fuel"}),
        ("Hi, in the last 7 days, how much went on hardware stores?", {"home"}),
        ("groceries and restaurants last month", {"groceries", "dining"}),
        ("show my Spotify purchases", set()),
        ("of course, how much did I spend yesterday", set()),
    ],
)
def test_when_a_category_is_named_then_it_is_read(text: str, said: set[str]) -> None:
    assert categories_said(text) == said


def test_when_the_model_invents_a_category_then_it_is_dropped() -> None:
    call = _spending(period="yesterday", category="fuel")
    assert ground_category(call, "how much did I spend yesterday") == _spending(period="yesterday")


def test_when_the_model_picks_another_category_than_the_one_said_then_the_one_said_wins() -> None:
    call = _spending(period="this_week", category="fuel")
    assert ground_category(call, "how much did I spend on coffee this week") == _spending(
        period="this_week", category="dining"
    )


def test_when_a_follow_up_keeps_the_previous_category_then_it_stays() -> None:
    call = _spending(period="last_month", category="groceries")
    previous = '{"name":"spending_summary","arguments":{"period":"this_month","category":"groceries"}}'
    assert ground_category(call, "and last month?", previous) is call


def test_when_a_follow_up_names_another_category_then_it_replaces_the_previous_one() -> None:
    call = _spending(period="last_30_days", category="dining")
    previous = '{"name":"spending_summary","arguments":{"period":"this_month","category":"dining"}}'
    assert ground_category(call, "what about groceries?", previous) == _spending(
        period="last_30_days", category="groceries"
    )


def test_when_the_category_is_said_or_the_call_has_none_then_it_is_untouched() -> None:
    call = _spending(period="this_month", category="groceries")
    assert ground_category(call, "groceries this month", None) is call
    plain = _spending(period="this_month")
    assert ground_category(plain, "how much did I spend on coffee this month") is plain
    balance = {"name": "get_balance", "arguments": {"account": "checking"}}
    assert ground_category(balance, "coffee") is balance


@pytest.mark.parametrize(
    ("merchant", "category"), [("groceries", "groceries"), ("hardware stores", "home"), ("gas", "fuel")]
)
def test_when_the_merchant_is_only_a_category_name_then_it_is_taken_as_that_category(
    merchant: str, category: str
) -> None:
    call = {"name": "list_card_transactions", "arguments": {"period": "yesterday", "merchant": merchant}}
    assert merchant_as_category(call) == {
        "name": "list_card_transactions",
        "arguments": {"period": "yesterday", "category": category},
    }


def test_when_the_merchant_is_a_real_name_or_the_tool_takes_no_category_then_it_stays() -> None:
    home_depot = {"name": "list_card_transactions", "arguments": {"period": "yesterday", "merchant": "Home Depot"}}
    assert merchant_as_category(home_depot) is home_depot
    other = {"name": "spending_summary", "arguments": {"period": "this_month", "category": "dining", "merchant": "gas"}}
    assert merchant_as_category(other) is other
    found = {"name": "find_transaction", "arguments": {"merchant": "groceries"}}
    assert merchant_as_category(found) is found
