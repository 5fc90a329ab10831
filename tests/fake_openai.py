"""A scripted OpenAI-compatible endpoint on loopback: the network edge of the relay's fault tests.

It speaks the real protocol (``POST /v1/chat/completions``, server-sent events ending in ``[DONE]``) and
answers each request with the next step of its script, then with ``answer()`` once the script is used up.
Every request is recorded, so a test can count how often the relay called it. A step that hangs waits at
most ``HANG_S`` and ends when the server closes, so no test leaves a thread behind.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HANG_S = 30.0
PIECES = ("Your savings ", "balance is ", "<AMOUNT_1>", ", so yes", ".")


@dataclass(frozen=True)
class Step:
    """What the endpoint does with one request.

    ``kind``: ``answer`` (stream ``pieces``, ``delay_s`` apart, the usage if asked and ``usage`` is set,
    then ``[DONE]``), ``status`` (answer HTTP ``status`` with ``retry_after`` if set), ``hang`` (say
    nothing), ``cut`` (stream ``pieces`` and close without ``[DONE]``).
    """

    kind: str
    pieces: tuple[str, ...] = PIECES
    status: int = 200
    retry_after: str | None = None
    usage: bool = True
    delay_s: float = 0.0


def answer(*pieces: str, usage: bool = True, delay_s: float = 0.0) -> Step:
    return Step("answer", pieces or PIECES, usage=usage, delay_s=delay_s)


def status(code: int, retry_after: str | None = None) -> Step:
    return Step("status", status=code, retry_after=retry_after)


def hang() -> Step:
    return Step("hang")


def cut(*pieces: str) -> Step:
    return Step("cut", pieces or PIECES[:2])


@dataclass
class Recorded:
    path: str
    authorization: str | None
    body: dict[str, Any]
    at: float


@dataclass
class FakeOpenAI:
    """The endpoint's script and what it received; ``url`` is its base URL (``.../v1``)."""

    server: ThreadingHTTPServer
    steps: deque[Step] = field(default_factory=deque)
    requests: list[Recorded] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def script(self, *steps: Step) -> None:
        """Answer the next requests with ``steps``, forgetting what was received so far."""
        with self.lock:
            self.steps = deque(steps)
            self.requests = []

    def next_step(self, recorded: Recorded) -> Step:
        with self.lock:
            self.requests.append(recorded)
            return self.steps.popleft() if self.steps else answer()


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: the body ends when the connection closes, as a stream that is cut off does too.
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            recorded = Recorded(self.path, self.headers.get("Authorization"), body, time.monotonic())
            step = fake.next_step(recorded)
            if step.kind == "hang":
                fake.released.wait(HANG_S)
                return
            if step.kind == "status":
                self.send_response(step.status)
                if step.retry_after is not None:
                    self.send_header("Retry-After", step.retry_after)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"error": {"message": f"scripted {step.status}"}}).encode())
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in step.pieces:
                if fake.released.wait(step.delay_s):
                    return
                self._event({"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
            if step.kind == "cut":
                return
            self._event({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            if step.usage and body.get("stream_options", {}).get("include_usage"):
                usage = {"prompt_tokens": 42, "completion_tokens": len(step.pieces), "total_tokens": 42}
                self._event({"choices": [], "usage": usage})
            self.wfile.write(b"data: [DONE]\n\n")

        def _event(self, data: dict[str, Any]) -> None:
            self.wfile.write(b"data: " + json.dumps(data).encode() + b"\n\n")
            self.wfile.flush()

    return Handler


@contextmanager
def fake_openai() -> Iterator[FakeOpenAI]:
    """A fake endpoint on a free loopback port, serving from a thread until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.daemon_threads = True
    fake = FakeOpenAI(server)
    server.RequestHandlerClass = _handler(fake)
    thread = threading.Thread(target=server.serve_forever, name="fake-openai", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.released.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
