"""The grammar a specialist's decoding is held to, in llguidance's Lark dialect.

Every call a specialist writes opens with the same characters, ``{"name":"`` (``CALL_OPENING``). The
engine appends them to the prompt, so the model reads them in the same pass as the question instead of
in a step of their own, and the grammar starts right after them: the name of one of the specialist's
tools, then that tool's arguments as its own JSON schema, compact, or the out-of-scope signal. It is
derived from ``tools.schemas.call_schema``, so the two accept the same calls.

At the other end, ``forced_rest`` tells when the grammar leaves nothing to choose until the call's end
(``"checking`` of a last argument can only go on ``"}}``), so the engine can stop a run early.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from edge_runtime.tools.schemas import call_schema

#: What every call starts with; the grammar continues from there.
CALL_OPENING = '{"name":"'


def call_grammar(label: str) -> str:
    """The rest of any call ``label``'s specialist may write after ``CALL_OPENING``."""
    schema = call_schema(label)
    compact = schema.get("x-guidance", {})
    alternatives: list[str] = []
    rules: list[str] = []
    for index, option in enumerate(schema["anyOf"]):
        properties: dict[str, Any] = option["properties"]
        if next(iter(properties)) != "name":
            raise ValueError(f"a {label} call does not start with its name: {list(properties)}")
        name = properties["name"]["const"]
        rule = f"call_{index}"
        alternatives.append(rule)
        if "arguments" in properties:
            arguments = {**properties["arguments"], "x-guidance": compact}
            head, tail = _literal(name + '","arguments":'), _literal("}")
            rules.append(f"{rule}: {head} arguments_{index} {tail}")
            rules.append(f"arguments_{index}: %json {json.dumps(arguments)}")
        else:
            closed = _literal(name + '"}')
            rules.append(f"{rule}: {closed}")
    return "\n".join([f"start: {' | '.join(alternatives)}", *rules])


def _literal(text: str) -> str:
    """``text`` as a Lark string literal (its escapes are JSON's)."""
    return json.dumps(text)


def forced_rest(written: str, schema: Mapping[str, Any]) -> str | None:
    """The rest of the call after ``written`` when the grammar leaves the model no choice until its end.

    ``written`` is the compact JSON a specialist has written so far under ``schema`` (its
    ``call_schema``); properties come in the schema's order. The engine then stops and adds the rest
    itself, rather than run the model once more only to end a call that nothing else can end. None
    while any choice is open: another argument, another enum value, a free string or number.
    """
    scanner = _Scanner(schema)
    try:
        for char in written:
            scanner.read(char)
        return scanner.rest()
    except _OpenChoiceError:
        return None


class _OpenChoiceError(Exception):
    """A choice is still open at this point, or the text is not one the scanner follows."""


class _Object:
    """An object being written: the schemas it may still match and the key whose value comes last."""

    def __init__(self, options: list[Mapping[str, Any]]) -> None:
        self.options = options
        self.key: str | None = None

    def value_schema(self) -> Mapping[str, Any]:
        schemas: list[Mapping[str, Any]] = [
            o["properties"][self.key] for o in self.options if self.key in o.get("properties", {})
        ]
        if not schemas or any(s != schemas[0] for s in schemas):
            raise _OpenChoiceError
        return schemas[0]

    def ends_after_key(self) -> bool:
        """Whether no property may follow the current key, whichever schema the object matches."""
        return all(list(o.get("properties", {}))[-1:] == [self.key] for o in self.options)


class _Scanner:
    """Reads compact JSON a character at a time, keeping the open objects and where it is in them."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self.objects: list[_Object] = []
        self.phase = "start"
        self.text = ""  # the key, string or literal being read
        self.escaped = False

    def read(self, char: str) -> None:
        phase = self.phase
        if phase == "start" and char == "{":
            self._open(self.schema)
        elif phase in ("first_key", "key") and char == '"':
            self.phase, self.text = "in_key", ""
        elif phase == "first_key" and char == "}":
            self._close()
        elif phase == "in_key":
            if char == '"':
                self.objects[-1].key, self.phase = self.text, "colon"
            else:
                self.text += char
        elif phase == "colon" and char == ":":
            self.phase = "value"
        elif phase == "value":
            if char == "{":
                self._open(self.objects[-1].value_schema())
            elif char == '"':
                self.phase, self.text = "string", ""
            else:
                self.phase, self.text = "literal", char
        elif phase == "string":
            if self.escaped or char == "\\":
                self.escaped = not self.escaped
                self.text += char
            elif char == '"':
                self._string_read()
            else:
                self.text += char
        elif phase == "literal":
            if char in ",}":
                self.phase = "after"
                self.read(char)
            else:
                self.text += char
        elif phase == "after" and char == ",":
            self.phase = "key"
        elif phase == "after" and char == "}":
            self._close()
        else:
            raise _OpenChoiceError

    def rest(self) -> str:
        """What must follow, up to the end of the call; raises ``_OpenChoiceError`` when anything else could."""
        rest = ""
        if self.phase in ("string", "literal"):
            literal = self.phase == "literal"
            current = self.objects[-1]
            if current.key == "name":
                names = [str(o["properties"]["name"].get("const")) for o in current.options]
                choices = [name for name in names if name.startswith(self.text)]
            else:
                choices = [c for c in _choices(current.value_schema(), literal) if c.startswith(self.text)]
            if len(choices) != 1 or self.escaped:
                raise _OpenChoiceError
            rest += choices[0][len(self.text) :]
            self.text = choices[0]
            if literal:
                self.phase = "after"
            else:
                rest += '"'
                self._string_read()
        if self.phase == "done":
            return rest
        if self.phase != "after":
            raise _OpenChoiceError
        while self.objects:
            if not self.objects[-1].ends_after_key():
                raise _OpenChoiceError
            rest += "}"
            self.objects.pop()
        return rest

    def _open(self, schema: Mapping[str, Any]) -> None:
        options = [o for o in _options(schema) if o.get("type") == "object"]
        if not options:
            raise _OpenChoiceError
        self.objects.append(_Object(options))
        self.phase = "first_key"

    def _close(self) -> None:
        self.objects.pop()
        self.phase = "after" if self.objects else "done"

    def _string_read(self) -> None:
        current = self.objects[-1]
        if current.key == "name":  # a call's name says which of the schema's options it is
            current.options = [o for o in current.options if o["properties"]["name"].get("const") == self.text]
        self.phase = "after"


def _options(schema: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(schema["anyOf"]) if "anyOf" in schema else [schema]


def _choices(schema: Mapping[str, Any], literal: bool) -> list[str]:
    """Every string (or, with ``literal``, every bare literal) the value may be; raises ``_OpenChoiceError`` when
    the value is free text, a pattern or a number."""
    choices: list[str] = []
    for option in _options(schema):
        kind = option.get("type")
        if literal:
            if kind == "boolean":
                choices += ["true", "false"]
            elif kind in ("integer", "number"):
                raise _OpenChoiceError
        elif "const" in option:
            choices.append(str(option["const"]))
        elif "enum" in option:
            choices += [str(value) for value in option["enum"]]
        elif kind == "string":
            raise _OpenChoiceError
    return choices
