"""The escalation path: a question beyond the device, redacted, sent to the cloud relay, and answered.

What leaves the device is the question with its personal data replaced by placeholders, plus the few facts
this module chooses for the question (for a question about affording a house: the balances and the average
monthly spending and income, never a transaction), redacted the same way. No tool catalogue, no history.
When redaction can't make the text safe, nothing is sent. When the relay can't be reached or is too slow, the
user gets a local answer within the deadline, and the question is kept so that "try again" sends it again
under the same request id (the relay runs a request id once).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from edge_runtime.bank.clock import Clock
from edge_runtime.bank.store import BankStore, TransactionQuery
from edge_runtime.redaction import Redaction, RedactionError, Redactor
from edge_runtime.relay import RelayRefusedError, RelayUnavailableError
from edge_runtime.tools.spoken import money

if TYPE_CHECKING:
    from edge_runtime.relay_client import RelayClient

logger = logging.getLogger(__name__)

NOT_CONNECTED_ANSWER: Final[str] = (
    "That's a question for the cloud assistant, which isn't connected on this device. "
    "I can help with spending, balances, savings, bills, transfers, transactions, cards and our policies."
)
UNREACHABLE_ANSWER: Final[str] = (
    "I can't reach the cloud assistant right now, so I couldn't answer that. Say \"try again\" to send it again."
)
NOT_SENT_ANSWER: Final[str] = (
    "I couldn't send that to the cloud assistant without sharing personal details, so I didn't send it. "
    "Could you ask it again without card or account numbers?"
)
REFUSED_ANSWER: Final[str] = "The cloud assistant couldn't take that question: {reason}."
NOTHING_TO_RETRY_ANSWER: Final[str] = "There's no question waiting to be sent again."
STAND_IN_PREFIX: Final[str] = "The cloud relay has no frontier model connected, so its small local stand-in answers: "

#: Time kept back from a call's deadline to give the offline answer after a relay that didn't make it.
_DEADLINE_MARGIN_S: Final[float] = 0.25
#: How many whole months the averages are taken over.
_AVERAGE_MONTHS: Final[int] = 3

# Questions that need the customer's overall position: affording, saving, planning, borrowing.
_ADVICE = re.compile(
    r"\b(afford|budget\w*|sav(e|es|ed|ing|ings)|invest\w*|retire\w*|mortgage|house|home|rent\w*|loan|debt|"
    r"emergency|plan\w*|financ\w*|spend(ing)? too much|cut back|enough money)\b",
    re.IGNORECASE,
)
# Questions about the credit card's debt rather than the budget as a whole.
_CREDIT = re.compile(r"\b(credit (card|limit|score|utili[sz]ation)|interest rate|apr|pay (it )?off)\b", re.IGNORECASE)


@dataclass
class PendingEscalation:
    """A question the relay didn't answer, kept for "try again"."""

    text: str
    request_id: str


@dataclass
class Escalated:
    """How an escalated question was answered."""

    answer: str
    relayed: bool = False
    backend: str | None = None
    model: str | None = None
    local_stand_in: bool = False
    cloud_tokens: int = 0
    facts: int = 0
    retry: PendingEscalation | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "answered": self.relayed,
            "backend": self.backend,
            "model": self.model,
            "local_stand_in": self.local_stand_in,
            "cloud_tokens": self.cloud_tokens,
            "facts_sent": self.facts,
            "retry_offered": self.retry is not None,
        }


@dataclass
class Escalator:
    """Sends escalated questions to the relay; with no relay, says the cloud assistant isn't connected."""

    relay: RelayClient | None
    store: BankStore
    clock: Clock
    #: ``None``: the bank's own payees, accounts and cards, read afresh for each question.
    redactor: Redactor | None = None
    new_request_id: Callable[[], str] = field(default=lambda: uuid.uuid4().hex)

    def escalate(
        self,
        text: str,
        *,
        retry: PendingEscalation | None = None,
        time_left: Callable[[], float | None] | None = None,
        on_delta: Callable[[str], None] | None = None,
    ) -> Escalated:
        """Answer ``text`` through the relay, or resend ``retry`` (the same question under the same request id)."""
        pending = retry or PendingEscalation(text=text, request_id=self.new_request_id())
        if self.relay is None:
            return Escalated(answer=NOT_CONNECTED_ANSWER)
        redaction = (self.redactor or Redactor.for_bank(self.store)).start()
        try:
            question = redaction.redact(pending.text)
            chosen = context_facts(pending.text, self.store, self.clock.today())
            facts = [(name, redaction.redact(value)) for name, value in chosen]
        except RedactionError as error:
            logger.warning("escalation not sent: redaction failed (%s)", type(error).__name__)
            return Escalated(answer=NOT_SENT_ANSWER)
        logger.info("escalating request %s with %d facts, %s", pending.request_id, len(facts), redaction.counts())
        logger.debug("escalated question (redacted): %r", question)
        left = time_left() if time_left is not None else None
        timeout_s = None if left is None else left - _DEADLINE_MARGIN_S
        if timeout_s is not None and timeout_s <= 0:
            return Escalated(answer=UNREACHABLE_ANSWER, retry=pending)
        stream = _RestoringStream(redaction, on_delta) if on_delta is not None else None
        try:
            answer = self.relay.escalate(
                pending.request_id,
                question,
                facts,
                timeout_s=timeout_s,
                on_delta=stream.feed if stream is not None else None,
            )
        except RelayUnavailableError as error:
            logger.warning("relay unavailable for request %s: %s", pending.request_id, error)
            return Escalated(answer=UNREACHABLE_ANSWER, retry=pending)
        except RelayRefusedError as error:
            logger.warning("relay refused request %s: %s", pending.request_id, error.code)
            return Escalated(answer=REFUSED_ANSWER.format(reason=str(error).rstrip(".")))
        if stream is not None:
            stream.flush()
        text_out = _whole_sentences(redaction.restore(answer.text))
        if answer.local_stand_in:
            text_out = STAND_IN_PREFIX + text_out
        return Escalated(
            answer=text_out,
            relayed=True,
            backend=answer.backend,
            model=answer.model,
            local_stand_in=answer.local_stand_in,
            cloud_tokens=answer.prompt_tokens + answer.completion_tokens,
            facts=len(facts),
        )


def _whole_sentences(text: str) -> str:
    """The answer without a last sentence that the token limit cut off, when there is a whole one before it."""
    text = text.strip()
    if not text or text[-1] in ".!?\"')":
        return text
    ends = [match.end() for match in re.finditer(r"[.!?][\"')]?(?=\s)", text)]
    return text[: ends[-1]] if ends else text


def context_facts(text: str, store: BankStore, today: date) -> list[tuple[str, str]]:
    """The least the model needs to know about the customer for this question, as (name, value) pairs.

    Balances and monthly averages only: they let a frontier model give grounded advice, and say nothing about
    where the customer shops or whom they pay.
    """
    facts: list[tuple[str, str]] = []
    accounts = {account.id: account for account in store.accounts()}
    if _ADVICE.search(text):
        for account_id in ("checking", "savings"):
            if account_id in accounts:
                facts.append((f"{account_id} balance", money(accounts[account_id].balance)))
        start, end = _whole_months(today, _AVERAGE_MONTHS)
        spending = store.transactions(TransactionQuery(start=start, end=end, kinds=("card",)))
        income = store.transactions(TransactionQuery(start=start, end=end, kinds=("deposit",)))
        spent = -sum((t.amount for t in spending), Decimal(0))
        earned = sum((t.amount for t in income if t.amount > 0), Decimal(0))
        facts.append(("average monthly card spending, last 3 months", money(spent / _AVERAGE_MONTHS)))
        facts.append(("average monthly income, last 3 months", money(earned / _AVERAGE_MONTHS)))
    if _CREDIT.search(text) and "credit_card" in accounts:
        card = accounts["credit_card"]
        facts.append(("credit card balance owed", money(abs(card.balance))))
        if card.credit_limit is not None:
            facts.append(("credit limit", money(card.credit_limit)))
        if card.interest_rate is not None:
            facts.append(("credit card APR", f"{card.interest_rate}%"))
    return facts


def _whole_months(today: date, months: int) -> tuple[date, date]:
    """The ``months`` whole calendar months before the current one."""
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    for _ in range(months - 1):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, end


class _RestoringStream:
    """Passes the relay's pieces on with placeholders restored, holding back a placeholder cut in two."""

    _OPEN_PLACEHOLDER = re.compile(r"<[A-Za-z_ ]*\d*\s*$")

    def __init__(self, redaction: Redaction, sink: Callable[[str], None]) -> None:
        self._redaction = redaction
        self._sink = sink
        self._held = ""

    def feed(self, piece: str) -> None:
        text = self._held + piece
        cut = self._OPEN_PLACEHOLDER.search(text)
        if cut is not None and len(text) - cut.start() <= 24:
            text, self._held = text[: cut.start()], text[cut.start() :]
        else:
            self._held = ""
        if text:
            self._sink(self._redaction.restore(text))

    def flush(self) -> None:
        if self._held:
            self._sink(self._redaction.restore(self._held))
            self._held = ""
