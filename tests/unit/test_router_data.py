"""The router's generated training data: deterministic, unique, balanced and covering the domain contract."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache

import pytest

from edge_runtime.labels import ESCALATE, ROUTER_LABELS
from export.router_data import NAMED_PERIODS, Example, normalise, synthetic_examples

MIN_COUNTS = {
    "card_spending": 700,
    "accounts": 700,
    "savings": 700,
    "bill_payments": 700,
    "recent_transactions": 700,
    "transfers": 450,
    "card_services": 270,
    "help_center": 270,
    ESCALATE: 1600,
}
MIN_GROUPS_PER_LABEL = 25
ASR_STYLE = re.compile(r"[a-z0-9' ]+")


@cache
def _examples() -> tuple[Example, ...]:
    return tuple(synthetic_examples(0))


def _texts(label: str) -> list[str]:
    return [example.text.lower() for example in _examples() if example.label == label]


def test_when_generated_twice_with_one_seed_then_lists_are_identical() -> None:
    assert synthetic_examples(0) == list(_examples())


def test_when_seeds_differ_then_lists_differ() -> None:
    assert synthetic_examples(1) != list(_examples())


@pytest.mark.parametrize(("label", "minimum"), sorted(MIN_COUNTS.items()))
def test_when_generated_then_label_has_its_minimum_count(label: str, minimum: int) -> None:
    assert Counter(example.label for example in _examples())[label] >= minimum


@pytest.mark.parametrize("label", ROUTER_LABELS)
def test_when_generated_then_label_has_enough_template_groups(label: str) -> None:
    groups = {example.group for example in _examples() if example.label == label}
    assert len(groups) >= MIN_GROUPS_PER_LABEL


def test_when_generated_then_every_label_is_known_and_source_matches() -> None:
    for example in _examples():
        assert example.label in ROUTER_LABELS
        assert example.source == ("out_of_domain" if example.label == ESCALATE else "synthetic")


def test_when_texts_are_normalised_then_none_repeats_or_has_two_labels() -> None:
    labels_by_text: dict[str, set[str]] = defaultdict(set)
    counts = Counter(" ".join(example.text.lower().split()) for example in _examples())
    for example in _examples():
        labels_by_text[normalise(example.text)].add(example.label)
    assert counts.most_common(1)[0][1] == 1
    assert all(len(labels) == 1 for labels in labels_by_text.values())
    assert len(labels_by_text) == len(_examples())


def test_when_grouped_then_groups_are_named_by_label_and_hold_one_label() -> None:
    labels_by_group: dict[str, set[str]] = defaultdict(set)
    for example in _examples():
        assert example.text.strip()
        assert example.group.startswith(example.label + "/")
        labels_by_group[example.group].add(example.label)
    assert all(len(labels) == 1 for labels in labels_by_group.values())


@pytest.mark.parametrize("period", sorted(NAMED_PERIODS))
def test_when_card_spending_generated_then_named_period_is_phrased(period: str) -> None:
    phrasings = NAMED_PERIODS[period]
    texts = _texts("card_spending")
    assert any(phrasing in text for text in texts for phrasing in phrasings)


@pytest.mark.parametrize("label", ROUTER_LABELS)
def test_when_generated_then_label_has_asr_style_examples(label: str) -> None:
    asr = [example.text for example in _examples() if example.label == label and ASR_STYLE.fullmatch(example.text)]
    assert len(asr) >= 20


@pytest.mark.parametrize(
    ("label", "cue"),
    [
        ("card_spending", "starbucks"),
        ("card_spending", "groceries"),
        ("card_spending", "minimum payment"),
        ("accounts", "checking"),
        ("savings", "interest"),
        ("savings", "goal"),
        ("bill_payments", "autopay"),
        ("transfers", "transfer"),
        ("recent_transactions", "pending"),
        ("card_services", "freeze"),
        ("help_center", "fee"),
        (ESCALATE, "should i invest"),
        (ESCALATE, "retire"),
        (ESCALATE, "capital of"),
        (ESCALATE, "prime numbers"),
        (ESCALATE, "tell me a joke"),
        (ESCALATE, "0% card"),
    ],
)
def test_when_generated_then_label_covers_cue(label: str, cue: str) -> None:
    assert any(cue in text for text in _texts(label))


@pytest.mark.parametrize(
    ("label", "off_label_cue"),
    [
        (ESCALATE, "freeze my debit card"),
        ("card_services", "should i"),
        ("accounts", "credit card statement"),
        ("transfers", "autopay"),
    ],
)
def test_when_generated_then_label_avoids_cues_of_other_labels(label: str, off_label_cue: str) -> None:
    assert not any(off_label_cue in text for text in _texts(label))


def test_when_amounts_are_generated_then_several_formats_appear() -> None:
    texts = [example.text for example in _examples()]
    for pattern in (r"\$\d+\b(?![.,])", r"\$\d{1,3},\d{3}\.\d\d", r"\b\d+ dollars", r"\bbucks\b", r"\bforty\b"):
        assert any(re.search(pattern, text) for text in texts), pattern
