"""The router's data set: BANKING77, the project's generated utterances and the specialists' questions.

The split is decided per example by a hash of a stable key (the template group for generated text, the
text itself for BANKING77), not by shuffling, so adding data never moves existing examples between
train, validation and test. Generated examples that share a template stay in one split: the test split
then measures phrasings the router never saw.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from edge_runtime.labels import ROUTER_LABELS
from export.router_data import synthetic_examples

BANKING77_DIR = Path(__file__).resolve().parent / "data" / "banking77"
DATA_SEED = 0

Split = Literal["train", "validation", "test"]
SPLITS: tuple[Split, ...] = ("train", "validation", "test")
# Percent of split keys per split, in the order of SPLITS.
_SPLIT_PERCENT = (80, 10, 10)


@dataclass(frozen=True)
class LabelledText:
    """One router example with the labels that count as right for it (the training label first)."""

    text: str
    label: str
    acceptable: tuple[str, ...]
    source: str
    split: Split


def _split_of(key: str) -> Split:
    bucket = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % 100
    if bucket < _SPLIT_PERCENT[0]:
        return "train"
    if bucket < _SPLIT_PERCENT[0] + _SPLIT_PERCENT[1]:
        return "validation"
    return "test"


def load_banking77(directory: Path = BANKING77_DIR) -> list[LabelledText]:
    """BANKING77's training split with each intent mapped to its router label."""
    intents = json.loads((directory / "labels.json").read_text(encoding="utf-8"))["intents"]
    examples = []
    with (directory / "train.csv").open(newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            mapping = intents[row["category"]]
            text = " ".join(row["text"].split())
            examples.append(
                LabelledText(
                    text=text,
                    label=mapping["primary"],
                    acceptable=tuple(mapping["acceptable"]),
                    source="banking77",
                    split=_split_of("banking77:" + text.lower()),
                )
            )
    return examples


def router_dataset(seed: int = DATA_SEED) -> list[LabelledText]:
    """Every router example, in a stable order. Texts are unique (case-insensitively)."""
    examples: list[LabelledText] = []
    seen: set[str] = set()
    generated = [
        LabelledText(
            text=example.text,
            label=example.label,
            acceptable=(example.label,),
            source=example.source,
            split=_split_of("generated:" + example.group),
        )
        for example in synthetic_examples(seed)
    ]
    # Generated examples win a clash: their label was chosen for this product, BANKING77's was mapped.
    for example in generated + specialist_questions() + load_banking77():
        key = example.text.lower()
        if key in seen:
            continue
        if example.label not in ROUTER_LABELS:
            raise ValueError(f"example {example.text!r} has unknown label {example.label!r}")
        seen.add(key)
        examples.append(example)
    return examples


def specialist_questions() -> list[LabelledText]:
    """The questions each specialist is trained to answer with a tool, labelled with that specialist.

    The router then learns where each specialist's scope ends as the specialist learnt it ("how much have
    I put toward the new car?" is the savings specialist's, "what came into my checking last week?" the
    accounts specialist's). Follow-ups and out-of-scope examples are left out: a follow-up is routed by
    the conversation, and an out-of-scope example says only which specialist it is not for. Each keeps
    the specialist's split, so the router's test split holds none of the phrasings either trained on.
    """
    # Imported here: the specialists' data reads this module's split type.
    from export.specialist_data import TARGET_COUNTS, is_tool_call, specialist_examples, split_of

    questions = []
    for label in TARGET_COUNTS:
        for example in specialist_examples(label):
            if example.previous is not None or not is_tool_call(example):
                continue
            routed = _savings_balance_label(label, json.loads(example.target))
            questions.append(
                LabelledText(
                    text=example.text,
                    label=routed,
                    acceptable=(routed,) if routed == label else (routed, label),
                    source="specialists",
                    split=split_of(example),
                )
            )
    return questions


def _savings_balance_label(label: str, call: dict[str, Any]) -> str:
    """The router label of a specialist's question: its specialist's, except for a savings balance.

    The accounts specialist answers "what's in my savings account?" with ``get_balance``, and the savings
    specialist answers it with ``savings_overview``. The domain contract gives a savings balance to
    ``savings``, so the router learns that, and either specialist counts as a right route.
    """
    if label == "accounts" and call["name"] == "get_balance" and call["arguments"].get("account") == "savings":
        return "savings"
    return label


def by_split(examples: Iterable[LabelledText], split: Split) -> list[LabelledText]:
    return [example for example in examples if example.split == split]


def dataset_sha256(examples: Sequence[LabelledText]) -> str:
    """A hash of everything training depends on: texts, labels and the split."""
    digest = hashlib.sha256()
    for example in examples:
        record = [example.text, example.label, list(example.acceptable), example.source, example.split]
        digest.update(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def summary(examples: Sequence[LabelledText]) -> dict[str, dict[str, int]]:
    """Example counts per split and label."""
    counts: dict[str, dict[str, int]] = {}
    for split in SPLITS:
        per_label = Counter(example.label for example in examples if example.split == split)
        counts[split] = {label: per_label.get(label, 0) for label in ROUTER_LABELS}
    return counts
