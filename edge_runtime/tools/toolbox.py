"""The toolbox: the one way a tool call reaches the bank.

Every call is validated, whoever produced it: first against the tool's JSON schema, then against the bank's
records (real dates, known payees, enough money). Read tools then run. Write tools never run from ``run``:
they come back as a ``PendingAction`` with a question for the user, and only ``execute`` applies one, at most
once per action id, even across restarts (the id is recorded in the same database transaction as the write).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Final

from edge_runtime.bank.clock import Clock
from edge_runtime.bank.store import ActionAlreadyExecutedError, BankConflictError, BankStore
from edge_runtime.tools.calls import STATUSES, PendingAction, ToolArgumentError, ToolCall, ToolResult
from edge_runtime.tools.checks import check_arguments, schema_sentence
from edge_runtime.tools.reads import READ_TOOLS
from edge_runtime.tools.schemas import TOOL_NAMES, WRITE_TOOLS, argument_names, argument_schema
from edge_runtime.tools.validation import schema_issue
from edge_runtime.tools.writes import apply_write, confirmation_prompt

__all__ = ["STATUSES", "PendingAction", "ToolArgumentError", "ToolCall", "ToolResult", "Toolbox"]

logger = logging.getLogger(__name__)

ALREADY_DONE: Final[str] = "That was already done, so I didn't do it again."
CANCELLED: Final[str] = "Okay, I won't do that. Nothing was changed."

assert set(READ_TOOLS) | WRITE_TOOLS == set(TOOL_NAMES)


class Toolbox:
    """The contract's tools over one bank store; ``clock`` says what "today" is."""

    def __init__(self, store: BankStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def validate(self, call: ToolCall) -> ToolCall:
        """The call with canonical names and, for write tools, every detail filled in; or ``ToolArgumentError``."""
        if call.name not in TOOL_NAMES:
            raise ToolArgumentError("I can't do that here.")
        issue = schema_issue(call.arguments, argument_schema(call.name))
        if issue is not None:
            raise ToolArgumentError(schema_sentence(issue))
        arguments = check_arguments(call.name, call.arguments, self.store, self.clock.today())
        # The contract's argument order, as a specialist would emit the call.
        ordered = {key: arguments[key] for key in argument_names(call.name) if key in arguments}
        return ToolCall(call.name, ordered)

    def run(self, call: ToolCall) -> ToolResult:
        """Run a read tool, or turn a write tool into a ``needs_confirmation`` result; never raises for bad calls."""
        try:
            checked = self.validate(call)
        except ToolArgumentError as error:
            logger.debug("rejected %s %s: %s", call.name, call.arguments, error)
            return ToolResult(call.name, dict(call.arguments), "error", message=str(error))
        today = self.clock.today()
        if checked.name in WRITE_TOOLS:
            prompt = confirmation_prompt(checked, self.store, today)
            pending = PendingAction(uuid.uuid4().hex, checked, prompt)
            return ToolResult(checked.name, checked.arguments, "needs_confirmation", message=prompt, pending=pending)
        data = READ_TOOLS[checked.name](self.store, checked.arguments, today)
        return ToolResult(checked.name, checked.arguments, "ok", data=data)

    def execute(self, pending: PendingAction) -> ToolResult:
        """Apply a confirmed write action: ``done``, ``already_done`` if it ran before, or ``error``.

        The call is checked again first, since the bank may have changed since the question was asked.
        """
        call = pending.call
        if call.name not in WRITE_TOOLS:
            return self._result(call, "error", "That action doesn't need a confirmation.")
        if self.store.is_executed(pending.action_id):
            return self._result(call, "already_done", ALREADY_DONE)
        try:
            checked = self.validate(call)
        except ToolArgumentError as error:
            return self._result(call, "error", f"{error} Nothing was changed.")
        if checked != call:
            return self._result(call, "error", "The details changed since you confirmed, so nothing was changed.")
        try:
            data = apply_write(checked, pending.action_id, self.store, self.clock.today())
        except ActionAlreadyExecutedError:
            return self._result(call, "already_done", ALREADY_DONE)
        except BankConflictError as error:
            return self._result(call, "error", f"{error} Nothing was changed.")
        logger.info("executed %s (action %s)", call.name, pending.action_id)
        return ToolResult(call.name, call.arguments, "done", data=data)

    def cancel(self, pending: PendingAction) -> ToolResult:
        """The user declined: nothing runs, and the result says so."""
        return self._result(pending.call, "cancelled", CANCELLED)

    @staticmethod
    def _result(call: ToolCall, status: str, message: str, data: dict[str, Any] | None = None) -> ToolResult:
        return ToolResult(call.name, dict(call.arguments), status, data=data or {}, message=message)
