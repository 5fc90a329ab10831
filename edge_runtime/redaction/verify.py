"""The last check before a redacted text may leave the device: does anything still look like personal data?

Deliberately cruder than the recognizers, so that a recognizer's mistake is caught rather than repeated:
any run of 12 or more digits (dates aside), anything shaped like an IBAN, any word@word.
"""

from __future__ import annotations

import re
from typing import Final

from edge_runtime.redaction.digits import DATE, TIME, digits_only, mask

# Slashes too: no recognizer takes "4111/1111/1111/1111", and dates are masked before this looks.
_LONG_DIGITS: Final[re.Pattern[str]] = re.compile(r"\d(?:[ ./\-\u2013]?\d){11,}")
_IBAN_COMPACT: Final[re.Pattern[str]] = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}(?![A-Za-z0-9])")
_IBAN_GROUPED: Final[re.Pattern[str]] = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -][A-Za-z0-9]{4}){2,7}(?:[ -][A-Za-z0-9]{1,4})?(?![A-Za-z0-9])"
)
# Prices with cents ("12.99 12.99 12.99 12.99") are not a long number; six digits before the point at most,
# so that no long number can hide as one.
_PRICE: Final[re.Pattern[str]] = re.compile(r"(?<![\w.,])\d{1,6}\.\d{2}(?![\w]|[.,]\d)")
_AT_ADDRESS: Final[re.Pattern[str]] = re.compile(r"\w@\w")
MIN_IBAN_DIGITS = 6


def findings(text: str) -> list[str]:
    """What in ``text`` still looks like personal data, described without quoting it."""
    found = []
    masked = mask(text, DATE, TIME, _PRICE)
    for match in _LONG_DIGITS.finditer(masked):
        found.append(f"a run of {len(digits_only(match.group()))} digits at offset {match.start()}")
    for pattern in (_IBAN_COMPACT, _IBAN_GROUPED):
        for match in pattern.finditer(text):
            if len(digits_only(match.group()[4:])) >= MIN_IBAN_DIGITS:
                found.append(f"an IBAN-shaped token at offset {match.start()}")
    for match in _AT_ADDRESS.finditer(text):
        found.append(f"an email-like address at offset {match.start()}")
    return found
