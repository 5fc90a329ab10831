"""``edge-assistant ask``, ``chat`` and ``demo``: the assistant on the command line, typed or spoken (``--audio``).

The demo ends with a spoken turn that goes through ``listen``'s path (a WAV file replayed like a microphone).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Final

from edge_runtime import cli_speech
from edge_runtime.app import ensure_bank, open_assistant
from edge_runtime.config import Settings
from edge_runtime.conversation import Conversation
from edge_runtime.hands_free import HandsFree
from edge_runtime.manifest import ModelError
from edge_runtime.pipeline import Assistant, Turn
from edge_runtime.speech import Transcript
from edge_runtime.speech.endpoint import Endpointer
from edge_runtime.speech.replay import WavReplay
from edge_runtime.speech.speaker import INSTALL_HINT, Speaker, SpeakerError
from edge_runtime.textio import argument_text, read_lines, warn

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

#: The demo's last turn, said by espeak-ng and heard through the same path as ``listen``.
DEMO_SPOKEN: Final[str] = "How much did I spend on groceries this month?"
#: The spoken question is replayed this many times faster than real time: a demo needn't wait out the audio.
DEMO_REPLAY_RATE: Final[float] = 4.0

_NO_CONFIRMATION_NOTE: Final[str] = "(Nothing was changed: confirm it in a conversation, `edge-assistant chat`.)"


def settings_and_bank(args: argparse.Namespace) -> tuple[Settings, Path]:
    """The settings and the bank's path (``--bank``, else the settings'); a missing bank is made with demo data."""
    settings = with_relay(Settings.from_env(), args)
    bank_path: Path = (args.bank or settings.bank_path).expanduser()
    if ensure_bank(bank_path, settings):
        warn(f"no bank at {bank_path}: created the demo bank there (edge-assistant bank init --force resets it)")
    return settings, bank_path


def with_relay(settings: Settings, args: argparse.Namespace) -> Settings:
    """The settings with ``--relay HOST:PORT``, when given, as the cloud relay's address."""
    address = getattr(args, "relay", None)
    if not address:
        return settings
    return replace(settings, relay=replace(settings.relay, address=address))


def add_relay_flag(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--relay",
        metavar="HOST:PORT",
        help="the cloud relay for escalated questions (default: $EDGE_ASSISTANT_RELAY; none: answered locally)",
    )


def _describe(turn: Turn) -> str:
    """A dim one-line trace of what ran: route, tool call and time."""
    parts = [f"{turn.label or '-'} {turn.confidence:.2f}" if turn.confidence is not None else turn.label or "-"]
    parts += [
        f"{call['name']}({json.dumps(call['arguments'], ensure_ascii=False)}) {call['status']}"
        for call in turn.tool_calls
    ]
    if turn.escalated:
        relay = turn.relay
        if relay is not None and relay.relayed:
            parts.append(f"escalated, answered by {relay.model} ({relay.cloud_tokens} cloud tokens)")
        else:
            parts.append("escalated")
    parts.append(f"{turn.timings_ms.get('total', 0):.0f} ms")
    return " · ".join(parts)


def _heard(args: argparse.Namespace) -> Transcript | None:
    """The transcript of ``ask --audio FILE``, made before the assistant loads, so only one model is in memory."""
    if args.audio is None:
        return None
    if args.text or args.jsonl:
        raise ValueError("ask takes its question from --audio or from the command line, not both")
    return cli_speech.hear(args.audio, Settings.from_env(), args.threads)


def cmd_ask(args: argparse.Namespace) -> int:
    heard = _heard(args)
    settings, bank_path = settings_and_bank(args)
    with open_assistant(settings, model_dir=args.model_dir, bank_path=bank_path, threads=args.threads) as assistant:
        if args.jsonl:
            # One conversation for the stream, so "and last month?" on the next line works; no write runs.
            conversation = Conversation()
            for batch in read_lines(sys.stdin.buffer):
                for text in batch:
                    turn = assistant.ask(text, conversation, confirmations=False)
                    sys.stdout.write(json.dumps(turn.to_dict(), ensure_ascii=False) + "\n")
                sys.stdout.flush()
            return 0
        if heard is not None:
            # An empty transcript is asked like an empty question: the assistant says it didn't catch one.
            text = heard.text
        elif args.text:
            text = " ".join(argument_text(text, number) for number, text in enumerate(args.text, start=1))
        else:
            raise ValueError('ask needs a question, e.g. edge-assistant ask "what is my checking balance?"')
        turn = assistant.ask(text, confirmations=False)
        if args.json:
            out = turn.to_dict()
            if heard is not None:
                out["transcript"] = heard.text
                out["timings_ms"] = {"transcribe": round(heard.processing_s * 1000, 1), **out["timings_ms"]}
            print(json.dumps(out, ensure_ascii=False))
        else:
            if heard is not None:
                print(f"you said: {heard.text or '(nothing I could make out)'}")
            print(turn.answer)
            if any(call["status"] == "needs_confirmation" for call in turn.tool_calls):
                print(_NO_CONFIRMATION_NOTE)
    return 0


class _Streamed:
    """Shows an escalated answer as the relay streams it in, and remembers what was shown."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def show(self, turn: Turn, piece: str) -> None:
        print(("" if self.pieces else "assistant> ") + piece, end="", flush=True)
        self.pieces.append(piece)


def _chat_loop(assistant: Assistant, verbose: bool) -> None:
    conversation = Conversation()
    while True:
        try:
            text = input("you> ")
        except EOFError:
            print()
            return
        if text.strip() in {"/quit", "/exit"}:
            return
        if text.strip() == "/new":
            conversation = Conversation()
            print("(new conversation)")
            continue
        streamed = _Streamed()
        turn = assistant.ask(text, conversation, on_answer_delta=streamed.show)
        if streamed.pieces:
            print()
        if "".join(streamed.pieces).strip() != turn.answer.strip():
            print(f"assistant> {turn.answer}")
        if verbose:
            print(f"           [{_describe(turn)}]")


def cmd_chat(args: argparse.Namespace) -> int:
    settings, bank_path = settings_and_bank(args)
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    with open_assistant(settings, model_dir=args.model_dir, bank_path=bank_path, threads=args.threads) as assistant:
        print("Ask about your spending, balances, savings, bills, transfers, transactions, cards or our policies.")
        print("Write actions wait for your yes. /new starts over, /quit or Ctrl-D leaves.")
        _chat_loop(assistant, args.trace)
    return 0


def _spoken_demo(
    settings: Settings, threads: int | None, assistant: Assistant, conversation: Conversation, directory: Path
) -> None:
    """The demo's spoken turn: espeak-ng says the question into a WAV file, which is replayed as ``listen`` hears."""
    speaker = Speaker.find()
    if speaker is None:
        print(f"(The spoken turn is skipped: espeak-ng, which says its question, is not installed; {INSTALL_HINT}.)")
        return
    try:
        question = speaker.write(DEMO_SPOKEN, directory / "spoken-question.wav")
        transcriber = cli_speech.load_transcriber(settings, threads)
    except (SpeakerError, ModelError) as error:
        print(f"(The spoken turn is skipped: {error}.)")
        return
    replay = WavReplay(question, rate=DEMO_REPLAY_RATE)
    endpointer = Endpointer(max_utterance_s=settings.max_utterance_s)
    for spoken in HandsFree(replay, endpointer, transcriber, assistant, conversation).turns():
        print(f"you>       (spoken) {spoken.transcript.text}")
        print(f"assistant> {spoken.turn.answer}")
        print(f"           [heard in {spoken.transcript.processing_s * 1000:.0f} ms · {_describe(spoken.turn)}]\n")


def cmd_demo(args: argparse.Namespace) -> int:
    settings = with_relay(Settings.from_env(), args)
    today = settings.clock().today()
    with tempfile.TemporaryDirectory(prefix="edge-assistant-demo-") as directory:
        bank_path = Path(directory) / "demo-bank.sqlite"
        ensure_bank(bank_path, settings)
        print(f"A scripted conversation on a fresh demo bank; today is {today:%A, %B %-d, %Y}.")
        print("Everything below runs on this machine: speech recognition, router, specialists, tools and answers.\n")
        totals: list[float] = []
        with open_assistant(settings, model_dir=args.model_dir, bank_path=bank_path, threads=args.threads) as assistant:
            conversation = Conversation()
            for text in DEMO_SCRIPT:
                turn = assistant.ask(text, conversation)
                totals.append(turn.timings_ms.get("total", 0.0))
                print(f"you>       {text}")
                print(f"assistant> {turn.answer}")
                print(f"           [{_describe(turn)}]\n")
            _spoken_demo(settings, args.threads, assistant, conversation, Path(directory))
    answered = [t for t in totals if t > 0]
    median = statistics.median(answered)
    print(f"{len(DEMO_SCRIPT)} typed turns, median {median:.0f} ms per answer on {args.threads or 1} thread(s).")
    print('Try your own: edge-assistant ask "...", edge-assistant chat or, with a microphone, edge-assistant listen')
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``ask``, ``chat`` and ``demo`` on the main parser."""

    def common(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
        command.add_argument(
            "--model-dir", type=Path, help="model directory (default: $EDGE_ASSISTANT_MODEL_DIR or models/v1)"
        )
        command.add_argument("--threads", type=int, help="inference threads (default: 1)")
        add_relay_flag(command)
        return command

    ask = common(commands.add_parser("ask", help="answer one question (write actions are only described)"))
    ask.add_argument("text", nargs="*", help="the question")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object")
    mode.add_argument("--jsonl", action="store_true", help="read questions from stdin, one per line; JSON lines out")
    ask.add_argument("--audio", type=Path, metavar="FILE", help="ask the question spoken in a WAV file instead")
    ask.add_argument("--bank", type=Path, help="bank database (default: $EDGE_ASSISTANT_BANK or the demo bank)")
    ask.set_defaults(handler=cmd_ask)

    chat = common(commands.add_parser("chat", help="a conversation in the terminal; write actions wait for your yes"))
    chat.add_argument("--bank", type=Path, help="bank database (default: $EDGE_ASSISTANT_BANK or the demo bank)")
    chat.add_argument("--trace", action="store_true", help="show the route, tool calls and time of each answer")
    chat.set_defaults(handler=cmd_chat)

    demo = common(commands.add_parser("demo", help="a scripted conversation on a fresh demo bank"))
    demo.set_defaults(handler=cmd_demo)
