"""Account numbers: long digit runs that are not cards, numbers said to be accounts, last-four mentions,
sort codes and routing numbers, and the customer's own numbers that the bank knows.

A digit run of 8 or more digits (spaced or not) that no other recognizer claims is an account number: a
16-digit number with a bad Luhn digit is not a card, but it is nobody's business either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Final

from edge_runtime.redaction import spans
from edge_runtime.redaction.card import card_windows
from edge_runtime.redaction.digits import digit_runs, digits_only
from edge_runtime.redaction.spans import Span

MIN_BARE_DIGITS = 8
#: Known numbers shorter than this would match too much ordinary text to be worth redacting anywhere.
MIN_KNOWN_DIGITS = 4

_NUMBER = r"(\d(?:[ -]?\d){3,18})(?![\w]|[.,]\d)"
_SAID_TO_BE_AN_ACCOUNT: Final[re.Pattern[str]] = re.compile(
    r"\b(?:account|acct|a/c|customer|member)\.?\s*(?:number|no\.?|num|#|id)\s*(?:is|was|:|=)?\s*#?\s*" + _NUMBER
    + r"|\b(?:account|acct)\.?\s*(?:is|:)?\s*#?\s*(\d(?:[ -]?\d){4,18})(?![\w]|[.,]\d)",
    re.I,
)  # fmt: skip
_LAST_FOUR: Final[re.Pattern[str]] = re.compile(
    r"\b(?:ending|ends|end)(?:\s+(?:in|with|on))?\s*[:#-]?\s*(\d{4})(?![\w]|[.,]\d)"
    r"|\blast\s+(?:four|4)(?:\s+digits)?(?:\s+(?:of|on)\s+(?:my|the|your|our)(?:\s+[a-z]+){1,2})?"
    r"(?:\s+(?:is|are|were|was))?\s*[:#-]?\s*(\d{4})(?![\w]|[.,]\d)"
    r"|(?<![A-Za-z])(?:[*xX•●·]{2,}[ -]?){1,4}(\d{4})(?![\w]|[.,]\d)"
    r"|(?:\.{3}|…)\s?(\d{4})(?![\w]|[.,]\d)"
    r"|\b(?:account|acct|card|checking|savings)\.?\s*(?:no\.?|number|#)?\s*x(\d{4})(?![\w]|[.,]\d)",
    re.I,
)
_ROUTING: Final[re.Pattern[str]] = re.compile(
    r"\b(?:routing|aba|transit|sort[\s-]?code)(?:\s+(?:number|no\.?|num|code|#))?\s*(?:is|was|:)?\s*"
    r"(\d{2}[ -]?\d{2}[ -]?\d{2}|\d{3}[ -]?\d{3}[ -]?\d{3})(?![\w]|[.,]\d)",
    re.I,
)
_CARD_WORDS: Final[re.Pattern[str]] = re.compile(
    r"\b(?:card|visa|mastercard|amex|debit|credit)\b|\b(?:account|acct|checking|savings|iban)\b", re.I
)
_YEAR_CONTEXT: Final[re.Pattern[str]] = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$"
    r"|\b(?:in|since|of|year|until|by|before|after|from|to)\s+$",
    re.I,
)


def said_of_a_card(text: str, start: int, window: int = 40) -> bool:
    """Whether the nearest account or card word before ``start`` names a card; a word counts only in the same
    sentence and with no other number between it and ``start`` ("card 3271 and 7015": 7015 is not said to be a
    card)."""
    since = max(0, start - window)
    boundary = max(text.rfind(mark, since, start) for mark in (". ", "? ", "! ", "\n"))
    digits = [i for i in range(since, start) if text[i].isdigit()]
    # The number's own groups ("4408 1234") are not another number.
    while digits and all(c.isdigit() or c in " -" for c in text[digits[-1] : start]):
        digits.pop()
    since = max(since, boundary + 1, digits[-1] + 1 if digits else 0)
    words = [m.group().lower() for m in _CARD_WORDS.finditer(text, since, start)]
    return bool(words) and words[-1] in {"card", "visa", "mastercard", "amex", "debit", "credit"}


class AccountRecognizer:
    """Account numbers by shape and by context, and ``numbers``, the customer's own numbers."""

    def __init__(self, numbers: Iterable[str] = ()) -> None:
        self._known = frozenset(d for d in (digits_only(n) for n in numbers) if len(d) >= MIN_KNOWN_DIGITS)

    def find(self, text: str) -> Iterator[Span]:
        yield from self._bare(text)
        yield from self._in_context(text)
        yield from self._known_numbers(text)

    @staticmethod
    def _bare(text: str) -> Iterator[Span]:
        for run in digit_runs(text):
            # Whatever the card recognizer claims is left to it; the stretches between are accounts if long.
            cards = card_windows(run, text)
            stretches, first = [], 0
            for card_first, card_last in cards:
                stretches.append((first, card_first - 1))
                first = card_last + 1
            stretches.append((first, len(run.groups) - 1))
            for first, last in stretches:
                if first <= last and run.digit_count(first, last) >= MIN_BARE_DIGITS:
                    yield Span(run.groups[first][0], run.groups[last][1], "account", spans.ACCOUNT_DIGITS)

    @staticmethod
    def _in_context(text: str) -> Iterator[Span]:
        for pattern in (_SAID_TO_BE_AN_ACCOUNT, _ROUTING):
            for match in pattern.finditer(text):
                group = next(g for g in range(1, (match.lastindex or 0) + 1) if match.group(g) is not None)
                yield Span(match.start(group), match.end(group), "account", spans.ACCOUNT_IN_CONTEXT)
        for match in _LAST_FOUR.finditer(text):
            group = next(g for g in range(1, (match.lastindex or 0) + 1) if match.group(g) is not None)
            kind = "card" if said_of_a_card(text, match.start(group)) else "account"
            yield Span(match.start(group), match.end(group), kind, spans.ACCOUNT_IN_CONTEXT)

    def _known_numbers(self, text: str) -> Iterator[Span]:
        if not self._known:
            return
        for run in digit_runs(text):
            candidates = [(run.start, run.end)] + ([] if len(run.groups) == 1 else list(run.groups))
            for start, end in candidates:
                digits = digits_only(text[start:end])
                if digits not in self._known:
                    continue
                # "November 2026" is a year even when 2026 is also a card's last four.
                if len(digits) == 4 and 1900 <= int(digits) <= 2099 and _YEAR_CONTEXT.search(text, 0, start):
                    continue
                kind = "card" if said_of_a_card(text, start) else "account"
                yield Span(start, end, kind, spans.KNOWN_NUMBER)
