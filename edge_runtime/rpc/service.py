"""The EdgeAssistant service: gRPC calls in, the assistant's turns out, every failure as a status code.

One :class:`~edge_runtime.pipeline.Assistant` and one transcriber serve every call. Their model calls are
serialised where they must be (the specialists' engine and Whisper each hold a lock; the router and the
bank are thread-safe), so the service only keeps each conversation's turns in order: a lock per
conversation id, held for one turn. Turns of two conversations overlap (one transcribing while the other's
specialist runs); two turns of one conversation never do, since each reads and writes the conversation's
pending action. A global lock would be simpler, and would queue every caller's transcription behind
everyone else's answers for nothing.

Errors become status codes in one place, :func:`_status`; the rest of the module raises typed errors.

A Converse stream's audio is cut into utterances by ``utterances`` (at the client's EndOfUtterance, or
where the daemon hears a pause), and its partial transcripts come from ``partials``, on an executor of
the service's with a thread per call slot: each stream has at most one partial in flight, so no stream
ever waits for a thread.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final, NoReturn, Protocol

import grpc

from edge_runtime.bank.store import BankError
from edge_runtime.conversation import ConversationStore
from edge_runtime.hands_free import has_words
from edge_runtime.pipeline import Assistant, Turn
from edge_runtime.rpc.generated.edge_assistant.v1 import assistant_pb2 as pb
from edge_runtime.rpc.generated.edge_assistant.v1 import assistant_pb2_grpc as pb_grpc
from edge_runtime.rpc.messages import (
    RequestError,
    ask_reply,
    clip_audio,
    question_text,
    route_event,
    turn_events,
)
from edge_runtime.rpc.partials import PartialTranscripts
from edge_runtime.rpc.utterances import ClientEndpointing, Heard, ServerEndpointing, Utterances
from edge_runtime.speech import SAMPLE_RATE, Audio, AudioError, Transcript
from edge_runtime.speech.audio import MAX_SOURCE_RATE, MIN_SOURCE_RATE
from edge_runtime.tools.calls import PendingAction

logger = logging.getLogger(__name__)

#: The service's full name, as the health service reports it.
SERVICE_NAME: Final[str] = pb.DESCRIPTOR.services_by_name["EdgeAssistant"].full_name
#: Conversation ids are kept in memory by the thousand; a bounded, printable id keeps that cheap and safe to log.
_CONVERSATION_ID: Final[re.Pattern[str]] = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class CallError(Exception):
    """A call the daemon answers with a status code other than OK; the message is the status's details."""

    code: ClassVar[grpc.StatusCode] = grpc.StatusCode.INTERNAL


class BusyError(CallError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED


class NotReadyError(CallError):
    code = grpc.StatusCode.UNAVAILABLE


class DeadlineError(CallError):
    code = grpc.StatusCode.DEADLINE_EXCEEDED


class ClientGoneError(CallError):
    code = grpc.StatusCode.CANCELLED


def _status(error: Exception, context: grpc.ServicerContext) -> tuple[grpc.StatusCode, str]:
    """The status code and details a failed call ends with: the daemon's one table of them."""
    if isinstance(error, CallError):
        return error.code, str(error)
    if isinstance(error, AudioError | RequestError):
        return grpc.StatusCode.INVALID_ARGUMENT, str(error)
    if isinstance(error, BankError):
        return grpc.StatusCode.FAILED_PRECONDITION, str(error)
    if isinstance(error, grpc.RpcError) and not context.is_active():
        # The request stream raises this when the client cancels: nobody is left to tell.
        return grpc.StatusCode.CANCELLED, "the client cancelled the call"
    logger.error("call failed", exc_info=error)
    return grpc.StatusCode.INTERNAL, "the assistant failed on this call; the daemon's log has the details"


class TranscriberStage(Protocol):
    def transcribe(self, audio: Audio) -> Transcript: ...


class Deadline:
    """The call's deadline and liveness, checked between stages so no stage starts for nobody."""

    def __init__(self, context: grpc.ServicerContext) -> None:
        self._context = context

    def remaining(self) -> float | None:
        """Seconds left, or ``None`` when the client set no deadline."""
        remaining = self._context.time_remaining()
        # grpc reports a call without a deadline as a practically infinite time.
        return None if remaining is None or remaining > 1e9 else max(remaining, 0.0)

    def alive(self) -> bool:
        """True while the client waits and its deadline has not passed."""
        remaining = self.remaining()
        return self._context.is_active() and (remaining is None or remaining > 0)

    def check(self, stage: str) -> None:
        """Raise unless the client is still there and its deadline has not passed, before ``stage``."""
        if not self._context.is_active():
            raise ClientGoneError(f"the client went away before the {stage}")
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            raise DeadlineError(f"the deadline passed before the {stage}; nothing after it ran")


class ConversationLocks:
    """One lock per conversation id, kept only while a call holds or waits for it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, conversation_id: str, deadline: Deadline) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(conversation_id, (threading.Lock(), 0))
            self._locks[conversation_id] = (lock, users + 1)
        try:
            remaining = deadline.remaining()
            if not lock.acquire(timeout=-1 if remaining is None else remaining):
                raise DeadlineError("the deadline passed while this conversation's previous turn was answered")
            try:
                yield
            finally:
                lock.release()
        finally:
            with self._guard:
                lock, users = self._locks[conversation_id]
                if users == 1:
                    del self._locks[conversation_id]
                else:
                    self._locks[conversation_id] = (lock, users - 1)


@dataclass
class Backend:
    """What the service answers with once the models are loaded.

    Attributes:
        assistant: the text assistant every call shares.
        transcriber: speech to text for audio questions.
        max_utterance_s: the longest spoken question accepted.
        conversations: each conversation's state by id (pending confirmation, last call).
    """

    assistant: Assistant
    transcriber: TranscriberStage
    max_utterance_s: float
    conversations: ConversationStore = field(default_factory=ConversationStore)
    locks: ConversationLocks = field(default_factory=ConversationLocks)

    def answer(
        self,
        text: str,
        conversation_id: str,
        deadline: Deadline,
        on_answer_delta: Callable[[Turn, str], None] | None = None,
    ) -> tuple[Turn, PendingAction | None]:
        """One turn of the conversation, and the write action it leaves waiting for a yes, if any.

        ``on_answer_delta`` gets an escalated answer piece by piece as the relay streams it.
        """
        with self.locks.hold(conversation_id, deadline):
            deadline.check("answer")
            conversation = self.conversations.get(conversation_id)
            turn = self.assistant.ask(
                text,
                conversation,
                before_stage=deadline.check,
                time_left=deadline.remaining,
                on_answer_delta=on_answer_delta,
            )
            if conversation.pending is not None and not deadline.alive():
                # Nobody heard "Pay $84.20 to City Power?": a later "yes", meant for something else,
                # must not run it.
                logger.info("dropped a confirmation question that no client received")
                conversation.pending = None
            return turn, conversation.pending


def conversation_id(requested: str) -> str:
    """The id the client sent, or a new one; an id no conversation could have is refused."""
    if not requested:
        return uuid.uuid4().hex
    if not _CONVERSATION_ID.fullmatch(requested):
        raise RequestError("a conversation id is 1 to 128 letters, digits, '.', '_', ':' or '-'")
    return requested


class EdgeAssistantService(pb_grpc.EdgeAssistantServicer):
    """Ask and Converse over a :class:`Backend`, refusing calls beyond ``max_concurrent_calls`` at once.

    ``partial_transcripts_interval_s`` is how much of an utterance's audio comes between two partial
    transcripts, for the streams that ask for them; 0 sends none. ``after_turn`` is called when each Ask
    call ends and each Converse turn has been answered (the daemon gives freed memory back then).
    """

    def __init__(
        self,
        max_concurrent_calls: int,
        partial_transcripts_interval_s: float = 0.0,
        after_turn: Callable[[], None] = lambda: None,
    ) -> None:
        self._limit = max_concurrent_calls
        self._after_turn = after_turn
        self._slots = threading.BoundedSemaphore(max_concurrent_calls)
        self._backend: Backend | None = None
        self._partial_interval_s = partial_transcripts_interval_s
        # A thread per call slot: a stream has at most one partial in flight, so none waits for a thread.
        self._partial_executor = ThreadPoolExecutor(max_concurrent_calls, thread_name_prefix="edge-partial")

    def close(self) -> None:
        """Wait for partial transcripts still running (one per stream at most); after the server has stopped."""
        self._partial_executor.shutdown(wait=True, cancel_futures=True)

    def attach(self, backend: Backend) -> None:
        """Start answering with ``backend``; until then every call gets UNAVAILABLE."""
        self._backend = backend

    def Ask(self, request: pb.AskRequest, context: grpc.ServicerContext) -> pb.AskReply:  # noqa: N802 (gRPC's name)
        started = time.perf_counter()
        try:
            with self._slot():
                reply = self._ask(request, Deadline(context))
        except Exception as error:
            _abort(context, "Ask", error, started)
        finally:
            self._after_turn()
        logger.info("Ask OK in %.0f ms", (time.perf_counter() - started) * 1000)
        return reply

    def Converse(  # noqa: N802 (gRPC's name)
        self, request_iterator: Iterator[pb.ClientMessage], context: grpc.ServicerContext
    ) -> Iterator[pb.ServerEvent]:
        started = time.perf_counter()
        try:
            with self._slot():
                session = _Session(
                    self._ready(), Deadline(context), self._partial_executor, self._partial_interval_s, self._after_turn
                )
                try:
                    for message in request_iterator:
                        yield from session.receive(message)
                    yield from session.finish()
                finally:
                    session.close()
        except Exception as error:
            _abort(context, "Converse", error, started)
        logger.info("Converse OK after %d turns in %.0f ms", session.turn, (time.perf_counter() - started) * 1000)

    def _ask(self, request: pb.AskRequest, deadline: Deadline) -> pb.AskReply:
        backend = self._ready()
        conversation = conversation_id(request.conversation_id)
        which = request.WhichOneof("question")
        transcript: Transcript | None = None
        if which == "text":
            text = question_text(request.text)
        elif which == "audio":
            audio = clip_audio(request.audio, backend.max_utterance_s)
            deadline.check("transcription")
            transcript = backend.transcriber.transcribe(audio)
            text = transcript.text
        else:
            raise RequestError("the request holds no question: set text or audio")
        turn, pending = backend.answer(text, conversation, deadline)
        return ask_reply(turn, conversation, transcript, pending)

    def _ready(self) -> Backend:
        if self._backend is None:
            raise NotReadyError("the assistant is loading its models; wait until the health check says SERVING")
        return self._backend

    @contextmanager
    def _slot(self) -> Iterator[None]:
        # Refused at once rather than queued: a queue would turn a busy daemon into a slow one, and a
        # phone can retry or tell its user, where a call left waiting only times out.
        if not self._slots.acquire(blocking=False):
            raise BusyError(f"the assistant is answering {self._limit} calls, its limit; try again in a moment")
        try:
            yield
        finally:
            self._slots.release()


def _abort(context: grpc.ServicerContext, method: str, error: Exception, started: float) -> NoReturn:
    code, details = _status(error, context)
    logger.info("%s %s in %.0f ms", method, code.name, (time.perf_counter() - started) * 1000)
    context.abort(code, details)


class _Session:
    """One Converse stream: its settings, the utterance being heard, and the turn count."""

    def __init__(
        self,
        backend: Backend,
        deadline: Deadline,
        executor: Executor,
        partial_interval_s: float,
        after_turn: Callable[[], None],
    ) -> None:
        self.backend = backend
        self.deadline = deadline
        self.conversation_id = uuid.uuid4().hex
        self.turn = 0
        self._started = False
        self._endpointing = False
        self._utterances: Utterances = ClientEndpointing(SAMPLE_RATE, backend.max_utterance_s)
        self._executor = executor
        self._partial_interval_s = partial_interval_s
        self._partials: PartialTranscripts | None = None
        self._numbered = False  # the utterance being heard has had an event, so it has its turn number
        self._after_turn = after_turn

    def receive(self, message: pb.ClientMessage) -> Iterator[pb.ServerEvent]:
        kind = message.WhichOneof("message")
        first, self._started = not self._started, True
        if kind == "config":
            if not first:
                raise RequestError("Config must be the stream's first message, and come once")
            self._configure(message.config)
        elif kind == "audio":
            for heard in self._utterances.feed(message.audio.pcm16):
                yield from self._utterance(heard)
            yield from self._partial()
        elif kind == "end_of_utterance":
            yield from self._end_utterance()
        elif kind == "text":
            if self._utterances.open:
                if not self._endpointing:
                    raise RequestError(
                        "a TextInput came while an utterance's audio was open; send EndOfUtterance first"
                    )
                # The client can't know that the daemon is in the middle of an utterance: end it, then answer both.
                yield from self._end_utterance()
            self.turn += 1
            yield from self._answer(question_text(message.text.text))
            self._after_turn()
        else:
            raise RequestError("a ClientMessage must hold config, audio, text or end_of_utterance")

    def finish(self) -> Iterator[pb.ServerEvent]:
        """The client closed its side: audio it left open is an utterance too."""
        if self._utterances.open:
            yield from self._end_utterance()

    def close(self) -> None:
        """The stream is over, answered or not: a partial still running is not waited for."""
        if self._partials is not None:
            self._partials.reset()

    def _configure(self, config: pb.Config) -> None:
        self.conversation_id = conversation_id(config.conversation_id)
        rate = config.sample_rate or SAMPLE_RATE
        if not MIN_SOURCE_RATE <= rate <= MAX_SOURCE_RATE:
            raise RequestError(
                f"the sample rate is {rate} Hz; it must be between {MIN_SOURCE_RATE} and {MAX_SOURCE_RATE}"
            )
        language = config.language.strip().lower()
        if language and language != "en" and not language.startswith("en-"):
            raise RequestError(f"only English ('en') is understood, not {config.language!r}")
        self._endpointing = config.endpointing
        if config.partial_transcripts and self._partial_interval_s > 0:
            self._partials = PartialTranscripts(self.backend.transcriber, self._executor, self._partial_interval_s)
        max_s = self.backend.max_utterance_s
        if config.endpointing:
            self._utterances = ServerEndpointing(rate, max_s)
        else:
            self._utterances = ClientEndpointing(rate, max_s, hear_pauses=self._partials is not None)

    def _end_utterance(self) -> Iterator[pb.ServerEvent]:
        for heard in self._utterances.end():
            yield from self._utterance(heard)

    def _utterance(self, heard: Heard) -> Iterator[pb.ServerEvent]:
        """A complete utterance: its final transcript and its answer, or why its audio can't be used."""
        self._number()  # unless a partial transcript already did
        self._numbered = False  # whatever comes next belongs to the next utterance
        if self._partials is not None:
            self._partials.reset()
        if isinstance(heard, AudioError):
            yield self._event(error=pb.Error(code=pb.Error.CODE_INVALID_AUDIO, message=str(heard)))
            return
        self.deadline.check("transcription")
        transcript = self.backend.transcriber.transcribe(heard)
        yield self._event(transcript=pb.Transcript(text=transcript.text, final=True))
        # A cough the voice detector took for speech is no question, as in hands-free listening; without
        # endpointing the client said the audio was one, and it gets an answer.
        if not self._endpointing or has_words(transcript, heard.duration_s):
            yield from self._answer(transcript.text)
        # Here, not before the answer: the events above are sent by the time gRPC asks for more.
        self._after_turn()

    def _partial(self) -> Iterator[pb.ServerEvent]:
        if self._partials is None:
            return
        text = self._partials.take()
        if text is not None:
            self._number()
            yield self._event(transcript=pb.Transcript(text=text, final=False))
        if self.deadline.alive():
            self._partials.offer(self._utterances)

    def _number(self) -> None:
        """Give the utterance being heard the next turn number, at its first event."""
        if not self._numbered:
            self.turn += 1
            self._numbered = True

    def _answer(self, text: str) -> Iterator[pb.ServerEvent]:
        """The turn's events; an escalated answer's pieces are sent as the relay streams them in."""
        pieces: queue.SimpleQueue[tuple[Turn, str] | None] = queue.SimpleQueue()
        outcome: list[tuple[Turn, PendingAction | None]] = []
        failure: list[BaseException] = []

        def work() -> None:
            try:
                outcome.append(
                    self.backend.answer(
                        text, self.conversation_id, self.deadline, lambda turn, piece: pieces.put((turn, piece))
                    )
                )
            except BaseException as error:  # re-raised on the stream's thread, where gRPC turns it into a status
                failure.append(error)
            finally:
                pieces.put(None)

        worker = threading.Thread(target=work, name="converse-answer", daemon=True)
        worker.start()
        routed = False
        while (item := pieces.get()) is not None:
            turn, piece = item
            if not routed:
                routed = True
                route = route_event(turn)
                if route is not None:
                    yield self._event(route=route.route)
            yield self._event(answer_delta=pb.AnswerDelta(text=piece))
        worker.join()
        if failure:
            raise failure[0]
        turn, pending = outcome[0]
        for event in turn_events(turn, pending, routed=routed):
            event.conversation_id = self.conversation_id
            event.turn = self.turn
            yield event

    def _event(self, **fields: Any) -> pb.ServerEvent:
        return pb.ServerEvent(conversation_id=self.conversation_id, turn=self.turn, **fields)
