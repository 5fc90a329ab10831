"""Per-device limits: a request rate (token bucket) and a daily token budget (per UTC day).

Both are checked when a call would start a new run; a retry that joins or replays an earlier run costs
the frontier nothing and is let through. The refusal says which limit and when it lets the device in
again, so the edge can tell its user something true.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from cloud_relay.errors import LimitError
from cloud_relay.usage import UsageLog


class RateLimiter:
    """``per_minute`` calls a minute per device, in bursts of up to ``per_minute``; 0 means no limit.

    A bucket per device holds up to ``per_minute`` tokens and refills at ``per_minute`` a minute; a call
    takes one. Buckets live in memory: a restart forgives the last minute, which costs little.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # device -> (tokens, when counted)

    def admit(self, device: str) -> None:
        """Take one call from the device's bucket, or raise :class:`LimitError` with the wait."""
        if self.per_minute == 0:
            return
        rate = self.per_minute / 60.0
        with self._lock:
            now = self._clock()
            tokens, then = self._buckets.get(device, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - then) * rate)
            if tokens < 1.0:
                self._buckets[device] = (tokens, now)
                wait = (1.0 - tokens) / rate
                raise LimitError(
                    f"device {device} is over its rate limit of {self.per_minute} requests per minute; "
                    f"it resets gradually: the next request is allowed in {math.ceil(wait * 10) / 10:.1f} s"
                )
            self._buckets[device] = (tokens - 1.0, now)


class DailyBudget:
    """``tokens`` prompt plus answer tokens per device per UTC day; 0 means no limit.

    A call is let in while the day's total is below the budget, so the last answer of a day may go over
    it by one answer; the cap on answer tokens bounds by how much.
    """

    def __init__(self, tokens: int, usage: UsageLog, clock: Callable[[], float] = time.time) -> None:
        self.tokens = tokens
        self._usage = usage
        self._clock = clock

    def admit(self, device: str) -> None:
        if self.tokens == 0:
            return
        used = self._usage.tokens_today(device)
        if used >= self.tokens:
            now = datetime.fromtimestamp(self._clock(), timezone.utc)
            midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), timezone.utc)
            left = int((midnight - now).total_seconds())
            raise LimitError(
                f"device {device} has used its daily token budget ({used} of {self.tokens} tokens); it resets at "
                f"00:00 UTC, in {left // 3600} h {left % 3600 // 60} min"
            )


class Limits:
    """Both limits, the budget first: a device out of budget should not also spend its rate."""

    def __init__(self, rate: RateLimiter, budget: DailyBudget) -> None:
        self.rate = rate
        self.budget = budget

    def admit(self, device: str) -> None:
        self.budget.admit(device)
        self.rate.admit(device)
