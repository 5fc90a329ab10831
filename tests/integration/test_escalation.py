"""The edge's escalation path against a real relay process: privacy, facts, answers, a cloud that fails.

The relay is ``cloud-relay serve`` on loopback. Its frontier endpoint is the scripted OpenAI-compatible server
of tests/fake_openai.py, which records every request: what the backend receives is what left the device.
"""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from edge_runtime.bank import FixedClock, SqliteBank
from edge_runtime.bank.store import TransactionQuery
from edge_runtime.escalation import STAND_IN_PREFIX, UNREACHABLE_ANSWER, Escalator
from edge_runtime.relay import RelaySettings
from edge_runtime.relay_client import RelayClient
from tests.conftest import run_cli
from tests.fake_openai import FakeOpenAI, answer, fake_openai, status
from tests.integration.conftest import DEMO_TODAY
from tests.relay_process import RelayProcess, start_relay

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "pii_corpus.jsonl"
CLOCK = FixedClock(date.fromisoformat(DEMO_TODAY))


@pytest.fixture(scope="module")
def frontier() -> Iterator[FakeOpenAI]:
    with fake_openai() as fake:
        yield fake


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory, frontier: FakeOpenAI) -> Iterator[RelayProcess]:
    folder = tmp_path_factory.mktemp("relay")
    flags = ("--endpoint", f"{frontier.url},model=frontier-test", "--requests-per-minute", "0")
    with start_relay(folder, *flags) as started:
        yield started


@pytest.fixture
def escalator(relay: RelayProcess, bank_template: Path, tmp_path: Path) -> Iterator[Escalator]:
    token = relay.create_token(f"device-{tmp_path.name}")
    client = RelayClient(RelaySettings(address=relay.address, token=token, timeout_s=20))
    with SqliteBank(bank_template) as bank:
        yield Escalator(relay=client, store=bank, clock=CLOCK)
    client.close()


def _sent(frontier: FakeOpenAI) -> str:
    """Everything the frontier endpoint received, as one string."""
    return "\n".join(json.dumps(request.body, ensure_ascii=False) for request in frontier.requests)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text)


def test_when_questions_hold_card_numbers_and_ibans_then_the_backend_receives_none(
    escalator: Escalator, frontier: FakeOpenAI
) -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    planted = [(row["text"], span["value"]) for row in rows for span in row["pii"] if span["kind"] in ("card", "iban")]
    questions = sorted({text for text, _ in planted})
    assert len(questions) >= 100
    frontier.script()
    for text in questions:
        escalator.escalate(text)
    sent = _sent(frontier)
    squeezed = _digits(sent)
    # A full number is looked for with its spacing squeezed out too; a last four only as the literal word.
    leaked = [
        value
        for _, value in planted
        if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", sent)
        or (len(_digits(value)) >= 12 and _digits(value) in squeezed)
    ]
    assert leaked == []
    assert len(frontier.requests) >= len(questions) * 0.95  # the rest were refused on the device, not sent


def test_when_the_answer_names_a_placeholder_then_the_user_hears_the_real_value(
    escalator: Escalator, frontier: FakeOpenAI
) -> None:
    frontier.script(answer("Yes: the transfer to ", "<NAME_1>", " can go out today."))
    escalated = escalator.escalate("Can I send money to Maria Gonzalez in Spain, and how long does it take?")
    body = _sent(frontier)
    assert "Maria" not in body and "Gonzalez" not in body
    assert escalated.relayed and escalated.answer == "Yes: the transfer to Maria Gonzalez can go out today."
    assert escalated.model == "frontier-test" and not escalated.local_stand_in


def test_when_the_question_asks_for_advice_then_only_redacted_summary_facts_go_with_it(
    escalator: Escalator, frontier: FakeOpenAI, bank_template: Path
) -> None:
    frontier.script(answer("Keep renting for now."))
    escalator.escalate("Should I buy a house or keep renting and invest?")
    body = _sent(frontier)
    assert "savings balance" in body and "average monthly card spending" in body
    with SqliteBank(bank_template) as bank:
        merchants = {payee.name for payee in bank.payees()} | {
            t.counterparty for t in bank.transactions(TransactionQuery(kinds=("card",)))
        }
    assert not [merchant for merchant in merchants if merchant in body]
    assert "tools" not in frontier.requests[-1].body  # no tool catalogue leaves the device


def test_when_every_backend_fails_then_the_user_may_retry_and_the_retry_is_answered(
    escalator: Escalator, frontier: FakeOpenAI
) -> None:
    frontier.script(*[status(500)] * 6)
    failed = escalator.escalate("What do you think about index funds?")
    assert failed.answer == UNREACHABLE_ANSWER and failed.retry is not None
    frontier.script(answer("Index funds spread risk."))
    retried = escalator.escalate("try again", retry=failed.retry)
    assert retried.relayed and retried.answer == "Index funds spread risk."
    assert "index funds" in _sent(frontier).lower()


def test_when_the_token_is_revoked_then_the_user_hears_the_relay_refused(
    relay: RelayProcess, bank_template: Path
) -> None:
    token = relay.create_token("revoked-device")
    assert relay.cli("token", "revoke", "revoked-device").returncode == 0
    client = RelayClient(RelaySettings(address=relay.address, token=token, timeout_s=10))
    with SqliteBank(bank_template) as bank:
        escalated = Escalator(relay=client, store=bank, clock=CLOCK).escalate("Is gold a good investment?")
    client.close()
    assert not escalated.relayed and escalated.retry is None
    assert escalated.answer.startswith("The cloud assistant couldn't take that question")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_when_ask_escalates_to_the_relays_local_model_then_the_json_says_who_answered(
    tmp_path: Path, env: dict[str, str]
) -> None:
    with start_relay(tmp_path) as local_relay:
        token = local_relay.create_token("cli-device")
        result = run_cli(
            ["ask", "--json", "--relay", local_relay.address, "Should I buy a house or keep renting and invest?"],
            env={**env, "EDGE_ASSISTANT_RELAY_TOKEN": token},
        )
    assert result.returncode == 0, result.stderr.decode()
    turn = json.loads(result.stdout)
    assert turn["escalated"] is True
    assert turn["relay"]["answered"] is True and turn["relay"]["local_stand_in"] is True
    assert turn["answer"].startswith(STAND_IN_PREFIX) and len(turn["answer"]) > len(STAND_IN_PREFIX) + 10


def test_when_the_relay_is_down_then_ask_answers_locally_at_once(env: dict[str, str]) -> None:
    started = time.monotonic()
    result = run_cli(
        ["ask", "--json", "--relay", f"127.0.0.1:{_closed_port()}", "Should I buy a house or keep renting and invest?"],
        env={**env, "EDGE_ASSISTANT_RELAY_TOKEN": "anything", "EDGE_ASSISTANT_RELAY_TIMEOUT_S": "2"},
    )
    assert result.returncode == 0, result.stderr.decode()
    turn = json.loads(result.stdout)
    assert turn["escalated"] is True and turn["answer"] == UNREACHABLE_ANSWER
    assert turn["relay"] == {**turn["relay"], "answered": False, "retry_offered": True}
    assert turn["timings_ms"]["relay"] < 3000
    assert time.monotonic() - started < 120
