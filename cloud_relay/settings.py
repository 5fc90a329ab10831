"""The relay's settings: a TOML file, then the environment, then flags, each overriding the one before.

Every key has one name in all three places: ``requests_per_minute`` in the file is
``CLOUD_RELAY_REQUESTS_PER_MINUTE`` in the environment and ``--requests-per-minute`` on the command line.
The frontier endpoints are an ordered fallback list: ``[[endpoints]]`` tables in the file,
``CLOUD_RELAY_ENDPOINTS`` (specs separated by ``;``) in the environment, or ``--endpoint SPEC`` given once
per endpoint. A spec is ``key=value`` pairs separated by commas, the base URL first and bare if you like:
``https://api.openai.com/v1,model=gpt-4.1-mini,api_key_env=OPENAI_API_KEY``. API keys are never settings
themselves: an endpoint names the environment variable that holds its key, so no key sits in a file or
shows in ``ps``.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_ENV: Final[str] = "CLOUD_RELAY_CONFIG"
PREFIX: Final[str] = "CLOUD_RELAY_"
DEFAULT_PORT: Final[int] = 50061
#: The base model the project builds (``python -m export prepare``): SmolLM2-135M-Instruct for onnxruntime-genai.
DEFAULT_LOCAL_MODEL_DIR: Final[Path] = Path(__file__).resolve().parent.parent / "models" / "v1" / "specialists" / "int8"
#: The relay's promise to the edge (relay.proto): a finished request id is replayed for at least 10 minutes.
MIN_REPLAY_TTL_S: Final[float] = 600.0
NAME: Final[re.Pattern[str]] = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@dataclass(frozen=True)
class Key:
    """One setting: its name in the file, its type there, and what it means."""

    name: str
    kind: type
    help: str

    @property
    def env(self) -> str:
        return PREFIX + self.name.upper()


KEYS: Final[tuple[Key, ...]] = (
    Key("host", str, "address to listen on; anything but loopback needs TLS (default 127.0.0.1)"),
    Key("port", int, f"port to listen on; 0 picks a free one (default {DEFAULT_PORT})"),
    Key("tls_cert", str, "PEM certificate chain of the relay; with tls_key, devices connect over TLS"),
    Key("tls_key", str, "PEM private key of tls_cert"),
    Key("tls_client_ca", str, "PEM CA certificates: require every device to present a client certificate they signed"),
    Key("insecure_allow_remote", bool, "listen on a non-loopback address without TLS (logs a warning)"),
    Key("state", str, "the state database: tokens and usage (default $XDG_STATE_HOME/cloud-relay/state.sqlite)"),
    Key("endpoints", list, "the frontier endpoints in fallback order; none: the embedded local model answers"),
    Key("local_fallback", bool, "after every endpoint failed, let the embedded local model answer (default false)"),
    Key("local_model_dir", str, "onnxruntime-genai folder of the local model (default models/v1/specialists/int8)"),
    Key("local_threads", int, "inference threads of the local model (default 1)"),
    Key("requests_per_minute", int, "calls a device may start per minute, in bursts of up to as many; 0: no limit"),
    Key("daily_token_budget", int, "prompt and answer tokens a device may use per UTC day; 0: no limit"),
    Key("max_answer_tokens", int, "the most tokens an answer may have, whatever a device asks (default 256)"),
    Key("max_call_s", float, "the longest a call without a deadline may run, in seconds (default 60)"),
    Key("replay_ttl_s", float, "seconds a finished answer is kept for a retry of its request id (default 900)"),
    Key("max_concurrent_calls", int, "calls answered at once; more get RESOURCE_EXHAUSTED at once (default 32)"),
    Key("grace_s", float, "on SIGTERM or SIGINT, seconds that calls in flight get to finish (default 30)"),
)
_BY_NAME: Final[dict[str, Key]] = {key.name: key for key in KEYS}
#: The keys of one endpoint spec or ``[[endpoints]]`` table.
ENDPOINT_KEYS: Final[tuple[str, ...]] = (
    "name",
    "base_url",
    "model",
    "api_key_env",
    "connect_timeout_s",
    "read_timeout_s",
    "max_retries",
    "backoff_s",
)


@dataclass(frozen=True)
class Endpoint:
    """One OpenAI-compatible chat-completions endpoint.

    Attributes:
        name: what ``Done.backend`` and the logs call it.
        base_url: everything before ``/chat/completions``, e.g. ``https://api.openai.com/v1``.
        model: the model name the endpoint expects.
        api_key_env: the environment variable holding the key, sent as ``Authorization: Bearer``; none:
            no key is sent (a llama.cpp server on loopback needs none).
        connect_timeout_s: how long to wait for the connection.
        read_timeout_s: the longest silence while waiting for the answer's next piece; past it the
            endpoint counts as failed (and, before the first piece, the next one is tried).
        max_retries: tries after the first on HTTP 429 and 5xx, before the next endpoint.
        backoff_s: the first wait between tries; it doubles each time, with jitter, unless the endpoint
            says how long with ``Retry-After``.
    """

    base_url: str
    model: str
    name: str = "primary"
    api_key_env: str | None = None
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0
    max_retries: int = 2
    backoff_s: float = 0.5

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(f"endpoint {self.name}: base_url must be an http(s) URL, not {self.base_url!r}")
        if not NAME.fullmatch(self.name):
            raise ValueError(f"an endpoint's name is 1 to 64 letters, digits, '.', '_', ':' or '-', not {self.name!r}")
        if not self.model.strip():
            raise ValueError(f"endpoint {self.name}: name the model it should use (model=...)")
        if self.api_key_env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.api_key_env):
            raise ValueError(f"endpoint {self.name}: api_key_env must name an environment variable")
        for what, seconds in (("connect_timeout_s", self.connect_timeout_s), ("read_timeout_s", self.read_timeout_s)):
            if not (math.isfinite(seconds) and seconds > 0):
                raise ValueError(f"endpoint {self.name}: {what} must be a positive number of seconds")
        if not 0 <= self.max_retries <= 10:
            raise ValueError(f"endpoint {self.name}: max_retries must be between 0 and 10, not {self.max_retries}")
        if not (math.isfinite(self.backoff_s) and self.backoff_s >= 0):
            raise ValueError(f"endpoint {self.name}: backoff_s must be a number of seconds, 0 or more")


def default_state_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME/cloud-relay/state.sqlite``, with XDG's default of ``~/.local/state``."""
    env = os.environ if environ is None else environ
    state_home = env.get("XDG_STATE_HOME", "")
    # The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
    base = Path(state_home) if os.path.isabs(state_home) else Path.home() / ".local" / "state"
    return base / "cloud-relay" / "state.sqlite"


@dataclass(frozen=True)
class RelaySettings:
    """How the relay listens, whom it answers, how much, and with which backends.

    Attributes:
        host, port: where to listen; port 0 picks a free one. Loopback (the default) is for a relay behind
            a TLS-terminating proxy on the same host, or for tests; any other address needs TLS unless
            ``insecure_allow_remote`` says the operator accepts plaintext tokens on the network.
        tls_cert, tls_key: PEM files; both or neither.
        tls_client_ca: with TLS, require a client certificate signed by these CAs (mutual TLS); the device
            token is still required.
        state: the SQLite file with the device tokens and the usage records.
        endpoints: the frontier endpoints in the order they are tried.
        local_fallback: try the embedded local model after every endpoint failed. Without endpoints the
            local model answers every question, so the product works offline out of the box.
        local_model_dir, local_threads: the embedded model and its thread count.
        requests_per_minute: a device's call rate, as a token bucket of that size refilled over a minute.
        daily_token_budget: a device's prompt plus answer tokens per UTC day.
        max_answer_tokens: the cap on a request's ``max_answer_tokens`` (and its value when 0).
        max_call_s: the bound on a call whose client set no deadline.
        replay_ttl_s: how long a finished answer is kept for a retry of its request id.
        max_concurrent_calls: Escalate calls answered at once; one more gets RESOURCE_EXHAUSTED at once.
        grace_s: seconds that calls in flight get to finish on shutdown.
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_client_ca: Path | None = None
    insecure_allow_remote: bool = False
    state: Path = field(default_factory=default_state_path)
    endpoints: tuple[Endpoint, ...] = ()
    local_fallback: bool = False
    local_model_dir: Path = DEFAULT_LOCAL_MODEL_DIR
    local_threads: int = 1
    requests_per_minute: int = 30
    daily_token_budget: int = 200_000
    max_answer_tokens: int = 256
    max_call_s: float = 60.0
    replay_ttl_s: float = 900.0
    max_concurrent_calls: int = 32
    grace_s: float = 30.0

    def __post_init__(self) -> None:
        if not self.host:
            raise ValueError("host must name an address to listen on, e.g. 127.0.0.1")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, not {self.port}")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("TLS needs both --tls-cert and --tls-key (tls_cert and tls_key), not one of them")
        if self.tls_client_ca is not None and self.tls_cert is None:
            raise ValueError("mutual TLS (tls_client_ca) needs TLS: give --tls-cert and --tls-key too")
        names = [endpoint.name for endpoint in self.endpoints]
        if len(set(names)) != len(names):
            raise ValueError(f"two endpoints have the same name ({', '.join(names)}); give each its own name=")
        if "local" in names:
            raise ValueError("'local' names the embedded model; call the endpoint something else")
        if self.local_threads < 1:
            raise ValueError(f"local_threads must be at least 1, not {self.local_threads}")
        for name in ("requests_per_minute", "daily_token_budget"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 (no limit) or more, not {getattr(self, name)}")
        if self.max_answer_tokens < 1:
            raise ValueError(f"max_answer_tokens must be at least 1, not {self.max_answer_tokens}")
        if not (math.isfinite(self.max_call_s) and self.max_call_s > 0):
            raise ValueError(f"max_call_s must be a positive number of seconds, not {self.max_call_s!r}")
        if not (math.isfinite(self.replay_ttl_s) and self.replay_ttl_s >= MIN_REPLAY_TTL_S):
            raise ValueError(f"replay_ttl_s must be at least {MIN_REPLAY_TTL_S:g} s (the contract's promise)")
        if self.max_concurrent_calls < 1:
            raise ValueError(f"max_concurrent_calls must be at least 1, not {self.max_concurrent_calls}")
        if not (math.isfinite(self.grace_s) and self.grace_s >= 0):
            raise ValueError(f"grace_s must be a number of seconds, 0 or more, not {self.grace_s!r}")
        if not self.loopback and not self.insecure_allow_remote and self.tls_cert is None:
            raise ValueError(
                f"listening on {self.host} without TLS would send device tokens and questions in the clear; give "
                "--tls-cert and --tls-key, or --insecure-allow-remote to accept the risk"
            )

    @property
    def loopback(self) -> bool:
        """True when only this machine can connect."""
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

    @property
    def uses_local(self) -> bool:
        """Whether the embedded model is loaded: when no endpoint is set, or as the last fallback."""
        return not self.endpoints or self.local_fallback


def parse_endpoint(spec: str, position: int = 0) -> Endpoint:
    """One endpoint from ``URL,model=M,name=N,...``; ``position`` (0 first) picks the default name."""
    values: dict[str, str] = {}
    for index, item in enumerate(part.strip() for part in spec.split(",")):
        if not item:
            continue
        key, separator, value = item.partition("=")
        if not separator and index == 0:
            key, value = "base_url", item
        elif not separator or key.strip() not in ENDPOINT_KEYS:
            raise ValueError(
                f"endpoint {spec!r}: {item!r} is not KEY=VALUE with a key among {', '.join(ENDPOINT_KEYS)}"
            )
        values[key.strip()] = value.strip()
    if "base_url" not in values:
        raise ValueError(f"endpoint {spec!r} has no base_url, e.g. https://api.openai.com/v1,model=gpt-4.1-mini")
    given: dict[str, Any] = {"name": "primary" if position == 0 else f"fallback-{position}"}
    for key, value in values.items():
        try:
            if key in ("connect_timeout_s", "read_timeout_s", "backoff_s"):
                given[key] = float(value)
            elif key == "max_retries":
                given[key] = int(value)
            elif key == "api_key_env":
                given[key] = value or None
            else:
                given[key] = value
        except ValueError:
            raise ValueError(f"endpoint {spec!r}: {key} must be a number, not {value!r}") from None
    given.setdefault("model", "")
    return Endpoint(**given)


def parse_endpoints(specs: str | list[str]) -> tuple[Endpoint, ...]:
    """The endpoints of ``CLOUD_RELAY_ENDPOINTS`` (``;``-separated) or of repeated ``--endpoint`` flags."""
    items = specs if isinstance(specs, list) else specs.split(";")
    items = [item for item in (item.strip() for item in items) if item]
    return tuple(parse_endpoint(item, position) for position, item in enumerate(items))


def read_config(path: Path) -> dict[str, str]:
    """The file's keys as environment values (``CLOUD_RELAY_*``); unknown keys and wrong types are errors."""
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
            raise ValueError(f"{path}: unknown key {name!r}; the keys are: {', '.join(sorted(_BY_NAME))}")
        values[key.env] = _endpoints_env(path, value) if name == "endpoints" else _as_env(path, key, value)
    return values


def _endpoints_env(path: Path, value: Any) -> str:
    """``[[endpoints]]`` tables (or spec strings) as one ``CLOUD_RELAY_ENDPOINTS`` value."""
    if not isinstance(value, list):
        raise ValueError(f"{path}: endpoints must be [[endpoints]] tables, not {value!r}")
    specs = []
    for item in value:
        if isinstance(item, str):
            specs.append(item)
            continue
        if not isinstance(item, dict):
            raise ValueError(f"{path}: each of endpoints must be a table with base_url and model, not {item!r}")
        unknown = sorted(set(item) - set(ENDPOINT_KEYS))
        if unknown:
            raise ValueError(f"{path}: unknown endpoint keys {unknown}; the keys are: {', '.join(ENDPOINT_KEYS)}")
        for key, field_value in item.items():
            if isinstance(field_value, bool) or not isinstance(field_value, str | int | float):
                raise ValueError(f"{path}: endpoint key {key} must be a string or a number, not {field_value!r}")
            if isinstance(field_value, str) and ("," in field_value or ";" in field_value):
                raise ValueError(f"{path}: endpoint key {key} may not hold ',' or ';' ({field_value!r})")
        specs.append(",".join(f"{key}={field_value}" for key, field_value in item.items()))
    return ";".join(specs)


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
    if not isinstance(value, str):
        raise ValueError(problem)
    return value


def _kind_name(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number"}.get(kind, "a string")


def layered_environment(config: Path | None, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment with the config file's keys under it: a variable that is set wins over the file.

    ``config`` is the ``--config`` flag; without it ``CLOUD_RELAY_CONFIG`` names the file, if set.
    """
    env = dict(os.environ if environ is None else environ)
    path = config if config is not None else (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    from_file = read_config(path.expanduser()) if path is not None else {}
    return {**from_file, **{name: value for name, value in env.items() if value != ""}}


def _convert(key: Key, text: str) -> Any:
    if key.name == "endpoints":
        return parse_endpoints(text)
    if key.kind is bool:
        if text.lower() in {"1", "true", "yes", "on"}:
            return True
        if text.lower() in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"{key.env} must be 1 or 0 (true or false), not {text!r}")
    if key.kind is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"{key.env} must be a whole number, not {text!r}") from None
    if key.kind is float:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{key.env} must be a number, not {text!r}") from None
    if key.name in ("tls_cert", "tls_key", "tls_client_ca", "state", "local_model_dir"):
        return Path(text).expanduser()
    return text


def relay_settings(env: Mapping[str, str], flags: Mapping[str, Any] | None = None) -> RelaySettings:
    """The settings from a layered environment, then ``flags`` (``None`` values are not given).

    ``flags["endpoints"]`` may be a list of spec strings (repeated ``--endpoint``); it replaces the list
    from the file and the environment.
    """
    given: dict[str, Any] = {}
    for key in KEYS:
        text = env.get(key.env, "").strip()
        if text:
            given[key.name] = _convert(key, text)
    for name, value in (flags or {}).items():
        if value is None:
            continue
        if name == "endpoints":
            given[name] = parse_endpoints(list(value))
        elif name in ("tls_cert", "tls_key", "tls_client_ca", "state", "local_model_dir"):
            given[name] = Path(value).expanduser()
        else:
            given[name] = value
    if "state" not in given:
        given["state"] = default_state_path(env)
    return RelaySettings(**given)


def state_path(env: Mapping[str, str], flag: Path | None = None) -> Path:
    """The state database for the token and usage commands: ``--state``, else the settings', else the default.

    Only this key is read, so a command that manages tokens works beside a config file it has no other
    use for.
    """
    if flag is not None:
        return flag.expanduser()
    text = env.get(PREFIX + "STATE", "").strip()
    return Path(text).expanduser() if text else default_state_path(env)
