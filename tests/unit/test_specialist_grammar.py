"""The grammar the specialists decode under, derived from their call schemas."""

from __future__ import annotations

import json
import re

import pytest

from edge_runtime.labels import SPECIALIST_LABELS
from edge_runtime.specialists.grammar import CALL_OPENING, call_grammar, forced_rest
from edge_runtime.tools.schemas import OUT_OF_SCOPE, SPECIALIST_TOOLS, argument_schema, call_schema, canonical_json
from export.specialist_data import specialist_examples, split_of


def _rules(grammar: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in grammar.splitlines())


@pytest.mark.parametrize("label", SPECIALIST_LABELS)
def test_when_a_specialist_s_grammar_is_read_then_it_offers_each_of_its_tools_and_the_out_of_scope_signal(
    label: str,
) -> None:
    rules = _rules(call_grammar(label))
    alternatives = rules["start"].split(" | ")
    assert len(alternatives) == len(SPECIALIST_TOOLS[label]) + 1
    for rule, tool in zip(alternatives, SPECIALIST_TOOLS[label], strict=False):
        # The name closes and the arguments open exactly as a canonical call writes them.
        head, arguments, tail = rules[rule].split(" ")
        assert CALL_OPENING + json.loads(head) == canonical_json(tool, {})[: -len("{}}")]
        assert json.loads(tail) == "}"
        directive, schema = rules[arguments].split(" ", 1)
        assert directive == "%json"
        assert json.loads(schema) == {**argument_schema(tool), "x-guidance": {"whitespace_flexible": False}}
    assert CALL_OPENING + json.loads(rules[alternatives[-1]]) == canonical_json(OUT_OF_SCOPE)


def test_when_grammars_are_written_then_every_rule_they_use_is_defined() -> None:
    for label in SPECIALIST_LABELS:
        rules = _rules(call_grammar(label))
        used = set(re.findall(r"\b(?:call|arguments)_\d+\b", " ".join(rules.values())))
        assert used <= set(rules)


@pytest.mark.parametrize(
    ("label", "written", "rest"),
    [
        ("accounts", '{"name":"get_balance","arguments":{"account":"checking', '"}}'),
        ("accounts", '{"name":"get_balance","arguments":{"account":"check', 'ing"}}'),
        ("card_services", '{"name":"freeze_card","arguments":{"card":"de', 'bit"}}'),
        ("accounts", '{"name":"out', '_of_scope"}'),
        ("recent_transactions", '{"name":"recent_transactions","arguments":{"limit":5}}', ""),
        (
            "accounts",
            '{"name":"account_history","arguments":{"account":"savings","period":{"start":"2026-10-01","end":"2026-10-31"',
            "}}}",
        ),
    ],
)
def test_when_the_grammar_leaves_no_choice_then_the_rest_of_the_call_is_known(
    label: str, written: str, rest: str
) -> None:
    assert forced_rest(written, call_schema(label)) == rest


@pytest.mark.parametrize(
    ("label", "written"),
    [
        ("accounts", '{"name":"get_balance","arguments":{"account":"c'),  # checking or credit_card
        ("accounts", '{"name":"get'),  # the tool is still open
        ("accounts", '{"name":"account_history","arguments":{"account":"checking","period":"last_'),
        ("recent_transactions", '{"name":"recent_transactions","arguments":{"limit":5'),  # 5, 50, ...
        ("bill_payments", '{"name":"pay_bill","arguments":{"payee":"city power'),  # free text
        ("transfers", '{"name":"transfer'),  # transfer or transfer_status
        ("card_spending", '{"name":"spending_summary","arguments":{"period":"this_month"'),  # another argument
    ],
)
def test_when_a_choice_is_open_then_no_rest_is_forced(label: str, written: str) -> None:
    assert forced_rest(written, call_schema(label)) is None


@pytest.mark.parametrize("label", SPECIALIST_LABELS)
def test_when_any_target_is_cut_anywhere_then_a_forced_rest_is_exactly_what_it_goes_on_with(label: str) -> None:
    schema = call_schema(label)
    forced = 0
    for example in specialist_examples(label):
        if split_of(example) != "test":
            continue
        target = example.target
        for cut in range(len(CALL_OPENING), len(target) + 1):
            rest = forced_rest(target[:cut], schema)
            assert rest in (None, target[cut:]), (target, cut, rest)
            forced += rest is not None
    assert forced > 0
