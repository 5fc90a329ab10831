"""Request ids: a request retried with the same id by the same device runs once.

A run is kept apart from the call that started it. It writes its answer's pieces here as they come, and
every call for its request id reads them: the first call live, a retry that arrives meanwhile from the
start and then live, a retry after the end all at once with ``Done.replayed``. The run goes on when its
first caller hangs up, up to the latest deadline of the calls that wait for it: the usual reason for a
retry is a connection that dropped, and the retry then gets the answer already paid for instead of a
second one. A run that failed is forgotten at once, so a retry runs again; one that succeeded is kept for
``ttl_s`` (the contract promises at least 10 minutes).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Final

from cloud_relay.backends.base import Finished
from cloud_relay.deadline import Deadline
from cloud_relay.errors import DeadlineError, RelayError, RequestError

#: Finished runs kept at most, whatever their age: a bound on memory under a flood of request ids.
MAX_KEPT: Final[int] = 100_000
#: How often a waiting call looks whether its client is still there.
_POLL_S: Final[float] = 0.25

Key = tuple[str, str]  # (device, request_id)


class Run:
    """One execution of a request id: its pieces so far, then its end (an answer or an error)."""

    def __init__(self, key: Key, fingerprint: str, deadline: Deadline, call: int) -> None:
        self.key = key
        self.fingerprint = fingerprint
        self.deadline = deadline
        #: The usage record of the call that started the run: the run's tokens are charged to it.
        self.call = call
        self.ended_at: float | None = None
        self._changed = threading.Condition()
        self._pieces: list[str] = []
        self._finished: Finished | None = None
        self._error: RelayError | None = None

    @property
    def succeeded(self) -> bool:
        return self._finished is not None

    def publish(self, text: str) -> None:
        with self._changed:
            self._pieces.append(text)
            self._changed.notify_all()

    def finish(self, finished: Finished, now: float) -> None:
        with self._changed:
            self._finished, self.ended_at = finished, now
            self._changed.notify_all()

    def fail(self, error: RelayError, now: float) -> None:
        with self._changed:
            self._error, self.ended_at = error, now
            self._changed.notify_all()

    def follow(self, deadline: Deadline, alive: Callable[[], bool]) -> Iterator[str | Finished]:
        """The pieces from the first, then the :class:`Finished`; raises the run's error, or
        :class:`DeadlineError` when ``deadline`` (the caller's) passes first. Stops early, quietly, once
        ``alive()`` says the caller has gone.
        """
        sent = 0
        while True:
            with self._changed:
                while sent == len(self._pieces) and self.ended_at is None:
                    # The deadline first: a client whose deadline passed is also no longer "alive".
                    if deadline.expired():
                        raise DeadlineError("the deadline passed before the answer was complete")
                    if not alive():
                        return
                    self._changed.wait(timeout=min(deadline.remaining(), _POLL_S))
                pieces = self._pieces[sent:]
                ended, finished, error = self.ended_at is not None, self._finished, self._error
            sent += len(pieces)
            yield from pieces
            if ended:
                if error is not None:
                    raise error
                if finished is not None:
                    yield finished
                return


class Ledger:
    """The runs by (device, request id): running ones, and finished ones for ``ttl_s``."""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic, max_kept: int = MAX_KEPT) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._max_kept = max_kept
        self._lock = threading.Lock()
        self._runs: dict[Key, Run] = {}
        # The finished runs kept for replays, oldest first: purging looks at the front only.
        self._kept: OrderedDict[Key, float] = OrderedDict()

    def now(self) -> float:
        return self._clock()

    def find(self, key: Key) -> Run | None:
        with self._lock:
            self._purge()
            return self._runs.get(key)

    def claim(self, key: Key, fingerprint: str, start: Callable[[], Run]) -> tuple[Run, bool]:
        """The run of ``key``, and whether this call started it (``start()`` makes a new one if none)."""
        with self._lock:
            self._purge()
            run = self._runs.get(key)
            if run is not None:
                if run.fingerprint != fingerprint:
                    raise RequestError(
                        f"request_id {key[1]} was already used by this device for another question; "
                        "give each question its own id"
                    )
                return run, False
            run = start()
            self._runs[key] = run
            return run, True

    def settle(self, run: Run) -> None:
        """After the run's end: keep an answer for replays, forget a failure so that a retry runs again."""
        with self._lock:
            if self._runs.get(run.key) is run:
                if run.succeeded:
                    self._kept[run.key] = run.ended_at if run.ended_at is not None else self._clock()
                else:
                    del self._runs[run.key]
            self._purge()

    def running(self) -> list[Run]:
        with self._lock:
            return [run for run in self._runs.values() if run.ended_at is None]

    def _purge(self) -> None:
        """Drop finished runs older than ``ttl_s``, and the oldest beyond ``max_kept``."""
        oldest_kept = self._clock() - self.ttl_s
        while self._kept:
            key, ended_at = next(iter(self._kept.items()))
            if ended_at >= oldest_kept and len(self._kept) <= self._max_kept:
                break
            del self._kept[key]
            del self._runs[key]
