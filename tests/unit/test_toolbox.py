"""The toolbox on a demo bank: every tool, the sentences for bad calls, and confirmation before any write."""

from __future__ import annotations

import json
import re
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from edge_runtime.bank import FixedClock, SqliteBank
from edge_runtime.bank.store import CARD_STATES, cents_to_decimal
from edge_runtime.tools.calls import PendingAction, ToolArgumentError, ToolCall, ToolResult
from edge_runtime.tools.checks import CARD_ACTIONS, CARD_REFUSALS
from edge_runtime.tools.schemas import TOOL_NAMES, WRITE_TOOLS
from edge_runtime.tools.toolbox import Toolbox
from tests.unit.conftest import TODAY

MONTH = "BETWEEN '2026-11-01' AND '2026-11-20'"
OCTOBER = "BETWEEN '2026-10-01' AND '2026-10-31'"


def _scalar(path: Path, sql: str) -> Any:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchone()[0]


def _dump(path: Path) -> list[str]:
    """Everything in the bank, to compare before and after."""
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def _balance(path: Path, account: str) -> Decimal:
    return cents_to_decimal(_scalar(path, f"SELECT balance_cents FROM accounts WHERE id = '{account}'"))


def _run(toolbox: Toolbox, name: str, **arguments: Any) -> ToolResult:
    return toolbox.run(ToolCall(name, arguments))


def _pending(toolbox: Toolbox, name: str, **arguments: Any) -> PendingAction:
    result = _run(toolbox, name, **arguments)
    assert result.status == "needs_confirmation", result.message
    assert result.pending is not None
    return result.pending


def _dig(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


@pytest.mark.parametrize(
    ("call", "path", "sql"),
    [
        (
            ToolCall("spending_summary", {"period": "this_month", "category": "groceries"}),
            ("total",),
            f"SELECT -sum(amount_cents) FROM transactions WHERE kind = 'card' AND category = 'groceries' "
            f"AND posted_on {MONTH}",
        ),
        (
            ToolCall("spending_summary", {"period": "last_month", "merchant": "trader joes"}),
            ("total",),
            f"SELECT -sum(amount_cents) FROM transactions WHERE counterparty = 'Trader Joe''s' AND posted_on {OCTOBER}",
        ),
        (
            ToolCall("spending_summary", {"period": "last_week"}),
            ("count",),
            "SELECT count(*) FROM transactions WHERE kind = 'card' AND amount_cents < 0 "
            "AND posted_on BETWEEN '2026-11-09' AND '2026-11-15'",
        ),
        (
            ToolCall("list_card_transactions", {"period": "this_year", "merchant": "AMAZON.COM", "limit": 3}),
            ("count",),
            "SELECT count(*) FROM transactions WHERE counterparty = 'Amazon' AND posted_on >= '2026-01-01'",
        ),
        (
            ToolCall("list_card_transactions", {"period": "this_year", "min_amount": "200"}),
            ("count",),
            "SELECT count(*) FROM transactions WHERE kind = 'card' AND amount_cents <= -20000 "
            "AND posted_on >= '2026-01-01'",
        ),
        (
            ToolCall("card_statement", {}),
            ("statement", "balance"),
            "SELECT balance_cents FROM statements ORDER BY closing_on DESC LIMIT 1",
        ),
        (
            ToolCall("get_balance", {"account": "checking"}),
            ("balance",),
            "SELECT balance_cents FROM accounts WHERE id = 'checking'",
        ),
        (
            ToolCall("get_balance", {"account": "checking"}),
            ("available",),
            "SELECT (SELECT balance_cents FROM accounts WHERE id = 'checking') + (SELECT sum(amount_cents) "
            "FROM transactions WHERE account_id = 'checking' AND pending)",
        ),
        (
            ToolCall("get_balance", {"account": "credit_card"}),
            ("owed",),
            "SELECT -balance_cents FROM accounts WHERE id = 'credit_card'",
        ),
        (
            ToolCall("account_history", {"account": "savings", "period": "this_year"}),
            ("money_in",),
            "SELECT sum(amount_cents) FROM transactions WHERE account_id = 'savings' AND posted_on >= '2026-01-01'",
        ),
        (ToolCall("savings_overview", {}), ("balance",), "SELECT balance_cents FROM accounts WHERE id = 'savings'"),
        (
            ToolCall("interest_earned", {"period": "last_month"}),
            ("total",),
            f"SELECT sum(amount_cents) FROM transactions WHERE kind = 'interest' AND posted_on {OCTOBER}",
        ),
        (
            ToolCall("goal_progress", {"goal": "vacation savings"}),
            ("goals", 0, "saved"),
            "SELECT saved_cents FROM goals WHERE id = 2",
        ),
        (ToolCall("list_bills", {}), ("count",), "SELECT count(*) FROM bills WHERE paid_on IS NULL"),
        (
            ToolCall("list_bills", {"status": "overdue"}),
            ("count",),
            "SELECT count(*) FROM bills WHERE paid_on IS NULL AND due_on < '2026-11-20'",
        ),
        (
            ToolCall("list_bills", {"status": "paid", "period": "last_month"}),
            ("total",),
            f"SELECT sum(amount_cents) FROM bills WHERE paid_on IS NOT NULL AND due_on {OCTOBER}",
        ),
        (
            ToolCall("transfer_status", {"to": "sarah"}),
            ("count",),
            "SELECT count(*) FROM transfers JOIN payees ON payees.id = payee_id WHERE name = 'Sarah Johnson'",
        ),
        (
            ToolCall("recent_transactions", {"pending_only": True}),
            ("count",),
            "SELECT count(*) FROM transactions WHERE pending",
        ),
        (
            ToolCall("find_transaction", {"merchant": "my phone bill", "period": "last_month"}),
            ("matches", 0, "amount"),
            f"SELECT amount_cents FROM transactions WHERE counterparty = 'Verizon' AND posted_on {OCTOBER}",
        ),
        (ToolCall("card_status", {"card": "debit"}), ("last_four",), "SELECT last_four FROM cards WHERE id = 'debit'"),
    ],
)
def test_when_a_read_tool_runs_then_its_figure_matches_the_ledger(
    toolbox: Toolbox, bank_path: Path, call: ToolCall, path: tuple[Any, ...], sql: str
) -> None:
    result = toolbox.run(call)
    assert result.status == "ok", result.message
    value, expected = _dig(result.data, path), _scalar(bank_path, sql)
    assert value == (cents_to_decimal(expected) if isinstance(value, Decimal) else expected)


def test_when_transactions_are_listed_then_they_are_the_newest_first_and_cut_to_the_limit(toolbox: Toolbox) -> None:
    data = _run(toolbox, "list_card_transactions", period="this_year", merchant="Amazon", limit=3).data
    dates = [item["date"] for item in data["transactions"]]
    assert len(dates) == 3 < data["count"]
    assert dates == sorted(dates, reverse=True)
    assert {item["description"] for item in data["transactions"]} == {"Amazon"}
    recent = _run(toolbox, "recent_transactions").data["transactions"]
    assert len(recent) == 5
    assert recent[0]["date"] == TODAY


def test_when_a_help_question_is_asked_then_the_matching_article_and_paragraph_come_back(toolbox: Toolbox) -> None:
    data = _run(toolbox, "search_help", query="What are the fees for international transfers?").data
    assert data["article"]["title"] == "International transfer fees"
    assert "$4.99" in data["passage"]


@pytest.mark.parametrize(
    ("name", "arguments", "field", "canonical"),
    [
        ("pay_bill", {"payee": "the electricity bill"}, "payee", "City Power"),
        ("pay_bill", {"payee": "my phone bill"}, "payee", "Verizon"),
        ("pay_bill", {"payee": "Rent"}, "payee", "Oakwood Property Management"),
        ("set_autopay", {"payee": "xfinity", "enabled": False}, "payee", "Comcast"),
        ("spending_summary", {"period": "today", "merchant": "trader joes"}, "merchant", "Trader Joe's"),
        ("spending_summary", {"period": "today", "merchant": "Whole Foods Market"}, "merchant", "Whole Foods"),
        ("spending_summary", {"period": "today", "merchant": "barnes and noble"}, "merchant", "Barnes & Noble"),
        ("transfer", {"from_account": "checking", "to": "my mom", "amount": "20"}, "to", "Mom"),
        ("transfer", {"from_account": "checking", "to": "Savings Account", "amount": "20"}, "to", "savings"),
        ("transfer", {"from_account": "checking", "to": "alex", "amount": "20"}, "to", "Alex Chen"),
        ("transfer", {"from_account": "checking", "to": "credit card", "amount": "20"}, "amount", "20.00"),
        ("goal_progress", {"goal": "emergency"}, "goal", "Emergency fund"),
        ("goal_progress", {"goal": "my vacation goal"}, "goal", "Vacation"),
        ("transfer_status", {"to": "sarah"}, "to", "Sarah Johnson"),
    ],
)
def test_when_a_name_is_said_loosely_then_validation_returns_the_canonical_one(
    toolbox: Toolbox, name: str, arguments: dict[str, Any], field: str, canonical: str
) -> None:
    assert toolbox.validate(ToolCall(name, arguments)).arguments[field] == canonical


def test_when_a_bill_payment_leaves_out_amount_and_date_then_validation_fills_in_what_will_happen(
    toolbox: Toolbox, bank_path: Path
) -> None:
    due = cents_to_decimal(
        _scalar(bank_path, "SELECT amount_cents FROM bills WHERE payee_id = 2 AND paid_on IS NULL ORDER BY due_on")
    )
    call = toolbox.validate(ToolCall("pay_bill", {"payee": "power"}))
    assert call.arguments == {"payee": "City Power", "amount": f"{due:.2f}", "date": TODAY.isoformat()}
    assert list(call.arguments) == ["payee", "amount", "date"]


PAYEES = "Oakwood Property Management, City Power, Metro Water, Verizon, Comcast, State Farm and Planet Fitness"


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("open_account", {}, "I can't do that here."),
        ("get_balance", {}, "I need to know which account you mean: checking, savings or credit card."),
        ("get_balance", {"account": "checking", "currency": "EUR"}, "I can't use 'currency' for this request."),
        (
            "get_balance",
            {"account": "brokerage"},
            "The account must be checking, savings or credit card, not 'brokerage'.",
        ),
        ("recent_transactions", {"limit": "5"}, "The number of transactions must be a whole number."),
        ("recent_transactions", {"limit": True}, "The number of transactions must be a whole number."),
        ("recent_transactions", {"limit": 51}, "The number of transactions must be between 1 and 50."),
        ("set_autopay", {"payee": "gym", "enabled": "yes"}, "The autopay setting must be yes or no."),
        ("transfer", {"from_account": "checking", "to": "savings"}, "I need to know how much."),
        (
            "transfer",
            {"from_account": "checking", "to": "savings", "amount": "-5"},
            "The amount must be more than zero, not -5.",
        ),
        (
            "transfer",
            {"from_account": "checking", "to": "savings", "amount": "50000000"},
            "The amount must be at most $9,999,999.99, not $50,000,000.00.",
        ),
        ("pay_bill", {"payee": "power", "amount": "1,000"}, "'1,000' isn't an amount I can use"),
        ("pay_bill", {"payee": "power", "amount": "0.00"}, "The amount must be more than zero, not 0.00."),
        ("pay_bill", {"payee": "power", "amount": "12.345"}, "'12.345' isn't an amount I can use"),
        ("pay_bill", {"payee": "power", "amount": "84.20\n"}, "isn't an amount I can use"),
        ("pay_bill", {"payee": "power", "date": "tomorrow"}, "I couldn't read 'tomorrow' as a date."),
        ("pay_bill", {"payee": "power", "date": "2026-11-31"}, "November 31, 2026 isn't a real date."),
        (
            "pay_bill",
            {"payee": "power", "date": "2026-11-19"},
            "Yesterday is in the past; I can only do this today or later.",
        ),
        ("pay_bill", {"payee": "power", "date": "2028-01-03"}, "I can only schedule payments up to a year ahead."),
        (
            "pay_bill",
            {"payee": "gas company"},
            f"I couldn't find a payee called 'gas company'. Your bill payees are {PAYEES}.",
        ),
        ("pay_bill", {"payee": "water and power"}, "'water and power' could mean City Power or Metro Water."),
        ("pay_bill", {"payee": "power", "amount": "5000.00"}, "I can't pay more than that."),
        ("spending_summary", {"period": "next_month"}, "The period must be one of today, yesterday, this week,"),
        ("spending_summary", {"period": {"start": "2026-11-01"}}, "I need to know the end date."),
        (
            "spending_summary",
            {"period": {"start": "2026-11-10", "end": "2026-11-01"}},
            "The period starts on November 10, after it ends on November 1.",
        ),
        (
            "spending_summary",
            {"period": "today", "merchant": "Walmart"},
            "I couldn't find a merchant called 'Walmart' in your card purchases.",
        ),
        ("spending_summary", {"period": "today", "category": "pets"}, "The category must be groceries, dining,"),
        (
            "goal_progress",
            {"goal": "house"},
            "I couldn't find a savings goal called 'house'. Your goals are Emergency fund, Vacation and New car.",
        ),
        (
            "transfer",
            {"from_account": "checking", "to": "Bob", "amount": "20"},
            "I couldn't find an account or saved payee called 'Bob'. You can send money to checking, savings, "
            "credit card, Oakwood Property Management, Alex Chen, Mom and Sarah Johnson.",
        ),
        (
            "transfer",
            {"from_account": "credit_card", "to": "savings", "amount": "20"},
            "Money can't be moved out of your credit card. Choose checking or savings.",
        ),
        (
            "transfer",
            {"from_account": "savings", "to": "my savings account", "amount": "20"},
            "The money would go from your savings account back to itself.",
        ),
        (
            "transfer",
            {"from_account": "checking", "to": "alex", "amount": "3000"},
            "A saved payee can receive at most $2,500.00 per transfer.",
        ),
        (
            "transfer",
            {"from_account": "savings", "to": "credit card", "amount": "9999.00"},
            "I can't pay more than that.",
        ),
        (
            "transfer",
            {"from_account": "checking", "to": "savings", "amount": "999999"},
            "not enough to move $999,999.00.",
        ),
        ("set_autopay", {"payee": "internet", "enabled": True}, "Autopay is already on for Comcast."),
        ("unfreeze_card", {"card": "debit"}, "isn't frozen; it is active and ready to use."),
        ("activate_card", {"card": "credit"}, "is already active."),
        ("card_status", {"card": "prepaid"}, "The card must be debit or credit, not 'prepaid'."),
        ("find_transaction", {}, "Tell me the merchant, the amount or when it happened, and I'll look for it."),
        ("search_help", {"query": "??"}, "What would you like to know? Tell me in a few words."),
        ("search_help", {"query": 'say "hi"'}, "Please ask your question in a few words, on one line."),
    ],
)
def test_when_arguments_are_bad_then_the_result_is_a_clear_sentence_and_nothing_runs(
    toolbox: Toolbox, bank_path: Path, name: str, arguments: dict[str, Any], message: str
) -> None:
    before = _dump(bank_path)
    result = _run(toolbox, name, **arguments)
    assert result.status == "error"
    assert result.message is not None and message in result.message
    assert result.message[0].isupper() or result.message.startswith("'")
    assert "Traceback" not in result.message and "{" not in result.message
    with pytest.raises(ToolArgumentError):
        toolbox.validate(ToolCall(name, arguments))
    assert _dump(bank_path) == before


WRITES: list[tuple[str, dict[str, Any]]] = [
    ("pay_bill", {"payee": "electricity"}),
    ("set_autopay", {"payee": "gym", "enabled": False}),
    ("transfer", {"from_account": "checking", "to": "savings", "amount": "200"}),
    ("freeze_card", {"card": "debit"}),
    ("unfreeze_card", {"card": "debit"}),
    ("report_lost_card", {"card": "credit"}),
    ("activate_card", {"card": "debit"}),
    ("order_replacement", {"card": "credit"}),
]


@pytest.mark.parametrize(("name", "arguments"), WRITES[:4] + WRITES[5:6] + WRITES[7:])
def test_when_a_write_tool_runs_then_it_only_asks_for_confirmation(
    toolbox: Toolbox, bank_path: Path, name: str, arguments: dict[str, Any]
) -> None:
    before = _dump(bank_path)
    result = _run(toolbox, name, **arguments)
    assert result.status == "needs_confirmation"
    assert result.pending is not None and result.message == result.pending.prompt
    assert "?" in result.pending.prompt
    assert _dump(bank_path) == before
    assert toolbox.cancel(result.pending).status == "cancelled"
    assert _dump(bank_path) == before


def test_when_a_bill_payment_is_confirmed_then_checking_drops_by_exactly_the_amount_once(
    toolbox: Toolbox, bank_path: Path
) -> None:
    checking = _balance(bank_path, "checking")
    pending = _pending(toolbox, "pay_bill", payee="electricity")
    amount = Decimal(pending.call.arguments["amount"])
    assert pending.prompt == f"Pay ${amount} to City Power today from your checking account?"
    done = toolbox.execute(pending)
    assert done.status == "done"
    assert _balance(bank_path, "checking") == checking - amount == done.data["checking_balance"]
    after = _dump(bank_path)
    again = toolbox.execute(pending)
    assert (again.status, again.message) == ("already_done", "That was already done, so I didn't do it again.")
    with SqliteBank(bank_path) as reopened:  # an assistant restarted between the two confirmations
        assert Toolbox(reopened, FixedClock(TODAY)).execute(pending).status == "already_done"
    assert _dump(bank_path) == after
    bills = _run(toolbox, "list_bills", period="this_month").data["bills"]
    assert {b["status"] for b in bills if b["payee"] == "City Power"} == {"paid"}


def test_when_part_of_a_bill_is_paid_then_the_rest_stays_due(toolbox: Toolbox, bank_path: Path) -> None:
    due = Decimal(toolbox.validate(ToolCall("pay_bill", {"payee": "power"})).arguments["amount"])
    assert toolbox.execute(_pending(toolbox, "pay_bill", payee="power", amount="50.00")).data["remaining"] == due - 50
    assert _pending(toolbox, "pay_bill", payee="power").call.arguments["amount"] == f"{due - 50:.2f}"


def test_when_a_bill_payment_is_scheduled_then_no_money_moves_until_then(toolbox: Toolbox, bank_path: Path) -> None:
    checking = _balance(bank_path, "checking")
    pending = _pending(toolbox, "pay_bill", payee="rent", date="2026-11-27")
    assert pending.prompt.startswith("Schedule a payment of $1,850.00 to Oakwood Property Management on Friday")
    assert toolbox.execute(pending).data["scheduled"] is True
    assert _balance(bank_path, "checking") == checking
    again = _run(toolbox, "pay_bill", payee="rent")
    assert again.status == "error" and "already scheduled on Friday, November 27" in str(again.message)


def test_when_every_bill_of_a_payee_is_paid_then_paying_again_is_refused(toolbox: Toolbox) -> None:
    assert toolbox.execute(_pending(toolbox, "pay_bill", payee="power")).status == "done"
    result = _run(toolbox, "pay_bill", payee="power")
    assert result.status == "error"
    assert str(result.message).startswith("You have no unpaid City Power bill. The last one, $")
    assert str(result.message).endswith("was paid today.")


@pytest.mark.parametrize(
    ("to", "changes"),
    [
        ("savings", {"checking": Decimal("-200.00"), "savings": Decimal("200.00")}),
        ("credit card", {"checking": Decimal("-200.00"), "credit_card": Decimal("200.00")}),
        ("Mom", {"checking": Decimal("-200.00")}),
    ],
)
def test_when_a_transfer_is_confirmed_then_balances_move_by_exactly_the_amount(
    toolbox: Toolbox, bank_path: Path, to: str, changes: dict[str, Decimal]
) -> None:
    before = {account: _balance(bank_path, account) for account in ("checking", "savings", "credit_card")}
    done = toolbox.execute(_pending(toolbox, "transfer", from_account="checking", to=to, amount="200"))
    assert done.status == "done" and done.data["status"] == "completed"
    for account, balance in before.items():
        assert _balance(bank_path, account) == balance + changes.get(account, Decimal(0)), account
    latest = _run(toolbox, "transfer_status", to=to).data["transfers"][0]
    assert (latest["amount"], latest["date"], latest["status"]) == (Decimal("200.00"), TODAY, "completed")


def test_when_a_transfer_is_scheduled_then_it_shows_as_scheduled_and_no_money_moves(
    toolbox: Toolbox, bank_path: Path
) -> None:
    before = _balance(bank_path, "checking")
    pending = _pending(toolbox, "transfer", from_account="checking", to="alex", amount="30", date="2026-12-01")
    assert pending.prompt == "Send $30.00 from your checking account to Alex Chen on Tuesday, December 1?"
    assert toolbox.execute(pending).data["status"] == "scheduled"
    assert _balance(bank_path, "checking") == before
    upcoming = _run(toolbox, "transfer_status", to="alex").data["upcoming"]
    assert [(t["amount"], t["status"]) for t in upcoming] == [(Decimal("30.00"), "scheduled")]


def test_when_autopay_is_turned_off_then_the_payee_shows_it(toolbox: Toolbox) -> None:
    assert toolbox.execute(_pending(toolbox, "set_autopay", payee="gym", enabled=False)).data["enabled"] is False
    bills = _run(toolbox, "list_bills").data["bills"]
    assert any(b["payee"] == "Planet Fitness" and not b["autopay"] for b in bills)
    assert (
        _run(toolbox, "set_autopay", payee="gym", enabled=False).message == "Autopay is already off for Planet Fitness."
    )


@pytest.mark.parametrize(
    ("steps", "final_state"),
    [
        ([("freeze_card", "done"), ("freeze_card", "error"), ("unfreeze_card", "done")], "active"),
        ([("report_lost_card", "done"), ("unfreeze_card", "error"), ("freeze_card", "error")], "lost"),
        (
            [("report_lost_card", "done"), ("order_replacement", "done"), ("order_replacement", "error")],
            "replacement_ordered",
        ),
        ([("order_replacement", "done"), ("activate_card", "done"), ("activate_card", "error")], "active"),
        ([("freeze_card", "done"), ("activate_card", "error"), ("report_lost_card", "done")], "lost"),
    ],
)
def test_when_card_actions_follow_each_other_then_only_sensible_moves_happen(
    toolbox: Toolbox, steps: list[tuple[str, str]], final_state: str
) -> None:
    for tool, outcome in steps:
        result = _run(toolbox, tool, card="debit")
        if result.pending is not None:
            result = toolbox.execute(result.pending)
        assert result.status == outcome, (tool, result.message)
    assert _run(toolbox, "card_status", card="debit").data["state"] == final_state


def test_when_a_replacement_is_ordered_then_the_new_card_has_a_new_number(toolbox: Toolbox) -> None:
    old = _run(toolbox, "card_status", card="credit").data["last_four"]
    done = toolbox.execute(_pending(toolbox, "order_replacement", card="credit"))
    assert done.data["previous_last_four"] == old != done.data["last_four"]
    status = _run(toolbox, "card_status", card="credit").data
    assert (status["last_four"], status["arrives_by"]) == (done.data["last_four"], done.data["arrives_by"])


def test_when_card_rules_are_listed_then_every_state_is_either_allowed_or_explained() -> None:
    for tool, (_, allowed) in CARD_ACTIONS.items():
        refused = {state for (name, state) in CARD_REFUSALS if name == tool}
        assert refused.isdisjoint(allowed) and refused | set(allowed) == set(CARD_STATES), tool


def test_when_the_bank_changed_since_the_question_then_the_confirmed_action_is_refused(
    toolbox: Toolbox, bank_path: Path
) -> None:
    first, second = _pending(toolbox, "freeze_card", card="debit"), _pending(toolbox, "freeze_card", card="debit")
    assert toolbox.execute(first).status == "done"
    after = _dump(bank_path)
    result = toolbox.execute(second)
    assert result.status == "error"
    assert re.fullmatch(r"Your debit card ending \d{4} is already frozen\. Nothing was changed\.", str(result.message))
    assert _dump(bank_path) == after


@pytest.mark.parametrize(
    "call",
    [
        ToolCall("pay_bill", {"payee": "electricity"}),  # never validated: no amount or date filled in
        ToolCall("get_balance", {"account": "checking"}),  # a read tool needs no confirmation
        ToolCall("transfer", {"from_account": "checking", "to": "savings", "amount": "-1"}),
    ],
)
def test_when_a_pending_action_was_not_made_by_the_toolbox_then_nothing_runs(
    toolbox: Toolbox, bank_path: Path, call: ToolCall
) -> None:
    before = _dump(bank_path)
    assert toolbox.execute(PendingAction("forged", call, "Do it?")).status == "error"
    assert _dump(bank_path) == before


def test_when_any_tool_result_is_serialised_then_it_is_plain_json(toolbox: Toolbox) -> None:
    reads: dict[str, dict[str, Any]] = {
        "spending_summary": {"period": "this_month"},
        "list_card_transactions": {"period": "this_month"},
        "card_statement": {},
        "get_balance": {"account": "credit_card"},
        "account_history": {"account": "checking", "period": "last_month"},
        "savings_overview": {},
        "interest_earned": {"period": "this_year"},
        "goal_progress": {},
        "list_bills": {},
        "transfer_status": {},
        "recent_transactions": {},
        "find_transaction": {"amount": "42"},
        "card_status": {"card": "debit"},
        "search_help": {"query": "card delivery"},
    }
    results = [_run(toolbox, name, **arguments) for name, arguments in reads.items()]
    for name, arguments in WRITES[:4] + WRITES[5:6] + WRITES[7:]:
        pending = _pending(toolbox, name, **arguments)
        results.append(toolbox.execute(pending))
    assert {r.name for r in results} | {"unfreeze_card", "activate_card"} == set(TOOL_NAMES)
    assert {r.name for r in results if r.status == "done"} <= WRITE_TOOLS
    for result in results:
        assert result.status in ("ok", "done"), (result.name, result.message)
        text = json.dumps(result.to_dict())
        assert json.loads(text)["name"] == result.name
        assert not re.search(r"Decimal|datetime", text)
