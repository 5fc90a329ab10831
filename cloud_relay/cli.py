"""``cloud-relay``: serve the relay, manage device tokens, report usage.

grpc and the backends are imported inside ``serve``, so the token and usage commands start quickly and
work on a machine that only administers the relay's state.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType
from typing import Any

from cloud_relay import settings as relay_settings
from cloud_relay.errors import StateError
from cloud_relay.state import StateDB
from cloud_relay.tokens import TokenStore
from cloud_relay.usage import UsageLog

logger = logging.getLogger(__name__)

#: The flags of ``serve`` that override a setting of the same name (argparse dest = settings key).
_SERVE_FLAGS = (
    "host",
    "port",
    "tls_cert",
    "tls_key",
    "tls_client_ca",
    "insecure_allow_remote",
    "state",
    "endpoints",
    "local_fallback",
    "local_model_dir",
    "local_threads",
    "requests_per_minute",
    "daily_token_budget",
    "max_answer_tokens",
    "max_call_s",
    "replay_ttl_s",
    "max_concurrent_calls",
    "grace_s",
)


def _error(message: str) -> None:
    print(f"cloud-relay: error: {message}", file=sys.stderr, flush=True)


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def cmd_serve(args: argparse.Namespace) -> int:
    from cloud_relay.server import ServeError, serve

    env = relay_settings.layered_environment(args.config)
    flags: dict[str, Any] = {name: getattr(args, name) for name in _SERVE_FLAGS}
    settings = relay_settings.relay_settings(env, flags)
    # A service says what it is doing: its lifecycle and one line per call at INFO even without -v, never a
    # question's text.
    if args.verbose == 0:
        logging.getLogger("cloud_relay").setLevel(logging.INFO)

    stop = threading.Event()

    def on_signal(number: int, frame: FrameType | None) -> None:
        logger.info("received %s", signal.Signals(number).name)
        stop.set()

    def announce(line: str) -> None:
        print(line, flush=True)

    previous = {number: signal.signal(number, on_signal) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        serve(settings, stop, announce)
    except ServeError as error:
        _error(str(error))
        return 2
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 0


def _state(args: argparse.Namespace) -> StateDB:
    env = relay_settings.layered_environment(args.config)
    return StateDB(relay_settings.state_path(env, args.state))


def cmd_token_create(args: argparse.Namespace) -> int:
    with _state(args) as state:
        token, info = TokenStore(state).create(args.device, args.expires_in_days)
    # The token alone on stdout, so scripts can take it; it is not stored and can't be shown again.
    print(token, flush=True)
    expires = f", expires {_when(info.expires_at)}" if info.expires_at is not None else ""
    print(f"cloud-relay: created {info.id} for device {info.device}{expires}; it is shown only now", file=sys.stderr)
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    with _state(args) as state:
        revoked = TokenStore(state).revoke(args.device_or_id)
    if not revoked:
        _error(f"no token in force matches {args.device_or_id!r} (a device name or a token id; see: token list)")
        return 1
    for info in revoked:
        print(f"revoked {info.id} (device {info.device})")
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    with _state(args) as state:
        tokens = TokenStore(state).list()
    now = time.time()
    if args.json:
        for info in tokens:
            row = {
                "id": info.id,
                "device": info.device,
                "status": info.status(now),
                "created": _when(info.created_at),
                "expires": _when(info.expires_at) if info.expires_at is not None else None,
            }
            print(json.dumps(row))
        return 0
    rows = [("ID", "DEVICE", "STATUS", "CREATED", "EXPIRES")]
    rows += [
        (info.id, info.device, info.status(now), _when(info.created_at), _when(info.expires_at)) for info in tokens
    ]
    _table(rows)
    return 0


def cmd_usage(args: argparse.Namespace) -> int:
    with _state(args) as state:
        report = UsageLog(state).report(args.device)
    if args.json:
        print(json.dumps([usage.to_dict() for usage in report], indent=2))
        return 0
    if not report:
        print("no usage recorded" + (f" for device {args.device}" if args.device else ""))
        return 0

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.0f}"

    rows = [("DEVICE", "REQUESTS", "ERRORS", "TOKENS IN", "TOKENS OUT", "P50 MS", "P95 MS")]
    rows += [
        (
            usage.device,
            str(usage.requests),
            str(usage.errors),
            str(usage.tokens_in),
            str(usage.tokens_out),
            ms(usage.p50_ms),
            ms(usage.p95_ms),
        )
        for usage in report
    ]
    _table(rows)
    return 0


def _table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cloud-relay", description="The cloud relay: answers the edge's escalated questions with a frontier model."
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv: debug)")
    commands = parser.add_subparsers(dest="command", required=True)

    def common(command: argparse.ArgumentParser) -> None:
        command.add_argument("--config", type=Path, metavar="FILE", help="TOML settings file")
        command.add_argument(
            "--state", type=Path, metavar="PATH", help="state database (default $XDG_STATE_HOME/cloud-relay/)"
        )

    serve = commands.add_parser(
        "serve",
        help="the gRPC relay: relay.v1 (Escalate) and grpc.health.v1 on one port",
        description="Settings come from a TOML file (--config or $CLOUD_RELAY_CONFIG), then the environment "
        "(CLOUD_RELAY_<KEY>), then these flags; see the README for every key.",
    )
    common(serve)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1; any other needs TLS)")
    serve.add_argument(
        "--port", type=int, help=f"port to listen on; 0 picks one (default {relay_settings.DEFAULT_PORT})"
    )
    serve.add_argument("--tls-cert", type=Path, metavar="PEM", help="certificate chain; with --tls-key, serve TLS")
    serve.add_argument("--tls-key", type=Path, metavar="PEM", help="private key of --tls-cert")
    serve.add_argument("--tls-client-ca", type=Path, metavar="PEM", help="require client certificates signed by these")
    serve.add_argument(
        "--insecure-allow-remote", action="store_true", default=None, help="allow a non-loopback --host without TLS"
    )
    serve.add_argument(
        "--endpoint",
        dest="endpoints",
        action="append",
        metavar="SPEC",
        help="a frontier endpoint, in fallback order, e.g. https://api.openai.com/v1,model=gpt-4.1-mini,"
        "api_key_env=OPENAI_API_KEY (replaces the configured list; none: the local model answers)",
    )
    serve.add_argument(
        "--local-fallback",
        action="store_true",
        default=None,
        help="let the local model answer when every endpoint fails",
    )
    serve.add_argument("--local-model-dir", type=Path, help="onnxruntime-genai folder of the local model")
    serve.add_argument("--local-threads", type=int, help="inference threads of the local model (default 1)")
    serve.add_argument("--requests-per-minute", type=int, help="per device; 0: no limit (default 30)")
    serve.add_argument(
        "--daily-token-budget", type=int, help="tokens per device per UTC day; 0: no limit (default 200000)"
    )
    serve.add_argument("--max-answer-tokens", type=int, help="cap on an answer's tokens (default 256)")
    serve.add_argument("--max-call-s", type=float, help="bound on a call without a deadline (default 60)")
    serve.add_argument("--replay-ttl-s", type=float, help="seconds a finished answer is kept for retries (default 900)")
    serve.add_argument("--max-concurrent-calls", type=int, help="calls answered at once; more are refused (default 32)")
    serve.add_argument("--grace-s", type=float, help="seconds calls in flight get to finish on shutdown (default 30)")
    serve.set_defaults(handler=cmd_serve)

    token = commands.add_parser("token", help="device tokens: create, revoke, list")
    token_commands = token.add_subparsers(dest="token_command", required=True)
    create = token_commands.add_parser("create", help="create a token for a device and print it (only this once)")
    common(create)
    create.add_argument("device", help="the device's name, e.g. its serial number")
    create.add_argument("--expires-in-days", type=float, metavar="N", help="the token stops working after N days")
    create.set_defaults(handler=cmd_token_create)
    revoke = token_commands.add_parser("revoke", help="revoke one token (by id) or every token of a device")
    common(revoke)
    revoke.add_argument("device_or_id", metavar="DEVICE|TOKEN_ID")
    revoke.set_defaults(handler=cmd_token_revoke)
    listing = token_commands.add_parser("list", help="every token: id, device, status, dates (never the secret)")
    common(listing)
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.set_defaults(handler=cmd_token_list)

    usage = commands.add_parser("usage", help="per device: requests, errors, tokens in and out, p50/p95 latency")
    common(usage)
    usage.add_argument("--device", help="only this device")
    usage.add_argument("--json", action="store_true", help="a JSON list instead of a table")
    usage.set_defaults(handler=cmd_usage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        code: int = args.handler(args)
    except (ValueError, StateError) as error:
        _error(str(error))
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
