"""The read tools: each turns checked arguments into the data an answer is built from.

A read tool returns every figure its answer may say, and nothing is computed later: the renderer only picks
and phrases. Lists are cut to a few items (an answer is read aloud), with the full count and total beside.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_UP, Decimal
from typing import Any, Final

from edge_runtime.bank.helpsearch import query_terms
from edge_runtime.bank.store import CENT, BankStore, Bill, Goal, Transaction, TransactionQuery, Transfer
from edge_runtime.tools import ledger
from edge_runtime.tools.periods import describe_period, resolve_period

#: Items listed when the call does not say how many.
DEFAULT_LIMIT: Final[int] = 5
#: Most items a result carries; the answer reads fewer.
MAX_ITEMS: Final[int] = 10
#: Categories or merchants named in a spending breakdown.
TOP: Final[int] = 3

ZERO: Final[Decimal] = Decimal("0.00")
ReadTool = Callable[[BankStore, dict[str, Any], date], dict[str, Any]]


def _period(args: dict[str, Any], today: date) -> dict[str, Any] | None:
    if "period" not in args:
        return None
    start, end = resolve_period(args["period"], today)
    return {"start": start, "end": end, "phrase": describe_period(args["period"], today)}


def _bounds(period: dict[str, Any] | None) -> tuple[date | None, date | None]:
    return (period["start"], period["end"]) if period else (None, None)


def transaction_item(t: Transaction) -> dict[str, Any]:
    return {
        "date": t.on,
        "description": t.counterparty,
        "amount": t.amount,
        "account": t.account,
        "kind": t.kind,
        "category": t.category,
        "pending": t.pending,
    }


def _spent(rows: Sequence[Transaction]) -> Decimal:
    """Money spent: purchases less refunds, as a positive amount."""
    return -sum((t.amount for t in rows), ZERO)


def spending_summary(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    period = _period(args, today)
    start, end = _bounds(period)
    merchant, category = args.get("merchant"), args.get("category")
    query = TransactionQuery(start=start, end=end, kinds=("card",), counterparty=merchant, category=category)
    rows = store.transactions(query)
    by = None if merchant else "merchant" if category else "category"
    groups: dict[str, list[Transaction]] = defaultdict(list)
    for t in rows:
        groups[t.counterparty if by == "merchant" else t.category or ""].append(t)
    ranked = sorted(((name, _spent(items)) for name, items in groups.items()), key=lambda item: -item[1])
    return {
        "period": period,
        "category": category,
        "merchant": merchant,
        "total": _spent(rows),
        "count": sum(1 for t in rows if t.amount < 0),
        "breakdown_by": by,
        "breakdown": [{"name": name, "total": total} for name, total in ranked[:TOP] if by and total > 0],
    }


def list_card_transactions(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    period = _period(args, today)
    start, end = _bounds(period)
    query = TransactionQuery(
        start=start, end=end, kinds=("card",), counterparty=args.get("merchant"), category=args.get("category")
    )
    rows = store.transactions(query)
    minimum = Decimal(args["min_amount"]) if "min_amount" in args else None
    if minimum is not None:
        rows = [t for t in rows if -t.amount >= minimum]
    return {
        "period": period,
        "merchant": args.get("merchant"),
        "category": args.get("category"),
        "min_amount": minimum,
        "count": len(rows),
        "total": _spent(rows),
        "transactions": [transaction_item(t) for t in rows[: args.get("limit", DEFAULT_LIMIT)]],
    }


def card_statement(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    statement = store.latest_statement(today)
    credit = ledger.account(store, "credit_card")
    owed = -credit.balance
    limit = credit.credit_limit or ZERO
    last = None
    if statement is not None:
        last = {
            "opening_date": statement.opening_on,
            "closing_date": statement.closing_on,
            "balance": statement.balance,
            "minimum_payment": statement.minimum_payment,
            "due_date": statement.due_on,
            "paid_date": statement.paid_on,
        }
    return {
        "statement": last,
        "current_balance": owed,
        "credit_limit": limit,
        "available_credit": limit - owed + min(ledger.pending_total(store, "credit_card"), ZERO),
    }


def get_balance(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    account = ledger.account(store, args["account"])
    pending = ledger.pending_total(store, account.id)
    if account.id == "credit_card":
        limit = account.credit_limit or ZERO
        owed = -account.balance
        return {
            "account": account.id,
            "owed": owed,
            "credit_limit": limit,
            "available_credit": limit - owed + min(pending, ZERO),
            "pending": pending,
        }
    return {
        "account": account.id,
        "balance": account.balance,
        "available": account.balance + min(pending, ZERO),
        "pending": pending,
    }


def account_history(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    period = _period(args, today)
    start, end = _bounds(period)
    rows = store.transactions(TransactionQuery(account=args["account"], start=start, end=end))
    return {
        "account": args["account"],
        "period": period,
        "count": len(rows),
        "money_in": sum((t.amount for t in rows if t.amount > 0), ZERO),
        "money_out": -sum((t.amount for t in rows if t.amount < 0), ZERO),
        "transactions": [transaction_item(t) for t in rows[:MAX_ITEMS]],
    }


def _interest(store: BankStore, start: date | None, end: date | None) -> list[Transaction]:
    return store.transactions(TransactionQuery(account="savings", start=start, end=end, kinds=("interest",)))


def savings_overview(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    savings = ledger.account(store, "savings")
    this_year = _interest(store, date(today.year, 1, 1), today)
    latest = _interest(store, None, today)
    goals = store.goals()
    return {
        "balance": savings.balance,
        "interest_rate": savings.interest_rate,
        "interest_this_year": sum((t.amount for t in this_year), ZERO),
        "last_interest": {"amount": latest[0].amount, "date": latest[0].on} if latest else None,
        "goals": [{"name": g.name, "saved": g.saved, "target": g.target} for g in goals],
        "in_goals": sum((g.saved for g in goals), ZERO),
    }


def interest_earned(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    period = _period(args, today)
    rows = _interest(store, *_bounds(period))
    return {
        "period": period,
        "total": sum((t.amount for t in rows), ZERO),
        "count": len(rows),
        "interest_rate": ledger.account(store, "savings").interest_rate,
    }


def goal_item(goal: Goal, today: date) -> dict[str, Any]:
    """A goal's progress. On track means saved at least the share of the target that the elapsed time is."""
    remaining = max(goal.target - goal.saved, ZERO)
    span = max((goal.target_on - goal.started_on).days, 1)
    elapsed = min(max((today - goal.started_on).days, 0), span)
    expected = (goal.target * elapsed / span).quantize(CENT)
    months_left = max(1, math.ceil((goal.target_on - today).days / 30.44))
    return {
        "name": goal.name,
        "saved": goal.saved,
        "target": goal.target,
        "remaining": remaining,
        "percent": int(goal.saved * 100 / goal.target),
        "target_date": goal.target_on,
        "on_track": goal.saved >= expected,
        "monthly_needed": (remaining / months_left).quantize(CENT, rounding=ROUND_UP),
    }


def goal_progress(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    goals = [g for g in store.goals() if args.get("goal") in (None, g.name)]
    return {"goal": args.get("goal"), "goals": [goal_item(g, today) for g in goals]}


def bill_item(bill: Bill, today: date) -> dict[str, Any]:
    status = bill.status(today)
    return {
        "payee": bill.payee,
        "amount": bill.amount if status == "paid" else bill.remaining,
        "due_date": bill.due_on,
        "status": status,
        "autopay": bill.autopay,
        "paid_date": bill.paid_on,
        "scheduled_date": bill.scheduled_on,
        "scheduled_amount": bill.scheduled_amount,
    }


def list_bills(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    period = _period(args, today)
    status = args.get("status")
    bills = store.bills()
    if period:
        bills = [b for b in bills if period["start"] <= b.due_on <= period["end"]]
    if status:
        bills = [b for b in bills if b.status(today) == status]
    elif not period:  # "my bills" means the ones still to pay
        bills = [b for b in bills if b.paid_on is None]
    if status == "paid":
        bills.sort(key=lambda b: (b.paid_on or b.due_on, b.id), reverse=True)
    items = [bill_item(b, today) for b in bills]
    return {
        "status": status,
        "period": period,
        "count": len(items),
        "total": sum((item["amount"] for item in items), ZERO),
        "bills": items[:MAX_ITEMS],
    }


def transfer_item(transfer: Transfer) -> dict[str, Any]:
    return {
        "to": transfer.to,
        "from_account": transfer.from_account,
        "amount": transfer.amount,
        "date": transfer.on,
        "status": transfer.status,
    }


def transfer_status(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    period = _period(args, today)
    transfers = [t for t in store.transfers() if args.get("to") in (None, t.to)]
    if period:
        transfers = [t for t in transfers if period["start"] <= t.on <= period["end"]]
    # "Did it go through?" is about what was sent; transfers still to come are listed apart, soonest first.
    sent = [t for t in transfers if t.on <= today]
    upcoming = sorted((t for t in transfers if t.on > today), key=lambda t: (t.on, t.id))
    return {
        "to": args.get("to"),
        "period": period,
        "count": len(sent),
        "transfers": [transfer_item(t) for t in sent[:DEFAULT_LIMIT]],
        "upcoming": [transfer_item(t) for t in upcoming[:DEFAULT_LIMIT]],
    }


def recent_transactions(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    pending_only = bool(args.get("pending_only", False))
    query = TransactionQuery(account=args.get("account"), pending=True if pending_only else None, end=today)
    rows = store.transactions(query)
    return {
        "account": args.get("account"),
        "pending_only": pending_only,
        "count": len(rows) if pending_only else None,
        "transactions": [transaction_item(t) for t in rows[: args.get("limit", DEFAULT_LIMIT)]],
    }


def find_transaction(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    period = _period(args, today)
    start, end = _bounds(period)
    rows = store.transactions(TransactionQuery(start=start, end=end, counterparty=args.get("merchant")))
    amount = Decimal(args["amount"]) if "amount" in args else None
    if amount is not None:
        exact = [t for t in rows if abs(t.amount) == amount]
        # "the $42 charge" is usually $42-something: a whole-dollar amount also finds the cents around it.
        if not exact and amount == amount.to_integral_value():
            exact = [t for t in rows if int(abs(t.amount)) == amount]
        rows = exact
    return {
        "merchant": args.get("merchant"),
        "amount": amount,
        "period": period,
        "count": len(rows),
        "matches": [transaction_item(t) for t in rows[:DEFAULT_LIMIT]],
    }


def card_status(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    card = ledger.card(store, args["card"])
    if card is None:
        return {"card": args["card"], "state": None}
    ordered = card.replacement_ordered_on
    return {
        "card": card.id,
        "last_four": card.last_four,
        "state": card.state,
        "expires": card.expires_on,
        "account": card.account,
        "replacement_ordered_on": ordered,
        "arrives_by": None if ordered is None else ledger.business_days_after(ordered, ledger.CARD_DELIVERY_DAYS),
    }


def _stem(word: str) -> str:
    # Crude, but enough to compare a question with a paragraph: "fees" is "fee", "transfers" is "transf".
    return (word[:-1] if len(word) > 3 and word.endswith("s") else word)[:6]


def search_help(store: BankStore, args: dict[str, Any], today: date) -> dict[str, Any]:
    article = store.search_help(args["query"])
    if article is None:
        return {"query": args["query"], "article": None, "passage": None}
    # Quote the paragraph that shares most words with the question; the first one on a tie.
    terms = {_stem(term) for term in query_terms(args["query"])}
    paragraphs = article.body.split("\n\n")
    passage = max(paragraphs, key=lambda p: len(terms & {_stem(word) for word in query_terms(p)}))
    return {"query": args["query"], "article": {"title": article.title, "slug": article.slug}, "passage": passage}


READ_TOOLS: Final[dict[str, ReadTool]] = {
    tool.__name__: tool
    for tool in (
        spending_summary,
        list_card_transactions,
        card_statement,
        get_balance,
        account_history,
        savings_overview,
        interest_earned,
        goal_progress,
        list_bills,
        transfer_status,
        recent_transactions,
        find_transaction,
        card_status,
        search_help,
    )
}
