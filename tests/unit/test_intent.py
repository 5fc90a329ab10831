"""A question about how things stand gets a read tool, never a write waiting for a yes."""

from __future__ import annotations

import pytest

from edge_runtime.specialists.intent import (
    asks_how_things_stand,
    card_switch_as_said,
    document_not_payment,
    read_not_write,
)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("did I report my card lost?", True),
        ("how much is my rent", True),
        ("hey, is my debit card frozen?", True),
        ("do I owe City Power anything?", True),
        ("has my new card been activated?", True),
        ("report my card lost", False),
        ("can you pay my rent?", False),
        ("could you freeze my card please", False),
        ("do the debit card too", False),
        ("I want to pay City Power", False),
        ("is it possible to pay my rent, please", False),
        ("is it possible to move $50 to savings today", False),
        ("are you able to unfreeze my card", False),
    ],
)
def test_when_an_utterance_only_asks_then_it_is_told_from_a_request(text: str, asks: bool) -> None:
    assert asks_how_things_stand(text) is asks


@pytest.mark.parametrize(
    ("call", "text", "read"),
    [
        (
            {"name": "report_lost_card", "arguments": {"card": "debit"}},
            "did I report my card lost?",
            {"name": "card_status", "arguments": {"card": "debit"}},
        ),
        (
            {"name": "pay_bill", "arguments": {"payee": "Oakwood Property Management", "amount": "1850.00"}},
            "how much is my rent",
            {"name": "list_bills", "arguments": {}},
        ),
        (
            {"name": "transfer", "arguments": {"from_account": "checking", "to": "Alex Chen", "amount": "45"}},
            "did the $45 to Alex go through?",
            {"name": "transfer_status", "arguments": {"to": "Alex Chen"}},
        ),
    ],
)
def test_when_a_question_only_asks_then_the_write_becomes_its_read_tool(
    call: dict[str, object], text: str, read: dict[str, object]
) -> None:
    assert read_not_write(call, text) == read


def test_when_the_user_asks_for_the_action_or_the_tool_reads_then_the_call_is_untouched() -> None:
    freeze = {"name": "freeze_card", "arguments": {"card": "credit"}}
    assert read_not_write(freeze, "can you freeze my credit card?") is freeze
    status = {"name": "card_status", "arguments": {"card": "credit"}}
    assert read_not_write(status, "is my credit card frozen?") is status


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("turn my credit card back on", "unfreeze_card"),
        ("lift the freeze on my debit card", "unfreeze_card"),
        ("take the hold off my card", "unfreeze_card"),
        ("unlock it", "unfreeze_card"),
        ("freeze my card", "freeze_card"),
        ("put a hold on my card", "freeze_card"),
        ("turn it back on and then freeze it again tomorrow", "freeze_card"),  # both said: as written
        ("lifft the freeze on my card", "freeze_card"),  # misspelt: left as written
    ],
)
def test_when_the_customer_asks_to_turn_a_card_back_on_then_it_is_never_frozen(text: str, name: str) -> None:
    call = {"name": "freeze_card", "arguments": {"card": "credit"}}
    assert card_switch_as_said(call, text) == {"name": name, "arguments": {"card": "credit"}}


def test_when_an_unfreeze_was_written_then_it_is_left_as_written() -> None:
    call = {"name": "unfreeze_card", "arguments": {"card": "debit"}}
    assert card_switch_as_said(call, "lifft the freeze on my card") is call


@pytest.mark.parametrize(
    "text",
    ["put a hold on my Visa debit card", "Can you please put my debit card on hold", "freeze my card", "turn it off"],
)
def test_when_the_customer_asks_to_turn_a_card_off_then_it_is_never_unfrozen(text: str) -> None:
    call = {"name": "unfreeze_card", "arguments": {"card": "debit"}}
    assert card_switch_as_said(call, text) == {"name": "freeze_card", "arguments": {"card": "debit"}}


def test_when_a_card_that_was_on_is_to_be_turned_back_on_then_it_is_unfrozen_not_activated() -> None:
    call = {"name": "activate_card", "arguments": {"card": "credit"}}
    assert card_switch_as_said(call, "would you turn my credit card back on") == {
        "name": "unfreeze_card",
        "arguments": {"card": "credit"},
    }
    assert card_switch_as_said(call, "activate my new credit card") is call


@pytest.mark.parametrize(
    ("text", "call"),
    [
        ("switch my rewards credit card back on", {"name": "unfreeze_card", "arguments": {"card": "credit"}}),
        ("Put a hld on my debit Mastercard", {"name": "freeze_card", "arguments": {"card": "debit"}}),
        ("put a hold on my bank card", {"name": "freeze_card", "arguments": {"card": "debit"}}),
    ],
)
def test_when_the_card_specialist_finds_no_tool_for_a_plain_switch_then_the_switch_is_asked_for(
    text: str, call: dict[str, object]
) -> None:
    assert card_switch_as_said({"name": "out_of_scope"}, text, "card_services") == call


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("switch my card back on", "card_services"),  # which card: not said
        ("switch my debit card back on and my credit card too", "card_services"),  # both
        ("what's the fee to freeze my credit card?", "card_services"),  # a question, not a request
        ("turn off international payments on my credit card", "card_services"),  # a setting, not the card
        ("switch my credit card back on", "transfers"),  # another specialist's out-of-scope
    ],
)
def test_when_the_switch_or_the_card_is_not_plain_then_out_of_scope_stays(text: str, label: str) -> None:
    call = {"name": "out_of_scope"}
    assert card_switch_as_said(call, text, label) is call


_PAY_CITY_POWER = {"name": "pay_bill", "arguments": {"payee": "City Power"}}


@pytest.mark.parametrize(
    ("call", "text"),
    [
        (_PAY_CITY_POWER, "show me the pdf of my city power bill"),
        (_PAY_CITY_POWER, "hey there, can I see a copy of my City Power bill?"),
        ({"name": "pay_bill", "arguments": {"payee": "Metro Water"}}, "email me the statement for my water bill"),
        ({"name": "set_autopay", "arguments": {"payee": "Verizon", "enabled": True}}, "download my verizon e-bill"),
        (
            {"name": "transfer", "arguments": {"from_account": "checking", "to": "Mom", "amount": "50"}},
            "send me the receipt for the $50 to Mom",
        ),
    ],
)
def test_when_a_document_is_asked_for_then_no_money_moves_and_the_question_goes_on(
    call: dict[str, object], text: str
) -> None:
    assert document_not_payment(call, text) == {"name": "out_of_scope"}


@pytest.mark.parametrize(
    ("call", "text"),
    [
        (_PAY_CITY_POWER, "pay my city power bill"),
        (_PAY_CITY_POWER, "pay the city power statement balance"),
        (
            {"name": "transfer", "arguments": {"from_account": "checking", "to": "Mom", "amount": "50"}},
            "send $50 to Mom for the receipt she paid",
        ),
        ({"name": "list_bills", "arguments": {}}, "show me the pdf of my city power bill"),
        ({"name": "order_replacement", "arguments": {"card": "debit"}}, "send me a copy of my debit card"),
    ],
)
def test_when_a_payment_or_a_read_is_asked_for_then_the_call_stands(call: dict[str, object], text: str) -> None:
    assert document_not_payment(call, text) == call
