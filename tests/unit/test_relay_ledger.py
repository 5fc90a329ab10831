"""Request ids: one run per (device, request id), followed live or replayed, forgotten when it failed."""

from __future__ import annotations

import threading

import pytest

from cloud_relay.backends.base import Finished
from cloud_relay.deadline import Deadline
from cloud_relay.errors import BackendError, DeadlineError, RequestError
from cloud_relay.ledger import Ledger, Run

FINISHED = Finished("primary", "m", 10, 2)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _run(key: tuple[str, str] = ("kiosk-7", "req-00000001"), fingerprint: str = "f") -> Run:
    return Run(key, fingerprint, Deadline.after(30), call=1)


def _always() -> bool:
    return True


def test_when_a_run_is_followed_while_it_streams_then_every_piece_comes_in_order_then_its_end() -> None:
    run = _run()

    def stream() -> None:
        for piece in ("Your ", "balance ", "is fine."):
            run.publish(piece)
        run.finish(FINISHED, 1.0)

    writer = threading.Thread(target=stream)
    writer.start()
    followed = list(run.follow(Deadline.after(5), _always))
    writer.join()
    assert followed == ["Your ", "balance ", "is fine.", FINISHED]
    # A later follower gets the same from the start.
    assert list(run.follow(Deadline.after(5), _always)) == followed


def test_when_a_run_fails_then_its_followers_get_the_pieces_then_the_error() -> None:
    run = _run()
    run.publish("Your ")
    run.fail(BackendError("broke off"), 1.0)
    followed = run.follow(Deadline.after(5), _always)
    assert next(followed) == "Your "
    with pytest.raises(BackendError, match="broke off"):
        next(followed)


def test_when_the_followers_deadline_passes_first_then_it_gets_deadline_exceeded() -> None:
    with pytest.raises(DeadlineError):
        list(_run().follow(Deadline.after(0.05), _always))


def test_when_the_follower_hangs_up_then_following_stops_quietly() -> None:
    assert list(_run().follow(Deadline.after(5), lambda: False)) == []


def test_when_a_request_id_is_claimed_twice_then_the_second_claim_joins_the_first_run() -> None:
    ledger = Ledger(ttl_s=600, clock=Clock())
    started: list[Run] = []

    def start() -> Run:
        started.append(_run())
        return started[-1]

    first, created = ledger.claim(("kiosk-7", "req-00000001"), "f", start)
    again, created_again = ledger.claim(("kiosk-7", "req-00000001"), "f", start)
    other, created_other = ledger.claim(("phone-1", "req-00000001"), "f", start)  # ids are per device
    assert (created, created_again, created_other) == (True, False, True)
    assert again is first and other is not first and len(started) == 2
    with pytest.raises(RequestError, match="already used by this device for another question"):
        ledger.claim(("kiosk-7", "req-00000001"), "other question", start)


def test_when_a_run_succeeded_then_it_is_replayed_for_the_ttl_and_forgotten_after() -> None:
    clock = Clock()
    ledger = Ledger(ttl_s=600, clock=clock)
    key = ("kiosk-7", "req-00000001")
    run, _ = ledger.claim(key, "f", _run)
    run.finish(FINISHED, clock.now)
    ledger.settle(run)
    clock.now += 599
    assert ledger.find(key) is run
    clock.now += 2
    assert ledger.find(key) is None


def test_when_a_run_failed_then_it_is_forgotten_at_once_so_a_retry_runs_again() -> None:
    ledger = Ledger(ttl_s=600, clock=Clock())
    key = ("kiosk-7", "req-00000001")
    run, _ = ledger.claim(key, "f", _run)
    run.fail(BackendError("down"), 1.0)
    ledger.settle(run)
    assert ledger.find(key) is None
    retry, created = ledger.claim(key, "f", _run)
    assert created and retry is not run


def test_when_more_runs_finish_than_it_keeps_then_the_oldest_are_dropped_first() -> None:
    clock = Clock()
    ledger = Ledger(ttl_s=600, clock=clock, max_kept=2)
    keys = [("kiosk-7", f"req-0000000{number}") for number in range(3)]
    for key in keys:
        run, _ = ledger.claim(key, "f", lambda key=key: _run(key))  # type: ignore[misc]
        clock.now += 1
        run.finish(FINISHED, clock.now)
        ledger.settle(run)
    assert [ledger.find(key) is not None for key in keys] == [False, True, True]


def test_when_a_retry_joins_with_a_later_deadline_then_the_run_gets_the_later_one() -> None:
    clock = Clock()
    deadline = Deadline(clock.now + 5, clock)
    deadline.extend_to(clock.now + 20)
    deadline.extend_to(clock.now + 10)  # never earlier
    assert deadline.remaining() == 20
    deadline.cut()
    assert deadline.expired() and deadline.bound(30) == 0
