"""The assistant's idea of "now", injectable so that "this month" means the same thing in every test run."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Protocol


class Clock(Protocol):
    """Where the tools read the date from."""

    def today(self) -> date: ...

    def now(self) -> datetime: ...


class SystemClock:
    """The device's local date and time."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now()


class FixedClock:
    """A clock stopped on one day, at noon: for tests, demos and reproducible answers."""

    def __init__(self, today: date) -> None:
        self._today = today

    def today(self) -> date:
        return self._today

    def now(self) -> datetime:
        return datetime.combine(self._today, time(12, 0))

    def __repr__(self) -> str:
        return f"FixedClock({self._today.isoformat()})"
