"""Short spoken answers built only from a tool result's data.

Every figure and date an answer says comes from ``ToolResult.data`` (or, for questions and refusals, from the
result's own sentence): the renderer picks and phrases, it never computes or looks anything up, so an answer
can be checked against the result it came from. Answers are read aloud: "$1,234.50", "Friday, November 28",
"this month"; lists are cut to a few items.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Final

from edge_runtime.bank.clock import Clock
from edge_runtime.bank.store import ACCOUNT_NAMES
from edge_runtime.tools.calls import ToolResult
from edge_runtime.tools.spoken import count, day, join, money, on_day, sentence

Data = dict[str, Any]
Renderer = Callable[[Data, date], str]

#: Items an answer reads out of a list.
SPOKEN_ITEMS: Final[int] = 3
SPOKEN_BILLS: Final[int] = 5

_FALLBACK: Final[dict[str, str]] = {
    "error": "Sorry, I couldn't do that.",
    "already_done": "That was already done.",
    "cancelled": "Okay, nothing was changed.",
    "needs_confirmation": "Shall I go ahead?",
}
_TRANSFER_OUTCOMES: Final[dict[str, str]] = {
    "completed": "went through",
    "pending": "is still pending",
    "scheduled": "is scheduled",
    "failed": "failed, so the money wasn't sent",
}
_CARD_STATES: Final[dict[str, str]] = {
    "active": "active",
    "frozen": "frozen",
    "lost": "blocked, because it was reported lost",
    "inactive": "not activated yet",
    "replacement_ordered": "being replaced",
}


def render_answer(result: ToolResult, clock: Clock) -> str:
    """The sentence(s) to say for ``result``."""
    if result.status not in ("ok", "done"):
        return result.message or _FALLBACK[result.status]
    renderers = _READS if result.status == "ok" else _DONE
    return renderers[result.name](result.data, clock.today())


def _account(account_id: str) -> str:
    return ACCOUNT_NAMES.get(account_id, account_id)


def transaction_phrase(item: Data, today: date, *, merchant: bool = True, pending: bool = True) -> str:
    """One transaction as said in a list: "$45.99 at Amazon on Friday, November 14, still pending".

    ``merchant=False`` leaves out a merchant the sentence already named; ``pending=False`` a pending state.
    """
    amount, who, kind = item["amount"], item["description"], item["kind"]
    value = money(abs(amount))
    if kind == "card":
        what = (f"{value} at {who}" if merchant else value) if amount < 0 else f"a {value} refund from {who}"
    elif kind == "interest":
        what = f"{value} of interest"
    elif kind == "card_payment":
        what = f"{value} to your credit card" if amount < 0 else f"a {value} payment from {who}"
    else:  # deposits, bill payments and transfers name the other side
        what = f"{value} {'to' if amount < 0 else 'from'} {who}"
    return f"{what} {on_day(item['date'], today)}{', still pending' if item['pending'] and pending else ''}"


def _transactions(items: Sequence[Data], today: date, *, merchant: bool = True, pending: bool = True) -> str:
    phrases = [transaction_phrase(item, today, merchant=merchant, pending=pending) for item in items]
    return join(phrases, separator="; ")


def _period(data: Data) -> str:
    return f" {data['period']['phrase']}" if data.get("period") else ""


def _spending_summary(data: Data, today: date) -> str:
    subject = "".join(
        (f" on {data['category']}" if data["category"] else "", f" at {data['merchant']}" if data["merchant"] else "")
    )
    total, period = data["total"], _period(data)
    if data["count"] == 0 and total == 0:
        return f"You didn't spend anything{subject}{period}."
    if total < 0:
        return f"You got back {money(-total)} more than you spent{subject}{period}."
    answer = f"You spent {money(total)}{subject}{period}, across {count(data['count'], 'purchase')}."
    if data["breakdown"]:
        parts = [f"{item['name']} {money(item['total'])}" for item in data["breakdown"]]
        heading = f"By {data['breakdown_by']}"
        answer += f" {heading}: {join(parts)}."
    return answer


def _list_card_transactions(data: Data, today: date) -> str:
    filters = "".join(
        (
            f" at {data['merchant']}" if data["merchant"] else "",
            f" on {data['category']}" if data["category"] else "",
            f" of at least {money(data['min_amount'])}" if data["min_amount"] is not None else "",
        )
    )
    if data["count"] == 0:
        return f"I found no card purchases{filters}{_period(data)}."
    listed = _transactions(data["transactions"][:SPOKEN_ITEMS], today, merchant=not data["merchant"])
    heading = f"{sentence(count(data['count'], 'card purchase'))}{filters}{_period(data)}"
    latest = "" if data["count"] <= SPOKEN_ITEMS else " The latest:"
    return f"{heading}, {money(data['total'])} in total.{latest} {sentence(listed)}."


def _card_statement(data: Data, today: date) -> str:
    statement = data["statement"]
    current = f"Your current balance is {money(data['current_balance'])}."
    if statement is None:
        return f"You don't have a credit card statement yet. {current}"
    closed = on_day(statement["closing_date"], today)
    if statement["balance"] == 0:
        return f"Your last statement, which closed {closed}, had nothing to pay. {current}"
    answer = f"Your statement balance is {money(statement['balance'])}, from the statement that closed {closed}."
    if statement["paid_date"] is not None:
        answer += f" It was paid in full {on_day(statement['paid_date'], today)}."
    else:
        minimum, due = money(statement["minimum_payment"]), on_day(statement["due_date"], today)
        answer += f" The minimum payment of {minimum} is due {due}."
    return f"{answer} {current} You have {money(data['available_credit'])} of credit available."


def _get_balance(data: Data, today: date) -> str:
    if data["account"] == "credit_card":
        available = f"{money(data['available_credit'])} of your {money(data['credit_limit'])} limit"
        if data["owed"] <= 0:
            return f"Your credit card is paid off, and you have {available} available."
        return f"You owe {money(data['owed'])} on your credit card, and you have {available} available."
    answer = f"Your {_account(data['account'])} balance is {money(data['balance'])}."
    if data["available"] != data["balance"]:
        answer += f" With pending transactions, {money(data['available'])} is available."
    return answer


def _account_history(data: Data, today: date) -> str:
    name = _account(data["account"])
    if data["count"] == 0:
        return f"Your {name} account had no transactions{_period(data)}."
    return (
        f"Your {name} account had {count(data['count'], 'transaction')}{_period(data)}: "
        f"{money(data['money_in'])} in and {money(data['money_out'])} out. "
        f"The latest: {_transactions(data['transactions'][:SPOKEN_ITEMS], today)}."
    )


def _savings_overview(data: Data, today: date) -> str:
    answer = f"Your savings balance is {money(data['balance'])}"
    if data["interest_rate"] is not None:
        answer += f", earning {data['interest_rate']}% APY"
    answer += f". You've earned {money(data['interest_this_year'])} in interest this year"
    last = data["last_interest"]
    answer += f", most recently {money(last['amount'])} {on_day(last['date'], today)}." if last else "."
    if data["goals"]:
        goals = [f"{goal['name']}, {money(goal['saved'])} of {money(goal['target'])}" for goal in data["goals"]]
        answer += f" {money(data['in_goals'])} of it is set aside for your goals: {join(goals, separator='; ')}."
    return answer


def _interest_earned(data: Data, today: date) -> str:
    rate = f" Your savings rate is {data['interest_rate']}% APY." if data["interest_rate"] is not None else ""
    if data["count"] == 0:
        return f"No interest was paid into your savings{_period(data)}.{rate}"
    payments = f", from {count(data['count'], 'monthly payment')}" if data["count"] > 1 else ""
    return f"You earned {money(data['total'])} in interest{_period(data)}{payments}.{rate}"


def _goal_sentence(goal: Data, today: date) -> str:
    name = f"your {goal['name'].lower()} goal"
    answer = f"You've saved {money(goal['saved'])} of {money(goal['target'])} for {name}, {goal['percent']}%."
    by = day(goal["target_date"], today)
    if goal["remaining"] == 0:
        return f"{answer} You've reached it!"
    if goal["on_track"]:
        return f"{answer} You're on track to reach it by {by}."
    return f"{answer} You're behind: saving {money(goal['monthly_needed'])} a month would get you there by {by}."


def _goal_progress(data: Data, today: date) -> str:
    goals = data["goals"]
    if not goals:
        return "You don't have any savings goals yet."
    if len(goals) == 1:
        return _goal_sentence(goals[0], today)
    parts = [
        f"{goal['name']}: {money(goal['saved'])} of {money(goal['target'])}, {goal['percent']}%, "
        f"{'on track' if goal['on_track'] else 'behind schedule'}."
        for goal in goals
    ]
    return f"You have {count(len(goals), 'savings goal')}. {' '.join(parts)}"


def _bill_phrase(bill: Data, today: date) -> str:
    head = f"{bill['payee']}, {money(bill['amount'])}"
    if bill["status"] == "paid":
        return f"{head}, paid {on_day(bill['paid_date'], today)}"
    if bill["status"] == "overdue":
        return f"{head}, overdue since {day(bill['due_date'], today)}"
    answer = f"{head}, due {on_day(bill['due_date'], today)}"
    if bill["scheduled_date"] is not None:
        answer += f", with {money(bill['scheduled_amount'])} scheduled {on_day(bill['scheduled_date'], today)}"
    return answer + (", paid by autopay" if bill["autopay"] else "")


def _list_bills(data: Data, today: date) -> str:
    status, period, number = data["status"], _period(data), data["count"]
    if number == 0:
        if status == "paid":
            return f"No bills were paid{period}."
        return f"You have no {status or 'unpaid'} bills{' due' + period if period else ''}."
    if status == "paid":
        heading = f"You paid {count(number, 'bill')}{period}"
    elif status or not period:
        heading = f"You have {count(number, (status or 'unpaid') + ' bill')}{' due' + period if period else ''}"
    else:
        heading = f"{sentence(count(number, 'bill'))} {'is' if number == 1 else 'are'} due{period}"
    listed = "; ".join(_bill_phrase(bill, today) for bill in data["bills"][:SPOKEN_BILLS])
    more = f"; and {number - SPOKEN_BILLS} more" if number > SPOKEN_BILLS else ""
    return f"{heading}, {money(data['total'])} in total: {listed}{more}."


def _transfer_phrase(transfer: Data, today: date, *, recipient: bool) -> str:
    to = f" to {transfer['to']}" if recipient else ""
    return f"{money(transfer['amount'])}{to} {on_day(transfer['date'], today)}"


def _transfer_status(data: Data, today: date) -> str:
    to = f" to {data['to']}" if data["to"] else ""
    named = not data["to"]  # without a recipient in the question, each transfer says who it went to
    sent, upcoming = data["transfers"], data["upcoming"]
    if not sent and not upcoming:
        return f"I found no transfers{to}{_period(data)}."
    answer = ""
    if sent:
        first = sent[0]
        answer = (
            f"Your latest transfer{to}, {_transfer_phrase(first, today, recipient=named)}, "
            f"{_TRANSFER_OUTCOMES[first['status']]}."
        )
        earlier = [f"{_transfer_phrase(t, today, recipient=named)}, {t['status']}" for t in sent[1:SPOKEN_ITEMS]]
        if earlier:
            answer += f" Before that: {'; '.join(earlier)}."
    if upcoming:
        planned = join([_transfer_phrase(t, today, recipient=named) for t in upcoming[:SPOKEN_ITEMS]], separator="; ")
        answer += f" Scheduled{to}: {planned}."
    return answer.strip()


def _recent_transactions(data: Data, today: date) -> str:
    where = f" on your {_account(data['account'])} account" if data["account"] else ""
    items = data["transactions"]
    if data["pending_only"]:
        if not items:
            return f"Nothing is pending{where}."
        listed = _transactions(items, today, pending=False)
        if len(items) < data["count"]:
            return f"You have {count(data['count'], 'pending transaction')}{where}. The latest {len(items)}: {listed}."
        return f"You have {count(data['count'], 'pending transaction')}{where}: {listed}."
    if not items:
        return f"There are no transactions{where} yet."
    listed = _transactions(items, today)
    return f"Your last {count(len(items), 'transaction')}{where}: {listed}."


def _find_transaction(data: Data, today: date) -> str:
    criteria = "".join(
        (
            f" of {money(data['amount'])}" if data["amount"] is not None else "",
            f" with {data['merchant']}" if data["merchant"] else "",
            _period(data),
        )
    )
    matches = data["matches"]
    if not matches:
        return f"I couldn't find a transaction{criteria}."
    account = f", on your {_account(matches[0]['account'])} account"
    if data["count"] == 1:
        return f"I found it: {transaction_phrase(matches[0], today)}{account}."
    latest = _transactions(matches[:SPOKEN_ITEMS], today)
    return f"I found {count(data['count'], 'transaction')}{criteria}. The latest: {latest}."


def _card_status(data: Data, today: date) -> str:
    if data["state"] is None:
        return f"You don't have a {data['card']} card."
    expires = data["expires"]
    answer = (
        f"Your {data['card']} card ending {data['last_four']} is {_CARD_STATES[data['state']]}. "
        f"It expires at the end of {expires:%B} {expires.year}."
    )
    if data["replacement_ordered_on"] is not None:
        ordered = on_day(data["replacement_ordered_on"], today)
        answer += f" Its replacement was ordered {ordered} and should arrive by {day(data['arrives_by'], today)}."
    return answer


def _search_help(data: Data, today: date) -> str:
    if data["article"] is None:
        return "I couldn't find a help article that answers that. Could you ask it another way?"
    return f"From our help article '{data['article']['title']}': {data['passage']}"


_READS: Final[dict[str, Renderer]] = {
    "spending_summary": _spending_summary,
    "list_card_transactions": _list_card_transactions,
    "card_statement": _card_statement,
    "get_balance": _get_balance,
    "account_history": _account_history,
    "savings_overview": _savings_overview,
    "interest_earned": _interest_earned,
    "goal_progress": _goal_progress,
    "list_bills": _list_bills,
    "transfer_status": _transfer_status,
    "recent_transactions": _recent_transactions,
    "find_transaction": _find_transaction,
    "card_status": _card_status,
    "search_help": _search_help,
}


def _paid_bill(data: Data, today: date) -> str:
    if data["scheduled"]:
        return f"Done. {money(data['amount'])} to {data['payee']} is scheduled {on_day(data['date'], today)}."
    answer = f"Done. I paid {money(data['amount'])} to {data['payee']}."
    if data["remaining"] > 0:
        answer += f" {money(data['remaining'])} is still due on that bill."
    return f"{answer} Your checking balance is now {money(data['checking_balance'])}."


def _transferred(data: Data, today: date) -> str:
    amount, source, to = money(data["amount"]), _account(data["from_account"]), data["to"]
    if data["status"] == "scheduled":
        return f"Done. {amount} from {source} to {to} is scheduled {on_day(data['date'], today)}."
    if to == ACCOUNT_NAMES["credit_card"]:
        moved = f"I paid {amount} toward your credit card from {source}"
    elif to in ACCOUNT_NAMES.values():
        moved = f"I moved {amount} from {source} to {to}"
    else:
        moved = f"I sent {amount} to {to} from your {source} account"
    return f"Done. {moved}. Your {source} balance is now {money(data['from_balance'])}."


def _card_done(template: str) -> Renderer:
    def render(data: Data, today: date) -> str:
        card = f"your {data['card']} card ending {data['last_four']}"
        return sentence(template.format(card=card))

    return render


def _replacement_ordered(data: Data, today: date) -> str:
    return (
        f"I ordered a new {data['card']} card. It ends in {data['last_four']} and should arrive by "
        f"{day(data['arrives_by'], today)}. Your card ending {data['previous_last_four']} no longer works."
    )


_DONE: Final[dict[str, Renderer]] = {
    "pay_bill": _paid_bill,
    "set_autopay": lambda data, today: f"Done. Autopay is {'on' if data['enabled'] else 'off'} for {data['payee']}.",
    "transfer": _transferred,
    "freeze_card": _card_done("{card} is now frozen. Ask me to unfreeze it whenever you like."),
    "unfreeze_card": _card_done("{card} is unfrozen and ready to use."),
    "report_lost_card": _card_done("{card} is now blocked for good. Ask me to order a replacement if you need one."),
    "activate_card": _card_done("{card} is active and ready to use."),
    "order_replacement": _replacement_ordered,
}
