"""Usage per device: one record per call (its outcome and latency), with the tokens of the run it started.

The daily budget is read from the same records, so what ``cloud-relay usage`` reports is what the limit
counts. A call that replays an earlier answer is a request but costs no tokens.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from cloud_relay.state import StateDB

RUNNING = "RUNNING"


def utc_day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).date().isoformat()


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile (``fraction`` 0.5 is the median); ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


@dataclass(frozen=True)
class DeviceUsage:
    """One device's totals. Latencies are of the calls that succeeded, whole answers included."""

    device: str
    requests: int
    errors: int
    tokens_in: int
    tokens_out: int
    p50_ms: float | None
    p95_ms: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class UsageLog:
    """The call records in the state database."""

    def __init__(self, db: StateDB, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    def open(self, device: str, request_id: str, replayed: bool = False) -> int:
        """Record a call as it starts; the record's id."""
        now = self._clock()
        with self._db.transaction() as db:
            cursor = db.execute(
                "INSERT INTO calls (device, request_id, day, started_at, status, replayed) VALUES (?, ?, ?, ?, ?, ?)",
                (device, request_id[:128], utc_day(now), now, RUNNING, int(replayed)),
            )
            return int(cursor.lastrowid or 0)

    def close(self, call: int, status: str, latency_ms: float, replayed: bool = False) -> None:
        with self._db.transaction() as db:
            db.execute(
                "UPDATE calls SET status = ?, latency_ms = ?, replayed = ? WHERE id = ?",
                (status, latency_ms, int(replayed), call),
            )

    def add_tokens(self, call: int, backend: str, model: str, prompt_tokens: int, completion_tokens: int) -> None:
        """Charge a run's tokens to the call that started it (whether or not its client is still there)."""
        with self._db.transaction() as db:
            db.execute(
                "UPDATE calls SET backend = ?, model = ?, prompt_tokens = prompt_tokens + ?, "
                "completion_tokens = completion_tokens + ? WHERE id = ?",
                (backend, model, prompt_tokens, completion_tokens, call),
            )

    def tokens_today(self, device: str) -> int:
        """Prompt and answer tokens the device used in the current UTC day."""
        rows = self._db.query(
            "SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM calls WHERE device = ? AND day = ?",
            (device, utc_day(self._clock())),
        )
        return int(rows[0][0])

    def report(self, device: str | None = None) -> list[DeviceUsage]:
        """Every device's totals (or one device's), by device name."""
        where, parameters = ("WHERE device = ?", (device,)) if device is not None else ("", ())
        rows = self._db.query(
            "SELECT device, status, prompt_tokens, completion_tokens, latency_ms FROM calls " + where, parameters
        )
        by_device: dict[str, list[tuple[Any, ...]]] = {}
        for row in rows:
            by_device.setdefault(row[0], []).append(row)
        report = []
        for name in sorted(by_device):
            calls = by_device[name]
            latencies = [latency for _, status, _, _, latency in calls if status == "OK" and latency is not None]
            report.append(
                DeviceUsage(
                    device=name,
                    requests=len(calls),
                    errors=sum(1 for call in calls if call[1] not in ("OK", RUNNING)),
                    tokens_in=sum(call[2] for call in calls),
                    tokens_out=sum(call[3] for call in calls),
                    p50_ms=percentile(latencies, 0.50),
                    p95_ms=percentile(latencies, 0.95),
                )
            )
        return report
