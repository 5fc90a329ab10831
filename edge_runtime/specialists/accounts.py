"""Accounts the tools cannot see, named in a question.

The contract's accounts are checking, savings and the credit card, and a specialist's grammar lets it
write no other: asked "what's the balance of my brokerage account?", it writes ``checking``, and the
customer would hear their checking balance as if it answered the question. ``unsupported_account``
finds such a question before the tool runs, so the assistant says what it can see instead.
"""

from __future__ import annotations

import re
from typing import Any

from edge_runtime.tools.schemas import ACCOUNTS

#: Arguments that name one of the customer's own accounts (``transfer``'s ``to`` may be a payee).
ACCOUNT_ARGUMENTS = ("account", "from_account")

# Kinds that are an account whatever follows them, and kinds that are one only before "account" or
# "balance" ("my mortgage account" is; "my mortgage payment" is a bill).
_ALWAYS = r"ira|roth ira|401\s?\(?k\)?|403\s?\(?b\)?|hsa|brokerage|money market|certificate of deposit"
_BEFORE_ACCOUNT = (
    r"mortgage|business|joint|investment|investing|retirement|student loan|car loan|auto loan|loan|pension|"
    r"trust|crypto|college savings|health savings|cd|529|stock|stocks"
)
_UNSUPPORTED_RE = re.compile(
    rf"\b(?:(?P<always>{_ALWAYS})(?:\s+(?:account|acct))?|(?P<kind>{_BEFORE_ACCOUNT})\s+(?:account|acct|balance))(?!\w)",
    re.IGNORECASE,
)
_NAMED_RE: dict[str, re.Pattern[str]] = {
    "checking": re.compile(r"\b(checking|chequing|current account|main account|everyday|primary account|spending)\b"),
    "savings": re.compile(r"\b(savings?|high[- ]yield|rainy day)\b"),
    "credit_card": re.compile(r"\b(credit|visa|mastercard|rewards card|card)\b"),
}


def unsupported_account(text: str, call: dict[str, Any]) -> str | None:
    """The account kind ``text`` asks about, as said, when ``call`` answers for another account instead.

    None when the call names no account, the question names none the tools lack, or the question also
    names the account the call uses ("move $50 from checking to my mortgage" is a transfer to a payee).
    """
    arguments = call.get("arguments")
    if not isinstance(arguments, dict):
        return None
    used = [arguments[name] for name in ACCOUNT_ARGUMENTS if arguments.get(name) in ACCOUNTS]
    if not used:
        return None
    match = _UNSUPPORTED_RE.search(text)
    if match is None:
        return None
    rest = (text[: match.start()] + " " + text[match.end() :]).lower()
    if any(_NAMED_RE[account].search(rest) for account in used):
        return None
    return match.group("always") or match.group("kind")


def unsupported_account_answer(kind: str) -> str:
    return (
        f"I can only see your checking, savings and credit card accounts here, so I can't answer for your "
        f"{kind} account."
    )
