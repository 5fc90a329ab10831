"""A question about one savings goal gets that goal's progress.

Asked "how much do I still need for the road trip?", the savings specialist found no tool for it and
the question went to the cloud; asked "how's my honeymoon savings coming along?", it answered with the
overview of all savings. Both name a goal and ask how far along it is, which is ``goal_progress``. The
specialist knows the goal tool when the question says "goal"; these phrasings don't.

The savings specialist's out-of-scope or overview, or a ``goal_progress`` with no goal, becomes
``goal_progress`` for the goal the utterance names, when it asks how much has gone toward it or is
still needed ("how much have I put toward X so far?", "how much do I still need for X?") or how its
savings are coming along ("how's my X savings coming along?"). The goal is copied as said, as the
specialists write it. Advice ("how much should I save for retirement?") is none of these and still
goes to the cloud.
"""

from __future__ import annotations

import re
from typing import Any

from edge_runtime.tools.schemas import OUT_OF_SCOPE

_REPLACED = (OUT_OF_SCOPE, "savings_overview")
_TAIL = r"(?:\s+(?:goal|savings))?(?:\s+(?:so far|yet|now|already|then|pls|please|thanks|thank you))*\W*$"
_GOAL = r"(?:(?:my|the|our)\s+)?(?P<goal>[a-z][a-z0-9' -]*?)"
# "how much have I put toward X so far?", "how much do I still need for X?"
_TOWARD = re.compile(
    r"\bhow much\b.*?\b(?:put|saved|set aside|put away|got saved|still need|still have to save|left to save|"
    r"more do i need)\s+(?:toward|towards|for|on)\s+" + _GOAL + _TAIL,
    re.IGNORECASE,
)
# "how's my X savings coming along?"; a typo in "coming" is common enough to allow.
_COMING_ALONG = re.compile(
    r"\bhow(?:'s|s| is)\s+(?:my|the|our)\s+(?P<goal>[a-z][a-z0-9' -]*?)\s+(?P<kind>savings|goal|fund)\s+"
    r"(?:co\w{2,5} along|going|doing|looking|progressing)\b",
    re.IGNORECASE,
)
# Words that make the phrase about savings in general, or about something else, not one goal.
_NOT_A_GOAL = frozenset(
    {"savings", "saving", "account", "accounts", "balance", "money", "interest", "goals", "it", "that", "this",
     "them", "everything", "all", "total", "overall", "rate", "deposit", "deposits"}
)  # fmt: skip
_MAX_GOAL_WORDS = 4


def goal_named(text: str) -> str | None:
    """The goal whose progress ``text`` asks about, as said; None when it asks about none."""
    text = " ".join(text.split())
    match = _TOWARD.search(text)
    if match is not None:
        goal = match.group("goal")
    else:
        match = _COMING_ALONG.search(text)
        if match is None:
            return None
        goal = match.group("goal") + (" fund" if match.group("kind").lower() == "fund" else "")
    words = goal.split()
    if not words or len(words) > _MAX_GOAL_WORDS or _NOT_A_GOAL.intersection(word.lower() for word in words):
        return None
    return goal


def goal_as_said(call: dict[str, Any], text: str, label: str | None = None) -> dict[str, Any]:
    """``call``, or ``goal_progress`` for the goal ``text`` asks about when the savings specialist
    (``label``) answered it with no tool, the overview, or no goal."""
    name, arguments = call.get("name"), call.get("arguments")
    if name == "goal_progress":
        if not isinstance(arguments, dict) or arguments.get("goal"):
            return call
    elif not (label == "savings" and name in _REPLACED):
        return call
    goal = goal_named(text)
    return call if goal is None else {"name": "goal_progress", "arguments": {"goal": goal}}
