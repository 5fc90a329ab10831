"""What a recognizer reports, and how overlapping reports are settled into one set of replacements."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final, Protocol

#: The kinds of personal data, each with its placeholder stem: ``card`` becomes ``<CARD_1>``.
KINDS: Final[tuple[str, ...]] = ("card", "iban", "account", "email", "phone", "name", "address")

# Which report wins where two overlap. A shape that checks itself (an email, an IBAN's mod-97, a card's Luhn
# digit) beats one that is only a shape; a number said to be an account ("account number ...") beats a
# phone-shaped number; a bare digit run is an account only when nothing more specific claimed it; names come
# last because a capitalised word inside an address or an email belongs to that.
EMAIL: Final[int] = 90
IBAN: Final[int] = 85
CARD: Final[int] = 80
ACCOUNT_IN_CONTEXT: Final[int] = 75
IBAN_SHAPED: Final[int] = 74
PHONE: Final[int] = 70
ADDRESS: Final[int] = 60
ACCOUNT_DIGITS: Final[int] = 50
KNOWN_NUMBER: Final[int] = 45
KNOWN_NAME: Final[int] = 42
NAME_IN_CONTEXT: Final[int] = 40


@dataclass(frozen=True)
class Span:
    """``text[start:end]`` is personal data of ``kind``; ``priority`` settles overlaps with other spans."""

    start: int
    end: int
    kind: str
    priority: int

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}; the kinds are {', '.join(KINDS)}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"an empty or negative span: {self.start}..{self.end}")

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


class Recognizer(Protocol):
    """Finds one kind of personal data (an account recognizer may also report cards by context)."""

    def find(self, text: str) -> Iterator[Span]: ...


def resolve(candidates: Iterable[Span]) -> list[Span]:
    """The spans to replace, in text order: the highest priority first, then the longest, then the leftmost."""
    chosen: list[Span] = []
    for span in sorted(candidates, key=lambda s: (-s.priority, s.start - s.end, s.start)):
        if not any(span.overlaps(taken) for taken in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)
