"""IBANs: a country code, two check digits and up to 30 letters and digits, validated by mod-97.

A token that has an IBAN's shape and its country's length but fails the check is redacted as an account
number (priority below a valid IBAN): a mistyped IBAN is still someone's account, and the question can
still be answered without it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from edge_runtime.redaction import spans
from edge_runtime.redaction.spans import Span

#: IBAN length per country (the SWIFT IBAN registry); other country codes are tried at every length.
LENGTHS: Final[dict[str, int]] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
MIN_LENGTH = 15
MAX_LENGTH = 34

# Case-insensitive: people type IBANs in lower case too. The tail may run into the next word ("... 32 to
# Anna"); the length table and the checksum decide where the IBAN ends.
_CANDIDATE: Final[re.Pattern[str]] = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){11,40}", re.I)


def mod97_valid(iban: str) -> bool:
    """The ISO 13616 check: the first four characters moved to the end, letters as 10..35, mod 97 is 1."""
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(c, 36)) for c in rearranged.upper())
    return int(number) % 97 == 1


def _ends(raw: str) -> list[tuple[int, str]]:
    """Every place the IBAN could end in ``raw`` (an offset after an alphanumeric that ends a group), with
    the characters up to it, longest first."""
    ends: list[tuple[int, str]] = []
    compact = ""
    for offset, char in enumerate(raw):
        if char.isalnum():
            compact += char
            at_boundary = offset + 1 == len(raw) or not raw[offset + 1].isalnum()
            if at_boundary and MIN_LENGTH <= len(compact) <= MAX_LENGTH:
                ends.append((offset + 1, compact))
    return ends[::-1]


def _compact_token_end(raw: str) -> int:
    """Where the first space-free token of ``raw`` ends."""
    match = re.match(r"[A-Za-z0-9-]+", raw)
    return match.end() if match else 0


class IbanRecognizer:
    def find(self, text: str) -> Iterator[Span]:
        position = 0
        while match := _CANDIDATE.search(text, position):
            span = _span(match.group(), match.start())
            if span is None:
                position = match.start() + 1
            else:
                position = span.end
                yield span


def _span(raw: str, start: int) -> Span | None:
    """The IBAN (or IBAN-shaped account number) at the start of ``raw``, if there is one."""
    # Real BBANs are mostly digits; the floor keeps words that happen to follow "AB12" out.
    ends = [(end, compact) for end, compact in _ends(raw) if _digit_count(compact) >= 8]
    expected = LENGTHS.get(raw[:2].upper())
    if expected is not None:
        ends = [(end, compact) for end, compact in ends if len(compact) == expected]
    for end, compact in ends:
        if mod97_valid(compact):
            return Span(start, start + end, "iban", spans.IBAN)
    # No valid IBAN: the right length for a known country, or one unbroken token, is still an account number.
    if expected is not None and ends:
        return Span(start, start + ends[0][0], "account", spans.IBAN_SHAPED)
    token_end = _compact_token_end(raw)
    if expected is None and token_end >= MIN_LENGTH and _digit_count(raw[:token_end]) >= 8:
        return Span(start, start + token_end, "account", spans.IBAN_SHAPED)
    return None


def _digit_count(token: str) -> int:
    return sum(c.isdigit() for c in token)
