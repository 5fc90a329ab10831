"""Turning a free-text help question into a safe SQLite FTS5 query.

The text comes from a small language model or straight from the user, so it can hold anything: quotes,
FTS operators (``AND``, ``NEAR``, ``*``, ``:``), stray punctuation. Only plain words survive here, each one
quoted, so the query can never be a syntax error or an operator; the words that say nothing about the topic
("how", "do", "my") are dropped so that bm25 ranks articles on the words that do.
"""

from __future__ import annotations

import re
from typing import Final

#: Most words of one query; a longer question adds noise, not precision.
MAX_TERMS: Final[int] = 16

STOP_WORDS: Final[frozenset[str]] = frozenset(
    """
    a about after again all also am an and any anything are as at be been before being but by can could
    did didn do does doesn doing don done for from get gets getting got had has have having hello help hey hi
    how i i'd if im in into is isn it its just know let like me mine much my need needs no not now of off
    ok okay on once one or our out please possible s should so some someone something t tell than thank
    thanks that the their them then there these they this those to too us very want wanted was we were what
    whats when where which while who why will with won would yes you your yours
    """.split()  # noqa: SIM905 - a block of words reads and diffs better than a 150-item literal
)

_WORD = re.compile(r"[a-z0-9]+")


def query_terms(text: str) -> list[str]:
    """The words of ``text`` that carry its topic: lower case, no stop words, no repeats, in order."""
    terms: list[str] = []
    for word in _WORD.findall(text.lower()):
        if len(word) > 1 and word not in STOP_WORDS and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def fts_query(text: str) -> str | None:
    """An FTS5 ``MATCH`` expression for ``text`` (any term may match), or ``None`` when no word is left."""
    terms = query_terms(text)
    if not terms:
        return None
    # Quoted terms are plain strings to FTS5; the porter tokenizer still stems them ("fees" finds "fee").
    return " OR ".join(f'"{term}"' for term in terms)
