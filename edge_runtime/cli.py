"""``edge-assistant``: the command line of the on-device assistant."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TextIO

from edge_runtime import cli_assistant, cli_daemon, cli_demo, cli_listen, cli_speech
from edge_runtime.bank.store import ACCOUNT_NAMES, BankError
from edge_runtime.config import Settings
from edge_runtime.manifest import Manifest, ModelError
from edge_runtime.router import Route, Router
from edge_runtime.speech.microphone import MicrophoneError
from edge_runtime.textio import argument_text, read_lines, warn
from edge_runtime.tools.periods import parse_date
from edge_runtime.tools.spoken import money

logger = logging.getLogger(__name__)


def _route_json(route: Route) -> str:
    confidence = None if route.confidence is None else round(route.confidence, 4)
    return json.dumps({"text": route.text, "label": route.label, "confidence": confidence}, ensure_ascii=False)


def _emit(router: Router, texts: Sequence[str], first_line: int, out: TextIO, where: str) -> None:
    for offset, route in enumerate(router.route(texts)):
        if route.truncated:
            warn(
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
        texts = [argument_text(text, number) for number, text in enumerate(args.text, start=1)]
        _emit(router, texts, 1, sys.stdout, "argument")
        return 0
    first = 1
    for batch in read_lines(sys.stdin.buffer):
        _emit(router, batch, first, sys.stdout, "line")
        first += len(batch)
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


def _iso_date(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a real date written YYYY-MM-DD") from None


def cmd_bank_init(args: argparse.Namespace) -> int:
    from edge_runtime.bank.demo import create_demo_bank

    settings = Settings.from_env()
    path: Path = (args.path or settings.bank_path).expanduser()
    today: date = args.today or settings.today or date.today()
    if path.exists() and not args.force:
        raise BankError(f"{path} already exists; add --force to replace it with a new demo bank")
    try:
        summary = create_demo_bank(path, seed=args.seed, today=today, overwrite=args.force)
    except OSError as error:
        raise BankError(f"couldn't create the bank at {path}: {error.strerror or error}") from error
    print(f"Created a demo bank at {summary.path}: one year of banking up to {today.isoformat()}, seed {args.seed}.")
    print("  " + ", ".join(f"{number} {name}" for name, number in summary.counts.items()))
    balances = [
        f"{ACCOUNT_NAMES[account]} {money(-amount)} owed" if amount < 0 else f"{ACCOUNT_NAMES[account]} {money(amount)}"
        for account, amount in summary.balances.items()
    ]
    print(f"  balances: {', '.join(balances)}")
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
    cli_assistant.add_commands(commands)
    cli_demo.add_command(commands)
    cli_speech.add_commands(commands)
    cli_listen.add_commands(commands)
    cli_daemon.add_commands(commands)
    models = commands.add_parser("models", help="verify the model files against the manifest")
    models.add_argument("--model-dir", type=Path)
    models.set_defaults(handler=cmd_models)
    bank = commands.add_parser("bank", help="the local bank that the assistant's tools read and write")
    bank_commands = bank.add_subparsers(dest="bank_command", required=True)
    init = bank_commands.add_parser("init", help="create a demo bank: one customer's year of banking")
    init.add_argument("--seed", type=int, default=7, help="random seed of the demo data (default: 7)")
    init.add_argument(
        "--path", type=Path, help="database file (default: $EDGE_ASSISTANT_BANK, else $XDG_DATA_HOME/edge-assistant/)"
    )
    init.add_argument(
        "--today", type=_iso_date, help="the demo year's last day, YYYY-MM-DD (default: $EDGE_ASSISTANT_TODAY or today)"
    )
    init.add_argument("--force", action="store_true", help="replace an existing bank file")
    init.set_defaults(handler=cmd_bank_init)
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
    except (ValueError, BankError, MicrophoneError) as error:
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
