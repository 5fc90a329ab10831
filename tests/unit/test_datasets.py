"""The router data set: BANKING77 mapping, stable splits, and a hash that tracks the data."""

from __future__ import annotations

from dataclasses import replace

from edge_runtime.labels import ROUTER_LABELS
from export import datasets
from export.router_data import synthetic_examples


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
