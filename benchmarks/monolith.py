"""The baseline the hybrid is measured against: every question sent to the frontier model with every tool.

A monolithic assistant has no router and no specialists: each question goes to the cloud with the whole tool
catalogue (all 22 tools of the domain contract, each with the JSON schema the toolbox validates against) and a
short system prompt, and the model either calls one tool or answers in text (``tool_choice: "auto"``).
"""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from edge_runtime.tools.schemas import TOOL_NAMES, argument_schema

SYSTEM_PROMPT: Final[str] = (
    "You are the assistant in a bank's mobile app. When the customer asks about their own accounts, cards, "
    "spending, savings, bills or transfers, or about the bank's fees and policies, call the one tool that "
    "answers it. Answer anything else briefly in plain text."
)
#: The same cap as the edge asks of the relay (``edge_runtime.relay.MAX_ANSWER_TOKENS``).
MAX_TOKENS: Final[int] = 200
#: The stand-in frontier model is slow on a shared two-core machine; a real API answers in seconds.
TIMEOUT_S: Final[float] = 300.0


def tool_catalogue() -> list[dict[str, Any]]:
    """Every tool of the contract as an OpenAI ``tools`` entry, in the contract's order, with its argument schema."""
    return [
        {"type": "function", "function": {"name": name, "parameters": gbnf_safe(argument_schema(name))}}
        for name in TOOL_NAMES
    ]


def gbnf_safe(schema: Any) -> Any:
    """``schema`` with each pattern's ``\\.`` written ``[.]``: the same regular expression, in a form llama.cpp reads.

    llama-cpp-python 0.3.36 copies a pattern's ``\\.`` into the grammar it builds from a tool's schema, llama.cpp
    can't parse that grammar, and the server process dies when the model picks a tool with an amount.
    """
    if isinstance(schema, dict):
        return {
            key: value.replace("\\.", "[.]") if key == "pattern" and isinstance(value, str) else gbnf_safe(value)
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [gbnf_safe(value) for value in schema]
    return schema


def user_message(text: str, today: date) -> str:
    """The question with the day it is asked on, which dated arguments ("last October") follow from.

    The date goes with the question, not into the system prompt: the system prompt and the catalogue after it
    stay one unchanging prefix, which the server keeps computed between questions, as frontier APIs cache it.
    """
    return f"Today is {today:%A} {today.isoformat()}.\n{text}"


@dataclass(frozen=True)
class MonolithReply:
    """What the frontier model did with one question, and what it cost."""

    #: ``{"name": ..., "arguments": {...}}`` for a tool call (``arguments`` ``None`` when not JSON); ``None``: text.
    call: dict[str, Any] | None
    text: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float


def request_body(text: str, today: date, model: str, catalogue: list[dict[str, Any]]) -> dict[str, Any]:
    """One chat-completions request of the monolith."""
    return {
        "model": model,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": user_message(text, today)},
        ],
        "tools": catalogue,
        "tool_choice": "auto",
        "temperature": 0,
        "max_tokens": MAX_TOKENS,
    }


def parse_reply(completion: dict[str, Any], latency_ms: float) -> MonolithReply:
    """The first tool call of a chat completion (or its text), with the usage the server reported."""
    message = completion["choices"][0]["message"]
    usage = completion.get("usage") or {}
    call: dict[str, Any] | None = None
    tool_calls = message.get("tool_calls") or []
    if tool_calls:
        function = tool_calls[0]["function"]
        try:
            arguments = json.loads(function.get("arguments") or "{}")
        except ValueError:
            arguments = None
        call = {"name": function["name"], "arguments": arguments}
    return MonolithReply(
        call=call,
        text=message.get("content") or "",
        prompt_tokens=int(usage.get("prompt_tokens", 0)),
        completion_tokens=int(usage.get("completion_tokens", 0)),
        latency_ms=latency_ms,
    )


def ask(url: str, text: str, today: date, model: str, catalogue: list[dict[str, Any]]) -> MonolithReply:
    """Send one question to the chat-completions endpoint at ``url`` (``.../v1``) and time the round trip."""
    request = urllib.request.Request(
        f"{url}/chat/completions",
        data=json.dumps(request_body(text, today, model, catalogue)).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        completion = json.load(response)
    return parse_reply(completion, (time.perf_counter() - started) * 1000)
