"""The edge's client of the cloud relay: one escalated, redacted question out, its answer streamed back.

The relay (``cloud_relay``, contract ``proto/relay/v1/relay.proto``) runs at the bank and holds the frontier
model's credentials; the device authenticates with its own token. Everything this client sends has been
redacted by the caller. Failures come back as two kinds of error, because the user is told two different
things: :class:`RelayUnavailableError` (unreachable, too slow, its backends down: the question can be tried
again) and :class:`RelayRefusedError` (this device's token or limits: trying again now won't help).
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import grpc

from edge_runtime.rpc.generated.relay.v1 import relay_pb2 as pb
from edge_runtime.rpc.generated.relay.v1 import relay_pb2_grpc as pb_grpc

logger = logging.getLogger(__name__)

RELAY_ENV: Final[str] = "EDGE_ASSISTANT_RELAY"
RELAY_TOKEN_ENV: Final[str] = "EDGE_ASSISTANT_RELAY_TOKEN"
RELAY_CA_ENV: Final[str] = "EDGE_ASSISTANT_RELAY_CA"
RELAY_CERT_ENV: Final[str] = "EDGE_ASSISTANT_RELAY_CERT"
RELAY_KEY_ENV: Final[str] = "EDGE_ASSISTANT_RELAY_KEY"
RELAY_TIMEOUT_ENV: Final[str] = "EDGE_ASSISTANT_RELAY_TIMEOUT_S"

#: How long an escalated question may take, end to end, before the user gets the offline answer. A frontier
#: model's short answer usually streams in 2 to 5 s; past 15 s a person talking to a device has given up.
DEFAULT_TIMEOUT_S: Final[float] = 15.0
#: The longest answer the edge asks for: a few sentences, to be read aloud (about 45 seconds of speech).
MAX_ANSWER_TOKENS: Final[int] = 160

# Codes after which the same question may succeed later; every other code is a refusal.
_TRANSIENT: Final[frozenset[grpc.StatusCode]] = frozenset(
    {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED, grpc.StatusCode.ABORTED}
)


class RelayError(Exception):
    """The relay did not answer; the message is one sentence about why (never the question)."""


class RelayUnavailableError(RelayError):
    """The relay could not be reached, was too slow, or had no working backend: try the question again later."""


class RelayRefusedError(RelayError):
    """The relay refused this device: a bad or revoked token, a rate limit or budget, a request out of contract."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RelaySettings:
    """Where the relay is and how this device proves who it is.

    Attributes:
        address: the relay's ``host:port``; ``None`` means no relay, and escalated questions get a local
            answer saying the cloud assistant isn't connected.
        token: this device's token (``cloud-relay token create DEVICE`` prints one).
        ca_file: the PEM certificate(s) to trust for the relay's TLS; TLS is used whenever this is set or
            the relay is not on loopback.
        cert_file, key_file: this device's client certificate and key, for a relay that requires mutual TLS.
        timeout_s: the longest an escalated question may take before the offline answer.
    """

    address: str | None = None
    token: str | None = None
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S

    def __post_init__(self) -> None:
        if self.address is not None:
            host, separator, port = self.address.rpartition(":")
            if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"the relay's address must be HOST:PORT, not {self.address!r}")
        if not self.timeout_s > 0:
            raise ValueError(f"{RELAY_TIMEOUT_ENV} must be a positive number of seconds, not {self.timeout_s!r}")
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError(f"mutual TLS needs both {RELAY_CERT_ENV} and {RELAY_KEY_ENV}")

    @property
    def uses_tls(self) -> bool:
        return self.ca_file is not None or self.cert_file is not None or not _is_loopback(self.address or "")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RelaySettings:
        """``EDGE_ASSISTANT_RELAY`` (host:port), ``_RELAY_TOKEN``, ``_RELAY_CA``, ``_RELAY_CERT``, ``_RELAY_KEY``
        and ``_RELAY_TIMEOUT_S``; all unset means no relay.
        """
        env = os.environ if environ is None else environ

        def path(name: str) -> Path | None:
            return Path(env[name]).expanduser() if env.get(name) else None

        timeout_text = env.get(RELAY_TIMEOUT_ENV, "").strip()
        try:
            timeout_s = float(timeout_text) if timeout_text else DEFAULT_TIMEOUT_S
        except ValueError:
            raise ValueError(f"{RELAY_TIMEOUT_ENV} must be a number of seconds, not {timeout_text!r}") from None
        return cls(
            address=env.get(RELAY_ENV) or None,
            token=env.get(RELAY_TOKEN_ENV) or None,
            ca_file=path(RELAY_CA_ENV),
            cert_file=path(RELAY_CERT_ENV),
            key_file=path(RELAY_KEY_ENV),
            timeout_s=timeout_s,
        )


@dataclass(frozen=True)
class RelayAnswer:
    """The relay's whole answer (still with the request's placeholders in it)."""

    text: str
    backend: str
    model: str
    local_stand_in: bool
    prompt_tokens: int
    completion_tokens: int
    replayed: bool


class RelayClient:
    """A channel to the relay. Thread-safe; one per process is enough."""

    def __init__(self, settings: RelaySettings) -> None:
        if settings.address is None:
            raise ValueError("no relay address is set")
        self.settings = settings
        options = [
            # An escalation is rare and the relay far away: when its connection drops, find out at the next
            # question rather than keeping a connection warm; but don't wait gRPC's default 20 s to retry it.
            ("grpc.initial_reconnect_backoff_ms", 250),
            ("grpc.max_reconnect_backoff_ms", 5000),
        ]
        if settings.uses_tls:
            credentials = grpc.ssl_channel_credentials(
                root_certificates=_read(settings.ca_file),
                private_key=_read(settings.key_file),
                certificate_chain=_read(settings.cert_file),
            )
            self._channel = grpc.secure_channel(settings.address, credentials, options=options)
        else:
            self._channel = grpc.insecure_channel(settings.address, options=options)
        self._stub = pb_grpc.RelayStub(self._channel)
        self._metadata: tuple[tuple[str, str], ...] = (
            (("authorization", f"Bearer {settings.token}"),) if settings.token else ()
        )

    def escalate(
        self,
        request_id: str,
        question: str,
        facts: Sequence[tuple[str, str]] = (),
        *,
        timeout_s: float | None = None,
        on_delta: Callable[[str], None] | None = None,
    ) -> RelayAnswer:
        """Send one redacted question and return the whole answer; ``on_delta`` gets each piece as it arrives.

        ``timeout_s`` bounds the whole call (it becomes the gRPC deadline the relay passes on to its backend).
        A stream that breaks off part way raises :class:`RelayUnavailableError`: the pieces already passed to
        ``on_delta`` are then not an answer.
        """
        request = pb.EscalateRequest(
            request_id=request_id,
            question=question,
            facts=[pb.Fact(name=name, value=value) for name, value in facts],
            max_answer_tokens=MAX_ANSWER_TOKENS,
            language="en",
        )
        timeout = self.settings.timeout_s if timeout_s is None else min(timeout_s, self.settings.timeout_s)
        pieces: list[str] = []
        done: pb.Done | None = None
        try:
            # wait_for_ready: a relay that is restarting gets the rest of the deadline to come back.
            for event in self._stub.Escalate(request, timeout=timeout, metadata=self._metadata, wait_for_ready=True):
                kind = event.WhichOneof("event")
                if kind == "delta":
                    pieces.append(event.delta.text)
                    if on_delta is not None:
                        on_delta(event.delta.text)
                elif kind == "done":
                    done = event.done
        except grpc.RpcError as error:
            code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
            details = (error.details() if isinstance(error, grpc.Call) else None) or code.name
            logger.warning("relay call %s failed: %s", request_id, code.name)
            if code in _TRANSIENT:
                raise RelayUnavailableError(_unavailable_reason(code)) from None
            raise RelayRefusedError(details, code.name) from None
        if done is None:
            raise RelayUnavailableError("the cloud assistant's answer broke off")
        return RelayAnswer(
            text="".join(pieces).strip(),
            backend=done.backend,
            model=done.model,
            local_stand_in=done.local_stand_in,
            prompt_tokens=done.usage.prompt_tokens,
            completion_tokens=done.usage.completion_tokens,
            replayed=done.replayed,
        )

    def close(self) -> None:
        self._channel.close()


def _unavailable_reason(code: grpc.StatusCode) -> str:
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return "the cloud assistant took too long to answer"
    return "the cloud assistant can't be reached"


def _read(path: Path | None) -> bytes | None:
    return None if path is None else path.read_bytes()


def _is_loopback(address: str) -> bool:
    host = address.rpartition(":")[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
