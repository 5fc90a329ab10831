"""The daemon's settings: a TOML file, then the environment, then flags, each overriding the one before.

Every key has one name in all three places: ``max_concurrent_calls`` in the file is
``EDGE_ASSISTANT_MAX_CONCURRENT_CALLS`` in the environment and ``--max-concurrent-calls`` on the command
line. The assistant's own keys (``model_dir``, ``bank``, ``threads``, ...) are the environment variables
that :meth:`Settings.from_env` already reads, so a value from the file goes through the same validation
as one from the environment.

The file is read with ``tomllib`` (Python 3.11) or its backport ``tomli`` on 3.10, which Ubuntu 22.04
and so JetPack 6 on a Jetson still ship.
"""

from __future__ import annotations

import ipaddress
import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from edge_runtime.config import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_ENV: Final[str] = "EDGE_ASSISTANT_CONFIG"
PREFIX: Final[str] = "EDGE_ASSISTANT_"
#: A 30 s question recorded at 48 kHz in stereo as a 16-bit WAV is 5.76 MB; 6 MiB carries it with room
#: for the message around it, and refuses anything bigger before it is read into memory.
DEFAULT_MAX_MESSAGE_BYTES: Final[int] = 6 * 1024 * 1024
#: Below this a WAV of a short question doesn't fit; a limit this low is a typo.
MIN_MESSAGE_BYTES: Final[int] = 64 * 1024
DEFAULT_PORT: Final[int] = 50051
#: Audio between two partial transcripts of an utterance. Each is a Whisper run on the whole utterance so
#: far, about 0.3 s for 3 s of audio with Whisper tiny.en on 2 threads of a quiet 2-core x86-64 VM (twice
#: that on a busy one), so one a second takes a third to two thirds of the machine while the user speaks,
#: and a partial that would start during a pause is not started, so the final transcript does not wait
#: for one. benchmarks/voice_bench.py measures what partials add to the final transcript's latency.
DEFAULT_PARTIAL_TRANSCRIPTS_INTERVAL_S: Final[float] = 1.0
#: Closer than this, partials would queue behind each other on Whisper (each is skipped while the last runs).
MIN_PARTIAL_TRANSCRIPTS_INTERVAL_S: Final[float] = 0.1


@dataclass(frozen=True)
class Key:
    """One setting: its name in the file, its type there, and what it means."""

    name: str
    kind: type
    help: str

    @property
    def env(self) -> str:
        return PREFIX + self.name.upper()


#: Every key the file may hold, the daemon's first, then the assistant's (read by ``Settings.from_env``).
KEYS: Final[tuple[Key, ...]] = (
    Key("host", str, "address to listen on; anything but loopback needs TLS and a token (default 127.0.0.1)"),
    Key("port", int, f"port to listen on (default {DEFAULT_PORT})"),
    Key("tls_cert", str, "PEM certificate chain of the daemon; with tls_key, clients connect over TLS"),
    Key("tls_key", str, "PEM private key of tls_cert"),
    Key("token", str, "the token clients send as 'authorization: Bearer TOKEN'; every call without it fails"),
    Key("insecure_allow_remote", bool, "listen on a non-loopback address without TLS or a token (logs a warning)"),
    Key("max_message_bytes", int, f"largest message either way (default {DEFAULT_MAX_MESSAGE_BYTES}, 6 MiB)"),
    Key("max_concurrent_calls", int, "calls answered at once; more get RESOURCE_EXHAUSTED at once (default 4)"),
    Key("grace_s", float, "on SIGTERM or SIGINT, seconds that calls in flight get to finish (default 10)"),
    Key(
        "partial_transcripts_interval_s",
        float,
        "seconds of speech between two partial transcripts for the streams that ask for them; 0: none (default 1)",
    ),
    Key("model_dir", str, "model directory (default models/v1)"),
    Key("bank", str, "bank database (default $XDG_DATA_HOME/edge-assistant/bank.sqlite, created on first use)"),
    Key("threads", int, "inference threads of each model (default 1)"),
    Key("providers", list, "onnxruntime execution providers before the CPU, e.g. ['CUDAExecutionProvider']"),
    Key("today", str, "a fixed date for 'today', YYYY-MM-DD (demos, tests)"),
    Key("whisper_model", str, "a CTranslate2 Whisper model directory (default: the bundled tiny.en)"),
    Key("max_utterance_s", float, "longest spoken question accepted, in seconds (default 30)"),
    Key("relay", str, "the cloud relay's HOST:PORT for escalated questions (default: none, answered locally)"),
    Key("relay_token", str, "this device's relay token (cloud-relay token create DEVICE prints one)"),
    Key("relay_ca", str, "PEM certificate(s) to trust for the relay's TLS (TLS is used off loopback)"),
    Key("relay_cert", str, "this device's PEM client certificate, for a relay that requires mutual TLS"),
    Key("relay_key", str, "PEM private key of relay_cert"),
    Key("relay_timeout_s", float, "longest an escalated question may take before the offline answer (default 15)"),
)
_BY_NAME: Final[dict[str, Key]] = {key.name: key for key in KEYS}


@dataclass(frozen=True)
class DaemonOptions:
    """How the daemon listens and whom it answers.

    Attributes:
        host: the address to bind. Loopback (the default) serves apps on this device only; any other
            address puts customers' banking on the network, so it needs TLS and a token unless
            ``insecure_allow_remote`` says the operator accepts that risk.
        port: the port to bind; 0 picks a free one.
        tls_cert, tls_key: PEM files; both or neither.
        token: the shared secret each call carries as ``authorization: Bearer <token>``.
        insecure_allow_remote: allow a non-loopback address without TLS and a token.
        max_message_bytes: the largest message received or sent; a bigger one gets RESOURCE_EXHAUSTED.
        max_concurrent_calls: Ask and Converse calls answered at once; one more gets RESOURCE_EXHAUSTED at
            once rather than a queue, so a phone can tell a busy daemon from a slow one. Health checks
            are not counted.
        grace_s: seconds that calls in flight get to finish on shutdown before they are cancelled.
        partial_transcripts_interval_s: seconds of an utterance's audio between two partial transcripts,
            for the Converse streams that ask for them (``Config.partial_transcripts``); 0 sends none.
            Each partial is a recognition of the whole utterance so far, so this sets their CPU cost.
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    tls_cert: Path | None = None
    tls_key: Path | None = None
    token: str | None = field(default=None, repr=False)
    insecure_allow_remote: bool = False
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    max_concurrent_calls: int = 4
    grace_s: float = 10.0
    partial_transcripts_interval_s: float = DEFAULT_PARTIAL_TRANSCRIPTS_INTERVAL_S

    def __post_init__(self) -> None:
        if not self.host:
            raise ValueError("host must name an address to listen on, e.g. 127.0.0.1")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, not {self.port}")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("TLS needs both --tls-cert and --tls-key (tls_cert and tls_key), not one of them")
        if self.token is not None and not self.token.strip():
            raise ValueError("the token is empty; give a secret, or leave it unset")
        if self.max_message_bytes < MIN_MESSAGE_BYTES:
            raise ValueError(f"max_message_bytes must be at least {MIN_MESSAGE_BYTES}, not {self.max_message_bytes}")
        if self.max_concurrent_calls < 1:
            raise ValueError(f"max_concurrent_calls must be at least 1, not {self.max_concurrent_calls}")
        if not (math.isfinite(self.grace_s) and self.grace_s >= 0):
            raise ValueError(f"grace_s must be a number of seconds, 0 or more, not {self.grace_s!r}")
        interval = self.partial_transcripts_interval_s
        if not (math.isfinite(interval) and (interval == 0 or interval >= MIN_PARTIAL_TRANSCRIPTS_INTERVAL_S)):
            raise ValueError(
                f"partial_transcripts_interval_s must be 0 (no partial transcripts) or a number of seconds of at "
                f"least {MIN_PARTIAL_TRANSCRIPTS_INTERVAL_S:g}, not {interval!r}"
            )
        if not self.loopback and not self.insecure_allow_remote and (self.tls_cert is None or self.token is None):
            raise ValueError(
                f"listening on {self.host} would put the assistant on the network; give --tls-cert and --tls-key "
                f"and a client token (--token or {PREFIX}TOKEN), or --insecure-allow-remote to accept the risk"
            )

    @property
    def loopback(self) -> bool:
        """True when only this device can connect."""
        host = self.host.strip("[]")
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False  # a host name may resolve to any address

    @property
    def address(self) -> str:
        """``host:port`` as gRPC binds it, with an IPv6 address in brackets."""
        host = self.host.strip("[]")
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"


def read_config(path: Path) -> dict[str, str]:
    """The file's keys as environment values (``EDGE_ASSISTANT_*``); unknown keys and wrong types are errors."""
    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except OSError as error:
        raise ValueError(f"can't read the config file {path}: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"the config file {path} is not valid TOML: {error}") from error
    values: dict[str, str] = {}
    for name, value in data.items():
        key = _BY_NAME.get(name)
        if key is None:
            known = ", ".join(sorted(_BY_NAME))
            raise ValueError(f"{path}: unknown key {name!r}; the keys are: {known}")
        values[key.env] = _as_env(path, key, value)
    return values


def _as_env(path: Path, key: Key, value: Any) -> str:
    problem = f"{path}: {key.name} must be {_kind_name(key.kind)}, not {value!r}"
    if key.kind is bool:
        if not isinstance(value, bool):
            raise ValueError(problem)
        return "1" if value else "0"
    if key.kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(problem)
        return str(value)
    if key.kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(problem)
        return repr(float(value))
    if key.kind is list:
        if not (isinstance(value, list) and all(isinstance(item, str) and "," not in item for item in value)):
            raise ValueError(problem)
        return ",".join(value)
    if not isinstance(value, str):
        raise ValueError(problem)
    return value


def _kind_name(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", list: "a list of names"}.get(
        kind, "a string"
    )


def _env_value(env: Mapping[str, str], key: Key) -> str | None:
    text = env.get(key.env, "").strip()
    return text or None


def _env_int(env: Mapping[str, str], key: Key) -> int | None:
    text = _env_value(env, key)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{key.env} must be a whole number, not {text!r}") from None


def _env_float(env: Mapping[str, str], key: Key) -> float | None:
    text = _env_value(env, key)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{key.env} must be a number, not {text!r}") from None


def _env_bool(env: Mapping[str, str], key: Key) -> bool | None:
    text = _env_value(env, key)
    if text is None:
        return None
    if text.lower() in {"1", "true", "yes", "on"}:
        return True
    if text.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{key.env} must be 1 or 0 (true or false), not {text!r}")


def layered_environment(config: Path | None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment with the config file's keys under it: a variable that is set wins over the file.

    ``config`` is the ``--config`` flag; without it ``EDGE_ASSISTANT_CONFIG`` names the file, if set.
    """
    env = dict(os.environ if environ is None else environ)
    path = config if config is not None else (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    from_file = read_config(path.expanduser()) if path is not None else {}
    return {**from_file, **{name: value for name, value in env.items() if value != ""}}


def daemon_options(env: Mapping[str, str], flags: Mapping[str, Any] | None = None) -> DaemonOptions:
    """The daemon's options from a layered environment, then ``flags`` (``None`` values are not given)."""
    given: dict[str, Any] = {}
    key = _BY_NAME
    for name in ("host", "tls_cert", "tls_key", "token"):
        value = _env_value(env, key[name])
        if value is not None:
            given[name] = Path(value).expanduser() if name.startswith("tls_") else value
    for name in ("port", "max_message_bytes", "max_concurrent_calls"):
        number = _env_int(env, key[name])
        if number is not None:
            given[name] = number
    for name in ("grace_s", "partial_transcripts_interval_s"):
        seconds = _env_float(env, key[name])
        if seconds is not None:
            given[name] = seconds
    allow = _env_bool(env, key["insecure_allow_remote"])
    if allow is not None:
        given["insecure_allow_remote"] = allow
    given.update({name: value for name, value in (flags or {}).items() if value is not None})
    return DaemonOptions(**given)


def assistant_settings(
    env: Mapping[str, str],
    *,
    model_dir: Path | None = None,
    bank: Path | None = None,
    threads: int | None = None,
    relay: str | None = None,
) -> Settings:
    """The assistant's settings from a layered environment, with the flags that override them."""
    settings = Settings.from_env(dict(env))
    if model_dir is not None:
        settings = replace(settings, model_dir=model_dir)
    if bank is not None:
        settings = replace(settings, bank_path=bank.expanduser())
    if threads is not None:
        settings = replace(settings, router=replace(settings.router, threads=threads))
    if relay:
        settings = replace(settings, relay=replace(settings.relay, address=relay))
    return settings
