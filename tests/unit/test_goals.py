"""A question about one savings goal's progress gets ``goal_progress`` for that goal."""

from __future__ import annotations

import pytest

from edge_runtime.specialists.goals import goal_as_said, goal_named


@pytest.mark.parametrize(
    ("text", "goal"),
    [
        ("how much do I still need for the road trip?", "road trip"),
        ("How much have I put toward new car so far?", "new car"),
        ("hey there, how much have i put toward rainy day fund so far", "rainy day fund"),
        ("how much have I saved for my Bali trip", "Bali trip"),
        ("how's my honeymoon savings comign along?", "honeymoon"),
        ("How's my emergency fund coming along", "emergency fund"),
    ],
)
def test_when_a_question_asks_how_far_along_a_goal_is_then_the_goal_is_read_as_said(text: str, goal: str) -> None:
    assert goal_named(text) == goal


@pytest.mark.parametrize(
    "text",
    [
        "how much should I save for retirement?",  # advice
        "how are my savings coming along?",  # all savings
        "how's my savings account doing",
        "how's my high-yield savings account coming along?",
        "pause my bali trip goal",
        "how much interest did I earn this year?",
        "how much do I still need for it?",
    ],
)
def test_when_a_question_names_no_goal_or_asks_no_progress_then_no_goal_is_read(text: str) -> None:
    assert goal_named(text) is None


@pytest.mark.parametrize("written", [{"name": "out_of_scope"}, {"name": "savings_overview", "arguments": {}}])
def test_when_the_savings_specialist_misses_a_goal_question_then_the_goal_s_progress_is_asked_for(
    written: dict[str, object],
) -> None:
    assert goal_as_said(written, "how much do I still need for the wedding?", "savings") == {
        "name": "goal_progress",
        "arguments": {"goal": "wedding"},
    }


def test_when_goal_progress_has_no_goal_then_the_one_said_is_taken() -> None:
    call = {"name": "goal_progress", "arguments": {}}
    assert goal_as_said(call, "how's my puppy savings coming along?", "savings") == {
        "name": "goal_progress",
        "arguments": {"goal": "puppy"},
    }


@pytest.mark.parametrize(
    ("call", "text", "label"),
    [
        ({"name": "goal_progress", "arguments": {"goal": "Vacation"}}, "how much more for vacation?", "savings"),
        ({"name": "savings_overview", "arguments": {}}, "how are my savings doing?", "savings"),
        ({"name": "out_of_scope"}, "share my vacation goal with my partner", "savings"),
        ({"name": "out_of_scope"}, "how much do I still need for the wedding?", "card_services"),
    ],
)
def test_when_the_call_already_fits_or_another_specialist_wrote_it_then_it_stays(
    call: dict[str, object], text: str, label: str
) -> None:
    assert goal_as_said(call, text, label) is call
