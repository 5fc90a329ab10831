"""Synthetic training utterances for the router, generated deterministically from phrase tables.

BANKING77 supplies thousands of real support questions (cards, fees, top-ups, transfers going wrong) but
almost nothing on spending, balances, savings or bills, nor anything the router must send to the cloud.
This module fills those gaps.

Design: the data lives in tables, the engine is a few short functions.

- ``_TEMPLATES`` maps each router label to intents, and each intent to phrasing templates with
  ``{slot}`` placeholders. A template is one *group* (``"card_spending/total_by_category/3"``): all its
  examples land in the same train/validation/test split, so the test split holds phrasings the router
  never saw. Every template keeps the words that decide its label (a follow-up says "on dining" or "my
  savings account", never a bare "and last month?").
- ``_SLOTS`` holds slot values (merchants, categories, payees, goals, ...); ``_SLOT_RENDERERS`` draws the
  slots with formats (amounts, periods, dates).
- The engine fills a template, then applies surface transformations with fixed probabilities: ASR-style
  text (lower case, no punctuation, numbers sometimes spelled out), politeness, typos and casing.
- Templates of a label are visited round-robin until the label reaches its target count, so the groups
  stay balanced. Texts are unique after normalising case, punctuation and whitespace, across labels too.

Only ``random.Random(seed)`` is used and every table is a tuple or an insertion-ordered dict, so a seed
gives the same list on any machine and in any process.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from edge_runtime.labels import ESCALATE, ROUTER_LABELS


@dataclass(frozen=True)
class Example:
    """One generated router example."""

    text: str
    label: str  # one of ROUTER_LABELS
    source: str  # "synthetic" for in-domain, "out_of_domain" for escalate examples
    group: str  # template id: examples sharing a group go to the same split


# Examples per label. BANKING77 covers card_services, help_center and transfers well, so they need fewer.
TARGET_COUNTS: dict[str, int] = {
    "card_spending": 800,
    "accounts": 750,
    "savings": 750,
    "bill_payments": 750,
    "transfers": 500,
    "recent_transactions": 750,
    "card_services": 300,
    "help_center": 300,
    ESCALATE: 1800,
}

# Probabilities of the surface transformations.
_P_ASR = 0.2
_P_POLITE = 0.25
_P_TYPO = 0.1
_P_CAPITALISE = 0.7
_P_DROP_END_PUNCT = 0.25
_P_SPELL_NUMBER = 0.5
# Attempts per template and round before the template counts as exhausted for that round.
_ATTEMPTS = 6
_MAX_ROUNDS = 400
# Surface variants (casing, politeness, typos, ASR) of one filled template at most.
_MAX_VARIANTS = 3

# ----------------------------------------------------------------------------------------------------------
# Slot values
# ----------------------------------------------------------------------------------------------------------

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# Surface forms of each named period of the contract.
NAMED_PERIODS: dict[str, tuple[str, ...]] = {
    "today": ("today", "so far today"),
    "yesterday": ("yesterday",),
    "this_week": ("this week", "so far this week"),
    "last_week": ("last week",),
    "this_month": ("this month", "so far this month", "month to date"),
    "last_month": ("last month", "in the previous month"),
    "this_year": ("this year", "so far this year", "year to date"),
    "last_year": ("last year",),
    "last_7_days": ("in the last 7 days", "over the past 7 days", "in the past seven days", "the last 7 days"),
    "last_30_days": ("in the last 30 days", "over the past 30 days", "in the past thirty days", "the last 30 days"),
}

# fmt: off
_SLOTS: dict[str, tuple[str, ...]] = {
    "category": (
        "groceries", "dining", "restaurants", "eating out", "takeout", "travel", "flights", "hotels", "fuel",
        "gas", "entertainment", "shopping", "utilities", "clothes", "electronics", "coffee", "subscriptions",
        "rideshare", "public transport", "health", "pharmacy", "fitness", "home improvement", "pets", "gifts",
        "personal care", "books", "streaming", "alcohol", "education", "parking", "fast food",
    ),
    "merchant": (
        "Amazon", "Starbucks", "Whole Foods", "Uber", "Netflix", "Shell", "Target", "Costco", "Walmart",
        "Trader Joe's", "Lyft", "Spotify", "Apple", "Best Buy", "Home Depot", "Chipotle", "McDonald's",
        "DoorDash", "Uber Eats", "Safeway", "Kroger", "CVS", "Walgreens", "Chevron", "Exxon", "IKEA",
        "Sephora", "Nike", "Delta", "Airbnb", "Expedia", "Dunkin", "Subway", "Etsy", "eBay", "Hulu",
        "Disney Plus", "Steam", "Zara", "H&M", "Lowe's", "Petco", "Instacart", "Trader Joes", "Aldi",
        "Panera", "Marriott", "United Airlines", "Sweetgreen", "Peet's Coffee",
    ),
    "bill": (
        "phone bill", "electric bill", "electricity bill", "City Power bill", "water bill", "internet bill",
        "rent", "rent payment", "car insurance", "insurance premium", "gas bill", "cable bill", "Comcast bill",
        "Verizon bill", "AT&T bill", "T-Mobile bill", "Spectrum bill", "trash bill", "HOA dues",
        "gym membership", "student loan payment", "car payment", "mortgage payment", "daycare bill",
        "renters insurance", "health insurance premium", "sewer bill", "Xfinity bill", "PG&E bill",
        "home insurance", "wifi bill", "mobile bill", "power bill", "utility bill",
    ),
    "biller": (
        "City Power", "Comcast", "Verizon", "AT&T", "T-Mobile", "Spectrum", "PG&E", "Xfinity", "Metro Water",
        "State Farm", "Geico", "Allstate", "Duke Energy", "ConEd", "the water company", "the gas company",
        "the electric company", "Progressive", "Sallie Mae", "Planet Fitness",
    ),
    "bill_status": ("upcoming", "overdue", "unpaid", "paid", "late", "outstanding"),
    "future": (
        "this week", "this month", "next week", "next month", "soon", "in the next 7 days", "before Friday",
        "before the end of the month", "in the next two weeks",
    ),
    "person": (
        "Alex", "Mom", "Dad", "my landlord", "Sarah", "my sister", "John", "Maria", "Chris", "my roommate",
        "Jamie", "Priya", "my brother", "Grandma", "David", "Emma", "Carlos", "Mike", "Jess", "Tom", "Aisha",
        "Kevin", "Lisa", "my son", "my daughter", "Sam", "Nina", "Omar", "Rachel", "Ben",
    ),
    "acct_pair": (
        "from checking to savings", "from savings to checking", "from my checking to my savings",
        "from my savings account to checking", "out of savings into checking", "into savings from checking",
        "from checking into my savings account", "from savings over to checking",
    ),
    "main_acct": (
        "checking", "checking account", "main account", "current account", "everyday account",
        "joint checking", "primary account", "spending account", "checking acct",
    ),
    "any_acct": ("checking", "savings", "credit card", "debit card", "checking account", "accounts", "card"),
    "salary": ("salary", "paycheck", "pay", "direct deposit", "wages", "paycheque", "payroll deposit"),
    "deposit": (
        "tax refund", "mobile check deposit", "cash deposit", "check", "refund from Amazon", "Venmo cashout",
        "bonus", "child support payment", "pension payment", "unemployment payment",
    ),
    "savings_acct": ("savings", "savings account", "high-yield savings", "savings acct", "rainy day savings"),
    "goal": (
        "vacation", "emergency fund", "new car", "house down payment", "wedding", "holiday", "Japan trip",
        "new laptop", "college fund", "rainy day fund", "home renovation", "baby", "christmas", "new phone",
        "Europe trip", "moving", "car repair", "honeymoon", "down payment", "camping gear",
    ),
    "card": (
        "debit card", "credit card", "card", "bank card", "Visa card", "debit", "credit card ending in 4821",
        "card ending 0937", "new card", "virtual card", "physical card",
    ),
    "n": ("3", "5", "10", "five", "ten", "twenty", "15", "three", "few", "two"),
    "day_ref": (
        "yesterday", "today", "on Monday", "last night", "this morning", "last weekend", "on the 3rd",
        "two days ago", "on Friday", "earlier today", "on Tuesday", "the other day", "a few days ago",
    ),
    "date": (
        "tomorrow", "on Friday", "next Monday", "on the 15th", "on the 1st", "at the end of the month",
        "next week", "on payday", "on March 3", "on 3/14", "on June 30th", "the day after tomorrow",
    ),
    "currency": (
        "euros", "pounds", "yen", "Canadian dollars", "Mexican pesos", "Swiss francs", "Australian dollars",
        "rupees", "Turkish lira", "Thai baht",
    ),
    "country": ("Mexico", "France", "Japan", "the UK", "Canada", "Brazil", "Thailand", "Germany", "India", "Spain"),
    "help_action": (
        "international transfers", "sending money abroad", "withdrawing cash abroad", "paying in a foreign currency",
        "topping up by card", "a bank transfer", "using an ATM", "a replacement card", "wire transfers",
        "currency exchange", "an instant transfer", "a second card", "cash deposits",
    ),
    "limit_thing": (
        "ATM withdrawals", "card payments", "transfers", "top-ups", "contactless payments", "cash withdrawals",
        "international payments", "virtual card spending",
    ),
    "product": (
        "savings account", "joint account", "checking account", "credit card", "business account",
        "account for my kid", "second checking account", "virtual card",
    ),
    "wallet": ("Apple Pay", "Google Pay", "Samsung Pay", "my phone wallet"),
    "topup_method": ("credit card", "bank transfer", "cash", "check", "Apple Pay", "debit card from another bank"),
    # Escalate slots.
    "big_amount": ("$50,000", "$20,000", "$100,000", "$12,000", "$5,000", "$250,000", "$8,500", "$30,000"),
    "income": ("$45,000", "$60,000", "$85,000", "$120,000", "$38,000", "$70,000", "$150,000"),
    "asset": (
        "Tesla stock", "Bitcoin", "Ethereum", "gold", "index funds", "the S&P 500", "Apple shares",
        "real estate", "REITs", "Dogecoin", "treasury bonds", "Nvidia", "dividend stocks", "emerging markets",
        "silver", "a rental property", "Amazon stock", "small cap stocks",
    ),
    "coin": ("bitcoin", "ethereum", "solana", "dogecoin", "XRP", "shiba inu", "cardano"),
    "age": ("40", "55", "60", "65", "50", "35", "62"),
    "rate": ("3.5%", "4%", "6.9%", "5.25%", "7%", "2.9%"),
    "years": ("5", "10", "3", "20", "15"),
    "city": (
        "Paris", "Tokyo", "New York", "London", "Chicago", "Barcelona", "Lisbon", "Seattle", "Denver",
        "Rome", "Austin", "Miami", "Berlin", "Mexico City", "Sydney", "Boston",
    ),
    "nation": (
        "France", "Japan", "Australia", "Brazil", "Canada", "Peru", "Kenya", "Norway", "Vietnam", "Egypt",
        "Portugal", "Chile", "Iceland", "Morocco",
    ),
    "book": (
        "Pride and Prejudice", "1984", "The Great Gatsby", "Moby Dick", "War and Peace", "Hamlet",
        "To Kill a Mockingbird", "The Odyssey", "Don Quixote", "Frankenstein",
    ),
    "event": (
        "the French Revolution", "World War One", "the moon landing", "the fall of the Berlin Wall",
        "the Great Depression", "the signing of the Magna Carta", "the Renaissance", "the Cold War",
    ),
    "science": (
        "quantum entanglement", "photosynthesis", "black holes", "the theory of relativity", "DNA replication",
        "plate tectonics", "climate change", "how vaccines work", "entropy", "the big bang",
    ),
    "invention": (
        "the telephone", "the light bulb", "the printing press", "the airplane", "the internet", "penicillin",
    ),
    "code_task": (
        "reverse a string", "sort a list of dictionaries", "read a CSV file", "parse JSON",
        "remove duplicates from a list", "connect to a database", "make an HTTP request", "center a div",
        "write a unit test", "find the largest number",
    ),
    "prog_lang": ("Python", "JavaScript", "Java", "Rust", "Go", "C++", "SQL", "TypeScript"),
    "dish": (
        "lasagna", "banana bread", "chicken curry", "pad thai", "chocolate chip cookies", "guacamole",
        "beef stew", "pancakes", "risotto", "a vegan chili", "sourdough bread", "tacos",
    ),
    "ingredient": ("chicken", "rice", "eggs", "spinach", "chickpeas", "tofu", "potatoes", "pasta", "salmon"),
    "when": ("today", "tomorrow", "this weekend", "tonight", "on Saturday", "next week"),
    "team": ("Lakers", "Yankees", "Patriots", "Warriors", "Chiefs", "Red Sox", "Real Madrid", "Arsenal"),
    "sport_event": ("Super Bowl", "World Cup", "NBA finals", "World Series", "Champions League", "Stanley Cup"),
    "sport": ("basketball", "soccer", "tennis", "baseball", "hockey", "golf"),
    "n_days": ("3", "5", "7", "10", "two", "four"),
    "topic": ("the ocean", "autumn", "my cat", "friendship", "space", "coffee", "the city at night"),
    "relation": ("wife", "husband", "mom", "dad", "best friend", "boss", "girlfriend", "boyfriend"),
    "other_bank": ("Chase", "Ally", "Capital One", "Wells Fargo", "Marcus", "SoFi", "Bank of America"),
    "debt": ("student loans", "car loan", "credit card debt", "personal loan", "medical bills", "mortgage"),
    "language": ("Spanish", "French", "German", "Japanese", "Italian", "Mandarin"),
    "phrase": ("good morning", "where is the train station", "thank you very much", "how much does this cost"),
    "food": ("an avocado", "a banana", "a slice of pizza", "a big mac", "an egg", "a bagel"),
}
# fmt: on


def _money(rng: random.Random, dollars: int) -> str:
    """An amount in one of the written formats people type: $42, $42.50, 42 dollars, $1,250.00, 42 bucks."""
    if rng.random() < 0.5:
        dollars = max(5, round(dollars, -1 if dollars < 1000 else -2))
    cents = rng.choice((0, 0, 0, 50, 99, rng.randint(1, 98)))
    fmt = rng.randrange(6)
    if fmt == 0 and cents:
        return f"${dollars:,}.{cents:02d}"
    if fmt == 1:
        return f"${dollars:,}.00"
    if fmt == 2:
        return f"{dollars} dollars"
    if fmt == 3 and dollars < 200:
        return f"{_words(dollars)} bucks" if rng.random() < 0.5 else f"{dollars} bucks"
    return f"${dollars:,}" if rng.random() < 0.7 else f"${dollars}"


def _amount(rng: random.Random) -> str:
    """A transfer or bill amount, from a few dollars to a few thousand."""
    return _money(rng, rng.choice((rng.randint(3, 150), rng.randint(150, 950), rng.randint(1000, 5000))))


def _charge(rng: random.Random) -> str:
    """A card purchase amount."""
    return _money(rng, rng.choice((rng.randint(3, 60), rng.randint(20, 300))))


def _period(rng: random.Random) -> str:
    """A named period of the contract or an explicit date range, as a user would say it."""
    if rng.random() < 0.7:
        return rng.choice(rng.choice(tuple(NAMED_PERIODS.values())))
    month = rng.choice(_MONTHS)
    day = rng.randint(1, 20)
    return rng.choice(
        (
            f"in {month}",
            f"during {month}",
            f"in {month} {rng.choice((2023, 2024))}",
            f"between {month} {day} and {month} {day + rng.randint(3, 9)}",
            f"from {month} {day} to {month} {day + rng.randint(3, 9)}",
            f"since the {_ordinal_digits(rng.randint(1, 15))}",
            f"since {month} {day}",
            f"on {month} {_ordinal_digits(day)}",
            f"for {month}",
        )
    )


def _month(rng: random.Random) -> str:
    return rng.choice(_MONTHS)


def _hundred(rng: random.Random) -> str:
    return str(rng.choice((20, 50, 100, 200, 500, 1000)))


_SLOT_RENDERERS: dict[str, Callable[[random.Random], str]] = {
    "amount": _amount,
    "charge": _charge,
    "period": _period,
    "month": _month,
    "hundred": _hundred,
}

# ----------------------------------------------------------------------------------------------------------
# Templates: label -> intent -> phrasings. Each phrasing is one group.
# ----------------------------------------------------------------------------------------------------------

_TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "card_spending": {
        "total_by_category": (
            "how much did I spend on {category} {period}?",
            "what did I spend on {category} {period}?",
            "total {category} spending {period}",
            "{category} {period}",
            "show me my {category} spending {period}",
            "break down my {category} expenses {period}",
            "how much have I put on my card for {category} {period}?",
            "did I spend more on {category} this month than last month?",
            "what's my {category} total on the credit card {period}?",
        ),
        "total_by_merchant": (
            "how much did I spend at {merchant} {period}?",
            "total spent at {merchant} {period}",
            "{merchant} spending {period}",
            "what did I buy at {merchant} {period}?",
            "show my {merchant} purchases {period}",
            "list my card purchases at {merchant} {period}",
            "how many times did I shop at {merchant} {period}?",
            "how much money have I spent at {merchant} {period}?",
        ),
        "total_by_period": (
            "how much did I spend {period}?",
            "what's my total card spending {period}?",
            "how much have I charged to my credit card {period}?",
            "total credit card spend {period}",
            "show my spending breakdown by category {period}",
            "where did my money go {period}? break it down by category",
            "what did I spend the most on {period}?",
            "give me a spending summary for {month}",
        ),
        "biggest_purchases": (
            "what were my biggest purchases {period}?",
            "show me card purchases over {charge} {period}",
            "list credit card transactions above {amount} {period}",
            "top {n} largest charges on my credit card {period}",
            "what's the most expensive thing I bought {period}?",
            "any {category} purchases over {charge} {period}?",
        ),
        "statement": (
            "what's my credit card statement balance?",
            "when is my card payment due?",
            "what's the minimum payment on my credit card?",
            "when's my credit card bill due",
            "how much do I owe on my credit card statement?",
            "show me my latest credit card statement",
            "what's the due date for my credit card payment?",
            "minimum payment due on the card this month",
            "credit card statement balance and due date please",
            "how much is the minimum I have to pay on my credit card",
        ),
        "followup": (
            "and {period} on {category}?",
            "what about {category} spending {period}?",
            "and how much did I spend at {merchant}?",
            "and my {merchant} purchases {period}?",
            "and the credit card bill?",
            "what about the minimum payment on the card?",
            "ok and how much on {category} {period}?",
        ),
    },
    "accounts": {
        "balance": (
            "what's my checking balance?",
            "how much money is in my {main_acct}?",
            "{main_acct} balance",
            "what's the balance on my {main_acct}?",
            "show me my account balances",
            "what's my available balance in checking?",
            "how much money do I have in checking right now?",
            "do I have enough in checking to cover {amount}?",
            "what's the total across all my accounts?",
            "check my {main_acct} balance",
            "how much cash is in my {main_acct} today",
        ),
        "history": (
            "show my checking history for {month}",
            "show my {main_acct} history {period}",
            "what went in and out of my {main_acct} {period}?",
            "checking account activity {period}",
            "list all deposits to my {main_acct} {period}",
            "show me my checking statement for {month}",
            "what was my checking balance at the end of {month}?",
            "how much money came into my {main_acct} {period}?",
            "what did I withdraw from checking {period}?",
            "all {main_acct} transactions {period}",
        ),
        "deposits": (
            "did my {salary} come in?",
            "has my {salary} been deposited yet?",
            "when did my last {salary} hit my {main_acct}?",
            "did I get paid {day_ref}? check my {main_acct}",
            "was my {salary} deposited {period}?",
            "how much was my last {salary} deposit?",
            "did the {deposit} arrive in my {main_acct}?",
            "my {deposit} from {day_ref} isn't showing in my checking balance",
            "is my {salary} in my account yet",
        ),
        "followup": (
            "what about my checking account?",
            "and the checking balance?",
            "and how much is in my {main_acct} now?",
            "and my {main_acct} history {period}?",
            "ok and did my {salary} land in checking?",
        ),
    },
    "savings": {
        "overview": (
            "what's my savings balance?",
            "how much is in my {savings_acct}?",
            "how much have I saved so far?",
            "{savings_acct} balance",
            "give me an overview of my savings",
            "how are my savings doing?",
            "show me my {savings_acct}",
            "what's the total in savings right now?",
        ),
        "interest_earned": (
            "how much interest did I earn {period}?",
            "interest earned on my {savings_acct} {period}",
            "what interest did my savings pay {period}?",
            "did I get any savings interest {period}?",
            "total savings interest {period}",
            "how much did my {savings_acct} earn in interest {period}?",
            "show me the interest payments on my savings {period}",
        ),
        "rate": (
            "what's the interest rate on my {savings_acct}?",
            "what APY am I getting on my savings?",
            "what rate does my {savings_acct} pay?",
            "has my savings interest rate changed?",
            "what's my current savings APY",
            "tell me my savings rate",
        ),
        "goals": (
            "am I on track for my {goal} goal?",
            "how close am I to my {goal} goal?",
            "how much more do I need for my {goal} savings goal?",
            "progress on my {goal} savings",
            "{goal} goal progress",
            "how far along is my {goal} savings goal?",
            "show all my savings goals",
            "what percent of my {goal} goal have I saved?",
            "how much is in my {goal} savings pot?",
            "check my {goal} goal",
        ),
        "followup": (
            "what about my savings account?",
            "and the interest on savings {period}?",
            "and my {goal} goal?",
            "and how much interest did savings earn {period}?",
            "what about the {savings_acct} balance?",
        ),
    },
    "bill_payments": {
        "list": (
            "what bills are due {future}?",
            "do I have any overdue bills?",
            "show my upcoming bills",
            "which bills have I paid {period}?",
            "list my {bill_status} bills",
            "any bills due {future}?",
            "how much do I owe in bills {future}?",
            "{bill_status} bills {future}",
            "what bills did I pay {period}?",
        ),
        "due": (
            "when is my {bill} due?",
            "how much is my {bill} this month?",
            "is my {bill} paid?",
            "did I pay my {bill} {period}?",
            "has the {bill} been paid yet?",
            "when's the {biller} bill due?",
            "what's the amount due on my {bill}?",
            "is my {bill} overdue?",
        ),
        "pay": (
            "pay my {bill}",
            "pay {biller} {amount}",
            "pay the {bill} now",
            "I want to pay my {bill}",
            "make a bill payment of {amount} to {biller}",
            "pay {amount} toward my {bill}",
            "go ahead and pay the {bill}",
            "pay my {biller} bill in full",
        ),
        "schedule": (
            "schedule my {bill} payment for {date}",
            "pay the {bill} {date}",
            "set up a bill payment to {biller} {date}",
            "schedule a {amount} bill payment to {biller} {date}",
            "can I schedule the {bill} to be paid {date}?",
        ),
        "autopay": (
            "turn on autopay for my {bill}",
            "set up autopay for the {bill}",
            "turn off autopay for my {bill}",
            "stop automatic bill payments to {biller}",
            "is autopay on for my {bill}?",
            "enable auto pay on my {bill}",
            "cancel autopay for {biller}",
            "put my {bill} on autopay",
        ),
        "followup": (
            "and the {bill}?",
            "what about the {bill}?",
            "and {biller}, when's that bill due?",
            "and pay the {bill} too",
            "same for the {bill}, turn on autopay",
        ),
    },
    "transfers": {
        "move": (
            "move {amount} {acct_pair}",
            "transfer {amount} {acct_pair}",
            "put {amount} into savings from checking",
            "I want to transfer {amount} {acct_pair}",
            "move {amount} {acct_pair} {date}",
            "transfer {hundred} dollars {acct_pair}",
        ),
        "send": (
            "send {amount} to {person}",
            "transfer {amount} to {person}",
            "send {person} {amount} {date}",
            "schedule a transfer of {amount} to {person} {date}",
            "send money to {person}",
            "wire {amount} to {person} from checking",
            "I need to send {person} {amount} from my savings",
        ),
        "status": (
            "did my transfer to {person} go through?",
            "has {person} received the money I sent?",
            "what's the status of my transfer to {person}?",
            "is the transfer {acct_pair} done?",
            "show my transfers {period}",
            "where is the money I sent to {person} {day_ref}?",
            "my transfer to {person} is still pending",
            "why hasn't my transfer to {person} arrived?",
            "how much did I transfer to {person} {period}?",
        ),
        "cancel": (
            "cancel my transfer to {person}",
            "cancel the {amount} transfer to {person}",
            "stop the scheduled transfer to {person}",
        ),
        "followup": (
            "and send the same amount to {person}",
            "what about the transfer to {person}?",
            "and move {amount} more to savings",
            "now transfer {amount} to {person} too",
        ),
    },
    "recent_transactions": {
        "latest": (
            "what are my last {n} transactions?",
            "show my recent transactions",
            "latest activity on my {any_acct}",
            "what were my most recent transactions on {any_acct}?",
            "show the last {n} charges",
            "any new transactions {day_ref}?",
            "list my latest transactions",
            "what just got charged to my {any_acct}?",
            "recent transactions on my {any_acct}",
            "what was my last transaction?",
        ),
        "pending": (
            "is anything pending?",
            "show pending transactions",
            "do I have any pending charges on my {any_acct}?",
            "which transactions are still pending?",
            "pending transactions on {any_acct}",
            "why is the {merchant} payment still pending?",
            "is the {charge} charge from {merchant} still pending?",
            "how many pending transactions do I have",
        ),
        "find": (
            "find the {charge} charge from {day_ref}",
            "find my {merchant} transaction from {day_ref}",
            "was I charged {charge} at {merchant} {day_ref}?",
            "look up the {charge} transaction {day_ref}",
            "did {merchant} charge me {day_ref}?",
            "search my transactions for {charge}",
            "where's that {charge} {merchant} transaction?",
            "find the transaction for {charge} at {merchant}",
            "I'm looking for a {merchant} transaction of about {charge}",
            "find the {merchant} charge {period}",
        ),
        "followup": (
            "and the pending transactions?",
            "what about the {charge} transaction from {day_ref}?",
            "and the last {n} transactions on {any_acct}?",
            "and find the {merchant} one from {day_ref}",
        ),
    },
    "card_services": {
        "freeze": (
            "freeze my {card}",
            "can you lock my {card}?",
            "temporarily block my {card}",
            "put a freeze on my {card}",
            "unfreeze my {card}",
            "unlock my {card}, I found it",
            "is my {card} frozen?",
        ),
        "lost_stolen": (
            "I lost my {card}",
            "my {card} was stolen",
            "I can't find my {card} anywhere",
            "report my {card} as lost",
            "I think someone stole my {card}, block it",
        ),
        "activate": ("activate my {card}", "my {card} came in the mail, how do I activate it?"),
        "pin": ("change the PIN on my {card}", "I forgot my {card} PIN", "my PIN is blocked on my {card}"),
        "replacement": (
            "order a replacement {card}",
            "my {card} is damaged, I need a new one",
            "send me a new {card}",
            "my {card} expires soon, can I get a replacement?",
        ),
        "declined": (
            "why was my {card} declined {day_ref}?",
            "my {card} got declined at {merchant}",
            "my {card} isn't working",
            "contactless isn't working on my {card}",
        ),
        "arrival": (
            "my {card} hasn't arrived",
            "where is my {card}? it still hasn't come",
            "when will my {card} arrive?",
        ),
        "dispute": (
            "I want to dispute a charge from {merchant}",
            "dispute the {charge} charge on my {card}",
            "there's a {charge} charge on my {card} I don't recognise",
            "I was charged twice at {merchant} on my {card}",
        ),
    },
    "help_center": {
        "fees": (
            "what are the fees for {help_action}?",
            "is there a fee for {help_action}?",
            "how much do you charge for {help_action}?",
            "why was I charged a fee for {help_action}?",
        ),
        "limits": (
            "what's the daily limit for {limit_thing}?",
            "is there a limit on {limit_thing}?",
            "how much can I spend on {limit_thing} per month?",
        ),
        "exchange": (
            "what exchange rate do you use for {currency}?",
            "can I exchange dollars to {currency} in the app?",
            "why did I get a bad exchange rate paying in {currency}?",
        ),
        "currencies": (
            "do you support {currency}?",
            "which currencies can I hold in my account",
            "can I use my card in {country}?",
        ),
        "top_up": (
            "how do I top up my account with {topup_method}?",
            "my top-up by {topup_method} failed",
            "how long does a top-up by {topup_method} take?",
        ),
        "identity": (
            "how do I verify my identity?",
            "why do you need to verify my identity?",
            "what documents do I need for the identity check?",
            "my identity verification keeps failing",
        ),
        "products": (
            "how do I open a {product}?",
            "how do I close my {product}?",
            "what do I need to open a {product} with you?",
        ),
        "how_to": (
            "how do I change my address in the app?",
            "how do I add my card to {wallet}?",
            "where do I find my account number and routing number?",
            "how do I reset my app passcode?",
        ),
    },
    ESCALATE: {
        "housing": (
            "should I buy a house or keep renting and invest my {big_amount}?",
            "is now a good time to buy a house with {big_amount} saved?",
            "rent or buy in {city}, which makes more sense for someone like me?",
            "how much house can I afford on a {income} salary?",
        ),
        "investing": (
            "should I invest in {asset}?",
            "is {asset} a good investment right now?",
            "how should I split {big_amount} between stocks and bonds?",
            "what's the best index fund for a beginner?",
            "should I put my {big_amount} bonus into {asset} or pay down my {debt}?",
            "is it too late to buy {asset}?",
            "what stocks should I buy this year?",
            "explain dollar cost averaging and tell me if I should do it",
            "{asset} or {asset}, which will grow more over {years} years?",
        ),
        "crypto": (
            "is {coin} going to go up?",
            "should I move my savings into {coin}?",
            "how do I buy {coin} safely?",
            "is {coin} a scam?",
            "what's a crypto wallet and do I need one",
        ),
        "retirement": (
            "how much do I need to retire at {age}?",
            "should I max out my 401k or my Roth IRA first?",
            "am I saving enough for retirement at {age}?",
            "when should I start taking social security?",
            "what's the 4% rule for retirement and does it still work?",
            "traditional or Roth IRA, which is better for me on {income}?",
        ),
        "taxes": (
            "how do I file my taxes this year?",
            "can I deduct my home office on my taxes?",
            "what tax bracket am I in if I make {income}?",
            "do I have to pay tax on my savings interest?",
            "how are capital gains on {asset} taxed?",
            "should I itemize or take the standard deduction?",
        ),
        "loans": (
            "should I refinance my mortgage at {rate}?",
            "is a 15 year or 30 year mortgage better for me?",
            "should I take a personal loan to pay off my credit cards?",
            "is a {rate} car loan better than leasing?",
            "how does a HELOC work and should I get one?",
            "should I pay off my {debt} early or invest the money?",
            "compare a {rate} fixed mortgage with an adjustable one for me",
        ),
        "budgeting": (
            "how should I budget a {income} salary?",
            "help me make a budget to save for my {goal}",
            "what's the 50/30/20 rule and should I follow it?",
            "how can I cut my spending on {category}?",
            "am I spending too much on {category}?",
            "give me tips to stop overspending",
            "is it normal to spend {amount} a month on {category}?",
        ),
        "multi_step": (
            "if I save {amount} a month, when can I afford a {big_amount} car and should I also pay off my card first?",
            "if I put {amount} a week into savings at {rate} how much will I have in {years} years?",
            "I make {income} and pay {amount} a month in rent, how much should I save for a house?",
            "compare my {category} spending this year with last year and tell me how to cut it in half",
            "can I afford a {big_amount} vacation next summer if I keep spending like this?",
            "what happens to my savings if I lose my job for six months and still pay rent?",
            "work out whether I should pay my {debt} or build my emergency fund first, given my spending",
        ),
        "product_judgement": (
            "which is better, a cashback card or a travel rewards card?",
            "should I open a high-yield savings account at {other_bank} instead?",
            "is it worth paying for a premium account?",
            "is {other_bank} a better bank than this one?",
            "which credit card should I get to build credit?",
        ),
        "hard_negative": (
            "is it smart to keep my {goal} money in savings or in bonds?",
            "why do banks charge overdraft fees, is that fair?",
            "should I transfer my balance to a 0% card?",
            "should I close my old credit card to improve my credit score?",
            "is it better to pay my credit card in full or just the minimum?",
            "how much should I keep in checking versus savings?",
            "should I freeze my credit after a data breach?",
            "is my money safe in the bank if it collapses?",
            "what's a good credit score and how do I raise mine?",
            "should I use autopay or pay my bills manually, what do experts say?",
            "is it worth moving my savings to {other_bank} for a higher rate?",
            "should I lend {person} {amount}? they never pay me back",
            "my landlord wants to raise the rent by 20 percent, is that legal?",
            "why do my savings earn so little compared to inflation?",
            "is it a good idea to use my credit card for everything to get points?",
            "should I pay my {bill} with my credit card for the rewards?",
        ),
        "general_knowledge": (
            "how many prime numbers are there below {hundred}?",
            "what is the capital of {nation}?",
            "who wrote {book}?",
            "when did {event} happen?",
            "why is the sky blue?",
            "how far away is the moon?",
            "explain {science} in simple terms",
            "who invented {invention}?",
            "what is {hundred} times {n_days}?",
            "what's the population of {city}?",
            "what language do they speak in {nation}?",
            "what caused {event}?",
            "how many bones are in the human body?",
            "what is the square root of {hundred}?",
        ),
        "coding": (
            "write a {prog_lang} function to {code_task}",
            "how do I {code_task} in {prog_lang}?",
            "what's the difference between {prog_lang} and {prog_lang}?",
            "explain recursion with an example in {prog_lang}",
            "my {prog_lang} code keeps crashing, can you debug it?",
        ),
        "recipes": (
            "give me a recipe for {dish}",
            "what can I cook with {ingredient} and {ingredient}?",
            "how do I make {dish}?",
            "how many calories are in {food}?",
            "how long should I cook {ingredient} for?",
        ),
        "weather": (
            "what's the weather in {city} {when}?",
            "will it rain {when}?",
            "do I need an umbrella {when}?",
            "how hot will it be in {city} {when}?",
        ),
        "sports": (
            "who won the {sport_event} last year?",
            "when do the {team} play next?",
            "what's the score of the {team} game?",
            "who's the best {sport} player of all time?",
        ),
        "travel": (
            "plan a {n_days} day trip to {city}",
            "what should I see in {city}?",
            "when is the best time of year to visit {nation}?",
            "find me cheap flights to {city} {when}",
            "do I need a visa to visit {nation}?",
        ),
        "chitchat": (
            "hi how are you",
            "tell me a joke",
            "who are you?",
            "what's your name?",
            "are you a robot?",
            "good morning!",
            "thanks, that's all",
            "what can you do?",
            "I'm bored",
            "what's the meaning of life?",
            "you're awesome",
            "sing me a song",
            "good night",
            "how old are you?",
            "do you have feelings?",
            "hello there",
            "what's up",
            "tell me something interesting about {topic}",
        ),
        "assistant_tasks": (
            "write a poem about {topic}",
            "set an alarm for 7am",
            "remind me to call {relation} tomorrow",
            "play some music",
            "what movie should I watch tonight?",
            "help me write an email to my {relation}",
            "what should I get my {relation} for their birthday?",
            "how do I fix a leaky faucet?",
            "what are the symptoms of the flu?",
            "translate '{phrase}' into {language}",
            "convert 30 celsius to fahrenheit",
            "what time is it in {city}?",
            "summarize today's news",
            "recommend a good book about {topic}",
        ),
    },
}

# ----------------------------------------------------------------------------------------------------------
# Surface transformations
# ----------------------------------------------------------------------------------------------------------

_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_ORDINAL_UNITS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
    "twelve": "twelfth",
}  # fmt: skip

_POLITE_PREFIXES = ("hey, ", "hi, ", "hello, ", "quick question: ", "ok so ", "um, ", "hey there, ")
_POLITE_SUFFIXES = (" thanks", " please", ", thank you", " thx", ", thanks!", " pls")
_REQUEST_PREFIXES = ("could you please ", "can you ", "please ", "would you ", "can you please ")
_IMPERATIVES = frozenset(
    (
        "show", "list", "pay", "move", "send", "transfer", "freeze", "unfreeze", "lock", "unlock", "cancel", "find",
        "look", "check", "turn", "set", "schedule", "activate", "order", "report", "give", "tell", "break", "put",
        "stop", "enable", "search", "write", "plan", "explain", "help",
    )
)  # fmt: skip

_SLOT_RE = re.compile(r"\{(\w+)\}")
_DOUBLE_PREPOSITION_RE = re.compile(r"\b(from|for|since) (?:on|in|during) ")
_MONEY_RE = re.compile(r"\$([\d,]+)(?:\.(\d\d))?")
_SLASH_DATE_RE = re.compile(r"\b(1[0-2]|[1-9])/([12]\d|3[01]|[1-9])\b")
_ORDINAL_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_DECIMAL_RE = re.compile(r"\b(\d+)\.(\d+)\b")
_INT_RE = re.compile(r"\b\d+\b")


def _words(n: int) -> str:
    """English words for 0 <= n < 1,000,000, as speech recognisers write them ("forty two")."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _UNITS[n % 10])
    if n < 1000:
        return _UNITS[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + _words(n % 100))
    return _words(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + _words(n % 1000))


def _ordinal_words(n: int) -> str:
    head, _, last = _words(n).rpartition(" ")
    if last in _ORDINAL_UNITS:
        return f"{head} {_ORDINAL_UNITS[last]}".strip()
    last = last[:-1] + "ieth" if last.endswith("y") else last + "th"
    return f"{head} {last}".strip()


def _ordinal_digits(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _spoken_money(match: re.Match[str], rng: random.Random) -> str:
    dollars = int(match.group(1).replace(",", ""))
    cents = int(match.group(2) or 0)
    head = _words(dollars) if rng.random() < _P_SPELL_NUMBER else str(dollars)
    spoken = f"{head} {rng.choice(('dollars', 'dollars', 'bucks'))}"
    return spoken + (f" and {_words(cents)} cents" if cents else "")


def _asr(text: str, rng: random.Random) -> str:
    """Text as a speech recogniser would give it: lower case, no punctuation, numbers often spelled out."""
    text = _MONEY_RE.sub(lambda m: _spoken_money(m, rng), text)
    text = _SLASH_DATE_RE.sub(lambda m: f"{_MONTHS[int(m.group(1)) - 1]} {_ordinal_words(int(m.group(2)))}", text)
    text = _ORDINAL_RE.sub(lambda m: _ordinal_words(int(m.group(1))), text)
    text = _DECIMAL_RE.sub(lambda m: f"{m.group(1)} point {' '.join(m.group(2))}", text)
    text = _INT_RE.sub(lambda m: _words(int(m.group())) if rng.random() < _P_SPELL_NUMBER else m.group(), text)
    text = text.lower().replace("%", " percent").replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


def _typo(text: str, rng: random.Random) -> str:
    """Swap, drop or double a letter in one or two longer words ("balanse", "trasnfer")."""
    words = text.split(" ")
    candidates = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    for i in rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 2)))):
        word, j = words[i], rng.randrange(1, len(words[i]) - 1)
        swapped = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        words[i] = rng.choice((swapped, word[:j] + word[j + 1 :], word[:j] + word[j] + word[j:]))
    return " ".join(words)


def _written(text: str, rng: random.Random) -> str:
    """Typed text: politeness, typos and casing."""
    first = text.split(" ", 1)[0]
    if rng.random() < _P_POLITE:
        if first in _IMPERATIVES and rng.random() < 0.6:
            text = rng.choice(_REQUEST_PREFIXES) + text
        elif rng.random() < 0.5:
            text = rng.choice(_POLITE_PREFIXES) + text
        else:
            text = text.rstrip("?.!") + rng.choice(_POLITE_SUFFIXES)
    if rng.random() < _P_TYPO:
        text = _typo(text, rng)
    if rng.random() < _P_DROP_END_PUNCT:
        text = text.rstrip("?.!")
    if rng.random() < _P_CAPITALISE:
        text = text[0].upper() + text[1:]
    return text


def _fill(pattern: str, rng: random.Random) -> str:
    """The template with its slots drawn; a slot used twice ("{asset} or {asset}") gets two values."""
    used: set[str] = set()

    def slot(match: re.Match[str]) -> str:
        renderer = _SLOT_RENDERERS.get(match.group(1))
        if renderer:
            return renderer(rng)
        value = rng.choice([value for value in _SLOTS[match.group(1)] if value not in used])
        used.add(value)
        return value

    # Slot values carry their own preposition: "from {day_ref}" must not read "from on Tuesday".
    return _DOUBLE_PREPOSITION_RE.sub(r"\1 ", _SLOT_RE.sub(slot, pattern))


def _surface(text: str, rng: random.Random) -> str:
    if rng.random() < _P_ASR:
        text = _asr(text, rng)
        return _typo(text, rng) if rng.random() < _P_TYPO else text
    return _written(text, rng)


def normalise(text: str) -> str:
    """The key under which two texts count as the same utterance."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def synthetic_examples(seed: int = 0) -> list[Example]:
    """Generated router examples for every label, in a stable order; the same seed gives the same list."""
    rng = random.Random(seed)
    seen: set[str] = set()
    # Surface forms per filled template: caps how far a template with few slots is padded with variants.
    variants: Counter[str] = Counter()
    examples: list[Example] = []
    for label in ROUTER_LABELS:
        source = "out_of_domain" if label == ESCALATE else "synthetic"
        groups = [
            (f"{label}/{intent}/{i}", pattern)
            for intent, patterns in _TEMPLATES[label].items()
            for i, pattern in enumerate(patterns)
        ]
        count = 0
        for _ in range(_MAX_ROUNDS):
            added = False
            for group, pattern in groups:
                if count == TARGET_COUNTS[label]:
                    break
                for _ in range(_ATTEMPTS):
                    filled = _fill(pattern, rng)
                    text = _surface(filled, rng)
                    key = normalise(text)
                    if key in seen or variants[normalise(filled)] >= _MAX_VARIANTS:
                        continue
                    seen.add(key)
                    variants[normalise(filled)] += 1
                    examples.append(Example(text=text, label=label, source=source, group=group))
                    count, added = count + 1, True
                    break
            if count == TARGET_COUNTS[label] or not added:
                break
    return examples
