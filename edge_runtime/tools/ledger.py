"""Figures and lookups that several tools share, derived from the bank store."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from edge_runtime.bank.store import ACCOUNT_NAMES, Account, BankStore, Bill, Card, TransactionQuery
from edge_runtime.tools.resolve import Named

#: Business days a new card takes by standard delivery (the help center's "5 to 7 business days").
CARD_DELIVERY_DAYS: Final[int] = 7

#: Other words for own accounts when they are the destination of a transfer.
ACCOUNT_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "checking": ("checking", "current", "checking account"),
    "savings": ("saving", "savings account"),
    "credit_card": ("credit", "card", "credit card bill", "credit card balance", "card balance"),
}


def account(store: BankStore, account_id: str) -> Account:
    for candidate in store.accounts():
        if candidate.id == account_id:
            return candidate
    raise LookupError(f"the bank has no {account_id} account")


def pending_total(store: BankStore, account_id: str) -> Decimal:
    """The sum of an account's pending transactions (negative while money is on hold)."""
    pending = store.transactions(TransactionQuery(account=account_id, pending=True))
    return sum((t.amount for t in pending), Decimal("0.00"))


def available_balance(store: BankStore, account_id: str) -> Decimal:
    """What can be spent or moved now: the balance less what pending transactions hold."""
    return account(store, account_id).balance + min(pending_total(store, account_id), Decimal("0.00"))


def card(store: BankStore, card_id: str) -> Card | None:
    return next((c for c in store.cards() if c.id == card_id), None)


def card_phrase(card: Card) -> str:
    """ "your debit card ending 4821"."""
    return f"your {card.id} card ending {card.last_four}"


def payable_bill(store: BankStore, payee: str) -> Bill | None:
    """The payee's unpaid bill that is due first (an overdue one before an upcoming one)."""
    unpaid = [b for b in store.bills() if b.payee == payee and b.paid_on is None]
    return min(unpaid, key=lambda b: b.due_on) if unpaid else None


def destinations(store: BankStore) -> list[Named]:
    """Where a transfer can go: own accounts by their spoken names, then saved transfer payees."""
    own = [Named(ACCOUNT_NAMES[account_id], aliases) for account_id, aliases in ACCOUNT_ALIASES.items()]
    return own + [Named(p.name, p.aliases) for p in store.payees() if p.transferable]


def destination_account(name: str) -> str | None:
    """The account id of an own-account destination name ("credit card" -> "credit_card"), else ``None``."""
    return next((account_id for account_id, spoken in ACCOUNT_NAMES.items() if spoken == name), None)


def business_days_after(start: date, days: int) -> date:
    """The date ``days`` business days (Monday to Friday) after ``start``."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
