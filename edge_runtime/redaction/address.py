"""Street addresses: a house number, a street name and a suffix (St, Road, Ave, ...), with an optional unit,
city, state, US ZIP or UK postcode; and PO boxes.

The street name must be capitalised ("12 Baker Street") unless the text says an address follows ("I live
at 12 baker street"), so that "2 kids road trip" stays as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from edge_runtime.redaction import spans
from edge_runtime.redaction.spans import Span
from edge_runtime.redaction.vocabulary import PLACES, is_common

_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Av|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Court|Ct|Place|Pl|Way|Terrace|Ter"
    r"|Close|Crescent|Cres|Parkway|Pkwy|Highway|Hwy|Square|Sq|Circle|Cir|Trail|Trl|Row|Gardens|Gdns|Grove"
    r"|Mews|Walk|Hill|Alley|Plaza|Loop|Path|Pike)"
)
_NUMBER = r"(?<![\w$£€.,:/#-])\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
_UNIT_BEFORE = r"(?:(?:Flat|Apt|Apartment|Unit|Suite)\.?\s*[A-Za-z0-9-]{1,6},?\s+)?"
_DIRECTION = r"(?:(?:N|S|E|W|North|South|East|West)\.?\s+)?"
_CAPITALISED = r"(?:[A-Z][\w'\u2019.-]*|\d+(?:st|nd|rd|th))"
_ANY_WORD = r"(?:[A-Za-z][\w'\u2019.-]*|\d+(?:st|nd|rd|th))"
_TAIL = (
    r"(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b\.?)?"
    r"(?:,?\s*(?i:apt|apartment|unit|suite|ste|flat|floor|fl|room|rm|\#)\.?\s*\#?\s*[A-Za-z0-9-]{1,6}\b)?"
    # A city after a comma, or without one where a state and ZIP or a postcode follows.
    r"(?P<city>,\s*[A-Z][a-z]+\b(?:[ -][A-Z][a-z]+\b){0,2}"
    r"|\s+[A-Z][a-z]+\b(?:[ -][A-Z][a-z]+\b){0,2}(?=,?\s+(?:[A-Z]{2},?\s+\d{5}|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b))?"
    r"(?:,\s*[A-Z]{2}\b|,?\s+[A-Z]{2}(?=,?\s+\d{5}\b))?"
    r"(?:,?\s*(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b)?"
)


def _street(word: str, tail: str) -> str:
    return _UNIT_BEFORE + _NUMBER + r"\s+" + _DIRECTION + rf"(?:{word}\s+){{1,3}}(?i:{_SUFFIX})\b\.?(?!\w)" + tail


_ADDRESS: Final[re.Pattern[str]] = re.compile(_street(_CAPITALISED, _TAIL))
_SAID_TO_BE_AN_ADDRESS: Final[re.Pattern[str]] = re.compile(
    r"(?i:\b(?:address(?:\s+is)?|live\s+at|living\s+at|lives\s+at|moved\s+to|moving\s+to|move\s+to|located\s+at"
    r"|deliver(?:ed)?\s+to|ship(?:ped)?\s+to|mail(?:ed)?\s+to|post(?:ed)?\s+to|send\s+(?:it|the\s+card)\s+to)"
    r"\s*:?\s*)(?P<address>" + _street(_ANY_WORD, f"(?i:{_TAIL})") + ")"
)
_PO_BOX: Final[re.Pattern[str]] = re.compile(r"\bP\.?\s?O\.?\s+Box\s+\d{1,6}\b", re.I)


def _without_common_city(match: re.Match[str], group: int | str = 0) -> int:
    """Where the address ends: a "city" that starts with an ordinary word ("..., Thanks") is not part of it,
    unless a place follows ("New York")."""
    words = (match.group("city") or "").strip(", ").split()
    if words and is_common(words[0]) and not any(word.casefold() in PLACES for word in words):
        return match.start("city")
    return match.end(group)


class AddressRecognizer:
    def find(self, text: str) -> Iterator[Span]:
        for match in _ADDRESS.finditer(text):
            yield Span(match.start(), _without_common_city(match), "address", spans.ADDRESS)
        for match in _SAID_TO_BE_AN_ADDRESS.finditer(text):
            yield Span(match.start("address"), _without_common_city(match, "address"), "address", spans.ADDRESS)
        for match in _PO_BOX.finditer(text):
            yield Span(match.start(), match.end(), "address", spans.ADDRESS)
