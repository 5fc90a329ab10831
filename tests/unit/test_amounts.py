"""Amounts the user said, and the specialists' amount arguments held to them."""

from __future__ import annotations

import pytest

from edge_runtime.specialists.amounts import ground_amounts, money_said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Pay $5,000,000 to City Power", ["5000000"]),
        ("Pay $250 to City Power", ["250"]),
        ("pay $84.20 to city power", ["84.20"]),
        ("any charges bigger than $20.00 since the 9th?", ["20.00"]),
        ("pay 60.50 to cox", ["60.50"]),
        ("move 300 dollars to savings", ["300"]),
        ("send alex 1,000 dollars", ["1000"]),
        ("give sam 40 bucks", ["40"]),
        ("$50 dollars to savings", ["50"]),
        ("send $5k to alex", ["5000"]),
        ("move $1.5 million", ["1500000"]),
        ("transfer four thousand dollars and seventy two cents from savings", ["4000.72"]),
        ("can you put 248 dollars and thirty nine cents in visa credit card", ["248.39"]),
        ("a transfer of three thousand four hundred dollars", ["3400"]),
        ("one hundred and fifty bucks please", ["150"]),
        ("pay a hundred dollars", ["100"]),
        ("twelve hundred dollars to rent", ["1200"]),
        ("seventy-two dollars", ["72"]),
        ("look up a four dollars and fifty cents zara transaction", ["4.50"]),
        ("what about a one hundred three dollars charge", ["103"]),
        ("what about a thirty one dollars charge", ["31"]),
        ("pay 1000000 to city power", ["1000000"]),
        ("send 50 to mom", ["50"]),
        ("put 300 in savings", ["300"]),
        ("move 60.5 from savings", ["60.50"]),
        ("transfer -50 to savings", ["-50"]),
        ("transfer -$50 to savings", ["-50"]),
        ("send $-20 to alex", ["-20"]),
        ("move -40 dollars to savings", ["-40"]),
        ("transfer $0 to savings", ["0"]),
        ("pay 2 bills", []),
        ("actually make it 50", ["50"]),
        ("change it to 60", ["60"]),
        ("set the amount to 75", ["75"]),
        ("no, 60 instead", ["60"]),
        ("Show me on May 10 instead", []),
        ("change it to the 5th", []),
        ("make it 2 weeks", []),
        ("I owe Mateo $119, send it", ["119"]),
        ("filter to above $20, thank you", ["20"]),
        ("on 2026-11-20 pay cox", []),
        ("call me on 555-1234", []),
        ("$20.00 or $20", ["20.00"]),
        ("$20 then $35", ["20", "35"]),
        ("on the 1st of next month, pay my tv bill", []),
        ("show my last 5 transactions", []),
        ("what did I spend in 2025?", []),
        ("card ending 4821", []),
    ],
)
def test_when_money_is_said_then_it_is_read_in_the_contracts_form(text: str, said: list[str]) -> None:
    assert money_said(text) == said


def _call(name: str, **arguments: str) -> dict[str, object]:
    return {"name": name, "arguments": arguments}


def test_when_the_model_drops_a_digit_then_the_amount_said_wins() -> None:
    call = _call("transfer", from_account="checking", to="savings", amount="500000")
    grounded = ground_amounts(call, "Move $5,000,000 from checking to savings")
    assert grounded == _call("transfer", from_account="checking", to="savings", amount="5000000")


def test_when_the_model_leaves_out_the_amount_of_a_payment_then_it_is_filled_in_contract_order() -> None:
    grounded = ground_amounts(_call("pay_bill", payee="City Power", date="2026-11-21"), "Pay $250 to City Power today")
    assert list(grounded["arguments"]) == ["payee", "amount", "date"]  # type: ignore[call-overload]
    assert grounded == _call("pay_bill", payee="City Power", amount="250", date="2026-11-21")


def test_when_no_amount_was_said_then_an_invented_optional_one_is_dropped() -> None:
    call = _call("pay_bill", payee="Comcast", amount="10", date="2026-12-01")
    assert ground_amounts(call, "on the 1st of next month, pay my tv bill") == _call(
        "pay_bill", payee="Comcast", date="2026-12-01"
    )


def test_when_the_amount_is_a_bare_number_in_the_question_then_it_stays() -> None:
    call = _call("pay_bill", payee="Cox", amount="250")
    assert ground_amounts(call, "pay 250 to cox") is call


def test_when_a_follow_up_keeps_the_previous_calls_amount_then_it_stays() -> None:
    call = _call("find_transaction", amount="42", period="last_week")
    previous = '{"name":"find_transaction","arguments":{"amount":"42","period":"yesterday"}}'
    assert ground_amounts(call, "and last week?", previous) is call


def test_when_a_required_amount_was_not_said_then_it_stays_for_the_confirmation_to_show() -> None:
    call = _call("transfer", from_account="checking", to="savings", amount="200")
    assert ground_amounts(call, "move the usual from checking to savings") is call


def test_when_several_amounts_were_said_then_the_call_is_left_as_written() -> None:
    call = _call("pay_bill", payee="City Power", amount="50")
    assert ground_amounts(call, "pay $50 of the $112.08 city power bill") is call


def test_when_a_purchase_search_names_a_price_then_no_minimum_is_added() -> None:
    call = _call("list_card_transactions", period="this_month", merchant="Amazon")
    assert ground_amounts(call, "what did I buy at Amazon for $35 this month?") is call


def test_when_a_minimum_was_misread_then_it_is_corrected() -> None:
    call = _call("list_card_transactions", period="this_month", min_amount="10")
    grounded = ground_amounts(call, "purchases over $1,000 this month")
    assert grounded == _call("list_card_transactions", period="this_month", min_amount="1000")


def test_when_a_tool_has_no_amount_or_the_call_is_out_of_scope_then_it_is_untouched() -> None:
    balance = _call("get_balance", account="checking")
    assert ground_amounts(balance, "is $500 in my checking?") is balance
    out = {"name": "out_of_scope"}
    assert ground_amounts(out, "should I invest $5,000?") is out


def test_when_an_amount_the_tools_refuse_was_said_then_the_call_carries_it_for_the_tool_to_refuse() -> None:
    call = _call("transfer", from_account="checking", to="savings", amount="0.01")
    assert ground_amounts(call, "transfer $0 to savings") == _call(
        "transfer", from_account="checking", to="savings", amount="0"
    )
    call = _call("transfer", from_account="checking", to="savings", amount="50.00")
    assert ground_amounts(call, "transfer -50 to savings") == _call(
        "transfer", from_account="checking", to="savings", amount="-50"
    )
