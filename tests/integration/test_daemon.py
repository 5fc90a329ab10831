"""``edge-assistant serve`` as a phone meets it: a real daemon process, the real models, gRPC on loopback.

Model loading costs seconds, so two daemons serve most of the module: one on the defaults (but for partial
transcripts every 0.5 s, to see several in a short question), and one that wants a token and answers one
call at a time. The lifecycle test starts its own, since it stops it.
"""

from __future__ import annotations

import io
import json
import os
import queue
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
import numpy as np
import pytest

from edge_runtime.pipeline import NOTHING_PENDING_ANSWER
from edge_runtime.rpc.client import EdgeClient, EventStream, config_message, in_real_time, text_turn
from edge_runtime.rpc.generated.edge_assistant.v1 import assistant_pb2 as pb
from edge_runtime.services import stop_process
from tests.conftest import run_cli
from tests.signals import signal_worker_thread
from tests.speech_helpers import espeak_wav

TODAY = "2026-11-20"
TOKEN = "s3cret-token"
GROCERIES = "How much did I spend on groceries this month?"
BALANCE = "What's my checking balance?"
#: Loading the router, the specialists and Whisper on a busy two-core machine.
START_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Daemon:
    process: subprocess.Popen[bytes]
    port: int
    bank: Path
    log: Path

    def client(self, token: str | None = None, max_message_bytes: int | None = None) -> EdgeClient:
        if max_message_bytes is None:
            return EdgeClient(f"127.0.0.1:{self.port}", token=token)
        return EdgeClient(f"127.0.0.1:{self.port}", token=token, max_message_bytes=max_message_bytes)

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        with self.client() as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    pytest.fail(f"the daemon exited with {self.process.returncode}:\n{self.log.read_text()}")
                try:
                    client.wait_until_serving(timeout=2)
                    return
                except TimeoutError:
                    continue
        pytest.fail(f"the daemon was not SERVING after {START_TIMEOUT_S} s:\n{self.log.read_text()}")

    def bills_paid(self) -> int:
        with sqlite3.connect(self.bank) as db:
            return int(db.execute("select count(*) from bills where paid_on is not null").fetchone()[0])


@contextmanager
def start_daemon(folder: Path, bank_template: Path, *flags: str) -> Iterator[Daemon]:
    """``edge-assistant serve`` on a free loopback port and a copy of the demo bank; SIGTERM on exit."""
    bank = Path(shutil.copy(bank_template, folder / "bank.sqlite"))
    port = free_port()
    log = folder / "daemon.log"
    env = {
        key: value for key, value in os.environ.items() if key not in ("EDGE_ASSISTANT_CONFIG", "EDGE_ASSISTANT_TOKEN")
    }
    env.update({"EDGE_ASSISTANT_BANK": str(bank), "EDGE_ASSISTANT_TODAY": TODAY})
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "edge_runtime.cli", "serve", "--port", str(port), *flags],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
    try:
        yield Daemon(process, port, bank, log)
    finally:
        stop_process(process, grace_s=60)


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory, bank_template: Path) -> Iterator[Daemon]:
    folder = tmp_path_factory.mktemp("daemon")
    with start_daemon(folder, bank_template, "--partial-transcripts-interval-s", "0.5") as started:
        started.wait_until_serving()
        yield started


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory, bank_template: Path) -> Iterator[Daemon]:
    """A daemon that wants a token and answers one call at a time."""
    folder = tmp_path_factory.mktemp("guarded")
    with start_daemon(folder, bank_template, "--token", TOKEN, "--max-concurrent-calls", "1") as started:
        started.wait_until_serving()
        yield started


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The groceries question, said by espeak-ng (22,050 Hz mono 16-bit)."""
    return espeak_wav(GROCERIES, tmp_path_factory.mktemp("speech") / "groceries.wav")


@pytest.fixture(scope="module")
def spoken_balance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return espeak_wav(BALANCE, tmp_path_factory.mktemp("speech") / "balance.wav")


def _until_answer(stream: EventStream, answers: int = 1) -> list[pb.ServerEvent]:
    """The events of ``answers`` turns, up to and with the last one's Answer."""
    events = []
    for event in stream:
        events.append(event)
        if event.WhichOneof("event") in ("answer", "error"):
            answers -= 1
            if answers == 0:
                return events
    raise AssertionError(f"the stream ended without an answer after {events}")


def _recording(path: Path) -> tuple[int, bytes]:
    """A 16-bit mono WAV's rate and PCM, as a phone's microphone would give them."""
    with wave.open(str(path), "rb") as recording:
        return recording.getframerate(), recording.readframes(recording.getnframes())


def _audio(pcm: bytes, rate: int) -> list[pb.ClientMessage]:
    step = rate // 10 * 2  # 100 ms
    return [pb.ClientMessage(audio=pb.AudioChunk(pcm16=pcm[i : i + step])) for i in range(0, len(pcm), step)]


def _quiet(seconds: float, rate: int) -> bytes:
    return bytes(round(seconds * rate) * 2)


@contextmanager
def _held_open(client: EdgeClient, messages: Iterable[pb.ClientMessage]) -> Iterator[EventStream]:
    """A Converse stream that sends ``messages`` and then keeps its side open, as a microphone would, until
    the block ends: whatever the daemon answers before then, it answered without being told the audio ended."""
    done = threading.Event()

    def requests() -> Iterator[pb.ClientMessage]:
        yield from messages
        done.wait(120)

    stream = client.converse(requests(), timeout=120)
    try:
        yield stream
    finally:
        done.set()


def _pcm_wav(seconds: float, rate: int = 16000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(bytes(round(seconds * rate) * 2))
    return out.getvalue()


def _float_wav(samples: list[float], rate: int = 16000) -> bytes:
    """A 32-bit float WAV, written by hand: the stdlib's writer does integer PCM only."""
    data = np.asarray(samples, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, rate, rate * 4, 4, 32)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def test_when_the_daemon_starts_and_stops_then_health_follows_and_a_call_in_flight_still_finishes(
    tmp_path: Path, bank_template: Path
) -> None:
    with start_daemon(tmp_path, bank_template, "--grace-s", "60") as daemon, daemon.client() as client:
        starting = client.watch_health(timeout=START_TIMEOUT_S)
        statuses = [next(starting)]
        while statuses[-1] != "SERVING":
            statuses.append(next(starting))
        starting.close()
        assert statuses[0] == "NOT_SERVING", daemon.log.read_text()

        requests: queue.Queue[pb.ClientMessage | None] = queue.Queue()
        stream = client.converse(iter(requests.get, None), timeout=120)
        requests.put(text_turn(BALANCE))
        assert _until_answer(stream)[-1].answer.text.startswith("Your checking balance is $")

        # A watch of its own for the stop, so a slow start does not use up its deadline.
        watch = client.watch_health(timeout=60)
        assert next(watch) == "SERVING"
        daemon.process.send_signal(signal.SIGTERM)
        assert next(watch) == "NOT_SERVING"
        watch.close()
        # The conversation open when the signal came gets its next answer within the grace period.
        requests.put(text_turn("Which bills are coming up?"))
        assert _until_answer(stream)[-1].answer.text
        requests.put(None)
        assert list(stream) == []
        assert daemon.process.wait(timeout=60) == 0, daemon.log.read_text()
        with pytest.raises(grpc.RpcError) as gone:
            client.health(timeout=5)
        assert gone.value.code() == grpc.StatusCode.UNAVAILABLE
    log = daemon.log.read_text()
    assert "received SIGTERM" in log and "stopped" in log and "Traceback" not in log


def test_when_sigterm_lands_on_a_worker_thread_then_the_daemon_still_stops(tmp_path: Path, bank_template: Path) -> None:
    with start_daemon(tmp_path, bank_template) as daemon:
        daemon.wait_until_serving()
        signal_worker_thread(daemon.process.pid, signal.SIGTERM)
        assert daemon.process.wait(timeout=30) == 0, daemon.log.read_text()
    log = daemon.log.read_text()
    assert "received SIGTERM" in log and "stopped" in log and "Traceback" not in log


def test_when_a_question_is_typed_then_ask_answers_with_the_right_tool(daemon: Daemon) -> None:
    with daemon.client() as client:
        reply = client.ask_text(BALANCE, timeout=60)
    assert reply.label == "accounts"
    assert [(call.name, call.arguments_json, call.status) for call in reply.tool_calls] == [
        ("get_balance", '{"account": "checking"}', "ok")
    ]
    assert reply.answer.startswith("Your checking balance is $")
    assert not reply.escalated and not reply.needs_confirmation and not reply.HasField("transcript")
    assert reply.conversation_id and reply.timings_ms["total"] > 0


def test_when_a_wav_is_asked_then_the_reply_carries_its_transcript_and_answer(daemon: Daemon, spoken: Path) -> None:
    with daemon.client() as client:
        reply = client.ask_audio(spoken, timeout=60)
    assert "groceries" in reply.transcript.lower()
    assert reply.text == reply.transcript
    assert [call.name for call in reply.tool_calls] == ["spending_summary"]
    assert reply.answer.startswith("You spent $")
    assert reply.timings_ms["transcribe"] > 0


def test_when_a_spoken_question_streams_in_100_ms_chunks_then_transcript_route_tool_and_answer_come_back(
    daemon: Daemon, spoken: Path
) -> None:
    # As a phone would: the microphone's own rate, 16-bit mono, 100 ms at a time.
    with wave.open(str(spoken), "rb") as recording:
        rate = recording.getframerate()
        frames = recording.readframes(recording.getnframes())
    step = rate // 10 * 2
    messages = [config_message("voice-1", sample_rate=rate)]
    messages += [pb.ClientMessage(audio=pb.AudioChunk(pcm16=frames[i : i + step])) for i in range(0, len(frames), step)]
    messages.append(pb.ClientMessage(end_of_utterance=pb.EndOfUtterance()))
    assert len(messages) > 20
    with daemon.client() as client:
        events = list(client.converse(messages, timeout=60))
    assert [event.WhichOneof("event") for event in events] == ["transcript", "route", "tool_call", "answer"]
    assert {(event.conversation_id, event.turn) for event in events} == {("voice-1", 1)}
    transcript, route, tool_call, answer = events
    assert "groceries" in transcript.transcript.text.lower() and transcript.transcript.final
    assert route.route.label == "card_spending"
    assert tool_call.tool_call.call.name == "spending_summary"
    assert answer.answer.text.startswith("You spent $") and not answer.answer.escalated


def test_when_a_payment_is_confirmed_in_a_second_ask_then_the_bill_is_paid_once(daemon: Daemon) -> None:
    paid = daemon.bills_paid()
    with daemon.client() as client:
        asked = client.ask_text("Pay the electricity bill", timeout=60)
        assert asked.needs_confirmation
        assert [(call.name, call.status) for call in asked.tool_calls] == [("pay_bill", "needs_confirmation")]
        assert "City Power" in asked.answer and asked.answer.endswith("?")
        assert daemon.bills_paid() == paid
        assert client.ask_text("yes", conversation_id="someone-else", timeout=60).answer == NOTHING_PENDING_ANSWER
        done = client.ask_text("yes", conversation_id=asked.conversation_id, timeout=60)
        assert [(call.name, call.status) for call in done.tool_calls] == [("pay_bill", "done")]
        assert done.answer.startswith("Done.")
        again = client.ask_text("yes", conversation_id=asked.conversation_id, timeout=60)
    assert again.answer == NOTHING_PENDING_ANSWER
    assert daemon.bills_paid() == paid + 1


@pytest.mark.parametrize(
    ("clip", "details"),
    [
        (pb.AudioClip(wav=b""), "the file is empty"),
        (pb.AudioClip(wav=bytes(range(256)) * 8), "the file is not a WAV file (it has no RIFF/WAVE header)"),
        (pb.AudioClip(pcm16=b"\x00\x01\x02", sample_rate=16000), "must have an even number of bytes, not 3"),
        (pb.AudioClip(pcm16=b"", sample_rate=16000), "the audio has no samples"),
        (pb.AudioClip(pcm16=bytes(3200), sample_rate=1000), "the sample rate is 1000 Hz"),
        (pb.AudioClip(wav=_float_wav([0.1, float("nan"), 0.2] * 100)), "the audio has NaN or infinite samples"),
        (pb.AudioClip(wav=_pcm_wav(31.0)), "the audio is 31.0 s long; the limit is 30 s"),
    ],
    ids=["empty", "garbage", "odd-pcm16", "empty-pcm16", "low-rate", "nan-float", "too-long"],
)
def test_when_the_audio_is_unusable_then_ask_gets_invalid_argument_with_the_reason_and_the_daemon_keeps_serving(
    daemon: Daemon, clip: pb.AudioClip, details: str
) -> None:
    with daemon.client() as client:
        with pytest.raises(grpc.RpcError) as refused:
            client.ask(pb.AskRequest(audio=clip), timeout=60)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert refused.value.details() == details or details in str(refused.value.details())
        assert client.health() == "SERVING"
    assert daemon.process.poll() is None


def test_when_a_stream_sends_bad_audio_then_the_error_is_an_event_and_the_next_question_is_answered(
    daemon: Daemon,
) -> None:
    messages = [
        pb.ClientMessage(audio=pb.AudioChunk(pcm16=b"\x00\x01\x02")),
        pb.ClientMessage(end_of_utterance=pb.EndOfUtterance()),
        text_turn(BALANCE),
    ]
    with daemon.client() as client:
        events = list(client.converse(messages, timeout=60))
    assert events[0].error.code == pb.Error.CODE_INVALID_AUDIO
    assert events[0].error.message == "raw 16-bit audio must have an even number of bytes, not 3"
    assert events[-1].turn == 2 and events[-1].answer.text.startswith("Your checking balance is $")


def test_when_a_message_is_over_the_size_limit_then_the_daemon_refuses_it_with_resource_exhausted(
    daemon: Daemon,
) -> None:
    # The client may send 16 MiB, so the refusal is the daemon's 6 MiB limit, not the client's.
    with daemon.client(max_message_bytes=16 * 1024 * 1024) as client:
        with pytest.raises(grpc.RpcError) as refused:
            client.ask_audio(_pcm_wav(0.1) + bytes(7 * 1024 * 1024), timeout=60)
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "larger than max" in str(refused.value.details())
        assert client.health() == "SERVING"


def test_when_the_deadline_is_shorter_than_the_answer_then_the_call_fails_and_nothing_waits_for_a_yes(
    daemon: Daemon,
) -> None:
    paid = daemon.bills_paid()
    with daemon.client() as client:
        with pytest.raises(grpc.RpcError) as late:
            client.ask_text("Pay the electricity bill", conversation_id="in-a-hurry", timeout=0.05)
        assert late.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        assert client.ask_text("yes", conversation_id="in-a-hurry", timeout=60).answer == NOTHING_PENDING_ANSWER
        assert client.health() == "SERVING"
    assert daemon.bills_paid() == paid


@pytest.mark.parametrize(
    "flags",
    [
        ["--host", "0.0.0.0"],
        ["--host", "0.0.0.0", "--tls-cert", "cert.pem", "--tls-key", "key.pem"],
        ["--host", "192.168.1.20", "--token", TOKEN],
    ],
    ids=["plain", "tls-without-token", "token-without-tls"],
)
def test_when_asked_to_listen_beyond_loopback_without_tls_and_a_token_then_serve_refuses_to_start(
    flags: list[str], tmp_path: Path
) -> None:
    result = run_cli(["serve", "--port", str(free_port()), *flags], env={"EDGE_ASSISTANT_BANK": str(tmp_path / "b")})
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert "would put the assistant on the network" in stderr
    assert "--tls-cert and --tls-key and a client token" in stderr and "--insecure-allow-remote" in stderr
    assert "Traceback" not in stderr


def test_when_the_config_file_asks_for_a_remote_host_then_serve_refuses_the_same_way(tmp_path: Path) -> None:
    config = tmp_path / "daemon.toml"
    config.write_text(f'host = "0.0.0.0"\nport = {free_port()}\n')
    result = run_cli(["serve", "--config", str(config)], env={"EDGE_ASSISTANT_BANK": str(tmp_path / "bank.sqlite")})
    assert result.returncode == 2
    assert "would put the assistant on the network" in result.stderr.decode()


def test_when_the_port_is_taken_then_serve_says_so_and_exits_2(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = run_cli(["serve", "--port", str(port)], env={"EDGE_ASSISTANT_BANK": str(tmp_path / "bank.sqlite")})
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert f"edge-assistant: error: can't listen on 127.0.0.1:{port}: another process holds the port" in stderr
    assert "Traceback" not in stderr


def test_when_a_token_is_required_then_only_calls_that_carry_it_are_answered(guarded: Daemon) -> None:
    for token in (None, "wrong-token"):
        with guarded.client(token=token) as client:
            with pytest.raises(grpc.RpcError) as refused:
                client.ask_text(BALANCE, timeout=60)
            assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
            assert client.health() == "SERVING"  # supervisors probe without the token
    with guarded.client(token=TOKEN) as client:
        assert client.ask_text(BALANCE, timeout=60).answer.startswith("Your checking balance is $")


def test_when_a_client_hangs_up_mid_stream_then_its_slot_goes_to_the_next_call(guarded: Daemon) -> None:
    with guarded.client(token=TOKEN) as client:
        requests: queue.Queue[pb.ClientMessage | None] = queue.Queue()
        stream = client.converse(iter(requests.get, None), timeout=120)
        requests.put(config_message("hang-up"))
        requests.put(text_turn(BALANCE))
        _until_answer(stream)  # the stream now holds the daemon's only slot
        requests.put(pb.ClientMessage(audio=pb.AudioChunk(pcm16=bytes(3200))))
        with pytest.raises(grpc.RpcError) as busy:
            client.ask_text(BALANCE, timeout=60)
        assert busy.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED

        stream.cancel()
        requests.put(None)
        # The daemon learns of the hang-up a moment after the client; nothing to wait on but the call itself.
        deadline = time.monotonic() + 20
        while True:
            try:
                reply = client.ask_text(BALANCE, timeout=60)
                break
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
    assert reply.answer.startswith("Your checking balance is $")


def _transcripts(events: list[pb.ServerEvent]) -> list[tuple[str, bool]]:
    return [(event.transcript.text, event.transcript.final) for event in events if event.HasField("transcript")]


def test_when_endpointing_is_on_then_a_question_and_a_pause_are_answered_without_end_of_utterance(
    daemon: Daemon, spoken: Path
) -> None:
    # The recording's own rate (22,050 Hz), as a phone would send it: the daemon resamples as it listens.
    rate, pcm = _recording(spoken)
    messages = [
        config_message("hands-free", sample_rate=rate, endpointing=True),
        *_audio(pcm + _quiet(1.5, rate), rate),
    ]
    with daemon.client() as client:
        with _held_open(client, messages) as stream:
            events = _until_answer(stream)
        after = list(stream)
    assert [event.WhichOneof("event") for event in events] == ["transcript", "route", "tool_call", "answer"]
    assert {(event.conversation_id, event.turn) for event in events} == {("hands-free", 1)}
    transcript, route, tool_call, answer = events
    assert "groceries" in transcript.transcript.text.lower() and transcript.transcript.final
    assert route.route.label == "card_spending"
    assert tool_call.tool_call.call.name == "spending_summary"
    assert answer.answer.text.startswith("You spent $")
    assert after == []  # closing the stream left nothing over to answer


def test_when_two_questions_come_in_one_stream_with_a_pause_between_then_each_is_its_own_turn(
    daemon: Daemon, spoken: Path, spoken_balance: Path
) -> None:
    (rate, groceries), (_, balance) = _recording(spoken), _recording(spoken_balance)
    audio = _quiet(0.5, rate) + groceries + _quiet(1.5, rate) + balance + _quiet(1.5, rate)
    messages = [config_message(sample_rate=rate, endpointing=True), *_audio(audio, rate)]
    with daemon.client() as client, _held_open(client, messages) as stream:
        events = _until_answer(stream, answers=2)
    turns = [event.turn for event in events]
    assert turns == sorted(turns) and set(turns) == {1, 2}
    first = [event for event in events if event.turn == 1]
    second = [event for event in events if event.turn == 2]
    # Whisper tiny.en hears espeak's "groceries" as "low-series" now and then: the words around it are the test.
    assert "how much did i spend" in first[0].transcript.text.lower() and first[0].transcript.final
    assert first[-1].answer.text.startswith("You spent $")
    assert "balance" in second[0].transcript.text.lower()
    assert second[-1].answer.text.startswith("Your checking balance is $")


def test_when_endpointing_hears_only_silence_then_no_turn_is_made_even_at_end_of_utterance(daemon: Daemon) -> None:
    # The typed question after it is the stream's first turn: the silence made none.
    messages = [
        config_message(endpointing=True),
        *_audio(_quiet(3.0, 16000), 16000),
        pb.ClientMessage(end_of_utterance=pb.EndOfUtterance()),
        text_turn(BALANCE),
    ]
    with daemon.client() as client:
        events = list(client.converse(messages, timeout=60))
    assert [(event.turn, event.WhichOneof("event")) for event in events] == [
        (1, "route"),
        (1, "tool_call"),
        (1, "answer"),
    ]


def test_when_a_typed_question_comes_while_speech_is_in_progress_then_the_speech_is_answered_first(
    daemon: Daemon, spoken: Path
) -> None:
    rate, pcm = _recording(spoken)
    messages = [config_message(sample_rate=rate, endpointing=True), *_audio(pcm, rate), text_turn(BALANCE)]
    with daemon.client() as client:
        events = list(client.converse(messages, timeout=60))
    assert "groceries" in events[0].transcript.text.lower() and events[0].turn == 1
    answers = [(event.turn, event.answer.text) for event in events if event.HasField("answer")]
    assert [turn for turn, _ in answers] == [1, 2]
    assert answers[0][1].startswith("You spent $") and answers[1][1].startswith("Your checking balance is $")


@pytest.mark.parametrize("endpointing", [True, False], ids=["endpointing", "end-of-utterance"])
def test_when_partial_transcripts_are_asked_then_they_come_while_the_question_is_spoken_before_the_final_one(
    daemon: Daemon, spoken: Path, endpointing: bool
) -> None:
    rate, pcm = _recording(spoken)
    assert len(pcm) / 2 / rate > 2.5  # a question of about 3 s: partials every 0.5 s of it
    end = _audio(_quiet(1.5, rate), rate) if endpointing else [pb.ClientMessage(end_of_utterance=pb.EndOfUtterance())]
    config = config_message(sample_rate=rate, endpointing=endpointing, partial_transcripts=True)
    messages = in_real_time([config, *_audio(pcm, rate), *end], sample_rate=rate)
    with daemon.client() as client, _held_open(client, messages) as stream:
        events = _until_answer(stream)
    transcripts = _transcripts(events)
    partials = [text for text, final in transcripts if not final]
    assert partials, f"no partial transcript came: {transcripts}"
    assert all(text for text in partials) and len(set(partials)) == len(partials)
    assert [final for _, final in transcripts] == [False] * len(partials) + [True]
    assert "groceries" in transcripts[-1][0].lower()
    assert {event.turn for event in events} == {1}
    assert events[-1].answer.text.startswith("You spent $")


def test_when_the_cli_converses_with_endpointing_then_it_prints_partial_transcripts_then_the_turn(
    daemon: Daemon, spoken: Path
) -> None:
    target = f"127.0.0.1:{daemon.port}"
    command = ["client", "--target", target, "converse", "--endpointing", "--partial-transcripts", str(spoken), "yes"]
    result = run_cli(command)
    assert result.returncode == 0, result.stderr.decode()
    events = [json.loads(line) for line in result.stdout.decode().splitlines()]
    kinds = [next(key for key in event if key not in ("conversation_id", "turn")) for event in events]
    partials = [event for event in events if "transcript" in event and not event["transcript"].get("final")]
    assert partials and kinds[: len(partials)] == ["transcript"] * len(partials)
    assert kinds[len(partials) :] == ["transcript", "route", "tool_call", "answer", "answer"]
    assert events[len(partials)]["transcript"]["final"] and events[-2]["answer"]["text"].startswith("You spent $")
    assert [event["turn"] for event in events[-2:]] == [1, 2]  # the typed "yes" after the pause is turn 2
