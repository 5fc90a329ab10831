"""``edge-assistant ask`` and ``chat``: the assistant on the command line, typed or spoken (``--audio``)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Final

from edge_runtime import cli_speech
from edge_runtime.app import ensure_bank, open_assistant
from edge_runtime.config import Settings
from edge_runtime.conversation import Conversation
from edge_runtime.pipeline import Assistant, Turn
from edge_runtime.speech import Transcript
from edge_runtime.textio import argument_text, read_lines, warn

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
            if turn.relay is not None and turn.relay.local_stand_in:
                print("           (answered by the relay's small local stand-in, not a frontier model)")
        else:
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


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``ask`` and ``chat`` on the main parser."""

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
