"""A year the user named, and the specialists' period arguments held to it.

The specialists were trained on named periods and dates, never on a bare year: asked "how much have I
spent at Amazon in 2026?", one wrote ``last_30_days``, and the answer gave a month's figure as the
year's. A year said as the question's period ("in 2026", "during 2025", "for the year 2024") is read
back without a model: this year is ``this_year``, last year ``last_year``, any other the whole calendar
year as dates. A call whose tool takes a period gets that one, whatever the model wrote. Questions that
also name a month or a date are left to the model ("in March 2026", "since 2025-11-01").
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from edge_runtime.specialists.months import mentions_month
from edge_runtime.tools.schemas import argument_names

_YEAR_RE = re.compile(
    r"\b(?:in|during|for|of|throughout|over)\s+(?:the\s+(?:whole\s+|entire\s+)?year\s+)?((?:19|20)\d\d)\b(?![-/]\d)"
)
_ANY_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")
# A month or a date beside the year makes the period the model's to write.
_DATE_RE = re.compile(r"\d{4}-\d{1,2}|\d{1,2}/\d{1,2}")


def year_said(text: str) -> int | None:
    """The one calendar year ``text`` asks about, or None (none, several, or a month or date beside it)."""
    years = {int(match.group(1)) for match in _YEAR_RE.finditer(text.lower())}
    if len(years) != 1 or len(set(_ANY_YEAR_RE.findall(text))) != 1 or mentions_month(text) or _DATE_RE.search(text):
        return None
    return years.pop()


def year_period(year: int, today: date) -> str | dict[str, str]:
    """The contract's period for a calendar year, seen from ``today``."""
    if year == today.year:
        return "this_year"
    if year == today.year - 1:
        return "last_year"
    return {"start": f"{year}-01-01", "end": f"{year}-12-31"}


def ground_year(call: dict[str, Any], text: str, today: date) -> dict[str, Any]:
    """``call`` with its period held to the year ``text`` names, if it names one; else ``call`` itself."""
    name, arguments = call.get("name"), call.get("arguments")
    if not isinstance(name, str) or not isinstance(arguments, dict):
        return call
    try:
        names = argument_names(name)
    except KeyError:  # out of scope: no arguments to hold
        return call
    year = year_said(text)
    if "period" not in names or year is None:
        return call
    period = year_period(year, today)
    if arguments.get("period") == period:
        return call
    grounded = {**arguments, "period": period}
    return {**call, "arguments": {key: grounded[key] for key in names if key in grounded}}
