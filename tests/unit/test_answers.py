"""Spoken answers: what the user hears for each tool's result, and that every figure comes from the result."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest

from edge_runtime.bank import FixedClock
from edge_runtime.tools.answers import render_answer
from edge_runtime.tools.calls import PendingAction, ToolCall, ToolResult
from edge_runtime.tools.schemas import TOOL_NAMES
from edge_runtime.tools.toolbox import Toolbox
from tests.unit.conftest import TODAY

D = Decimal
NOV = date(2026, 11, 1)
PERIOD = {"start": NOV, "end": TODAY, "phrase": "this month"}


def _txn(amount: str, who: str, when: date, kind: str = "card", pending: bool = False) -> dict[str, Any]:
    account = "credit_card" if kind == "card" else "checking"
    return {"date": when, "description": who, "amount": D(amount), "account": account, "kind": kind, "pending": pending}


def _bill(payee: str, amount: str, due: date, status: str, **extra: Any) -> dict[str, Any]:
    bill = {"payee": payee, "amount": D(amount), "due_date": due, "status": status, "autopay": False}
    return bill | {"paid_date": None, "scheduled_date": None, "scheduled_amount": None} | extra


CASES: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "spending_summary",
        "ok",
        {
            "period": PERIOD,
            "category": "groceries",
            "merchant": None,
            "total": D("635.58"),
            "count": 6,
            "breakdown_by": "merchant",
            "breakdown": [{"name": "Costco", "total": D("242.04")}, {"name": "Trader Joe's", "total": D("231.81")}],
        },
        "You spent $635.58 on groceries this month, across 6 purchases. By merchant: Costco $242.04 and "
        "Trader Joe's $231.81.",
    ),
    (
        "spending_summary",
        "ok",
        {"period": PERIOD | {"phrase": "today"}, "category": None, "merchant": "IKEA", "total": D("0.00"), "count": 0}
        | {"breakdown_by": None, "breakdown": []},
        "You didn't spend anything at IKEA today.",
    ),
    (
        "list_card_transactions",
        "ok",
        {
            "period": PERIOD | {"phrase": "last week"},
            "merchant": "Amazon",
            "category": None,
            "min_amount": None,
            "count": 2,
            "total": D("188.50"),
            "transactions": [
                _txn("-121.14", "Amazon", date(2026, 11, 14)),
                _txn("-67.36", "Amazon", date(2026, 11, 12)),
            ],
        },
        "2 card purchases at Amazon last week, $188.50 in total. $121.14 on Saturday, November 14 and $67.36 on "
        "Thursday, November 12.",
    ),
    (
        "card_statement",
        "ok",
        {
            "statement": {
                "opening_date": date(2026, 10, 6),
                "closing_date": date(2026, 11, 5),
                "balance": D("1495.66"),
                "minimum_payment": D("29.91"),
                "due_date": date(2026, 11, 30),
                "paid_date": None,
            },
            "current_balance": D("2453.67"),
            "credit_limit": D("8000.00"),
            "available_credit": D("5327.35"),
        },
        "Your statement balance is $1,495.66, from the statement that closed on Thursday, November 5. The minimum "
        "payment of $29.91 is due on Monday, November 30. Your current balance is $2,453.67. You have $5,327.35 of "
        "credit available.",
    ),
    (
        "get_balance",
        "ok",
        {"account": "checking", "balance": D("8383.36"), "available": D("8313.43"), "pending": D("-69.93")},
        "Your checking balance is $8,383.36. With pending transactions, $8,313.43 is available.",
    ),
    (
        "get_balance",
        "ok",
        {"account": "credit_card", "owed": D("2453.67"), "credit_limit": D("8000.00")}
        | {"available_credit": D("5327.35"), "pending": D("0.00")},
        "You owe $2,453.67 on your credit card, and you have $5,327.35 of your $8,000.00 limit available.",
    ),
    (
        "account_history",
        "ok",
        {
            "account": "savings",
            "period": PERIOD | {"phrase": "in October"},
            "count": 2,
            "money_in": D("562.48"),
            "money_out": D("0.00"),
            "transactions": [
                _txn("62.48", "Interest", date(2026, 10, 31), "interest"),
                _txn("500.00", "checking", date(2026, 10, 16), "transfer"),
            ],
        },
        "Your savings account had 2 transactions in October: $562.48 in and $0.00 out. The latest: $62.48 of "
        "interest on Saturday, October 31 and $500.00 from checking on Friday, October 16.",
    ),
    (
        "savings_overview",
        "ok",
        {
            "balance": D("18849.24"),
            "interest_rate": D("4.10"),
            "interest_this_year": D("539.40"),
            "last_interest": {"amount": D("62.48"), "date": date(2026, 10, 31)},
            "goals": [{"name": "Vacation", "saved": D("2800.00"), "target": D("4000.00")}],
            "in_goals": D("2800.00"),
        },
        "Your savings balance is $18,849.24, earning 4.10% APY. You've earned $539.40 in interest this year, most "
        "recently $62.48 on Saturday, October 31. $2,800.00 of it is set aside for your goals: Vacation, $2,800.00 "
        "of $4,000.00.",
    ),
    (
        "interest_earned",
        "ok",
        {"period": PERIOD | {"phrase": "this week"}, "total": D("0.00"), "count": 0, "interest_rate": D("4.10")},
        "No interest was paid into your savings this week. Your savings rate is 4.10% APY.",
    ),
    (
        "goal_progress",
        "ok",
        {
            "goal": "New car",
            "goals": [
                {
                    "name": "New car",
                    "saved": D("3500.00"),
                    "target": D("20000.00"),
                    "remaining": D("16500.00"),
                    "percent": 17,
                    "target_date": date(2029, 1, 28),
                    "on_track": False,
                    "monthly_needed": D("611.12"),
                }
            ],
        },
        "You've saved $3,500.00 of $20,000.00 for your new car goal, 17%. You're behind: saving $611.12 a month "
        "would get you there by Sunday, January 28, 2029.",
    ),
    (
        "list_bills",
        "ok",
        {
            "status": None,
            "period": None,
            "count": 2,
            "total": D("1900.60"),
            "bills": [
                _bill("Metro Water", "50.60", date(2026, 10, 22), "overdue"),
                _bill("Oakwood Property Management", "1850.00", date(2026, 12, 1), "upcoming"),
            ],
        },
        "You have 2 unpaid bills, $1,900.60 in total: Metro Water, $50.60, overdue since Thursday, October 22; "
        "Oakwood Property Management, $1,850.00, due on Tuesday, December 1.",
    ),
    (
        "list_bills",
        "ok",
        {"status": "overdue", "period": None, "count": 0, "total": D("0.00"), "bills": []},
        "You have no overdue bills.",
    ),
    (
        "transfer_status",
        "ok",
        {
            "to": "Alex Chen",
            "period": None,
            "count": 2,
            "transfers": [
                {"to": "Alex Chen", "from_account": "checking", "amount": D("45.00"), "date": TODAY - timedelta(1)}
                | {"status": "pending"},
                {"to": "Alex Chen", "from_account": "checking", "amount": D("37.08"), "date": date(2026, 8, 11)}
                | {"status": "completed"},
            ],
            "upcoming": [],
        },
        "Your latest transfer to Alex Chen, $45.00 yesterday, is still pending. Before that: $37.08 on Tuesday, "
        "August 11, completed.",
    ),
    (
        "recent_transactions",
        "ok",
        {
            "account": "checking",
            "pending_only": True,
            "count": 1,
            "transactions": [_txn("-6.09", "Starbucks", TODAY, pending=True)],
        },
        "You have 1 pending transaction on your checking account: $6.09 at Starbucks today.",
    ),
    (
        "recent_transactions",
        "ok",
        {
            "account": None,
            "pending_only": True,
            "count": 9,
            "transactions": [
                _txn("-6.09", "Starbucks", TODAY, pending=True),
                _txn("-22.69", "Lyft", TODAY, pending=True),
            ],
        },
        "You have 9 pending transactions. The latest 2: $6.09 at Starbucks today and $22.69 at Lyft today.",
    ),
    (
        "find_transaction",
        "ok",
        {"merchant": None, "amount": D("42.00"), "period": PERIOD | {"phrase": "yesterday"}, "count": 0, "matches": []},
        "I couldn't find a transaction of $42.00 yesterday.",
    ),
    (
        "card_status",
        "ok",
        {
            "card": "debit",
            "last_four": "4821",
            "state": "replacement_ordered",
            "expires": date(2030, 11, 30),
            "account": "checking",
            "replacement_ordered_on": TODAY,
            "arrives_by": date(2026, 12, 1),
        },
        "Your debit card ending 4821 is being replaced. It expires at the end of November 2030. Its replacement was "
        "ordered today and should arrive by Tuesday, December 1.",
    ),
    (
        "search_help",
        "ok",
        {
            "query": "fees abroad",
            "article": {"title": "International transfer fees", "slug": "x"},
            "passage": "It's $4.99.",
        },
        "From our help article 'International transfer fees': It's $4.99.",
    ),
    (
        "search_help",
        "ok",
        {"query": "tell me a joke", "article": None, "passage": None},
        "I couldn't find a help article that answers that. Could you ask it another way?",
    ),
    (
        "pay_bill",
        "done",
        {"payee": "City Power", "amount": D("112.08"), "date": TODAY, "scheduled": False, "remaining": D("0.00")}
        | {"checking_balance": D("8271.28")},
        "Done. I paid $112.08 to City Power. Your checking balance is now $8,271.28.",
    ),
    ("set_autopay", "done", {"payee": "Comcast", "enabled": False}, "Done. Autopay is off for Comcast."),
    (
        "transfer",
        "done",
        {"from_account": "checking", "to": "Mom", "amount": D("50.00"), "date": TODAY, "status": "completed"}
        | {"from_balance": D("8000.00")},
        "Done. I sent $50.00 to Mom from your checking account. Your checking balance is now $8,000.00.",
    ),
    (
        "transfer",
        "done",
        {"from_account": "checking", "to": "savings", "amount": D("200.00"), "date": date(2026, 11, 27)}
        | {"status": "scheduled", "from_balance": D("8000.00")},
        "Done. $200.00 from checking to savings is scheduled on Friday, November 27.",
    ),
    (
        "freeze_card",
        "done",
        {"card": "debit", "last_four": "4821", "state": "frozen"},
        "Your debit card ending 4821 is now frozen. Ask me to unfreeze it whenever you like.",
    ),
    (
        "unfreeze_card",
        "done",
        {"card": "debit", "last_four": "4821", "state": "active"},
        "Your debit card ending 4821 is unfrozen and ready to use.",
    ),
    (
        "report_lost_card",
        "done",
        {"card": "credit", "last_four": "7305", "state": "lost"},
        "Your credit card ending 7305 is now blocked for good. Ask me to order a replacement if you need one.",
    ),
    (
        "activate_card",
        "done",
        {"card": "credit", "last_four": "7305", "state": "active"},
        "Your credit card ending 7305 is active and ready to use.",
    ),
    (
        "order_replacement",
        "done",
        {"card": "credit", "last_four": "2245", "state": "replacement_ordered", "previous_last_four": "7305"}
        | {"arrives_by": date(2026, 12, 1)},
        "I ordered a new credit card. It ends in 2245 and should arrive by Tuesday, December 1. Your card ending 7305 "
        "no longer works.",
    ),
]


def test_when_the_answer_table_is_read_then_every_tool_has_a_case() -> None:
    assert {name for name, *_ in CASES} == set(TOOL_NAMES)


@pytest.mark.parametrize(("name", "status", "data", "answer"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_when_a_result_is_rendered_then_the_user_hears_this_sentence(
    name: str, status: str, data: dict[str, Any], answer: str
) -> None:
    assert render_answer(ToolResult(name, {}, status, data=data), FixedClock(TODAY)) == answer


@pytest.mark.parametrize(
    ("status", "message", "answer"),
    [
        ("error", "I couldn't find a payee called 'gas company'.", "I couldn't find a payee called 'gas company'."),
        ("needs_confirmation", "Pay $84.20 to City Power today?", "Pay $84.20 to City Power today?"),
        ("already_done", "That was already done.", "That was already done."),
        ("cancelled", None, "Okay, nothing was changed."),
    ],
)
def test_when_a_result_is_not_data_then_its_own_sentence_is_said(status: str, message: str | None, answer: str) -> None:
    result = ToolResult("pay_bill", {}, status, message=message)
    assert render_answer(result, FixedClock(TODAY)) == answer


# Every figure an answer says must be found in its result: amounts, percentages, dates, card numbers.
_MONEY = re.compile(r"\$([\d,]+\.\d{2})")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
_DAY = re.compile(
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, "
    r"(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2})(?:, (\d{4}))?"
)
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def _figures(result: ToolResult) -> tuple[set[Decimal], set[date], str]:
    numbers: set[Decimal] = set()
    dates: set[date] = set()
    texts: list[str] = []
    for leaf in _leaves(result.to_dict()["data"]):
        if isinstance(leaf, int | float) and not isinstance(leaf, bool):
            numbers.add(abs(Decimal(leaf)))
        elif isinstance(leaf, str):
            texts.append(leaf)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", leaf):
                dates.add(date.fromisoformat(leaf))
            else:
                with contextlib.suppress(InvalidOperation):  # words are not figures
                    numbers.add(abs(Decimal(leaf)))
    return numbers, dates, " ".join(texts)


def _assert_figures_come_from(answer: str, result: ToolResult) -> None:
    numbers, dates, texts = _figures(result)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", answer), answer
    for amount in _MONEY.findall(answer):
        assert D(amount.replace(",", "")) in numbers or f"${amount}" in texts, (amount, answer)
    for percent in _PERCENT.findall(answer):
        assert D(percent) in numbers or f"{percent}%" in texts, (percent, answer)
    for month, day, year in _DAY.findall(answer):
        said = date(int(year or TODAY.year), _MONTHS.index(month) + 1, int(day))
        assert said in dates, (said, answer)
    for word, offset in (("yesterday", -1), ("today", 0), ("tomorrow", 1)):
        if re.search(rf"\b{word}\b", answer) and word not in texts:
            assert TODAY + timedelta(days=offset) in dates, (word, answer)
    for last_four in re.findall(r"ending (?:in )?(\d{4})", answer):
        assert last_four in texts, (last_four, answer)


READS: list[tuple[str, dict[str, Any]]] = [
    ("spending_summary", {"period": "this_month"}),
    ("spending_summary", {"period": "last_month", "category": "dining"}),
    ("spending_summary", {"period": "this_week", "merchant": "IKEA"}),
    ("list_card_transactions", {"period": "this_month", "min_amount": "100"}),
    ("list_card_transactions", {"period": "yesterday"}),
    ("card_statement", {}),
    ("get_balance", {"account": "checking"}),
    ("get_balance", {"account": "savings"}),
    ("get_balance", {"account": "credit_card"}),
    ("account_history", {"account": "checking", "period": {"start": "2026-10-01", "end": "2026-10-31"}}),
    ("account_history", {"account": "savings", "period": "today"}),
    ("savings_overview", {}),
    ("interest_earned", {"period": "this_year"}),
    ("interest_earned", {"period": "this_week"}),
    ("goal_progress", {}),
    ("goal_progress", {"goal": "vacation"}),
    ("goal_progress", {"goal": "car"}),
    ("list_bills", {}),
    ("list_bills", {"status": "paid", "period": "last_month"}),
    ("list_bills", {"period": "this_month"}),
    ("list_bills", {"status": "overdue"}),
    ("transfer_status", {}),
    ("transfer_status", {"to": "alex"}),
    ("transfer_status", {"to": "mom", "period": "last_week"}),
    ("recent_transactions", {}),
    ("recent_transactions", {"pending_only": True, "account": "checking"}),
    ("find_transaction", {"amount": "42"}),
    ("find_transaction", {"merchant": "phone", "period": "last_month"}),
    ("find_transaction", {"merchant": "netflix", "period": "this_month"}),
    ("card_status", {"card": "credit"}),
    ("search_help", {"query": "how long does a new card take to arrive"}),
    ("search_help", {"query": "tell me a joke"}),
]
WRITES: list[tuple[str, dict[str, Any]]] = [
    ("pay_bill", {"payee": "water"}),
    ("pay_bill", {"payee": "electricity", "amount": "50.00"}),
    ("pay_bill", {"payee": "rent", "date": "2026-11-27"}),
    ("set_autopay", {"payee": "gym", "enabled": False}),
    ("transfer", {"from_account": "checking", "to": "savings", "amount": "200"}),
    ("transfer", {"from_account": "savings", "to": "credit card", "amount": "100"}),
    ("transfer", {"from_account": "checking", "to": "mom", "amount": "40", "date": "2026-12-24"}),
    ("freeze_card", {"card": "debit"}),
    ("unfreeze_card", {"card": "debit"}),
    ("report_lost_card", {"card": "credit"}),
    ("order_replacement", {"card": "credit"}),
    ("activate_card", {"card": "credit"}),
]


def test_when_every_tool_answers_on_the_demo_bank_then_each_figure_and_date_comes_from_its_result(
    toolbox: Toolbox, clock: FixedClock
) -> None:
    answered: set[str] = set()
    for name, arguments in READS + WRITES:
        result = toolbox.run(ToolCall(name, arguments))
        if result.pending is not None:
            result = toolbox.execute(result.pending)
        assert result.status in ("ok", "done"), (name, result.message)
        answer = render_answer(result, clock)
        assert answer and not answer[0].islower() and answer[-1] in ".!?", answer
        _assert_figures_come_from(answer, result)
        answered.add(name)
    assert answered == set(TOOL_NAMES)


def test_when_a_help_article_matches_then_the_answer_names_it_and_quotes_only_its_text(
    toolbox: Toolbox, clock: FixedClock
) -> None:
    result = toolbox.run(ToolCall("search_help", {"query": "What are the fees for international transfers?"}))
    answer = render_answer(result, clock)
    prefix = "From our help article 'International transfer fees': "
    assert answer.startswith(prefix)
    article = toolbox.store.search_help("international transfer fees")
    assert article is not None and answer.removeprefix(prefix) in article.body.split("\n\n")


def test_when_a_write_is_pending_then_the_answer_is_the_confirmation_question(
    toolbox: Toolbox, clock: FixedClock
) -> None:
    result = toolbox.run(ToolCall("freeze_card", {"card": "debit"}))
    assert isinstance(result.pending, PendingAction)
    assert render_answer(result, clock) == result.pending.prompt
    assert re.fullmatch(
        r"Freeze your debit card ending \d{4}\? You can unfreeze it at any time\.", result.pending.prompt
    )
