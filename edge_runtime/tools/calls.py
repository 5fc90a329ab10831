"""What flows through the toolbox: a tool call, its result, and a write action waiting for confirmation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final

#: Every status a ``ToolResult`` can have.
STATUSES: Final[tuple[str, ...]] = ("ok", "needs_confirmation", "done", "cancelled", "error", "already_done")


class ToolArgumentError(ValueError):
    """A call the toolbox cannot run as asked. The message is a sentence to say to the user, never a trace."""


def to_jsonable(value: Any) -> Any:
    """``value`` with amounts as decimal strings and dates as ISO strings, ready for ``json.dumps``."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    return value


@dataclass(frozen=True)
class ToolCall:
    """One call of a contract tool, as a specialist emits it: ``{"name": ..., "arguments": {...}}``."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any) -> ToolCall:
        """A call from parsed JSON, refusing anything that is not a name and an arguments object."""
        if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
            raise ToolArgumentError("I couldn't understand which action to take.")
        arguments = data.get("arguments", {})
        if not isinstance(arguments, Mapping):
            raise ToolArgumentError("I couldn't understand the details of that request.")
        return cls(data["name"], dict(arguments))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "arguments": to_jsonable(self.arguments)}


@dataclass(frozen=True)
class PendingAction:
    """A validated write call that runs only once the user confirms ``prompt``; ``action_id`` runs at most once."""

    action_id: str
    call: ToolCall
    prompt: str

    def to_dict(self) -> dict[str, Any]:
        return {"action_id": self.action_id, "call": self.call.to_dict(), "prompt": self.prompt}


@dataclass(frozen=True)
class ToolResult:
    """What a tool call came to.

    ``data`` holds the figures an answer may use (``Decimal`` amounts, ``date`` dates); ``message`` is a
    ready sentence for ``error``, ``already_done``, ``cancelled`` and ``needs_confirmation`` results;
    ``pending`` is set for ``needs_confirmation``.
    """

    name: str
    arguments: dict[str, Any]
    status: str
    data: dict[str, Any] = field(default_factory=dict)
    message: str | None = None
    pending: PendingAction | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown tool result status {self.status!r}")

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON types: amounts as strings, dates in ISO format."""
        result: dict[str, Any] = {
            "name": self.name,
            "arguments": to_jsonable(self.arguments),
            "status": self.status,
            "data": to_jsonable(self.data),
        }
        if self.message is not None:
            result["message"] = self.message
        if self.pending is not None:
            result["pending"] = self.pending.to_dict()
        return result
