"""Router evaluation: accuracy per label, confidence-threshold calibration and the quality gate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from edge_runtime.labels import ESCALATE, ROUTER_LABELS
from export.datasets import LabelledText

ScoreFn = Callable[[Sequence[str]], np.ndarray]

#: Neighbouring thresholds on either side whose validation cost the build averages into each one's.
CALIBRATION_WINDOW = 2


def probabilities(score: ScoreFn, examples: Sequence[LabelledText], batch_size: int = 1) -> np.ndarray:
    """Class probabilities for every example, one utterance at a time unless ``batch_size`` says otherwise.

    One at a time is how a person's question is routed, and int8 results depend slightly on the batch:
    dynamic quantization picks one activation scale per batch.
    """
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


def routing_cost(predicted: Sequence[str], examples: Sequence[LabelledText], escalation_cost: float) -> float:
    """Mean cost per utterance: 1 for a wrong on-device route, ``escalation_cost`` for a needless escalation.

    A question sent to the wrong specialist (or a hard one kept on the device) gets the customer a wrong
    answer. A question escalated needlessly still gets a right answer, only slower and at the price of a
    cloud call, so it costs less.
    """
    total = 0.0
    for label, example in zip(predicted, examples, strict=True):
        if label in example.acceptable:
            continue
        total += escalation_cost if label == ESCALATE else 1.0
    return total / max(len(examples), 1)


def calibrate_threshold(
    probs: np.ndarray,
    examples: Sequence[LabelledText],
    escalation_cost: float = 0.5,
    prefer: str = "lowest",
    window: int = 0,
) -> float:
    """The confidence threshold with the lowest routing cost on validation.

    ``window`` averages each threshold's cost with that many neighbours (steps of 0.01) on either side.
    Over a wide range of thresholds the validation costs differ by a handful of utterances, so the single
    cheapest one is mostly chance; the middle of the cheapest stretch holds up better on new questions.
    ``prefer`` breaks ties: ``lowest`` keeps more questions on the device (every escalation is a cloud
    call and a slower answer), ``highest`` sends more of the unsure ones to the cloud.
    """
    if prefer not in ("lowest", "highest"):
        raise ValueError(f"prefer must be 'lowest' or 'highest', not {prefer!r}")
    if window < 0:
        raise ValueError(f"window must be 0 or more, not {window}")
    candidates = [round(float(value), 2) for value in np.arange(0.20, 0.96, 0.01)]
    costs = [routing_cost(decide(probs, t), examples, escalation_cost) for t in candidates]
    smoothed = [
        round(float(np.mean(costs[max(0, index - window) : index + window + 1])), 9) for index in range(len(costs))
    ]
    tied = [t for t, cost in zip(candidates, smoothed, strict=True) if cost == min(smoothed)]
    return min(tied) if prefer == "lowest" else max(tied)


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
