"""``edge-assistant demo``: the product's main job on its embedded defaults, as it runs in production.

It starts the cloud relay (``cloud-relay serve``, whose embedded local model stands in for a frontier model)
and the edge daemon (``edge-assistant serve``, on a fresh demo bank) as processes on loopback, then talks
to the daemon over gRPC as a phone app would: a scripted typed conversation, one turn per ``Converse``
stream, and a question spoken by espeak-ng and streamed as microphone audio, whose end the daemon finds
itself. The escalated question goes through redaction and the relay, and its answer streams back.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Final

from edge_runtime.app import ensure_bank
from edge_runtime.config import Settings
from edge_runtime.rpc import client
from edge_runtime.rpc.generated.edge_assistant.v1 import assistant_pb2 as pb
from edge_runtime.services import RunningDaemon, RunningRelay, ServiceError, daemon_process, relay_process
from edge_runtime.speech.speaker import INSTALL_HINT, Speaker, SpeakerError

#: The main job's scripted conversation on a fresh demo bank: every specialist, a follow-up, a bill
#: payment the user confirms, a card action the user declines, and a question for the cloud.
DEMO_SCRIPT: Final[tuple[str, ...]] = (
    "How much did I spend on groceries this month?",
    "and last month?",
    "What's my checking balance?",
    "Which bills are coming up?",
    "Pay the electricity bill",
    "yes",
    "What's my checking balance now?",
    "Am I on track for my vacation goal?",
    "Move $200 from checking to savings",
    "no",
    "Is anything pending?",
    "Freeze my debit card",
    "yes",
    "What are the fees for international transfers?",
    "I have $50,000 saved, should I buy a house or keep renting and invest?",
)

#: The demo's last turn, said by espeak-ng and streamed to the daemon as a microphone would.
DEMO_SPOKEN: Final[str] = "How much did I spend on groceries this month?"
#: A whole turn, escalation included, gets this long.
TURN_TIMEOUT_S: Final[float] = 60.0


class _Shown:
    """One turn's events as the demo prints them; remembers what the trace line needs."""

    def __init__(self) -> None:
        self.route: pb.RouteDecision | None = None
        self.calls: list[pb.ToolCall] = []
        self.escalation: pb.Escalation | None = None
        self.streamed = False
        self.transcript: str | None = None
        self.partials = 0
        self.transcript_at: float | None = None

    def show(self, events: Iterable[pb.ServerEvent]) -> None:
        for event in events:
            kind = event.WhichOneof("event")
            if kind == "transcript" and not event.transcript.final:
                self.partials += 1
            elif kind == "transcript":
                self.transcript, self.transcript_at = event.transcript.text, time.monotonic()
                print(f"you>       (spoken) {self.transcript}", flush=True)
            elif kind == "route":
                self.route = event.route
            elif kind == "tool_call":
                self.calls.append(event.tool_call.call)
            elif kind == "escalation":
                self.escalation = event.escalation
            elif kind == "answer_delta":
                print(("" if self.streamed else "assistant> ") + event.answer_delta.text, end="", flush=True)
                self.streamed = True
            elif kind == "answer":
                print() if self.streamed else print(f"assistant> {event.answer.text}")
            elif kind == "error":
                print(f"assistant> ({event.error.message})")

    def trace(self, elapsed_ms: float, heard_ms: float | None = None) -> str:
        parts = [f"{self.route.label} {self.route.confidence:.2f}" if self.route is not None else "-"]
        parts += [f"{call.name}({_compact(call.arguments_json)}) {call.status}" for call in self.calls]
        if self.escalation is not None:
            how = self.escalation
            if how.relayed:
                who = f"the relay's local stand-in, {how.model}" if how.local_stand_in else how.model
                parts.append(f"escalated, answered by {who} ({how.cloud_tokens} cloud tokens)")
            else:
                parts.append("escalated, the relay did not answer")
        if heard_ms is not None:
            parts.append(f"final transcript {heard_ms:.0f} ms after the speech ended, {self.partials} partial")
        parts.append(f"{elapsed_ms:.0f} ms")
        return " · ".join(parts)


def _compact(arguments_json: str) -> str:
    return json.dumps(json.loads(arguments_json or "{}"), ensure_ascii=False)


def _typed_turn(edge: client.EdgeClient, conversation_id: str, text: str) -> float:
    """One typed question in its own Converse stream; returns the time to the answer in ms."""
    print(f"you>       {text}")
    shown = _Shown()
    started = time.monotonic()
    messages = [client.config_message(conversation_id), client.text_turn(text)]
    shown.show(edge.converse(messages, timeout=TURN_TIMEOUT_S))
    elapsed_ms = (time.monotonic() - started) * 1000
    print(f"           [{shown.trace(elapsed_ms)}]\n")
    return elapsed_ms


class _Microphone:
    """A WAV streamed at the pace of speech; remembers when its last chunk of speech went out."""

    def __init__(self, speech: Path) -> None:
        self.speech = speech
        self.speech_ended_at: float | None = None

    def messages(self, conversation_id: str) -> Iterator[pb.ClientMessage]:
        yield client.config_message(conversation_id, endpointing=True, partial_transcripts=True)
        spoken = list(client.spoken_turn(self.speech, endpointing=True))
        speech_chunks = len(list(client.pcm16_chunks(self.speech)))
        for number, message in enumerate(client.in_real_time(spoken), start=1):
            yield message
            if number == speech_chunks:
                self.speech_ended_at = time.monotonic()


def _spoken_turn(edge: client.EdgeClient, conversation_id: str, folder: Path) -> None:
    speaker = Speaker.find()
    if speaker is None:
        print(f"(The spoken turn is skipped: espeak-ng, which says its question, is not installed; {INSTALL_HINT}.)")
        return
    try:
        speech = speaker.write(DEMO_SPOKEN, folder / "spoken-question.wav")
    except SpeakerError as error:
        print(f"(The spoken turn is skipped: {error}.)")
        return
    microphone = _Microphone(speech)
    shown = _Shown()
    started = time.monotonic()
    shown.show(edge.converse(microphone.messages(conversation_id), timeout=TURN_TIMEOUT_S))
    elapsed_ms = (time.monotonic() - started) * 1000
    heard_ms = None
    if microphone.speech_ended_at is not None and shown.transcript_at is not None:
        heard_ms = (shown.transcript_at - microphone.speech_ended_at) * 1000
    print(f"           [{shown.trace(elapsed_ms, heard_ms)}]\n")


def _start(stack: ExitStack, args: argparse.Namespace, settings: Settings, folder: Path, bank: Path) -> RunningDaemon:
    relay: RunningRelay | None
    if args.relay:
        if settings.relay.token is None:
            raise ValueError("--relay needs this device's token in EDGE_ASSISTANT_RELAY_TOKEN")
        relay = RunningRelay(address=args.relay, token=settings.relay.token, log=folder / "relay.log")
        print(f"Cloud relay: {args.relay}.")
    else:
        relay = stack.enter_context(relay_process(folder))
        print(f"Cloud relay: started on {relay.address}, with its embedded local model as the frontier stand-in.")
    flags: list[str] = []
    if args.model_dir is not None:
        flags += ["--model-dir", str(args.model_dir)]
    if args.threads is not None:
        flags += ["--threads", str(args.threads)]
    env = {"EDGE_ASSISTANT_TODAY": settings.clock().today().isoformat()}
    daemon = stack.enter_context(daemon_process(folder, bank=bank, relay=relay, args=tuple(flags), env=env))
    print(f"Edge daemon: serving on {daemon.address} (router, specialists and Whisper loaded).\n")
    return daemon


def cmd_demo(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    today = settings.clock().today()
    with tempfile.TemporaryDirectory(prefix="edge-assistant-demo-") as directory, ExitStack() as stack:
        folder = Path(directory)
        bank = folder / "demo-bank.sqlite"
        ensure_bank(bank, settings)
        print(f"A scripted conversation on a fresh demo bank; today is {today:%A, %B %-d, %Y}.")
        print("The app side talks gRPC to the edge daemon on this machine; only the escalated question leaves it,")
        print("redacted, for the cloud relay.\n")
        try:
            daemon = _start(stack, args, settings, folder, bank)
        except ServiceError as error:
            print(f"edge-assistant: error: {error}", file=sys.stderr)
            return 2
        conversation_id = f"demo-{int(time.time())}"
        with daemon.client() as edge:
            times = [_typed_turn(edge, conversation_id, text) for text in DEMO_SCRIPT]
            _spoken_turn(edge, conversation_id, folder)
    local = [ms for text, ms in zip(DEMO_SCRIPT, times, strict=True) if text != DEMO_SCRIPT[-1]]
    median = statistics.median(local)
    print(f"{len(DEMO_SCRIPT)} typed turns; median {median:.0f} ms per answer on the device, over gRPC.")
    print('Try your own: edge-assistant ask "...", edge-assistant chat or, with a microphone, edge-assistant listen')
    return 0


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo", help="the relay and the daemon as processes, and a scripted conversation with them over gRPC"
    )
    demo.add_argument(
        "--model-dir", type=Path, help="model directory (default: $EDGE_ASSISTANT_MODEL_DIR or models/v1)"
    )
    demo.add_argument("--threads", type=int, help="inference threads of each model (default: 1)")
    demo.add_argument(
        "--relay",
        metavar="HOST:PORT",
        help="use this running cloud relay (token in $EDGE_ASSISTANT_RELAY_TOKEN) instead of starting one",
    )
    demo.set_defaults(handler=cmd_demo)
