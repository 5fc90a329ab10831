"""The one place that wires the stages: route, then specialist, then tools, then the answer.

``Assistant.ask`` runs one turn of a conversation. It never raises for anything a user can type: bad
arguments, unknown payees and refusals come back as answers, and the escalation path as
``escalated: true``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, TypeVar

from edge_runtime.bank.clock import Clock
from edge_runtime.conversation import Conversation, is_follow_up, is_no, is_retry, is_yes, may_follow_up
from edge_runtime.escalation import NOT_CONNECTED_ANSWER, NOTHING_TO_RETRY_ANSWER, Escalated, Escalator
from edge_runtime.labels import ESCALATE
from edge_runtime.router import Route
from edge_runtime.specialists.accounts import unsupported_account, unsupported_account_answer
from edge_runtime.specialists.engine import Generation, SpecialistError
from edge_runtime.tools.answers import render_answer
from edge_runtime.tools.calls import ToolArgumentError, ToolCall, ToolResult
from edge_runtime.tools.schemas import OUT_OF_SCOPE, canonical_json
from edge_runtime.tools.toolbox import Toolbox

logger = logging.getLogger(__name__)

ESCALATION_ANSWER: Final[str] = NOT_CONNECTED_ANSWER
EMPTY_ANSWER: Final[str] = "I didn't catch a question. Could you say that again?"
NOTHING_PENDING_ANSWER: Final[str] = "There's nothing waiting for your confirmation right now."
#: A reply that only may be a follow-up ("savings too", "freeze it") goes to the router's category instead
#: when the router is at least this sure of another one ("well, it's my checking balance", as a recogniser
#: heard a new question, routes to accounts at 0.85; the follow-ups it takes elsewhere score 0.35-0.76).
CONFIDENTLY_ELSEWHERE: Final[float] = 0.8
#: A new question the routed specialist has no tool for goes to the router's runner-up before the cloud,
#: when the router gave that one at least this probability. Chosen on the validation split: the runner-up
#: answered 3 of 25 routine questions that went to the cloud, 2 of them right, and none of 157 hard ones.
RUNNER_UP_MIN: Final[float] = 0.1
FAILED_ANSWER: Final[str] = "Sorry, I couldn't work that out. Could you rephrase it?"


class RouterStage(Protocol):
    def route_one(self, text: str) -> Route: ...

    def choice_prior(self, route: Route, label: str, previous: str | None = None) -> dict[str, float] | None: ...


class SpecialistStage(Protocol):
    def generate(
        self,
        label: str,
        text: str,
        today: Any,
        previous: str | None = None,
        prior: Mapping[str, float] | None = None,
    ) -> Generation: ...


@dataclass
class Turn:
    """One answered utterance, as ``ask --json`` prints it."""

    text: str
    label: str | None = None
    confidence: float | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    answer: str = ""
    escalated: bool = False
    timings_ms: dict[str, float] = field(default_factory=dict)
    #: How an escalated question went: whether the relay answered, which model, the cloud tokens it cost.
    relay: Escalated | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "label": self.label,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "tool_calls": self.tool_calls,
            "answer": self.answer,
            "escalated": self.escalated,
            "timings_ms": {key: round(value, 1) for key, value in self.timings_ms.items()},
        }
        if self.relay is not None:
            # Only escalated turns have it: every other turn keeps exactly the contract's keys.
            data["relay"] = self.relay.to_dict()
        return data


def _call_entry(result: ToolResult) -> dict[str, Any]:
    call = result.to_dict()
    return {"name": call["name"], "arguments": call["arguments"], "status": result.status}


class Assistant:
    """The text assistant over a router, the specialists and a toolbox."""

    def __init__(
        self,
        router: RouterStage,
        specialists: SpecialistStage,
        toolbox: Toolbox,
        clock: Clock,
        escalator: Escalator | None = None,
        *,
        after_turn: Callable[[], None] | None = None,
    ) -> None:
        """``after_turn`` is called when each turn ends, answered or not (the app gives memory back then)."""
        self.router = router
        self.specialists = specialists
        self.toolbox = toolbox
        self.clock = clock
        self.escalator = escalator or Escalator(relay=None, store=toolbox.store, clock=clock)
        self._after_turn = after_turn or _nothing

    def ask(
        self,
        text: str,
        conversation: Conversation | None = None,
        *,
        confirmations: bool = True,
        before_stage: Callable[[str], None] | None = None,
        time_left: Callable[[], float | None] | None = None,
        on_answer_delta: Callable[[Turn, str], None] | None = None,
    ) -> Turn:
        """Answer one utterance. With ``confirmations=False`` write tools only report that they need one.

        ``before_stage`` is called with ``"route"`` and ``"specialist"`` just before those stages run; an
        exception it raises ends the turn there and reaches the caller (the daemon stops a call whose
        deadline has passed before it starts the specialist, the slowest stage). ``time_left`` gives the
        seconds left before the caller's deadline (``None``: no deadline); an escalated question's answer is
        bounded by it. ``on_answer_delta`` gets the turn so far (its route set) and an escalated answer's text
        piece by piece as the relay streams it; the turn's ``answer`` is the whole of it. ``before_stage`` is
        also called with ``"relay"`` before an escalated question goes out.
        """
        conversation = conversation if conversation is not None else Conversation()
        conversation.turns += 1
        started = time.perf_counter()
        turn = Turn(text=text)
        clock = _Stopwatch(turn.timings_ms)
        try:
            self._answer(
                text.strip(),
                conversation,
                turn,
                clock,
                confirmations,
                before_stage=before_stage or _no_check,
                escalate=lambda question, retry=None: self.escalator.escalate(
                    question,
                    retry=retry,
                    time_left=time_left,
                    on_delta=None if on_answer_delta is None else lambda piece: on_answer_delta(turn, piece),
                ),
            )
        except (SpecialistError, ToolArgumentError) as error:
            logger.warning("turn failed: %s", type(error).__name__)
            logger.debug("turn failed on %r: %s", text, error)
            turn.answer = FAILED_ANSWER
        finally:
            self._after_turn()
        turn.timings_ms["total"] = (time.perf_counter() - started) * 1000
        return turn

    def _answer(
        self,
        text: str,
        conversation: Conversation,
        turn: Turn,
        clock: _Stopwatch,
        confirmations: bool,
        *,
        before_stage: Callable[[str], None],
        escalate: Callable[..., Escalated],
    ) -> None:
        prefix = ""
        replaced: str | None = None  # the tool of a write this reply cancelled, if any
        # A question the relay didn't answer waits for "try again" for one turn only.
        retry, conversation.retry = conversation.retry, None
        if conversation.pending is not None:
            pending, conversation.pending = conversation.pending, None
            if is_yes(text):
                result = clock.time("tools", lambda: self.toolbox.execute(pending))
                turn.label = conversation.last_label
                turn.tool_calls.append(_call_entry(result))
                turn.answer = self._render(result)
                return
            cancelled = self.toolbox.cancel(pending)
            turn.label = conversation.last_label
            turn.tool_calls.append(_call_entry(cancelled))
            if is_no(text) or not text:
                turn.answer = cancelled.message or ""
                return
            # Anything but a yes cancels; a new question is then answered as usual.
            prefix = "I didn't go ahead with that. "
            replaced = pending.call.name
        if not text:
            turn.answer = EMPTY_ANSWER
            return
        if is_yes(text) or is_no(text):
            turn.answer = prefix + NOTHING_PENDING_ANSWER
            return
        if is_retry(text):
            if retry is None:
                turn.answer = prefix + NOTHING_TO_RETRY_ANSWER
                return
            turn.label = ESCALATE
            resent = retry
            before_stage("relay")
            self._escalated(turn, conversation, clock.time("relay", lambda: escalate(resent.text, resent)), prefix)
            return

        before_stage("route")
        route = clock.time("route", lambda: self.router.route_one(text))
        label = route.label
        previous = None
        follow_up = False
        if conversation.last_call is not None and conversation.last_label is not None:
            elsewhere = route.label != conversation.last_label and (route.confidence or 0.0) >= CONFIDENTLY_ELSEWHERE
            if is_follow_up(text) or (may_follow_up(text) and not elsewhere):
                label = conversation.last_label  # "and last month?" belongs to the previous question
                previous = conversation.last_call
                follow_up = label != route.label
            # A complete new question stands alone, even for the same specialist: "how much did I spend
            # yesterday?" after a question about coffee is about all spending.
        turn.label, turn.confidence = label, route.confidence
        if label is None or label == ESCALATE:
            before_stage("relay")
            self._escalated(turn, conversation, clock.time("relay", lambda: escalate(text)), prefix)
            return

        today = self.clock.today()
        specialist: str = label
        prior = clock.time("route", lambda: self.router.choice_prior(route, specialist, previous))
        before_stage("specialist")
        generation = clock.time(
            "specialist", lambda: self.specialists.generate(specialist, text, today, previous, prior)
        )
        routed = route.label
        if generation.call.get("name") == OUT_OF_SCOPE and follow_up and routed is not None and routed != ESCALATE:
            # Read as a follow-up, but the previous question's specialist has no tool for it ("actually,
            # what's my savings balance?" after a bill): a new question, for the specialist it was routed to.
            specialist = turn.label = routed
            prior = clock.time("route", lambda: self.router.choice_prior(route, specialist, None))
            before_stage("specialist")
            generation = clock.time(
                "specialist", lambda: self.specialists.generate(specialist, text, today, None, prior)
            )
        runner_up = route.runner_up if previous is None and specialist == routed else None
        if generation.call.get("name") == OUT_OF_SCOPE and runner_up is not None and runner_up[1] >= RUNNER_UP_MIN:
            # Routed by a narrow margin to a specialist with no tool for it ("put $120 in my high-yield
            # savings" sent to savings): the router's second choice gets the question before the cloud does.
            second = runner_up[0]
            prior = clock.time("route", lambda: self.router.choice_prior(route, second, None))
            before_stage("specialist")
            answered = clock.time("specialist", lambda: self.specialists.generate(second, text, today, None, prior))
            if answered.call.get("name") != OUT_OF_SCOPE:
                specialist, generation = second, answered
                turn.label, turn.confidence = runner_up
        turn.timings_ms["specialist_tokens"] = float(generation.generated_tokens)
        if generation.call.get("name") == OUT_OF_SCOPE:
            before_stage("relay")
            self._escalated(turn, conversation, clock.time("relay", lambda: escalate(text)), prefix)
            return
        call = ToolCall.from_dict(generation.call)
        unsupported = unsupported_account(text, generation.call)
        if unsupported is not None:
            # The grammar let the specialist name only the accounts the tools know; this one isn't.
            result = ToolResult(call.name, call.arguments, "error", message=unsupported_account_answer(unsupported))
        else:
            result = clock.time("tools", lambda: self.toolbox.run(call))
        turn.tool_calls.append(_call_entry(result))
        if result.status in ("ok", "needs_confirmation"):
            conversation.last_label = specialist
            conversation.last_call = canonical_json(result.name, generation.call.get("arguments", {}))
        if result.status == "needs_confirmation" and confirmations:
            conversation.pending = result.pending
        if result.status == "needs_confirmation" and result.name == replaced:
            prefix = ""  # "actually make it $50": the new question takes the old one's place
        turn.answer = prefix + clock.time("answer", lambda: self._render(result))

    @staticmethod
    def _escalated(turn: Turn, conversation: Conversation, escalated: Escalated, prefix: str) -> None:
        turn.escalated = True
        turn.relay = escalated
        turn.answer = prefix + escalated.answer
        conversation.retry = escalated.retry

    def _render(self, result: ToolResult) -> str:
        if result.status in ("ok", "done"):
            return render_answer(result, self.clock)
        return result.message or FAILED_ANSWER


def _no_check(stage: str) -> None:
    """The default ``before_stage``: every stage runs."""


def _nothing() -> None:
    """The default ``after_turn``."""


_T = TypeVar("_T")


class _Stopwatch:
    """Times stages into a turn's ``timings_ms``."""

    def __init__(self, timings: dict[str, float]) -> None:
        self._timings = timings

    def time(self, stage: str, work: Callable[[], _T]) -> _T:
        started = time.perf_counter()
        try:
            return work()
        finally:
            self._timings[stage] = self._timings.get(stage, 0.0) + (time.perf_counter() - started) * 1000
