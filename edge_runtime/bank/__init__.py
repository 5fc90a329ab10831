"""The bank behind the tools: records, the ``BankStore`` seam, its SQLite implementation and a demo bank."""

from edge_runtime.bank.clock import Clock, FixedClock, SystemClock
from edge_runtime.bank.demo import DemoSummary, create_demo_bank
from edge_runtime.bank.sqlite import SqliteBank
from edge_runtime.bank.store import BankError, BankStore

__all__ = [
    "BankError",
    "BankStore",
    "Clock",
    "DemoSummary",
    "FixedClock",
    "SqliteBank",
    "SystemClock",
    "create_demo_bank",
]
