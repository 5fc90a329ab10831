"""Threshold calibration and the quality gate, on hand-made probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from edge_runtime.labels import ESCALATE, ROUTER_LABELS
from export.datasets import LabelledText
from export.router_eval import (
    GateConfig,
    accuracy,
    calibrate_threshold,
    decide,
    gate_failures,
    report,
    routing_cost,
)


def _example(label: str, acceptable: tuple[str, ...] = ()) -> LabelledText:
    return LabelledText(text=label, label=label, acceptable=acceptable or (label,), source="test", split="test")


def _probs(rows: list[tuple[str, float]]) -> np.ndarray:
    """One row per (best label, its probability); the rest of the mass spread evenly."""
    out = np.zeros((len(rows), len(ROUTER_LABELS)))
    for row, (label, p) in enumerate(rows):
        out[row, :] = (1 - p) / (len(ROUTER_LABELS) - 1)
        out[row, ROUTER_LABELS.index(label)] = p
    return out


def test_when_confidence_is_below_threshold_then_decision_is_escalate() -> None:
    probs = _probs([("savings", 0.9), ("savings", 0.4)])
    assert decide(probs, 0.5) == ["savings", ESCALATE]


def test_when_an_alternative_label_is_acceptable_then_it_counts_as_right() -> None:
    examples = [_example("accounts", ("accounts", "transfers")), _example("savings")]
    assert accuracy(["transfers", "accounts"], examples) == 0.5


def test_when_low_confidence_guesses_are_wrong_then_calibration_escalates_them() -> None:
    # Confident guesses are right; the unsure ones are hard questions that should escalate.
    probs = _probs([("savings", 0.95), ("accounts", 0.9), ("savings", 0.45), ("accounts", 0.5)])
    examples = [_example("savings"), _example("accounts"), _example(ESCALATE), _example(ESCALATE)]
    threshold = calibrate_threshold(probs, examples)
    assert 0.5 < threshold <= 0.9
    assert report(probs, examples, threshold)["accuracy"] == 1.0


@pytest.mark.parametrize(("prefer", "threshold"), [("lowest", 0.20), ("highest", 0.60)])
def test_when_thresholds_cost_the_same_then_the_tie_break_decides(prefer: str, threshold: float) -> None:
    probs = _probs([("savings", 0.95), ("accounts", 0.6)])
    examples = [_example("savings"), _example("accounts")]
    assert calibrate_threshold(probs, examples, prefer=prefer) == pytest.approx(threshold)


def test_when_a_needless_escalation_is_cheaper_than_a_wrong_route_then_calibration_prefers_escalating() -> None:
    # Two unsure guesses: one right, one wrong. Escalating both costs 2 x 0.5 (one needless); keeping both
    # costs 1 (one wrong route). With escalation at 0.4, escalating is cheaper; at 0.6 it is dearer.
    probs = _probs([("savings", 0.95), ("accounts", 0.5), ("transfers", 0.5)])
    examples = [_example("savings"), _example("accounts"), _example("accounts")]
    assert calibrate_threshold(probs, examples, escalation_cost=0.4) > 0.5
    assert calibrate_threshold(probs, examples, escalation_cost=0.6) <= 0.5


def test_when_one_threshold_is_cheapest_by_chance_then_the_window_prefers_the_cheap_stretch() -> None:
    # Two hard questions guessed at 0.695 and four right guesses at 0.705 make 0.70 alone the cheapest
    # threshold (cost 2); from 0.20 to 0.50 every threshold costs 3, and all the others 4.
    rows = [("savings", 0.99), ("savings", 0.505), ("savings", 0.505)]
    rows += [("accounts", 0.695), ("accounts", 0.695)] + [("savings", 0.705)] * 4
    probs = _probs(rows)
    examples = [_example("accounts"), _example("savings"), _example("savings")]
    examples += [_example(ESCALATE), _example(ESCALATE)] + [_example("savings")] * 4
    assert calibrate_threshold(probs, examples) == pytest.approx(0.70)
    assert calibrate_threshold(probs, examples, window=2) == pytest.approx(0.20)


def test_when_routes_are_costed_then_wrong_routes_cost_one_and_needless_escalations_their_price() -> None:
    examples = [_example("savings"), _example("accounts"), _example(ESCALATE), _example("savings")]
    predicted = ["savings", ESCALATE, "accounts", "transfers"]
    assert routing_cost(predicted, examples, escalation_cost=0.5) == pytest.approx((0 + 0.5 + 1 + 1) / 4)


def _metrics(accuracy: float, per_label: dict[str, float]) -> dict[str, object]:
    return {"accuracy": accuracy, "per_label": {k: {"n": 10, "accuracy": v} for k, v in per_label.items()}}


@pytest.mark.parametrize(
    ("fp32", "int8", "failures"),
    [
        (0.95, 0.945, []),
        (0.95, 0.93, ["below fp32"]),
        (0.95, 0.95, ["for savings"]),
    ],
    ids=["within-one-point", "int8-drops-two-points", "label-below-floor"],
)
def test_when_int8_is_worse_than_allowed_then_gate_fails(fp32: float, int8: float, failures: list[str]) -> None:
    gate = GateConfig(max_int8_drop=0.01, per_label_floor=0.85)
    savings = 0.80 if failures == ["for savings"] else 0.90
    found = gate_failures(_metrics(fp32, {"savings": 0.9}), _metrics(int8, {"savings": savings}), gate)
    assert len(found) == len(failures)
    for fragment, message in zip(failures, found, strict=True):
        assert fragment in message
