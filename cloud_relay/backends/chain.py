"""The ordered fallback list: each backend in turn until one answers, within the one deadline of the call.

A backend that fails before it has sent a piece of the answer hands over to the next; one that fails
after is not replaced, since the device has already received the start of its answer (it then gets
UNAVAILABLE and discards the pieces). When the embedded local model is on the list it is last.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence

from cloud_relay.backends.base import Backend, ChatMessage, Delta, Event
from cloud_relay.backends.openai_compat import OpenAIBackend
from cloud_relay.deadline import Deadline
from cloud_relay.errors import BackendError, DeadlineError, StreamBrokenError
from cloud_relay.settings import RelaySettings

logger = logging.getLogger(__name__)


class FallbackChain:
    """Backends tried in order; itself a backend."""

    def __init__(self, backends: Sequence[Backend]) -> None:
        if not backends:
            raise ValueError("the fallback list is empty")
        self.backends = tuple(backends)

    @property
    def name(self) -> str:
        return ",".join(backend.name for backend in self.backends)

    def stream(self, messages: Sequence[ChatMessage], max_tokens: int, deadline: Deadline) -> Iterator[Event]:
        failures: list[str] = []
        for backend in self.backends:
            if deadline.expired():
                raise DeadlineError(_after("the call's deadline passed", failures))
            sent = False
            try:
                for event in backend.stream(messages, max_tokens, deadline):
                    sent = sent or isinstance(event, Delta)
                    yield event
                return
            except StreamBrokenError:
                raise
            except BackendError as error:
                if sent:  # a backend that didn't say so: still too late to switch
                    raise StreamBrokenError(str(error)) from error
                logger.warning("backend %s failed: %s", backend.name, error)
                failures.append(str(error))
        raise BackendError(_after("no backend could answer", failures))


def _after(what: str, failures: list[str]) -> str:
    return f"{what} ({'; '.join(failures)})" if failures else what


def build_chain(settings: RelaySettings, environ: Mapping[str, str] | None = None) -> FallbackChain:
    """The configured endpoints, then the local model when it is on; loading it takes a moment."""
    env = os.environ if environ is None else environ
    backends: list[Backend] = []
    for endpoint in settings.endpoints:
        key = None
        if endpoint.api_key_env is not None:
            key = env.get(endpoint.api_key_env)
            if not key:
                raise BackendError(
                    f"endpoint {endpoint.name} takes its API key from ${endpoint.api_key_env}, which is not set"
                )
        backends.append(OpenAIBackend(endpoint, key))
    if settings.uses_local:
        from cloud_relay.backends.local import LocalBackend

        backends.append(LocalBackend(settings.local_model_dir, settings.local_threads))
    return FallbackChain(backends)
