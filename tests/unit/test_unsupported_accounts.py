"""Questions about accounts the tools cannot see get that said, not another account's figures."""

from __future__ import annotations

import pytest

from edge_runtime.specialists.accounts import unsupported_account, unsupported_account_answer


def _call(name: str, **arguments: object) -> dict[str, object]:
    return {"name": name, "arguments": arguments}


@pytest.mark.parametrize(
    ("text", "call", "kind"),
    [
        ("What's the balance of my brokerage account?", _call("get_balance", account="checking"), "brokerage"),
        ("how much is in my IRA", _call("get_balance", account="savings"), "IRA"),
        ("what's in my 401k?", _call("get_balance", account="savings"), "401k"),
        ("Show my mortgage account history for October", _call("account_history", account="checking"), "mortgage"),
        ("what's my health savings account balance", _call("get_balance", account="savings"), "health savings"),
        ("last 5 transactions on my joint account", _call("recent_transactions", account="checking"), "joint"),
        ("move $500 from my business account to savings", _call("transfer", from_account="checking"), "business"),
    ],
)
def test_when_a_question_names_an_account_the_tools_lack_then_it_is_found(
    text: str, call: dict[str, object], kind: str
) -> None:
    assert unsupported_account(text, call) == kind


@pytest.mark.parametrize(
    ("text", "call"),
    [
        ("What's my checking balance?", _call("get_balance", account="checking")),
        ("how much is in my savings account", _call("get_balance", account="savings")),
        ("did my mortgage payment come out of checking?", _call("account_history", account="checking")),
        ("move $800 from checking to my mortgage account", _call("transfer", from_account="checking", to="mortgage")),
        ("pay my car loan", _call("pay_bill", payee="car loan")),
        ("how do I open a joint account?", _call("search_help", query="open a joint account")),
        ("what's my balance", _call("get_balance", account="checking")),
        ("What's the balance of my brokerage account?", {"name": "out_of_scope"}),
    ],
)
def test_when_the_call_uses_the_account_asked_about_or_none_then_nothing_is_found(
    text: str, call: dict[str, object]
) -> None:
    assert unsupported_account(text, call) is None


def test_when_one_is_found_then_the_answer_says_which_accounts_the_assistant_sees() -> None:
    assert unsupported_account_answer("brokerage") == (
        "I can only see your checking, savings and credit card accounts here, so I can't answer for your "
        "brokerage account."
    )
