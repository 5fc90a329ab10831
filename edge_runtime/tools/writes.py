"""The write tools: the sentence that asks for confirmation, and the action once confirmed.

Both work from a checked call whose details are all filled in (see ``checks.py``), so what the prompt says
is exactly what ``apply`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, Final

from edge_runtime.bank.store import ACCOUNT_NAMES, BankConflictError, BankStore
from edge_runtime.tools import ledger
from edge_runtime.tools.calls import ToolCall
from edge_runtime.tools.checks import CARD_ACTIONS
from edge_runtime.tools.periods import parse_date
from edge_runtime.tools.spoken import day, money, on_day

Apply = Callable[[BankStore, dict[str, Any], str, date], dict[str, Any]]


def _card_prompt(name: str, args: dict[str, Any], store: BankStore, today: date) -> str:
    card = ledger.card(store, args["card"])
    if card is None:  # checked before; only a concurrent change gets here
        raise BankConflictError(f"You don't have a {args['card']} card.")
    phrase = ledger.card_phrase(card)
    if name == "order_replacement":
        arrives = ledger.business_days_after(today, ledger.CARD_DELIVERY_DAYS)
        return (
            f"Order a replacement for {phrase}? The current card stops working now, "
            f"and the new one should arrive by {day(arrives, today)}."
        )
    return {
        "freeze_card": f"Freeze {phrase}? You can unfreeze it at any time.",
        "unfreeze_card": f"Unfreeze {phrase}?",
        "report_lost_card": f"Report {phrase} as lost or stolen? It will be blocked for good.",
        "activate_card": f"Activate {phrase}?",
    }[name]


def confirmation_prompt(call: ToolCall, store: BankStore, today: date) -> str:
    """The question that asks the user to confirm a checked write call."""
    args = call.arguments
    if call.name in CARD_ACTIONS:
        return _card_prompt(call.name, args, store, today)
    if call.name == "set_autopay":
        if args["enabled"]:
            return f"Turn on autopay for {args['payee']}? Each bill will be paid in full from checking on its due date."
        return f"Turn off autopay for {args['payee']}? You'll need to pay its bills yourself."
    amount, when = money(Decimal(args["amount"])), parse_date(args["date"])
    if call.name == "pay_bill":
        if when == today:
            return f"Pay {amount} to {args['payee']} today from your checking account?"
        return f"Schedule a payment of {amount} to {args['payee']} {on_day(when, today)} from your checking account?"
    if call.name == "transfer":
        source, target = ACCOUNT_NAMES[args["from_account"]], ledger.destination_account(args["to"])
        verb = "Move" if when == today else "Schedule a transfer of"
        if target == "credit_card":
            return f"Pay {amount} toward your credit card from {source} {on_day(when, today)}?"
        if target is not None:
            return f"{verb} {amount} from {source} to {args['to']} {on_day(when, today)}?"
        return f"Send {amount} from your {source} account to {args['to']} {on_day(when, today)}?"
    raise ValueError(f"{call.name} is not a write tool")


def _pay_bill(store: BankStore, args: dict[str, Any], action_id: str, today: date) -> dict[str, Any]:
    bill = ledger.payable_bill(store, args["payee"])
    if bill is None:
        raise BankConflictError(f"You have no unpaid {args['payee']} bill any more.")
    amount, when = Decimal(args["amount"]), parse_date(args["date"])
    after = store.pay_bill(action_id, bill.id, amount, when, scheduled=when > today)
    return {
        "payee": args["payee"],
        "amount": amount,
        "date": when,
        "scheduled": when > today,
        "remaining": after.remaining,
        "checking_balance": ledger.account(store, "checking").balance,
    }


def _set_autopay(store: BankStore, args: dict[str, Any], action_id: str, today: date) -> dict[str, Any]:
    payee = next(p for p in store.payees() if p.name == args["payee"])
    after = store.set_autopay(action_id, payee.id, bool(args["enabled"]))
    return {"payee": after.name, "enabled": after.autopay}


def _transfer(store: BankStore, args: dict[str, Any], action_id: str, today: date) -> dict[str, Any]:
    amount, when = Decimal(args["amount"]), parse_date(args["date"])
    target = ledger.destination_account(args["to"])
    payee_id = None
    if target is None:
        payee_id = next(p.id for p in store.payees() if p.name == args["to"] and p.transferable)
    transfer = store.transfer(
        action_id, args["from_account"], amount, when, to_account=target, payee_id=payee_id, scheduled=when > today
    )
    return {
        "from_account": transfer.from_account,
        "to": transfer.to,
        "amount": transfer.amount,
        "date": transfer.on,
        "status": transfer.status,
        "from_balance": ledger.account(store, transfer.from_account).balance,
    }


def _card(name: str) -> Apply:
    def apply(store: BankStore, args: dict[str, Any], action_id: str, today: date) -> dict[str, Any]:
        before = ledger.card(store, args["card"])
        after = store.set_card_state(action_id, args["card"], CARD_ACTIONS[name][0], today)
        data: dict[str, Any] = {"card": after.id, "last_four": after.last_four, "state": after.state}
        if name == "order_replacement":
            data["previous_last_four"] = before.last_four if before else None
            data["arrives_by"] = ledger.business_days_after(today, ledger.CARD_DELIVERY_DAYS)
        return data

    return apply


WRITE_APPLY: Final[dict[str, Apply]] = {
    "pay_bill": _pay_bill,
    "set_autopay": _set_autopay,
    "transfer": _transfer,
    **{name: _card(name) for name in CARD_ACTIONS},
}


def apply_write(call: ToolCall, action_id: str, store: BankStore, today: date) -> dict[str, Any]:
    """Carry out a checked, confirmed write call once; returns the data of its ``done`` result."""
    return WRITE_APPLY[call.name](store, call.arguments, action_id, today)
