"""The specialists' generated data: deterministic, valid against the tool schemas, consistent with its dates."""

from __future__ import annotations

import calendar
import json
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from functools import cache
from typing import Any

import pytest

from edge_runtime.tools.schemas import (
    CATEGORIES,
    OUT_OF_SCOPE,
    SPECIALIST_TOOLS,
    argument_names,
    call_schema,
    canonical_json,
    required_arguments,
)
from export.router_data import normalise
from export.specialist_data import TARGET_COUNTS, SpecialistExample, specialist_examples, split_of

LABELS = tuple(SPECIALIST_TOOLS)
IN_SCOPE_SPLITS = ("train", "test")
HISTORY_TOOLS = ("spending_summary", "list_card_transactions", "account_history", "interest_earned")
# The words an argument is copied from, verbatim.
COPIED = ("merchant", "goal", "payee", "to")
# Transfers name own accounts by these words rather than copying them.
OWN_ACCOUNTS = ("checking", "savings", "credit card")
ASR_STYLE = re.compile(r"[a-z0-9' ]+")


@cache
def _examples(label: str) -> tuple[SpecialistExample, ...]:
    return tuple(specialist_examples(label))


def _call(text: str) -> dict[str, Any]:
    call: dict[str, Any] = json.loads(text)
    return call


def _all() -> list[SpecialistExample]:
    return [example for label in LABELS for example in _examples(label)]


def _is_follow_up(example: SpecialistExample) -> bool:
    return "/follow_up/" in example.group


def _is_negative(example: SpecialistExample) -> bool:
    return bool(_call(example.target)["name"] == OUT_OF_SCOPE)


# ----------------------------------------------------------------------------------------------------------
# A minimal JSON schema checker for the subset the tool schemas use (the toolbox has its own).
# ----------------------------------------------------------------------------------------------------------

_TYPES: dict[str, Any] = {"object": dict, "string": str, "boolean": bool, "integer": int}


def schema_errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Why ``value`` does not match ``schema`` (type, enum, const, pattern, bounds, anyOf, objects)."""
    if "anyOf" in schema:
        if all(schema_errors(value, option, path) for option in schema["anyOf"]):
            return [f"{path}: {value!r} matches no option"]
        return []
    if "const" in schema and value != schema["const"]:
        return [f"{path}: {value!r} is not {schema['const']!r}"]
    kind = schema.get("type")
    if kind and (not isinstance(value, _TYPES[kind]) or (kind == "integer" and isinstance(value, bool))):
        return [f"{path}: {value!r} is not of type {kind}"]
    errors = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: {value!r} is below {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{path}: {value!r} is above {schema['maximum']}")
    if kind == "object":
        properties = schema.get("properties", {})
        errors += [f"{path}: {key!r} is missing" for key in schema.get("required", ()) if key not in value]
        if schema.get("additionalProperties") is False:
            errors += [f"{path}: {key!r} is not allowed" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(item, properties[key], f"{path}.{key}")
    return errors


@pytest.mark.parametrize(
    ("label", "call"),
    [
        ("card_spending", {"name": "spending_summary", "arguments": {"period": "last_month", "category": "dining"}}),
        ("card_spending", {"name": "card_statement", "arguments": {}}),
        ("card_spending", {"name": OUT_OF_SCOPE}),
        ("transfers", {"name": "transfer", "arguments": {"from_account": "checking", "to": "Alex", "amount": "84.20"}}),
        ("recent_transactions", {"name": "recent_transactions", "arguments": {"limit": 5, "pending_only": True}}),
    ],
)
def test_when_a_call_is_valid_then_the_checker_accepts_it(label: str, call: dict[str, Any]) -> None:
    assert schema_errors(call, call_schema(label)) == []


@pytest.mark.parametrize(
    ("label", "call"),
    [
        ("card_spending", {"name": "spending_summary", "arguments": {"category": "dining"}}),  # no period
        ("card_spending", {"name": "spending_summary", "arguments": {"period": "last_quarter"}}),
        ("card_spending", {"name": "spending_summary", "arguments": {"period": {"start": "2026-01-01"}}}),
        ("card_spending", {"name": "spending_summary", "arguments": {"period": "today", "category": "food"}}),
        ("card_spending", {"name": "card_statement", "arguments": {"period": "today"}}),
        ("card_spending", {"name": "get_balance", "arguments": {"account": "checking"}}),  # not its tool
        ("card_spending", {"name": OUT_OF_SCOPE, "arguments": {}}),
        ("transfers", {"name": "transfer", "arguments": {"from_account": "checking", "to": "Alex", "amount": "$84"}}),
        ("transfers", {"name": "transfer", "arguments": {"from_account": "checking", "to": "Alex", "amount": "1,250"}}),
        ("recent_transactions", {"name": "recent_transactions", "arguments": {"limit": 0}}),
        ("recent_transactions", {"name": "recent_transactions", "arguments": {"limit": 51}}),
        ("recent_transactions", {"name": "recent_transactions", "arguments": {"pending_only": "yes"}}),
        ("recent_transactions", {"name": "recent_transactions", "arguments": {"limit": True}}),
        ("help_center", {"name": "search_help", "arguments": {"query": 'say "hi"'}}),
    ],
)
def test_when_a_call_is_invalid_then_the_checker_rejects_it(label: str, call: dict[str, Any]) -> None:
    assert schema_errors(call, call_schema(label))


# ----------------------------------------------------------------------------------------------------------
# The data
# ----------------------------------------------------------------------------------------------------------


def test_when_generated_twice_with_one_seed_then_lists_are_identical() -> None:
    for label in LABELS:
        assert specialist_examples(label) == list(_examples(label)), label


def test_when_seeds_differ_then_lists_differ() -> None:
    assert specialist_examples("accounts", seed=14) != list(_examples("accounts"))


def test_when_the_label_is_unknown_then_the_error_lists_the_specialists() -> None:
    with pytest.raises(ValueError, match="card_spending, accounts"):
        specialist_examples("escalate")


@pytest.mark.parametrize("label", LABELS)
def test_when_generated_then_label_has_its_count_and_only_its_examples(label: str) -> None:
    examples = _examples(label)
    assert len(examples) == TARGET_COUNTS[label]
    assert all(example.label == label and example.group.startswith(label + "/") for example in examples)


@pytest.mark.parametrize("label", LABELS)
def test_when_targets_are_parsed_then_they_match_the_call_schema_and_are_canonical(label: str) -> None:
    schema = call_schema(label)
    for example in _examples(label):
        for text in filter(None, (example.target, example.previous)):
            call = _call(text)
            assert schema_errors(call, schema) == [], (example.text, text)
            assert text == canonical_json(call["name"], call.get("arguments")), text
        if example.previous:
            assert _call(example.previous)["name"] != OUT_OF_SCOPE


@pytest.mark.parametrize(("label", "split"), [(label, split) for label in LABELS for split in IN_SCOPE_SPLITS])
def test_when_split_then_every_tool_and_argument_appears_in_train_and_test(label: str, split: str) -> None:
    seen: set[tuple[str, ...]] = set()
    for example in _examples(label):
        if split_of(example) == split:
            call = _call(example.target)
            seen.add((call["name"],))
            seen.update((call["name"], argument) for argument in call.get("arguments", {}))
    expected: set[tuple[str, ...]] = {(OUT_OF_SCOPE,)} | {(tool,) for tool in SPECIALIST_TOOLS[label]}
    expected |= {(tool, argument) for tool in SPECIALIST_TOOLS[label] for argument in argument_names(tool)}
    assert sorted(expected - seen) == []


@pytest.mark.parametrize("label", LABELS)
def test_when_optional_arguments_exist_then_each_is_both_present_and_absent(label: str) -> None:
    presence: dict[tuple[str, str], set[bool]] = defaultdict(set)
    for example in _examples(label):
        call = _call(example.target)
        for argument in argument_names(call["name"]) if call["name"] != OUT_OF_SCOPE else ():
            presence[(call["name"], argument)].add(argument in call["arguments"])
    optional = {
        (tool, argument)
        for tool in SPECIALIST_TOOLS[label]
        for argument in argument_names(tool)
        if argument not in required_arguments(tool)
    }
    assert all(presence[key] == {True, False} for key in optional), {key: presence[key] for key in optional}


def test_when_splits_are_taken_then_no_group_is_in_two_splits() -> None:
    splits_of_group: dict[str, set[str]] = defaultdict(set)
    for example in _all():
        splits_of_group[example.group].add(split_of(example))
    assert all(len(splits) == 1 for splits in splits_of_group.values())
    shares = Counter(split_of(example) for example in _all())
    assert 0.7 < shares["train"] / sum(shares.values()) < 0.9


@pytest.mark.parametrize("label", LABELS)
def test_when_texts_are_normalised_then_none_repeats(label: str) -> None:
    keys = Counter(normalise(example.text) for example in _examples(label))
    assert keys.most_common(1)[0][1] == 1


def test_when_today_is_drawn_then_it_lies_in_2025_to_2027_and_varies() -> None:
    days = {example.today for example in _all()}
    assert min(days) >= date(2025, 1, 1) and max(days) <= date(2027, 12, 31)
    assert {day.year for day in days} == {2025, 2026, 2027}


def _periods(example: SpecialistExample) -> tuple[dict[str, Any], Any]:
    arguments = _call(example.target).get("arguments", {})
    return arguments, arguments.get("period")


def test_when_periods_are_explicit_then_past_ones_end_by_today_and_upcoming_ones_start_today_or_later() -> None:
    explicit = 0
    for example in _all():
        arguments, period = _periods(example)
        if not isinstance(period, dict):
            # Named periods end today, so none can hold a bill still to come.
            assert period is None or arguments.get("status") != "upcoming", example
            continue
        explicit += 1
        start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
        assert start <= end, example
        if arguments.get("status") == "upcoming":
            assert start >= example.today, example
        else:
            assert end <= example.today, example
    assert explicit > 500


def test_when_a_payment_or_transfer_has_a_date_then_it_is_not_in_the_past() -> None:
    dated = [example for example in _all() if "date" in _call(example.target).get("arguments", {})]
    assert len(dated) > 50
    assert all(date.fromisoformat(_call(example.target)["arguments"]["date"]) >= example.today for example in dated)


@pytest.mark.parametrize("month", range(1, 13))
def test_when_a_month_is_named_alone_then_the_period_is_the_last_such_month_that_has_ended(month: int) -> None:
    name = calendar.month_name[month].lower()
    pattern = re.compile(rf"\b(in|during|for) {name}\b(?! \d)(?! (the )?\w+(th|st|nd|rd)\b)")
    checked = 0
    for example in _all():
        arguments, period = _periods(example)
        upcoming = arguments.get("status") == "upcoming"
        if isinstance(period, dict) and not upcoming and pattern.search(example.text.lower()):
            year = example.today.year if month < example.today.month else example.today.year - 1
            last = calendar.monthrange(year, month)[1]
            assert period == {"start": f"{year}-{month:02d}-01", "end": f"{year}-{month:02d}-{last:02d}"}, example
            checked += 1
    assert checked > 0


def test_when_tomorrow_is_said_then_the_date_is_the_day_after_today() -> None:
    checked = 0
    for example in _all():
        arguments = _call(example.target).get("arguments", {})
        if "date" in arguments and re.search(r"\btomorrow\b", example.text.lower()) and "after" not in example.text:
            assert arguments["date"] == (example.today + timedelta(days=1)).isoformat(), example
            checked += 1
    assert checked > 10


@pytest.mark.parametrize(("said", "category"), [("eating out", "dining"), ("restaurants", "dining"),
                                                ("uber rides", "transport"), ("gas stations", "fuel"),
                                                ("netflix and spotify", "subscriptions")])  # fmt: skip
def test_when_a_category_synonym_is_said_then_the_category_follows(said: str, category: str) -> None:
    assert category in CATEGORIES
    matches = [example for example in _examples("card_spending") if said in example.text.lower()]
    calls = [_call(example.target) for example in matches if not _is_negative(example)]
    assert calls, said
    assert all(call["arguments"].get("category", category) == category for call in calls)


def test_when_an_amount_is_written_with_a_dollar_sign_then_the_argument_is_its_digits() -> None:
    money = re.compile(r"\$([\d,]+(?:\.\d\d)?)")
    checked = 0
    for example in _all():
        arguments = _call(example.target).get("arguments", {})
        said = money.findall(example.text)
        amounts = [arguments[key] for key in ("amount", "min_amount") if key in arguments]
        if len(said) == 1 and len(amounts) == 1 and not example.previous:
            assert amounts[0] == said[0].replace(",", ""), example
            checked += 1
    assert checked > 100


def test_when_free_text_is_copied_then_it_appears_verbatim_in_the_utterance() -> None:
    for example in _all():
        if _is_follow_up(example) or _is_negative(example):
            continue
        arguments = _call(example.target)["arguments"]
        for key in COPIED:
            value = arguments.get(key)
            if isinstance(value, str) and value not in OWN_ACCOUNTS:
                assert value in example.text, (key, example)
        if "query" in arguments:
            assert arguments["query"] in example.text.lower(), example


@pytest.mark.parametrize("label", [label for label in LABELS if label != "help_center"])
def test_when_follow_ups_are_generated_then_they_change_the_previous_call(label: str) -> None:
    follow_ups = [example for example in _examples(label) if _is_follow_up(example)]
    assert 0.1 < len(follow_ups) / len(_examples(label)) < 0.15
    assert {split_of(example) for example in follow_ups} >= set(IN_SCOPE_SPLITS)
    for example in follow_ups:
        assert example.previous is not None and example.previous != example.target, example
        assert len(example.text) < 90, example


@pytest.mark.parametrize("label", LABELS)
def test_when_previous_is_set_on_a_complete_request_then_the_target_ignores_it(label: str) -> None:
    complete = [e for e in _examples(label) if e.previous and not _is_follow_up(e) and not _is_negative(e)]
    assert len(complete) >= 0.04 * len(_examples(label))
    assert all(example.previous != example.target for example in complete)


@pytest.mark.parametrize("label", LABELS)
def test_when_generated_then_negatives_of_every_kind_are_present(label: str) -> None:
    negatives = [example for example in _examples(label) if _is_negative(example)]
    assert 0.13 < len(negatives) / len(_examples(label)) < 0.17
    kinds = {example.group.split("/")[2] for example in negatives}
    assert {"unsupported", "off_topic"} < kinds and kinds & set(LABELS)
    assert {split_of(example) for example in negatives} >= set(IN_SCOPE_SPLITS)


@pytest.mark.parametrize("label", LABELS)
def test_when_generated_then_label_has_spoken_and_lower_case_examples(label: str) -> None:
    spoken = [example for example in _examples(label) if ASR_STYLE.fullmatch(example.text)]
    assert len(spoken) >= 0.15 * len(_examples(label))
