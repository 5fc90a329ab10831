"""Who the demo bank's customer deals with: merchants, billers, people, savings goals, and the fixed figures.

``demo.py`` turns these into a year of transactions; the specialists' training data may draw on the same
names, so a change here is a change of what the assistant is expected to know about.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final, NamedTuple

CUSTOMER: Final[str] = "Jordan Rivera"

EMPLOYER: Final[str] = "Brightline Logistics"
SALARY_CENTS: Final[int] = 284_615
SAVINGS_APY: Final[Decimal] = Decimal("4.10")
CREDIT_LIMIT_CENTS: Final[int] = 800_000
MONTHLY_SAVINGS_CENTS: Final[int] = 50_000
STATEMENT_CLOSING_DAY: Final[int] = 5
STATEMENT_DUE_DAYS: Final[int] = 25


class Merchant(NamedTuple):
    name: str
    category: str
    per_week: float
    low: float
    high: float
    debit_share: float = 0.2


#: Everyday merchants: how often this customer shops there and what a visit costs.
MERCHANTS: Final[tuple[Merchant, ...]] = (
    Merchant("Whole Foods", "groceries", 1.0, 28, 160),
    Merchant("Trader Joe's", "groceries", 1.0, 22, 95, 0.4),
    Merchant("Costco", "groceries", 0.3, 85, 260),
    Merchant("Starbucks", "dining", 1.8, 4.5, 11, 0.4),
    Merchant("Chipotle", "dining", 0.6, 11, 19),
    Merchant("Sweetgreen", "dining", 0.4, 13, 18),
    Merchant("Luigi's Trattoria", "dining", 0.25, 45, 120),
    Merchant("Uber", "transport", 0.7, 11, 46),
    Merchant("Lyft", "transport", 0.25, 10, 38),
    Merchant("Shell", "fuel", 0.6, 34, 68),
    Merchant("Chevron", "fuel", 0.2, 30, 62),
    Merchant("Amazon", "shopping", 1.0, 9, 150),
    Merchant("Target", "shopping", 0.4, 18, 130),
    Merchant("Best Buy", "shopping", 0.04, 60, 450),
    Merchant("AMC Theatres", "entertainment", 0.15, 14, 42),
    Merchant("Ticketmaster", "entertainment", 0.05, 45, 220),
    Merchant("CVS", "health", 0.3, 6, 55),
    Merchant("Walgreens", "health", 0.1, 6, 40),
    Merchant("Home Depot", "home", 0.2, 12, 210),
    Merchant("IKEA", "home", 0.03, 60, 380),
    Merchant("Barnes & Noble", "education", 0.08, 12, 60),
)
#: Monthly card charges: merchant, category, day of the month, cents.
SUBSCRIPTIONS: Final[tuple[tuple[str, str, int, int], ...]] = (
    ("Netflix", "subscriptions", 12, 1549),
    ("Spotify", "subscriptions", 3, 1199),
    ("Apple iCloud", "subscriptions", 21, 299),
    ("Sunrun", "utilities", 9, 8900),
    ("Coursera", "education", 25, 4900),
)


class Biller(NamedTuple):
    name: str
    aliases: tuple[str, ...]
    due_day: int
    cents: int
    autopay: bool
    transferable: bool = False


BILLERS: Final[tuple[Biller, ...]] = (
    Biller("Oakwood Property Management", ("rent", "landlord", "oakwood", "apartment"), 1, 185_000, False, True),
    Biller(
        "City Power",
        ("electricity", "electric", "power", "electric company", "power company", "energy"),
        18,
        9500,
        False,
    ),
    Biller("Metro Water", ("water", "water company", "sewer"), 22, 4800, False),
    Biller("Verizon", ("phone", "cell phone", "cellphone", "mobile", "wireless", "cell"), 12, 8647, True),
    Biller("Comcast", ("internet", "xfinity", "cable", "wifi", "broadband"), 8, 7999, True),
    Biller("State Farm", ("car insurance", "auto insurance", "insurance"), 20, 14250, True),
    Biller("Planet Fitness", ("gym", "fitness", "gym membership"), 17, 2499, True),
)
#: People the customer sends money to.
PEOPLE: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("Alex Chen", ("alex",)),
    ("Mom", ("mother", "mum", "ma")),
    ("Sarah Johnson", ("sarah",)),
)
#: The biller whose latest bill is left unpaid, so the demo has an overdue bill.
OVERDUE_BILLER: Final[str] = "Metro Water"


class GoalSpec(NamedTuple):
    name: str
    aliases: tuple[str, ...]
    target_cents: int
    saved_cents: int
    started_days_ago: int
    days_to_target: int


#: One goal on track, two behind, relative to the demo's last day.
GOALS: Final[tuple[GoalSpec, ...]] = (
    GoalSpec("Emergency fund", ("emergency", "rainy day", "safety net"), 1_500_000, 920_000, 700, 400),
    GoalSpec("Vacation", ("holiday", "trip", "travel", "vacation fund"), 400_000, 280_000, 240, 120),
    GoalSpec("New car", ("car", "auto"), 2_000_000, 350_000, 300, 800),
)
