"""A small Python client of the edge daemon, for scripts, tests and as a model for app developers.

It adds three things to the generated stub: the token on every call, waiting for the daemon's health
check to say SERVING, and turning a WAV file into the 100 ms chunks of 16-bit PCM that a phone's
microphone would stream over ``Converse``, at the pace it would (:func:`in_real_time`).
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import Final, Protocol

import grpc
import numpy as np
from grpc_health.v1 import health_pb2

from edge_runtime.rpc.generated.edge_assistant.v1 import assistant_pb2 as pb
from edge_runtime.rpc.generated.edge_assistant.v1 import assistant_pb2_grpc as pb_grpc
from edge_runtime.rpc.settings import DEFAULT_MAX_MESSAGE_BYTES
from edge_runtime.speech import SAMPLE_RATE, read_wav
from edge_runtime.speech.audio import DEFAULT_MAX_SECONDS

DEFAULT_TARGET: Final[str] = "127.0.0.1:50051"
SERVING: Final[int] = health_pb2.HealthCheckResponse.SERVING
#: The silence after each utterance when the daemon finds the ends (``Config.endpointing``): it answers
#: after a pause of about 0.6 s, and a microphone would go on recording the room.
PAUSE_S: Final[float] = 1.0


class EventStream(Protocol):
    """A Converse call: iterate it for the server's events; cancel it to hang up."""

    def __iter__(self) -> Iterator[pb.ServerEvent]: ...

    def __next__(self) -> pb.ServerEvent: ...

    def cancel(self) -> bool: ...


class EdgeClient:
    """A connection to the edge daemon at ``target`` (``host:port``).

    ``token`` is sent as ``authorization: Bearer <token>`` on every call; ``root_cert`` (PEM bytes or a
    file) switches to TLS and trusts that certificate (a self-signed daemon's own, or its CA's).
    """

    def __init__(
        self,
        target: str = DEFAULT_TARGET,
        token: str | None = None,
        root_cert: bytes | Path | None = None,
        *,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        options = [
            ("grpc.max_send_message_length", max_message_bytes),
            ("grpc.max_receive_message_length", max_message_bytes),
            # The daemon is usually on this device and only starting: retry its port every 100 ms at first,
            # not after gRPC's default second, and never wait more than 2 s between tries.
            ("grpc.initial_reconnect_backoff_ms", 100),
            ("grpc.min_reconnect_backoff_ms", 100),
            ("grpc.max_reconnect_backoff_ms", 2000),
        ]
        if root_cert is None:
            self._channel = grpc.insecure_channel(target, options=options)
        else:
            pem = root_cert.read_bytes() if isinstance(root_cert, Path) else root_cert
            self._channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(pem), options=options)
        # Metadata rather than call credentials: gRPC sends call credentials over TLS only, and a loopback
        # daemon with a token is plaintext.
        self._metadata: tuple[tuple[str, str], ...] = (("authorization", f"Bearer {token}"),) if token else ()
        self._stub = pb_grpc.EdgeAssistantStub(self._channel)
        # The health service's callables by hand: typeshed's HealthStub declares no methods.
        self._check = self._channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )
        self._watch = self._channel.unary_stream(
            "/grpc.health.v1.Health/Watch",
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> EdgeClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def health(self, timeout: float = 5.0) -> str:
        """The daemon's overall health status by name: ``SERVING``, ``NOT_SERVING``, ..."""
        response = self._check(health_pb2.HealthCheckRequest(), timeout=timeout)
        return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)

    def watch_health(self, timeout: float | None = None) -> Generator[str, None, None]:
        """The daemon's health status by name, now and at each change, until the daemon stops or ``timeout``.

        It waits for the daemon's port to open, so it can be called before the daemon has started.
        Closing the generator hangs up.
        """
        call = self._watch(health_pb2.HealthCheckRequest(), timeout=timeout, wait_for_ready=True)
        try:
            for response in call:
                yield health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
        finally:
            call.cancel()

    def wait_until_serving(self, timeout: float) -> None:
        """Return once the daemon's health says SERVING; :class:`TimeoutError` when it hasn't in ``timeout`` s."""
        deadline = time.monotonic() + timeout
        last = "unreachable"
        while (left := deadline - time.monotonic()) > 0:
            try:
                for last in self.watch_health(timeout=left):
                    if last == "SERVING":
                        return
            except grpc.RpcError as error:
                if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                    break
                if error.code() != grpc.StatusCode.UNAVAILABLE:  # unavailable: (re)starting; watch again
                    raise
        raise TimeoutError(f"the daemon was not SERVING within {timeout:g} s (last status: {last})")

    def ask_text(self, text: str, conversation_id: str = "", timeout: float | None = None) -> pb.AskReply:
        """Ask a typed question; pass the reply's ``conversation_id`` back to continue the conversation."""
        return self.ask(pb.AskRequest(conversation_id=conversation_id, text=text), timeout)

    def ask_audio(
        self,
        audio: Path | bytes,
        conversation_id: str = "",
        sample_rate: int | None = None,
        timeout: float | None = None,
    ) -> pb.AskReply:
        """Ask a spoken question: a WAV file (a path or its bytes), or raw 16-bit mono PCM at ``sample_rate``."""
        if isinstance(audio, Path):
            audio = audio.read_bytes()
        clip = pb.AudioClip(wav=audio) if sample_rate is None else pb.AudioClip(pcm16=audio, sample_rate=sample_rate)
        return self.ask(pb.AskRequest(conversation_id=conversation_id, audio=clip), timeout)

    def ask(self, request: pb.AskRequest, timeout: float | None = None) -> pb.AskReply:
        reply: pb.AskReply = self._stub.Ask(request, timeout=timeout, metadata=self._metadata)
        return reply

    def converse(self, messages: Iterable[pb.ClientMessage], timeout: float | None = None) -> EventStream:
        """Open a Converse stream that sends ``messages`` (read as they come) and yields the server's events."""
        stream: EventStream = self._stub.Converse(iter(messages), timeout=timeout, metadata=self._metadata)
        return stream


def pcm16_chunks(wav: Path | bytes, chunk_ms: int = 100, max_seconds: float = DEFAULT_MAX_SECONDS) -> Iterator[bytes]:
    """A WAV file as a microphone would stream it: 16 kHz mono 16-bit PCM, ``chunk_ms`` at a time."""
    samples = read_wav(wav, max_seconds).samples
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2").tobytes()
    step = SAMPLE_RATE * chunk_ms // 1000 * 2
    for start in range(0, len(pcm), step):
        yield pcm[start : start + step]


def spoken_turn(wav: Path | bytes, chunk_ms: int = 100, *, endpointing: bool = False) -> Iterator[pb.ClientMessage]:
    """One spoken utterance for Converse: the WAV's audio in chunks, then EndOfUtterance.

    With ``endpointing`` (the stream's Config asks the daemon to find where utterances end) the audio is
    followed by :data:`PAUSE_S` of silence instead, as a microphone would go on recording.
    """
    for chunk in pcm16_chunks(wav, chunk_ms):
        yield pb.ClientMessage(audio=pb.AudioChunk(pcm16=chunk))
    if not endpointing:
        yield pb.ClientMessage(end_of_utterance=pb.EndOfUtterance())
        return
    step = SAMPLE_RATE * chunk_ms // 1000 * 2
    for _ in range(round(PAUSE_S * 1000 / chunk_ms)):
        yield pb.ClientMessage(audio=pb.AudioChunk(pcm16=bytes(step)))


def in_real_time(messages: Iterable[pb.ClientMessage], sample_rate: int = SAMPLE_RATE) -> Iterator[pb.ClientMessage]:
    """``messages`` sent no faster than a microphone records: each AudioChunk once the audio before it has played.

    A daemon's partial transcripts and its end-of-utterance detection follow the pace of speech; sent
    all at once, a recording is over before the first partial could be made.
    """
    started = time.monotonic()
    sent_s = 0.0
    for message in messages:
        if message.WhichOneof("message") == "audio":
            time.sleep(max(0.0, started + sent_s - time.monotonic()))
            sent_s += len(message.audio.pcm16) / 2 / sample_rate
        yield message


def config_message(
    conversation_id: str = "",
    sample_rate: int = SAMPLE_RATE,
    *,
    endpointing: bool = False,
    partial_transcripts: bool = False,
) -> pb.ClientMessage:
    """The stream's first message: which conversation, the rate of the audio to come, and whether the daemon
    finds where utterances end (``endpointing``) and sends partial transcripts while they are spoken."""
    config = pb.Config(
        conversation_id=conversation_id,
        sample_rate=sample_rate,
        language="en",
        endpointing=endpointing,
        partial_transcripts=partial_transcripts,
    )
    return pb.ClientMessage(config=config)


def text_turn(text: str) -> pb.ClientMessage:
    """One typed utterance for Converse."""
    return pb.ClientMessage(text=pb.TextInput(text=text))
