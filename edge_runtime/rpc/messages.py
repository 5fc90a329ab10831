"""Between the wire and the assistant: audio clips in, turns out as ``AskReply`` or Converse events.

Kept apart from the service so the mapping that clients depend on (which events a turn gives, in which
order) is plain functions, tested without a server.
"""

from __future__ import annotations

import json
from typing import Final

from edge_runtime.labels import ESCALATE
from edge_runtime.pipeline import Turn
from edge_runtime.rpc.generated.edge_assistant.v1 import assistant_pb2 as pb
from edge_runtime.speech import SAMPLE_RATE, Audio, Transcript, pcm16_audio, read_wav
from edge_runtime.tools.calls import PendingAction

#: No typed or spoken question is this long; a longer text would only slow the specialist's prompt.
MAX_TEXT_CHARS: Final[int] = 4096


class RequestError(ValueError):
    """A request the daemon can't take as sent; the message says what to change."""


def question_text(text: str) -> str:
    """A typed question, refused when it is longer than any question."""
    if len(text) > MAX_TEXT_CHARS:
        raise RequestError(f"the question is {len(text)} characters long; the limit is {MAX_TEXT_CHARS}")
    return text


def clip_audio(clip: pb.AudioClip, max_seconds: float) -> Audio:
    """The clip decoded to 16 kHz mono; :class:`~edge_runtime.speech.AudioError` when it can't be used."""
    which = clip.WhichOneof("data")
    if which == "wav":
        return read_wav(clip.wav, max_seconds)
    if which == "pcm16":
        return pcm16_audio(clip.pcm16, clip.sample_rate or SAMPLE_RATE, max_seconds)
    raise RequestError("the audio clip holds no audio: set wav, or pcm16 and sample_rate")


def tool_calls(turn: Turn) -> list[pb.ToolCall]:
    return [
        pb.ToolCall(
            name=call["name"],
            arguments_json=json.dumps(call["arguments"], ensure_ascii=False),
            status=call["status"],
        )
        for call in turn.tool_calls
    ]


def ask_reply(
    turn: Turn, conversation_id: str, transcript: Transcript | None, pending: PendingAction | None
) -> pb.AskReply:
    """The turn as ``ask --json`` gives it, plus what the daemon adds: transcript, confirmation, conversation."""
    data = turn.to_dict()
    timings: dict[str, float] = data["timings_ms"]
    if transcript is not None:
        timings = {"transcribe": round(transcript.processing_s * 1000, 1), **timings}
    reply = pb.AskReply(
        text=turn.text,
        tool_calls=tool_calls(turn),
        answer=turn.answer,
        escalated=turn.escalated,
        needs_confirmation=pending is not None,
        timings_ms=timings,
        conversation_id=conversation_id,
    )
    if transcript is not None:
        reply.transcript = transcript.text
    if data["label"] is not None:
        reply.label = data["label"]
    if data["confidence"] is not None:
        reply.confidence = data["confidence"]
    if turn.escalated:
        reply.escalation.CopyFrom(escalation(turn))
    return reply


def escalation(turn: Turn) -> pb.Escalation:
    """Which stage escalated the turn's question and how the relay answered it."""
    source = pb.Escalation.SOURCE_ROUTER if turn.label in (None, ESCALATE) else pb.Escalation.SOURCE_SPECIALIST
    relay = turn.relay
    if relay is None:
        return pb.Escalation(source=source)
    return pb.Escalation(
        source=source,
        relayed=relay.relayed,
        model=relay.model or "",
        local_stand_in=relay.local_stand_in,
        cloud_tokens=relay.cloud_tokens,
        retry_offered=relay.retry is not None,
    )


def route_event(turn: Turn) -> pb.ServerEvent | None:
    """The turn's RouteDecision, or ``None`` for a turn that was not routed (a "yes" to a confirmation)."""
    if turn.label is None or turn.confidence is None:
        return None
    return pb.ServerEvent(route=pb.RouteDecision(label=turn.label, confidence=round(turn.confidence, 4)))


def turn_events(turn: Turn, pending: PendingAction | None, *, routed: bool = False) -> list[pb.ServerEvent]:
    """A turn's events after its transcript, in the contract's order, without conversation id or turn number.

    A confirmation reply ("yes") was not routed, so it has no RouteDecision; an escalation says which
    stage sent the question to the cloud and how the relay answered; the Answer always comes last.
    ``routed``: the RouteDecision went out already, before the relay's first AnswerDelta.
    """
    events: list[pb.ServerEvent] = []
    route = None if routed else route_event(turn)
    if route is not None:
        events.append(route)
    events.extend(pb.ServerEvent(tool_call=pb.ToolCallEvent(call=call)) for call in tool_calls(turn))
    if pending is not None:
        request = pb.ConfirmationRequest(question=pending.prompt, tool_name=pending.call.name)
        events.append(pb.ServerEvent(confirmation_request=request))
    if turn.escalated:
        events.append(pb.ServerEvent(escalation=escalation(turn)))
    events.append(pb.ServerEvent(answer=pb.Answer(text=turn.answer, escalated=turn.escalated)))
    return events
