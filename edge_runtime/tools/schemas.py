"""JSON schemas of the banking tools (shared/banking-domain.md), and of one specialist's output.

Two kinds of schema live here:

- ``argument_schema(tool)``: what a tool accepts. The toolbox validates every call against it before
  anything runs, whoever produced the call.
- ``call_schema(label)``: what one specialist may emit, used to constrain its decoding. It is an ``anyOf``
  of one object per tool of that specialist (``name`` as a constant, strict arguments), plus the
  out-of-scope signal ``{"name": "out_of_scope"}``, which escalates.

Property order is significant: constrained decoding emits properties in declaration order, so the
training targets (``canonical_json``) use the same order.

Values the user names freely (merchants, payees, goals, help queries) are bounded strings here; the
toolbox resolves them against the bank's records and answers with a clear sentence when nothing matches.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from edge_runtime.labels import SPECIALIST_LABELS

JsonSchema = dict[str, Any]

#: The signal a specialist emits for a request outside its tools.
OUT_OF_SCOPE: Final[str] = "out_of_scope"

NAMED_PERIODS: Final[tuple[str, ...]] = (
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_year",
    "last_year",
    "last_7_days",
    "last_30_days",
)
ACCOUNTS: Final[tuple[str, ...]] = ("checking", "savings", "credit_card")
CARDS: Final[tuple[str, ...]] = ("debit", "credit")
BILL_STATUSES: Final[tuple[str, ...]] = ("upcoming", "overdue", "paid")

#: Spending categories of card transactions. The contract leaves them open; the demo bank and the
#: specialists' training data use exactly these.
CATEGORIES: Final[tuple[str, ...]] = (
    "groceries",
    "dining",
    "transport",
    "fuel",
    "shopping",
    "entertainment",
    "travel",
    "utilities",
    "health",
    "subscriptions",
    "home",
    "education",
)

DATE_PATTERN: Final[str] = r"^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
#: A positive decimal amount with at most two decimals, no sign, no thousands separators.
AMOUNT_PATTERN: Final[str] = r"^(0\.(0[1-9]|[1-9][0-9])|[1-9][0-9]{0,6}(\.[0-9]{2})?)$"
#: A name the user says: letters, digits and the punctuation of merchant and payee names.
NAME_PATTERN: Final[str] = r"^[A-Za-z0-9][A-Za-z0-9&'. -]{0,39}$"
MAX_LIMIT: Final[int] = 50

_DATE: JsonSchema = {"type": "string", "pattern": DATE_PATTERN}
_PERIOD: JsonSchema = {
    "anyOf": [
        {"type": "string", "enum": list(NAMED_PERIODS)},
        {
            "type": "object",
            "properties": {"start": _DATE, "end": _DATE},
            "required": ["start", "end"],
            "additionalProperties": False,
        },
    ]
}
_AMOUNT: JsonSchema = {"type": "string", "pattern": AMOUNT_PATTERN}
_NAME: JsonSchema = {"type": "string", "pattern": NAME_PATTERN}
_ACCOUNT: JsonSchema = {"type": "string", "enum": list(ACCOUNTS)}
_CARD: JsonSchema = {"type": "string", "enum": list(CARDS)}
_CATEGORY: JsonSchema = {"type": "string", "enum": list(CATEGORIES)}
_LIMIT: JsonSchema = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}
_QUERY: JsonSchema = {"type": "string", "pattern": r"^[^\"\\\n]{2,120}$"}

# Tool -> (argument -> schema, required arguments). Argument order follows the contract.
_TOOLS: Final[dict[str, tuple[dict[str, JsonSchema], tuple[str, ...]]]] = {
    "spending_summary": ({"period": _PERIOD, "category": _CATEGORY, "merchant": _NAME}, ("period",)),
    "list_card_transactions": (
        {"period": _PERIOD, "merchant": _NAME, "category": _CATEGORY, "min_amount": _AMOUNT, "limit": _LIMIT},
        ("period",),
    ),
    "card_statement": ({}, ()),
    "get_balance": ({"account": _ACCOUNT}, ("account",)),
    "account_history": ({"account": _ACCOUNT, "period": _PERIOD}, ("account", "period")),
    "savings_overview": ({}, ()),
    "interest_earned": ({"period": _PERIOD}, ("period",)),
    "goal_progress": ({"goal": _NAME}, ()),
    "list_bills": ({"status": {"type": "string", "enum": list(BILL_STATUSES)}, "period": _PERIOD}, ()),
    "pay_bill": ({"payee": _NAME, "amount": _AMOUNT, "date": _DATE}, ("payee",)),
    "set_autopay": ({"payee": _NAME, "enabled": {"type": "boolean"}}, ("payee", "enabled")),
    "transfer": (
        {"from_account": _ACCOUNT, "to": _NAME, "amount": _AMOUNT, "date": _DATE},
        ("from_account", "to", "amount"),
    ),
    "transfer_status": ({"to": _NAME, "period": _PERIOD}, ()),
    "recent_transactions": ({"limit": _LIMIT, "account": _ACCOUNT, "pending_only": {"type": "boolean"}}, ()),
    "find_transaction": ({"merchant": _NAME, "amount": _AMOUNT, "period": _PERIOD}, ()),
    "card_status": ({"card": _CARD}, ("card",)),
    "freeze_card": ({"card": _CARD}, ("card",)),
    "unfreeze_card": ({"card": _CARD}, ("card",)),
    "report_lost_card": ({"card": _CARD}, ("card",)),
    "activate_card": ({"card": _CARD}, ("card",)),
    "order_replacement": ({"card": _CARD}, ("card",)),
    "search_help": ({"query": _QUERY}, ("query",)),
}

#: Each specialist's tools, in the contract's order.
SPECIALIST_TOOLS: Final[Mapping[str, tuple[str, ...]]] = {
    "card_spending": ("spending_summary", "list_card_transactions", "card_statement"),
    "accounts": ("get_balance", "account_history"),
    "savings": ("savings_overview", "interest_earned", "goal_progress"),
    "bill_payments": ("list_bills", "pay_bill", "set_autopay"),
    "transfers": ("transfer", "transfer_status"),
    "recent_transactions": ("recent_transactions", "find_transaction"),
    "card_services": (
        "card_status",
        "freeze_card",
        "unfreeze_card",
        "report_lost_card",
        "activate_card",
        "order_replacement",
    ),
    "help_center": ("search_help",),
}

#: Tools that move money or change a card's state: they run only after the user confirms.
WRITE_TOOLS: Final[frozenset[str]] = frozenset(
    {
        "pay_bill",
        "set_autopay",
        "transfer",
        "freeze_card",
        "unfreeze_card",
        "report_lost_card",
        "activate_card",
        "order_replacement",
    }
)

TOOL_NAMES: Final[tuple[str, ...]] = tuple(_TOOLS)

assert set(SPECIALIST_TOOLS) == set(SPECIALIST_LABELS)
assert sorted(tool for tools in SPECIALIST_TOOLS.values() for tool in tools) == sorted(_TOOLS)


def tool_choices(label: str) -> tuple[str, ...]:
    """What ``label``'s specialist can answer with: its tools in the contract's order, then out-of-scope."""
    return (*SPECIALIST_TOOLS[label], OUT_OF_SCOPE)


def tool_input(text: str, previous: str | None = None) -> str:
    """What the router's tool head reads: the utterance, after the previous call's tool when there is one.

    "and last month?" names no tool; "spending summary: and last month?" does.
    """
    if previous is None:
        return text
    try:
        name = json.loads(previous).get("name")
    except (ValueError, AttributeError):
        return text
    return f"{name.replace('_', ' ')}: {text}" if isinstance(name, str) else text


#: The router's tool head: one output per (specialist, choice), specialists in label order.
TOOL_HEAD: Final[tuple[tuple[str, str], ...]] = tuple(
    (label, choice) for label in SPECIALIST_TOOLS for choice in tool_choices(label)
)


def specialist_of(tool: str) -> str:
    """The specialist label that owns ``tool``."""
    for label, tools in SPECIALIST_TOOLS.items():
        if tool in tools:
            return label
    raise KeyError(tool)


def argument_names(tool: str) -> tuple[str, ...]:
    """A tool's argument names in the contract's order."""
    return tuple(_TOOLS[tool][0])


def amount_arguments(tool: str) -> tuple[str, ...]:
    """The arguments of ``tool`` that hold an amount of money; none for an unknown name."""
    if tool not in _TOOLS:
        return ()
    return tuple(name for name, schema in _TOOLS[tool][0].items() if schema is _AMOUNT)


def required_arguments(tool: str) -> tuple[str, ...]:
    return _TOOLS[tool][1]


def argument_schema(tool: str) -> JsonSchema:
    """The strict JSON schema of ``tool``'s arguments object."""
    properties, required = _TOOLS[tool]
    return {
        "type": "object",
        "properties": dict(properties),
        "required": list(required),
        "additionalProperties": False,
    }


def call_schema(label: str) -> JsonSchema:
    """The schema a specialist's output must match: one of its tool calls, or the out-of-scope signal."""
    options: list[JsonSchema] = [
        {
            "type": "object",
            "properties": {"name": {"const": tool}, "arguments": argument_schema(tool)},
            "required": ["name", "arguments"],
            "additionalProperties": False,
        }
        for tool in SPECIALIST_TOOLS[label]
    ]
    options.append(
        {
            "type": "object",
            "properties": {"name": {"const": OUT_OF_SCOPE}},
            "required": ["name"],
            "additionalProperties": False,
        }
    )
    return {"anyOf": options, "x-guidance": {"whitespace_flexible": False}}


def canonical_json(name: str, arguments: Mapping[str, Any] | None = None) -> str:
    """A call as a specialist emits it: compact JSON, arguments in the contract's order.

    The out-of-scope signal has no arguments object.
    """
    if name == OUT_OF_SCOPE:
        return json.dumps({"name": OUT_OF_SCOPE}, separators=(",", ":"))
    arguments = arguments or {}
    unknown = set(arguments) - set(_TOOLS[name][0])
    if unknown:
        raise ValueError(f"{name} has no argument(s) {sorted(unknown)}")
    ordered = {key: _canonical_value(arguments[key]) for key in _TOOLS[name][0] if key in arguments}
    return json.dumps({"name": name, "arguments": ordered}, separators=(",", ":"), ensure_ascii=False)


def _canonical_value(value: Any) -> Any:
    if isinstance(value, Mapping):  # explicit period: start before end
        return {key: value[key] for key in ("start", "end") if key in value}
    return value
