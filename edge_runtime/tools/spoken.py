"""Figures and dates as a person says them: what a text-to-speech voice reads well.

Amounts are "$1,234.50", dates "Friday, November 28" (the year only when it is not this year), never ISO.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal


def money(amount: Decimal) -> str:
    """``Decimal('-1234.5')`` -> "minus $1,234.50"."""
    text = f"${abs(amount):,.2f}"
    return f"minus {text}" if amount < 0 else text


def day(when: date, today: date) -> str:
    """A date as a noun: "today", "tomorrow", "yesterday" or "Friday, November 28" (", 2025" in another year)."""
    offset = (when - today).days
    if -1 <= offset <= 1:
        return ("yesterday", "today", "tomorrow")[offset + 1]
    text = f"{when:%A}, {when:%B} {when.day}"
    return text if when.year == today.year else f"{text}, {when.year}"


def on_day(when: date, today: date) -> str:
    """A date as an adverb: "today", or "on Friday, November 28"."""
    text = day(when, today)
    return text if text in ("yesterday", "today", "tomorrow") else f"on {text}"


def month_day(when: date, today: date) -> str:
    """A date without its weekday: "November 28", or "November 28, 2025" in another year."""
    text = f"{when:%B} {when.day}"
    return text if when.year == today.year else f"{text}, {when.year}"


def sentence(text: str) -> str:
    """``text`` with its first letter in capitals (unlike ``str.capitalize``, the rest is left alone)."""
    return text[:1].upper() + text[1:]


def count(number: int, singular: str, plural: str | None = None) -> str:
    """ "1 bill", "3 bills", "no bills"."""
    noun = singular if number == 1 else plural or f"{singular}s"
    return f"{'no' if number == 0 else number} {noun}"


def join(words: Sequence[str], last: str = "and", separator: str = ", ") -> str:
    """ "a", "a and b", "a, b and c"; with ``separator="; "``: "a; b; and c", for items that hold commas."""
    if len(words) <= 1:
        return "".join(words)
    final = f"{separator.strip()} {last}" if separator != ", " and len(words) > 2 else f" {last}"
    return f"{separator.join(words[:-1])}{final} {words[-1]}"
