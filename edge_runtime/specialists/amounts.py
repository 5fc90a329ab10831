"""Money the user said, and the specialists' amount arguments held to it.

A 135M-parameter model copies most amounts right, but not all: "Move $5,000,000" came out as 500000,
"Pay $250 to City Power" lost its amount (and the payment defaulted to the bill's), and "pay my tv bill on
the 1st" gained one nobody said. An amount is the one argument that must never drift, and the one
that can be read back from the utterance without a model: ``$1,234.56``, ``1234.56``, ``250 dollars``,
``40 bucks``, ``four thousand dollars and seventy two cents`` (as speech recognisers write it), and a
bare number right after a verb that moves money (``pay 1000000 to city power``, ``send 50 to mom``) or
as the new amount of an amendment (``actually make it 50``, ``change it to 60``, ``60 instead``).
A minus sign is kept (``transfer -50 to savings``), and so is zero, so that the tool refuses them in a
sentence instead of the model turning them into an amount nobody said.

``ground_amounts`` checks a call against what was said, after decoding and before any tool runs:

- one amount said, and the tool's amount argument differs or (for a payment, a transfer or a search for
  a charge) is missing: the argument becomes the amount said, even one the tool will refuse (zero, a
  negative amount, more than it takes);
- no amount said, and the call carries one that is neither in the utterance nor in the previous call:
  an optional argument is dropped (a required one stays, for the tool and the confirmation to show);
- several amounts said: the call is left as the model wrote it.

Amounts are written as the contract wants them: digits, no separators, cents only when said.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from edge_runtime.specialists.prompt import previous_arguments
from edge_runtime.tools.schemas import amount_arguments, argument_names, required_arguments

#: Tools whose amount is the request itself ("pay $50", "find the $42 charge"): a missing one is filled
#: in from the utterance. ``list_card_transactions``' ``min_amount`` is only corrected, never added: "$35"
#: in a question about purchases does not mean "over $35".
FILLED_WHEN_MISSING = frozenset({"pay_bill", "transfer", "find_transaction"})

_UNITS = {
    word: value
    for value, word in enumerate(
        (
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
        )
    )
}  # fmt: skip
_TENS = {
    word: 10 * (index + 2)
    for index, word in enumerate(("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"))
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
_SYMBOL_SCALES = {"k": 1_000, "thousand": 1_000, "million": 1_000_000}
_CURRENCY_WORDS = frozenset({"dollar", "dollars", "buck", "bucks"})
_CENT_WORDS = frozenset({"cent", "cents"})

#: Verbs whose object is an amount: "pay 250 to cox", "move 300 from savings", "put 40 in savings".
_MONEY_VERBS = frozenset({"pay", "transfer", "send", "move", "put", "wire", "deposit"})
#: What may follow a bare number for it to be that object ("pay 2 bills" counts bills, "pay 250 to" pays).
_AFTER_BARE_AMOUNT = frozenset(
    {"", "to", "from", "into", "in", "onto", "toward", "towards", "for", "on", "today", "now", "instead", "please"}
)
#: Words a reply opens with before "60 instead".
_OPENERS = frozenset({"no", "ok", "okay", "oh", "um", "uh", "sorry", "wait", "hmm", "actually", "make"})
#: Words that end an amendment of the amount waiting for a yes: "make it 50", "change it to 60",
#: "set the amount to 75", "actually 40".
_AMENDS: tuple[tuple[str, ...], ...] = (
    ("make", "it"), ("make", "that"), ("it", "to"), ("that", "to"), ("amount", "to"), ("actually",),
)  # fmt: skip

# A number, with "$" and a minus sign where said; the sign only where it cannot be a hyphen ("2026-11-20").
_TOKEN_RE = re.compile(
    r"(?<![\w.,$-])-\s?\$?\s?\d(?:[\d,]*\d)?(?:\.\d+)?|\$\s?-?\d(?:[\d,]*\d)?(?:\.\d+)?|\d(?:[\d,]*\d)?(?:\.\d+)?|[a-z]+"
)
_SYMBOL_RE = re.compile(r"^\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")
_DIGITS_RE = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")


def _number_word(token: str) -> bool:
    return (
        token in _UNITS or token in _TENS or token in _SCALES or token in ("a", "and") or bool(_DIGITS_RE.match(token))
    )


def _words_value(tokens: list[str]) -> int | None:
    """``four thousand two hundred and five`` -> 4205; None when the words are not one number."""
    total = current = 0
    seen = False
    for token in tokens:
        if token == "and":
            continue
        if token == "a":
            current += 1  # "a hundred", "a thousand"
        elif token in _UNITS:
            current += _UNITS[token]
        elif token in _TENS:
            current += _TENS[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token in _SCALES:
            total += (current or 1) * _SCALES[token]
            current = 0
        elif (digits := _DIGITS_RE.match(token)) and digits.group(2) is None:
            current += int(digits.group(1).replace(",", ""))
        else:
            return None
        seen = True
    return total + current if seen else None


def _written(dollars: int, cents: str | None, negative: bool = False) -> str:
    """The contract's form: ``1234``, or ``1234.50`` when cents were said; ``-50`` for a negative amount."""
    sign = "-" if negative else ""
    if cents is None:
        return f"{sign}{dollars}"
    return f"{sign}{dollars}.{cents.ljust(2, '0')}"


def _tokens(text: str) -> tuple[list[str], set[int]]:
    """``text``'s words and numbers, signs taken off, and the indexes of the numbers said negative."""
    tokens: list[str] = []
    negative: set[int] = set()
    for found in _TOKEN_RE.findall(text.lower()):
        if "-" in found:
            negative.add(len(tokens))
        tokens.append(found.replace("-", "").replace(" ", ""))
    return tokens, negative


def _scaled(digits: str, decimals: str | None, scale: int) -> str:
    value = Decimal(digits.replace(",", "") + (f".{decimals}" if decimals else "")) * scale
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"


def _run_before(tokens: list[str], end: int) -> list[str]:
    start = end
    while start > 0 and _number_word(tokens[start - 1]):
        start -= 1
    run = tokens[start:end]
    # "and fifty dollars" and "a forty dollar charge" start at the number; "a hundred dollars" is 100.
    while run and (run[0] == "and" or (run[0] == "a" and (len(run) < 2 or run[1] not in _SCALES))):
        run = run[1:]
    return run


def _dollars_before(tokens: list[str], index: int) -> tuple[int, str | None] | None:
    """Dollars and cents said before the currency word at ``index``: "250", "20.50", "four thousand"."""
    run = _run_before(tokens, index)
    digits = _DIGITS_RE.match(run[-1]) if len(run) == 1 else None
    if digits is not None and digits.group(2) is not None:
        return int(digits.group(1).replace(",", "")), digits.group(2)
    dollars = _words_value(run)
    return None if dollars is None else (dollars, None)


def _cents_after(tokens: list[str], index: int) -> tuple[str, int] | None:
    """Cents said after the currency word at ``index`` ("... and seventy two cents"), and the index of "cents"."""
    start = index + 1
    if start < len(tokens) and tokens[start] == "and":
        start += 1
    stop = start
    while stop < len(tokens) and _number_word(tokens[stop]) and tokens[stop] != "and":
        stop += 1
    if stop == start or stop >= len(tokens) or tokens[stop] not in _CENT_WORDS:
        return None
    value = _words_value(tokens[start:stop])
    return None if value is None or value >= 100 else (f"{value:02d}", stop)


def money_said(text: str) -> list[str]:
    """The amounts of money in ``text``, in order, each once, in the contract's form."""
    tokens, negative = _tokens(text)
    found: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        minus = index in negative
        amount: str | None = None
        if symbol := _SYMBOL_RE.match(token):
            if following in _SYMBOL_SCALES:  # "$5k", "$1.5 million"
                amount = ("-" if minus else "") + _scaled(symbol.group(1), symbol.group(2), _SYMBOL_SCALES[following])
                index += 1
            else:
                amount = _written(int(symbol.group(1).replace(",", "")), symbol.group(2), minus)
            if index + 1 < len(tokens) and tokens[index + 1] in _CURRENCY_WORDS:
                index += 1  # "$50 dollars"
        elif digits := _DIGITS_RE.match(token):
            dollars, cents = int(digits.group(1).replace(",", "")), digits.group(2)
            # "pay 60.50 to cox": a number with two decimals is money in a banking question; so is the
            # object of "pay", "send", "move"... ("pay 250 to cox", not "pay 2 bills") and the new amount
            # of an amendment ("make it 50", "60 instead").
            two_decimals = len(cents or "") == 2 and following not in _CURRENCY_WORDS
            paid = index > 0 and tokens[index - 1] in _MONEY_VERBS
            amended = any(tuple(tokens[max(0, index - len(words)) : index]) == words for words in _AMENDS)
            instead = following == "instead" and (index == 0 or tokens[index - 1] in _OPENERS)
            if two_decimals or ((paid or amended or instead) and following in _AFTER_BARE_AMOUNT):
                amount = _written(dollars, cents, minus)
        elif token in _CURRENCY_WORDS and (said := _dollars_before(tokens, index)) is not None:
            dollars, cents = said
            # "-50 dollars": the sign belongs to a number said in digits, alone before the currency word.
            minus = index - 1 in negative and len(_run_before(tokens, index)) == 1
            if cents is None and (after := _cents_after(tokens, index)) is not None:
                cents, index = after
            amount = _written(dollars, cents, minus)
        if amount is not None and not any(_same(amount, earlier) for earlier in found):
            found.append(amount)
        index += 1
    return found


def _same(a: str, b: str) -> bool:
    try:
        return Decimal(a) == Decimal(b)
    except InvalidOperation:
        return False


def _numbers_in(text: str) -> list[str]:
    return [token.replace(",", "") for token in _tokens(text)[0] if _DIGITS_RE.match(token)]


def _previous_values(previous: str | None) -> list[str]:
    return [value for value in previous_arguments(previous).values() if isinstance(value, str)]


def ground_amounts(call: dict[str, Any], text: str, previous: str | None = None) -> dict[str, Any]:
    """``call`` with its amount arguments held to the money said in ``text`` (see the module's rules)."""
    name = call.get("name")
    arguments = call.get("arguments")
    if not isinstance(name, str) or not isinstance(arguments, dict):
        return call
    names = amount_arguments(name)
    if not names:
        return call
    said = money_said(text)
    grounded = dict(arguments)
    for argument in names:
        written = grounded.get(argument)
        if len(said) == 1:
            differs = written is not None and not _same(written, said[0])
            if differs or (written is None and name in FILLED_WHEN_MISSING):
                grounded[argument] = said[0]
        elif not said and written is not None and argument not in required_arguments(name):
            known = _numbers_in(text) + _previous_values(previous)
            if not any(_same(written, value) for value in known):
                del grounded[argument]
    if grounded == arguments:
        return call
    # In the contract's argument order, as the model writes them.
    return {**call, "arguments": {key: grounded[key] for key in argument_names(name) if key in grounded}}
