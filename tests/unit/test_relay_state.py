"""Device tokens, usage records and per-device limits, on a real SQLite state file and a clock the test moves."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cloud_relay.errors import AuthError, LimitError, StateError
from cloud_relay.limits import DailyBudget, Limits, RateLimiter
from cloud_relay.state import StateDB
from cloud_relay.tokens import TokenStore, check_device
from cloud_relay.usage import UsageLog, percentile

#: 2026-11-20 22:30:00 UTC: an hour and a half before the budget's day turns.
EVENING = datetime(2026, 11, 20, 22, 30, tzinfo=timezone.utc).timestamp()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(EVENING)


@pytest.fixture
def state(tmp_path: Path) -> Iterator[StateDB]:
    with StateDB(tmp_path / "nested" / "state.sqlite") as db:
        yield db


def test_when_a_token_is_created_then_only_its_hash_is_stored_and_it_names_its_device(
    state: StateDB, clock: Clock
) -> None:
    tokens = TokenStore(state, clock)
    token, info = tokens.create("kiosk-7")
    assert token.startswith(info.id + ".") and len(token) > 40
    assert tokens.device(token) == "kiosk-7"
    with sqlite3.connect(state.path) as db:
        stored = db.execute("SELECT hash FROM tokens").fetchone()[0]
    assert token not in stored and len(stored) == 64


@pytest.mark.parametrize(
    ("sent", "problem"),
    [
        (None, "needs a device token"),
        ("", "needs a device token"),
        ("tok_12345678.guessed", "not known to this relay"),
    ],
    ids=["missing", "empty", "unknown"],
)
def test_when_a_token_is_missing_or_unknown_then_auth_fails_saying_so(
    state: StateDB, clock: Clock, sent: str | None, problem: str
) -> None:
    TokenStore(state, clock).create("kiosk-7")
    with pytest.raises(AuthError, match=problem):
        TokenStore(state, clock).device(sent)


def test_when_a_token_expires_then_it_stops_working_at_that_moment(state: StateDB, clock: Clock) -> None:
    tokens = TokenStore(state, clock)
    token, info = tokens.create("kiosk-7", expires_in_days=2)
    clock.now += 2 * 86400 - 1
    assert tokens.device(token) == "kiosk-7"
    clock.now += 1
    with pytest.raises(AuthError, match=f"the device token {info.id} is expired"):
        tokens.device(token)
    assert [item.status(clock.now) for item in tokens.list()] == ["expired"]


def test_when_a_device_is_revoked_then_all_its_tokens_stop_and_other_devices_keep_theirs(
    state: StateDB, clock: Clock
) -> None:
    tokens = TokenStore(state, clock)
    first, _ = tokens.create("kiosk-7")
    second, _ = tokens.create("kiosk-7")
    other, other_info = tokens.create("phone-1")
    assert sorted(info.device for info in tokens.revoke("kiosk-7")) == ["kiosk-7", "kiosk-7"]
    for token in (first, second):
        with pytest.raises(AuthError, match="is revoked"):
            tokens.device(token)
    assert tokens.device(other) == "phone-1"
    assert tokens.revoke("kiosk-7") == []  # nothing left in force
    assert [info.id for info in tokens.revoke(other_info.id)] == [other_info.id]  # by token id


@pytest.mark.parametrize("device", ["", "a b", "x" * 65, "tok_12345678", "kiosk/7"])
def test_when_a_device_name_is_unusable_then_it_is_refused(device: str) -> None:
    with pytest.raises(ValueError, match="a device name is 1 to 64"):
        check_device(device)


def test_when_expiry_is_not_positive_then_no_token_is_made(state: StateDB, clock: Clock) -> None:
    with pytest.raises(ValueError, match="--expires-in-days must be more than 0"):
        TokenStore(state, clock).create("kiosk-7", expires_in_days=0)
    assert TokenStore(state, clock).list() == []


def test_when_the_state_file_is_not_a_database_then_the_error_names_it(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(StateError, match=f"can't open the state database {path}"):
        StateDB(path)


def test_when_calls_are_recorded_then_usage_reports_requests_errors_tokens_and_latency_per_device(
    state: StateDB, clock: Clock
) -> None:
    usage = UsageLog(state, clock)
    for number, latency in enumerate((100.0, 200.0, 300.0, 400.0)):
        call = usage.open("kiosk-7", f"req-{number:05d}")
        usage.add_tokens(call, "primary", "gpt-4.1-mini", 40, 10)
        usage.close(call, "OK", latency)
    usage.close(usage.open("kiosk-7", "req-failed"), "UNAVAILABLE", 5.0)
    usage.close(usage.open("kiosk-7", "req-00000", replayed=True), "OK", 1.0, replayed=True)
    usage.open("phone-1", "req-running")  # still running: a request, not an error
    report = {row.device: row for row in usage.report()}
    kiosk = report["kiosk-7"]
    assert (kiosk.requests, kiosk.errors, kiosk.tokens_in, kiosk.tokens_out) == (6, 1, 160, 40)
    assert (kiosk.p50_ms, kiosk.p95_ms) == (200.0, 400.0)
    assert (report["phone-1"].requests, report["phone-1"].errors, report["phone-1"].p50_ms) == (1, 0, None)
    assert [row.device for row in usage.report("phone-1")] == ["phone-1"]


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.5, None),
        ([7.0], 0.95, 7.0),
        ([4.0, 1.0, 3.0, 2.0], 0.5, 2.0),
        ([float(n) for n in range(1, 21)], 0.95, 19.0),
    ],
)
def test_when_a_percentile_is_taken_then_it_is_the_nearest_rank(
    values: list[float], fraction: float, expected: float | None
) -> None:
    assert percentile(values, fraction) == expected


def test_when_a_device_calls_faster_than_its_rate_then_it_waits_for_the_bucket_to_refill() -> None:
    clock = Clock(1000.0)
    limiter = RateLimiter(per_minute=3, clock=clock)
    for _ in range(3):
        limiter.admit("kiosk-7")  # a burst of up to the rate
    with pytest.raises(LimitError, match=r"over its rate limit of 3 requests per minute.*allowed in 20\.0 s"):
        limiter.admit("kiosk-7")
    limiter.admit("phone-1")  # each device has its own bucket
    clock.now += 20
    limiter.admit("kiosk-7")
    with pytest.raises(LimitError):
        limiter.admit("kiosk-7")


def test_when_the_rate_is_zero_then_there_is_no_limit() -> None:
    limiter = RateLimiter(per_minute=0, clock=Clock(0.0))
    for _ in range(1000):
        limiter.admit("kiosk-7")


def test_when_the_daily_budget_is_used_then_calls_are_refused_until_midnight_utc(state: StateDB, clock: Clock) -> None:
    usage = UsageLog(state, clock)
    limits = Limits(RateLimiter(0), DailyBudget(100, usage, clock))
    call = usage.open("kiosk-7", "req-00001")
    usage.add_tokens(call, "primary", "m", 60, 39)
    limits.admit("kiosk-7")  # 99 of 100: one more answer is allowed
    usage.add_tokens(usage.open("kiosk-7", "req-00002"), "primary", "m", 1, 0)
    with pytest.raises(LimitError) as spent:
        limits.admit("kiosk-7")
    assert str(spent.value) == (
        "device kiosk-7 has used its daily token budget (100 of 100 tokens); it resets at 00:00 UTC, in 1 h 30 min"
    )
    limits.admit("phone-1")
    clock.now += 90 * 60  # midnight UTC: a new day
    limits.admit("kiosk-7")
