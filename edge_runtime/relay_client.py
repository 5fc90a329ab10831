"""The edge's client of the cloud relay: one escalated, redacted question out, its answer streamed back.

The relay (``cloud_relay``, contract ``proto/relay/v1/relay.proto``) runs at the bank and holds the frontier
model's credentials; the device authenticates with its own token. Everything this client sends has been
redacted by the caller. Its settings and errors are in :mod:`edge_runtime.relay`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import grpc

from edge_runtime.relay import MAX_ANSWER_TOKENS, RelayRefusedError, RelaySettings, RelayUnavailableError
from edge_runtime.rpc.generated.relay.v1 import relay_pb2 as pb
from edge_runtime.rpc.generated.relay.v1 import relay_pb2_grpc as pb_grpc

logger = logging.getLogger(__name__)

# Codes after which the same question may succeed later; every other code is a refusal.
_TRANSIENT: Final[frozenset[grpc.StatusCode]] = frozenset(
    {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED, grpc.StatusCode.ABORTED}
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
