"""The turn logic around the models: confirmations, cancellations, follow-ups and escalation.

The router and the specialists are replaced by scripted stages here (their seams are small interfaces),
so that each rule is tested on exactly the call it is about; the bank, the toolbox and the answers are
real. tests/integration/test_assistant.py runs the same rules through the real models.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from edge_runtime.bank import FixedClock, SqliteBank
from edge_runtime.conversation import Conversation
from edge_runtime.pipeline import EMPTY_ANSWER, ESCALATION_ANSWER, NOTHING_PENDING_ANSWER, Assistant
from edge_runtime.router import Route
from edge_runtime.specialists.engine import Generation
from edge_runtime.tools.toolbox import Toolbox


@dataclass
class ScriptedRouter:
    labels: dict[str, str]
    priors: list[tuple[str, str, str | None]] = field(default_factory=list)
    confidences: dict[str, float] = field(default_factory=dict)
    runner_ups: dict[str, tuple[str, float]] = field(default_factory=dict)

    def route_one(self, text: str) -> Route:
        label, confidence = self.labels.get(text, "escalate"), self.confidences.get(text, 0.9)
        return Route(text=text, label=label, confidence=confidence, runner_up=self.runner_ups.get(text))

    def choice_prior(self, route: Route, label: str, previous: str | None = None) -> dict[str, float] | None:
        self.priors.append((route.text, label, previous))
        return {"prior for": route.text}  # type: ignore[dict-item]


@dataclass
class ScriptedSpecialists:
    calls: dict[str, dict[str, Any]]
    seen: list[tuple[str, str, str | None]] = field(default_factory=list)
    priors: list[Any] = field(default_factory=list)
    #: What another specialist than the first one asked writes for a text.
    others: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def generate(
        self, label: str, text: str, today: date, previous: str | None = None, prior: Any = None
    ) -> Generation:
        self.seen.append((label, text, previous))
        self.priors.append(prior)
        call = self.others.get((label, text), self.calls[text])
        return Generation(label, json.dumps(call), call, 20, 15, 1.0)


PAY = {"name": "pay_bill", "arguments": {"payee": "electricity"}}
BALANCE = {"name": "get_balance", "arguments": {"account": "checking"}}
SPEND = {"name": "spending_summary", "arguments": {"period": "this_month", "category": "groceries"}}
SPEND_LAST = {"name": "spending_summary", "arguments": {"period": "last_month", "category": "groceries"}}


def _assistant(bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists) -> Assistant:
    router = ScriptedRouter(
        {
            "pay the electricity bill": "bill_payments",
            "what's my checking balance": "accounts",
            "groceries this month": "card_spending",
            "and last month?": "accounts",  # the router alone would get this wrong
            "pay the gas company": "bill_payments",
            "anything outside": "card_spending",
            "checking too": "accounts",
            "actually what's my checking balance": "accounts",
        },
        confidences={"checking too": 0.5},
    )
    return Assistant(router, specialists, Toolbox(bank, clock), clock)


@pytest.fixture
def specialists() -> ScriptedSpecialists:
    return ScriptedSpecialists(
        {
            "pay the electricity bill": PAY,
            "what's my checking balance": BALANCE,
            "groceries this month": SPEND,
            "and last month?": SPEND_LAST,
            "pay the gas company": {"name": "pay_bill", "arguments": {"payee": "gas company"}},
            "anything outside": {"name": "out_of_scope"},
            "checking too": BALANCE,
            "actually what's my checking balance": BALANCE,
        }
    )


def _checking(bank: SqliteBank) -> Decimal:
    return next(account.balance for account in bank.accounts() if account.id == "checking")


def test_when_a_payment_is_confirmed_then_it_runs_once(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    assistant = _assistant(bank, clock, specialists)
    conversation = Conversation()
    before = _checking(bank)

    asked = assistant.ask("pay the electricity bill", conversation)
    assert asked.tool_calls[0]["status"] == "needs_confirmation"
    assert asked.answer.startswith("Pay $") and asked.answer.endswith("?")
    assert _checking(bank) == before

    done = assistant.ask("yes", conversation)
    assert done.tool_calls[0]["status"] == "done"
    paid = before - _checking(bank)
    assert paid > 0
    assert f"${paid:,.2f}" in asked.answer

    again = assistant.ask("yes", conversation)
    assert again.answer == NOTHING_PENDING_ANSWER
    assert before - _checking(bank) == paid


@pytest.mark.parametrize("reply", ["no", "wait, how much is it?", "yes but only half", ""])
def test_when_the_reply_is_not_a_yes_then_nothing_moves(
    reply: str, bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    specialists.calls["wait, how much is it?"] = BALANCE
    specialists.calls["yes but only half"] = BALANCE
    assistant = _assistant(bank, clock, specialists)
    conversation = Conversation()
    before = _checking(bank)
    assistant.ask("pay the electricity bill", conversation)
    turn = assistant.ask(reply, conversation)
    assert turn.tool_calls[0]["status"] == "cancelled"
    assert conversation.pending is None
    assert assistant.ask("yes", conversation).answer == NOTHING_PENDING_ANSWER
    assert _checking(bank) == before


def test_when_confirmations_are_off_then_a_write_only_reports_that_it_needs_one(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    assistant = _assistant(bank, clock, specialists)
    conversation = Conversation()
    before = _checking(bank)
    turn = assistant.ask("pay the electricity bill", conversation, confirmations=False)
    assert turn.tool_calls[0]["status"] == "needs_confirmation"
    assert assistant.ask("yes", conversation).answer == NOTHING_PENDING_ANSWER
    assert _checking(bank) == before


def test_when_a_follow_up_comes_then_the_previous_specialist_gets_the_previous_call(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    assistant = _assistant(bank, clock, specialists)
    conversation = Conversation()
    assistant.ask("groceries this month", conversation)
    turn = assistant.ask("and last month?", conversation)
    label, _, previous = specialists.seen[-1]
    assert label == "card_spending"
    assert previous is not None and json.loads(previous) == SPEND
    assert turn.tool_calls[0]["arguments"]["period"] == "last_month"
    assert "last month" in turn.answer


def test_when_a_question_is_routed_then_the_router_s_tool_scores_for_that_specialist_reach_it(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    assistant = _assistant(bank, clock, specialists)
    assistant.ask("groceries this month", Conversation())
    router: Any = assistant.router
    assert router.priors == [("groceries this month", "card_spending", None)]
    assert specialists.priors == [{"prior for": "groceries this month"}]


def test_when_a_follow_up_comes_then_the_tool_scores_are_read_after_the_previous_call(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    assistant = _assistant(bank, clock, specialists)
    conversation = Conversation()
    assistant.ask("groceries this month", conversation)
    assistant.ask("and last month?", conversation)
    router: Any = assistant.router
    text, label, previous = router.priors[-1]
    assert (text, label) == ("and last month?", "card_spending")
    assert previous is not None and json.loads(previous) == SPEND


def test_when_a_question_escalates_at_the_router_then_no_tool_is_scored(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    assistant = _assistant(bank, clock, specialists)
    turn = assistant.ask("what's the meaning of life", Conversation())
    router: Any = assistant.router
    assert turn.escalated and router.priors == [] and specialists.priors == []


def test_when_a_follow_up_has_nothing_before_it_then_the_router_decides(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    specialists.calls["and last month?"] = BALANCE
    assistant = _assistant(bank, clock, specialists)
    assistant.ask("and last month?", Conversation())
    assert specialists.seen[-1] == ("accounts", "and last month?", None)


def test_when_the_specialist_signals_out_of_scope_then_the_turn_escalates(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    turn = _assistant(bank, clock, specialists).ask("anything outside", Conversation())
    assert turn.escalated
    assert turn.answer == ESCALATION_ANSWER
    assert turn.tool_calls == []


@pytest.mark.parametrize(
    "case",
    [
        (("help_center", 0.3), {"name": "search_help", "arguments": {"query": "dispute a charge"}}, "help_center"),
        (("help_center", 0.3), {"name": "out_of_scope"}, None),  # neither has a tool: the cloud
        (("help_center", 0.05), {"name": "search_help", "arguments": {"query": "dispute a charge"}}, None),
    ],
)
def test_when_the_routed_specialist_has_no_tool_then_the_runner_up_answers_before_the_cloud(
    bank: SqliteBank,
    clock: FixedClock,
    specialists: ScriptedSpecialists,
    case: tuple[tuple[str, float], dict[str, Any], str | None],
) -> None:
    runner_up, second_call, answered_by = case
    assistant = _assistant(bank, clock, specialists)
    router: Any = assistant.router
    router.runner_ups["anything outside"] = runner_up
    specialists.others[("help_center", "anything outside")] = second_call

    turn = assistant.ask("anything outside", Conversation())

    asked = [seen[0] for seen in specialists.seen]
    assert asked == (["card_spending", "help_center"] if runner_up[1] >= 0.1 else ["card_spending"])
    if answered_by is None:
        assert turn.escalated and turn.tool_calls == []
    else:
        assert (turn.label, turn.escalated, turn.tool_calls[0]["name"]) == (answered_by, False, "search_help")
        assert turn.confidence == runner_up[1]  # the router's probability of the label that answered


def test_when_a_follow_up_has_no_tool_then_the_runner_up_is_not_asked(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    assistant = _assistant(bank, clock, specialists)
    router: Any = assistant.router
    router.labels["anything outside too"] = "card_spending"
    router.runner_ups["anything outside too"] = ("help_center", 0.4)
    specialists.calls["anything outside too"] = {"name": "out_of_scope"}
    specialists.others[("help_center", "anything outside too")] = {"name": "search_help", "arguments": {"query": "x"}}
    conversation = Conversation()
    assistant.ask("groceries this month", conversation)

    turn = assistant.ask("anything outside too", conversation)

    assert [seen[0] for seen in specialists.seen] == ["card_spending", "card_spending"]
    assert turn.escalated


def test_when_a_complete_question_goes_to_the_same_specialist_then_it_stands_alone(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    assistant = _assistant(bank, clock, specialists)
    router: Any = assistant.router
    router.labels["how much did I spend yesterday"] = "card_spending"
    specialists.calls["how much did I spend yesterday"] = {
        "name": "spending_summary",
        "arguments": {"period": "yesterday"},
    }
    conversation = Conversation()
    assistant.ask("groceries this month", conversation)

    assistant.ask("how much did I spend yesterday", conversation)

    assert specialists.seen[-1] == ("card_spending", "how much did I spend yesterday", None)


def test_when_the_router_escalates_then_no_specialist_runs(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    turn = _assistant(bank, clock, specialists).ask("should I buy a house?", Conversation())
    assert turn.escalated and turn.label == "escalate"
    assert specialists.seen == []


def test_when_an_argument_names_an_unknown_payee_then_the_user_hears_why(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    conversation = Conversation()
    turn = _assistant(bank, clock, specialists).ask("pay the gas company", conversation)
    assert turn.tool_calls[0]["status"] == "error"
    assert "gas company" in turn.answer and "City Power" in turn.answer
    assert "Traceback" not in turn.answer
    assert conversation.pending is None


def test_when_the_utterance_is_blank_then_the_assistant_asks_again(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    turn = _assistant(bank, clock, specialists).ask("   ", Conversation())
    assert turn.answer == EMPTY_ANSWER
    assert specialists.seen == []


def test_when_each_turn_ends_then_the_app_hears_of_it_answered_or_not(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    ended: list[int] = []
    router = ScriptedRouter({"what's my checking balance": "accounts", "a question it fails on": "accounts"})
    assistant = Assistant(router, specialists, Toolbox(bank, clock), clock, after_turn=lambda: ended.append(1))

    assistant.ask("what's my checking balance", Conversation())
    with pytest.raises(KeyError):  # the scripted specialist has no call for it: the turn fails
        assistant.ask("a question it fails on", Conversation())

    assert len(ended) == 2


def test_when_a_reply_only_may_follow_up_then_it_does_unless_the_router_is_sure_of_another_category(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    assistant = _assistant(bank, clock, specialists)
    conversation = Conversation()
    assistant.ask("groceries this month", conversation)
    assistant.ask("checking too", conversation)  # routed to accounts at 0.5
    assert specialists.seen[-1][0] == "card_spending"
    router: Any = assistant.router
    router.confidences["checking too"] = 0.9
    assistant.ask("checking too", conversation)
    assert specialists.seen[-1] == ("accounts", "checking too", None)


def test_when_the_previous_specialist_has_no_tool_for_a_follow_up_then_the_routed_one_answers(
    bank: SqliteBank, clock: FixedClock, specialists: ScriptedSpecialists
) -> None:
    specialists.calls["actually what's my checking balance"] = {"name": "out_of_scope"}
    assistant = _assistant(bank, clock, specialists)
    conversation = Conversation()
    assistant.ask("groceries this month", conversation)

    def generate(label: str, text: str, today: date, previous: str | None = None, prior: Any = None) -> Generation:
        specialists.seen.append((label, text, previous))
        call = BALANCE if label == "accounts" else {"name": "out_of_scope"}
        return Generation(label, json.dumps(call), call, 20, 15, 1.0)

    assistant.specialists.generate = generate  # type: ignore[method-assign]
    turn = assistant.ask("actually what's my checking balance", conversation)
    assert [seen[0] for seen in specialists.seen[-2:]] == ["card_spending", "accounts"]
    assert specialists.seen[-1][2] is None
    assert (turn.label, turn.escalated, turn.tool_calls[0]["name"]) == ("accounts", False, "get_balance")
