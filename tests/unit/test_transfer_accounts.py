"""A transfer's direction held to the accounts the user named."""

from __future__ import annotations

import pytest

from edge_runtime.specialists.accounts import destination_said, ground_transfer_accounts, said_direction


def _transfer(from_account: str, to: str, amount: str = "50") -> dict[str, object]:
    return {"name": "transfer", "arguments": {"from_account": from_account, "to": to, "amount": amount}}


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("move $200 from checking to savings", ("checking", "savings")),
        ("take 3887 dollars out of my checking account and put it in my credit card", ("checking", "credit_card")),
        ("put $60 in my high-yield savings", (None, "savings")),
        ("move 500 from the rainy day fund", ("savings", None)),
        ("send 50 to mom", (None, None)),
        ("send 50 to Sam's savings", (None, None)),
        ("move it from savings to savings", (None, None)),
        ("I want to transfer money to pay my bills", (None, None)),
    ],
)
def test_when_accounts_are_named_then_the_direction_is_read(
    text: str, direction: tuple[str | None, str | None]
) -> None:
    assert said_direction(text) == direction


def test_when_the_model_reverses_a_transfer_then_it_goes_the_way_the_user_said() -> None:
    grounded = ground_transfer_accounts(_transfer("savings", "checking", "-50"), "transfer -50 to savings")
    assert grounded == _transfer("checking", "savings", "-50")
    grounded = ground_transfer_accounts(_transfer("checking", "savings"), "move 500 from savings")
    assert grounded == _transfer("savings", "checking")


def test_when_the_model_sends_to_the_wrong_account_then_the_named_one_receives() -> None:
    grounded = ground_transfer_accounts(_transfer("checking", "credit card"), "put 300 in savings")
    assert grounded == _transfer("checking", "savings")
    grounded = ground_transfer_accounts(_transfer("savings", "Mateo"), "move $812 over to high yield savings account")
    assert grounded == _transfer("checking", "savings")
    grounded = ground_transfer_accounts(_transfer("checking", "Mateo"), "move $40 to my checking")
    assert grounded == _transfer("savings", "checking")


def test_when_a_payee_receives_then_only_the_named_source_is_held() -> None:
    grounded = ground_transfer_accounts(_transfer("checking", "Mom"), "send 50 to mom from savings")
    assert grounded == _transfer("savings", "Mom")


def test_when_the_call_agrees_or_is_another_tool_then_it_is_returned_as_is() -> None:
    call = _transfer("checking", "credit card")
    assert ground_transfer_accounts(call, "move $100 from checking to my visa credit card") is call
    status = {"name": "transfer_status", "arguments": {"to": "savings"}}
    assert ground_transfer_accounts(status, "did my transfer from checking to savings go through?") is status


@pytest.mark.parametrize(
    "text", ["send $3,900 to a bank account in the UK", "Send $4600 to a bank account in Japan", "wire 200 abroad"]
)
def test_when_no_own_account_is_named_for_the_money_then_no_transfer_between_them_is_asked_for(text: str) -> None:
    assert destination_said(_transfer("savings", "checking"), text) == {"name": "out_of_scope"}


@pytest.mark.parametrize(
    ("call", "text", "previous"),
    [
        (_transfer("checking", "savings"), "put $60 in my high-yield savings", None),
        (_transfer("checking", "credit card"), "pay off my card with $100", None),
        (_transfer("checking", "Alex Chen"), "send $40 to Alex", None),  # a payee, not an own account
        (_transfer("checking", "savings"), "move 50 there", '{"name":"get_balance","arguments":{"account":"savings"}}'),
    ],
)
def test_when_the_destination_is_named_a_payee_or_carried_then_the_transfer_stays(
    call: dict[str, object], text: str, previous: str | None
) -> None:
    assert destination_said(call, text, previous) is call
