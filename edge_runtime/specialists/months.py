"""A month the user named as the question's period, and the specialists' period held to it.

The specialists write most months right, but not in every follow-up: "and in September?" after a
question about October came out as September 1 to October 9. A month said alone as the period ("in
September", "for March 2026", "what about August?") is read back without a model, as the training data
has it: the whole month, the most recent one of that name that has ended (or the year's, when one is
said). Only for tools that look back (spending, purchases, account history, interest, transactions,
transfers' status): a month of bills may be the next one. A month beside a day ("September 3", "the
3rd of May"), in a range ("since March", "between May and June"), or the current month (this month's
or last year's?) is left to the model.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from edge_runtime.tools.schemas import argument_names

#: Tools whose period is in the past.
LOOKING_BACK = frozenset(
    {"spending_summary", "list_card_transactions", "account_history", "interest_earned", "find_transaction",
     "transfer_status"}
)  # fmt: skip

_NAMES = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
_MONTH_RE = re.compile(
    r"\b(?P<month>" + "|".join(sorted(_NAMES, key=len, reverse=True)) + r")\b"
    r"(?:\s+(?:of\s+)?(?P<year>(?:19|20)\d\d)\b)?",
    re.IGNORECASE,
)
# "may" is a month only where it cannot be the verb: after a preposition, or before a year.
_MAY_PREPOSITION_RE = re.compile(r"\b(?:in|for|of|about|during)\s+$", re.IGNORECASE)
_DIGIT_AFTER_RE = re.compile(r"^\s+\d")
_ORDINALS = (
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|"
    "fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth"
)
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|(?:(?:twenty|thirty)[\s-]?)?(?:{_ORDINALS}))"
_DAY_AFTER_RE = re.compile(rf"^\s*(?:the\s+)?{_DAY}\b", re.IGNORECASE)
_DAY_BEFORE_RE = re.compile(rf"\b{_DAY}\s+(?:of\s+)?$", re.IGNORECASE)
_RANGE_BEFORE_RE = re.compile(r"\b(?:since|from|until|till|before|after|between|through|to|and)\s+$", re.IGNORECASE)


def _months_named(text: str) -> list[re.Match[str]]:
    """Each month name in ``text``; "may" only where it is one ("in may", "may 2025", "may 5")."""
    return [
        match
        for match in _MONTH_RE.finditer(text)
        if match.group("month").lower() != "may"
        or match.group("year") is not None
        or _MAY_PREPOSITION_RE.search(text[: match.start()])
        or _DIGIT_AFTER_RE.match(text[match.end() :])
    ]


def mentions_month(text: str) -> bool:
    """True when ``text`` names a month anywhere (a year said beside it is then not the whole period)."""
    return bool(_months_named(text))


def month_said(text: str, today: date) -> tuple[int, int] | None:
    """The (year, month) ``text`` names as its period, or None (none, several, or not alone)."""
    found: set[tuple[int, int]] = set()
    for match in _months_named(text):
        name, year = match.group("month").lower(), match.group("year")
        before, after = text[: match.start()], text[match.end() :]
        if _DAY_AFTER_RE.match(after) or _DAY_BEFORE_RE.search(before) or _RANGE_BEFORE_RE.search(before):
            return None
        month = _NAMES[name]
        if year is not None:
            found.add((int(year), month))
        elif month == today.month:
            return None  # this month so far, or last year's? the model's to decide
        else:
            found.add((today.year if month < today.month else today.year - 1, month))
    return found.pop() if len(found) == 1 else None


def ground_month(call: dict[str, Any], text: str, today: date) -> dict[str, Any]:
    """``call`` with its period held to the month ``text`` names, if it names one; else ``call`` itself."""
    name, arguments = call.get("name"), call.get("arguments")
    if name not in LOOKING_BACK or not isinstance(arguments, dict):
        return call
    said = month_said(text, today)
    if said is None:
        return call
    year, month = said
    period = {
        "start": date(year, month, 1).isoformat(),
        "end": date(year, month, calendar.monthrange(year, month)[1]).isoformat(),
    }
    if arguments.get("period") == period:
        return call
    grounded = {**arguments, "period": period}
    return {**call, "arguments": {key: grounded[key] for key in argument_names(str(name)) if key in grounded}}
