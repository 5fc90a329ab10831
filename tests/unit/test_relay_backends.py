"""The backends: OpenAI-compatible against a scripted endpoint on loopback, the fallback list, the local model."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from cloud_relay.backends.base import ChatMessage, Delta, Event, Finished
from cloud_relay.backends.chain import FallbackChain, build_chain
from cloud_relay.backends.local import LocalModelError, chat_prompt
from cloud_relay.backends.openai_compat import OpenAIBackend, parse_retry_after, sse_payloads
from cloud_relay.deadline import Deadline
from cloud_relay.errors import BackendError, DeadlineError, StreamBrokenError
from cloud_relay.settings import Endpoint, RelaySettings
from tests.fake_openai import PIECES, FakeOpenAI, answer, cut, fake_openai, hang, status

MESSAGES = (ChatMessage("system", "Be brief."), ChatMessage("user", "Question: Can I afford it?"))


@pytest.fixture(scope="module")
def server() -> Iterator[FakeOpenAI]:
    with fake_openai() as fake:
        yield fake


@pytest.fixture
def endpoint(server: FakeOpenAI) -> FakeOpenAI:
    server.script()
    return server


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def _backend(fake: FakeOpenAI, sleeps: Sleeps | None = None, **fields: object) -> OpenAIBackend:
    values: dict[str, object] = {"max_retries": 2, "backoff_s": 0.5, "read_timeout_s": 0.5, "connect_timeout_s": 1}
    values.update(fields)
    config = Endpoint(fake.url, "frontier-test", "primary", **values)  # type: ignore[arg-type]
    return OpenAIBackend(config, "sk-test", sleep=sleeps or Sleeps(), jitter=lambda: 0.5)


def _events(backend: OpenAIBackend | FallbackChain, seconds: float = 10) -> list[Event]:
    return list(backend.stream(MESSAGES, 32, Deadline.after(seconds)))


def test_when_the_endpoint_streams_then_the_pieces_and_its_usage_come_through(endpoint: FakeOpenAI) -> None:
    events = _events(_backend(endpoint))
    assert events == [*(Delta(piece) for piece in PIECES), Finished("primary", "frontier-test", 42, 5)]
    sent = endpoint.requests[0]
    assert sent.path == "/v1/chat/completions" and sent.authorization == "Bearer sk-test"
    assert sent.body["stream"] is True and sent.body["stream_options"] == {"include_usage": True}
    assert sent.body["max_tokens"] == 32 and sent.body["model"] == "frontier-test"
    assert sent.body["messages"] == [{"role": m.role, "content": m.content} for m in MESSAGES]


def test_when_the_endpoint_sends_no_usage_then_the_relay_counts(endpoint: FakeOpenAI) -> None:
    endpoint.script(answer("a", "b", "c", usage=False))
    finished = _events(_backend(endpoint))[-1]
    assert isinstance(finished, Finished)
    assert finished.completion_tokens == 3 and finished.prompt_tokens > 8


def test_when_the_endpoint_answers_429_and_5xx_then_it_backs_off_exponentially_and_tries_again(
    endpoint: FakeOpenAI,
) -> None:
    endpoint.script(status(429), status(503))
    sleeps = Sleeps()
    events = _events(_backend(endpoint, sleeps))
    assert len(endpoint.requests) == 3 and isinstance(events[-1], Finished)
    assert sleeps.waits == [0.5, 1.0]  # 0.5 s doubled, jitter at its middle


def test_when_the_endpoint_says_retry_after_then_that_wait_is_used(endpoint: FakeOpenAI) -> None:
    endpoint.script(status(429, retry_after="3"))
    sleeps = Sleeps()
    _events(_backend(endpoint, sleeps))
    assert sleeps.waits == [3.0]


def test_when_retry_after_is_beyond_the_deadline_then_the_endpoint_fails_at_once(endpoint: FakeOpenAI) -> None:
    endpoint.script(status(429, retry_after="120"))
    sleeps = Sleeps()
    with pytest.raises(BackendError, match=r"asks to wait 120\.0 s, beyond the call's deadline"):
        _events(_backend(endpoint, sleeps), seconds=10)
    assert sleeps.waits == []


def test_when_the_retries_are_used_up_then_the_endpoint_fails_with_its_status(endpoint: FakeOpenAI) -> None:
    endpoint.script(status(500), status(500), status(500))
    with pytest.raises(BackendError, match="primary answered HTTP 500 to 3 tries"):
        _events(_backend(endpoint))


@pytest.mark.parametrize("code", [400, 401, 404])
def test_when_the_endpoint_refuses_the_call_then_it_is_not_retried(endpoint: FakeOpenAI, code: int) -> None:
    endpoint.script(status(code))
    with pytest.raises(BackendError, match=f"refused the call with HTTP {code}"):
        _events(_backend(endpoint))
    assert len(endpoint.requests) == 1


def test_when_the_stream_is_cut_after_a_piece_then_the_error_says_no_other_backend_may_take_over(
    endpoint: FakeOpenAI,
) -> None:
    endpoint.script(cut("Your ", "balance "))
    stream = _backend(endpoint).stream(MESSAGES, 32, Deadline.after(10))
    assert [next(stream), next(stream)] == [Delta("Your "), Delta("balance ")]
    with pytest.raises(StreamBrokenError, match="broke off after 2 pieces: the stream ended without \\[DONE\\]"):
        next(stream)
    assert len(endpoint.requests) == 1


def test_when_the_endpoint_is_silent_then_the_read_timeout_or_the_deadline_ends_the_wait(endpoint: FakeOpenAI) -> None:
    endpoint.script(hang(), hang())
    started = time.monotonic()
    with pytest.raises(BackendError, match=r"sent nothing for 0\.5 s"):
        _events(_backend(endpoint, read_timeout_s=0.5), seconds=10)
    with pytest.raises(DeadlineError):
        _events(_backend(endpoint, read_timeout_s=30), seconds=0.3)
    assert time.monotonic() - started < 2


def test_when_the_endpoint_cannot_be_reached_then_the_error_says_so() -> None:
    config = Endpoint("http://127.0.0.1:9/v1", "m", "closed", connect_timeout_s=1)
    with pytest.raises(BackendError, match="closed can't be reached"):
        list(OpenAIBackend(config).stream(MESSAGES, 8, Deadline.after(5)))


def test_when_the_deadline_has_passed_then_the_endpoint_is_not_called(endpoint: FakeOpenAI) -> None:
    with pytest.raises(DeadlineError):
        _events(_backend(endpoint), seconds=0)
    assert endpoint.requests == []


@pytest.mark.parametrize(
    ("lines", "payloads"),
    [
        ([b"data: {}\n", b"\n", b"data: [DONE]\n", b"\n"], ["{}", "[DONE]"]),
        ([b": keep-alive\n", b"\n", b"event: x\n", b"data:a\n", b"data: b\n", b"\n"], ["a\nb"]),
        ([b"data: tail-without-blank-line\r\n"], ["tail-without-blank-line"]),
    ],
    ids=["events", "comments-and-multiline", "unterminated"],
)
def test_when_server_sent_events_are_read_then_each_events_data_comes_out(
    lines: list[bytes], payloads: list[str]
) -> None:
    assert list(sse_payloads(iter(lines))) == payloads


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(None, None), ("", None), ("2", 2.0), ("-4", 0.0), ("soon", None), ("HTTP-DATE", 30.0)],
)
def test_when_retry_after_is_read_then_seconds_and_dates_are_understood(
    value: str | None, seconds: float | None
) -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc).timestamp()
    if value == "HTTP-DATE":
        value = format_datetime(datetime(2026, 11, 20, 12, 0, 30, tzinfo=timezone.utc), usegmt=True)
    assert parse_retry_after(value, lambda: now) == seconds


class Scripted:
    """A backend that yields ``events`` and then raises ``error``, if any."""

    def __init__(self, name: str, events: Sequence[Event] = (), error: Exception | None = None) -> None:
        self.name = name
        self._events = events
        self._error = error
        self.calls = 0

    def stream(self, messages: Sequence[ChatMessage], max_tokens: int, deadline: Deadline) -> Iterator[Event]:
        self.calls += 1
        yield from self._events
        if self._error is not None:
            raise self._error


def test_when_the_first_backend_fails_before_answering_then_the_next_one_answers() -> None:
    down = Scripted("primary", error=BackendError("primary answered HTTP 503 to 3 tries"))
    up = Scripted("fallback", [Delta("Yes."), Finished("fallback", "m", 1, 1)])
    assert _events(FallbackChain([down, up])) == [Delta("Yes."), Finished("fallback", "m", 1, 1)]


def test_when_a_backend_fails_after_a_piece_then_no_other_backend_is_tried() -> None:
    broken = Scripted("primary", [Delta("Yes")], BackendError("connection reset"))
    spare = Scripted("fallback", [Finished("fallback", "m", 1, 0)])
    with pytest.raises(StreamBrokenError, match="connection reset"):
        _events(FallbackChain([broken, spare]))
    assert spare.calls == 0


def test_when_every_backend_fails_then_the_error_lists_each_reason_in_order() -> None:
    chain = FallbackChain([Scripted("a", error=BackendError("a is down")), Scripted("b", error=BackendError("b 500"))])
    with pytest.raises(BackendError, match=r"^no backend could answer \(a is down; b 500\)$"):
        _events(chain)


def test_when_the_deadline_passes_then_the_chain_does_not_try_the_next_backend() -> None:
    slow = Scripted("a", error=DeadlineError("the call's deadline passed while a was answering"))
    spare = Scripted("b", [Finished("b", "m", 1, 0)])
    with pytest.raises(DeadlineError):
        _events(FallbackChain([slow, spare]))
    assert spare.calls == 0


def test_when_the_local_model_folder_is_missing_then_the_error_lists_what_exists_and_how_to_build_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "adapters").mkdir()
    settings = RelaySettings(state=tmp_path / "state.sqlite", local_model_dir=tmp_path / "int8")
    with pytest.raises(LocalModelError) as missing:
        build_chain(settings, {})
    message = str(missing.value)
    assert f"no local model in {tmp_path / 'int8'}" in message and "genai_config.json" in message
    assert f"{tmp_path} holds: adapters" in message and "python -m export prepare" in message


def test_when_messages_are_rendered_for_smollm2_then_its_chat_template_is_used() -> None:
    assert chat_prompt(MESSAGES) == (
        "<|im_start|>system\nBe brief.<|im_end|>\n"
        "<|im_start|>user\nQuestion: Can I afford it?<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
