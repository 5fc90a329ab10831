"""The strict JSON-schema validator: the subset ``schemas.py`` uses, with JSON's types, not Python's."""

from __future__ import annotations

from typing import Any

import pytest

from edge_runtime.labels import SPECIALIST_LABELS
from edge_runtime.tools.schemas import AMOUNT_PATTERN, argument_schema, call_schema
from edge_runtime.tools.validation import schema_issue

_PERIOD = argument_schema("spending_summary")["properties"]["period"]


@pytest.mark.parametrize(
    ("value", "schema", "keyword", "path"),
    [
        (5, {"type": "integer", "minimum": 1, "maximum": 50}, None, ()),
        (True, {"type": "integer"}, "type", ()),
        (5.0, {"type": "integer"}, "type", ()),
        (0, {"type": "integer", "minimum": 1}, "minimum", ()),
        (1, {"enum": [True, False]}, "enum", ()),
        ("1", {"const": 1}, "const", ()),
        ("84.20", {"type": "string", "pattern": AMOUNT_PATTERN}, None, ()),
        ("84.20\n", {"type": "string", "pattern": AMOUNT_PATTERN}, "pattern", ()),
        ("x84.20", {"type": "string", "pattern": AMOUNT_PATTERN}, "pattern", ()),
        ({}, {"type": "object", "required": ["a"]}, "required", ()),
        ({"a": 1}, {"type": "object", "properties": {}, "additionalProperties": False}, "additionalProperties", ()),
        ("this_month", _PERIOD, None, ()),
        ({"start": "2026-01-01", "end": "2026-01-31"}, _PERIOD, None, ()),
        ({"start": "2026-01-01", "end": "soon"}, _PERIOD, "pattern", ("end",)),
        ("next_month", _PERIOD, "enum", ()),
        (3, _PERIOD, "anyOf", ()),
    ],
)
def test_when_a_value_is_checked_then_the_first_problem_is_reported_where_it_is(
    value: Any, schema: dict[str, Any], keyword: str | None, path: tuple[str, ...]
) -> None:
    issue = schema_issue(value, schema)
    assert (issue and issue.keyword) == keyword
    assert issue is None or issue.path == path


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "minLength": 2},
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"type": "date"},
    ],
)
def test_when_a_schema_uses_an_unsupported_keyword_then_validation_refuses_to_guess(schema: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="support"):
        schema_issue({"a": "b"} if schema.get("type") == "object" else "x", schema)


def test_when_the_specialists_call_schemas_are_used_then_every_keyword_in_them_is_supported() -> None:
    for label in SPECIALIST_LABELS:
        assert schema_issue({"name": "out_of_scope"}, call_schema(label)) is None
        assert schema_issue({"name": "out_of_scope", "arguments": {}}, call_schema(label)) is not None
