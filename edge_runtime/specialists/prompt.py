"""The specialists' prompt: shared by training (export) and inference (edge runtime), so they never drift.

A fine-tuned specialist needs no instructions and no tool descriptions: its adapter carries them. The
prompt holds only its own name (the adapters grow from one shared adapter trained on every
specialist's data, which needs to know whose call to write), what the model cannot know (today's date,
to turn "in October" or "on the 1st" into dates) and, for a follow-up such as "and last month?", the
call it is following up on.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

#: SmolLM2's chat-format markers. Its tokenizer must encode the prompt without adding special tokens.
IM_START = "<|im_start|>"
IM_END = "<|im_end|>"


def render_prompt(text: str, today: date, previous: str | None = None, *, label: str) -> str:
    """The prompt up to the point where specialist ``label`` writes its call."""
    context = f"{label}\ntoday {today.isoformat()} {today.strftime('%A').lower()}"
    if previous:
        context += f"\nprevious {previous}"
    # The utterance is the user's own text: keep it from closing the turn early.
    text = " ".join(text.replace(IM_START, " ").replace(IM_END, " ").split())
    return f"{IM_START}system\n{context}{IM_END}\n{IM_START}user\n{text}{IM_END}\n{IM_START}assistant\n"


def render_target(call_json: str) -> str:
    """What the specialist is trained to write after the prompt: the call, then the end of its turn."""
    return f"{call_json}{IM_END}"


def previous_arguments(previous: str | None) -> dict[str, Any]:
    """The arguments of a follow-up's previous call (its canonical JSON); empty when there is none."""
    if previous is None:
        return {}
    try:
        arguments = json.loads(previous).get("arguments")
    except (ValueError, AttributeError):
        return {}
    return arguments if isinstance(arguments, dict) else {}
