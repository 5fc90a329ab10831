"""``SqliteBank``: the bank store in one SQLite file on the device.

Money is stored as integer cents and leaves as ``Decimal``. The schema's constraints reject what the domain
forbids (a transfer to the account it came from, a card in an unknown state); foreign keys are on. Every
write runs in one ``BEGIN IMMEDIATE`` transaction that also records the confirmed action's id under a
unique constraint, so an action applies at most once even if it is submitted twice.
"""

from __future__ import annotations

import calendar
import json
import logging
import random
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from edge_runtime.bank.helpsearch import fts_query
from edge_runtime.bank.schema import SCHEMA_VERSION
from edge_runtime.bank.store import (
    ACCOUNT_NAMES,
    Account,
    ActionAlreadyExecutedError,
    BankConflictError,
    BankError,
    BankNotFoundError,
    Bill,
    Card,
    Goal,
    HelpArticle,
    Payee,
    Statement,
    Transaction,
    TransactionQuery,
    Transfer,
    cents_to_decimal,
    decimal_to_cents,
)

logger = logging.getLogger(__name__)

INIT_COMMAND: Final[str] = "edge-assistant bank init"

#: bm25 column weights: a word in the title says more about an article than one in its body.
_HELP_WEIGHTS: Final[tuple[float, float, float]] = (8.0, 4.0, 1.0)
#: Below this relevance (bm25, negated) the best article is a coincidence, not an answer. Measured on the
#: demo knowledge base: typical questions score above 6, unrelated ones below 2 or not at all.
MIN_HELP_RELEVANCE: Final[float] = 3.0

#: A card may move to the key state only from one of these states (the toolbox says why not, in words).
CARD_TRANSITIONS: Final[dict[str, tuple[str, ...]]] = {
    "frozen": ("active",),
    "active": ("frozen", "inactive", "replacement_ordered"),
    "lost": ("active", "frozen", "inactive", "replacement_ordered"),
    "replacement_ordered": ("active", "frozen", "lost", "inactive"),
}


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _required_day(text: str) -> date:
    return date.fromisoformat(text)


def _money(cents: int | None) -> Decimal | None:
    return None if cents is None else cents_to_decimal(cents)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


class SqliteBank:
    """A ``BankStore`` over one SQLite file. Safe to share between threads: calls are serialised."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise BankNotFoundError(f"There is no bank at {self.path}. Create the demo bank with: {INIT_COMMAND}")
        # mode=rw: opening must never create an empty database where the bank was expected.
        uri = self.path.resolve().as_uri() + "?mode=rw"
        self._lock = threading.Lock()
        # Autocommit mode: transactions are opened explicitly, and only around writes.
        self._db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            self._db.close()
            raise BankError(
                f"{self.path} is not a bank database ({error}). Recreate it with: {INIT_COMMAND}"
            ) from error
        if version != SCHEMA_VERSION:
            self._db.close()
            raise BankError(
                f"{self.path} has bank schema version {version}, this assistant reads version {SCHEMA_VERSION}. "
                f"Recreate it with: {INIT_COMMAND} --force"
            )
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA foreign_keys = ON")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SqliteBank:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()

    @contextmanager
    def _write(self, action_id: str, tool: str) -> Iterator[sqlite3.Connection]:
        """One transaction that applies a confirmed action and records its id, or does nothing at all."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                try:
                    self._db.execute("INSERT INTO executed_actions (action_id, tool) VALUES (?, ?)", (action_id, tool))
                except sqlite3.IntegrityError as error:
                    raise ActionAlreadyExecutedError(f"action {action_id} was already executed") from error
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        logger.info("executed %s action %s", tool, action_id)

    # Reads.

    def accounts(self) -> list[Account]:
        return [
            Account(
                id=row["id"],
                last_four=row["last_four"],
                balance=cents_to_decimal(row["balance_cents"]),
                interest_rate=None if row["interest_rate"] is None else Decimal(row["interest_rate"]),
                credit_limit=_money(row["credit_limit_cents"]),
            )
            for row in self._rows("SELECT * FROM accounts ORDER BY rowid")
        ]

    def transactions(self, query: TransactionQuery) -> list[Transaction]:
        clauses: list[str] = []
        parameters: list[Any] = []
        for clause, value in (
            ("account_id = ?", query.account),
            ("posted_on >= ?", query.start and query.start.isoformat()),
            ("posted_on <= ?", query.end and query.end.isoformat()),
            ("counterparty = ? COLLATE NOCASE", query.counterparty),
            ("category = ?", query.category),
            ("pending = ?", None if query.pending is None else int(query.pending)),
        ):
            if value is not None:
                clauses.append(clause)
                parameters.append(value)
        if query.kinds:
            clauses.append(f"kind IN ({', '.join('?' * len(query.kinds))})")
            parameters.extend(query.kinds)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        limit = f"LIMIT {int(query.limit)}" if query.limit is not None else ""
        rows = self._rows(f"SELECT * FROM transactions {where} ORDER BY posted_on DESC, id DESC {limit}", parameters)
        return [
            Transaction(
                id=row["id"],
                account=row["account_id"],
                on=_required_day(row["posted_on"]),
                kind=row["kind"],
                counterparty=row["counterparty"],
                amount=cents_to_decimal(row["amount_cents"]),
                category=row["category"],
                pending=bool(row["pending"]),
            )
            for row in rows
        ]

    def counterparties(self, kinds: tuple[str, ...] = ()) -> list[str]:
        where = f"WHERE kind IN ({', '.join('?' * len(kinds))})" if kinds else ""
        rows = self._rows(f"SELECT DISTINCT counterparty FROM transactions {where} ORDER BY counterparty", kinds)
        return [row[0] for row in rows]

    def payees(self) -> list[Payee]:
        return [self._payee(row) for row in self._rows("SELECT * FROM payees ORDER BY id")]

    @staticmethod
    def _payee(row: sqlite3.Row) -> Payee:
        return Payee(
            id=row["id"],
            name=row["name"],
            aliases=tuple(json.loads(row["aliases"])),
            billable=bool(row["billable"]),
            transferable=bool(row["transferable"]),
            autopay=bool(row["autopay"]),
        )

    _BILLS_SQL: Final[str] = (
        "SELECT bills.*, payees.name AS payee, payees.autopay FROM bills JOIN payees ON payees.id = bills.payee_id"
    )

    def bills(self) -> list[Bill]:
        return [self._bill(row) for row in self._rows(f"{self._BILLS_SQL} ORDER BY due_on, bills.id")]

    @staticmethod
    def _bill(row: sqlite3.Row) -> Bill:
        return Bill(
            id=row["id"],
            payee=row["payee"],
            amount=cents_to_decimal(row["amount_cents"]),
            paid=cents_to_decimal(row["paid_cents"]),
            due_on=_required_day(row["due_on"]),
            paid_on=_day(row["paid_on"]),
            autopay=bool(row["autopay"]),
            scheduled_on=_day(row["scheduled_on"]),
            scheduled_amount=_money(row["scheduled_cents"]),
        )

    def goals(self) -> list[Goal]:
        return [
            Goal(
                id=row["id"],
                name=row["name"],
                aliases=tuple(json.loads(row["aliases"])),
                target=cents_to_decimal(row["target_cents"]),
                saved=cents_to_decimal(row["saved_cents"]),
                started_on=_required_day(row["started_on"]),
                target_on=_required_day(row["target_on"]),
            )
            for row in self._rows("SELECT * FROM goals ORDER BY id")
        ]

    def cards(self) -> list[Card]:
        return [self._card(row) for row in self._rows("SELECT * FROM cards ORDER BY id DESC")]

    @staticmethod
    def _card(row: sqlite3.Row) -> Card:
        return Card(
            id=row["id"],
            account=row["account_id"],
            last_four=row["last_four"],
            state=row["state"],
            expires_on=_required_day(row["expires_on"]),
            replacement_ordered_on=_day(row["replacement_ordered_on"]),
        )

    _TRANSFERS_SQL: Final[str] = (
        "SELECT transfers.*, payees.name AS payee FROM transfers LEFT JOIN payees ON payees.id = transfers.payee_id"
    )

    def transfers(self) -> list[Transfer]:
        rows = self._rows(f"{self._TRANSFERS_SQL} ORDER BY on_date DESC, transfers.id DESC")
        return [self._transfer(row) for row in rows]

    @staticmethod
    def _transfer(row: sqlite3.Row) -> Transfer:
        to_account = row["to_account"]
        return Transfer(
            id=row["id"],
            from_account=row["from_account"],
            to=ACCOUNT_NAMES[to_account] if to_account else row["payee"],
            to_account=to_account,
            amount=cents_to_decimal(row["amount_cents"]),
            on=_required_day(row["on_date"]),
            status=row["status"],
        )

    def latest_statement(self, on: date) -> Statement | None:
        rows = self._rows(
            "SELECT * FROM statements WHERE closing_on <= ? ORDER BY closing_on DESC LIMIT 1", (on.isoformat(),)
        )
        if not rows:
            return None
        row = rows[0]
        return Statement(
            opening_on=_required_day(row["opening_on"]),
            closing_on=_required_day(row["closing_on"]),
            balance=cents_to_decimal(row["balance_cents"]),
            minimum_payment=cents_to_decimal(row["minimum_cents"]),
            due_on=_required_day(row["due_on"]),
            paid_on=_day(row["paid_on"]),
        )

    def search_help(self, query: str) -> HelpArticle | None:
        match = fts_query(query)
        if match is None:
            return None
        rows = self._rows(
            "SELECT a.slug, a.title, a.keywords, a.body, bm25(help_fts, ?, ?, ?) AS score "
            "FROM help_fts JOIN help_articles AS a ON a.id = help_fts.rowid "
            "WHERE help_fts MATCH ? ORDER BY score LIMIT 1",
            (*_HELP_WEIGHTS, match),
        )
        # bm25() is lower for better matches; negated, it grows with relevance.
        if not rows or -rows[0]["score"] < MIN_HELP_RELEVANCE:
            return None
        row = rows[0]
        keywords = tuple(word.strip() for word in row["keywords"].split(",") if word.strip())
        return HelpArticle(slug=row["slug"], title=row["title"], keywords=keywords, body=row["body"])

    def is_executed(self, action_id: str) -> bool:
        return bool(self._rows("SELECT 1 FROM executed_actions WHERE action_id = ?", (action_id,)))

    # Writes: each checks the state it relies on again, inside its transaction.

    @staticmethod
    def _post(db: sqlite3.Connection, account: str, *, on: date, kind: str, counterparty: str, cents: int) -> None:
        db.execute(
            "INSERT INTO transactions (account_id, posted_on, kind, counterparty, amount_cents) VALUES (?, ?, ?, ?, ?)",
            (account, on.isoformat(), kind, counterparty, cents),
        )
        db.execute("UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?", (cents, account))

    def pay_bill(self, action_id: str, bill_id: int, amount: Decimal, on: date, *, scheduled: bool) -> Bill:
        cents = decimal_to_cents(amount)
        with self._write(action_id, "pay_bill") as db:
            row = db.execute(f"{self._BILLS_SQL} WHERE bills.id = ?", (bill_id,)).fetchone()
            if row is None or row["paid_on"] is not None:
                raise BankConflictError("That bill is already paid.")
            remaining = row["amount_cents"] - row["paid_cents"]
            if not 0 < cents <= remaining:
                raise BankConflictError(f"Only {cents_to_decimal(remaining)} is due on that bill.")
            if scheduled:
                db.execute(
                    "UPDATE bills SET scheduled_on = ?, scheduled_cents = ? WHERE id = ?",
                    (on.isoformat(), cents, bill_id),
                )
            else:
                paid_on = on.isoformat() if cents == remaining else None
                db.execute(
                    "UPDATE bills SET paid_cents = paid_cents + ?, paid_on = ?, scheduled_on = NULL, "
                    "scheduled_cents = NULL WHERE id = ?",
                    (cents, paid_on, bill_id),
                )
                self._post(db, "checking", on=on, kind="bill_payment", counterparty=row["payee"], cents=-cents)
            return self._bill(db.execute(f"{self._BILLS_SQL} WHERE bills.id = ?", (bill_id,)).fetchone())

    def set_autopay(self, action_id: str, payee_id: int, enabled: bool) -> Payee:
        with self._write(action_id, "set_autopay") as db:
            changed = db.execute(
                "UPDATE payees SET autopay = ? WHERE id = ? AND billable AND autopay <> ?",
                (int(enabled), payee_id, int(enabled)),
            ).rowcount
            if not changed:
                raise BankConflictError(f"Autopay is already {'on' if enabled else 'off'} for that payee.")
            return self._payee(db.execute("SELECT * FROM payees WHERE id = ?", (payee_id,)).fetchone())

    def transfer(
        self,
        action_id: str,
        from_account: str,
        amount: Decimal,
        on: date,
        *,
        to_account: str | None = None,
        payee_id: int | None = None,
        scheduled: bool = False,
    ) -> Transfer:
        cents = decimal_to_cents(amount)
        if (to_account is None) == (payee_id is None):
            raise ValueError("a transfer goes to exactly one of to_account and payee_id")
        with self._write(action_id, "transfer") as db:
            try:
                cursor = db.execute(
                    "INSERT INTO transfers (from_account, to_account, payee_id, amount_cents, on_date, status) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        from_account,
                        to_account,
                        payee_id,
                        cents,
                        on.isoformat(),
                        "scheduled" if scheduled else "completed",
                    ),
                )
            except sqlite3.IntegrityError as error:
                raise BankConflictError(f"That transfer is not possible ({error}).") from error
            transfer_id = cursor.lastrowid
            if not scheduled:
                if to_account is not None:
                    kind = "card_payment" if to_account == "credit_card" else "transfer"
                    self._post(db, from_account, on=on, kind=kind, counterparty=ACCOUNT_NAMES[to_account], cents=-cents)
                    self._post(db, to_account, on=on, kind=kind, counterparty=ACCOUNT_NAMES[from_account], cents=cents)
                else:
                    payee = db.execute("SELECT name FROM payees WHERE id = ?", (payee_id,)).fetchone()
                    self._post(db, from_account, on=on, kind="transfer", counterparty=payee["name"], cents=-cents)
            row = db.execute(f"{self._TRANSFERS_SQL} WHERE transfers.id = ?", (transfer_id,)).fetchone()
            return self._transfer(row)

    def set_card_state(self, action_id: str, card: str, state: str, on: date) -> Card:
        with self._write(action_id, f"card:{state}") as db:
            row = db.execute("SELECT * FROM cards WHERE id = ?", (card,)).fetchone()
            if row is None or row["state"] not in CARD_TRANSITIONS.get(state, ()):
                current = "missing" if row is None else row["state"]
                raise BankConflictError(f"The {card} card can't go from {current} to {state}.")
            if state == "replacement_ordered":
                # A real issuer assigns the new number; deriving it from the action id keeps tests reproducible.
                numbers = random.Random(action_id)
                last_four = row["last_four"]
                while last_four == row["last_four"]:
                    last_four = f"{numbers.randrange(10000):04d}"
                expires = _month_end(on.year + 4, on.month)
                db.execute(
                    "UPDATE cards SET state = ?, last_four = ?, expires_on = ?, replacement_ordered_on = ? "
                    "WHERE id = ?",
                    (state, last_four, expires.isoformat(), on.isoformat(), card),
                )
            elif state == "active":
                db.execute("UPDATE cards SET state = ?, replacement_ordered_on = NULL WHERE id = ?", (state, card))
            else:
                db.execute("UPDATE cards SET state = ? WHERE id = ?", (state, card))
            return self._card(db.execute("SELECT * FROM cards WHERE id = ?", (card,)).fetchone())
