"""A follow-up that names no time keeps the previous call's period."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from edge_runtime.specialists.carried import carry_period, says_a_time
from edge_runtime.specialists.engine import held_to_question

OCTOBER = {"start": "2026-10-01", "end": "2026-10-31"}
PREVIOUS = json.dumps({"name": "spending_summary", "arguments": {"period": OCTOBER, "category": "dining"}})


def _spending(**arguments: Any) -> dict[str, Any]:
    return {"name": "spending_summary", "arguments": arguments}


def test_when_a_follow_up_names_no_time_then_the_previous_period_is_kept() -> None:
    call = _spending(period="last_30_days", category="groceries")
    assert carry_period(call, "what about groceries?", PREVIOUS) == _spending(period=OCTOBER, category="groceries")


def test_when_the_call_left_the_period_out_then_the_previous_one_is_added_in_the_tools_order() -> None:
    call = {"name": "list_card_transactions", "arguments": {"merchant": "Amazon"}}
    carried = carry_period(call, "and at Amazon?", PREVIOUS)
    assert carried == {"name": "list_card_transactions", "arguments": {"period": OCTOBER, "merchant": "Amazon"}}
    assert list(carried["arguments"]) == ["period", "merchant"]


@pytest.mark.parametrize(
    "text", ["and last month?", "what about this week?", "and in September?", "since the 3rd?", "and yesterday"]
)
def test_when_a_follow_up_names_a_time_then_the_written_period_stays(text: str) -> None:
    call = _spending(period="last_month", category="dining")
    assert says_a_time(text)
    assert carry_period(call, text, PREVIOUS) is call


def test_when_there_is_no_previous_period_or_no_period_argument_then_the_call_is_untouched() -> None:
    call = _spending(period="last_30_days", category="groceries")
    assert carry_period(call, "what about groceries?", None) is call
    balance = '{"name":"get_balance","arguments":{"account":"checking"}}'
    assert carry_period(call, "what about groceries?", balance) is call
    goal = {"name": "goal_progress", "arguments": {"goal": "vacation"}}
    assert carry_period(goal, "and the vacation one?", PREVIOUS) is goal


def test_when_a_follow_up_asks_for_bills_of_another_status_then_their_period_is_not_carried() -> None:
    previous = '{"name":"list_bills","arguments":{"status":"upcoming","period":"next_week"}}'
    overdue = {"name": "list_bills", "arguments": {"status": "overdue"}}
    assert carry_period(overdue, "what about overdue?", previous) is overdue


def test_when_the_engine_holds_a_follow_up_to_the_question_then_category_and_period_follow_the_conversation() -> None:
    written = _spending(period="last_30_days", category="dining")
    held = held_to_question(written, "what about groceries?", date(2026, 11, 22), PREVIOUS)
    assert held == _spending(period=OCTOBER, category="groceries")
