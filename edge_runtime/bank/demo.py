"""A seeded demo bank: one customer's realistic year of banking, ending on a given day.

Everything is derived from ``random.Random(seed)`` and the end date, so the same seed and day always give the
same file, and "this month" in a test means the same purchases on every run. The ledger is coherent: every
account's balance is its opening balance plus its posted transactions, bills are paid from checking, the
credit card's statements are paid in full from checking on their due dates, and savings earn monthly interest.
"""

from __future__ import annotations

import calendar
import json
import math
import os
import random
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Final

from edge_runtime.bank.demo_catalog import (
    BILLERS,
    CREDIT_LIMIT_CENTS,
    CUSTOMER,
    EMPLOYER,
    GOALS,
    MERCHANTS,
    MONTHLY_SAVINGS_CENTS,
    OVERDUE_BILLER,
    PEOPLE,
    SALARY_CENTS,
    SAVINGS_APY,
    STATEMENT_CLOSING_DAY,
    STATEMENT_DUE_DAYS,
    SUBSCRIPTIONS,
    Biller,
)
from edge_runtime.bank.help_articles import HELP_ARTICLES
from edge_runtime.bank.schema import create_schema, index_help_articles
from edge_runtime.bank.sqlite import SqliteBank

# Rows on the same day are inserted in this order, so ids follow a plausible time of day.
_DAY_ORDER: Final[dict[str, int]] = {
    "deposit": 0,
    "bill_payment": 1,
    "card_payment": 2,
    "transfer": 3,
    "card": 4,
    "interest": 5,
}


@dataclass
class _Row:
    on: date
    account: str
    kind: str
    counterparty: str
    cents: int
    category: str | None = None
    pending: bool = False


@dataclass
class _Bill:
    payee: str
    cents: int
    due_on: date
    paid_on: date | None


@dataclass
class _Transfer:
    from_account: str
    to_account: str | None
    payee: str | None
    cents: int
    on: date
    status: str


@dataclass
class _Statement:
    opening_on: date
    closing_on: date
    cents: int
    minimum_cents: int
    due_on: date
    paid_on: date | None


@dataclass(frozen=True)
class DemoSummary:
    """What ``create_demo_bank`` wrote: where, from which seed and day, how many of each record, balances."""

    path: Path
    seed: int
    today: date
    counts: dict[str, int]
    balances: dict[str, Decimal]


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _months(start: date, end: date) -> Iterator[tuple[int, int]]:
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _on_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> date:
    return _on_day(year, month, 31)


def _cents(rng: random.Random, low: float, high: float) -> int:
    return round(rng.uniform(low, high) * 100)


@dataclass
class _Builder:
    """Collects the year's records in memory, in an order where each step can rely on the ones before."""

    rng: random.Random
    today: date
    start: date = field(init=False)
    savings_opening_cents: int = field(init=False)
    rows: list[_Row] = field(default_factory=list)
    bills: list[_Bill] = field(default_factory=list)
    transfers: list[_Transfer] = field(default_factory=list)
    statements: list[_Statement] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.start = self.today - timedelta(days=364)
        self.savings_opening_cents = 1_180_000 + self.rng.randrange(0, 90_000)

    def build(self) -> None:
        self._salary()
        self._bills()
        self._card_purchases()
        self._people_transfers()
        self._savings_transfers()
        self._statements()
        self._interest()

    def _salary(self) -> None:
        for year, month in _months(self.start, self.today):
            for day in (1, 15):
                payday = date(year, month, day)
                payday -= timedelta(days=max(0, payday.weekday() - 4))  # a weekend payday is paid on Friday
                if self.start <= payday <= self.today:
                    self.rows.append(_Row(payday, "checking", "deposit", EMPLOYER, SALARY_CENTS))

    def _bill_cents(self, biller: Biller, month: int) -> int:
        if biller.name == "City Power":  # heating in winter, air conditioning in summer
            season = 1 + 0.3 * abs(math.cos(2 * math.pi * (month - 1) / 12))
            return round(biller.cents * season * self.rng.uniform(0.92, 1.08))
        if biller.name == "Metro Water":
            return _cents(self.rng, 38, 62)
        return biller.cents

    def _bills(self) -> None:
        horizon = self.today + timedelta(days=31)
        first_due = self.start + timedelta(days=5)
        overdue = max(
            _on_day(y, m, b.due_day)
            for b in BILLERS
            if b.name == OVERDUE_BILLER
            for y, m in _months(self.start, self.today)
            if _on_day(y, m, b.due_day) < self.today
        )
        for biller in BILLERS:
            for year, month in _months(self.start, horizon):
                due = _on_day(year, month, biller.due_day)
                if not first_due <= due <= horizon:
                    continue
                cents = self._bill_cents(biller, month)
                paid_on: date | None = None
                if due <= self.today and not (biller.name == OVERDUE_BILLER and due == overdue):
                    paid_on = due if biller.autopay else due - timedelta(days=self.rng.randint(0, 4))
                    self.rows.append(_Row(paid_on, "checking", "bill_payment", biller.name, -cents))
                self.bills.append(_Bill(biller.name, cents, due, paid_on))

    def _card_purchases(self) -> None:
        rng = self.rng
        for day in _days(self.start, self.today):
            for merchant in MERCHANTS:
                if rng.random() < merchant.per_week / 7:
                    account = "checking" if rng.random() < merchant.debit_share else "credit_card"
                    cents = _cents(rng, merchant.low, merchant.high)
                    self.rows.append(_Row(day, account, "card", merchant.name, -cents, merchant.category))
        for year, month in _months(self.start, self.today):
            for name, category, day_of_month, cents in SUBSCRIPTIONS:
                day = _on_day(year, month, day_of_month)
                if self.start <= day <= self.today:
                    self.rows.append(_Row(day, "credit_card", "card", name, -cents, category))
        for _ in range(2):  # two trips, booked a few weeks ahead
            booked = self.start + timedelta(days=rng.randint(30, 330))
            self.rows.append(_Row(booked, "credit_card", "card", "Delta", -_cents(rng, 240, 620), "travel"))
            self.rows.append(_Row(booked, "credit_card", "card", "Airbnb", -_cents(rng, 380, 950), "travel"))
            departure = booked + timedelta(days=rng.randint(20, 50))
            if departure <= self.today:
                self.rows.append(_Row(departure, "credit_card", "card", "Hertz", -_cents(rng, 150, 420), "travel"))
        # A few purchases of the last two days are still pending, as they would be in a real account.
        self.rows.append(_Row(self.today, "checking", "card", "Starbucks", -_cents(rng, 4.5, 8), "dining"))
        self.rows.append(_Row(self.today, "credit_card", "card", "Uber", -_cents(rng, 12, 30), "transport"))
        yesterday = self.today - timedelta(days=1)
        self.rows.append(_Row(yesterday, "credit_card", "card", "Whole Foods", -_cents(rng, 40, 120), "groceries"))
        for row in self.rows:
            if row.kind == "card" and row.on >= yesterday:
                row.pending = True
        # One returned Amazon order, refunded a week after the purchase.
        amazon = [r for r in self.rows if r.counterparty == "Amazon" and r.account == "credit_card"]
        target = self.today - timedelta(days=30)
        if amazon:
            bought = min(amazon, key=lambda r: abs((r.on - target).days))
            self.rows.append(
                _Row(bought.on + timedelta(days=7), "credit_card", "card", "Amazon", -bought.cents, "shopping")
            )

    def _send(self, payee: str, cents: int, on: date, status: str) -> None:
        self.transfers.append(_Transfer("checking", None, payee, cents, on, status))
        if status in ("completed", "pending"):
            self.rows.append(_Row(on, "checking", "transfer", payee, -cents, pending=status == "pending"))

    def _people_transfers(self) -> None:
        rng = self.rng

        def some_day() -> date:
            return self.start + timedelta(days=rng.randint(10, 350))

        for _ in range(4):  # dinners split with a friend
            self._send("Alex Chen", _cents(rng, 18, 65), some_day(), "completed")
        self._send("Alex Chen", 4500, self.today - timedelta(days=1), "pending")
        self._send("Mom", 20000, some_day(), "completed")
        self._send("Mom", 15000, self.today + timedelta(days=6), "scheduled")
        self._send("Sarah Johnson", 12000, some_day(), "completed")
        self._send("Sarah Johnson", 6000, self.today - timedelta(days=40), "failed")

    def _savings_transfers(self) -> None:
        for year, month in _months(self.start, self.today):
            day = date(year, month, 16)
            if self.start <= day <= self.today:
                self.transfers.append(_Transfer("checking", "savings", None, MONTHLY_SAVINGS_CENTS, day, "completed"))
                self.rows.append(_Row(day, "checking", "transfer", "savings", -MONTHLY_SAVINGS_CENTS))
                self.rows.append(_Row(day, "savings", "transfer", "checking", MONTHLY_SAVINGS_CENTS))

    def _posted_sum(self, account: str, until: date) -> int:
        return sum(r.cents for r in self.rows if r.account == account and not r.pending and r.on <= until)

    def _statements(self) -> None:
        """Close a statement on the 5th of each month; autopay pays it in full on its due date."""
        opening = self.start
        for year, month in _months(self.start, self.today):
            closing = date(year, month, STATEMENT_CLOSING_DAY)
            if not self.start < closing <= self.today:
                continue
            owed = -self._posted_sum("credit_card", closing)
            minimum = min(owed, max(2500, owed * 2 // 100))
            due = closing + timedelta(days=STATEMENT_DUE_DAYS)
            paid_on = due if due <= self.today and owed > 0 else None
            if paid_on is not None:
                self.rows.append(_Row(due, "checking", "card_payment", "credit card", -owed))
                self.rows.append(_Row(due, "credit_card", "card_payment", "checking", owed))
            self.statements.append(_Statement(opening, closing, owed, minimum, due, paid_on))
            opening = closing + timedelta(days=1)

    def _interest(self) -> None:
        for year, month in _months(self.start, self.today):
            month_end = _month_end(year, month)
            if self.start <= month_end <= self.today:
                balance = self.savings_opening_cents + self._posted_sum("savings", month_end)
                # Monthly interest at the APY, rounded half up to the cent (fine for a demo, not for a bank).
                cents = int(Decimal(balance) * SAVINGS_APY / 1200 + Decimal("0.5"))
                self.rows.append(_Row(month_end, "savings", "interest", "Interest", cents))

    def checking_opening_cents(self) -> int:
        """An opening balance that keeps checking comfortably positive all year."""
        running, lowest = 0, 0
        for row in sorted(self.rows, key=lambda r: (r.on, _DAY_ORDER[r.kind])):
            if row.account == "checking" and not row.pending:
                running += row.cents
                lowest = min(lowest, running)
        return max(250_000, (150_000 - lowest + 9_999) // 10_000 * 10_000) + self.rng.randrange(0, 10_000)


def _four_digits(rng: random.Random) -> str:
    return f"{rng.randrange(1000, 10000)}"


def _write(db: sqlite3.Connection, builder: _Builder, seed: int) -> None:
    rng, today = builder.rng, builder.today
    openings = {
        "checking": builder.checking_opening_cents(),
        "savings": builder.savings_opening_cents,
        "credit_card": 0,
    }
    db.execute(
        "INSERT INTO meta VALUES ('seed', ?), ('today', ?), ('customer', ?)", (seed, today.isoformat(), CUSTOMER)
    )
    credit_last_four = _four_digits(rng)
    for account, last_four, rate, limit in (
        ("checking", _four_digits(rng), None, None),
        ("savings", _four_digits(rng), str(SAVINGS_APY), None),
        ("credit_card", credit_last_four, None, CREDIT_LIMIT_CENTS),
    ):
        posted = sum(r.cents for r in builder.rows if r.account == account and not r.pending)
        db.execute(
            "INSERT INTO accounts VALUES (?, ?, ?, ?, ?)", (account, last_four, openings[account] + posted, rate, limit)
        )
    db.executemany(
        "INSERT INTO transactions (account_id, posted_on, kind, counterparty, category, amount_cents, pending) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (r.account, r.on.isoformat(), r.kind, r.counterparty, r.category, r.cents, int(r.pending))
            for r in sorted(builder.rows, key=lambda r: (r.on, _DAY_ORDER[r.kind]))
        ],
    )
    payee_ids: dict[str, int] = {}
    for biller in BILLERS:
        cursor = db.execute(
            "INSERT INTO payees (name, aliases, billable, transferable, autopay) VALUES (?, ?, 1, ?, ?)",
            (biller.name, json.dumps(biller.aliases), int(biller.transferable), int(biller.autopay)),
        )
        payee_ids[biller.name] = int(cursor.lastrowid or 0)
    for name, aliases in PEOPLE:
        cursor = db.execute(
            "INSERT INTO payees (name, aliases, billable, transferable) VALUES (?, ?, 0, 1)",
            (name, json.dumps(aliases)),
        )
        payee_ids[name] = int(cursor.lastrowid or 0)
    db.executemany(
        "INSERT INTO bills (payee_id, amount_cents, paid_cents, due_on, paid_on) VALUES (?, ?, ?, ?, ?)",
        [
            (
                payee_ids[b.payee],
                b.cents,
                b.cents if b.paid_on else 0,
                b.due_on.isoformat(),
                b.paid_on and b.paid_on.isoformat(),
            )
            for b in sorted(builder.bills, key=lambda b: (b.due_on, b.payee))
        ],
    )
    db.executemany(
        "INSERT INTO transfers (from_account, to_account, payee_id, amount_cents, on_date, status) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (t.from_account, t.to_account, t.payee and payee_ids[t.payee], t.cents, t.on.isoformat(), t.status)
            for t in sorted(builder.transfers, key=lambda t: t.on)
        ],
    )
    db.executemany(
        "INSERT INTO statements VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                s.closing_on.isoformat(),
                s.opening_on.isoformat(),
                s.cents,
                s.minimum_cents,
                s.due_on.isoformat(),
                s.paid_on and s.paid_on.isoformat(),
            )
            for s in builder.statements
        ],
    )
    db.executemany(
        "INSERT INTO goals (name, aliases, target_cents, saved_cents, started_on, target_on) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                name,
                json.dumps(aliases),
                target,
                saved,
                (today - timedelta(days=ago)).isoformat(),
                (today + timedelta(days=ahead)).isoformat(),
            )
            for name, aliases, target, saved, ago, ahead in GOALS
        ],
    )
    for card, account, last_four, years in (
        ("debit", "checking", _four_digits(rng), 2),
        ("credit", "credit_card", credit_last_four, 3),
    ):
        expires = _month_end(today.year + years, today.month)
        db.execute(
            "INSERT INTO cards (id, account_id, last_four, state, expires_on) VALUES (?, ?, ?, 'active', ?)",
            (card, account, last_four, expires.isoformat()),
        )
    db.executemany(
        "INSERT INTO help_articles (slug, title, keywords, body) VALUES (?, ?, ?, ?)",
        [(a.slug, a.title, ", ".join(a.keywords), a.body) for a in HELP_ARTICLES],
    )
    index_help_articles(db)


def create_demo_bank(
    path: Path | str, *, seed: int = 7, today: date | None = None, overwrite: bool = False
) -> DemoSummary:
    """Write a demo bank to ``path``: a year of one customer's banking ending on ``today`` (default: the date now).

    Refuses to replace an existing file unless ``overwrite``; the file appears complete or not at all.
    """
    path = Path(path).expanduser()
    today = today or date.today()
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists; pass --force to replace it with a new demo bank")
    builder = _Builder(random.Random(seed), today)
    builder.build()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        db = sqlite3.connect(temporary, isolation_level=None)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            create_schema(db)
            db.execute("BEGIN")
            _write(db, builder, seed)
            db.execute("COMMIT")
        finally:
            db.close()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return _summarise(path, seed, today)


def _summarise(path: Path, seed: int, today: date) -> DemoSummary:
    db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        counts = {
            name: int(db.execute(sql).fetchone()[0])
            for name, sql in (
                ("card transactions", "SELECT count(*) FROM transactions WHERE kind = 'card'"),
                ("pending", "SELECT count(*) FROM transactions WHERE pending"),
                ("salary deposits", "SELECT count(*) FROM transactions WHERE kind = 'deposit'"),
                ("interest payments", "SELECT count(*) FROM transactions WHERE kind = 'interest'"),
                ("bills", "SELECT count(*) FROM bills"),
                ("payees", "SELECT count(*) FROM payees"),
                ("transfers", "SELECT count(*) FROM transfers"),
                ("statements", "SELECT count(*) FROM statements"),
                ("savings goals", "SELECT count(*) FROM goals"),
                ("cards", "SELECT count(*) FROM cards"),
                ("help articles", "SELECT count(*) FROM help_articles"),
            )
        }
    finally:
        db.close()
    with SqliteBank(path) as bank:
        balances = {account.id: account.balance for account in bank.accounts()}
    return DemoSummary(path=path, seed=seed, today=today, counts=counts, balances=balances)
