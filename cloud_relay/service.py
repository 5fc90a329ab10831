"""The Relay service: an escalated question in, the backend's answer streamed out, every failure as a status code.

Each call is checked (contract, limits), then joins the run of its request id or starts one
(:mod:`cloud_relay.ledger`). Runs execute in a bounded pool of their own, apart from the gRPC threads, so a
run can outlive a caller that hung up and still answer its retry. The call's deadline bounds the run, and
through it every backend call. Errors become status codes in one place, :func:`_status`; the rest of the
package raises typed errors.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Final

import grpc

from cloud_relay.auth import calling_device
from cloud_relay.backends.base import Backend, Delta, Finished
from cloud_relay.deadline import Deadline
from cloud_relay.errors import (
    AuthError,
    BackendError,
    BusyError,
    DeadlineError,
    LimitError,
    NotReadyError,
    RelayError,
    RequestError,
    StateError,
)
from cloud_relay.generated.relay.v1 import relay_pb2 as pb
from cloud_relay.generated.relay.v1 import relay_pb2_grpc as pb_grpc
from cloud_relay.ledger import Ledger, Run
from cloud_relay.limits import Limits
from cloud_relay.request import Question, parse
from cloud_relay.settings import RelaySettings
from cloud_relay.tokens import TokenStore
from cloud_relay.usage import UsageLog

logger = logging.getLogger(__name__)

#: The service's full name, as the health service reports it.
SERVICE_NAME: Final[str] = pb.DESCRIPTOR.services_by_name["Relay"].full_name


#: Runs a retry may start again after the earlier runs it joined failed.
_MAX_REJOINS: Final[int] = 2


def _status(error: Exception) -> tuple[grpc.StatusCode, str]:
    """The status code and details a failed call ends with: the relay's one table of them."""
    if isinstance(error, RequestError):
        return grpc.StatusCode.INVALID_ARGUMENT, str(error)
    if isinstance(error, AuthError):
        return grpc.StatusCode.UNAUTHENTICATED, str(error)
    if isinstance(error, LimitError | BusyError):
        return grpc.StatusCode.RESOURCE_EXHAUSTED, str(error)
    if isinstance(error, DeadlineError):
        return grpc.StatusCode.DEADLINE_EXCEEDED, str(error)
    if isinstance(error, NotReadyError | BackendError):
        return grpc.StatusCode.UNAVAILABLE, str(error)
    if isinstance(error, StateError):
        logger.error("%s", error)
        return grpc.StatusCode.INTERNAL, "the relay's state database failed; the relay's log has the details"
    logger.error("call failed", exc_info=error)
    return grpc.StatusCode.INTERNAL, "the relay failed on this call; its log has the details"


def _done(finished: Finished, replayed: bool) -> pb.EscalateEvent:
    usage = pb.Usage(prompt_tokens=finished.prompt_tokens, completion_tokens=finished.completion_tokens)
    done = pb.Done(
        backend=finished.backend,
        model=finished.model,
        local_stand_in=finished.local_stand_in,
        usage=usage,
        replayed=replayed,
    )
    return pb.EscalateEvent(done=done)


class RelayService(pb_grpc.RelayServicer):
    """Escalate over a backend, refusing calls beyond ``max_concurrent_calls`` at once."""

    def __init__(
        self, settings: RelaySettings, tokens: TokenStore, usage: UsageLog, limits: Limits, ledger: Ledger
    ) -> None:
        self._settings = settings
        self._tokens = tokens
        self._usage = usage
        self._limits = limits
        self._ledger = ledger
        self._slots = threading.BoundedSemaphore(settings.max_concurrent_calls)
        self._runs = ThreadPoolExecutor(max_workers=settings.max_concurrent_calls, thread_name_prefix="relay-run")
        self._backend: Backend | None = None

    def attach(self, backend: Backend) -> None:
        """Start answering with ``backend``; until then every call gets UNAVAILABLE."""
        self._backend = backend

    def shutdown(self) -> None:
        """Stop the runs that outlived their calls (cut their deadlines) and wait for them to end."""
        for run in self._ledger.running():
            run.deadline.cut()
        self._runs.shutdown(wait=True, cancel_futures=True)

    def Escalate(  # noqa: N802 (gRPC's name)
        self, request: pb.EscalateRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.EscalateEvent]:
        started = time.perf_counter()
        try:
            device = calling_device(self._tokens, context)
        except RelayError as error:  # revoked between the interceptor and here
            context.abort(*_status(error))
        call = self._usage.open(device, request.request_id)
        # CANCELLED unless the call gets further: grpc closes this generator when the client hangs up.
        status, replayed, note = grpc.StatusCode.CANCELLED.name, False, ""
        try:
            with self._slot():
                backend = self._ready()
                question = parse(request, self._settings.max_answer_tokens)
                deadline = self._deadline(context)
                run, replayed = self._claim(device, question, deadline, call, backend)
                sent, rejoins = False, 0
                while True:
                    try:
                        for item in run.follow(deadline, context.is_active):
                            if isinstance(item, Finished):
                                note = f"{item.backend} {item.prompt_tokens}+{item.completion_tokens} tokens"
                                status = "OK"
                                yield _done(item, replayed)
                            else:
                                sent = True
                                yield pb.EscalateEvent(delta=pb.AnswerDelta(text=item))
                        break
                    except RelayError:
                        # A retry that joined an earlier run which then failed (often because that run was
                        # bound by its first caller's deadline, which has passed) gets a run of its own (up to twice)
                        # while it has time left and has been sent nothing yet.
                        if not replayed or sent or deadline.expired() or rejoins == _MAX_REJOINS:
                            raise
                        rejoins += 1
                        failed = run
                        while (run := self._claim(device, question, deadline, call, backend)[0]) is failed:
                            if deadline.expired():
                                break
                            time.sleep(0.01)  # the failed run is being forgotten (settled) right now
                        replayed = run.call != call
        except Exception as error:
            code, details = _status(error)
            status, note = code.name, details
            context.abort(code, details)
        finally:
            self._record(
                call,
                device=device,
                request_id=request.request_id,
                status=status,
                started=started,
                replayed=replayed,
                note=note,
            )

    def _record(
        self, call: int, *, device: str, request_id: str, status: str, started: float, replayed: bool, note: str
    ) -> None:
        latency_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "Escalate %s device=%s request=%s%s in %.0f ms%s",
            status,
            device,
            request_id[:128],
            " (replayed)" if replayed else "",
            latency_ms,
            f": {note}" if note else "",
        )
        try:
            self._usage.close(call, status, latency_ms, replayed)
        except StateError as error:
            logger.error("%s", error)

    def _deadline(self, context: grpc.ServicerContext) -> Deadline:
        """The client's deadline, or ``max_call_s`` from now when it set none or a later one."""
        remaining = context.time_remaining()
        limit = self._settings.max_call_s
        return Deadline.after(limit if remaining is None else min(max(remaining, 0.0), limit))

    def _claim(
        self, device: str, question: Question, deadline: Deadline, call: int, backend: Backend
    ) -> tuple[Run, bool]:
        """The run this call follows, started when new; True when it is an earlier run's (a replay)."""
        key = (device, question.request_id)
        if self._ledger.find(key) is None:
            # Only a new run spends anything: a retry of a known request id passes the limits.
            self._limits.admit(device)

        def start() -> Run:
            run = Run(key, question.fingerprint, Deadline(deadline.at), call)
            self._runs.submit(self._execute, run, question, backend)
            return run

        run, created = self._ledger.claim(key, question.fingerprint, start)
        if not created:
            run.deadline.extend_to(deadline.at)
        return run, not created

    def _execute(self, run: Run, question: Question, backend: Backend) -> None:
        """Run the backend for ``run``, writing its pieces and its end there."""
        try:
            finished: Finished | None = None
            for event in backend.stream(question.messages(), question.max_tokens, run.deadline):
                if isinstance(event, Delta):
                    run.publish(event.text)
                else:
                    finished = event
            if finished is None:
                raise BackendError(f"backend {backend.name} ended without finishing its answer")
            try:
                self._usage.add_tokens(
                    run.call, finished.backend, finished.model, finished.prompt_tokens, finished.completion_tokens
                )
            except StateError as error:
                logger.error("the answer's tokens were not recorded: %s", error)
            run.finish(finished, self._ledger.now())
        except RelayError as error:
            run.fail(error, self._ledger.now())
        except Exception as error:
            logger.error("backend %s failed", backend.name, exc_info=error)
            run.fail(BackendError("the backend failed; the relay's log has the details"), self._ledger.now())
        finally:
            self._ledger.settle(run)

    def _ready(self) -> Backend:
        if self._backend is None:
            raise NotReadyError("the relay is loading its backends; wait until the health check says SERVING")
        return self._backend

    @contextmanager
    def _slot(self) -> Iterator[None]:
        # Refused at once rather than queued: a device can fall back to its offline answer, where a call
        # left waiting only times out.
        if not self._slots.acquire(blocking=False):
            raise BusyError(
                f"the relay is answering {self._settings.max_concurrent_calls} calls, its limit; try again shortly"
            )
        try:
            yield
        finally:
            self._slots.release()
