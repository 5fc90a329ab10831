"""The action a call takes is the one the customer asked for.

A question about a bill, a transfer or a card is not a request to act on it.

Asked "did I report my card lost?", the card specialist wrote ``report_lost_card``, and the assistant
asked back "Report your debit card ending 3271 as lost or stolen?": a "yes" meant as an answer to the
customer's own question would have blocked the card for good. "How much is my rent?" became a payment
of $1,850 waiting for a yes. Write tools still wait for an explicit yes; this rule makes sure the
question they ask is one the customer asked for.

A payment or a transfer written for a request to see or be sent a document ("show me the pdf of my
city power bill") is out of scope: no tool produces one, and a "yes" meant for the document would have
paid the bill.

A call to a write tool is answered with its specialist's read tool instead (``list_bills``,
``transfer_status``, ``card_status``) when the utterance is a question about how things stand: it opens
(after greetings) with "did", "is", "has", "how much", "when", "what"... and carries no request ("can
you", "please", "I want", "go ahead", "let's", "do the same").
"""

from __future__ import annotations

import re
from typing import Any

from edge_runtime.tools.schemas import OUT_OF_SCOPE

_OPENERS = re.compile(r"^(?:(?:hi|hey|hello|ok|okay|so|um|uh|quick question|sorry|and|but|also)\W+)*")
# "do" asks only before its subject ("do I owe...?"); "do the debit card too" is a request.
_ASKS = re.compile(
    r"^(?:did|does|do (?:i|you|we|they|my|u)|is|are|was|were|has|have|had|how much|how many|when|what|what's|"
    r"whats|which|why|where)\b"
)
_REQUEST = re.compile(
    r"\b(?:can|could|would|will|won't) (?:you|u)\b|\bplease\b|\bpls\b|\bi (?:want|need|would like)\b|\bi'd like\b|"
    r"\blet'?s\b|\bgo ahead\b|\b(?:can|may|could) i\b|\bsame\b|\binstead\b|\bmake it\b|\bchange it\b|"
    r"\bpossible\b|\bable to\b|\bis there a way\b|\bok(?:ay)? (?:to|if)\b"
)

#: Each write tool's read counterpart, and the arguments it keeps.
READ_INSTEAD: dict[str, tuple[str, tuple[str, ...]]] = {
    "pay_bill": ("list_bills", ()),
    "set_autopay": ("list_bills", ()),
    "transfer": ("transfer_status", ("to",)),
    "freeze_card": ("card_status", ("card",)),
    "unfreeze_card": ("card_status", ("card",)),
    "report_lost_card": ("card_status", ("card",)),
    "activate_card": ("card_status", ("card",)),
    "order_replacement": ("card_status", ("card",)),
}


def asks_how_things_stand(text: str) -> bool:
    """True for a question about the state of things ("did I pay Verizon?"), not a request to act."""
    normalised = _OPENERS.sub("", " ".join(text.lower().split()))
    return bool(_ASKS.match(normalised)) and not _REQUEST.search(normalised)


def read_not_write(call: dict[str, Any], text: str) -> dict[str, Any]:
    """``call``, or its specialist's read tool when ``call`` would act on a question that only asks."""
    name, arguments = call.get("name"), call.get("arguments")
    if name not in READ_INSTEAD or not isinstance(arguments, dict) or not asks_how_things_stand(text):
        return call
    read, kept = READ_INSTEAD[str(name)]
    return {"name": read, "arguments": {key: arguments[key] for key in kept if key in arguments}}


# Asking to be shown or sent something: the verb, or "me" after a verb of sending ("email me the
# receipt"), so that "send $50 to Mom for the receipt" is not one.
_SHOW = re.compile(
    r"\b(?:show|see|view|display|download|print|open|pull up|look at|(?:send|email|e-mail|text|mail|forward) me)\b"
)
# ... a document, which no tool produces.
_DOCUMENT = re.compile(
    r"\b(?:pdfs?|cop(?:y|ies)|statements?|receipts?|invoices?|documents?|e-?bills?|paperwork|scans?|printouts?)\b"
)
#: The writes that move money.
_MONEY_WRITES = ("pay_bill", "set_autopay", "transfer")


def document_not_payment(call: dict[str, Any], text: str) -> dict[str, Any]:
    """``call``, or the out-of-scope signal when it would move money for a request to see a document.

    Asked "show me the pdf of my city power bill" or "email me the statement for my water bill", the
    bills specialist wrote ``pay_bill`` and the assistant asked "Pay $112.08 to City Power today?": a
    "yes" meant for the document would have paid the bill. No tool produces a document, so the
    question goes on to another specialist (the help centre knows where statements are) or the cloud.
    """
    if call.get("name") not in _MONEY_WRITES:
        return call
    lowered = " ".join(text.lower().split())
    if _SHOW.search(lowered) and _DOCUMENT.search(lowered):
        return {"name": OUT_OF_SCOPE}
    return call


# Turning a card back on, in the words customers use.
_CARD_ON = re.compile(
    r"\b(?:un-?freez\w*|unlock\w*|unblock\w*|unpause\w*|back on|re-?enable\w*|reactivat\w*|"
    r"(?:lift|remove|take off|take away)\s+(?:the\s+)?(?:freeze|hold|block|lock)|(?:hold|freeze|block|lock) off)\b"
)
# Turning it off; read once the words above are taken out ("un-freeze" holds a "freeze").
_CARD_OFF = re.compile(
    r"\b(?:freez\w*|froze\w*|lock|block|pause|put a hold|hold on|disable|suspend|turn (?:\w+ ){0,4}off|"
    r"switch (?:\w+ ){0,4}off)\b"
)
# Asking outright to turn a card off: the verb with what it acts on ("freeze my card", "put a hold on
# it", "turn my card off"), so that a misspelt "lifft the freeze" is not taken for one, nor "turn off
# international payments on my card" (a card setting, which no tool changes).
_CARD_OFF_ASKED = re.compile(
    r"\b(?:put (?:a |the )?(?:ho?ld|freeze|block|lock) on|(?:put|place) (?:\w+ ){0,4}on ho?ld|"
    r"(?:freeze|lock|block|pause|disable|suspend) (?:my|the|it|this|that|both|our|all)|"
    r"(?:turn|switch) (?:my|the|it|this|that|both|our)(?: \w+){0,3} off)\b"
)
# Which card: the contract's two.
_CARD_KINDS = {
    "credit": re.compile(r"\bcredit\b"),
    "debit": re.compile(r"\b(?:debit|check card|atm card|bank card|cash card)\b"),
}
_SWITCHES = ("freeze_card", "unfreeze_card", "activate_card")


def card_switch_as_said(call: dict[str, Any], text: str, label: str | None = None) -> dict[str, Any]:
    """A card switch in the direction the customer asked for.

    Asked "turn my credit card back on", the card specialist wrote ``freeze_card``; asked "put a hold on
    my debit card", it wrote ``unfreeze_card``: a "yes" to the confirmation would have done the opposite
    of the request. Asked "switch my credit card back on", it found no tool, and the request went to the
    cloud, which can't switch a card.

    - a freeze or an activation becomes an unfreeze when the utterance asks to turn the card back on
      and says nothing of turning it off;
    - an unfreeze becomes a freeze when the utterance asks outright to turn the card off ("put a hold
      on", "freeze my") and says nothing of turning it back on. A misspelt "lifft the freeze" asks for
      neither, so the call stays as written;
    - the card specialist's out-of-scope (``label``) becomes the switch asked for either way, when the
      utterance is a request, not a question ("what's the fee to freeze my card?"), and names one card,
      debit or credit.

    The switch still waits for the customer's yes, to a question that names the card and the action.
    """
    name, arguments = call.get("name"), call.get("arguments")
    out_of_scope = name == OUT_OF_SCOPE and label == "card_services"
    if name not in _SWITCHES and not out_of_scope:
        return call
    lowered = " ".join(text.lower().split())
    turned_on = bool(_CARD_ON.search(lowered)) and not _CARD_OFF.search(_CARD_ON.sub(" ", lowered))
    turned_off = bool(_CARD_OFF_ASKED.search(lowered)) and not _CARD_ON.search(lowered)
    asked = "unfreeze_card" if turned_on else "freeze_card" if turned_off else None
    if asked is None or asked == name or (name == "activate_card" and asked != "unfreeze_card"):
        return call
    if out_of_scope:
        if asks_how_things_stand(text):
            return call
        cards = [card for card, pattern in _CARD_KINDS.items() if pattern.search(lowered)]
        return {"name": asked, "arguments": {"card": cards[0]}} if len(cards) == 1 else call
    return {"name": asked, "arguments": dict(arguments)} if isinstance(arguments, dict) else call
