"""Training and evaluation data of the eight specialists, generated deterministically from phrase tables.

A specialist is a small language model that turns one banking utterance into exactly one JSON call of its
own tools (``edge_runtime/tools/schemas.py``), or ``{"name":"out_of_scope"}``. Its prompt holds the
utterance, the date it is said on and, for follow-ups, the previous turn's call.

Design: as in ``export/router_data.py``, the data lives in tables (``export/specialist_phrases.py``) and the
engine is a few short functions.

- A template is a phrasing with ``{slot}`` placeholders, a tool and fixed arguments. A slot named after an
  argument draws a surface form and its value together ("eating out" -> dining, "$84.20" -> "84.20",
  "in October" -> the dates of the most recent October), so text and target cannot disagree. Each
  template is one group (``"card_spending/spending_summary/category_period/4"``) and a whole group goes
  to one split: the test split measures phrasings the specialist never saw.
- Every example has its own ``today``, a date in 2025-2027; explicit periods and dates follow from it.
- Each specialist gets four kinds of example in fixed shares: plain requests; complete requests with an
  unrelated ``previous`` call, which the model must ignore; follow-ups ("and last month?") whose target
  is the previous call with the changed arguments; and negatives (target out_of_scope): other
  specialists' requests, in-domain requests none of its tools can do, advice and off-topic questions.
- Surface: an example is written ("Starbucks"), typed in lower case, or spoken (ASR style: lower case, no
  punctuation, numbers often in words); politeness and typos are added. Typos never touch a slot, so the
  words an argument is copied from stay intact, and a copied argument takes the casing the text has.
- Templates are visited round-robin until each kind reaches its count. Texts are unique per specialist
  after normalising case, punctuation and whitespace.

Conventions the data teaches (the toolbox and the prompts rely on them):

- Free text is copied as said: merchant, goal, payee without "the", "my" and "bill" ("pay the electric
  bill" -> "electric"), transfer ``to`` as an account (``savings``, ``checking``, ``credit card``: a name
  has no underscore) or a saved payee ("my landlord" -> "landlord"); a help query is the question in
  lower case without filler and final punctuation.
- Amounts: digits, no "$" or commas; two decimals only when the user said cents ("$1,250" -> "1250").
- Periods: "in October" is the most recent October that has ended; "between March 3 and March 10" and
  "on March 3" the most recent such days up to today; "since ..." ends today; weeks start on Monday.
  Dates to pay or transfer on are the next such day from today. Upcoming bills' periods run from today
  on ("due this month" -> today to the month's end), as named periods end today.
- Left unsaid: a required period is ``last_30_days``, an account is ``checking``, and a transfer comes
  from ``checking`` (from ``savings`` when it goes to checking).

Only ``random.Random`` seeded from the label and the seed is used and every table is ordered, so a seed
gives the same list on any machine and in any process.
"""

from __future__ import annotations

import calendar
import hashlib
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, NamedTuple

from edge_runtime.tools.schemas import (
    ACCOUNTS,
    OUT_OF_SCOPE,
    SPECIALIST_TOOLS,
    argument_names,
    canonical_json,
    required_arguments,
)
from export import specialist_phrases as phrases
from export.datasets import Split

# The router generator's period phrasings, number words and normalisation, so both data sets speak alike.
from export.router_data import NAMED_PERIODS, _ordinal_digits, _ordinal_words, _words, normalise


@dataclass(frozen=True)
class SpecialistExample:
    """One generated specialist example: what the prompt shows and the call to emit."""

    label: str  # specialist label (a key of SPECIALIST_TOOLS)
    text: str  # the user's utterance
    today: date  # the date the utterance is said on
    previous: str | None  # canonical JSON of the previous turn's call, for follow-ups
    target: str  # canonical JSON of the right call, or of out_of_scope
    group: str  # template id: examples sharing a group go to the same split


# Examples per specialist. help_center has one tool and one argument, so it needs fewer.
TARGET_COUNTS: dict[str, int] = {
    "card_spending": 900,
    "accounts": 900,
    "savings": 900,
    "bill_payments": 900,
    "transfers": 900,
    "recent_transactions": 900,
    "card_services": 900,
    "help_center": 640,
}

# Shares of the kinds of example; plain requests take the rest.
_SHARE_PREVIOUS = 0.05
_SHARE_FOLLOW_UP = 0.12
_SHARE_NEGATIVE = 0.15
# Shares of the negatives: other specialists' requests, unsupported in-domain requests, off-topic.
_NEGATIVE_MIX = (0.45, 0.35, 0.20)
_P_NEGATIVE_PREVIOUS = 0.2

# Surface modes and the probabilities of the transformations.
_MODES = ("written", "lower", "asr")
_MODE_WEIGHTS = (0.62, 0.15, 0.23)
_P_POLITE = 0.25
_P_HELP_PREFIX = 0.3
_P_TYPO = 0.1
_P_CAPITALISE = 0.7
_P_DROP_END_PUNCT = 0.25
_P_SPELL_NUMBER = 0.5
_P_LOWER_NAME = 0.25
_P_NAMED_PERIOD = 0.55
# Attempts per group and round, rounds, and surface variants of one filled template at most.
_ATTEMPTS = 6
_MAX_ROUNDS = 400
_MAX_VARIANTS = 3
_MAX_QUERY = 120

_FIRST_DAY = date(2025, 1, 1)
_DAYS = (date(2028, 1, 1) - _FIRST_DAY).days
_SPLIT_PERCENT = (80, 10, 10)

# English names whatever the locale (calendar.month_name follows LC_TIME).
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SLOT_RE = re.compile(r"\{(\w+)\}")
_INT_RE = re.compile(r"\b\d+\b")
_DOLLARS_RE = re.compile(r"\$([\d,]+)")
_NOT_SPOKEN_RE = re.compile(r"[^a-z0-9' ]+")

Period = str | dict[str, str]


class _Segment(NamedTuple):
    text: str
    literal: bool  # plain words; False for a drawn slot, which typos and casing never touch


@dataclass(frozen=True)
class _Template:
    group: str
    tool: str
    fixed: dict[str, Any]
    pattern: str


@dataclass(frozen=True)
class _Draft:
    core: str  # the filled template before politeness and typos: caps the variants of one filling
    text: str
    today: date
    previous: str | None
    target: str


@dataclass(frozen=True)
class _Ctx:
    """What one utterance is drawn with: the random source, its date and its surface mode."""

    rng: random.Random
    today: date
    mode: str  # "written", "lower" (typed in lower case) or "asr"

    def say(self, text: str) -> str:
        """Plain words in this mode."""
        if self.mode == "written":
            return text
        if self.mode == "lower":
            return text.lower()
        text = _DOLLARS_RE.sub(lambda m: m.group(1).replace(",", "") + " dollars", text.lower())
        text = _INT_RE.sub(lambda m: self.number(int(m.group())), text.replace("&", " and "))
        return _NOT_SPOKEN_RE.sub(" ", text.replace("%", " percent"))

    def number(self, n: int) -> str:
        return _words(n) if self.mode == "asr" and self.rng.random() < _P_SPELL_NUMBER else str(n)

    def ordinal(self, n: int) -> str:
        return _ordinal_words(n) if self.mode == "asr" else _ordinal_digits(n)

    def month_day(self, day: date) -> str:
        month = _MONTHS[day.month - 1]
        if self.mode == "asr":
            spoken = (f"{month} {_ordinal_words(day.day)}", f"the {_ordinal_words(day.day)} of {month}")
            return self.rng.choice(spoken).lower()
        forms = (
            f"{month} {day.day}",
            f"{month} {_ordinal_digits(day.day)}",
            f"{day.month}/{day.day}",
            f"the {_ordinal_digits(day.day)} of {month}",
            f"{month[:3]} {day.day}",
        )
        return self.say(self.rng.choice(forms))

    def name(self, value: str) -> str:
        """A name the user says, as it will be copied into an argument."""
        if self.mode == "asr":
            return " ".join(_NOT_SPOKEN_RE.sub(" ", value.lower().replace("&", " and ")).split())
        if self.mode == "lower" or self.rng.random() < _P_LOWER_NAME:
            return value.lower()
        return value


# ----------------------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------------------


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _span(start: date, end: date) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}


def _month_span(first: date) -> dict[str, str]:
    return _span(first, first.replace(day=calendar.monthrange(first.year, first.month)[1]))


def _shift_back(period: Period | None, unit: str, today: date) -> Period | None:
    """The period one week or one month before ``period`` ("and the week before?"), if it has one."""
    monday = today - timedelta(days=today.weekday())
    if unit == "week":
        if period == "this_week":
            return "last_week"
        if period == "last_week":
            return _span(monday - timedelta(days=14), monday - timedelta(days=8))
        if isinstance(period, dict):
            start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
            if start.weekday() == 0 and (end - start).days == 6:
                return _span(start - timedelta(days=7), end - timedelta(days=7))
        return None
    if period == "this_month":
        return "last_month"
    if period == "last_month":
        return _month_span(_month_start(today, 2))
    if isinstance(period, dict):
        start = date.fromisoformat(period["start"])
        if start.day == 1 and period == _month_span(start):
            return _month_span(_month_start(start, 1))
    return None


def _shiftable(unit: str, ctx: _Ctx) -> Period:
    """A period that has a week (or a month) before it: this or last one, or an earlier whole one."""
    draw = ctx.rng.randrange(3)
    if unit == "week":
        monday = ctx.today - timedelta(days=ctx.today.weekday() + 7 * ctx.rng.randint(2, 8))
        return ("this_week", "last_week", _span(monday, monday + timedelta(days=6)))[draw]
    return ("this_month", "last_month", _month_span(_month_start(ctx.today, ctx.rng.randint(2, 11))))[draw]


# ----------------------------------------------------------------------------------------------------------
# Slot renderers: each draws a surface form and the argument value it means.
# ----------------------------------------------------------------------------------------------------------

Renderer = Callable[[_Ctx], tuple[str, Any]]


def _period(ctx: _Ctx) -> tuple[str, Period]:
    """A past period: a named one, or dates that have passed."""
    rng, today = ctx.rng, ctx.today
    if rng.random() < _P_NAMED_PERIOD:
        name = rng.choice(tuple(NAMED_PERIODS))
        return ctx.say(rng.choice(NAMED_PERIODS[name])), name
    kind = rng.randrange(6)
    if kind in (0, 1):  # a whole month, with or without its year
        first = _month_start(today, rng.randint(1, 11 if kind == 0 else 18))
        month = ctx.say(_MONTHS[first.month - 1])
        if kind == 1:
            return f"{ctx.say('in')} {month} {first.year}", _month_span(first)
        return f"{ctx.say(rng.choice(('in', 'during', 'for')))} {month}", _month_span(first)
    if kind == 2:
        end = today - timedelta(days=rng.randint(1, 250))
        start = end - timedelta(days=rng.randint(2, 20))
        words = rng.choice((("between", "and"), ("from", "to")))
        return f"{words[0]} {ctx.month_day(start)} {words[1]} {ctx.month_day(end)}", _span(start, end)
    if kind == 3:  # "between the 3rd and the 10th": this month's days if they have passed, else last month's
        first_day = rng.randint(1, 20)
        last_day = first_day + rng.randint(2, 8)
        first = today.replace(day=1) if last_day <= today.day else _month_start(today, 1)
        surface = f"between the {ctx.ordinal(first_day)} and the {ctx.ordinal(last_day)}"
        return surface, _span(first.replace(day=first_day), first.replace(day=last_day))
    if kind == 4:
        if rng.random() < 0.5:
            number = rng.randint(1, 28)
            start = today.replace(day=number) if number <= today.day else _month_start(today, 1).replace(day=number)
            if number == 1 and start.month == today.month and rng.random() < 0.5:
                return ctx.say("since the 1st of this month"), _span(start, today)
            return f"since the {ctx.ordinal(number)}", _span(start, today)
        start = today - timedelta(days=rng.randint(7, 200))
        return f"since {ctx.month_day(start)}", _span(start, today)
    day = today - timedelta(days=rng.randint(2, 200))
    return f"on {ctx.month_day(day)}", _span(day, day)


_DAY_WORDS = {
    "today": ("today", "this morning", "earlier today", "this afternoon"),
    "yesterday": ("yesterday", "last night", "yesterday afternoon"),
}


def _day(ctx: _Ctx) -> tuple[str, Period]:
    """One past day, as a purchase is remembered: "yesterday", "on Monday", "3 days ago"."""
    rng, today = ctx.rng, ctx.today
    draw = rng.random()
    if draw < 0.4:
        name = rng.choice(tuple(_DAY_WORDS))
        return ctx.say(rng.choice(_DAY_WORDS[name])), name
    if draw < 0.65:
        day = today - timedelta(days=rng.randint(2, 6))
        weekday = _WEEKDAYS[day.weekday()]
        return ctx.say(rng.choice((f"on {weekday}", f"this past {weekday}"))), _span(day, day)
    if draw < 0.85:
        day = today - timedelta(days=rng.randint(7, 90))
        return f"on {ctx.month_day(day)}", _span(day, day)
    days = rng.randint(2, 5)
    day = today - timedelta(days=days)
    return f"{ctx.number(days)} {ctx.say('days ago')}", _span(day, day)


def _month(ctx: _Ctx) -> tuple[str, Period]:
    """A month name alone ("statement for {month}"): the most recent such month that has ended."""
    first = _month_start(ctx.today, ctx.rng.randint(1, 11))
    return ctx.say(_MONTHS[first.month - 1]), _month_span(first)


def _upcoming(ctx: _Ctx) -> tuple[str, Period]:
    """Days of bills to come, from today on: named periods end today, so these are always dates."""
    rng, today = ctx.rng, ctx.today
    kind = rng.randrange(6)
    if kind == 0:
        sunday = today + timedelta(days=6 - today.weekday())
        return ctx.say(rng.choice(("this week", "later this week", "for the rest of the week"))), _span(today, sunday)
    if kind == 1:
        last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        return ctx.say(rng.choice(("this month", "before the end of the month"))), _span(today, last)
    if kind == 2:
        monday = today + timedelta(days=7 - today.weekday())
        return ctx.say("next week"), _span(monday, monday + timedelta(days=6))
    if kind == 3:
        return ctx.say("next month"), _month_span(_month_start(today, -1))
    if kind == 4:
        first = _month_start(today, -rng.randint(2, 6))
        return f"{ctx.say('in')} {ctx.say(_MONTHS[first.month - 1])}", _month_span(first)
    start = today + timedelta(days=rng.randint(1, 30))
    end = start + timedelta(days=rng.randint(3, 14))
    return f"between {ctx.month_day(start)} and {ctx.month_day(end)}", _span(start, end)


def _date(ctx: _Ctx) -> tuple[str, str]:
    """A day to pay or transfer on: today or the next such day."""
    rng, today = ctx.rng, ctx.today
    kind = rng.randrange(8)
    if kind == 0:
        if rng.random() < 0.2:
            return ctx.say(rng.choice(("today", "later today"))), today.isoformat()
        return ctx.say("tomorrow"), (today + timedelta(days=1)).isoformat()
    if kind == 1:
        return ctx.say("the day after tomorrow"), (today + timedelta(days=2)).isoformat()
    if kind == 2:
        day = today + timedelta(days=rng.randint(2, 6))
        return ctx.say(f"on {_WEEKDAYS[day.weekday()]}"), day.isoformat()
    if kind == 3:
        number = rng.choice([n for n in range(1, 29) if n != today.day])
        day = today.replace(day=number) if number > today.day else _month_start(today, -1).replace(day=number)
        return f"on the {ctx.ordinal(number)}", day.isoformat()
    if kind == 4:
        day = today + timedelta(days=rng.randint(3, 200))
        return f"on {ctx.month_day(day)}", day.isoformat()
    if kind == 5:
        days = rng.randint(2, 10)
        return f"{ctx.say('in')} {ctx.number(days)} {ctx.say('days')}", (today + timedelta(days=days)).isoformat()
    if kind == 6:
        last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
        if last > today:
            return ctx.say(rng.choice(("at the end of the month", "on the last day of the month"))), last.isoformat()
    first = _month_start(today, -1)
    return f"on the {ctx.ordinal(1)} of {ctx.say('next month')}", first.isoformat()


def _money(ctx: _Ctx, dollars: int, cents: int) -> tuple[str, str]:
    rng = ctx.rng
    value = f"{dollars}.{cents:02d}" if cents else str(dollars)
    if ctx.mode == "asr":
        head = _words(dollars) if rng.random() < 0.6 else str(dollars)
        if cents:
            return f"{head} dollars and {_words(cents)} cents", value
        return f"{head} {'bucks' if dollars < 200 and rng.random() < 0.2 else 'dollars'}", value
    if cents:
        return rng.choice((f"${dollars:,}.{cents:02d}", f"${dollars}.{cents:02d}", f"{dollars}.{cents:02d}")), value
    form = rng.randrange(6)
    if form == 0:
        return f"{dollars} dollars", value
    if form == 1 and dollars < 200:
        return f"{dollars} bucks", value
    if form == 2 and rng.random() < 0.4:
        return f"${dollars:,}.00", f"{dollars}.00"
    return (f"${dollars:,}" if rng.random() < 0.7 else f"${dollars}"), value


def _amount(ctx: _Ctx) -> tuple[str, str]:
    """A bill or transfer amount, from a few dollars to a few thousand."""
    rng = ctx.rng
    dollars = rng.choice((rng.randint(5, 150), rng.randint(150, 950), rng.randint(1000, 5000)))
    if rng.random() < 0.5:
        dollars = max(10, round(dollars, -1 if dollars < 1000 else -2))
    return _money(ctx, dollars, rng.choice((0, 0, 0, 0, 50, 99, rng.randint(1, 98))))


def _charge(ctx: _Ctx) -> tuple[str, str]:
    """A card purchase amount, often with cents."""
    rng = ctx.rng
    dollars = rng.choice((rng.randint(1, 60), rng.randint(20, 300)))
    return _money(ctx, dollars, rng.choice((0, 0, 50, 99, rng.randint(1, 98), rng.randint(1, 98))))


def _min_amount(ctx: _Ctx) -> tuple[str, str]:
    return _money(ctx, ctx.rng.choice((20, 25, 50, 75, 100, 150, 200, 250, 300, 500, 1000)), 0)


def _limit(ctx: _Ctx) -> tuple[str, int]:
    rng = ctx.rng
    count = rng.choice((2, 3, 3, 4, 5, 5, 5, 7, 8, 10, 10, 12, 15, 20, 25, 30, 50))
    spelled = rng.random() < (0.7 if ctx.mode == "asr" else 0.35)
    return (_words(count) if spelled else str(count)), count


def _choice(table: dict[str, tuple[str, ...]], my: bool = False, keys: Sequence[str] = ()) -> Renderer:
    """A renderer of an enum argument from its table of surface forms ("eating out" -> dining)."""

    def render(ctx: _Ctx) -> tuple[str, str]:
        value = ctx.rng.choice(tuple(keys or table))
        surface = ctx.rng.choice(table[value])
        return ctx.say(f"my {surface}" if my and ctx.rng.random() < 0.5 else surface), value

    return render


def _copied(pool: tuple[str, ...]) -> Renderer:
    """A renderer of a free-text argument, copied as said."""

    def render(ctx: _Ctx) -> tuple[str, str]:
        name = ctx.name(ctx.rng.choice(pool))
        return name, name

    return render


def _to_account(ctx: _Ctx) -> tuple[str, str]:
    """An own account to move money to. ``to`` is a name, which cannot hold "credit_card": "credit card"."""
    surface, account = _choice(phrases.ACCOUNT_PHRASES, my=True, keys=ACCOUNTS)(ctx)
    return surface, account.replace("_", " ")


def _payee(ctx: _Ctx) -> tuple[str, str]:
    """A bill as people name it; the payee is the name or kind without "the", "my" and "bill"."""
    rng = ctx.rng
    draw = rng.random()
    if draw < 0.4:
        kind = ctx.name(rng.choice(phrases.PAYEE_BILL_KINDS))
        return f"{rng.choice(('the ', 'my ', ''))}{kind} bill", kind
    if draw < 0.65:
        due = ctx.name(rng.choice(phrases.PAYEE_DUES))
        return f"{rng.choice(('the ', 'my '))}{due}", due
    name = ctx.name(rng.choice(phrases.PAYEE_NAMES))
    return rng.choice((name, name, f"my {name} bill", f"the {name} bill")), name


def _to_person(ctx: _Ctx) -> tuple[str, str]:
    """A saved payee of a transfer: a name, or "my landlord" (-> "landlord")."""
    if ctx.rng.random() < 0.25:
        relation = ctx.name(ctx.rng.choice(phrases.RELATIONS))
        return f"my {relation}", relation
    name = ctx.name(ctx.rng.choice(phrases.PEOPLE))
    return name, name


_RENDERERS: dict[str, Renderer] = {
    "period": _period,
    "day": _day,
    "month": _month,
    "upcoming": _upcoming,
    "date": _date,
    "amount": _amount,
    "charge": _charge,
    "min_amount": _min_amount,
    "limit": _limit,
    "category": _choice(phrases.CATEGORY_PHRASES),
    "account": _choice(phrases.ACCOUNT_PHRASES),
    "from_account": _choice(phrases.ACCOUNT_PHRASES, my=True, keys=("checking", "savings")),
    "to_account": _to_account,
    "card": _choice(phrases.CARD_PHRASES),
    "merchant": _copied(phrases.MERCHANTS),
    "goal": _copied(phrases.GOALS),
    "payee_name": _copied(phrases.PAYEE_NAMES),
    "payee": _payee,
    "to_person": _to_person,
}

# ----------------------------------------------------------------------------------------------------------
# The engine
# ----------------------------------------------------------------------------------------------------------


def _fill(pattern: str, ctx: _Ctx) -> tuple[list[_Segment], dict[str, Any]]:
    """The pattern's segments in ``ctx``'s mode and the arguments its slots set."""
    segments: list[_Segment] = []
    arguments: dict[str, Any] = {}
    position = 0
    for match in _SLOT_RE.finditer(pattern):
        segments.append(_Segment(ctx.say(pattern[position : match.start()]), literal=True))
        slot = match.group(1)
        if slot in phrases.FILLERS or slot in phrases.TEXT_SLOTS:
            words = phrases.FILLERS.get(slot) or phrases.TEXT_SLOTS[slot]
            segments.append(_Segment(ctx.say(ctx.rng.choice(words)), literal=True))
        else:
            surface, value = _RENDERERS[slot.removeprefix("x_")](ctx)
            segments.append(_Segment(surface, literal=False))
            if not slot.startswith("x_"):
                arguments[phrases.SLOT_ARGUMENT.get(slot, slot)] = value
        position = match.end()
    segments.append(_Segment(ctx.say(pattern[position:]), literal=True))
    return segments, arguments


def _joined(segments: Sequence[_Segment]) -> str:
    return " ".join("".join(segment.text for segment in segments).split())


def _complete(tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Arguments with the conventions for what the user left unsaid."""
    if tool == "transfer" and "from_account" not in arguments:
        return {**arguments, "from_account": "savings" if arguments.get("to") == "checking" else "checking"}
    return arguments


def _consistent(tool: str, arguments: dict[str, Any], today: date) -> bool:
    """Whether a call makes sense on ``today``: past periods have passed, payment dates have not."""
    iso = today.isoformat()
    if not set(required_arguments(tool)) <= set(arguments):
        return False
    if tool == "transfer" and arguments["from_account"] == arguments["to"]:
        return False
    if "date" in arguments:
        return bool(arguments["date"] >= iso)
    period, upcoming = arguments.get("period"), arguments.get("status") == "upcoming"
    if isinstance(period, dict):
        start, end = str(period["start"]), str(period["end"])
        return start <= end and (start >= iso if upcoming else end <= iso)
    return period is None or not upcoming  # a named period ends today: no bill in it is still to come


def _render(template: _Template, ctx: _Ctx) -> tuple[list[_Segment], dict[str, Any]] | None:
    """The template filled, and its call's arguments; None when the drawn call makes no sense."""
    segments, slots = _fill(template.pattern, ctx)
    arguments = _complete(template.tool, {**template.fixed, **slots})
    if template.tool == "search_help":
        query = _joined(segments).lower().rstrip("?.!, ")
        if not 2 <= len(query) <= _MAX_QUERY or '"' in query or "\\" in query:
            return None
        arguments = {"query": query}
    return (segments, arguments) if _consistent(template.tool, arguments, ctx.today) else None


def _typo(segments: list[_Segment], rng: random.Random) -> list[_Segment]:
    """Swap, drop or double a letter in one or two plain words ("balanse", "trasnfer")."""
    candidates = [
        (i, j)
        for i, segment in enumerate(segments)
        if segment.literal
        for j, word in enumerate(segment.text.split(" "))
        if len(word) >= 4 and word.isalpha() and word.lower() not in phrases.PROTECTED_WORDS
    ]
    for i, j in rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 2)))):
        words = segments[i].text.split(" ")
        word, k = words[j], rng.randrange(1, len(words[j]) - 1)
        swapped = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
        words[j] = rng.choice((swapped, word[:k] + word[k + 1 :], word[:k] + word[k] + word[k:]))
        segments[i] = _Segment(" ".join(words), literal=True)
    return segments


def _finish(segments: list[_Segment], ctx: _Ctx, help_question: bool = False) -> str:
    """The utterance: politeness, typos, casing and final punctuation over the filled template."""
    rng = ctx.rng
    segments = list(segments)
    first = _joined(segments).split(" ", 1)[0].lower()
    if help_question:
        if rng.random() < _P_HELP_PREFIX:
            segments.insert(0, _Segment(ctx.say(rng.choice(phrases.HELP_PREFIXES)), literal=True))
    elif rng.random() < _P_POLITE:
        if first in phrases.IMPERATIVES and rng.random() < 0.6:
            segments.insert(0, _Segment(ctx.say(rng.choice(phrases.REQUEST_PREFIXES)), literal=True))
        elif rng.random() < 0.5:
            segments.insert(0, _Segment(ctx.say(rng.choice(phrases.POLITE_PREFIXES)), literal=True))
        else:
            last = segments[-1]
            if last.literal:
                segments[-1] = _Segment(last.text.rstrip("?.! "), literal=True)
            segments.append(_Segment(ctx.say(rng.choice(phrases.POLITE_SUFFIXES)), literal=True))
    if not help_question and rng.random() < _P_TYPO:
        segments = _typo(segments, rng)
    text = _joined(segments)
    if ctx.mode != "asr" and rng.random() < _P_DROP_END_PUNCT:
        text = text.rstrip("?.!")
    opening = next(segment for segment in segments if segment.text.strip())
    if ctx.mode == "written" and opening.literal and rng.random() < _P_CAPITALISE:
        text = text[0].upper() + text[1:]
    return text


def _new_ctx(rng: random.Random) -> _Ctx:
    today = _FIRST_DAY + timedelta(days=rng.randrange(_DAYS))
    return _Ctx(rng, today, rng.choices(_MODES, _MODE_WEIGHTS)[0])


@cache
def _templates(label: str) -> tuple[_Template, ...]:
    if label == "help_center":
        return tuple(
            _Template(f"help_center/search_help/{intent}/{i}", "search_help", {}, pattern)
            for intent, patterns in phrases.HELP_QUESTIONS.items()
            for i, pattern in enumerate(patterns)
        )
    return tuple(
        _Template(f"{label}/{tool}/{intent}/{i}", tool, fixed, pattern)
        for intent, (tool, fixed, patterns) in phrases.TEMPLATES[label].items()
        for i, pattern in enumerate(patterns)
    )


def _previous_call(label: str, ctx: _Ctx) -> str | None:
    """An unrelated earlier call of the same specialist, said on the same day."""
    template = ctx.rng.choice(_templates(label))
    rendered = _render(template, _Ctx(ctx.rng, ctx.today, "written"))
    return None if rendered is None else canonical_json(template.tool, rendered[1])


Maker = Callable[[random.Random], _Draft | None]


def _request(label: str, template: _Template, with_previous: bool) -> Maker:
    """A complete request; with an unrelated previous call when ``with_previous``."""

    def make(rng: random.Random) -> _Draft | None:
        ctx = _new_ctx(rng)
        rendered = _render(template, ctx)
        if rendered is None:
            return None
        segments, arguments = rendered
        target = canonical_json(template.tool, arguments)
        previous = _previous_call(label, ctx) if with_previous else None
        if with_previous and previous in (None, target):
            return None
        text = _finish(segments, ctx, help_question=template.tool == "search_help")
        return _Draft(_joined(segments), text, ctx.today, previous, target)

    return make


def _follow_up(label: str, spec: phrases.FollowUp, pattern: str) -> Maker:
    """A short follow-up: the previous call with the arguments the follow-up changes."""
    bases = [template for template in _templates(label) if template.tool in spec.after]

    def make(rng: random.Random) -> _Draft | None:
        ctx = _new_ctx(rng)
        base = rng.choice(bases)
        rendered = _render(base, ctx)
        if rendered is None:
            return None
        before = dict(rendered[1])
        if spec.shift and "period" in before:  # a period that has a week or a month before it
            before["period"] = _shiftable(spec.shift, ctx)
        tool = spec.tool or base.tool
        if set(before) - set(argument_names(tool)) - set(spec.drop):  # a switch must not lose a filter
            return None
        kept = {key: value for key, value in before.items() if key not in spec.drop}
        if spec.shift:
            kept["period"] = _shift_back(kept.get("period"), spec.shift, ctx.today)
        segments, slots = _fill(pattern, ctx)
        arguments = _complete(tool, {**kept, **spec.fixed, **slots})
        previous, target = canonical_json(base.tool, before), canonical_json(tool, arguments)
        if previous == target or arguments.get("period", "") is None or not _consistent(tool, arguments, ctx.today):
            return None
        return _Draft(_joined(segments), _finish(segments, ctx), ctx.today, previous, target)

    return make


def _negative(label: str, template: _Template | None, pattern: str) -> Maker:
    """An out-of-scope request: another specialist's ``template``, or a ``pattern`` no tool serves."""
    overlaps = [value for prefix, value in phrases.OVERLAPS[label] if template and template.group.startswith(prefix)]

    def make(rng: random.Random) -> _Draft | None:
        ctx = _new_ctx(rng)
        if template is None:
            segments, _ = _fill(pattern, ctx)
        else:
            rendered = _render(template, ctx)
            if rendered is None or any(value in rendered[1].values() for value in overlaps):
                return None
            segments = rendered[0]
        previous = _previous_call(label, ctx) if rng.random() < _P_NEGATIVE_PREVIOUS else None
        help_question = template is not None and template.tool == "search_help"
        text = _finish(segments, ctx, help_question=help_question)
        return _Draft(_joined(segments), text, ctx.today, previous, canonical_json(OUT_OF_SCOPE))

    return make


def _negative_pools(label: str, rng: random.Random) -> list[list[tuple[str, Maker]]]:
    """Makers of the three kinds of negative, in the order of ``_NEGATIVE_MIX``."""
    others = [
        (f"{label}/out_of_scope/{template.group}", _negative(label, template, template.pattern))
        for other in SPECIALIST_TOOLS
        if other != label
        for template in _templates(other)
        if not any(template.group.startswith(prefix) for prefix, value in phrases.OVERLAPS[label] if value is None)
    ]
    rng.shuffle(others)
    unsupported = [
        (f"{label}/out_of_scope/unsupported/{i}", _negative(label, None, pattern))
        for i, pattern in enumerate(phrases.UNSUPPORTED[label])
    ]
    off_topic = [
        (f"{label}/out_of_scope/off_topic/{i}", _negative(label, None, pattern))
        for i, pattern in enumerate(phrases.OFF_TOPIC)
    ]
    return [others, unsupported, off_topic]


class _Collector:
    """Draws examples round-robin over groups, keeping texts unique and variants of one filling few."""

    def __init__(self, label: str, rng: random.Random) -> None:
        self.label, self.rng = label, rng
        self.seen: set[str] = set()
        self.variants: Counter[tuple[str, str]] = Counter()
        self.examples: list[SpecialistExample] = []

    def take(self, makers: Sequence[tuple[str, Maker]], count: int) -> None:
        taken = 0
        for _ in range(_MAX_ROUNDS):
            added = False
            for group, make in makers:
                if taken == count:
                    break
                for _ in range(_ATTEMPTS):
                    draft = make(self.rng)
                    if draft is None:
                        continue
                    key, variant = normalise(draft.text), (group, normalise(draft.core))
                    if not key or key in self.seen or self.variants[variant] >= _MAX_VARIANTS:
                        continue
                    self.seen.add(key)
                    self.variants[variant] += 1
                    self.examples.append(
                        SpecialistExample(self.label, draft.text, draft.today, draft.previous, draft.target, group)
                    )
                    taken, added = taken + 1, True
                    break
            if taken == count or not added:
                return


def specialist_examples(label: str, seed: int = 13) -> list[SpecialistExample]:
    """Generated examples of one specialist, in a stable order; the same seed gives the same list."""
    if label not in SPECIALIST_TOOLS:
        raise ValueError(f"unknown specialist {label!r}; the specialists are {', '.join(SPECIALIST_TOOLS)}")
    rng = random.Random(f"{label}/{seed}")
    total = TARGET_COUNTS[label]
    templates = _templates(label)
    follow_ups = [
        (f"{label}/follow_up/{intent}/{i}", _follow_up(label, spec, pattern))
        for intent, spec in phrases.FOLLOW_UPS.get(label, {}).items()
        for i, pattern in enumerate(spec.patterns)
    ]
    negatives = round(total * _SHARE_NEGATIVE)
    follow = round(total * _SHARE_FOLLOW_UP) if follow_ups else 0
    previous = round(total * _SHARE_PREVIOUS)
    collector = _Collector(label, rng)
    collector.take(
        [(t.group, _request(label, t, with_previous=False)) for t in templates], total - negatives - follow - previous
    )
    collector.take([(t.group, _request(label, t, with_previous=True)) for t in templates], previous)
    collector.take(follow_ups, follow)
    pools = _negative_pools(label, rng)
    counts = [round(negatives * share) for share in _NEGATIVE_MIX[:-1]]
    for pool, count in zip(pools, [*counts, negatives - sum(counts)], strict=True):
        collector.take(pool, count)
    return collector.examples


def split_of(example: SpecialistExample) -> Split:
    """The example's split: a hash of its group, so a template's phrasings never cross splits (80/10/10)."""
    digest = hashlib.sha256(f"specialist:{example.group}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % 100
    if bucket < _SPLIT_PERCENT[0]:
        return "train"
    if bucket < _SPLIT_PERCENT[0] + _SPLIT_PERCENT[1]:
        return "validation"
    return "test"


def is_tool_call(example: SpecialistExample) -> bool:
    """True when the example's answer is one of its specialist's tools, not the out-of-scope signal."""
    return example.target != canonical_json(OUT_OF_SCOPE)
