"""``edge-assistant serve`` and ``edge-assistant client``: the gRPC daemon and a command-line client of it.

grpc is imported inside the commands, so ``edge-assistant --help`` and the other commands never load it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from edge_runtime.app import ensure_bank
from edge_runtime.textio import warn

if TYPE_CHECKING:
    from google.protobuf.message import Message

TOKEN_ENV = "EDGE_ASSISTANT_TOKEN"
#: The flags of ``serve`` that override a setting of the same name (argparse dest = settings key).
_DAEMON_FLAGS = (
    "host",
    "port",
    "tls_cert",
    "tls_key",
    "token",
    "insecure_allow_remote",
    "max_message_bytes",
    "max_concurrent_calls",
    "grace_s",
    "partial_transcripts_interval_s",
)


def cmd_serve(args: argparse.Namespace) -> int:
    from edge_runtime.rpc import settings as daemon_settings
    from edge_runtime.rpc.server import ServeError, serve

    env = daemon_settings.layered_environment(args.config)
    flags: dict[str, Any] = {name: getattr(args, name) for name in _DAEMON_FLAGS}
    options = daemon_settings.daemon_options(env, flags)
    settings = daemon_settings.assistant_settings(
        env, model_dir=args.model_dir, bank=args.bank, threads=args.threads, relay=args.relay
    )
    if ensure_bank(settings.bank_path, settings):
        warn(
            f"no bank at {settings.bank_path}: created the demo bank there (edge-assistant bank init --force resets it)"
        )
    # A daemon says what it is doing: its own lifecycle at INFO even without -v, never a question's text.
    if args.verbose == 0:
        for name in ("edge_runtime.rpc", __name__):
            logging.getLogger(name).setLevel(logging.INFO)

    stop = threading.Event()

    def on_signal(number: int, frame: FrameType | None) -> None:
        logging.getLogger(__name__).info("received %s", signal.Signals(number).name)
        stop.set()

    previous = {number: signal.signal(number, on_signal) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        serve(options, settings, stop)
    except ServeError as error:
        print(f"edge-assistant: error: {error}", file=sys.stderr)
        return 2
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 0


def _print(message: Message) -> None:
    from google.protobuf import json_format

    data = json_format.MessageToDict(message, preserving_proto_field_name=True)
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def cmd_client(args: argparse.Namespace) -> int:
    import grpc

    from edge_runtime.rpc import client

    token = args.token or os.environ.get(TOKEN_ENV) or None
    with client.EdgeClient(args.target, token=token, root_cert=args.root_cert) as edge:
        try:
            if args.client_command == "health":
                print(edge.health(timeout=args.timeout or 5.0))
            elif args.client_command == "ask" and args.audio is not None:
                _print(edge.ask_audio(args.audio, args.conversation, timeout=args.timeout))
            elif args.client_command == "ask":
                if not args.text:
                    raise ValueError('client ask needs a question or --audio FILE, e.g. client ask "my balance?"')
                _print(edge.ask_text(" ".join(args.text), args.conversation, timeout=args.timeout))
            else:
                config = client.config_message(
                    args.conversation, endpointing=args.endpointing, partial_transcripts=args.partial_transcripts
                )
                messages = [config]
                for item in args.turn:
                    if item.lower().endswith(".wav") and Path(item).is_file():
                        messages += client.spoken_turn(Path(item), endpointing=args.endpointing)
                    else:
                        messages.append(client.text_turn(item))
                # Both follow the pace of speech, so the audio goes at that pace, as from a microphone.
                paced = args.endpointing or args.partial_transcripts
                stream = client.in_real_time(messages) if paced else messages
                for event in edge.converse(stream, timeout=args.timeout):
                    _print(event)
        except grpc.RpcError as error:
            print(f"edge-assistant: error: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``serve`` and ``client`` on the main parser."""
    serve = commands.add_parser(
        "serve",
        help="the gRPC daemon: edge_assistant.v1 (Ask, Converse) and grpc.health.v1 on one port",
        description="Settings come from a TOML file (--config or $EDGE_ASSISTANT_CONFIG), then the environment "
        "(EDGE_ASSISTANT_<KEY>), then these flags; see the README for every key.",
    )
    serve.add_argument("--config", type=Path, metavar="FILE", help="TOML settings file")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1; any other needs TLS and a token)")
    serve.add_argument("--port", type=int, help="port to listen on (default 50051)")
    serve.add_argument("--tls-cert", type=Path, metavar="PEM", help="certificate chain; with --tls-key, serve TLS")
    serve.add_argument("--tls-key", type=Path, metavar="PEM", help="private key of --tls-cert")
    serve.add_argument(
        "--token",
        help=f"clients must send 'authorization: Bearer TOKEN' (prefer ${TOKEN_ENV}: flags show in ps)",
    )
    serve.add_argument(
        "--insecure-allow-remote",
        action="store_true",
        default=None,
        help="allow a non-loopback --host without TLS and a token",
    )
    serve.add_argument("--max-message-bytes", type=int, help="largest message either way (default 6 MiB)")
    serve.add_argument("--max-concurrent-calls", type=int, help="calls answered at once; more are refused (default 4)")
    serve.add_argument("--grace-s", type=float, help="seconds calls in flight get to finish on shutdown (default 10)")
    serve.add_argument(
        "--partial-transcripts-interval-s",
        type=float,
        metavar="S",
        help="seconds of speech between two partial transcripts, for streams that ask; 0: none (default 1)",
    )
    serve.add_argument(
        "--model-dir", type=Path, help="model directory (default: $EDGE_ASSISTANT_MODEL_DIR or models/v1)"
    )
    serve.add_argument("--bank", type=Path, help="bank database (default: $EDGE_ASSISTANT_BANK or the demo bank)")
    serve.add_argument("--threads", type=int, help="inference threads of each model (default 1)")
    serve.add_argument("--relay", metavar="HOST:PORT", help="the cloud relay for escalated questions (default: none)")
    serve.set_defaults(handler=cmd_serve)

    client = commands.add_parser("client", help="talk to a running daemon; JSON out")
    client.add_argument("--target", default="127.0.0.1:50051", help="the daemon's host:port (default 127.0.0.1:50051)")
    client.add_argument("--token", help=f"the daemon's client token (default: ${TOKEN_ENV})")
    client.add_argument("--root-cert", type=Path, metavar="PEM", help="connect over TLS, trusting this certificate")
    client.add_argument("--conversation", default="", metavar="ID", help="continue this conversation")
    client.add_argument("--timeout", type=float, help="deadline of the call in seconds")
    client_commands = client.add_subparsers(dest="client_command", required=True)
    client_commands.add_parser("health", help="print the daemon's health status")
    ask = client_commands.add_parser("ask", help="one question with Ask; the reply as one JSON object")
    ask.add_argument("text", nargs="*", help="the question")
    ask.add_argument("--audio", type=Path, metavar="FILE", help="ask the question spoken in a WAV file instead")
    converse = client_commands.add_parser(
        "converse", help="a conversation over Converse: each turn's events as JSON lines"
    )
    converse.add_argument(
        "turn", nargs="+", help="utterances in order: a .wav file is streamed in 100 ms PCM chunks, anything else typed"
    )
    converse.add_argument(
        "--endpointing",
        action="store_true",
        help="the daemon finds where each utterance ends: a .wav is followed by 1 s of silence, not "
        "EndOfUtterance, and streamed in real time",
    )
    converse.add_argument(
        "--partial-transcripts",
        action="store_true",
        help='ask for partial transcripts (no "final" field) while each .wav is heard; streams it in real time',
    )
    client.set_defaults(handler=cmd_client)
