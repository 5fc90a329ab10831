"""Redaction of one outgoing request: personal data out as placeholders, back in from the answer."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Final

from edge_runtime.redaction import verify
from edge_runtime.redaction.account import AccountRecognizer
from edge_runtime.redaction.address import AddressRecognizer
from edge_runtime.redaction.card import CardRecognizer
from edge_runtime.redaction.digits import digits_only
from edge_runtime.redaction.email import EmailRecognizer
from edge_runtime.redaction.iban import IbanRecognizer
from edge_runtime.redaction.name import NameRecognizer
from edge_runtime.redaction.phone import PhoneRecognizer
from edge_runtime.redaction.spans import KINDS, Recognizer, Span, resolve

if TYPE_CHECKING:
    from edge_runtime.bank.store import BankStore

logger = logging.getLogger(__name__)

# Numbers are keyed by their digits, so "4111 1111 1111 1111" and "4111-1111-1111-1111" share a placeholder,
# and so does a last four that one text calls a card and another an account.
_NUMERIC: Final[frozenset[str]] = frozenset({"card", "account", "phone"})
_KIND_WORDS: Final[str] = "|".join(kind.upper() for kind in KINDS)
# What a model does to a placeholder: changes its case, pads it with spaces, swaps the underscore for a
# space or a hyphen, escapes it for Markdown or HTML, swaps the brackets, or drops them (only with the
# underscore, which no ordinary word has: "card 1" is left alone).
_ECHO: Final[re.Pattern[str]] = re.compile(
    rf"(?:<|&lt;|\\<|\[|\{{)\s*(?P<k1>{_KIND_WORDS})\s*(?:\\?_|-|\s)?\s*(?P<n1>\d+)\s*(?:\\?>|&gt;|\]|\}})"
    rf"|(?<![\w<])(?P<k2>{_KIND_WORDS})\\?_(?P<n2>\d+)(?![\w>])",
    re.I,
)


class RedactionError(Exception):
    """Redaction could not make the text safe to send; nothing may be sent."""


def _key(kind: str, value: str) -> tuple[str, str]:
    if kind in _NUMERIC:
        return "number", digits_only(value)
    if kind == "iban":
        return kind, "".join(c for c in value if c.isalnum()).upper()
    if kind == "name":
        return kind, " ".join(value.replace("\u2019", "'").casefold().split())
    return kind, " ".join(value.casefold().split())


class Redaction:
    """One outgoing request's placeholders: the same value gets the same placeholder in every text redacted
    through it."""

    def __init__(self, find: Callable[[str], list[Span]]) -> None:
        self._find = find
        self._placeholders: dict[str, str] = {}
        self._by_key: dict[tuple[str, str], str] = {}
        self._counts: Counter[str] = Counter()

    def redact(self, text: str) -> str:
        """``text`` with its personal data replaced by placeholders such as ``<CARD_1>``.

        Raises :class:`RedactionError`, and remembers nothing of ``text``, when the result still holds
        something that looks like personal data.
        """
        placeholders, by_key, counts = dict(self._placeholders), dict(self._by_key), self._counts.copy()
        pieces, done = [], 0
        for span in self._find(text):
            value = text[span.start : span.end]
            key = _key(span.kind, value)
            placeholder = by_key.get(key)
            if placeholder is None:
                counts[span.kind] += 1
                placeholder = f"<{span.kind.upper()}_{counts[span.kind]}>"
                by_key[key] = placeholder
                placeholders[placeholder] = value
            pieces += [text[done : span.start], placeholder]
            done = span.end
        pieces.append(text[done:])
        redacted = "".join(pieces)
        problems = verify.findings(redacted)
        if problems:
            raise RedactionError(
                f"after redaction the question still holds {'; '.join(problems)}, so nothing was sent; "
                "the question can be asked again without that number or address"
            )
        self._placeholders, self._by_key, self._counts = placeholders, by_key, counts
        logger.debug("redacted %s", dict(counts))
        return redacted

    def restore(self, text: str) -> str:
        """``text`` (an answer) with this request's placeholders replaced by their original values."""

        def original(match: re.Match[str]) -> str:
            kind = match.group("k1") or match.group("k2")
            number = match.group("n1") or match.group("n2")
            return self._placeholders.get(f"<{kind.upper()}_{int(number)}>", match.group())

        return _ECHO.sub(original, text) if self._placeholders else text

    @property
    def placeholders(self) -> dict[str, str]:
        """Placeholder -> original value (a copy)."""
        return dict(self._placeholders)

    def counts(self) -> dict[str, int]:
        """Kind ("card", "iban", ...) -> how many distinct values were replaced; kinds with none are left out."""
        return {kind: self._counts[kind] for kind in KINDS if self._counts[kind]}


class Redactor:
    """The recognizers of every kind, set up with what the bank knows; ``start`` one :class:`Redaction` per request.

    ``names`` (people and payees) are redacted wherever they appear; ``numbers`` (the customer's own account
    and card numbers or their last four digits) likewise; ``keep`` (merchants, savings-goal names) are never
    taken for a person's name by the capitalisation heuristic.
    """

    def __init__(self, names: Iterable[str] = (), numbers: Iterable[str] = (), *, keep: Iterable[str] = ()) -> None:
        self._recognizers: tuple[Recognizer, ...] = (
            EmailRecognizer(),
            IbanRecognizer(),
            CardRecognizer(),
            AccountRecognizer(numbers),
            PhoneRecognizer(),
            AddressRecognizer(),
            NameRecognizer(names, keep),
        )

    def start(self) -> Redaction:
        """A fresh set of placeholders for one outgoing request."""
        return Redaction(self.spans)

    def spans(self, text: str) -> list[Span]:
        """What :meth:`Redaction.redact` replaces in ``text``, in text order (for benchmarks and debugging)."""
        return resolve(span for recognizer in self._recognizers for span in recognizer.find(text))

    @classmethod
    def for_bank(cls, bank: BankStore) -> Redactor:
        """Every payee's name (billers too: payee names are personal data), people's nicknames and name parts,
        the last four digits of every account and card; merchants and savings goals are kept."""
        names: list[str] = []
        for payee in bank.payees():
            names.append(payee.name)
            if not payee.billable:
                # A person's aliases are nicknames ("sarah"); a biller's describe its service ("electricity").
                names += payee.aliases
                names += payee.name.split()
        numbers = [account.last_four for account in bank.accounts()] + [card.last_four for card in bank.cards()]
        keep = bank.counterparties(("card",)) + [goal.name for goal in bank.goals()]
        return cls(names, numbers, keep=keep)
