"""The labelled PII corpus: banking questions with planted personal data, and the words that must survive.

    python -m benchmarks.pii_corpus [--out benchmarks/data/pii_corpus.jsonl] [--check]

Seeded, so the same code writes the same file; ``--check`` fails when the committed file is stale. Each line
is one question::

    {"id": 17, "group": "card", "text": "...",
     "pii": [{"kind": "card", "value": "4111 1111 1111 1111", "start": 14, "end": 33}],
     "keep": [{"kind": "amount", "value": "$84.20", "start": 50, "end": 56}]}

``pii`` spans are personal data of a redaction kind and must not reach the cloud; ``keep`` spans (amounts,
dates, times, merchants, categories, references, percentages) are what the model needs and must survive.
A 16-digit number with a bad Luhn digit is labelled ``account``: it is not a card, but it must not leak.
The customer's profile (known payees, own last-four digits, merchants) is given by the constants below,
the way ``Redactor.for_bank`` would get it from the bank.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

SEED: Final[int] = 20261120


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


CORPUS: Final[Path] = Path(__file__).resolve().parent / "data" / "pii_corpus.jsonl"

#: The customer's profile: payees the bank knows (people and billers), and nicknames of the people.
KNOWN_NAMES: Final[tuple[str, ...]] = (
    "Alex Chen",
    "Sarah Johnson",
    "Oakwood Property Management",
    "City Power",
    "Metro Water",
    "Verizon",
    "Comcast",
    "State Farm",
    "Planet Fitness",
    "alex",
    "sarah",
    "Chen",
    "Johnson",
)
#: The last four digits of the customer's own accounts and cards.
KNOWN_NUMBERS: Final[tuple[str, ...]] = ("7731", "4408", "9152", "6620")
#: Merchants the customer has bought from, and savings goals: never a person's name.
MERCHANTS: Final[tuple[str, ...]] = (
    "Whole Foods",
    "Trader Joe's",
    "Costco",
    "Starbucks",
    "Chipotle",
    "Sweetgreen",
    "Luigi's Trattoria",
    "Uber",
    "Lyft",
    "Shell",
    "Chevron",
    "Amazon",
    "Target",
    "Best Buy",
    "AMC Theatres",
    "Ticketmaster",
    "CVS",
    "Walgreens",
    "Home Depot",
    "IKEA",
    "Barnes & Noble",
    "Netflix",
    "Spotify",
    "Apple iCloud",
    "Sunrun",
    "Coursera",
)
GOALS: Final[tuple[str, ...]] = ("Emergency fund", "Vacation", "New car")
#: Merchants the customer never bought from: the capitalisation heuristic has no way to know them.
UNKNOWN_MERCHANTS: Final[tuple[str, ...]] = ("Zara", "Patagonia", "Wayfair", "Sephora", "Etsy", "Hertz")

_FIRST = _words(
    "John Maria Peter Priya Wei Fatima José Zoë Siobhan Olusegun Hiroshi Anna Lukas Mohammed Chloé Aisha Dmitri "
    "Sofia Liam Noah Emma Olivia Mateo Camila Kwame Ngozi Raj Ananya Yuki Mei Jamal Keisha Connor Niamh Ewan "
    "Freya Giulia Marco Lars Ingrid Tomasz Katarzyna Omar Layla Diego Valentina Hannah Ethan Grace Samuel Ruth "
    "Isaac Miriam Daniel Laura Carlos Elena Will Bill Mark Rose"
)
_LAST = _words(
    "Smith Jones Patel Nguyen García O'Brien McDonald Smith-Jones Kowalski Müller Okafor Tanaka Kim Novak "
    "Johansson Rossi Dubois Silva Haddad Cohen Ivanov Mensah Walsh Murphy Fernández Andersen Schmidt Yamamoto "
    "Singh Khan Ali Brown Taylor Wilson Davies Evans Thomas Roberts Lewis Walker Hughes Green Hall Wood Clarke "
    "Wright Thompson Robinson Edwards Whitfield MacLeod D'Angelo Lindqvist Achebe Moreau Kaplan"
)
_STREETS = _words(
    "Baker Oak Maple Elm High Church Station Victoria King Queen Mill Cedar Pine Washington Lincoln Jefferson "
    "Sunset Lakeview Highland Willow Ashford Kingsley Main Market Harbour Orchard Chestnut Birch Hawthorn "
    "Riverside Brookfield Fairview Greenwood Elmwood"
)
_STREET_PREFIXES = ("", "", "", "", "North ", "West ", "5th ", "42nd ", "St John's ", "Old Mill ")
_SUFFIXES = _words(
    "Street St Road Rd Avenue Ave Lane Ln Boulevard Blvd Drive Dr Court Place Way Close Crescent Terrace"
)
#: Issuer prefix and length: Visa (16, 13 and 19 digits), Mastercard, Amex, Discover, JCB.
_CARD_SHAPES: Final[tuple[tuple[str, int], ...]] = (
    ("4", 16), ("4", 16), ("4", 13), ("4", 19), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15),
    ("6011", 16), ("35", 16),
)  # fmt: skip
_UNITS = ("Apt 4B", "Apt. 12", "Unit 7", "Suite 300", "Flat 2", "#5")
_US_CITIES = (
    ("Springfield", "IL", "62704"),
    ("Austin", "TX", "78701"),
    ("Portland", "OR", "97205"),
    ("Columbus", "OH", "43215"),
    ("San Diego", "CA", "92101"),
    ("Boston", "MA", "02108"),
)
_UK_CITIES = (
    ("London", "NW1 6XE"),
    ("Manchester", "M1 1AE"),
    ("Leeds", "LS1 4DY"),
    ("Bristol", "BS1 5TR"),
    ("Edinburgh", "EH1 1YZ"),
)
_DOMAINS = ("gmail.com", "outlook.com", "yahoo.co.uk", "example.org", "proton.me", "mail.acme-corp.io", "icloud.com")
_CATEGORIES = ("groceries", "dining", "transport", "fuel", "shopping", "entertainment", "travel", "utilities")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Country, BBAN layout (n: digit, a: capital letter, c: either, mostly digits as in real BBANs).
_ALPHABETS = {"n": string.digits, "a": string.ascii_uppercase, "c": string.digits * 3 + string.ascii_uppercase}
_IBAN_LAYOUTS = (
    ("GB", "4a14n"),
    ("DE", "18n"),
    ("FR", "10n11c2n"),
    ("ES", "20n"),
    ("IT", "1a10n12n"),
    ("NL", "4a10n"),
    ("BE", "12n"),
    ("CH", "5n12n"),
    ("IE", "4a14n"),
    ("PL", "24n"),
    ("AT", "16n"),
    ("PT", "21n"),
    ("SE", "20n"),
    ("NO", "11n"),
    ("DK", "14n"),
    ("LU", "3n13c"),
)


def luhn_digit(body: str) -> str:
    """The check digit that makes ``body`` + digit pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


class Values:
    """Random personal data and harmless values, drawn from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def digits(self, count: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(count))

    def _card_digits(self) -> str:
        prefix, length = self.rng.choice(_CARD_SHAPES)
        body = prefix + self.digits(length - len(prefix) - 1)
        return body + luhn_digit(body)

    def _grouped(self, digits: str) -> str:
        style = self.rng.choice(("plain", "spaces", "spaces", "dashes"))
        if style == "plain":
            return digits
        sizes = (
            (4, 6, 5)
            if len(digits) == 15
            else (4,) * (len(digits) // 4) + ((len(digits) % 4,) if len(digits) % 4 else ())
        )
        parts, at = [], 0
        for size in sizes:
            parts.append(digits[at : at + size])
            at += size
        return (" " if style == "spaces" else "-").join(parts)

    def card(self) -> str:
        return self._grouped(self._card_digits())

    def bad_luhn_card(self) -> str:
        body = "4" + self.digits(14)
        wrong = str((int(luhn_digit(body)) + self.rng.randrange(1, 10)) % 10)
        return self._grouped(body + wrong)

    def last_four(self) -> str:
        return self.digits(4)

    def known_number(self) -> str:
        return self.rng.choice(KNOWN_NUMBERS)

    def account_number(self) -> str:
        digits = self.digits(self.rng.choice((8, 8, 9, 10, 11, 12)))
        if self.rng.random() < 0.2:
            return f"{digits[:4]} {digits[4:]}"
        return digits

    def short_account_number(self) -> str:
        return self.digits(self.rng.choice((5, 6, 7)))

    def sort_code(self) -> str:
        return "-".join(self.digits(2) for _ in range(3))

    def routing_number(self) -> str:
        return self.digits(9)

    def iban(self) -> str:
        country, layout = self.rng.choice(_IBAN_LAYOUTS)
        bban = ""
        for count, kind in _layout(layout):
            bban += "".join(self.rng.choice(_ALPHABETS[kind]) for _ in range(count))
        numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
        iban = f"{country}{98 - int(numeric) % 97:02d}{bban}"
        if self.rng.random() < 0.6:
            iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
        return iban.lower() if self.rng.random() < 0.1 else iban

    def first_name(self) -> str:
        return self.rng.choice(_FIRST)

    def last_name(self) -> str:
        return self.rng.choice(_LAST)

    def full_name(self) -> str:
        return f"{self.first_name()} {self.last_name()}"

    def known_name(self) -> str:
        name = self.rng.choice((*KNOWN_NAMES[:9], "alex", "sarah"))
        roll = self.rng.random()
        return name.lower() if roll < 0.15 else name.upper() if roll < 0.2 else name.title() if roll < 0.35 else name

    def email(self) -> str:
        first, last = _ascii(self.first_name()).lower(), _ascii(self.last_name()).lower().replace("'", "")
        local = self.rng.choice(
            (f"{first}.{last}", f"{first[0]}{last}", f"{first}{self.digits(2)}", f"{first}_{last}", f"{first}+bank")
        )
        return f"{local}@{self.rng.choice(_DOMAINS)}"

    def spoken_email(self) -> str:
        """An address as a speech transcript writes it."""
        first, last = _ascii(self.first_name()).lower(), _ascii(self.last_name()).lower().replace("'", "")
        provider = self.rng.choice(("gmail", "outlook", "yahoo", "icloud", "hotmail"))
        return self.rng.choice(
            (
                f"{first} dot {last} at {provider} dot com",
                f"{first}{self.digits(2)} at {provider} dot com",
                f"{first}.{last} at {provider}.com",
            )
        )

    def phone(self) -> str:
        d = self.digits
        return self.rng.choice(
            (
                f"({d(3)}) {d(3)}-{d(4)}",
                f"{d(3)}-{d(3)}-{d(4)}",
                f"{d(3)}.{d(3)}.{d(4)}",
                f"+1 {d(3)} {d(3)} {d(4)}",
                f"+1-{d(3)}-{d(3)}-{d(4)}",
                f"1-800-{d(3)}-{d(4)}",
                f"020 7946 {d(4)}",
                f"07700 900{d(3)}",
                f"0161 496 {d(4)}",
                f"+44 20 7946 {d(4)}",
                f"+44 (0)20 7946 {d(4)}",
                f"(020) 7946 {d(4)}",
                f"{d(3)} {d(3)} {d(4)}",
                f"+44 7700 900{d(3)}",
                f"+33 1 {d(2)} {d(2)} {d(2)} {d(2)}",
                f"01 {d(2)} {d(2)} {d(2)} {d(2)}",
                f"+49 30 {d(8)}",
                f"+91 98765 {d(5)}",
                f"+61 4{d(2)} {d(3)} {d(3)}",
                f"+353 87 {d(3)} {d(4)}",
            )
        )

    def address(self, lower: bool = False) -> str:
        number = str(self.rng.randrange(1, 9999))
        if self.rng.random() < 0.1:
            number += self.rng.choice("ABC")
        street = f"{self.rng.choice(_STREET_PREFIXES)}{self.rng.choice(_STREETS)} {self.rng.choice(_SUFFIXES)}"
        address = f"{number} {street}"
        if self.rng.random() < 0.3:
            address += f", {self.rng.choice(_UNITS)}"
        roll = self.rng.random()
        if roll < 0.3:
            city, state, zip_code = self.rng.choice(_US_CITIES)
            address += f", {city}, {state} {zip_code}"
        elif roll < 0.55:
            city, postcode = self.rng.choice(_UK_CITIES)
            address += f", {city} {postcode}"
        return address.lower() if lower else address

    def address_lower(self) -> str:
        return self.address(lower=True)

    # What must survive.
    def amount(self) -> str:
        whole = self.rng.choice(
            (self.rng.randrange(1, 100), self.rng.randrange(100, 10_000), self.rng.randrange(1000, 2_000_000))
        )
        cents = self.rng.randrange(0, 100)
        style = self.rng.choice(("$", "$", "£", "€", "plain", "dollars"))
        text = f"{whole:,}" if whole >= 1000 and self.rng.random() < 0.8 else str(whole)
        text = f"{text}.{cents:02d}" if style != "dollars" and self.rng.random() < 0.6 else text
        if style == "plain":
            return text if "." in text else f"{text}.{cents:02d}"
        return f"{text} dollars" if style == "dollars" else f"{style}{text}"

    def date(self) -> str:
        year, month, day = 2026, self.rng.randrange(1, 13), self.rng.randrange(1, 29)
        return self.rng.choice(
            (
                f"{year}-{month:02d}-{day:02d}",
                f"{day:02d}/{month:02d}/{year}",
                f"{month}/{day}/{year}",
                f"{day}.{month}.{year}",
                f"{_MONTHS[month % 10]} {day}",
                f"{day} {_MONTHS[month % 10][:3]} {year}",
            )
        )

    def time(self) -> str:
        return self.rng.choice(
            (
                f"{self.rng.randrange(1, 13)}:{self.rng.randrange(0, 60):02d}",
                f"{self.rng.randrange(0, 24):02d}:{self.rng.choice(('00', '15', '30', '45'))}",
            )
        )

    def merchant(self) -> str:
        return self.rng.choice(MERCHANTS)

    def unknown_merchant(self) -> str:
        return self.rng.choice(UNKNOWN_MERCHANTS)

    def category(self) -> str:
        return self.rng.choice(_CATEGORIES)

    def reference(self) -> str:
        return self.rng.choice(
            (
                f"REF-{self.digits(5)}",
                f"#{self.digits(5)}",
                f"TX-{self.digits(6)}",
                f"INV-{self.digits(5)}",
                f"{self.rng.choice(string.ascii_uppercase)}{self.digits(2)}{self.rng.choice(string.ascii_uppercase)}{self.digits(3)}",
                self.digits(self.rng.choice((5, 6, 7))),
            )
        )

    def percent(self) -> str:
        return f"{self.rng.randrange(1, 30)}.{self.rng.randrange(0, 100):02d}%"

    def month(self) -> str:
        return self.rng.choice(_MONTHS)

    def weekday(self) -> str:
        return self.rng.choice(_WEEKDAYS)

    def goal(self) -> str:
        return self.rng.choice(GOALS)


def _layout(layout: str) -> list[tuple[int, str]]:
    parts, number = [], ""
    for char in layout:
        if char.isdigit():
            number += char
        else:
            parts.append((int(number), char))
            number = ""
    return parts


def _ascii(text: str) -> str:
    """``text`` without its accents, as email addresses are usually written: "Zoë" -> "Zoe"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Slot -> (label, kind): "pii" slots must not survive; "keep" slots must.
_SLOTS: Final[dict[str, tuple[str, str, Callable[[Values], str]]]] = {
    "card": ("pii", "card", Values.card),
    "card_last4": ("pii", "card", Values.last_four),
    "bad_luhn": ("pii", "account", Values.bad_luhn_card),
    "account": ("pii", "account", Values.account_number),
    "short_account": ("pii", "account", Values.short_account_number),
    "last4": ("pii", "account", Values.last_four),
    "known_number": ("pii", "account", Values.known_number),
    "sort_code": ("pii", "account", Values.sort_code),
    "routing": ("pii", "account", Values.routing_number),
    "iban": ("pii", "iban", Values.iban),
    "email": ("pii", "email", Values.email),
    "spoken_email": ("pii", "email", Values.spoken_email),
    "phone": ("pii", "phone", Values.phone),
    "full_name": ("pii", "name", Values.full_name),
    "first_name": ("pii", "name", Values.first_name),
    "last_name": ("pii", "name", Values.last_name),
    "known_name": ("pii", "name", Values.known_name),
    "address": ("pii", "address", Values.address),
    "address_lower": ("pii", "address", Values.address_lower),
    "amount": ("keep", "amount", Values.amount),
    "date": ("keep", "date", Values.date),
    "time": ("keep", "time", Values.time),
    "merchant": ("keep", "merchant", Values.merchant),
    "unknown_merchant": ("keep", "unknown merchant", Values.unknown_merchant),
    "category": ("keep", "category", Values.category),
    "reference": ("keep", "reference", Values.reference),
    "percent": ("keep", "percent", Values.percent),
    "month": ("keep", "date", Values.month),
    "weekday": ("keep", "date", Values.weekday),
    "goal": ("keep", "goal", Values.goal),
}

#: Question templates by group, with how many questions each group gets.
TEMPLATES: Final[dict[str, tuple[int, tuple[str, ...]]]] = {
    "card": (
        120,
        (
            "Why was my card {card} declined at {merchant} for {amount}?",
            "Please freeze card number {card}, I lost it on {date}.",
            "I see a charge of {amount} on {card} from {merchant} that I don't recognise.",
            "My new card is {card}, can you activate it?",
            "{card} was charged twice on {date}",
            "card: {card} - is it still active after {date}?",
            "I typed {card} into the {merchant} app and it failed at {time}.",
            "Is there a hold of {amount} on {card}?",
            "Dispute the {amount} transaction on card {card}, reference {reference}.",
            "my debit card {card} got swallowed by the ATM on {weekday}",
            "Is my card ending {card_last4} blocked?",
            "Is my Visa ending in {card_last4} blocked after the {amount} charge?",
            "There's a {amount} charge on the card ending with {card_last4} at {merchant}",
            "Can I use {card} to pay {amount} for {category}?",
            "The number on my credit card is {card} and it expires 08/29.",
            "Replace my card {card}; the chip stopped working on {date}.",
        ),
    ),
    "iban": (
        100,
        (
            "Send {amount} to IBAN {iban} on {date}.",
            "Is {iban} a valid IBAN?",
            "My salary goes to {iban}, why hasn't it arrived since {date}?",
            "What are the fees for sending {amount} to {iban}?",
            "Please update my payout account to {iban}",
            "iban: {iban}",
            "The landlord's IBAN is {iban} and the rent is {amount}.",
            "{iban} rejected my transfer on {weekday}",
            "Can I set up a standing order of {amount} to {iban} every month?",
            "How long does a SEPA transfer to {iban} take? It's {amount}.",
            "Transfer {amount} from my savings to {iban} at {time}",
            "I sent {amount} to {iban} by mistake on {date}, can I get it back?",
        ),
    ),
    "account": (
        130,
        (
            "What's the balance on account number {account}?",
            "Move {amount} from account {account} to savings.",
            "Is my checking account ending in {last4} overdrawn?",
            "Transfer {amount} from the account ending {last4} to savings on {date}",
            "Why does acct ****{last4} show a {amount} fee?",
            "My routing number is {routing}, is that right for direct deposit?",
            "Sort code {sort_code}, account {account} - can I pay {amount} in?",
            "Why did {account} get a {amount} fee on {date}?",
            "Somebody used {bad_luhn} on {date} at {merchant}",
            "Is {bad_luhn} my card number? It was charged {amount}.",
            "Is {known_number} my savings account?",
            "Please close account no. {short_account} at the end of {month}.",
            "My member number is {short_account} and I need a statement for {month}.",
            "The last four digits are {last4}, what is the interest rate? I was told {percent}.",
            "Send {amount} to account {account} with reference {reference}",
            "Account number: {account}, sort code: {sort_code}",
            "Pay {amount} into acct #{account} on {date}",
        ),
    ),
    "email": (
        90,
        (
            "Send the statement to {email}.",
            "Change my email to {email} please",
            "I got a phishing mail from {email}, is it you?",
            "{email} is my new contact address",
            "Can you email the receipt for {amount} at {merchant} to {email}?",
            "My login email is {email} but the reset link never arrived at {time}.",
            "Forward the {month} {category} report to {email}",
            "Zelle {amount} to {email} on {date}",
            "my email is {spoken_email}",
            "send the receipt to {spoken_email} please",
        ),
    ),
    "phone": (
        100,
        (
            "Call me on {phone} after {time}.",
            "Update my mobile number to {phone}.",
            "I got a text from {phone} asking for my PIN",
            "My phone number changed, the new one is {phone}",
            "Send the code to {phone} instead",
            "{phone} keeps calling about my loan",
            "Can I Zelle {amount} to {phone}?",
            "Was the {amount} payment to {phone} on {date} completed?",
            "Is {phone} really your fraud line? They asked about {amount}.",
            "Text me at {phone} when the {merchant} refund posts",
        ),
    ),
    "name": (
        180,
        (
            "Send {amount} to {full_name} tomorrow.",
            "I received {amount} from {full_name} on {date}, where is it?",
            "How much did I send to {first_name} in {month}?",
            "My landlord {full_name} says the rent didn't arrive.",
            "Pay my friend {first_name} {amount} for dinner",
            "Did Mr. {last_name} pay the {amount} invoice {reference}?",
            "Mrs. {last_name} sent me a cheque for {amount}",
            "Set up a payee called {full_name}",
            "{full_name} sent me {amount} on {date}",
            "Split the {merchant} bill with {first_name} and {full_name}",
            "Add {full_name} as a beneficiary",
            "I owe {first_name} {amount}, send it on {weekday}",
            "Transfer {amount} to {full_name}'s account",
            "Was the payment to Dr. {last_name} on {date} processed?",
            "My name is {full_name} and I can't log in",
            "The cheque from {full_name} for {amount} bounced",
            "Did {first_name} pay me back the {amount}?",
            "Reimburse {first_name} for the {category} costs",
            "Can you check if {full_name} received my payment?",
            "{first_name}'s share of the rent hasn't come in",
            "Venmo {first_name} {amount} for {category}",
            "me and {full_name} want a joint account",
            "Thanks, {first_name}",
            "Text {first_name} that I paid the {category} bill",
            "Is {full_name} allowed to use my card?",
            "Why did {full_name} get a refund of {amount}?",
        ),
    ),
    "known_name": (
        60,
        (
            "Did {known_name} get the {amount} I sent on {date}?",
            "How much have I paid {known_name} this year?",
            "Schedule {amount} to {known_name} on {date}",
            "{known_name} charged me twice in {month}",
            "Is my {known_name} bill overdue?",
            "send {known_name} {amount}",
            "Show transfers to {known_name}'s account",
            "why is {known_name} asking for {amount} more than in {month}?",
        ),
    ),
    "address": (
        100,
        (
            "Send my new card to {address}.",
            "I moved to {address}, please update my address.",
            "My address is {address}",
            "Why was a card delivered to {address} on {date}?",
            "Can you mail the statement for {month} to {address}?",
            "Update billing address: {address}",
            "{address} is my home address now",
            "I live at {address_lower}",
            "Is the branch at {address} open on {weekday}?",
            "The {amount} package from {merchant} went to {address} instead",
            "Ship the cheque book to {address}",
            "new address: {address}",
        ),
    ),
    "negative": (
        180,
        (
            "How much did I spend on {category} between {date} and {date}?",
            "Transfer {amount} from checking to savings on {date} at {time}.",
            "Why did {merchant} charge me {amount} twice on {date}?",
            "What's the status of my dispute {reference}?",
            "Refund from {merchant} for {amount}: when will it post?",
            "Is the APR still {percent}?",
            "Pay the electricity bill of {amount} on {date}.",
            "I was charged a {amount} fee 3 times in {month}.",
            "On {weekday}, I paid {amount} at {merchant}.",
            "My {category} spending in {month} was over {amount}, why?",
            "Transfer {amount} to {goal} every {weekday}",
            "Compare {month} and {month} {category}.",
            "Why was {amount} taken on {date} at {time} by {merchant}?",
            "Payment to {merchant} of {amount} on {date}, order {reference}",
            "I bought 2 things from {unknown_merchant} for {amount} on {date}",
            "Refund from {unknown_merchant} of {amount}?",
            "Savings rate is {percent} from {date}, right?",
            "Send {amount} to Savings for {goal} on {date}",
            "I'm travelling to Mexico from {date} to {date}, please set a travel notice",
            "Transfer from Checking to Savings {amount}",
            "Where is the nearest ATM on Main Street?",
            "Can I get 2 new cards mailed by {weekday}?",
            "Is the 3% cashback on {category} still on? I spent {amount} at {merchant}.",
            "Pay the Chase card bill of {amount} on {date}",
            "I have 3 cards and 2 accounts, which has the lowest fee?",
            "What was my balance on {date} at {time}?",
            "Why was I charged {amount} by {merchant} on {date}?",
            "My {goal} goal needs {amount} more by {month}",
            "Is my Social Security deposit of {amount} late?",
            "Can I use Apple Pay at {merchant}?",
            "Did the Black Friday refund from {merchant} post on {date}?",
            "Is Customer Service open on {weekday} at {time}?",
            "from {month} to {month}, how much went on {category}?",
        ),
    ),
}


def _fill(template: str, values: Values) -> dict[str, Any] | None:
    """One question from ``template``, with its spans; None when a value happens to appear twice."""
    text = ""
    pii: list[dict[str, Any]] = []
    keep: list[dict[str, Any]] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        slot, _, rest = after.partition("}")
        text += before
        label, kind, draw = _SLOTS[slot]
        value = draw(values)
        span = {"kind": kind, "value": value, "start": len(text), "end": len(text) + len(value)}
        (pii if label == "pii" else keep).append(span)
        text += value
    text += rest
    # A planted value must occur once, or "not in the redacted text" would measure the wrong occurrence.
    if any(text.count(span["value"]) != 1 for span in pii):
        return None
    return {"text": text, "pii": pii, "keep": keep}


def generate(seed: int = SEED) -> list[dict[str, Any]]:
    """The corpus: every group's templates in turn, filled with values from one seeded generator."""
    values = Values(random.Random(seed))
    records: list[dict[str, Any]] = []
    for group, (count, templates) in TEMPLATES.items():
        made = 0
        while made < count:
            record = _fill(templates[made % len(templates)], values)
            if record is not None:
                records.append({"id": len(records), "group": group, **record})
                made += 1
    return records


def to_jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n" for record in records)


def load(path: Path = CORPUS) -> list[dict[str, Any]]:
    """The committed corpus, one record per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=CORPUS)
    parser.add_argument("--check", action="store_true", help="fail if --out is not what the generator writes")
    args = parser.parse_args(argv)
    text = to_jsonl(generate())
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is stale: run python -m benchmarks.pii_corpus", file=sys.stderr)
            return 1
        print(f"{args.out} is current")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {len(text.splitlines())} questions to {args.out} ({len(text.encode()) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
