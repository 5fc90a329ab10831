"""The hybrid benchmark's own logic: the query mix, the monolith's tool catalogue and how a call is scored."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

import pytest

from benchmarks.monolith import gbnf_safe, parse_reply, tool_catalogue
from benchmarks.query_mix import Query, draw_mix, score_call
from edge_runtime.labels import ESCALATE
from edge_runtime.tools.schemas import AMOUNT_PATTERN, TOOL_NAMES, argument_schema

DAY = date(2026, 11, 20)
LABELS = ("accounts", "savings", "transfers")


def _pools(per_label: int = 10, hard: int = 20) -> tuple[dict[str, list[Query]], list[Query]]:
    easy = {
        label: [Query(f"{label} {i}", label, DAY, {"name": "get_balance", "arguments": {}}) for i in range(per_label)]
        for label in LABELS
    }
    return easy, [Query(f"hard {i}", ESCALATE, DAY) for i in range(hard)]


@pytest.mark.parametrize(("size", "share", "hard"), [(30, 0.1, 3), (12, 0.25, 3), (10, 0.0, 0), (5, 1.0, 5)])
def test_when_a_mix_is_drawn_then_it_has_the_hard_share_asked_and_routine_questions_spread_evenly(
    size: int, share: float, hard: int
) -> None:
    easy, hard_pool = _pools()
    mix = draw_mix(easy, hard_pool, size, share, seed=0)
    counts = Counter(query.category for query in mix)
    assert len(mix) == size
    assert len({query.text for query in mix}) == size
    assert counts[ESCALATE] == hard
    routine = [counts[label] for label in LABELS]
    assert max(routine) - min(routine) <= 1


def test_when_a_category_runs_out_then_the_others_fill_its_turns() -> None:
    easy, hard = _pools()
    easy["savings"] = easy["savings"][:2]
    mix = draw_mix(easy, hard, 22, 0.0, seed=0)
    assert Counter(query.category for query in mix) == {"accounts": 10, "savings": 2, "transfers": 10}


def test_when_the_seed_is_the_same_then_the_mix_is_the_same_and_another_seed_changes_it() -> None:
    easy, hard = _pools()
    first = draw_mix(easy, hard, 20, 0.2, seed=3)
    assert draw_mix(easy, hard, 20, 0.2, seed=3) == first
    assert draw_mix(easy, hard, 20, 0.2, seed=4) != first


@pytest.mark.parametrize(
    ("size", "share", "message"),
    [
        (0, 0.1, "at least one question"),
        (10, 1.5, "between 0 and 1"),
        (10, -0.1, "between 0 and 1"),
        (100, 0.5, "50 hard questions asked for, 20 held out"),
        (40, 0.0, "40 routine questions asked for, 30 held out"),
    ],
)
def test_when_the_mix_cannot_be_drawn_then_the_error_says_why(size: int, share: float, message: str) -> None:
    easy, hard = _pools()
    with pytest.raises(ValueError, match=re.escape(message)):
        draw_mix(easy, hard, size, share, seed=0)


EXPECTED = {"name": "transfer", "arguments": {"from_account": "checking", "to": "savings", "amount": "200"}}


@pytest.mark.parametrize(
    ("call", "scores"),
    [
        (EXPECTED, (True, True)),
        (
            {"name": "transfer", "arguments": {"amount": "200", "to": "savings", "from_account": "checking"}},
            (True, True),
        ),
        (
            {"name": "transfer", "arguments": {"from_account": "checking", "to": "savings", "amount": "200.00"}},
            (True, False),
        ),
        ({"name": "transfer", "arguments": None}, (True, False)),
        ({"name": "transfer_status", "arguments": {"to": "savings"}}, (False, False)),
        (None, (False, False)),
    ],
)
def test_when_a_call_is_scored_then_the_tool_counts_by_name_and_the_call_only_when_every_argument_is_exact(
    call: dict[str, Any] | None, scores: tuple[bool, bool]
) -> None:
    assert score_call(call, EXPECTED) == scores


def test_when_the_catalogue_is_built_then_every_contract_tool_is_there_with_its_schema() -> None:
    catalogue = tool_catalogue()
    assert [entry["function"]["name"] for entry in catalogue] == list(TOOL_NAMES)
    for entry in catalogue:
        assert entry["type"] == "function"
        assert entry["function"]["parameters"] == gbnf_safe(argument_schema(entry["function"]["name"]))


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("0.50", True),
        ("12", True),
        ("1250.00", True),
        ("9999999.99", True),
        ("1.5", False),
        ("0", False),
        ("12a50", False),
        ("-3", False),
        ("1,250", False),
    ],
)
def test_when_a_pattern_is_made_safe_for_llama_cpp_then_it_matches_exactly_what_it_matched_before(
    text: str, matches: bool
) -> None:
    safe = gbnf_safe({"type": "string", "pattern": AMOUNT_PATTERN})["pattern"]
    assert "\\." not in safe
    assert bool(re.fullmatch(safe, text)) is matches
    assert bool(re.fullmatch(AMOUNT_PATTERN, text)) is matches


def test_when_the_server_answers_with_a_tool_call_then_the_first_call_and_the_usage_are_read() -> None:
    completion = {
        "choices": [
            {
                "message": {
                    "content": None,
                    "tool_calls": [{"function": {"name": "get_balance", "arguments": '{ "account": "savings"}'}}],
                }
            }
        ],
        "usage": {"prompt_tokens": 3630, "completion_tokens": 9},
    }
    reply = parse_reply(completion, 12.5)
    assert reply.call == {"name": "get_balance", "arguments": {"account": "savings"}}
    assert (reply.prompt_tokens, reply.completion_tokens, reply.latency_ms) == (3630, 9, 12.5)


def test_when_the_server_answers_in_text_or_with_broken_arguments_then_there_is_no_right_call() -> None:
    text = parse_reply({"choices": [{"message": {"content": "I can't help with that."}}]}, 1.0)
    assert text.call is None
    assert text.text == "I can't help with that."
    broken = {"choices": [{"message": {"tool_calls": [{"function": {"name": "get_balance", "arguments": "{"}}]}}]}
    assert parse_reply(broken, 1.0).call == {"name": "get_balance", "arguments": None}
