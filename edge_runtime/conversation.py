"""Turn state of one conversation: the write action awaiting a yes, and the last call for follow-ups.

The stages (router, specialists, tools) are stateless; what a conversation remembers lives here, so a
daemon can keep many conversations apart by id.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from edge_runtime.tools.calls import PendingAction

if TYPE_CHECKING:
    from edge_runtime.escalation import PendingEscalation

# An explicit yes: the whole reply is one of these (after dropping punctuation and "please"). Anything
# else, including "yes but make it $50" or "sure, wait", is not a confirmation.
_YES: Final[frozenset[str]] = frozenset(
    {
        "yes",
        "yeah",
        "yep",
        "yup",
        "y",
        "sure",
        "ok",
        "okay",
        "confirm",
        "confirmed",
        "correct",
        "do it",
        "go ahead",
        "yes do it",
        "yes go ahead",
        "yes confirm",
        "yes thats right",
        "yes that's right",
        "thats right",
        "that's right",
        "yes pay it",
        "pay it",
        "send it",
        "yes send it",
        "sounds good",
        "absolutely",
    }
)
_NO: Final[frozenset[str]] = frozenset(
    {"no", "nope", "nah", "n", "cancel", "stop", "don't", "dont", "do not", "never mind", "nevermind", "no thanks"}
)
# Openers that carry nothing: "hey, and last month?" leans on the previous question as "and last month?" does.
_OPENER = re.compile(
    r"^(?:(?:hey there|hey|hi|hello|ok so|okay so|ok|okay|so|um|uh|er|well|oh|alright|all right|right|"
    r"quick question|great|cool|perfect|thanks|thank you|wait|no wait|hmm)\s+)+"
)
# A short reply that builds on the previous question: "and last month?", "what about dining?", or an
# amendment of the call waiting for a yes ("actually make it $50", "$60 instead").
_FOLLOW_UP = re.compile(
    r"^(and|also|what about|how about|same|what of|now|then|actually|instead|only|just the|just for|"
    r"make it|make that|change it|change that|change the|do it|do that|do the same|schedule it|try|"
    r"the (day|week|month|year|one) before|which ones?|those|that one)\b"
    r"|\binstead$"
)
# Weaker signs: a reply that ends like an addition ("Visa credit card too?", "top 5 only"), or a short
# one that points back ("freeze it", "how much is in it now?", "what's its status?", "only the pending
# ones"). "It's" is left out: "it's my checking balance" is a question of its own (as a recogniser hears
# "what's my checking balance").
_ADDS_ON = re.compile(r"\b(too|as well|only)$")
_POINTS_BACK = re.compile(r"\b(it(?!')|its|them|that one|those|the \w+ ones)\b")
_POINTS_BACK_WORDS: Final[int] = 6
# Asking to send the last unanswered question to the cloud assistant again.
_RETRY: Final[frozenset[str]] = frozenset(
    {"try again", "retry", "try that again", "try it again", "again", "send it again", "ask again", "ask it again"}
)
_FILLER = re.compile(r"\b(please|thanks|thank you)\b")


def _normalised(text: str) -> str:
    text = re.sub(r"[^\w' ]+", " ", text.lower())
    return " ".join(_FILLER.sub(" ", text).split())


def is_yes(text: str) -> bool:
    """True only for an explicit confirmation."""
    return _normalised(text) in _YES


def is_no(text: str) -> bool:
    return _normalised(text) in _NO


def is_retry(text: str) -> bool:
    """True for a request to send the question the cloud assistant didn't answer again."""
    return _normalised(text) in _RETRY


def is_follow_up(text: str) -> bool:
    """True for a short reply that only makes sense after the previous question."""
    normalised = _OPENER.sub("", _normalised(text))
    return bool(_FOLLOW_UP.search(normalised)) and len(normalised.split()) <= 8


def may_follow_up(text: str) -> bool:
    """True for a short reply that probably builds on the previous question, unless it is clearly about
    something else (the caller asks the router)."""
    normalised = _OPENER.sub("", _normalised(text))
    words = len(normalised.split())
    return (bool(_ADDS_ON.search(normalised)) and words <= 8) or (
        bool(_POINTS_BACK.search(normalised)) and words <= _POINTS_BACK_WORDS
    )


@dataclass
class Conversation:
    """What one conversation remembers between turns."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    pending: PendingAction | None = None
    last_label: str | None = None
    last_call: str | None = None  # canonical JSON of the last call that ran or asked for confirmation
    retry: PendingEscalation | None = None  # the escalated question the relay didn't answer, for "try again"
    turns: int = 0
    touched: float = field(default_factory=time.monotonic)


class ConversationStore:
    """Conversations by id, in memory, the least recently used dropped beyond ``capacity`` or ``ttl_s``."""

    def __init__(self, capacity: int = 1000, ttl_s: float = 3600.0) -> None:
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self._capacity = capacity
        self._ttl_s = ttl_s
        self._lock = threading.Lock()

    def get(self, conversation_id: str | None) -> Conversation:
        """The conversation with this id, or a new one (under this id when one is given)."""
        now = time.monotonic()
        with self._lock:
            for key in [key for key, item in self._items.items() if now - item.touched > self._ttl_s]:
                del self._items[key]
            conversation = self._items.pop(conversation_id, None) if conversation_id else None
            if conversation is None:
                conversation = Conversation(id=conversation_id) if conversation_id else Conversation()
            conversation.touched = now
            self._items[conversation.id] = conversation
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
            return conversation

    def drop(self, conversation_id: str) -> None:
        with self._lock:
            self._items.pop(conversation_id, None)

    def __len__(self) -> int:
        return len(self._items)
