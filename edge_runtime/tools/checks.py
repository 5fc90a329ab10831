"""What a tool call means for this customer's bank: the checks after the schema, and the user's sentences.

Each check raises ``ToolArgumentError`` with a sentence for the user, or returns the arguments with every
name made canonical. Write tools also get every detail the action will use filled in (the amount and date of
a bill payment), so that the confirmation prompt states exactly what will happen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from edge_runtime.bank.helpsearch import query_terms
from edge_runtime.bank.store import ACCOUNT_NAMES, BankStore
from edge_runtime.tools import ledger
from edge_runtime.tools.calls import ToolArgumentError
from edge_runtime.tools.periods import PeriodError, parse_date, resolve_period
from edge_runtime.tools.resolve import (
    DESTINATION_SUFFIXES,
    GOAL_SUFFIXES,
    MERCHANT_SUFFIXES,
    PAYEE_SUFFIXES,
    Named,
    resolve,
)
from edge_runtime.tools.schemas import NAMED_PERIODS
from edge_runtime.tools.spoken import day, join, money, on_day, sentence
from edge_runtime.tools.validation import SchemaIssue

#: Furthest ahead a payment or transfer can be scheduled.
MAX_DAYS_AHEAD: Final[int] = 365
#: Most one transfer to a saved payee can move (the help center's "Transfer limits and timing").
PAYEE_TRANSFER_LIMIT: Final[Decimal] = Decimal("2500.00")
#: The largest amount the contract can write (``schemas.AMOUNT_PATTERN``: seven digits of dollars).
MAX_AMOUNT: Final[Decimal] = Decimal("9999999.99")

#: Card tool -> (the state it moves the card to, the states it can move it from).
CARD_ACTIONS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "freeze_card": ("frozen", ("active",)),
    "unfreeze_card": ("active", ("frozen",)),
    "report_lost_card": ("lost", ("active", "frozen", "inactive", "replacement_ordered")),
    "activate_card": ("active", ("inactive", "replacement_ordered")),
    "order_replacement": ("replacement_ordered", ("active", "frozen", "lost", "inactive")),
}
#: Why a card tool can't act on a card in a given state; "{card}" is "your debit card ending 4821".
CARD_REFUSALS: Final[dict[tuple[str, str], str]] = {
    ("freeze_card", "frozen"): "{card} is already frozen.",
    ("freeze_card", "lost"): "{card} was reported lost, so it is already blocked for good.",
    ("freeze_card", "inactive"): "{card} isn't activated yet, so it can't be used and there is nothing to freeze.",
    ("freeze_card", "replacement_ordered"): "{card} is a replacement still on its way; it can't be used until "
    "you activate it.",
    ("unfreeze_card", "active"): "{card} isn't frozen; it is active and ready to use.",
    ("unfreeze_card", "lost"): "{card} was reported lost, so it can't be unfrozen. I can order a replacement instead.",
    ("unfreeze_card", "inactive"): "{card} isn't frozen, it is waiting to be activated. I can activate it instead.",
    ("unfreeze_card", "replacement_ordered"): "{card} is a replacement on its way; when it arrives, ask me to "
    "activate it.",
    ("report_lost_card", "lost"): "{card} was already reported lost and is blocked for good. I can order a "
    "replacement.",
    ("activate_card", "active"): "{card} is already active.",
    ("activate_card", "frozen"): "{card} is already activated, but frozen. I can unfreeze it instead.",
    ("activate_card", "lost"): "{card} was reported lost, so it can't be activated. I can order a replacement.",
    ("order_replacement", "replacement_ordered"): "A replacement for {card} is already on its way.",
}

#: What each argument is, in an error sentence.
ARGUMENT_NOUNS: Final[dict[str, str]] = {
    "period": "period",
    "start": "start date",
    "end": "end date",
    "category": "category",
    "merchant": "merchant",
    "min_amount": "minimum amount",
    "limit": "number of transactions",
    "account": "account",
    "from_account": "account to move money from",
    "goal": "savings goal",
    "status": "bill status",
    "payee": "payee",
    "amount": "amount",
    "date": "date",
    "enabled": "autopay setting",
    "to": "recipient",
    "pending_only": "pending-only setting",
    "card": "card",
    "query": "question",
}
#: What to ask for when a required argument is missing.
_MISSING: Final[dict[str, str]] = {
    "period": "which period you mean",
    "account": "which account you mean: checking, savings or credit card",
    "from_account": "which account to move the money from",
    "payee": "which payee to pay",
    "amount": "how much",
    "to": "who or which account the money should go to",
    "enabled": "whether to turn autopay on or off",
    "card": "which card you mean, debit or credit",
    "query": "what you would like to know",
}
_TYPE_WORDS: Final[dict[str, str]] = {"string": "text", "integer": "a whole number", "boolean": "yes or no"}


def schema_sentence(issue: SchemaIssue) -> str:
    """The user's sentence for a call that does not match its tool's schema."""
    names = [part for part in issue.path if isinstance(part, str)]
    argument = names[-1] if names else ""
    noun = ARGUMENT_NOUNS.get(argument, argument.replace("_", " "))
    value = issue.value
    if issue.keyword == "required" and issue.detail:
        return f"I need to know {_MISSING.get(issue.detail, 'the ' + ARGUMENT_NOUNS.get(issue.detail, issue.detail))}."
    if issue.keyword == "additionalProperties":
        return f"I can't use '{issue.detail}' for this request."
    if not names:
        return "I couldn't understand the details of that request."
    if issue.keyword in ("anyOf", "enum") and argument == "period":
        options = join([name.replace("_", " ") for name in NAMED_PERIODS] + ["a start and end date"], "or")
        said = f", not '{value}'" if isinstance(value, str) else ""
        return f"The period must be one of {options}{said}."
    if issue.keyword == "enum":
        options = join([str(option).replace("_", " ") for option in issue.schema["enum"]], "or")
        return f"The {noun} must be {options}, not '{value}'."
    if issue.keyword == "type":
        return f"The {noun} must be {_TYPE_WORDS.get(issue.schema['type'], 'given differently')}."
    if issue.keyword == "pattern":
        if argument in ("amount", "min_amount"):
            return _amount_sentence(value)
        if argument in ("date", "start", "end"):
            return f"I couldn't read '{value}' as a date."
        if argument == "query":
            return "Please ask your question in a few words, on one line."
        return f"'{value}' doesn't look like a name I can look up."
    if issue.keyword in ("minimum", "maximum"):
        return f"The {noun} must be between {issue.schema.get('minimum', 0)} and {issue.schema.get('maximum', 0)}."
    return f"The {noun} '{value}' isn't something I can use."


def _amount_sentence(value: object) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = None
    if number is not None and number.is_finite() and number <= 0:
        return f"The amount must be more than zero, not {value}."
    if number is not None and number.is_finite() and number > MAX_AMOUNT:
        return f"The amount must be at most {money(MAX_AMOUNT)}, not {money(number)}."
    return f"'{value}' isn't an amount I can use: it must be more than zero, in dollars and cents, like 84.20."


@dataclass(frozen=True)
class _Context:
    store: BankStore
    today: date


def check_arguments(name: str, arguments: dict[str, Any], store: BankStore, today: date) -> dict[str, Any]:
    """Semantic checks of a schema-valid call; returns its arguments with canonical names and filled details."""
    context = _Context(store, today)
    args = dict(arguments)
    try:
        if "period" in args:
            resolve_period(args["period"], today)
        if "date" in args:
            _check_future(parse_date(args["date"]), today)
    except PeriodError as error:
        raise ToolArgumentError(str(error)) from None
    for key in ("amount", "min_amount"):
        if key in args:
            args[key] = f"{Decimal(args[key]):.2f}"
    if "merchant" in args:
        kinds = () if name == "find_transaction" else ("card",)
        candidates = [Named(c) for c in store.counterparties(kinds)]
        if name == "find_transaction":  # a bill payment is found by the bill's other names too
            aliases = {p.name: p.aliases for p in store.payees()}
            candidates = [Named(c.name, aliases.get(c.name, ())) for c in candidates]
        where = "in your transactions" if name == "find_transaction" else "in your card purchases"
        merchant = args["merchant"]
        args["merchant"] = resolve(merchant, candidates, kind="a merchant", where=where, suffixes=MERCHANT_SUFFIXES)
    if "goal" in args:
        goals = [Named(g.name, g.aliases) for g in store.goals()]
        args["goal"] = resolve(
            args["goal"], goals, kind="a savings goal", listing="Your goals are", suffixes=GOAL_SUFFIXES
        )
    if "payee" in args:
        payees = [Named(p.name, p.aliases) for p in store.payees() if p.billable]
        args["payee"] = resolve(
            args["payee"], payees, kind="a payee", listing="Your bill payees are", suffixes=PAYEE_SUFFIXES
        )
    if "to" in args:
        args["to"] = resolve(
            args["to"],
            ledger.destinations(store),
            kind="an account or saved payee",
            listing="You can send money to",
            suffixes=DESTINATION_SUFFIXES,
        )
    check = _TOOL_CHECKS.get(name)
    return check(args, context) if check else args


def _check_future(when: date, today: date) -> None:
    if when < today:
        raise ToolArgumentError(f"{sentence(day(when, today))} is in the past; I can only do this today or later.")
    if when > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ToolArgumentError("I can only schedule payments up to a year ahead.")


def _when(args: dict[str, Any], today: date) -> date:
    return parse_date(args["date"]) if "date" in args else today


def _check_pay_bill(args: dict[str, Any], context: _Context) -> dict[str, Any]:
    store, today, payee = context.store, context.today, args["payee"]
    bill = ledger.payable_bill(store, payee)
    if bill is None:
        paid = [b for b in store.bills() if b.payee == payee and b.paid_on is not None]
        last = max(paid, key=lambda b: b.due_on, default=None)
        detail = ""
        if last is not None and last.paid_on is not None:
            detail = f" The last one, {money(last.amount)}, was paid {on_day(last.paid_on, today)}."
        raise ToolArgumentError(f"You have no unpaid {payee} bill.{detail}")
    if bill.scheduled_on is not None and bill.scheduled_amount is not None:
        scheduled = f"{money(bill.scheduled_amount)} to {payee} is already scheduled {on_day(bill.scheduled_on, today)}"
        raise ToolArgumentError(f"A payment of {scheduled}.")
    amount = Decimal(args.get("amount", bill.remaining))
    if amount > bill.remaining:
        raise ToolArgumentError(
            f"The {payee} bill due {on_day(bill.due_on, today)} is {money(bill.remaining)}; I can't pay more than that."
        )
    when = _when(args, today)
    if when == today:
        _check_funds(store, "checking", amount, today, verb="pay")
    return {"payee": payee, "amount": f"{amount:.2f}", "date": when.isoformat()}


def _check_funds(store: BankStore, account_id: str, amount: Decimal, today: date, *, verb: str) -> None:
    available = ledger.available_balance(store, account_id)
    if amount > available:
        raise ToolArgumentError(
            f"Your {ACCOUNT_NAMES[account_id]} account has {money(available)} available, "
            f"not enough to {verb} {money(amount)}."
        )


def _check_set_autopay(args: dict[str, Any], context: _Context) -> dict[str, Any]:
    payee = next(p for p in context.store.payees() if p.name == args["payee"])
    if payee.autopay == args["enabled"]:
        raise ToolArgumentError(f"Autopay is already {'on' if payee.autopay else 'off'} for {payee.name}.")
    return args


def _check_transfer(args: dict[str, Any], context: _Context) -> dict[str, Any]:
    store, today = context.store, context.today
    source, amount = args["from_account"], Decimal(args["amount"])
    if source == "credit_card":
        raise ToolArgumentError("Money can't be moved out of your credit card. Choose checking or savings.")
    target = ledger.destination_account(args["to"])
    if target == source:
        raise ToolArgumentError(f"The money would go from your {ACCOUNT_NAMES[source]} account back to itself.")
    if target is None and amount > PAYEE_TRANSFER_LIMIT:
        raise ToolArgumentError(f"A saved payee can receive at most {money(PAYEE_TRANSFER_LIMIT)} per transfer.")
    if target == "credit_card":
        owed = -ledger.account(store, "credit_card").balance
        if owed <= 0:
            raise ToolArgumentError("You don't owe anything on your credit card.")
        if amount > owed:
            raise ToolArgumentError(f"You owe {money(owed)} on your credit card; I can't pay more than that.")
    when = _when(args, today)
    if when == today:
        _check_funds(store, source, amount, today, verb="move")
    return {"from_account": source, "to": args["to"], "amount": args["amount"], "date": when.isoformat()}


def _check_card(name: str) -> Callable[[dict[str, Any], _Context], dict[str, Any]]:
    def check(args: dict[str, Any], context: _Context) -> dict[str, Any]:
        card = ledger.card(context.store, args["card"])
        if card is None:
            raise ToolArgumentError(f"You don't have a {args['card']} card.")
        if card.state not in CARD_ACTIONS[name][1]:
            refusal = CARD_REFUSALS[name, card.state].format(card=ledger.card_phrase(card))
            raise ToolArgumentError(sentence(refusal))
        return args

    return check


def _check_find_transaction(args: dict[str, Any], context: _Context) -> dict[str, Any]:
    if not args:
        raise ToolArgumentError("Tell me the merchant, the amount or when it happened, and I'll look for it.")
    return args


def _check_search_help(args: dict[str, Any], context: _Context) -> dict[str, Any]:
    if not query_terms(args["query"]):
        raise ToolArgumentError("What would you like to know? Tell me in a few words.")
    return args


_TOOL_CHECKS: Final[dict[str, Callable[[dict[str, Any], _Context], dict[str, Any]]]] = {
    "pay_bill": _check_pay_bill,
    "set_autopay": _check_set_autopay,
    "transfer": _check_transfer,
    "find_transaction": _check_find_transaction,
    "search_help": _check_search_help,
    **{name: _check_card(name) for name in CARD_ACTIONS},
}
