"""The router's tool head: what it scores and what it reads."""

from __future__ import annotations

from collections import Counter

from edge_runtime.labels import SPECIALIST_LABELS
from edge_runtime.tools.schemas import OUT_OF_SCOPE, TOOL_HEAD, TOOL_NAMES, tool_choices, tool_input


def test_when_the_tool_head_is_listed_then_it_has_every_tool_once_and_one_out_of_scope_per_specialist() -> None:
    choices = Counter(choice for _, choice in TOOL_HEAD)
    assert {tool: choices[tool] for tool in TOOL_NAMES} == dict.fromkeys(TOOL_NAMES, 1)
    assert choices[OUT_OF_SCOPE] == len(SPECIALIST_LABELS)
    for label in SPECIALIST_LABELS:
        assert tuple(choice for owner, choice in TOOL_HEAD if owner == label) == tool_choices(label)
        assert tool_choices(label)[-1] == OUT_OF_SCOPE


def test_when_there_is_no_previous_call_then_the_head_reads_the_utterance_alone() -> None:
    assert tool_input("freeze my card") == "freeze my card"


def test_when_a_previous_call_exists_then_the_head_reads_its_tool_first() -> None:
    previous = '{"name":"spending_summary","arguments":{"period":"this_month"}}'
    assert tool_input("and last month?", previous) == "spending summary: and last month?"


def test_when_the_previous_call_is_unreadable_then_the_head_reads_the_utterance_alone() -> None:
    assert tool_input("and last month?", "not json") == "and last month?"
    assert tool_input("and last month?", '["a list"]') == "and last month?"
