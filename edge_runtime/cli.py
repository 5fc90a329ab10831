"""``edge-assistant``: the command line of the on-device assistant."""

from __future__ import annotations

import argparse
import json
import logging
import queue
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO, TextIO

from edge_runtime.config import Settings
from edge_runtime.manifest import Manifest, ModelError
from edge_runtime.router import Route, Router

logger = logging.getLogger(__name__)

#: Most stdin lines routed together; the router sorts them by length into smaller model batches.
MAX_BATCH = 128
#: A line longer than this many bytes is cut before decoding; the router reads far less than this anyway.
MAX_LINE_BYTES = 64 * 1024

DEMO_UTTERANCES = (
    "How much did I spend on groceries this month?",
    "what's my checking balance",
    "Am I on track for my vacation savings goal?",
    "Pay the electricity bill",
    "Move $200 from checking to savings",
    "is anything still pending",
    "I lost my card, please freeze it",
    "What are the fees for international transfers?",
    "I have $50,000 saved, should I buy a house or keep renting and invest?",
    "How many prime numbers are there below 100?",
)


def _warn(message: str) -> None:
    print(f"edge-assistant: warning: {message}", file=sys.stderr, flush=True)


def _route_json(route: Route) -> str:
    confidence = None if route.confidence is None else round(route.confidence, 4)
    return json.dumps({"text": route.text, "label": route.label, "confidence": confidence}, ensure_ascii=False)


def _decode(raw: bytes, where: str) -> str:
    if len(raw) > MAX_LINE_BYTES:
        _warn(f"{where} is {len(raw)} bytes long; only the first {MAX_LINE_BYTES} are read")
        raw = raw[:MAX_LINE_BYTES]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        _warn(f"{where} is not valid UTF-8; the invalid bytes were replaced")
        return raw.decode("utf-8", errors="replace")


def _argument_text(argument: str, number: int) -> str:
    # argv arrives decoded with surrogateescape: undecodable bytes show up as lone surrogates.
    return _decode(argument.encode("utf-8", errors="surrogateescape"), f"argument {number}")


def _read_lines(stream: BinaryIO) -> Iterator[list[str]]:
    """Yield batches of stdin lines: whatever has arrived, up to MAX_BATCH, without waiting for more.

    A reader thread feeds a queue, so a pipe full of lines is routed in batches while a person typing
    one line at a time gets each answer at once.
    """
    lines: queue.Queue[bytes | None] = queue.Queue(maxsize=4 * MAX_BATCH)

    def reader() -> None:
        for raw in stream:
            lines.put(raw)
        lines.put(None)

    threading.Thread(target=reader, name="stdin-reader", daemon=True).start()
    number = 0
    finished = False
    while not finished:
        item = lines.get()
        batch: list[bytes] = []
        while item is not None:
            batch.append(item)
            if len(batch) >= MAX_BATCH:
                break
            try:
                item = lines.get_nowait()
            except queue.Empty:
                break
        finished = item is None
        texts = []
        for raw in batch:
            number += 1
            texts.append(_decode(raw.rstrip(b"\r\n"), f"line {number}"))
        if texts:
            yield texts


def _emit(router: Router, texts: Sequence[str], first_line: int, out: TextIO, where: str) -> None:
    for offset, route in enumerate(router.route(texts)):
        if route.truncated:
            _warn(
                f"{where} {first_line + offset} is longer than {router.options.max_tokens} tokens; "
                "only its beginning was routed"
            )
        out.write(_route_json(route) + "\n")
    out.flush()


def _load_router(args: argparse.Namespace) -> Router:
    settings = Settings.from_env()
    model_dir = args.model_dir or settings.model_dir
    options = settings.router
    if args.threads is not None:
        options = replace(options, threads=args.threads)
    if args.variant is not None:
        options = replace(options, variant=args.variant)
    return Router(model_dir, options)


def cmd_route(args: argparse.Namespace) -> int:
    router = _load_router(args)
    if args.text:
        texts = [_argument_text(text, number) for number, text in enumerate(args.text, start=1)]
        _emit(router, texts, 1, sys.stdout, "argument")
        return 0
    first = 1
    for batch in _read_lines(sys.stdin.buffer):
        _emit(router, batch, first, sys.stdout, "line")
        first += len(batch)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    router = _load_router(args)
    print(f"Routing {len(DEMO_UTTERANCES)} customer questions on this device ({router.options.variant} router):\n")
    for route in router.route(list(DEMO_UTTERANCES)):
        print(f"  {route.label or '-':<20} {route.confidence or 0:5.2f}  {route.text}")
    print(f"\nBelow {router.threshold:.2f} confidence a question goes to `escalate` (the cloud assistant).")
    print('Try your own: edge-assistant route "your question", or one per line on stdin.')
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    model_dir = args.model_dir or settings.model_dir
    manifest = Manifest.load(model_dir)
    for name, section in sorted(manifest.data["models"].items()):
        for key in section.get("files", {}):
            path = manifest.verified_path(name, key)
            print(f"ok  {name:<10} {key:<10} {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="edge-assistant", description="On-device banking assistant.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv for debug)")
    commands = parser.add_subparsers(dest="command", required=True)

    def with_model_options(command: argparse.ArgumentParser) -> argparse.ArgumentParser:
        command.add_argument(
            "--model-dir", type=Path, help="model directory (default: $EDGE_ASSISTANT_MODEL_DIR or models/v1)"
        )
        command.add_argument("--threads", type=int, help="inference threads (default: 1)")
        command.add_argument("--variant", choices=("int8", "fp32"), help="router weights (default: int8)")
        return command

    route = with_model_options(commands.add_parser("route", help="route utterances to a category; JSON lines out"))
    route.add_argument("text", nargs="*", help="utterances; without any, one per line is read from stdin")
    route.set_defaults(handler=cmd_route)
    demo = with_model_options(commands.add_parser("demo", help="route a few sample questions"))
    demo.set_defaults(handler=cmd_demo)
    models = commands.add_parser("models", help="verify the model files against the manifest")
    models.add_argument("--model-dir", type=Path)
    models.set_defaults(handler=cmd_models)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        code: int = args.handler(args)
    except ModelError as error:
        print(f"edge-assistant: error: {error}", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"edge-assistant: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`| head`): not an error of ours.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
