"""The edge's escalation path without a relay that answers: the facts it chooses, and a cloud that is down.

The relay here is a real gRPC channel to a loopback port nobody listens on, so "down" is the real failure.
tests/integration/test_escalation.py runs the path against the relay and its backends as processes.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from edge_runtime.bank import FixedClock, SqliteBank
from edge_runtime.bank.store import TransactionQuery
from edge_runtime.conversation import Conversation, is_retry
from edge_runtime.escalation import (
    NOT_CONNECTED_ANSWER,
    NOT_SENT_ANSWER,
    NOTHING_TO_RETRY_ANSWER,
    UNREACHABLE_ANSWER,
    Escalator,
    _RestoringStream,
    context_facts,
)
from edge_runtime.pipeline import Assistant
from edge_runtime.redaction import Redactor
from edge_runtime.relay import RelaySettings
from edge_runtime.relay_client import RelayClient
from edge_runtime.tools.toolbox import Toolbox
from tests.unit.test_pipeline import ScriptedRouter, ScriptedSpecialists


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Ids:
    def __init__(self) -> None:
        self.made: list[str] = []

    def __call__(self) -> str:
        self.made.append(f"request-{len(self.made) + 1:04d}")
        return self.made[-1]


@pytest.fixture
def down_relay() -> Iterator[RelayClient]:
    client = RelayClient(RelaySettings(address=f"127.0.0.1:{_closed_port()}", token="t", timeout_s=0.6))
    yield client
    client.close()


def test_when_the_question_asks_for_advice_then_balances_and_averages_are_the_only_facts(
    bank: SqliteBank, clock: FixedClock
) -> None:
    facts = dict(context_facts("Can I afford to buy a house next year?", bank, clock.today()))
    assert set(facts) == {
        "checking balance",
        "savings balance",
        "average monthly card spending, last 3 months",
        "average monthly income, last 3 months",
    }
    assert all(value.startswith("$") for value in facts.values())
    merchants = {t.counterparty for t in bank.transactions(TransactionQuery())}
    assert not any(merchant in value for value in facts.values() for merchant in merchants)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What's the capital of France?", set()),
        ("Tell me a joke", set()),
        ("Should I pay off my credit card or invest?", {"credit card balance owed", "credit limit"}),
    ],
)
def test_when_the_question_is_not_about_money_then_no_facts_are_sent(
    bank: SqliteBank, clock: FixedClock, question: str, expected: set[str]
) -> None:
    names = {name for name, _ in context_facts(question, bank, clock.today())}
    assert expected <= names
    if not expected:
        assert names == set()


def test_when_no_relay_is_configured_then_the_answer_says_so(bank: SqliteBank, clock: FixedClock) -> None:
    escalated = Escalator(relay=None, store=bank, clock=clock).escalate("Should I buy a house?")
    assert escalated.answer == NOT_CONNECTED_ANSWER
    assert not escalated.relayed and escalated.retry is None


def test_when_the_relay_is_down_then_the_user_hears_so_within_the_deadline_and_may_retry(
    bank: SqliteBank, clock: FixedClock, down_relay: RelayClient
) -> None:
    ids = _Ids()
    escalator = Escalator(relay=down_relay, store=bank, clock=clock, new_request_id=ids)
    started = time.monotonic()
    escalated = escalator.escalate("Should I buy a house or keep renting?")
    assert time.monotonic() - started < 3.0
    assert escalated.answer == UNREACHABLE_ANSWER and not escalated.relayed
    assert escalated.retry is not None and escalated.retry.request_id == ids.made[0]


def test_when_redaction_cannot_make_the_question_safe_then_nothing_is_sent(
    bank: SqliteBank, clock: FixedClock, down_relay: RelayClient
) -> None:
    # A card number written with slashes is no recognizer's pattern; the last check still finds its digits.
    escalated = Escalator(relay=down_relay, store=bank, clock=clock).escalate(
        "My card 4111/1111/1111/1111 was charged twice, what should I do?"
    )
    # Not the unreachable answer: the relay (down here) was never called.
    assert escalated.answer == NOT_SENT_ANSWER
    assert not escalated.relayed and escalated.retry is None


def test_when_the_caller_has_no_time_left_then_nothing_is_sent(
    bank: SqliteBank, clock: FixedClock, down_relay: RelayClient
) -> None:
    started = time.monotonic()
    escalated = Escalator(relay=down_relay, store=bank, clock=clock).escalate("Should I invest?", time_left=lambda: 0.1)
    assert time.monotonic() - started < 0.3
    assert escalated.answer == UNREACHABLE_ANSWER


def test_when_the_user_says_try_again_then_the_same_question_goes_out_under_the_same_request_id(
    bank: SqliteBank, clock: FixedClock, down_relay: RelayClient
) -> None:
    ids = _Ids()
    escalator = Escalator(relay=down_relay, store=bank, clock=clock, new_request_id=ids)
    assistant = Assistant(ScriptedRouter({}), ScriptedSpecialists({}), Toolbox(bank, clock), clock, escalator)
    conversation = Conversation()
    first = assistant.ask("Should I buy a house or keep renting?", conversation)
    assert first.escalated and first.answer == UNREACHABLE_ANSWER
    assert first.to_dict()["relay"]["retry_offered"] is True
    again = assistant.ask("try again", conversation)
    assert again.escalated and again.answer == UNREACHABLE_ANSWER
    assert ids.made == ["request-0001"]  # the retry reused the first request's id
    assert conversation.retry is not None and conversation.retry.text == "Should I buy a house or keep renting?"


def test_when_another_question_comes_first_then_try_again_has_nothing_to_send(
    bank: SqliteBank, clock: FixedClock, down_relay: RelayClient
) -> None:
    escalator = Escalator(relay=down_relay, store=bank, clock=clock)
    assistant = Assistant(ScriptedRouter({}), ScriptedSpecialists({}), Toolbox(bank, clock), clock, escalator)
    conversation = Conversation()
    assistant.ask("Should I buy a house?", conversation)
    assistant.ask("yes", conversation)  # not a retry: the kept question is dropped
    turn = assistant.ask("try again", conversation)
    assert turn.answer == NOTHING_TO_RETRY_ANSWER and not turn.escalated


@pytest.mark.parametrize("text", ["try again", "Try again, please", "retry", "ask it again"])
def test_when_the_user_asks_to_retry_then_it_is_recognised(text: str) -> None:
    assert is_retry(text)


@pytest.mark.parametrize("text", ["try again later with the gas bill", "again?!? no", "pay again"])
def test_when_retry_words_are_part_of_a_question_then_it_is_not_a_retry(text: str) -> None:
    assert not is_retry(text)


def test_when_a_placeholder_is_cut_between_pieces_then_the_stream_restores_it_whole() -> None:
    redaction = Redactor(names=["Sarah Connor"]).start()
    question = redaction.redact("Can I send money to Sarah Connor abroad?")
    placeholder = next(iter(redaction.placeholders))
    assert placeholder in question and "Sarah" not in question
    out: list[str] = []
    stream = _RestoringStream(redaction, out.append)
    answer = f"Yes, you can send money to {placeholder} with an international transfer."
    for cut in range(0, len(answer), 5):
        stream.feed(answer[cut : cut + 5])
    stream.flush()
    assert "".join(out) == "Yes, you can send money to Sarah Connor with an international transfer."


def test_when_no_relay_is_configured_then_the_assistant_never_loads_grpc() -> None:
    # gRPC is about 16 MiB of resident memory that a device with no relay has no use for.
    script = (
        "import sys\n"
        "from edge_runtime import app, escalation, pipeline\n"
        "from edge_runtime.config import Settings\n"
        "assert app._relay_client(Settings.from_env({})) is None\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'grpc'))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
