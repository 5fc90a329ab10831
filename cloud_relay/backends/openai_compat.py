"""Any OpenAI-compatible chat-completions endpoint, streamed: OpenAI itself, Azure's, vLLM, llama.cpp's server.

The standard library's ``http.client`` is enough for one streamed POST, and keeps the relay free of an
HTTP client dependency. The answer arrives as server-sent events, one ``data: {json}`` line per piece and
``data: [DONE]`` at the end; the relay asks for a last event with the token usage
(``stream_options.include_usage``) and counts for itself when an endpoint sends none.

Retries: HTTP 429 and 5xx are tried again after a backoff that doubles each time, with jitter so that many
relays don't retry in step, or after the endpoint's own ``Retry-After``; but never past the call's
deadline, and never once a piece of the answer has been sent on to the device, since the device would then
hear the start of the answer twice.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from email.utils import parsedate_to_datetime
from typing import Any, Final
from urllib.parse import urlsplit

from cloud_relay.backends.base import ChatMessage, Delta, Event, Finished, estimate_tokens
from cloud_relay.deadline import Deadline
from cloud_relay.errors import BackendError, DeadlineError, StreamBrokenError
from cloud_relay.settings import Endpoint

logger = logging.getLogger(__name__)

#: The longest a backoff grows to between two tries of one endpoint.
MAX_BACKOFF_S: Final[float] = 8.0
#: Longer SSE lines than this are not an answer's piece; refusing them bounds the memory a bad endpoint costs.
MAX_LINE_BYTES: Final[int] = 1 << 20
_RETRIED_STATUSES: Final[frozenset[int]] = frozenset({429, 500, 502, 503, 504})


class _RetryableError(Exception):
    """An answer that may come on another try: HTTP 429 or 5xx, with the endpoint's ``Retry-After`` if any."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date; ``None`` when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        return max(parsedate_to_datetime(value).timestamp() - now(), 0.0)
    except (TypeError, ValueError):
        return None


def sse_payloads(lines: Iterator[bytes]) -> Iterator[str]:
    """The ``data`` of each server-sent event; an event's several ``data:`` lines are joined with newlines."""
    data: list[str] = []
    for raw in lines:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if data:
                yield "\n".join(data)
                data = []
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        # Other fields (event:, id:, retry:) and comments (":") carry nothing this client needs.
    if data:
        yield "\n".join(data)


class OpenAIBackend:
    """One endpoint of the fallback list."""

    local_stand_in = False

    def __init__(
        self,
        endpoint: Endpoint,
        api_key: str | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.endpoint = endpoint
        self._api_key = api_key
        self._sleep = sleep
        self._jitter = jitter
        parts = urlsplit(endpoint.base_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
        self._path = parts.path.rstrip("/") + "/chat/completions"
        self._ssl = ssl.create_default_context() if self._https else None

    @property
    def name(self) -> str:
        return self.endpoint.name

    def stream(self, messages: Sequence[ChatMessage], max_tokens: int, deadline: Deadline) -> Iterator[Event]:
        body = json.dumps(
            {
                "model": self.endpoint.model,
                "messages": [{"role": message.role, "content": message.content} for message in messages],
                "max_tokens": max_tokens,
                "temperature": 0,
                "stream": True,
                "stream_options": {"include_usage": True},
            }
        ).encode("utf-8")
        attempt = 0
        while True:
            try:
                connection, response = self._post(body, deadline)
                break
            except _RetryableError as retry:
                if attempt >= self.endpoint.max_retries:
                    raise BackendError(f"{self.name} answered {retry} to {attempt + 1} tries") from None
                wait = retry.retry_after if retry.retry_after is not None else self._backoff(attempt)
                if wait >= deadline.remaining():
                    raise BackendError(
                        f"{self.name} answered {retry} and asks to wait {wait:.1f} s, beyond the call's deadline"
                    ) from None
                logger.info("%s answered %s; try %d in %.2f s", self.name, retry, attempt + 2, wait)
                self._sleep(wait)
                attempt += 1
        try:
            yield from self._read(connection, response, messages, deadline)
        finally:
            # Closing the socket is how an abandoned answer tells the endpoint to stop generating.
            connection.close()

    def _backoff(self, attempt: int) -> float:
        return min(MAX_BACKOFF_S, self.endpoint.backoff_s * 2.0**attempt) * (0.5 + self._jitter())

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        return headers

    def _post(self, body: bytes, deadline: Deadline) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        """The connection and the response's head, once the status says an answer follows."""
        if deadline.expired():
            raise DeadlineError("the deadline passed before the backend was called")
        timeout = deadline.bound(self.endpoint.connect_timeout_s)
        connection: http.client.HTTPConnection
        if self._https:
            connection = http.client.HTTPSConnection(self._host, self._port, timeout=timeout, context=self._ssl)
        else:
            connection = http.client.HTTPConnection(self._host, self._port, timeout=timeout)
        try:
            connection.connect()
            self._read_timeout(connection, deadline)
            connection.request("POST", self._path, body=body, headers=self._headers())
            response = connection.getresponse()
        except TimeoutError:
            connection.close()
            raise self._timeout(deadline, "before the answer began") from None
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise BackendError(f"{self.name} can't be reached: {_reason(error)}") from None
        if response.status == 200:
            return connection, response
        detail = response.read(4096).decode("utf-8", "replace")
        retry_after = parse_retry_after(response.getheader("Retry-After"))
        connection.close()
        # The endpoint's error text can quote the request: DEBUG only.
        logger.debug("%s answered HTTP %d: %s", self.name, response.status, detail)
        if response.status in _RETRIED_STATUSES:
            raise _RetryableError(response.status, retry_after)
        raise BackendError(f"{self.name} refused the call with HTTP {response.status} {response.reason}")

    def _read_timeout(self, connection: http.client.HTTPConnection, deadline: Deadline) -> None:
        """The next wait for the endpoint: its read timeout, or what is left of the call if that is less."""
        seconds = deadline.bound(self.endpoint.read_timeout_s)
        if seconds <= 0:
            raise TimeoutError
        if connection.sock is not None:
            connection.sock.settimeout(seconds)

    def _timeout(self, deadline: Deadline, when: str) -> Exception:
        if deadline.expired():
            return DeadlineError(f"the call's deadline passed while {self.name} was answering")
        return BackendError(f"{self.name} sent nothing for {self.endpoint.read_timeout_s:g} s {when}")

    def _read(
        self,
        connection: http.client.HTTPConnection,
        response: http.client.HTTPResponse,
        messages: Sequence[ChatMessage],
        deadline: Deadline,
    ) -> Iterator[Event]:
        pieces = 0
        usage: dict[str, Any] | None = None
        finished = False

        def lines() -> Iterator[bytes]:
            while True:
                self._read_timeout(connection, deadline)
                line = response.readline(MAX_LINE_BYTES)
                if not line:
                    return
                yield line

        def broken(reason: str) -> BackendError:
            if pieces:
                return StreamBrokenError(f"{self.name}'s answer broke off after {pieces} pieces: {reason}")
            return BackendError(f"{self.name} sent no answer: {reason}")

        if "json" in (response.getheader("Content-Type") or ""):
            # An endpoint that ignores "stream": the whole answer as one completion object.
            yield from self._whole(response, messages)
            return
        try:
            for payload in sse_payloads(lines()):
                if payload.strip() == "[DONE]":
                    finished = True
                    break
                try:
                    chunk = json.loads(payload)
                except json.JSONDecodeError:
                    raise broken("an event that is not JSON") from None
                if not isinstance(chunk, dict):
                    raise broken("an event that is not a JSON object")
                if chunk.get("error"):
                    logger.debug("%s streamed an error: %s", self.name, chunk["error"])
                    raise broken("it streamed an error")
                if isinstance(chunk.get("usage"), dict):
                    usage = chunk["usage"]
                text = _delta_text(chunk)
                if text:
                    pieces += 1
                    yield Delta(text)
        except TimeoutError:
            if deadline.expired():
                raise DeadlineError(f"the call's deadline passed while {self.name} was answering") from None
            raise broken(f"nothing for {self.endpoint.read_timeout_s:g} s") from None
        except (OSError, http.client.HTTPException, UnicodeDecodeError) as error:
            raise broken(_reason(error)) from None
        if not finished:
            raise broken("the stream ended without [DONE]")
        yield self._finished(usage, messages, pieces)

    def _whole(self, response: http.client.HTTPResponse, messages: Sequence[ChatMessage]) -> Iterator[Event]:
        try:
            data = json.loads(response.read())
            text = data["choices"][0]["message"]["content"] or ""
        except (OSError, http.client.HTTPException, ValueError, KeyError, IndexError, TypeError) as error:
            raise BackendError(f"{self.name} sent an answer that is not a chat completion: {_reason(error)}") from None
        if text:
            yield Delta(text)
        yield self._finished(data.get("usage"), messages, estimate_tokens(text))

    def _finished(self, usage: Any, messages: Sequence[ChatMessage], pieces: int) -> Finished:
        prompt_tokens = completion_tokens = None
        if isinstance(usage, dict):
            prompt_tokens = _count(usage.get("prompt_tokens"))
            completion_tokens = _count(usage.get("completion_tokens"))
        if prompt_tokens is None:
            prompt_tokens = sum(estimate_tokens(message.content) + 4 for message in messages)
        if completion_tokens is None:
            # Endpoints stream about one token per event.
            completion_tokens = pieces
        return Finished(self.name, self.endpoint.model, prompt_tokens, completion_tokens)


def _delta_text(chunk: dict[str, Any]) -> str:
    choices = chunk.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return ""
    delta = choices[0].get("delta")
    content = delta.get("content") if isinstance(delta, dict) else None
    return content if isinstance(content, str) else ""


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _reason(error: BaseException) -> str:
    if isinstance(error, socket.gaierror):
        return "its host name does not resolve"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
