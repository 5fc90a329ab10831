"""The router data set: BANKING77 mapping, stable splits, and a hash that tracks the data."""

from __future__ import annotations

from dataclasses import replace

from edge_runtime.labels import ROUTER_LABELS
from export import datasets
from export.router_data import synthetic_examples
from export.specialist_data import TARGET_COUNTS, is_tool_call, specialist_examples, split_of


def test_when_banking77_is_loaded_then_every_row_maps_to_a_router_label() -> None:
    examples = datasets.load_banking77()
    assert len(examples) == 10003
    assert {example.label for example in examples} <= set(ROUTER_LABELS)
    assert all(example.label == example.acceptable[0] for example in examples)


def test_when_the_data_set_is_built_twice_then_it_and_its_hash_are_identical() -> None:
    first, second = datasets.router_dataset(), datasets.router_dataset()
    assert first == second
    assert datasets.dataset_sha256(first) == datasets.dataset_sha256(second)


def test_when_one_label_changes_then_the_hash_changes() -> None:
    examples = datasets.router_dataset()
    changed = [replace(examples[0], label="escalate"), *examples[1:]]
    assert datasets.dataset_sha256(changed) != datasets.dataset_sha256(examples)


def test_when_splitting_then_every_label_is_in_every_split_and_texts_never_cross_splits() -> None:
    examples = datasets.router_dataset()
    counts = datasets.summary(examples)
    for split in datasets.SPLITS:
        assert all(counts[split][label] > 0 for label in ROUTER_LABELS), split
    texts = [example.text.lower() for example in examples]
    assert len(texts) == len(set(texts))
    assert 0.75 < len(datasets.by_split(examples, "train")) / len(examples) < 0.85


def test_when_a_template_group_is_split_then_all_its_examples_land_together() -> None:
    split_of_text = {example.text: example.split for example in datasets.router_dataset()}
    splits_of_group: dict[str, set[str]] = {}
    for example in synthetic_examples(datasets.DATA_SEED):
        if example.text in split_of_text:
            splits_of_group.setdefault(example.group, set()).add(split_of_text[example.text])
    assert splits_of_group
    assert all(len(splits) == 1 for splits in splits_of_group.values())
    assert {split for splits in splits_of_group.values() for split in splits} == set(datasets.SPLITS)


def test_when_the_data_set_is_built_then_the_specialists_questions_route_to_their_specialist_in_their_split() -> None:
    examples = [example for example in datasets.router_dataset() if example.source == "specialists"]
    questions = {
        example.text: (label, split_of(example))
        for label in TARGET_COUNTS
        for example in specialist_examples(label)
        if example.previous is None and is_tool_call(example)
    }
    assert len(examples) > 0.9 * len(questions)
    assert all(questions[example.text] == (example.acceptable[-1], example.split) for example in examples)
    assert {example.label for example in examples} == set(TARGET_COUNTS)
    # "How much have I put toward the new car so far?" is the savings specialist's, as it was trained.
    assert any(example.label == "savings" and "put toward" in example.text.lower() for example in examples)


def test_when_a_specialist_question_asks_for_the_savings_balance_then_savings_gets_it() -> None:
    examples = [example for example in datasets.router_dataset() if example.source == "specialists"]
    balances = [example for example in examples if example.acceptable == ("savings", "accounts")]
    assert balances
    assert all(example.label == "savings" for example in balances)
    assert all("saving" in example.text.lower() for example in balances)
    # Every other accounts question (checking, the credit card, savings history) stays with accounts.
    assert any(example.label == "accounts" and "saving" in example.text.lower() for example in examples)


def test_when_the_data_set_is_built_then_a_text_only_seen_as_a_follow_up_or_out_of_scope_is_no_router_example() -> None:
    texts = {example.text for example in datasets.router_dataset() if example.source == "specialists"}
    examples = [example for label in TARGET_COUNTS for example in specialist_examples(label)]
    questions = {example.text for example in examples if example.previous is None and is_tool_call(example)}
    left_out = {example.text for example in examples if example.previous is not None or not is_tool_call(example)}
    only_left_out = left_out - questions
    assert only_left_out
    assert not texts & only_left_out
