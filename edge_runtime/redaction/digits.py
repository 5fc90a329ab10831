"""Digit runs as the number recognizers see them: dates, times and amounts set aside, groups kept apart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# Dates and times are the model's business and are never personal data here; "2026-11-21" would otherwise
# read as an eight-digit account number.
DATE: Final[re.Pattern[str]] = re.compile(
    r"(?<![\w.-])(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})"
    r"|(?:19|20)\d{2}\s?[-\u2013]\s?(?:19|20)\d{2}|\d{1,2}/(?:19|20)\d{2}|(?:19|20)\d{2}-(?:0?[1-9]|1[0-2]))"
    r"(?![\w]|[-./]\d)"
)
TIME: Final[re.Pattern[str]] = re.compile(r"(?<![\w:])\d{1,2}:\d{2}(?::\d{2})?(?![\w:])")
# Money: after a currency sign, with thousands separators, or with cents. A number written as money is
# never redacted; one that is both money-shaped and twelve digits long still fails the verification pass.
AMOUNT: Final[re.Pattern[str]] = re.compile(
    r"(?<![\w.,])\d{1,3}(?:[ ,.]\d{3})+(?:[.,]\d{1,2})?\s?(?:[$£€¥]|(?i:usd|eur|gbp|dollars?|euros?|pounds?)\b)"
    r"|[$£€¥]\s?\d{1,3}(?:[ ,.]\d{3})+(?:[.,]\d{1,2})?(?![\w]|[ ,.]\d)"
    r"|[$£€¥]\s?\d[\d,]*(?:\.\d+)?"
    r"|(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,]|\.\d)"
    r"|(?<![\w.,])\d+[.,]\d{2}(?![\w]|[.,]\d)"
)
# Groups of digits joined by one space, hyphen or dot: "4111 1111 1111 1111", "12-34-56".
_RUN: Final[re.Pattern[str]] = re.compile(r"(?<![\w+])\d+(?:[ .\-\u2013]\d+)*(?!\w)")
_GROUP: Final[re.Pattern[str]] = re.compile(r"\d+")


def mask(text: str, *patterns: re.Pattern[str]) -> str:
    """``text`` with every match of ``patterns`` overwritten by ``_``, so offsets stay the same and no digit
    run can start or end inside what was masked."""
    for pattern in patterns:
        text = pattern.sub(lambda m: "_" * len(m.group()), text)
    return text


def digits_only(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def luhn_valid(digits: str) -> bool:
    """The card-number check digit: every second digit from the right doubled, the sum a multiple of 10."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


@dataclass(frozen=True)
class Run:
    """Digit groups separated by single separators; ``groups`` are (start, end) offsets into the text."""

    groups: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.groups[0][0]

    @property
    def end(self) -> int:
        return self.groups[-1][1]

    def digit_count(self, first: int = 0, last: int | None = None) -> int:
        """Digits in groups ``first`` to ``last`` inclusive (to the end when ``last`` is None)."""
        chosen = self.groups[first : None if last is None else last + 1]
        return sum(end - start for start, end in chosen)


def digit_runs(text: str) -> list[Run]:
    """The digit runs of ``text`` outside dates, times and amounts."""
    masked = mask(text, DATE, TIME, AMOUNT)
    return [
        Run(tuple((match.start() + g.start(), match.start() + g.end()) for g in _GROUP.finditer(match.group())))
        for match in _RUN.finditer(masked)
    ]
