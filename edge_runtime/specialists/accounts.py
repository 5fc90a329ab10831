"""Accounts the tools cannot see, named in a question.

The contract's accounts are checking, savings and the credit card, and a specialist's grammar lets it
write no other: asked "what's the balance of my brokerage account?", it writes ``checking``, and the
customer would hear their checking balance as if it answered the question. ``unsupported_account``
finds such a question before the tool runs, so the assistant says what it can see instead.
"""

from __future__ import annotations

import re
from typing import Any

from edge_runtime.tools.schemas import ACCOUNTS, OUT_OF_SCOPE

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


# Own accounts as said after a preposition that gives a transfer's direction ("from savings", "into my
# savings account", "to the credit card"). A payee ("to Alex", "to Sam's savings") is not one of them.
_OWN_ACCOUNTS: dict[str, str] = {
    "checking": r"checking|chequing|current account|main account|everyday account|primary account|spending account",
    "savings": r"high[- ]yield savings|savings|high[- ]yield|rainy day fund|rainy day",
    "credit_card": r"credit card|credit|visa|mastercard|rewards card",
}
#: How ``transfer``'s ``to`` names an own account (it may also be a payee's name).
_DESTINATION_NAMES: dict[str, str] = {"checking": "checking", "savings": "savings", "credit_card": "credit card"}
_SOURCE_WORDS = ("from", "out of")
_DIRECTION_RE = re.compile(
    r"\b(?P<preposition>from|out of|to|into|in|onto|towards?)\s+(?:my\s+|the\s+|our\s+)?(?:"
    + "|".join(f"(?P<{account}>{words})" for account, words in _OWN_ACCOUNTS.items())
    + r")(?!\w)",
    re.IGNORECASE,
)


def said_direction(text: str) -> tuple[str | None, str | None]:
    """The own accounts ``text`` moves money from and to, each None unless said exactly once."""
    sources: set[str] = set()
    destinations: set[str] = set()
    for match in _DIRECTION_RE.finditer(text):
        account = next(name for name in _OWN_ACCOUNTS if match.group(name))
        (sources if match.group("preposition").lower() in _SOURCE_WORDS else destinations).add(account)
    source = sources.pop() if len(sources) == 1 else None
    destination = destinations.pop() if len(destinations) == 1 else None
    return (None, None) if source is not None and source == destination else (source, destination)


def ground_transfer_accounts(call: dict[str, Any], text: str) -> dict[str, Any]:
    """A ``transfer`` call with its direction held to the accounts ``text`` names.

    The model reverses a transfer now and then ("transfer -50 to savings" came out as savings to
    checking). An account said after "from" is the source, one said after "to", "into" or "in" the
    destination; the account the call has on the other side moves over when the model swapped them.
    Anything else in the call stays as written, and a call that already agrees is returned as is.
    """
    arguments = call.get("arguments")
    if call.get("name") != "transfer" or not isinstance(arguments, dict):
        return call
    source, destination = said_direction(text)
    written_from = arguments.get("from_account")
    written_to = _own_account(arguments.get("to"))
    grounded = dict(arguments)
    if destination is not None and written_to != destination:
        grounded["to"] = _DESTINATION_NAMES[destination]
        if written_from == destination:
            # Swapped: the source is what the model wrote as the destination, or, when that was a payee's
            # name, the usual one (money goes to checking from savings, anywhere else from checking).
            grounded["from_account"] = written_to or ("savings" if destination == "checking" else "checking")
    if source is not None and grounded.get("from_account") != source:
        if destination is None and written_to == source and written_from in ACCOUNTS:
            grounded["to"] = _DESTINATION_NAMES[written_from]  # swapped the other way
        grounded["from_account"] = source
    if grounded == arguments:
        return call
    return {**call, "arguments": {key: grounded[key] for key in arguments}}


def _own_account(name: object) -> str | None:
    """The own account a transfer's ``to`` names ("credit card", "savings"), or None for a payee."""
    if not isinstance(name, str):
        return None
    key = name.strip().lower().replace(" ", "_")
    return key if key in ACCOUNTS else None


def destination_said(call: dict[str, Any], text: str, previous: str | None = None) -> dict[str, Any]:
    """``call``, or out-of-scope for a transfer to an own account the utterance never names.

    Asked "send $3,900 to a bank account in the UK" (an international transfer, which no tool makes), the
    transfers specialist wrote a transfer from savings to checking, and the assistant asked back "Move
    $3,900.00 from savings to checking today?", a question the customer never asked. A question that
    names no own account for the money to go to, and is not a follow-up (which may point back: "move 50
    there"), is left to the router's runner-up or the cloud instead.
    """
    arguments = call.get("arguments")
    if call.get("name") != "transfer" or not isinstance(arguments, dict) or previous is not None:
        return call
    destination = _own_account(arguments.get("to"))
    if destination is None or _NAMED_RE[destination].search(text.lower()):
        return call
    return {"name": OUT_OF_SCOPE}
