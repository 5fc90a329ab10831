"""Escalated questions through the daemon: the edge daemon, the relay and a frontier endpoint as real servers.

``edge-assistant serve`` and ``cloud-relay serve`` run as processes on loopback; the frontier is the scripted
OpenAI-compatible server of tests/fake_openai.py, so each test chooses what the cloud does.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from edge_runtime.escalation import UNREACHABLE_ANSWER
from edge_runtime.rpc import client
from edge_runtime.rpc.generated.edge_assistant.v1 import assistant_pb2 as pb
from edge_runtime.services import RunningDaemon, RunningRelay, daemon_process
from tests.fake_openai import FakeOpenAI, answer, fake_openai, hang
from tests.integration.conftest import DEMO_TODAY
from tests.relay_process import start_relay

pytestmark = pytest.mark.integration

HARD = "Should I buy a house or keep renting and invest the difference?"


@pytest.fixture(scope="module")
def frontier() -> Iterator[FakeOpenAI]:
    with fake_openai() as fake:
        yield fake


@pytest.fixture(scope="module")
def daemon(
    tmp_path_factory: pytest.TempPathFactory, bank_template: Path, frontier: FakeOpenAI
) -> Iterator[RunningDaemon]:
    folder = tmp_path_factory.mktemp("escalating-daemon")
    bank = Path(shutil.copy(bank_template, folder / "bank.sqlite"))
    flags = ("--endpoint", f"{frontier.url},model=frontier-test,read_timeout_s=30", "--requests-per-minute", "0")
    with start_relay(folder, *flags) as relay:
        running = RunningRelay(address=relay.address, token=relay.create_token("daemon-device"), log=relay.log)
        env = {"EDGE_ASSISTANT_TODAY": DEMO_TODAY, "EDGE_ASSISTANT_RELAY_TIMEOUT_S": "20"}
        with daemon_process(folder, bank=bank, relay=running, env=env) as started:
            yield started


def _events(daemon: RunningDaemon, *messages: pb.ClientMessage, timeout: float = 60) -> list[pb.ServerEvent]:
    with daemon.client() as edge:
        return list(edge.converse([client.config_message(), *messages], timeout=timeout))


def test_when_a_hard_question_is_typed_then_the_relays_answer_streams_in_after_the_route(
    daemon: RunningDaemon, frontier: FakeOpenAI
) -> None:
    frontier.script(answer("Renting ", "keeps you ", "flexible."))
    events = _events(daemon, client.text_turn(HARD))
    kinds = [event.WhichOneof("event") for event in events]
    assert kinds[0] == "route" and events[0].route.label == "escalate"
    assert kinds[1:4] == ["answer_delta"] * 3
    assert kinds[-2:] == ["escalation", "answer"]
    assert "".join(event.answer_delta.text for event in events[1:4]) == "Renting keeps you flexible."
    escalation = events[-2].escalation
    assert escalation.relayed and escalation.model == "frontier-test" and not escalation.local_stand_in
    assert escalation.cloud_tokens > 0
    assert events[-1].answer.text == "Renting keeps you flexible." and events[-1].answer.escalated
    assert HARD.split()[3] in frontier.requests[-1].body["messages"][-1]["content"]


def test_when_a_hard_question_is_asked_then_the_reply_says_who_answered(
    daemon: RunningDaemon, frontier: FakeOpenAI
) -> None:
    frontier.script(answer("It depends on how long you stay."))
    with daemon.client() as edge:
        reply = edge.ask_text(HARD, timeout=60)
    assert reply.escalated and reply.escalation.relayed
    assert reply.answer == "It depends on how long you stay."
    assert reply.escalation.source == pb.Escalation.SOURCE_ROUTER


def test_when_the_cloud_is_too_slow_then_the_user_hears_so_before_the_deadline_and_may_retry(
    daemon: RunningDaemon, frontier: FakeOpenAI
) -> None:
    frontier.script(hang())
    started = time.monotonic()
    with daemon.client() as edge:
        reply = edge.ask_text(HARD, timeout=6)
        elapsed = time.monotonic() - started
        assert reply.answer == UNREACHABLE_ANSWER and not reply.escalation.relayed
        assert reply.escalation.retry_offered
        assert elapsed < 6
        frontier.script(answer("Here is the answer you asked for."))
        again = edge.ask_text("try again", reply.conversation_id, timeout=60)
    assert again.escalation.relayed and again.answer == "Here is the answer you asked for."
