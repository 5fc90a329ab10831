"""A point in time that a run must finish by: the edge's gRPC deadline, carried down to every backend call."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Deadline:
    """A monotonic deadline that can move later (a retry joins the run) or be cut short (shutdown)."""

    def __init__(self, at: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._at = at
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls(clock() + seconds, clock)

    @property
    def at(self) -> float:
        return self._at

    def remaining(self) -> float:
        """Seconds left, never below 0."""
        return max(self._at - self._clock(), 0.0)

    def expired(self) -> bool:
        return self._clock() >= self._at

    def bound(self, seconds: float) -> float:
        """``seconds``, or less when the deadline comes first: every wait and socket timeout goes through this."""
        return min(seconds, self.remaining())

    def extend_to(self, at: float) -> None:
        """Move the deadline to ``at`` if that is later."""
        with self._lock:
            self._at = max(self._at, at)

    def cut(self) -> None:
        """Make the deadline pass now: the run stops at its next check."""
        with self._lock:
            self._at = min(self._at, self._clock())
