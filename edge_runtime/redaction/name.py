"""People's and payees' names: the names the bank knows, wherever they appear, and capitalised words in
places where a name is expected ("to John Smith", "from Maria", "my landlord Peter Jones", "Mrs. Patel").

Capitalisation alone never makes a name: the first word of a sentence, a month or a product name is left
as it is. Known names match in any case, on word boundaries; a possessive ("Sarah's") keeps its "'s".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Final

from edge_runtime.redaction import spans
from edge_runtime.redaction.spans import Span
from edge_runtime.redaction.vocabulary import HOMONYMS, MONTH_NAMES, RELATIONS, is_common

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_WORD = rf"(?:Mc|Mac|O['\u2019]|D['\u2019])?[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_INITIAL = rf"[{_UPPER}]\."
_NAME = rf"(?:{_INITIAL}\s*)?{_WORD}(?:\s+(?:{_INITIAL}\s+)?{_WORD}){{0,2}}"
_RELATION = r"(?:" + "|".join(sorted(RELATIONS, key=lambda word: (-len(word), word))) + r")"

# What may come right before a name: a preposition or a verb of paying, a relation, a title, an
# introduction. The trigger words match in any case; the name itself must be capitalised.
_BEFORE_NAME: Final[re.Pattern[str]] = re.compile(
    r"(?:(?i:\b(?:to|from|for|with|by|pay|pays|paid|paying|send|sends|sent|sending|transfer|transferred|owe|owes"
    r"|owed|reimburse|reimbursed|venmo|zelle|wire|add|call|text|email|remind|ask|tell|named|called|payee|recipient"
    r"|beneficiary|(?:me|i)\s+and)\s+)"
    rf"|(?i:\b{_RELATION}\s*,?\s+)"
    r"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame)\.?\s+"
    r"|(?i:\b(?:my\s+name\s+is|my\s+name's|name\s+is|i\s+am|i'm|this\s+is|signed|regards|sincerely)\s*,?\s+)"
    r"|(?i:\b(?:thanks|thank\s+you|cheers|best)\s*,\s*))"
    rf"(?P<name>{_NAME})"
)
# ...or right after it: "Maria sent me $50", "Peter Jones is my landlord", "Maria's share of the rent".
_AFTER_NAME: Final[re.Pattern[str]] = re.compile(
    rf"(?<![\w'\u2019])(?P<name>{_NAME})(?=(?:['\u2019]s)?\s+(?:"
    r"(?i:sent|send|pay|paid|owes|owed|transferred|gave|lent|loaned|reimbursed|texted|emailed|venmoed|zelled)"
    r"(?:\s+(?i:back))?\s+(?i:me|us)\b"
    r"|(?i:received|receive|got|get|cashed|deposited)\s+(?i:my|the|it|our|that|this|your|his|her|their)\b"
    r"|(?:and|&)\s+(?:I|me)\b"
    rf"|(?i:is|was)\s+(?i:my|our)\s+(?i:{_RELATION})\b)"
    r"|['\u2019]s\s+(?i:share|half|part|cut|portion|rent|account|birthday|wedding|gift|loan|debt)\b)"
)
# A first and last name in the middle of a sentence ("Is Mark Green allowed to use my card?"): two capitalised
# words after a lower-case word are a name unless either is an ordinary word or a kept merchant.
_PAIR: Final[re.Pattern[str]] = re.compile(rf"(?<=[{_LOWER}0-9,;] )(?P<name>{_WORD}\s+(?:{_INITIAL}\s+)?{_WORD})(?!\w)")
_NOT_SENTENCE_START = r"(?<!^)(?<![.!?:]\s)(?<![.!?:]\s\s)(?<!\n)"
# "to John Smith and Mary Jones": a name that follows a found name.
_AND_NAME: Final[re.Pattern[str]] = re.compile(rf"(?:['\u2019]s)?\s*(?:,|&|\band\b|\bor\b)\s*(?P<name>{_NAME})")


def _pattern(names: Iterable[str], flags: int) -> re.Pattern[str] | None:
    alternatives = [
        r"\s+".join("".join("['\u2019]" if c in "'\u2019" else re.escape(c) for c in word) for word in name.split())
        for name in sorted(set(names), key=len, reverse=True)
    ]
    if not alternatives:
        return None
    return re.compile(r"(?<![\w@])(?:" + "|".join(alternatives) + r")(?![\w@])", flags)


class NameRecognizer:
    """``names`` are matched anywhere; ``keep`` (merchants, goal names) are never taken for a person's name."""

    def __init__(self, names: Iterable[str] = (), keep: Iterable[str] = ()) -> None:
        cleaned = {" ".join(name.split()) for name in names}
        cleaned = {name for name in cleaned if len(name) >= 2}
        self._anycase = _pattern((n for n in cleaned if not _single_common_word(n)), re.I)
        self._capitalised = _pattern((n.title() for n in cleaned if n.casefold() in HOMONYMS), 0)
        if self._capitalised is not None:
            self._capitalised = re.compile(_NOT_SENTENCE_START + self._capitalised.pattern)
        kept = {" ".join(k.replace("\u2019", "'").casefold().split()) for k in keep if k.strip()}
        self._keep = tuple(sorted(kept, key=len, reverse=True))

    def find(self, text: str) -> Iterator[Span]:
        yield from self._known(text)
        yield from self._before_names(text)
        yield from self._pairs(text)
        yield from self._after_names(text)

    def _known(self, text: str) -> Iterator[Span]:
        for pattern in (self._anycase, self._capitalised):
            if pattern is not None:
                for match in pattern.finditer(text):
                    yield Span(match.start(), match.end(), "name", spans.KNOWN_NAME)

    def _before_names(self, text: str) -> Iterator[Span]:
        # Searched so that a trigger's name may hold the next trigger: "to Mr. Jones" is "to" + "Mr", and
        # then "Mr. " + "Jones".
        position = 0
        while trigger := _BEFORE_NAME.search(text, position):
            position = trigger.start("name")
            match: re.Match[str] | None = trigger
            while match is not None:
                end = self._name_end(text, match)
                if end is None:
                    break
                yield Span(match.start("name"), end, "name", spans.NAME_IN_CONTEXT)
                match = _AND_NAME.match(text, end)  # "to John Smith and Mary Jones"

    def _name_end(self, text: str, match: re.Match[str]) -> int | None:
        """Where the name ``match`` found ends once cut at its first ordinary word; None if nothing is left."""
        start = match.start("name")
        if self._kept(text, start):
            return None
        words = list(re.finditer(r"\S+", match.group("name")))
        taken = _leading_name_words([word.group() for word in words], self._is_name)
        return start + words[taken - 1].end() if taken else None

    def _pairs(self, text: str) -> Iterator[Span]:
        for match in _PAIR.finditer(text):
            words = match.group("name").split()
            if all(self._is_name(word) for word in words) and not self._kept(text, match.start("name")):
                yield Span(match.start("name"), match.end("name"), "name", spans.NAME_IN_CONTEXT)

    def _after_names(self, text: str) -> Iterator[Span]:
        for match in _AFTER_NAME.finditer(text):
            # "Yesterday Maria sent me": the name is the words before the verb, after any ordinary ones.
            words = list(re.finditer(r"\S+", match.group("name")))
            while words and not self._is_name(words[0].group()):
                words.pop(0)
            if words and all(self._is_name(word.group()) for word in words):
                base = match.start("name")
                yield Span(base + words[0].start(), base + words[-1].end(), "name", spans.NAME_IN_CONTEXT)

    @staticmethod
    def _is_name(word: str) -> bool:
        return not is_common(word)

    def _kept(self, text: str, start: int) -> bool:
        """Whether a merchant or another kept name starts at ``start``."""
        rest = text[start : start + 200].casefold().replace("\u2019", "'")
        return any(rest.startswith(keep) and not rest[len(keep) : len(keep) + 1].isalnum() for keep in self._keep)


def _single_common_word(name: str) -> bool:
    """A one-word name that is an ordinary word: never matched in any case ("Mom"; "Bill" only capitalised)."""
    return " " not in name and (is_common(name) or name.casefold() in HOMONYMS)


def _leading_name_words(words: list[str], is_name: Callable[[str], bool]) -> int:
    """How many of ``words`` make the name: up to the first ordinary word, except that a first name which is
    also a word ("Will", "Bill") counts in first place; a month ("May") only when a surname follows."""
    taken = 0
    for index, word in enumerate(words):
        folded = word.casefold()
        followed = index + 1 < len(words) and is_name(words[index + 1])
        lead = index == 0 and folded in HOMONYMS and (followed or folded not in MONTH_NAMES)
        if not (is_name(word) or lead):
            break
        taken += 1
    return taken
