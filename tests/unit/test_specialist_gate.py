"""The specialists' build gate: floors for every specialist, and how far quantization may trail fp32."""

from __future__ import annotations

from typing import Any

from export.specialist_eval import SpecialistGate, gate_failures


def _metrics(calls: dict[str, tuple[int, int]], tool: float = 0.95) -> dict[str, dict[str, Any]]:
    """Per specialist: (calls right, calls in the split)."""
    return {label: {"n": n, "tool_accuracy": tool, "call_accuracy": right / n} for label, (right, n) in calls.items()}


def test_when_one_small_split_trails_fp32_by_two_calls_and_the_rest_make_up_for_it_then_the_build_passes() -> None:
    fp32 = _metrics({"recent_transactions": (29, 49), "card_spending": (72, 118)})
    int8 = _metrics({"recent_transactions": (27, 49), "card_spending": (74, 118)})
    assert gate_failures(int8, fp32, SpecialistGate()) == []


def test_when_quantization_costs_calls_across_specialists_then_the_build_fails_on_the_pooled_drop() -> None:
    fp32 = _metrics({"recent_transactions": (29, 49), "card_spending": (72, 118), "transfers": (54, 80)})
    int8 = _metrics({"recent_transactions": (27, 49), "card_spending": (67, 118), "transfers": (52, 80)})
    failures = gate_failures(int8, fp32, SpecialistGate())
    assert len(failures) == 1
    assert failures[0].startswith("all specialists: call accuracy 3.6% below fp32")


def test_when_quantization_breaks_one_specialist_then_the_build_fails_naming_it() -> None:
    fp32 = _metrics({"recent_transactions": (29, 49), "card_spending": (72, 118), "card_services": (103, 105)})
    int8 = _metrics({"recent_transactions": (23, 49), "card_spending": (74, 118), "card_services": (104, 105)})
    failures = gate_failures(int8, fp32, SpecialistGate())
    assert [failure.split(":")[0] for failure in failures] == ["recent_transactions"]


def test_when_a_build_is_broken_then_the_floors_fail_it_even_with_no_fp32_to_compare() -> None:
    broken = _metrics({"savings": (10, 71)}, tool=0.30)
    assert [failure.split(":")[0] for failure in gate_failures(broken, None, SpecialistGate())] == ["savings"] * 2
