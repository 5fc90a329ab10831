"""Payment card numbers: 13 to 19 digits, spaced or not, that pass the Luhn check."""

from __future__ import annotations

from collections.abc import Iterator

from edge_runtime.redaction import spans
from edge_runtime.redaction.digits import Run, digit_runs, luhn_valid
from edge_runtime.redaction.spans import Span

MIN_DIGITS = 13
MAX_DIGITS = 19


def card_windows(run: Run, text: str) -> list[tuple[int, int]]:
    """The (first, last) group indexes of each card number in ``run``, leftmost first.

    A card is searched group by group rather than as the whole run, so that a card followed by another
    number ("4111 1111 1111 1111 2 times") or two cards in a row are still found.
    """
    windows: list[tuple[int, int]] = []
    first = 0
    while first < len(run.groups):
        found, count, digits = None, 0, ""
        for last in range(first, len(run.groups)):
            start, end = run.groups[last]
            count += end - start
            if count > MAX_DIGITS:
                break
            digits += text[start:end]
            if count >= MIN_DIGITS and luhn_valid(digits):
                found = last  # the longest valid window from ``first`` wins
        if found is None:
            first += 1
        else:
            windows.append((first, found))
            first = found + 1
    return windows


class CardRecognizer:
    """Luhn-valid card numbers; a number that fails the check is left to the account recognizer."""

    def find(self, text: str) -> Iterator[Span]:
        for run in digit_runs(text):
            for first, last in card_windows(run, text):
                yield Span(run.groups[first][0], run.groups[last][1], "card", spans.CARD)
