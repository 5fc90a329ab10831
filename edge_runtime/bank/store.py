"""The bank as the tools see it: immutable records and the ``BankStore`` seam.

``SqliteBank`` implements the store on the device; a client of a real core-banking API could implement it
instead, and nothing above this seam would change.

Conventions:

- Money is ``Decimal`` with two places. A transaction's amount is signed from the customer's side:
  negative leaves the account (a purchase, a bill payment, a transfer out), positive arrives (salary,
  interest, a refund, a transfer in). A credit card's balance is therefore negative while money is owed.
- Dates are ``datetime.date``; the store never asks the clock, callers pass the dates they mean.
- Write methods take the id of the confirmed action and apply it at most once: a second call with the
  same id raises ``ActionAlreadyExecutedError`` and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Protocol

#: Account ids of the domain contract, with the words an answer uses for them.
ACCOUNT_NAMES: Final[dict[str, str]] = {"checking": "checking", "savings": "savings", "credit_card": "credit card"}
CARD_STATES: Final[tuple[str, ...]] = ("active", "frozen", "lost", "inactive", "replacement_ordered")
TRANSACTION_KINDS: Final[tuple[str, ...]] = (
    "card",  # a purchase (or a merchant's refund) with a debit or credit card
    "deposit",  # salary and other money paid in
    "bill_payment",
    "transfer",  # between own accounts or to a saved payee
    "interest",
    "card_payment",  # paying the credit card's statement from checking
)
TRANSFER_STATUSES: Final[tuple[str, ...]] = ("completed", "pending", "scheduled", "failed")

CENT: Final[Decimal] = Decimal("0.01")


def cents_to_decimal(cents: int) -> Decimal:
    """Integer cents as a two-place ``Decimal``: 8420 -> Decimal('84.20')."""
    return Decimal(cents).scaleb(-2)


def decimal_to_cents(amount: Decimal) -> int:
    """A ``Decimal`` with at most two places as integer cents; more places are an error, never rounded."""
    scaled = amount * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places")
    return int(scaled)


class BankError(Exception):
    """A problem with the bank's data, said so that a person can act on it."""


class BankNotFoundError(BankError):
    """There is no bank database where one was expected."""


class ActionAlreadyExecutedError(BankError):
    """A confirmed action was executed before; nothing was changed the second time."""


class BankConflictError(BankError):
    """The records changed since the action was checked (a bill already paid, a card already frozen)."""


@dataclass(frozen=True)
class Account:
    """One of the customer's accounts. ``interest_rate`` is the annual percentage yield, e.g. 4.10."""

    id: str
    last_four: str
    balance: Decimal
    interest_rate: Decimal | None = None
    credit_limit: Decimal | None = None

    @property
    def name(self) -> str:
        return ACCOUNT_NAMES[self.id]


@dataclass(frozen=True)
class Transaction:
    """A line of an account's history.

    ``counterparty`` is the merchant of a card purchase, the payee of a bill or transfer, the employer of a
    salary, or the other own account of a transfer. ``category`` is set for card purchases only. A pending
    transaction is authorised but not posted: it is not part of the account's balance yet.
    """

    id: int
    account: str
    on: date
    kind: str
    counterparty: str
    amount: Decimal
    category: str | None = None
    pending: bool = False


@dataclass(frozen=True)
class TransactionQuery:
    """Which transactions to read; every field narrows the selection, ``None`` or empty means any."""

    account: str | None = None
    start: date | None = None
    end: date | None = None
    kinds: tuple[str, ...] = ()
    counterparty: str | None = None
    category: str | None = None
    pending: bool | None = None
    limit: int | None = None


@dataclass(frozen=True)
class Payee:
    """Someone the customer pays: a biller (``billable``), a person or business for transfers, or both.

    ``aliases`` are the other words people use for the payee: "electricity", "power" for City Power.
    """

    id: int
    name: str
    aliases: tuple[str, ...]
    billable: bool
    transferable: bool
    autopay: bool = False


@dataclass(frozen=True)
class Bill:
    """One bill of a payee. A bill is paid once ``paid`` reaches ``amount``; a future payment may be scheduled."""

    id: int
    payee: str
    amount: Decimal
    paid: Decimal
    due_on: date
    paid_on: date | None
    autopay: bool
    scheduled_on: date | None = None
    scheduled_amount: Decimal | None = None

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.paid

    def status(self, today: date) -> str:
        """``paid``, ``overdue`` or ``upcoming``, the statuses of the contract."""
        if self.paid_on is not None:
            return "paid"
        return "overdue" if self.due_on < today else "upcoming"


@dataclass(frozen=True)
class Goal:
    """A savings goal: money set aside inside the savings account towards ``target`` by ``target_on``."""

    id: int
    name: str
    aliases: tuple[str, ...]
    target: Decimal
    saved: Decimal
    started_on: date
    target_on: date


@dataclass(frozen=True)
class Card:
    """A payment card: ``id`` is ``debit`` or ``credit``; ``state`` one of ``CARD_STATES``."""

    id: str
    account: str
    last_four: str
    state: str
    expires_on: date
    replacement_ordered_on: date | None = None


@dataclass(frozen=True)
class Transfer:
    """Money sent from an own account to another own account (``to_account``) or to a saved payee."""

    id: int
    from_account: str
    to: str
    to_account: str | None
    amount: Decimal
    on: date
    status: str


@dataclass(frozen=True)
class Statement:
    """A credit-card statement. ``balance`` is what was owed when it closed, as a positive amount."""

    opening_on: date
    closing_on: date
    balance: Decimal
    minimum_payment: Decimal
    due_on: date
    paid_on: date | None


@dataclass(frozen=True)
class HelpArticle:
    """A help-center article: the only source the assistant quotes for policy questions."""

    slug: str
    title: str
    keywords: tuple[str, ...]
    body: str


class BankStore(Protocol):
    """What the tools read from and write to a bank."""

    def accounts(self) -> list[Account]: ...

    def transactions(self, query: TransactionQuery) -> list[Transaction]:
        """Matching transactions, newest first."""
        ...

    def counterparties(self, kinds: tuple[str, ...] = ()) -> list[str]:
        """Distinct counterparties of transactions of these kinds (any kind when empty), sorted."""
        ...

    def payees(self) -> list[Payee]: ...

    def bills(self) -> list[Bill]:
        """Every bill, by due date."""
        ...

    def goals(self) -> list[Goal]: ...

    def cards(self) -> list[Card]: ...

    def transfers(self) -> list[Transfer]:
        """Every transfer, newest first."""
        ...

    def latest_statement(self, on: date) -> Statement | None:
        """The last credit-card statement that closed on or before ``on``."""
        ...

    def search_help(self, query: str) -> HelpArticle | None:
        """The article that best answers ``query``, or ``None`` when none answers it well enough."""
        ...

    def is_executed(self, action_id: str) -> bool: ...

    def pay_bill(self, action_id: str, bill_id: int, amount: Decimal, on: date, *, scheduled: bool) -> Bill:
        """Pay ``amount`` of a bill from checking on ``on``, or schedule it for that day; returns the bill after."""
        ...

    def set_autopay(self, action_id: str, payee_id: int, enabled: bool) -> Payee: ...

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
        """Move money to an own account or a saved payee now, or schedule it; exactly one destination."""
        ...

    def set_card_state(self, action_id: str, card: str, state: str, on: date) -> Card:
        """Change a card's state; ``replacement_ordered`` also gives the card its new number."""
        ...
