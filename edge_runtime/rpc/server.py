"""The edge daemon: a gRPC server with the EdgeAssistant service and the standard health service on one port.

Start-up runs in the order a client can rely on: the port is bound and health answers NOT_SERVING
first, then the models load (seconds on a small device), then health says SERVING. A phone can connect at
once and wait for SERVING instead of guessing how long loading takes. Shutdown runs the other way:
NOT_SERVING, no new calls, calls in flight get ``grace_s`` to finish, and only then the models and the
bank close.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from edge_runtime.app import open_assistant
from edge_runtime.cli_speech import load_transcriber
from edge_runtime.config import Settings
from edge_runtime.heap import HeapTrimmer, limit_arenas
from edge_runtime.rpc.auth import TokenInterceptor
from edge_runtime.rpc.generated.edge_assistant.v1 import assistant_pb2_grpc as pb_grpc
from edge_runtime.rpc.service import SERVICE_NAME, Backend, EdgeAssistantService
from edge_runtime.rpc.settings import DaemonOptions

logger = logging.getLogger(__name__)

#: Threads beyond the call limit: health checks and refusals (over the limit, no token) need one each
#: for a moment, and must not wait behind the calls that hold a thread for a whole conversation.
_SPARE_THREADS = 4
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
    """The daemon can't start as configured; the message says what to change."""


class _Health(health.HealthServicer):
    """grpc's health service, whose Watch streams end when the daemon stops.

    An open Watch never ends by itself, so without this every watching app or supervisor would hold
    shutdown for the whole grace period.
    """

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
    """A started server: bound, answering health checks, and attached to the models once they load."""

    server: grpc.Server
    health: _Health
    service: EdgeAssistantService
    trimmer: HeapTrimmer
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
        self.service.close()
        self.trimmer.close()


def _credentials(options: DaemonOptions) -> grpc.ServerCredentials | None:
    if options.tls_cert is None or options.tls_key is None:
        return None
    pems: list[bytes] = []
    for path in (options.tls_key, options.tls_cert):
        try:
            pems.append(path.read_bytes())
        except OSError as error:
            raise ServeError(f"can't read the TLS file {path}: {error.strerror or error}") from error
    return grpc.ssl_server_credentials([(pems[0], pems[1])])


def _bind(server: grpc.Server, options: DaemonOptions) -> int:
    credentials = _credentials(options)
    try:
        if credentials is None:
            port = server.add_insecure_port(options.address)
        else:
            port = server.add_secure_port(options.address, credentials)
    except RuntimeError as error:
        # grpc's own message only says that binding failed, and its log line above says why.
        raise ServeError(_BIND_PROBLEM.format(address=options.address)) from error
    if port == 0:
        raise ServeError(_BIND_PROBLEM.format(address=options.address))
    return port


@contextmanager
def run_server(options: DaemonOptions) -> Iterator[RunningServer]:
    """The server started on ``options``' address with health NOT_SERVING and no models; stopped on exit."""
    if not options.loopback and (options.tls_cert is None or options.token is None):
        logger.warning(
            "listening on %s without TLS and a client token (--insecure-allow-remote): anyone who can reach "
            "this address can read and move this customer's money",
            options.host,
        )
    status = _Health()
    for name in ("", SERVICE_NAME):
        status.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    trimmer = HeapTrimmer()
    service = EdgeAssistantService(
        options.max_concurrent_calls, options.partial_transcripts_interval_s, after_turn=trimmer.request
    )
    server = grpc.server(
        ThreadPoolExecutor(max_workers=options.max_concurrent_calls + _SPARE_THREADS, thread_name_prefix="edge-rpc"),
        interceptors=[TokenInterceptor(options.token)] if options.token is not None else [],
        options=[
            ("grpc.max_receive_message_length", options.max_message_bytes),
            ("grpc.max_send_message_length", options.max_message_bytes),
            # Without this a second daemon on the same port would bind too and take half the calls.
            ("grpc.so_reuseport", 0),
        ],
    )
    health_pb2_grpc.add_HealthServicer_to_server(status, server)
    pb_grpc.add_EdgeAssistantServicer_to_server(service, server)
    port = _bind(server, options)
    server.start()
    running = RunningServer(server, status, service, trimmer, port, options.grace_s)
    try:
        yield running
    finally:
        running.stop()


def serve(options: DaemonOptions, settings: Settings, stop: threading.Event) -> None:
    """Listen, load the models, serve until ``stop`` is set, then shut down gracefully."""
    # Before any thread starts, or glibc has fixed the cap: without it, and without the trims after each turn,
    # the daemon's RSS grew from 482 MiB to over 900 as its threads took turns (see edge_runtime/heap.py).
    limit_arenas()
    with run_server(options) as running:
        scheme = "TLS" if options.tls_cert is not None else "plaintext"
        logger.info(
            "listening on %s:%d (%s%s); NOT_SERVING while the models load",
            options.host,
            running.port,
            scheme,
            ", token required" if options.token is not None else "",
        )
        started = time.perf_counter()
        # Whisper first: CTranslate2 reads its float16 weights whole and quantizes them to int8, holding about
        # 100 MiB more than it keeps for a moment. Loaded first, that comes before the specialists' 250 MiB, not
        # on top of them: the daemon's peak RSS while loading went from 583 MiB to 481, its RSS once loaded.
        transcriber = load_transcriber(settings, None)
        with open_assistant(settings, trim_heap=False) as assistant:
            if not stop.is_set():
                running.service.attach(Backend(assistant, transcriber, settings.max_utterance_s))
                running.set_serving()
                logger.info("models loaded in %.1f s; SERVING", time.perf_counter() - started)
            wait_for_stop(stop)
            logger.info("stopping: NOT_SERVING; calls in flight get up to %g s to finish", options.grace_s)
            # Inside the assistant's block: calls finishing during the grace period still have the bank.
            running.stop()
    logger.info("stopped")
