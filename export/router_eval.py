"""Router evaluation: accuracy per label, confidence-threshold calibration and the quality gate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from edge_runtime.labels import ESCALATE, ROUTER_LABELS
from export.datasets import LabelledText

ScoreFn = Callable[[Sequence[str]], np.ndarray]


def probabilities(score: ScoreFn, examples: Sequence[LabelledText], batch_size: int = 64) -> np.ndarray:
    """Class probabilities for every example, computed in batches."""
    texts = [example.text for example in examples]
    parts = [score(texts[start : start + batch_size]) for start in range(0, len(texts), batch_size)]
    return np.concatenate(parts) if parts else np.zeros((0, len(ROUTER_LABELS)))


def decide(probs: np.ndarray, threshold: float) -> list[str]:
    """The labels the runtime would emit: the best class, or ``escalate`` below the threshold."""
    best = probs.argmax(axis=1)
    confident = probs.max(axis=1) >= threshold
    return [ROUTER_LABELS[int(index)] if ok else ESCALATE for index, ok in zip(best, confident, strict=True)]


def accuracy(predicted: Sequence[str], examples: Sequence[LabelledText]) -> float:
    """Share of predictions that are an acceptable label for their example."""
    if not examples:
        return 0.0
    right = sum(label in example.acceptable for label, example in zip(predicted, examples, strict=True))
    return right / len(examples)


def per_label(predicted: Sequence[str], examples: Sequence[LabelledText]) -> dict[str, dict[str, float]]:
    """For each training label: how many examples, and the share routed to an acceptable label."""
    table: dict[str, dict[str, float]] = {}
    for label in ROUTER_LABELS:
        pairs = [(p, e) for p, e in zip(predicted, examples, strict=True) if e.label == label]
        right = sum(p in e.acceptable for p, e in pairs)
        table[label] = {"n": len(pairs), "accuracy": right / len(pairs) if pairs else 0.0}
    return table


def calibrate_threshold(probs: np.ndarray, examples: Sequence[LabelledText]) -> float:
    """The confidence threshold that maximises validation accuracy; the lowest one among ties.

    Sending a confidently-wrong in-domain guess to the cloud costs a little money; answering a hard
    question with the wrong specialist costs the customer a wrong answer, so escalation is worth it
    exactly when it makes more routes right than it makes wrong, which is what accuracy counts.
    """
    candidates = [round(value, 2) for value in np.arange(0.20, 0.96, 0.01)]
    scored = [(accuracy(decide(probs, threshold), examples), -threshold) for threshold in candidates]
    best_accuracy, negative_threshold = max(scored)
    del best_accuracy
    return -negative_threshold


@dataclass(frozen=True)
class GateConfig:
    """The build fails when the shipped int8 router is not good enough.

    Attributes:
        max_int8_drop: int8 test accuracy may trail fp32 by at most this much (absolute).
        per_label_floor: every label's int8 test accuracy must be at least this.
    """

    max_int8_drop: float = 0.01
    per_label_floor: float = 0.85

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def gate_failures(fp32_test: dict[str, Any], int8_test: dict[str, Any], gate: GateConfig) -> list[str]:
    """Reasons the build must fail; empty when the int8 router passes."""
    failures = []
    drop = fp32_test["accuracy"] - int8_test["accuracy"]
    if drop > gate.max_int8_drop:
        failures.append(
            f"int8 test accuracy {int8_test['accuracy']:.2%} is {drop:.2%} below fp32 "
            f"{fp32_test['accuracy']:.2%} (allowed: {gate.max_int8_drop:.2%})"
        )
    for label, row in int8_test["per_label"].items():
        if row["n"] and row["accuracy"] < gate.per_label_floor:
            failures.append(
                f"int8 test accuracy for {label} is {row['accuracy']:.2%}, below the floor {gate.per_label_floor:.0%}"
            )
    return failures


def report(probs: np.ndarray, examples: Sequence[LabelledText], threshold: float) -> dict[str, Any]:
    """Accuracy overall and per label, and the share escalated, at a threshold."""
    predicted = decide(probs, threshold)
    return {
        "n": len(examples),
        "accuracy": accuracy(predicted, examples),
        "escalated": sum(label == ESCALATE for label in predicted) / max(len(predicted), 1),
        "per_label": per_label(predicted, examples),
    }
