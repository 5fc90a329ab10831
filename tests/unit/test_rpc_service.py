"""The daemon's call rules on a real gRPC server: limits, deadlines, Converse's protocol and its events.

As in test_pipeline.py the router, the specialists and Whisper are scripted, so each rule is tested on
exactly the call it is about, and a router that waits for the test holds a call in flight without
timing. The bank, the toolbox, the conversations and gRPC itself (loopback, port 0) are real.
tests/integration/test_daemon.py runs the daemon as a process with the real models.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import grpc
import numpy as np
import pytest

from edge_runtime.bank import FixedClock, SqliteBank
from edge_runtime.pipeline import NOTHING_PENDING_ANSWER, Assistant
from edge_runtime.router import Route
from edge_runtime.rpc.client import EdgeClient, config_message, in_real_time, text_turn
from edge_runtime.rpc.generated.edge_assistant.v1 import assistant_pb2 as pb
from edge_runtime.rpc.server import RunningServer, run_server
from edge_runtime.rpc.service import Backend, Deadline, DeadlineError
from edge_runtime.rpc.settings import DaemonOptions
from edge_runtime.specialists.engine import Generation
from edge_runtime.speech import Audio, Transcript
from edge_runtime.tools.toolbox import Toolbox
from tests.unit.test_pipeline import BALANCE, PAY, ScriptedRouter, ScriptedSpecialists

LABELS = {
    "pay the electricity bill": "bill_payments",
    "what's my checking balance": "accounts",
    "anything outside": "card_spending",
}
CALLS: dict[str, dict[str, Any]] = {
    "pay the electricity bill": PAY,
    "what's my checking balance": BALANCE,
    "anything outside": {"name": "out_of_scope"},
}
MAX_UTTERANCE_S = 2.0
PARTIAL_INTERVAL_S = 0.5


@dataclass
class HeldRouter(ScriptedRouter):
    """Routes as scripted, after ``release`` is set; ``entered`` says a call has reached it."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    after_route: list[Any] = field(default_factory=list)

    def route_one(self, text: str) -> Route:
        self.entered.set()
        assert self.release.wait(10), "the test never released the router"
        route = super().route_one(text)
        for hook in self.after_route:
            hook()
        return route


@dataclass
class HookedSpecialists(ScriptedSpecialists):
    after_generate: list[Any] = field(default_factory=list)

    def generate(self, label: str, text: str, today: Any, previous: str | None = None, prior: Any = None) -> Generation:
        generation = super().generate(label, text, today, previous, prior)
        for hook in self.after_generate:
            hook()
        return generation


@dataclass
class ScriptedTranscriber:
    heard: str = "what's my checking balance"
    durations: list[float] = field(default_factory=list)

    def transcribe(self, audio: Audio) -> Transcript:
        self.durations.append(audio.duration_s)
        return Transcript(self.heard, audio.duration_s, 0.01)


@dataclass
class Harness:
    running: RunningServer
    client: EdgeClient
    router: HeldRouter
    specialists: HookedSpecialists
    transcriber: ScriptedTranscriber
    backend: Backend
    bank: SqliteBank


@pytest.fixture
def harness(bank: SqliteBank, clock: FixedClock) -> Iterator[Harness]:
    router = HeldRouter(dict(LABELS))
    router.release.set()  # calls pass the router unless a test holds them
    specialists = HookedSpecialists(dict(CALLS))
    transcriber = ScriptedTranscriber()
    backend = Backend(Assistant(router, specialists, Toolbox(bank, clock), clock), transcriber, MAX_UTTERANCE_S)
    options = DaemonOptions(
        port=0, max_concurrent_calls=1, grace_s=1.0, partial_transcripts_interval_s=PARTIAL_INTERVAL_S
    )
    with run_server(options) as running:
        running.service.attach(backend)
        running.set_serving()
        with EdgeClient(f"127.0.0.1:{running.port}") as client:
            yield Harness(running, client, router, specialists, transcriber, backend, bank)


@dataclass
class FakeContext:
    """The two things :class:`Deadline` asks a call: is the client there, and how long is left."""

    remaining: float = 30.0
    active: bool = True

    def time_remaining(self) -> float:
        return self.remaining

    def is_active(self) -> bool:
        return self.active


def _checking(bank: SqliteBank) -> Decimal:
    return next(account.balance for account in bank.accounts() if account.id == "checking")


def _kinds(events: list[pb.ServerEvent]) -> list[tuple[int, str]]:
    return [(event.turn, str(event.WhichOneof("event"))) for event in events]


def _silence(seconds: float, rate: int) -> bytes:
    return np.zeros(round(seconds * rate), dtype="<i2").tobytes()


def _chunks(pcm: bytes, rate: int) -> list[pb.ClientMessage]:
    step = rate // 10 * 2  # 100 ms
    return [pb.ClientMessage(audio=pb.AudioChunk(pcm16=pcm[i : i + step])) for i in range(0, len(pcm), step)]


END = pb.ClientMessage(end_of_utterance=pb.EndOfUtterance())


def test_when_the_call_limit_is_in_flight_then_one_more_call_is_refused_at_once_and_health_still_answers(
    harness: Harness,
) -> None:
    harness.router.release.clear()
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(harness.client.ask_text, "what's my checking balance")
        assert harness.router.entered.wait(10)
        with pytest.raises(grpc.RpcError) as refused:
            harness.client.ask_text("what's my checking balance", timeout=5)
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "its limit" in str(refused.value.details())
        assert harness.client.health() == "SERVING"
        harness.router.release.set()
        assert first.result(timeout=10).answer.startswith("Your checking balance is $")
    assert harness.client.ask_text("what's my checking balance").answer.startswith("Your checking balance is $")


def test_when_the_deadline_passes_while_routing_then_the_specialist_never_starts(harness: Harness) -> None:
    context = FakeContext()
    harness.router.after_route.append(lambda: setattr(context, "remaining", 0.0))
    with pytest.raises(DeadlineError, match="before the specialist"):
        harness.backend.answer("what's my checking balance", "c1", Deadline(context))  # type: ignore[arg-type]
    assert harness.specialists.seen == []


def test_when_the_deadline_passes_while_a_payment_is_prepared_then_a_later_yes_pays_nothing(harness: Harness) -> None:
    context = FakeContext()
    harness.specialists.after_generate.append(lambda: setattr(context, "remaining", 0.0))
    before = _checking(harness.bank)
    _, pending = harness.backend.answer("pay the electricity bill", "c1", Deadline(context))  # type: ignore[arg-type]
    assert pending is None
    turn, _ = harness.backend.answer("yes", "c1", Deadline(FakeContext()))  # type: ignore[arg-type]
    assert turn.answer == NOTHING_PENDING_ANSWER
    assert _checking(harness.bank) == before


def test_when_a_write_is_asked_and_confirmed_in_one_stream_then_the_events_say_so_in_order_and_it_pays_once(
    harness: Harness,
) -> None:
    before = _checking(harness.bank)
    messages = [config_message("phone-1"), text_turn("pay the electricity bill"), text_turn("yes"), text_turn("yes")]
    events = list(harness.client.converse(messages, timeout=10))
    assert _kinds(events) == [
        (1, "route"),
        (1, "tool_call"),
        (1, "confirmation_request"),
        (1, "answer"),
        (2, "tool_call"),
        (2, "answer"),
        (3, "answer"),
    ]
    assert {event.conversation_id for event in events} == {"phone-1"}
    route, asked, question, _, done, paid, again = events
    assert route.route.label == "bill_payments"
    assert route.route.confidence == pytest.approx(0.9)
    assert asked.tool_call.call.status == "needs_confirmation"
    assert question.confirmation_request.tool_name == "pay_bill"
    assert question.confirmation_request.question.startswith("Pay $")
    assert done.tool_call.call.status == "done"
    assert paid.answer.text.startswith("Done.")
    assert again.answer.text == NOTHING_PENDING_ANSWER
    assert _checking(harness.bank) < before


def test_when_two_asks_share_a_conversation_id_then_the_second_one_s_yes_confirms_the_first(harness: Harness) -> None:
    asked = harness.client.ask_text("pay the electricity bill")
    assert asked.needs_confirmation and asked.conversation_id
    elsewhere = harness.client.ask_text("yes", conversation_id="another-phone")
    assert elsewhere.answer == NOTHING_PENDING_ANSWER
    done = harness.client.ask_text("yes", conversation_id=asked.conversation_id)
    assert [(call.name, call.status) for call in done.tool_calls] == [("pay_bill", "done")]
    assert not done.needs_confirmation


def test_when_audio_streams_in_chunks_then_the_transcript_comes_first_and_the_rate_is_the_config_s(
    harness: Harness,
) -> None:
    messages = [config_message(sample_rate=8000), *_chunks(_silence(0.5, 8000), 8000), END]
    events = list(harness.client.converse(messages, timeout=10))
    assert _kinds(events) == [(1, "transcript"), (1, "route"), (1, "tool_call"), (1, "answer")]
    assert events[0].transcript.text == "what's my checking balance" and events[0].transcript.final
    assert harness.transcriber.durations == [pytest.approx(0.5)]


def test_when_partial_transcripts_are_not_asked_then_only_the_final_transcript_is_made(harness: Harness) -> None:
    # The daemon would make them every 0.5 s for a stream that asked; the audio comes at the pace of speech.
    messages = in_real_time([config_message(), *_chunks(_silence(1.5, 16000), 16000), END])
    events = list(harness.client.converse(messages, timeout=20))
    assert [kind for _, kind in _kinds(events)] == ["transcript", "route", "tool_call", "answer"]
    assert events[0].transcript.final and harness.transcriber.durations == [pytest.approx(1.5)]


def test_when_the_client_closes_with_audio_open_then_the_audio_is_still_answered(harness: Harness) -> None:
    messages = [config_message(), *_chunks(_silence(0.3, 16000), 16000)]
    events = list(harness.client.converse(messages, timeout=10))
    assert [kind for _, kind in _kinds(events)] == ["transcript", "route", "tool_call", "answer"]


@pytest.mark.parametrize(
    ("utterance", "message"),
    [
        ([END], "the audio has no samples"),
        (
            [pb.ClientMessage(audio=pb.AudioChunk(pcm16=b"\x00\x01\x02")), END],
            "must have an even number of bytes, not 3",
        ),
        ([*_chunks(_silence(MAX_UTTERANCE_S + 1, 16000), 16000), END], "the audio is longer than the limit of 2 s"),
    ],
    ids=["nothing", "odd-bytes", "too-long"],
)
def test_when_an_utterance_s_audio_is_unusable_then_an_error_event_says_why_and_the_stream_goes_on(
    harness: Harness, utterance: list[pb.ClientMessage], message: str
) -> None:
    events = list(harness.client.converse([*utterance, text_turn("what's my checking balance")], timeout=10))
    assert _kinds(events) == [(1, "error"), (2, "route"), (2, "tool_call"), (2, "answer")]
    assert events[0].error.code == pb.Error.CODE_INVALID_AUDIO
    assert message in events[0].error.message
    assert harness.transcriber.durations == []


@pytest.mark.parametrize(
    ("messages", "details"),
    [
        ([config_message(), config_message()], "Config must be the stream's first message"),
        ([text_turn("hi"), config_message()], "Config must be the stream's first message"),
        ([*_chunks(_silence(0.1, 16000), 16000), text_turn("hi")], "send EndOfUtterance first"),
        ([pb.ClientMessage()], "must hold config, audio, text or end_of_utterance"),
        ([config_message(sample_rate=1000)], "the sample rate is 1000 Hz"),
        ([pb.ClientMessage(config=pb.Config(language="fr"))], "only English ('en') is understood, not 'fr'"),
        ([config_message("my phone")], "a conversation id is 1 to 128 letters"),
        ([text_turn("x" * 5000)], "the question is 5000 characters long; the limit is 4096"),
    ],
    ids=["config-twice", "config-late", "text-in-audio", "empty", "rate", "language", "conversation-id", "long"],
)
def test_when_the_client_breaks_the_stream_protocol_then_the_stream_ends_with_invalid_argument(
    harness: Harness, messages: list[pb.ClientMessage], details: str
) -> None:
    with pytest.raises(grpc.RpcError) as ended:
        list(harness.client.converse(messages, timeout=10))
    assert ended.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert details in str(ended.value.details())
    assert harness.client.ask_text("what's my checking balance").answer.startswith("Your checking balance")


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("what's the meaning of life", pb.Escalation.SOURCE_ROUTER),
        ("anything outside", pb.Escalation.SOURCE_SPECIALIST),
    ],
)
def test_when_a_question_escalates_then_an_escalation_event_names_the_stage_before_the_answer(
    harness: Harness, text: str, source: int
) -> None:
    events = list(harness.client.converse([text_turn(text)], timeout=10))
    assert [kind for _, kind in _kinds(events)] == ["route", "escalation", "answer"]
    assert events[1].escalation.source == source and not events[1].escalation.relayed
    assert events[2].answer.escalated


@pytest.mark.parametrize(
    ("request_", "details"),
    [
        (pb.AskRequest(), "the request holds no question"),
        (pb.AskRequest(audio=pb.AudioClip()), "the audio clip holds no audio"),
        (pb.AskRequest(text="x" * 4097), "the limit is 4096"),
        (pb.AskRequest(text="hi", conversation_id="x" * 129), "a conversation id is 1 to 128 letters"),
    ],
    ids=["no-question", "no-audio", "long-text", "long-id"],
)
def test_when_an_ask_request_is_malformed_then_it_gets_invalid_argument_saying_what_to_change(
    harness: Harness, request_: pb.AskRequest, details: str
) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        harness.client.ask(request_, timeout=10)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert details in str(refused.value.details())


def test_when_the_models_are_still_loading_then_health_says_not_serving_and_calls_are_unavailable() -> None:
    with run_server(DaemonOptions(port=0, grace_s=0.0)) as running, EdgeClient(f"127.0.0.1:{running.port}") as client:
        assert client.health() == "NOT_SERVING"
        with pytest.raises(grpc.RpcError) as refused:
            client.ask_text("what's my checking balance", timeout=5)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "loading its models" in str(refused.value.details())


def test_when_a_token_is_required_then_streams_without_it_are_refused_but_health_checks_pass() -> None:
    options = DaemonOptions(port=0, token="s3cret", grace_s=0.0)
    with run_server(options) as running, EdgeClient(f"127.0.0.1:{running.port}") as client:
        with pytest.raises(grpc.RpcError) as refused:
            list(client.converse([text_turn("hi")], timeout=5))
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert client.health() == "NOT_SERVING"


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as an operator would make one with openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is missing; scripts/setup.sh installs it (apt-get install openssl)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def test_when_the_daemon_serves_tls_then_a_client_trusting_its_certificate_gets_through_and_plaintext_does_not(
    self_signed: tuple[Path, Path],
) -> None:
    cert, key = self_signed
    options = DaemonOptions(port=0, tls_cert=cert, tls_key=key, token="s3cret", grace_s=0.0)
    with run_server(options) as running:
        with EdgeClient(f"127.0.0.1:{running.port}", token="s3cret", root_cert=cert) as client:
            assert client.health() == "NOT_SERVING"
            with pytest.raises(grpc.RpcError) as loading:
                client.ask_text("what's my checking balance", timeout=5)
            assert loading.value.code() == grpc.StatusCode.UNAVAILABLE  # past TLS and the token: no models here
        with EdgeClient(f"127.0.0.1:{running.port}") as plaintext, pytest.raises(grpc.RpcError) as refused:
            plaintext.health(timeout=5)
        assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_when_the_daemon_stops_then_health_watchers_see_not_serving_and_do_not_hold_up_the_shutdown() -> None:
    with run_server(DaemonOptions(port=0, grace_s=60.0)) as running, EdgeClient(f"127.0.0.1:{running.port}") as client:
        running.set_serving()
        watch = client.watch_health(timeout=60)
        assert next(watch) == "SERVING"
        started = time.monotonic()
        running.stop()
        assert time.monotonic() - started < 30  # far below the 60 s a watch left open would cost
        assert list(watch) == ["NOT_SERVING"]
