"""Phone numbers: international (+CC or 00CC) forms and the common national forms of the US, the UK and France.

Amounts ($1,234.56), dates (2026-11-21, 21/11/2026) and times (10:30) never have these shapes: a national
number is grouped 3-3-4 or starts with a trunk 0, and none uses commas, slashes or colons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from edge_runtime.redaction import spans
from edge_runtime.redaction.digits import digits_only
from edge_runtime.redaction.spans import Span

# A phone number never continues a number before it: "4304 0750 8361 1726" is one number, not "4304" and a
# London phone number.
_BEFORE = r"(?<![\w$£€.,/:#+-])(?<!\d[ .-])"
_AFTER = r"(?![\w]|[.,/:-]\d)"
_INTERNATIONAL: Final[re.Pattern[str]] = re.compile(
    # After the country code, groups of two digits or more but the first ("+33 1 23 45 67 89"), so that a
    # count that follows ("+44 20 7946 0958 2 times") is not taken in.
    r"(?<![\w+])(?:\+|\b00[ ]?)[1-9]\d{0,2}(?:[ .-]?\(0\))?[ .-]?\(?\d{1,5}\)?(?:[ .-]?\(?\d{2,5}\)?){0,5}" + _AFTER
)
_NATIONAL: Final[re.Pattern[str]] = re.compile(
    _BEFORE + r"(?:"
    # North America: (555) 123-4567, 555-123-4567, 555.123.4567, 1-800-555-0199
    r"(?:1[ .-])?(?:\(\d{3}\)[ ]?|\d{3}[ .-])\d{3}[ .-]\d{4}"
    # France: 01 23 45 67 89
    r"|0[1-9](?:[ .]\d{2}){4}"
    # UK and most of Europe: a trunk 0, then two groups: 020 7946 0958, (020) 7946 0958, 07700 900123
    r"|(?:0\d{2,4}|\(0\d{2,4}\))[ -]?\d{3,8}(?:[ -]\d{3,4})?"
    r")" + _AFTER
)
# Seven-digit local numbers only where the text says it is a phone number.
_LOCAL: Final[re.Pattern[str]] = re.compile(
    r"\b(?:call|phone|tel|telephone|mobile|cell|text|ring|fax|whatsapp|number)\b\D{0,20}?"
    + _BEFORE
    + r"(\d{3}[ .-]\d{4})"
    + _AFTER,
    re.I,
)
#: Digits in a number with its country code (E.164 allows 15), and in a national number with its trunk 0.
INTERNATIONAL_DIGITS = range(8, 16)
NATIONAL_DIGITS = range(10, 12)


class PhoneRecognizer:
    def find(self, text: str) -> Iterator[Span]:
        for pattern, digits in ((_INTERNATIONAL, INTERNATIONAL_DIGITS), (_NATIONAL, NATIONAL_DIGITS)):
            for match in pattern.finditer(text):
                if len(digits_only(match.group())) in digits:
                    yield Span(match.start(), match.end(), "phone", spans.PHONE)
        for match in _LOCAL.finditer(text):
            yield Span(match.start(1), match.end(1), "phone", spans.PHONE)
