"""The text assistant end to end on the shipped models: router, specialists, tools and answers.

Every contract tool is reached from a plain question, write tools stop at their confirmation question,
and a conversation pays a bill only after an explicit yes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from edge_runtime.bank import FixedClock, SqliteBank, create_demo_bank
from edge_runtime.conversation import Conversation
from edge_runtime.pipeline import NOTHING_PENDING_ANSWER, Assistant
from edge_runtime.router import Router, RouterOptions
from edge_runtime.specialists.engine import SpecialistEngine, SpecialistOptions
from edge_runtime.tools.schemas import TOOL_NAMES, WRITE_TOOLS
from edge_runtime.tools.toolbox import Toolbox

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def engines(model_dir: Path) -> tuple[Router, SpecialistEngine]:
    return Router(model_dir, RouterOptions(threads=2)), SpecialistEngine.from_manifest(
        model_dir, SpecialistOptions(threads=2)
    )


@pytest.fixture(scope="module")
def demo_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bank") / "demo.sqlite"
    create_demo_bank(path, today=TODAY)
    return path


@pytest.fixture
def bank(demo_bank: Path, tmp_path: Path) -> Iterator[SqliteBank]:
    with SqliteBank(shutil.copy(demo_bank, tmp_path / "bank.sqlite")) as store:
        yield store


@pytest.fixture
def assistant(engines: tuple[Router, SpecialistEngine], bank: SqliteBank) -> Assistant:
    clock = FixedClock(TODAY)
    return Assistant(engines[0], engines[1], Toolbox(bank, clock), clock)


# One plain question per contract tool, with the arguments that must come out of it.
QUESTIONS = [
    (
        "How much did I spend on groceries this month?",
        "spending_summary",
        {"period": "this_month", "category": "groceries"},
    ),
    ("Show my Amazon purchases from last week", "list_card_transactions", {"period": "last_week"}),
    ("When is my credit card payment due?", "card_statement", {}),
    ("What's my checking balance?", "get_balance", {"account": "checking"}),
    (
        "Show my checking account history for last month",
        "account_history",
        {"account": "checking", "period": "last_month"},
    ),
    ("How are my savings doing?", "savings_overview", {}),
    ("How much interest did I earn this year?", "interest_earned", {"period": "this_year"}),
    ("Am I on track for my vacation goal?", "goal_progress", {}),
    ("Which bills are overdue?", "list_bills", {"status": "overdue"}),
    ("Pay the electricity bill", "pay_bill", {}),
    ("Turn on autopay for the electricity bill", "set_autopay", {"payee": "City Power", "enabled": True}),
    ("Move $200 from checking to savings", "transfer", {"from_account": "checking", "amount": "200.00"}),
    ("Did my transfer to Alex go through?", "transfer_status", {}),
    ("What are my last five transactions?", "recent_transactions", {"limit": 5}),
    ("Find the Starbucks charge", "find_transaction", {}),
    ("Is my debit card working?", "card_status", {"card": "debit"}),
    ("Freeze my debit card", "freeze_card", {"card": "debit"}),
    ("Unfreeze my credit card", "unfreeze_card", {"card": "credit"}),  # it is not frozen: see STATE_ANSWERS
    ("I lost my credit card", "report_lost_card", {"card": "credit"}),
    ("Activate my new debit card", "activate_card", {"card": "debit"}),  # already active: see STATE_ANSWERS
    ("Send me a replacement debit card", "order_replacement", {"card": "debit"}),
    ("What are the fees for international transfers?", "search_help", {}),
]


# On the demo bank both cards are active, so these two are refused with the card's state, not asked about.
STATE_ANSWERS = {"unfreeze_card": "isn't frozen", "activate_card": "already active"}


def test_when_the_question_list_is_read_then_it_reaches_every_tool() -> None:
    assert sorted({tool for _, tool, _ in QUESTIONS}) == sorted(TOOL_NAMES)


@pytest.mark.parametrize(("text", "tool", "arguments"), QUESTIONS, ids=[tool for _, tool, _ in QUESTIONS])
def test_when_a_plain_question_is_asked_then_the_right_tool_runs_with_the_right_arguments(
    assistant: Assistant, text: str, tool: str, arguments: dict[str, object]
) -> None:
    turn = assistant.ask(text, Conversation(), confirmations=False)
    assert not turn.escalated, turn.to_dict()
    assert [call["name"] for call in turn.tool_calls] == [tool], turn.to_dict()
    call = turn.tool_calls[0]
    for key, value in arguments.items():
        assert call["arguments"].get(key) == value, turn.to_dict()
    if tool in STATE_ANSWERS:
        assert call["status"] == "error" and STATE_ANSWERS[tool] in turn.answer, turn.to_dict()
    else:
        assert call["status"] == ("needs_confirmation" if tool in WRITE_TOOLS else "ok"), turn.to_dict()
    assert turn.answer and "{" not in turn.answer


def _checking(bank: SqliteBank) -> Decimal:
    return next(account.balance for account in bank.accounts() if account.id == "checking")


def test_when_the_user_confirms_a_bill_payment_then_it_is_paid_once(assistant: Assistant, bank: SqliteBank) -> None:
    conversation = Conversation()
    before = _checking(bank)
    asked = assistant.ask("Pay the electricity bill", conversation)
    assert asked.tool_calls[0]["status"] == "needs_confirmation"
    assert "City Power" in asked.answer and asked.answer.endswith("?")
    assert _checking(bank) == before

    done = assistant.ask("yes", conversation)
    assert done.tool_calls[0]["status"] == "done"
    paid = before - _checking(bank)
    assert paid > 0 and f"${paid:,.2f}" in asked.answer

    assistant.ask("yes", conversation)
    assert before - _checking(bank) == paid


def test_when_the_user_says_no_then_the_transfer_never_happens(assistant: Assistant, bank: SqliteBank) -> None:
    conversation = Conversation()
    before = _checking(bank)
    assistant.ask("Move $200 from checking to savings", conversation)
    turn = assistant.ask("no", conversation)
    assert turn.tool_calls[0]["status"] == "cancelled"
    assert _checking(bank) == before


def test_when_a_follow_up_asks_about_another_period_then_the_same_question_is_answered_for_it(
    assistant: Assistant,
) -> None:
    conversation = Conversation()
    first = assistant.ask("How much did I spend on groceries this month?", conversation)
    follow = assistant.ask("and last month?", conversation)
    assert follow.label == "card_spending"
    assert follow.tool_calls[0]["name"] == first.tool_calls[0]["name"] == "spending_summary"
    assert follow.tool_calls[0]["arguments"] == {"period": "last_month", "category": "groceries"}
    assert "last month" in follow.answer


@pytest.mark.parametrize(
    "text",
    ["I have $50,000 saved, should I buy a house or keep renting and invest?", "How many prime numbers are below 100?"],
)
def test_when_a_question_is_hard_or_off_topic_then_it_escalates(assistant: Assistant, text: str) -> None:
    turn = assistant.ask(text, Conversation())
    assert turn.escalated
    assert turn.tool_calls == []


def test_when_help_is_asked_then_the_answer_names_the_article_it_comes_from(assistant: Assistant) -> None:
    turn = assistant.ask("How do I verify my identity?", Conversation())
    assert turn.tool_calls[0]["name"] == "search_help"
    assert turn.answer.startswith("From our help article 'Verifying your identity':")


@pytest.mark.parametrize(
    "case",
    [
        ("Pay $80 to City Power", "pay_bill", "80", "$80.00"),
        ("Move $5,000,000 from checking to savings", "transfer", "5000000", "$5,000,000.00"),
        ("transfer four thousand dollars and seventy two cents from savings to checking", "transfer", "4000.72", None),
    ],
)
def test_when_an_amount_is_said_then_the_call_and_the_answer_carry_that_amount(
    assistant: Assistant, bank: SqliteBank, case: tuple[str, str, str, str | None]
) -> None:
    text, tool, amount, said = case
    before = _checking(bank)
    turn = assistant.ask(text, Conversation())
    (call,) = turn.tool_calls
    assert (call["name"], Decimal(call["arguments"]["amount"])) == (tool, Decimal(amount))
    assert call["status"] in ("needs_confirmation", "error")
    if said is not None:
        assert said in turn.answer
    assert _checking(bank) == before


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("transfer -50 to savings", "The amount must be more than zero, not -50."),
        ("transfer $0 to savings", "The amount must be more than zero, not 0."),
        (
            "pay 1000000 to city power",
            "The City Power bill due on Friday, December 18 is $112.08; I can't pay more than that.",
        ),
    ],
)
def test_when_an_amount_cannot_be_moved_then_the_user_is_told_and_nothing_waits_for_a_yes(
    assistant: Assistant, bank: SqliteBank, text: str, answer: str
) -> None:
    before = _checking(bank)
    conversation = Conversation()
    turn = assistant.ask(text, conversation)
    assert [call["status"] for call in turn.tool_calls] == ["error"]
    assert turn.answer == answer
    assert conversation.pending is None
    assert _checking(bank) == before


@pytest.mark.parametrize(
    ("question", "tool"),
    [("did I report my card lost?", "card_status"), ("how much is my rent bill?", "list_bills")],
)
def test_when_a_question_only_asks_then_it_is_answered_and_a_yes_changes_nothing(
    assistant: Assistant, bank: SqliteBank, question: str, tool: str
) -> None:
    before = (_checking(bank), [card.state for card in bank.cards()])
    conversation = Conversation()
    turn = assistant.ask(question, conversation)
    assert [(call["name"], call["status"]) for call in turn.tool_calls] == [(tool, "ok")]
    assert not turn.answer.endswith("?")
    assert assistant.ask("yes", conversation).answer == NOTHING_PENDING_ANSWER
    assert (_checking(bank), [card.state for card in bank.cards()]) == before


def test_when_a_frozen_card_is_to_be_turned_back_on_then_the_confirmation_unfreezes_it(
    assistant: Assistant, bank: SqliteBank
) -> None:
    conversation = Conversation()
    assistant.ask("freeze my credit card", conversation)
    assistant.ask("yes", conversation)
    turn = assistant.ask("turn my credit card back on", conversation)
    assert [(call["name"], call["status"]) for call in turn.tool_calls] == [("unfreeze_card", "needs_confirmation")]
    assistant.ask("yes", conversation)
    assert {card.id: card.state for card in bank.cards()}["credit"] == "active"


def test_when_a_card_is_put_on_hold_and_switched_back_on_then_each_confirmation_does_what_was_said(
    assistant: Assistant, bank: SqliteBank
) -> None:
    # The card specialist alone writes an unfreeze for the first and finds no tool for the second.
    conversation = Conversation()
    turn = assistant.ask("put a hold on my debit card", conversation)
    assert [(call["name"], call["status"]) for call in turn.tool_calls] == [("freeze_card", "needs_confirmation")]
    assert turn.answer.startswith("Freeze your debit card")
    assistant.ask("yes", conversation)
    assert {card.id: card.state for card in bank.cards()}["debit"] == "frozen"
    turn = assistant.ask("switch my debit card back on", conversation)
    assert [(call["name"], call["status"]) for call in turn.tool_calls] == [("unfreeze_card", "needs_confirmation")]
    assistant.ask("yes", conversation)
    assert {card.id: card.state for card in bank.cards()}["debit"] == "active"


def test_when_a_goal_s_savings_are_asked_about_then_that_goal_s_progress_is_the_answer(assistant: Assistant) -> None:
    # The savings specialist alone answers this with the overview of all savings.
    turn = assistant.ask("how's my car savings coming along?", Conversation())
    assert [call["name"] for call in turn.tool_calls] == ["goal_progress"]
    assert turn.answer.startswith("You've saved $3,500.00 of $20,000.00 for your new car goal")


def test_when_money_is_to_go_abroad_then_no_transfer_between_own_accounts_is_asked_for(assistant: Assistant) -> None:
    # The transfers specialist alone writes savings to checking for this; no tool sends money abroad.
    turn = assistant.ask("send $3,900 to a bank account in the UK", Conversation())
    assert turn.escalated and turn.tool_calls == []


@pytest.mark.parametrize("text", ["show me the pdf of my city power bill", "email me the statement for my water bill"])
def test_when_a_bill_document_is_asked_for_then_no_payment_waits_for_a_yes(assistant: Assistant, text: str) -> None:
    # The bills specialist alone writes pay_bill for these; no tool produces a document. Escalating is
    # the best answer; a list of the bills is a poor one, but moves nothing.
    conversation = Conversation()
    turn = assistant.ask(text, conversation)
    assert not [call["name"] for call in turn.tool_calls if call["name"] in WRITE_TOOLS]
    assert conversation.pending is None


def test_when_a_year_is_asked_about_then_the_answer_covers_that_year(assistant: Assistant) -> None:
    turn = assistant.ask("how much have I spent at Amazon in 2026", Conversation())
    (call,) = turn.tool_calls
    assert (call["name"], call["arguments"]["period"]) == ("spending_summary", "this_year")
    assert turn.answer.startswith("You spent $") and "this year" in turn.answer


def test_when_a_follow_up_names_another_month_then_it_covers_that_whole_month(assistant: Assistant) -> None:
    conversation = Conversation()
    assistant.ask("how much did I spend on groceries in october", conversation)
    turn = assistant.ask("and in september?", conversation)
    (call,) = turn.tool_calls
    assert call["arguments"] == {"period": {"start": "2026-09-01", "end": "2026-09-30"}, "category": "groceries"}
    assert "groceries in September" in turn.answer


def test_when_a_category_is_named_in_other_words_then_the_answer_is_about_it(assistant: Assistant) -> None:
    turn = assistant.ask("how much did I spend on coffee this week", Conversation())
    (call,) = turn.tool_calls
    assert call["arguments"].get("category") == "dining"
    assert "dining" in turn.answer


def test_when_the_routed_specialist_has_no_tool_then_the_runner_up_answers(assistant: Assistant) -> None:
    # The router leans to savings; the savings specialist has no tool that moves money; transfers has.
    turn = assistant.ask("put $120 in my high-yield savings", Conversation())
    assert (turn.label, turn.escalated) == ("transfers", False)
    assert turn.answer == "Move $120.00 from checking to savings today?"


def test_when_an_account_the_tools_cannot_see_is_asked_about_then_no_other_accounts_figures_are_given(
    assistant: Assistant,
) -> None:
    turn = assistant.ask("What's the balance of my brokerage account?", Conversation())
    assert [(call["name"], call["status"]) for call in turn.tool_calls] == [("get_balance", "error")]
    assert turn.answer == (
        "I can only see your checking, savings and credit card accounts here, so I can't answer for your "
        "brokerage account."
    )


@pytest.mark.parametrize("amendment", ["actually make it $50", "actually make it 50", "change it to 50"])
def test_when_the_user_amends_a_payment_before_saying_yes_then_the_amended_one_is_paid(
    assistant: Assistant, bank: SqliteBank, amendment: str
) -> None:
    conversation = Conversation()
    before = _checking(bank)
    assistant.ask("Pay the electricity bill", conversation)
    amended = assistant.ask(amendment, conversation)
    assert [(call["name"], call["status"]) for call in amended.tool_calls] == [
        ("pay_bill", "cancelled"),
        ("pay_bill", "needs_confirmation"),
    ]
    assert amended.answer.startswith("Pay $50.00 to City Power")
    assert _checking(bank) == before
    assistant.ask("yes", conversation)
    assert before - _checking(bank) == Decimal("50.00")


def test_when_a_new_question_reads_like_a_follow_up_then_its_own_specialist_answers(assistant: Assistant) -> None:
    conversation = Conversation()
    assistant.ask("How much did I spend on dining last month?", conversation)
    turn = assistant.ask("actually, what's my checking balance?", conversation)
    assert turn.label == "accounts"
    assert [(call["name"], call["arguments"]) for call in turn.tool_calls] == [("get_balance", {"account": "checking"})]
