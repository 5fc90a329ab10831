"""A strict validator for the subset of JSON Schema that ``schemas.py`` uses.

Supported: ``type``, ``enum``, ``const``, ``pattern``, ``minimum``, ``maximum``, ``properties``,
``required``, ``additionalProperties: false`` and ``anyOf``. A schema with any other keyword is refused
outright: a validator that skipped a keyword it did not understand would pass calls it should reject.
It reports the first problem only, as a ``SchemaIssue`` the toolbox turns into a sentence for the user.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

JsonSchema = Mapping[str, Any]
Path = tuple[str | int, ...]

_KEYWORDS: Final[frozenset[str]] = frozenset(
    {"type", "enum", "const", "pattern", "minimum", "maximum"}
    | {"properties", "required", "additionalProperties", "anyOf"}
)
#: Annotations that never change what is valid.
_ANNOTATIONS: Final[frozenset[str]] = frozenset({"title", "description", "x-guidance"})


@dataclass(frozen=True)
class SchemaIssue:
    """Why a value does not match: where, which keyword failed, and the sub-schema it failed against.

    ``detail`` names the property for ``required`` (missing) and ``additionalProperties`` (unexpected).
    """

    path: Path
    keyword: str
    schema: JsonSchema
    value: Any
    detail: str | None = None


def _is_type(value: Any, expected: str) -> bool:
    # bool is an int in Python but not an integer in JSON.
    checks = {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "object": isinstance(value, Mapping),
        "array": isinstance(value, list),
        "null": value is None,
    }
    if expected not in checks:
        raise ValueError(f"unsupported JSON schema type {expected!r}")
    return checks[expected]


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _matches(pattern: str, text: str) -> bool:
    # JSON Schema patterns are unanchored ECMA-262 regexes; their "$" never matches before a final newline,
    # as Python's does, so an anchored pattern must match up to the very end of the text.
    match = _compiled(pattern).search(text)
    return match is not None and (not pattern.endswith("$") or match.end() == len(text))


def schema_issue(value: Any, schema: JsonSchema, path: Path = ()) -> SchemaIssue | None:
    """The first way ``value`` fails ``schema``, or ``None`` when it is valid."""
    unknown = set(schema) - _KEYWORDS - _ANNOTATIONS
    if unknown:
        raise ValueError(f"the validator does not support the JSON schema keyword(s) {sorted(unknown)}")
    if "anyOf" in schema:
        issue = _any_of(value, schema, path)
        if issue is not None:
            return issue
    if "const" in schema and not _same(value, schema["const"]):
        return SchemaIssue(path, "const", schema, value)
    if "type" in schema and not _is_type(value, schema["type"]):
        return SchemaIssue(path, "type", schema, value)
    if "enum" in schema and not any(_same(value, option) for option in schema["enum"]):
        return SchemaIssue(path, "enum", schema, value)
    if isinstance(value, str) and "pattern" in schema and not _matches(schema["pattern"], value):
        return SchemaIssue(path, "pattern", schema, value)
    if _is_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            return SchemaIssue(path, "minimum", schema, value)
        if "maximum" in schema and value > schema["maximum"]:
            return SchemaIssue(path, "maximum", schema, value)
    if isinstance(value, Mapping):
        return _object_issue(value, schema, path)
    return None


def _same(value: Any, expected: Any) -> bool:
    # JSON equality: True is not 1, and 1 is not "1".
    return type(value) is type(expected) and value == expected


def _any_of(value: Any, schema: JsonSchema, path: Path) -> SchemaIssue | None:
    issues = [schema_issue(value, option, path) for option in schema["anyOf"]]
    if any(issue is None for issue in issues):
        return None
    # When exactly one option is of the value's type, its problem is the precise one to report
    # (a bad start date inside a period object, rather than "not a period").
    typed = [
        issue
        for option, issue in zip(schema["anyOf"], issues, strict=True)
        if "type" in option and _is_type(value, option["type"])
    ]
    if len(typed) == 1:
        return typed[0]
    return SchemaIssue(path, "anyOf", schema, value)


def _object_issue(value: Mapping[str, Any], schema: JsonSchema, path: Path) -> SchemaIssue | None:
    properties: Mapping[str, JsonSchema] = schema.get("properties", {})
    for name in schema.get("required", ()):
        if name not in value:
            return SchemaIssue(path, "required", schema, value, detail=name)
    additional = schema.get("additionalProperties", True)
    if not isinstance(additional, bool):
        raise ValueError("the validator supports additionalProperties only as true or false")
    if not additional:
        for name in value:
            if name not in properties:
                return SchemaIssue(path, "additionalProperties", schema, value, detail=str(name))
    for name, subschema in properties.items():
        if name in value:
            issue = schema_issue(value[name], subschema, (*path, name))
            if issue is not None:
                return issue
    return None
