"""The seam between the relay and a model: chat messages in, the answer streamed out in pieces.

A backend yields :class:`Delta` pieces and then exactly one :class:`Finished`, or raises: a
:class:`~cloud_relay.errors.BackendError` when it could not answer (the fallback list may try the next
backend, unless it already sent a piece, which it signals with
:class:`~cloud_relay.errors.StreamBrokenError`), or a :class:`~cloud_relay.errors.DeadlineError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from cloud_relay.deadline import Deadline


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Delta:
    """The answer's next piece of text."""

    text: str


@dataclass(frozen=True)
class Finished:
    """The answer is complete: who answered, and the tokens it cost."""

    backend: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    local_stand_in: bool = False


Event = Delta | Finished


class Backend(Protocol):
    """One model that answers chat messages."""

    @property
    def name(self) -> str: ...

    def stream(self, messages: Sequence[ChatMessage], max_tokens: int, deadline: Deadline) -> Iterator[Event]:
        """The answer to ``messages``, at most ``max_tokens`` long, finished before ``deadline`` or not at all."""
        ...


def estimate_tokens(text: str) -> int:
    """A token count for a backend that reports none: about four characters a token for English text.

    Only the daily budget uses it, where being off by a fifth matters less than counting nothing.
    """
    return max(1, (len(text) + 3) // 4) if text else 0
