"""Router labels of the banking domain contract (shared/banking-domain.md)."""

from __future__ import annotations

from typing import Final

#: Labels the router can emit, in the order of the classifier's output units.
ROUTER_LABELS: Final[tuple[str, ...]] = (
    "card_spending",
    "accounts",
    "savings",
    "bill_payments",
    "transfers",
    "recent_transactions",
    "card_services",
    "help_center",
    "escalate",
)

#: The label for hard, off-topic or low-confidence utterances.
ESCALATE: Final[str] = "escalate"

#: Labels served by an on-device specialist.
SPECIALIST_LABELS: Final[tuple[str, ...]] = tuple(label for label in ROUTER_LABELS if label != ESCALATE)
