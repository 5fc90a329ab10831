"""The relay's gRPC server: the Relay service and the standard health service on one port.

Start-up runs in the order a client can rely on: the port is bound and health answers NOT_SERVING first,
then the backends load (the local model takes a second or two), then SERVING. Shutdown runs the other way:
NOT_SERVING, no new calls, calls in flight get ``grace_s`` to finish, then the runs they left behind are
stopped and the state database closes.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from cloud_relay.auth import DeviceTokenInterceptor, server_credentials
from cloud_relay.backends import build_chain
from cloud_relay.backends.local import LocalModelError
from cloud_relay.errors import BackendError
from cloud_relay.generated.relay.v1 import relay_pb2_grpc as pb_grpc
from cloud_relay.ledger import Ledger
from cloud_relay.limits import DailyBudget, Limits, RateLimiter
from cloud_relay.service import SERVICE_NAME, RelayService
from cloud_relay.settings import RelaySettings
from cloud_relay.state import StateDB
from cloud_relay.tokens import TokenStore
from cloud_relay.usage import UsageLog

logger = logging.getLogger(__name__)

#: Threads beyond the call limit: health checks and refusals (over the limit, no token) need one each for
#: a moment, and must not wait behind calls that hold a thread for a whole answer.
_SPARE_THREADS = 4
#: Requests are a question and a few facts; a bigger message is not one.
_MAX_MESSAGE_BYTES = 256 * 1024
_BIND_PROBLEM = (
    "can't listen on {address}: another process holds the port, or the address is not one of this "
    "machine's; choose another with --port or --host"
)


#: How often the main thread, waiting for ``stop``, returns to the interpreter. The kernel hands SIGTERM to
#: any thread of the process, often one of grpc's or onnxruntime's, and Python runs the handler only in the
#: main thread once it is back in the interpreter: an untimed wait left a SIGTERM unanswered until something
#: else woke the main thread, once in about 20 stops on a busy two-core machine.
_SIGNAL_CHECK_S = 0.25


def wait_for_stop(stop: threading.Event) -> None:
    """Return once ``stop`` is set, running signal handlers within ``_SIGNAL_CHECK_S`` of any signal."""
    while not stop.wait(_SIGNAL_CHECK_S):
        pass


class ServeError(RuntimeError):
    """The relay can't start as configured; the message says what to change."""


class _Health(health.HealthServicer):
    """grpc's health service, whose Watch streams end when the relay stops (else they hold up shutdown)."""

    def __init__(self) -> None:
        self._watches_lock = threading.Lock()
        self._watches: set[Callable[[Any], None]] = set()
        # Non-blocking: a watcher holds no thread, so any number of them cannot starve the calls.
        super().__init__(experimental_non_blocking=True)

    def Watch(  # noqa: N802 (gRPC's name)
        self,
        request: health_pb2.HealthCheckRequest,
        context: grpc.ServicerContext,
        send_response_callback: Callable[[Any], None] | None = None,
    ) -> Any:
        if send_response_callback is not None:
            send = send_response_callback
            with self._watches_lock:
                self._watches.add(send)
            context.add_callback(lambda: self._forget(send))
        return super().Watch(request, context, send_response_callback)

    def _forget(self, send: Callable[[Any], None]) -> None:
        with self._watches_lock:
            self._watches.discard(send)

    def end_watches(self) -> None:
        """End every Watch stream with OK, after its last status (NOT_SERVING on shutdown)."""
        with self._watches_lock:
            watches, self._watches = list(self._watches), set()
        for send in watches:
            send(None)  # gRPC's non-blocking stream contract: None ends the stream


@dataclass
class RunningServer:
    """A started server: bound, answering health checks, and attached to its backends once they load."""

    server: grpc.Server
    health: _Health
    service: RelayService
    port: int
    grace_s: float
    _stopped: bool = field(default=False, repr=False)

    def set_serving(self) -> None:
        for name in ("", SERVICE_NAME):
            self.health.set(name, health_pb2.HealthCheckResponse.SERVING)

    def stop(self) -> None:
        """NOT_SERVING, refuse new calls, give calls in flight ``grace_s`` to finish; once only."""
        if self._stopped:
            return
        self._stopped = True
        self.health.enter_graceful_shutdown()
        self.health.end_watches()
        self.server.stop(self.grace_s).wait()
        self.service.shutdown()


def _bind(server: grpc.Server, settings: RelaySettings) -> int:
    try:
        credentials = server_credentials(settings)
    except ValueError as error:
        raise ServeError(str(error)) from error
    try:
        if credentials is None:
            port = server.add_insecure_port(settings.address)
        else:
            port = server.add_secure_port(settings.address, credentials)
    except RuntimeError as error:
        # grpc's own message only says that binding failed, and its log line above says why.
        raise ServeError(_BIND_PROBLEM.format(address=settings.address)) from error
    if port == 0:
        raise ServeError(_BIND_PROBLEM.format(address=settings.address))
    return port


@contextmanager
def run_server(settings: RelaySettings, state: StateDB) -> Iterator[RunningServer]:
    """The server started on ``settings``' address with health NOT_SERVING and no backend; stopped on exit."""
    if not settings.loopback and settings.tls_cert is None:
        logger.warning(
            "listening on %s without TLS (--insecure-allow-remote): device tokens and questions cross the network "
            "in the clear",
            settings.host,
        )
    status = _Health()
    for name in ("", SERVICE_NAME):
        status.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    tokens = TokenStore(state)
    usage = UsageLog(state)
    limits = Limits(RateLimiter(settings.requests_per_minute), DailyBudget(settings.daily_token_budget, usage))
    service = RelayService(settings, tokens, usage, limits, Ledger(settings.replay_ttl_s))
    server = grpc.server(
        ThreadPoolExecutor(max_workers=settings.max_concurrent_calls + _SPARE_THREADS, thread_name_prefix="relay-rpc"),
        interceptors=[DeviceTokenInterceptor(tokens)],
        options=[
            ("grpc.max_receive_message_length", _MAX_MESSAGE_BYTES),
            # Without this a second relay on the same port would bind too and take half the calls.
            ("grpc.so_reuseport", 0),
        ],
    )
    health_pb2_grpc.add_HealthServicer_to_server(status, server)
    pb_grpc.add_RelayServicer_to_server(service, server)
    port = _bind(server, settings)
    server.start()
    running = RunningServer(server, status, service, port, settings.grace_s)
    try:
        yield running
    finally:
        running.stop()


def serve(
    settings: RelaySettings,
    stop: threading.Event,
    announce: Callable[[str], None] = print,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Listen, load the backends, serve until ``stop`` is set, then shut down gracefully.

    ``announce`` gets one line once the port is bound, ``cloud-relay listening on HOST:PORT`` with the real
    port (``--port 0`` picks one), so whoever started the process knows where to connect.
    """
    with StateDB(settings.state) as state, run_server(settings, state) as running:
        scheme = "plaintext" if settings.tls_cert is None else ("mutual TLS" if settings.tls_client_ca else "TLS")
        logger.info("listening on %s:%d (%s); NOT_SERVING while the backends load", settings.host, running.port, scheme)
        announce(f"cloud-relay listening on {settings.host}:{running.port}")
        started = time.perf_counter()
        try:
            chain = build_chain(settings, os.environ if environ is None else environ)
        except (BackendError, LocalModelError) as error:
            raise ServeError(str(error)) from error
        if not stop.is_set():
            running.service.attach(chain)
            running.set_serving()
            logger.info("backends ready in %.1f s (%s); SERVING", time.perf_counter() - started, chain.name)
        wait_for_stop(stop)
        logger.info("stopping: NOT_SERVING; calls in flight get up to %g s to finish", settings.grace_s)
        running.stop()
    logger.info("stopped")
