"""The relay's typed errors. Each says how to fix the problem; ``service._status`` turns them into gRPC codes."""

from __future__ import annotations


class RelayError(Exception):
    """A call the relay answers with an error; the message is the status's details (never the question)."""


class RequestError(RelayError, ValueError):
    """A request out of contract (INVALID_ARGUMENT)."""


class AuthError(RelayError):
    """A missing, unknown, revoked or expired device token (UNAUTHENTICATED)."""


class LimitError(RelayError):
    """The device is over its rate limit or its daily token budget (RESOURCE_EXHAUSTED)."""


class BusyError(RelayError):
    """The relay is answering as many calls as it may at once (RESOURCE_EXHAUSTED)."""


class NotReadyError(RelayError):
    """The backends are still loading (UNAVAILABLE)."""


class BackendError(RelayError):
    """A backend could not answer (UNAVAILABLE); the fallback list may try the next one."""


class StreamBrokenError(BackendError):
    """A backend's answer broke off after part of it had been sent on: no other backend may take over."""


class DeadlineError(RelayError):
    """The call's deadline passed before the answer was complete (DEADLINE_EXCEEDED)."""


class StateError(RelayError):
    """The relay's state database is unusable; the message names the file and what to do."""
