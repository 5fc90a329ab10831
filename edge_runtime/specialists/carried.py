"""A follow-up that names no time asks about the previous question's period.

After "how much did I spend on dining in October?", "what about groceries?" asks about groceries in
October; a specialist wrote ``last_30_days`` and answered for another month than the one on screen.
When the utterance says nothing about time, the call takes the previous call's period:

- only with a previous call that has a period, and only for a tool that looks back over one: a bill's
  status has its own time ("what about overdue?" after the upcoming bills of next week);
- anything that may be a time (a digit, a month or weekday, "last", "this", "since", "week", ...)
  leaves the call alone, so "and last month?" keeps the period the specialist wrote.
"""

from __future__ import annotations

import calendar
import re
from typing import Any

from edge_runtime.specialists.months import LOOKING_BACK
from edge_runtime.specialists.prompt import previous_arguments
from edge_runtime.tools.schemas import argument_names

_TIME_WORDS = (
    "today", "tonight", "yesterday", "tomorrow", "now", "currently", "recent", "recently", "lately", "so far",
    "day", "days", "week", "weeks", "weekend", "weekends", "fortnight", "month", "months", "monthly", "year",
    "years", "yearly", "annual", "annually", "quarter", "ytd", "mtd", "last", "this", "past", "previous", "next",
    "since", "until", "till", "before", "after", "between", "ago", "during", "through", "upcoming", "earlier",
    "later", "morning", "afternoon", "evening", "night", "period", "time", "when", "first", "second", "third",
    "twenty", "thirty", "ever", "all time",
)  # fmt: skip
_CALENDAR_NAMES = [name.lower() for name in (*calendar.month_name, *calendar.month_abbr, *calendar.day_name) if name]
_TIME_RE = re.compile(
    r"\d|\b(?:" + "|".join(re.escape(word) for word in sorted({*_TIME_WORDS, *_CALENDAR_NAMES, "sept"})) + r")\b",
    re.IGNORECASE,
)


def says_a_time(text: str) -> bool:
    """True when ``text`` may name a time or a period (erring towards True)."""
    return bool(_TIME_RE.search(text))


def carry_period(call: dict[str, Any], text: str, previous: str | None) -> dict[str, Any]:
    """``call`` with the previous call's period when ``text`` follows up without naming a time."""
    name, arguments = call.get("name"), call.get("arguments")
    if name not in LOOKING_BACK or not isinstance(arguments, dict):
        return call
    period = previous_arguments(previous).get("period")
    if period is None or arguments.get("period") == period or says_a_time(text):
        return call
    carried = {**arguments, "period": period}
    return {**call, "arguments": {key: carried[key] for key in argument_names(name) if key in carried}}
