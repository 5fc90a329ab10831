"""Matching the names people say ("the electricity bill", "my mom", "trader joes") to the bank's records.

Both sides go through the same normalisation: lower case, "&" as "and", no apostrophes or punctuation, and
filler words at either end dropped ("the", "my"; "bill", "account"). A name matches exactly on its canonical
name or an alias; failing that, when all the words of one side are among the words of the other ("city
power company", "whole foods market"). Several matches are reported as ambiguous rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from edge_runtime.tools.calls import ToolArgumentError
from edge_runtime.tools.spoken import join

_LEADING: Final[frozenset[str]] = frozenset({"the", "my", "our", "a", "an", "to", "at", "from", "for"})
#: Trailing words that say what kind of thing the name is, per kind of name.
PAYEE_SUFFIXES: Final[frozenset[str]] = frozenset({"bill", "bills", "payment", "payments", "account", "company"})
DESTINATION_SUFFIXES: Final[frozenset[str]] = frozenset({"account"})
GOAL_SUFFIXES: Final[frozenset[str]] = frozenset({"goal", "savings", "fund", "account"})
#: Most names an error sentence reads out.
MAX_LISTED: Final[int] = 10
MERCHANT_SUFFIXES: Final[frozenset[str]] = frozenset({"store", "stores", "shop", "market", "com", "inc", "purchase"})


@dataclass(frozen=True)
class Named:
    """A record's canonical name and the other names it answers to."""

    name: str
    aliases: tuple[str, ...] = ()


def normalise(text: str, suffixes: frozenset[str] = frozenset()) -> str:
    """``text`` reduced to the words that identify it: "The Trader Joe's bill" -> "trader joe"."""
    # The schemas allow only the straight apostrophe in names; "'s" goes, so "Trader Joe's" is "trader joe".
    text = re.sub(r"'s\b", "", text.lower().replace("&", " and "))
    words = re.sub(r"[^a-z0-9]+", " ", text.replace("'", "")).split()
    while words and words[0] in _LEADING:
        words.pop(0)
    while len(words) > 1 and words[-1] in suffixes:
        words.pop()
    # Plurals and possessives said without the apostrophe: "trader joes", "whole food".
    return " ".join(word[:-1] if len(word) > 3 and word.endswith("s") else word for word in words)


def matches(text: str, candidates: Sequence[Named], suffixes: frozenset[str] = frozenset()) -> list[str]:
    """Canonical names of the candidates ``text`` refers to: exact matches if any, else word-set matches."""
    query = normalise(text, suffixes)
    if not query:
        return []
    forms = {c.name: {normalise(form, suffixes) for form in (c.name, *c.aliases)} - {""} for c in candidates}
    exact = [name for name, names in forms.items() if query in names]
    if exact:
        return exact
    words = set(query.split())
    return [
        name
        for name, names in forms.items()
        if any(words <= set(form.split()) or set(form.split()) <= words for form in names)
    ]


def resolve(
    text: str,
    candidates: Sequence[Named],
    *,
    kind: str,
    where: str = "",
    listing: str | None = None,
    suffixes: frozenset[str] = frozenset(),
) -> str:
    """The one canonical name ``text`` refers to, or a ``ToolArgumentError`` that offers the choices.

    ``kind`` names what was looked for ("a payee") and ``where`` where ("in your card purchases"); ``listing``
    introduces the candidates' names in the error ("Your bill payees are"), left out when there are too many
    to read aloud.
    """
    found = matches(text, candidates, suffixes)
    if len(found) == 1:
        return found[0]
    if found:
        raise ToolArgumentError(f"'{text}' could mean {join(found, 'or')}. Which one did you mean?")
    names = [c.name for c in candidates]
    choices = f" {listing} {join(names)}." if listing and 0 < len(names) <= MAX_LISTED else ""
    raise ToolArgumentError(f"I couldn't find {kind} called '{text}'{' ' + where if where else ''}.{choices}")
