"""Email addresses: local@domain (with or without a top-level domain), and addresses as speech transcripts
write them ("john dot smith at gmail dot com", "jo.lee at outlook.com")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from edge_runtime.redaction import spans
from edge_runtime.redaction.spans import Span

# Without requiring a dot in the domain: "jo@home" is still someone's address, and the verification pass
# refuses any word@word left behind.
_EMAIL: Final[re.Pattern[str]] = re.compile(r"(?<![\w.%+-])[\w.%+-]*\w@[\w-]+(?:\.[\w-]+)*")
_SPOKEN: Final[re.Pattern[str]] = re.compile(
    r"(?<![\w.+-])(?P<local>[A-Za-z0-9][\w.+-]*(?:\s+dot\s+[\w+-]+)*)\s+at\s+"
    r"(?P<domain>[A-Za-z0-9-]+)(?:(?:\.|\s+dot\s+)[A-Za-z0-9-]+)*(?:\.|\s+dot\s+)"
    r"(?:com|org|net|edu|gov|io|me|co|uk|de|fr|ca|au|info|biz|us)\b",
    re.I,
)
# "shopping at amazon.com" is a shop, not an address: a spoken address says "dot", or its domain is a mailbox
# provider's.
_MAILBOX_PROVIDERS: Final[tuple[str, ...]] = (
    "gmail", "googlemail", "yahoo", "outlook", "hotmail", "live", "msn", "icloud", "me", "mac", "aol", "proton",
    "protonmail", "gmx", "mail", "yandex", "zoho",
)  # fmt: skip


class EmailRecognizer:
    def find(self, text: str) -> Iterator[Span]:
        for match in _EMAIL.finditer(text):
            yield Span(match.start(), match.end(), "email", spans.EMAIL)
        for match in _SPOKEN.finditer(text):
            spoken = re.search(r"\sdot\s", match.group(), re.I) is not None
            if spoken or match.group("domain").lower() in _MAILBOX_PROVIDERS:
                yield Span(match.start(), match.end(), "email", spans.EMAIL)
