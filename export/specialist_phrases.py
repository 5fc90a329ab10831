"""Phrase tables of the specialists' generated data (the engine is ``export/specialist_data.py``).

Templates are plain strings with ``{slot}`` placeholders. A slot named after an argument (``{period}``,
``{merchant}``, ``{amount}``, ...) sets that argument; ``SLOT_ARGUMENT`` maps the other argument slots
(``{to_person}`` sets ``to``). A slot with an ``x_`` prefix is drawn the same way but sets nothing
(``"cover {x_amount}"``). ``FILLERS`` and ``TEXT_SLOTS`` are plain words: the surface transformations
(ASR, typos) may touch them, while argument slots are never corrupted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Slots that set an argument of another name.
SLOT_ARGUMENT: dict[str, str] = {
    "day": "period",
    "month": "period",
    "upcoming": "period",
    "charge": "amount",
    "payee_name": "payee",
    "to_account": "to",
    "to_person": "to",
}

# fmt: off
MERCHANTS: tuple[str, ...] = (
    "Amazon", "Starbucks", "Whole Foods", "Uber", "Netflix", "Shell", "Target", "Costco", "Walmart",
    "Trader Joe's", "Lyft", "Spotify", "Apple", "Best Buy", "Home Depot", "Chipotle", "McDonald's", "DoorDash",
    "Uber Eats", "Safeway", "Kroger", "CVS", "Walgreens", "Chevron", "Exxon", "IKEA", "Sephora", "Nike", "Delta",
    "Airbnb", "Expedia", "Dunkin", "Subway", "Etsy", "eBay", "Hulu", "Disney Plus", "Steam", "Zara", "H&M",
    "Lowe's", "Petco", "Instacart", "Aldi", "Panera", "Marriott", "United Airlines", "Sweetgreen", "Peet's Coffee",
    "Tesco", "Sainsbury's", "Lidl", "Boots", "Pret", "Greggs", "Uniqlo", "Shein", "Temu", "Wayfair", "Chewy",
    "Blue Bottle", "Joe's Pizza", "Corner Deli", "Rosa's Cantina", "Main Street Bakery", "Golden Dragon",
    "Bella Napoli", "Green Fork Cafe", "Sunrise Diner", "Lucky Nails", "7-Eleven", "Circle K", "BP", "Wawa",
    "Sheetz", "Publix", "Wegmans", "H-E-B", "Meijer", "Ace Hardware", "Barnes & Noble", "GameStop",
    "AMC Theatres", "Ticketmaster", "StubHub", "Lululemon", "Old Navy", "Macy's", "Nordstrom", "TJ Maxx", "Ulta",
    "Adobe", "Audible", "YouTube Premium", "Duolingo", "Coursera", "Udemy", "Peloton", "Chick-fil-A",
    "Taco Bell", "Burger King", "Wendy's", "Domino's", "Five Guys", "Shake Shack", "Grubhub", "Deliveroo",
    "Ryanair", "easyJet", "Southwest", "JetBlue", "Hilton", "Hyatt", "Booking.com", "Hertz", "Zipcar", "Lime",
    "Amtrak", "Greyhound", "Dr. Patel's office", "Riverside Dental", "Oak Street Vet", "Ben & Jerry's",
    "Crate & Barrel", "Blue Apron", "Gold's Gym", "Mario's Deli", "Kwik Trip", "Harbor Books", "Noodle Bar 88",
)

#: Billers by name ("pay City Power").
PAYEE_NAMES: tuple[str, ...] = (
    "City Power", "Comcast", "Verizon", "AT&T", "T-Mobile", "Spectrum", "PG&E", "Xfinity", "Metro Water",
    "State Farm", "Geico", "Allstate", "Duke Energy", "ConEd", "Progressive", "Sallie Mae", "Navient",
    "Planet Fitness", "British Gas", "Thames Water", "Vodafone", "Octopus Energy", "Sky", "Cox", "Optimum",
    "Dominion Energy", "Lemonade", "Liberty Mutual", "Mint Mobile", "Google Fi", "Frontier", "National Grid",
    "Eversource", "Xcel Energy", "Green Valley HOA", "Bright Horizons", "Oakwood Apartments",
    "Sunset Property Management", "Toyota Financial", "Kaiser Permanente", "Blue Cross", "Aetna", "Virgin Media",
    "Hydro One", "Rogers", "Anytime Fitness", "Riverside Water District", "Northside Daycare", "Nelnet", "EE",
)
#: Kinds of bill said with "bill" ("the electric bill" -> payee "electric").
PAYEE_BILL_KINDS: tuple[str, ...] = (
    "electric", "electricity", "phone", "water", "internet", "gas", "cable", "trash", "sewer", "wifi", "mobile",
    "power", "utility", "cell phone", "TV", "insurance", "garbage", "broadband",
)
#: Kinds of payment said without "bill" ("my rent" -> payee "rent").
PAYEE_DUES: tuple[str, ...] = (
    "rent", "mortgage", "car insurance", "student loan", "car loan", "tuition", "daycare", "renters insurance",
    "gym membership", "home insurance", "health insurance", "life insurance", "HOA fees", "car payment",
)

#: Saved payees of transfers: names said as they are.
PEOPLE: tuple[str, ...] = (
    "Alex", "Mom", "Dad", "Sarah", "John", "Maria", "Chris", "Jamie", "Priya", "Grandma", "Grandpa", "David",
    "Emma", "Carlos", "Mike", "Jess", "Tom", "Aisha", "Kevin", "Lisa", "Sam", "Nina", "Omar", "Rachel", "Ben",
    "Fatima", "Wei", "Yuki", "Olga", "Dmitri", "Kofi", "Amara", "Mateo", "Sofia", "Lucas", "Chloe", "Noah",
    "Zoe", "Ethan", "Hannah", "Jordan Lee", "Alex Kim", "Maya Patel", "Luis Garcia", "Ana", "Pedro", "Ravi",
    "Anjali", "Sean", "Siobhan", "Ingrid", "Lars", "Tariq", "Leila", "Kai", "Mia", "Uncle Joe", "Aunt Linda",
)
#: Saved payees said with "my" ("my landlord" -> to "landlord").
RELATIONS: tuple[str, ...] = (
    "landlord", "sister", "brother", "roommate", "son", "daughter", "mom", "dad", "babysitter", "cleaner", "wife",
    "husband", "partner", "tutor", "coach", "nanny", "dog walker", "girlfriend", "boyfriend", "best friend",
)

GOALS: tuple[str, ...] = (
    "vacation", "emergency fund", "new car", "house down payment", "wedding", "Japan trip", "new laptop",
    "college fund", "rainy day fund", "home renovation", "baby", "Christmas", "new phone", "Europe trip",
    "moving", "car repair", "honeymoon", "down payment", "camping gear", "Bali trip", "grad school", "new bike",
    "kitchen remodel", "puppy", "tuition", "retirement", "birthday gifts", "Disney trip", "roof repair",
    "sabbatical", "engagement ring", "road trip", "new couch", "holiday fund", "medical fund", "travel",
)

#: Surface forms of each category, synonyms included ("eating out" -> dining, "gas" -> fuel).
CATEGORY_PHRASES: dict[str, tuple[str, ...]] = {
    "groceries": ("groceries", "grocery shopping", "the supermarket", "food shopping", "grocery stores"),
    "dining": (
        "dining", "restaurants", "eating out", "takeout", "food delivery", "coffee shops", "dining out",
        "fast food", "bars and restaurants",
    ),
    "transport": (
        "transport", "transportation", "uber rides", "rideshares", "taxis", "public transit", "parking",
        "train tickets", "bus fares", "getting around",
    ),
    "fuel": ("fuel", "gas", "gas stations", "petrol", "filling up the car", "gas for the car"),
    "shopping": ("shopping", "clothes", "online shopping", "electronics", "retail", "clothing"),
    "entertainment": ("entertainment", "movies", "concerts", "video games", "going out", "events and tickets"),
    "travel": ("travel", "flights", "hotels", "vacation rentals", "airfare", "trips"),
    "utilities": ("utilities", "electricity and water", "utility bills", "power and water"),
    "health": ("health", "the pharmacy", "pharmacy", "doctor visits", "medical", "healthcare", "the dentist"),
    "subscriptions": (
        "subscriptions", "streaming services", "netflix and spotify", "streaming", "apps and subscriptions",
        "memberships",
    ),
    "home": ("home", "home improvement", "furniture", "home goods", "hardware stores", "the house"),
    "education": ("education", "tuition", "books and courses", "online courses", "school supplies", "classes"),
}

ACCOUNT_PHRASES: dict[str, tuple[str, ...]] = {
    "checking": (
        "checking", "checking account", "main account", "current account", "everyday account", "primary account",
        "checking acct", "spending account",
    ),
    "savings": ("savings", "savings account", "savings acct", "high-yield savings", "high yield savings account"),
    "credit_card": ("credit card", "credit card account", "Visa credit card", "rewards card"),
}

CARD_PHRASES: dict[str, tuple[str, ...]] = {
    "debit": ("debit card", "debit", "bank card", "ATM card", "Visa debit card", "debit Mastercard", "check card"),
    "credit": ("credit card", "Visa credit card", "Mastercard credit card", "rewards credit card"),
}

# Plain words: spoken variety that sets no argument.
FILLERS: dict[str, tuple[str, ...]] = {
    "and": ("and", "what about", "how about", "ok and", "and what about", "ok what about", "now", "and then"),
}
TEXT_SLOTS: dict[str, tuple[str, ...]] = {
    "salary": ("salary", "paycheck", "pay", "direct deposit", "wages", "paycheque", "payroll deposit"),
    "deposit": ("tax refund", "mobile check deposit", "cash deposit", "bonus", "refund", "pension payment"),
    "savings_acct": ("savings", "savings account", "high-yield savings", "savings acct", "rainy day savings"),
    "currency": (
        "euros", "pounds", "yen", "Canadian dollars", "Mexican pesos", "Swiss francs", "Australian dollars",
        "rupees", "Turkish lira", "Thai baht", "won", "Polish zloty",
    ),
    "country": ("Mexico", "France", "Japan", "the UK", "Canada", "Brazil", "Thailand", "Germany", "India", "Spain"),
    "help_action": (
        "international transfers", "sending money abroad", "withdrawing cash abroad", "paying in a foreign currency",
        "topping up by card", "a bank transfer", "using an ATM", "a replacement card", "wire transfers",
        "currency exchange", "an instant transfer", "a second card", "cash deposits", "overdrafts",
    ),
    "limit_thing": (
        "ATM withdrawals", "card payments", "transfers", "top-ups", "contactless payments", "cash withdrawals",
        "international payments", "virtual card spending", "mobile check deposits",
    ),
    "product": (
        "savings account", "joint account", "checking account", "credit card", "business account",
        "account for my kid", "second checking account", "virtual card", "certificate of deposit",
    ),
    "wallet": ("Apple Pay", "Google Pay", "Samsung Pay", "my phone wallet"),
    "topup_method": ("credit card", "bank transfer", "cash", "check", "Apple Pay", "debit card from another bank"),
    "person": ("Alex", "my sister", "Mom", "Jamie", "my roommate", "Carlos"),
    "asset": ("Tesla stock", "Bitcoin", "gold", "index funds", "the S&P 500", "real estate", "Nvidia", "bonds"),
    "debt": ("student loans", "car loan", "credit card debt", "personal loan", "medical bills", "mortgage"),
    "city": ("Paris", "Tokyo", "New York", "London", "Chicago", "Lisbon", "Denver", "Rome", "Austin", "Sydney"),
    "nation": ("France", "Japan", "Australia", "Brazil", "Canada", "Peru", "Kenya", "Norway", "Vietnam", "Egypt"),
    "dish": ("lasagna", "banana bread", "chicken curry", "pad thai", "pancakes", "risotto", "tacos"),
    "topic": ("the ocean", "autumn", "my cat", "friendship", "space", "coffee", "the city at night"),
    "code_task": ("reverse a string", "read a CSV file", "parse JSON", "sort a list", "make an HTTP request"),
    "prog_lang": ("Python", "JavaScript", "Java", "Rust", "Go", "SQL"),
    "age": ("40", "55", "60", "65", "50"),
    "income": ("$45,000", "$60,000", "$85,000", "$120,000", "$70,000"),
    "big_amount": ("$50,000", "$20,000", "$100,000", "$12,000", "$5,000"),
    "sport_event": ("Super Bowl", "World Cup", "NBA finals", "World Series", "Champions League"),
    "language": ("Spanish", "French", "German", "Japanese", "Italian"),
    "other_bank": ("Chase", "Ally", "Capital One", "Wells Fargo", "Marcus", "SoFi"),
}
# fmt: on

# Words a typo never touches: the ones that decide an enum or a boolean.
PROTECTED_WORDS: frozenset[str] = frozenset(
    (
        "checking", "savings", "debit", "credit", "pending", "overdue", "paid", "upcoming", "freeze", "unfreeze",
        "lock", "unlock", "activate", "lost", "stolen", "replace", "replacement", "autopay", "enable", "disable",
        "turn", "stop", "cancel", "only", "week", "month", "year", "today", "yesterday", "last", "this", "since",
        "between", "interest", "goal", "goals", "balance", "history", "transfer", "transfers", "statement",
        "posted", "cleared", "biggest", "largest", "total", "list", "show", "find", "status", "new", "before",
    )
)  # fmt: skip

POLITE_PREFIXES: tuple[str, ...] = ("hey, ", "hi, ", "hello, ", "quick question: ", "ok so ", "um, ", "hey there, ")
POLITE_SUFFIXES: tuple[str, ...] = (" thanks", " please", ", thank you", " thx", ", thanks!", " pls")
REQUEST_PREFIXES: tuple[str, ...] = ("could you please ", "can you ", "please ", "would you ", "can you please ")
#: Openings a help question may carry; the query leaves them out.
HELP_PREFIXES: tuple[str, ...] = (
    "can you tell me ", "I'd like to know ", "hey, ", "hi, ", "quick question, ", "I was wondering ",
    "please tell me ", "um ", "hello, ",
)  # fmt: skip
IMPERATIVES: frozenset[str] = frozenset(
    (
        "show", "list", "pay", "move", "send", "transfer", "freeze", "unfreeze", "lock", "unlock", "find", "look",
        "check", "turn", "set", "schedule", "activate", "order", "report", "give", "tell", "put", "stop", "enable",
        "search", "replace", "disable", "cancel", "break", "sum", "pull",
    )
)  # fmt: skip

# ----------------------------------------------------------------------------------------------------------
# In-scope templates: label -> intent -> (tool, fixed arguments, phrasings). Each phrasing is one group,
# "<label>/<tool>/<intent>/<i>". Fixed arguments are what the phrasing says without a slot ("my savings
# balance" -> account savings) and the conventions for what the user leaves out (no period -> last_30_days).
# ----------------------------------------------------------------------------------------------------------

Template = tuple[str, dict[str, Any], tuple[str, ...]]
_RECENT: dict[str, Any] = {"period": "last_30_days"}

# fmt: off
TEMPLATES: dict[str, dict[str, Template]] = {
    "card_spending": {
        "category_period": ("spending_summary", {}, (
            "how much did I spend on {category} {period}?",
            "what did I spend on {category} {period}?",
            "total {category} spending {period}",
            "{category} spending {period}",
            "show me my {category} spending {period}",
            "how much have I put on my card for {category} {period}?",
            "what's my {category} total {period}?",
            "how much went to {category} {period}?",
            "sum up my {category} costs {period}",
            "how much did {category} cost me {period}?",
            "what was my card spend on {category} {period}?",
        )),
        "merchant_period": ("spending_summary", {}, (
            "how much did I spend at {merchant} {period}?",
            "total spent at {merchant} {period}",
            "{merchant} spending {period}",
            "how much money have I spent at {merchant} {period}?",
            "what's my {merchant} total {period}?",
            "how much have I paid {merchant} {period}?",
            "how much did {merchant} cost me {period}?",
            "what did I spend at {merchant} on my card {period}?",
        )),
        "period": ("spending_summary", {}, (
            "how much did I spend {period}?",
            "what's my total card spending {period}?",
            "how much have I charged to my credit card {period}?",
            "total credit card spend {period}",
            "show my spending breakdown by category {period}",
            "where did my money go {period}?",
            "give me a spending summary {period}",
            "what did I spend the most on {period}?",
        )),
        "category_merchant_period": ("spending_summary", {}, (
            "how much of my {category} spending {period} was at {merchant}?",
            "{category} at {merchant} {period}, how much was it?",
        )),
        "unstated_period": ("spending_summary", _RECENT, (
            "how much have I been spending on {category} lately?",
            "how much have I spent at {merchant} recently?",
            "what does my recent card spending look like?",
        )),
        "merchant_list": ("list_card_transactions", {}, (
            "what did I buy at {merchant} {period}?",
            "show my {merchant} purchases {period}",
            "list my card purchases at {merchant} {period}",
            "show every {merchant} charge {period}",
            "which {merchant} transactions did I make {period}?",
            "show me the {merchant} charges on my card {period}",
        )),
        "category_list": ("list_card_transactions", {}, (
            "show my {category} purchases {period}",
            "list my {category} transactions {period}",
            "which {category} charges did I have {period}?",
            "show me each {category} purchase on my card {period}",
        )),
        "min_amount_list": ("list_card_transactions", {}, (
            "show me card purchases over {min_amount} {period}",
            "list credit card transactions above {min_amount} {period}",
            "any charges bigger than {min_amount} {period}?",
            "any {category} purchases over {min_amount} {period}?",
            "show {merchant} charges over {min_amount} {period}",
            "which purchases were more than {min_amount} {period}?",
        )),
        "limit_list": ("list_card_transactions", {}, (
            "what were my {limit} biggest purchases {period}?",
            "show my top {limit} card purchases {period}",
            "list the {limit} largest charges on my credit card {period}",
            "my {limit} most expensive {category} purchases {period}",
            "show the last {limit} purchases at {merchant} {period}",
            "top {limit} charges over {min_amount} {period}",
        )),
        "unstated_period_list": ("list_card_transactions", _RECENT, (
            "what have I bought at {merchant} recently?",
            "show my recent {category} purchases on the card",
            "any big purchases over {min_amount} lately?",
        )),
        "statement": ("card_statement", {}, (
            "what's my credit card statement balance?",
            "when is my card payment due?",
            "what's the minimum payment on my credit card?",
            "when's my credit card bill due",
            "how much do I owe on my credit card statement?",
            "show me my latest credit card statement",
            "what's the due date for my credit card payment?",
            "minimum payment due on the card",
            "credit card statement balance and due date",
            "how much is the minimum I have to pay on my card?",
            "when do I have to pay my credit card by?",
            "what's the closing balance on my last card statement?",
            "what do I owe on my card this cycle?",
            "is my credit card payment due soon?",
            "how much is my credit card bill this month?",
            "give me my credit card statement summary",
            "when is the next payment due on my credit card?",
            "how much should I pay to avoid interest on my card?",
            "what's the minimum due?",
            "what's on my current card statement?",
            "what's my card balance on the last statement?",
            "when's the due date on my card?",
            "statement balance on my credit card",
            "how much is due on my credit card?",
            "what's the payment due date for my card?",
            "minimum amount due on my credit card",
            "pull up my card statement",
            "show my credit card bill",
            "tell me my card's due date",
            "how much do I need to pay on my credit card this month?",
        )),
    },
    "accounts": {
        "balance": ("get_balance", {}, (
            "what's my {account} balance?",
            "how much is in my {account}?",
            "{account} balance",
            "what's the balance on my {account}?",
            "how much money do I have in my {account}?",
            "what's the available balance in my {account}?",
            "check my {account} balance",
            "do I have enough in my {account} to cover {x_amount}?",
            "how much is left in my {account}?",
            "tell me my {account} balance",
            "what's in my {account} right now?",
        )),
        "unstated_balance": ("get_balance", {"account": "checking"}, (
            "what's my balance?",
            "how much money do I have?",
            "what's my available balance",
            "how much cash do I have right now?",
            "do I have enough money to pay {x_amount}?",
        )),
        "credit_balance": ("get_balance", {"account": "credit_card"}, (
            "how much do I owe on my credit card right now?",
            "what's my current credit card balance?",
        )),
        "history": ("account_history", {}, (
            "show my {account} history {period}",
            "what went in and out of my {account} {period}?",
            "{account} activity {period}",
            "show me all {account} transactions {period}",
            "list the deposits to my {account} {period}",
            "how much came into my {account} {period}?",
            "what did I withdraw from my {account} {period}?",
            "show me my {account} statement for {month}",
            "what happened in my {account} {period}?",
            "{account} transactions {period}",
            "pull up the {account} history {period}",
            "give me my {account} activity {period}",
            "any withdrawals from my {account} {period}?",
            "list everything in and out of my {account} {period}",
            "what were my {account} transactions {period}?",
            "how much money left my {account} {period}?",
            "walk me through my {account} history {period}",
            "{account} history {period}",
        )),
        "deposits": ("account_history", {"account": "checking"}, (
            "did my {salary} arrive {period}?",
            "was my {salary} deposited {period}?",
            "show the deposits to checking {period}",
            "did I get paid {period}?",
            "did the {deposit} land in my checking {period}?",
            "did my {salary} hit checking {period}?",
            "show incoming deposits {period}",
        )),
        "unstated_deposits": ("account_history", {"account": "checking", "period": "last_30_days"}, (
            "did my {salary} come in?",
            "has my {salary} been deposited yet?",
            "when did my last {salary} hit my account?",
            "show my recent checking activity",
        )),
        "unstated_history": ("account_history", _RECENT, (
            "show my recent {account} activity",
            "what's been going on in my {account} lately?",
        )),
    },
    "savings": {
        "overview": ("savings_overview", {}, (
            "what's my savings balance?",
            "how much is in my {savings_acct}?",
            "how much have I saved so far?",
            "give me an overview of my savings",
            "what's the interest rate on my {savings_acct}?",
            "what APY am I getting on my savings?",
            "show me my {savings_acct}",
            "how are my savings doing?",
            "savings summary",
            "what rate does my {savings_acct} pay?",
            "what's the total in my {savings_acct} right now?",
            "how much do I have put away in {savings_acct}?",
            "what's my current savings rate?",
            "how much money is in savings?",
            "give me an overview of my {savings_acct}",
            "what's my APY?",
            "how much do I have saved in total?",
            "what does my savings look like?",
            "tell me about my savings",
            "savings account overview",
            "how much money have I saved?",
            "what's my savings worth right now?",
            "what's the yield on my {savings_acct}?",
            "how much is sitting in my {savings_acct}?",
            "my total savings",
            "check my savings",
            "what's the current balance of my {savings_acct}?",
        )),
        "interest": ("interest_earned", {}, (
            "how much interest did I earn {period}?",
            "interest earned {period}",
            "what did my savings pay in interest {period}?",
            "total interest {period}",
            "did I get any interest {period}?",
            "how much interest has my {savings_acct} made {period}?",
            "show me the interest payments on my savings {period}",
            "what did I earn in interest {period}?",
            "how much did my savings grow from interest {period}?",
        )),
        "goal": ("goal_progress", {}, (
            "am I on track for my {goal} goal?",
            "how close am I to my {goal} goal?",
            "how much more do I need for my {goal} goal?",
            "progress on my {goal} savings",
            "{goal} goal progress",
            "what percent of my {goal} goal have I saved?",
            "how much have I saved toward my {goal} goal?",
            "check my {goal} goal",
            "how far along is the {goal} goal?",
            "will I hit my {goal} goal in time?",
            "what's left to save for my {goal} goal?",
            "how's my {goal} savings coming along?",
            "{goal} goal status",
            "how much have I put toward {goal} so far?",
        )),
        "all_goals": ("goal_progress", {}, (
            "how are my savings goals doing?",
            "show all my goals",
            "am I on track with my goals?",
            "savings goal progress",
            "list my savings goals",
            "how close am I to my goals?",
        )),
    },
    "bill_payments": {
        "upcoming": ("list_bills", {"status": "upcoming"}, (
            "what bills are due {upcoming}?",
            "any bills coming up {upcoming}?",
            "show my upcoming bills",
            "which bills are due soon?",
            "what do I have to pay {upcoming}?",
            "list upcoming bills {upcoming}",
            "what bills are coming up?",
            "which bills are due {upcoming}?",
            "do I have bills due {upcoming}?",
            "what's due {upcoming}?",
            "bills due {upcoming}",
            "show me bills coming due {upcoming}",
            "what payments are due {upcoming}?",
            "upcoming bills {upcoming}",
            "anything due {upcoming}?",
        )),
        "overdue": ("list_bills", {"status": "overdue"}, (
            "do I have any overdue bills?",
            "which bills are past due?",
            "any late bills?",
            "show me overdue bills",
            "what bills did I miss?",
            "am I behind on any bills?",
            "what's overdue?",
            "have I missed any bill payments?",
            "show me my late bills",
            "any unpaid bills past their due date?",
        )),
        "paid": ("list_bills", {"status": "paid"}, (
            "which bills did I pay {period}?",
            "show bills I paid {period}",
            "what bills have I already paid?",
            "list paid bills {period}",
            "what bills got paid {period}?",
            "which bills were paid {period}?",
            "show me the bills I've paid {period}",
            "did I pay any bills {period}?",
            "paid bills {period}",
            "which bills have been paid {period}?",
        )),
        "all": ("list_bills", {}, (
            "show all my bills",
            "list my bills",
            "what bills do I have?",
            "show my bills {period}",
            "what were my bills {period}?",
            "list all bills {period}",
            "show every bill I have",
            "give me an overview of my bills",
            "all my bills {period}",
            "which bills did I have {period}?",
        )),
        "pay": ("pay_bill", {}, (
            "pay {payee}",
            "pay {payee} now",
            "I want to pay {payee}",
            "go ahead and pay {payee}",
            "pay off {payee}",
            "settle {payee}",
        )),
        "pay_amount": ("pay_bill", {}, (
            "pay {amount} to {payee_name}",
            "pay {payee_name} {amount}",
            "pay {amount} toward {payee}",
            "make a {amount} payment on {payee}",
            "put {amount} toward {payee}",
        )),
        "pay_date": ("pay_bill", {}, (
            "pay {payee} {date}",
            "schedule a payment for {payee} {date}",
            "set up a payment to {payee_name} {date}",
        )),
        "pay_amount_date": ("pay_bill", {}, (
            "pay {amount} to {payee_name} {date}",
            "schedule a {amount} payment to {payee_name} {date}",
            "{date} pay {amount} toward {payee}",
        )),
        "autopay_on": ("set_autopay", {"enabled": True}, (
            "turn on autopay for {payee}",
            "set up autopay for {payee}",
            "put {payee} on autopay",
            "enable automatic payments for {payee}",
            "I want {payee} paid automatically every month",
            "start autopay on {payee}",
            "sign {payee} up for autopay",
            "automate {payee}",
            "make {payee} automatic",
            "switch on autopay for {payee}",
            "pay {payee} automatically from now on",
        )),
        "autopay_off": ("set_autopay", {"enabled": False}, (
            "turn off autopay for {payee}",
            "stop autopay on {payee}",
            "cancel automatic payments to {payee_name}",
            "disable autopay for {payee}",
            "I don't want {payee} on autopay anymore",
            "stop paying {payee} automatically",
            "take {payee} off autopay",
            "turn autopay off for {payee}",
            "no more autopay on {payee}",
            "switch off autopay for {payee}",
            "end autopay for {payee}",
        )),
    },
    "transfers": {
        "own": ("transfer", {}, (
            "move {amount} from {from_account} to {to_account}",
            "transfer {amount} from {from_account} to {to_account}",
            "shift {amount} from {from_account} over to {to_account}",
            "take {amount} out of {from_account} and put it in {to_account}",
        )),
        "own_unstated_from": ("transfer", {}, (
            "move {amount} to {to_account}",
            "transfer {amount} into {to_account}",
            "put {amount} in {to_account}",
            "I want to move {amount} over to {to_account}",
        )),
        "own_date": ("transfer", {}, (
            "move {amount} from {from_account} to {to_account} {date}",
            "schedule a transfer of {amount} to {to_account} {date}",
            "{date} move {amount} into {to_account}",
        )),
        "person": ("transfer", {}, (
            "send {amount} to {to_person}",
            "transfer {amount} to {to_person}",
            "send {to_person} {amount}",
            "pay {to_person} back {amount}",
            "give {to_person} {amount}",
        )),
        "person_from": ("transfer", {}, (
            "send {to_person} {amount} from {from_account}",
            "transfer {amount} from {from_account} to {to_person}",
            "use {from_account} to send {amount} to {to_person}",
        )),
        "person_date": ("transfer", {}, (
            "send {amount} to {to_person} {date}",
            "schedule {amount} to {to_person} {date}",
            "transfer {amount} from {from_account} to {to_person} {date}",
        )),
        "status_to": ("transfer_status", {}, (
            "did my transfer to {to_person} go through?",
            "has {to_person} received the money I sent?",
            "what's the status of my transfer to {to_person}?",
            "is the transfer to {to_account} done?",
            "where's the money I sent to {to_person}?",
            "why hasn't my transfer to {to_person} arrived?",
            "did the money for {to_account} arrive?",
        )),
        "status_period": ("transfer_status", {}, (
            "show my transfers {period}",
            "what transfers did I make {period}?",
            "list transfers {period}",
            "did the money I sent to {to_person} {period} arrive?",
            "how much did I transfer to {to_person} {period}?",
            "transfers to {to_account} {period}",
            "any transfers {period}?",
            "what money did I send {period}?",
            "did my transfer {period} go through?",
            "show transfers to {to_person} {period}",
            "list what I sent to {to_person} {period}",
            "show me the transfers I made {period}",
            "were there any transfers out {period}?",
            "transfer history {period}",
            "what did I send to {to_person} {period}?",
        )),
        "status": ("transfer_status", {}, (
            "did my transfer go through?",
            "is my transfer done?",
            "any pending transfers?",
            "show my recent transfers",
            "what's the status of my last transfer?",
        )),
    },
    "recent_transactions": {
        "latest": ("recent_transactions", {}, (
            "show my recent transactions",
            "list my latest transactions",
            "what's new on my accounts?",
            "recent activity",
            "what just got charged?",
            "any new transactions?",
        )),
        "limit": ("recent_transactions", {}, (
            "what are my last {limit} transactions?",
            "show the last {limit} charges",
            "my {limit} most recent transactions",
            "list {limit} recent transactions",
            "give me my latest {limit} transactions",
        )),
        "last_one": ("recent_transactions", {"limit": 1}, (
            "what was my last transaction?",
            "what's the most recent charge?",
            "show me the latest transaction",
        )),
        "account": ("recent_transactions", {}, (
            "latest activity on my {account}",
            "recent transactions on my {account}",
            "what were my most recent {account} transactions?",
            "anything new on my {account}?",
            "show me what's new on my {account}",
            "latest {account} charges",
            "recent {account} activity",
            "what hit my {account} most recently?",
        )),
        "limit_account": ("recent_transactions", {}, (
            "last {limit} transactions on my {account}",
            "show the {limit} latest {account} transactions",
            "what are the last {limit} things on my {account}?",
        )),
        "pending": ("recent_transactions", {"pending_only": True}, (
            "is anything pending?",
            "show pending transactions",
            "which transactions are still pending?",
            "how many pending charges do I have",
            "any pending payments?",
            "do I have any pending charges on my {account}?",
            "pending transactions on my {account}",
            "what's still pending on my {account}?",
            "show my last {limit} pending transactions",
            "the {limit} most recent pending charges on my {account}",
        )),
        "posted": ("recent_transactions", {"pending_only": False}, (
            "show only posted transactions, nothing pending",
            "list my recent cleared transactions, not the pending ones",
            "last {limit} settled transactions on my {account}, no pending",
        )),
        "find_amount": ("find_transaction", {}, (
            "find the {charge} charge {day}",
            "look up the {charge} transaction {day}",
            "search my transactions for {charge}",
            "was there a {charge} charge {day}?",
            "find a payment of {charge}",
        )),
        "find_merchant": ("find_transaction", {}, (
            "find my {merchant} transaction {day}",
            "did {merchant} charge me {day}?",
            "search for the {merchant} charge",
            "find the {merchant} purchase {period}",
            "look for a {merchant} transaction",
        )),
        "find_both": ("find_transaction", {}, (
            "was I charged {charge} at {merchant} {day}?",
            "find the {charge} {merchant} charge",
            "where's that {charge} transaction from {merchant}?",
            "I'm looking for a {merchant} charge of {charge} {period}",
            "can you find a {merchant} charge {period}?",
            "look up what I paid at {merchant} {day}",
            "find {charge} from {merchant}",
            "was there a {merchant} purchase {day}?",
            "search for a {charge} transaction {period}",
        )),
        "find_period": ("find_transaction", {}, (
            "find the charge I made {day}",
            "what was that transaction {day}?",
        )),
    },
    "card_services": {
        "status": ("card_status", {}, (
            "is my {card} frozen?",
            "what's the status of my {card}?",
            "is my {card} active?",
            "why was my {card} declined?",
            "my {card} hasn't arrived yet",
            "has my new {card} shipped?",
            "is my {card} working?",
            "check on my {card}",
            "is my {card} blocked?",
        )),
        "freeze": ("freeze_card", {}, (
            "freeze my {card}",
            "lock my {card}",
            "put a hold on my {card}",
            "temporarily block my {card}",
            "pause my {card}",
            "freeze the {card} for now",
            "I misplaced my {card}, lock it for now",
        )),
        "unfreeze": ("unfreeze_card", {}, (
            "unfreeze my {card}",
            "unlock my {card}",
            "I found my {card}, unlock it",
            "lift the freeze on my {card}",
            "turn my {card} back on",
            "remove the hold on my {card}",
        )),
        "report_lost": ("report_lost_card", {}, (
            "I lost my {card}",
            "my {card} was stolen",
            "report my {card} lost",
            "someone stole my {card}",
            "I can't find my {card} anywhere, report it lost",
            "report my {card} as stolen",
        )),
        "activate": ("activate_card", {}, (
            "activate my {card}",
            "my new {card} came in the mail, activate it",
            "turn on my new {card}",
            "I just got my {card}, please activate it",
            "activate the {card} I received",
        )),
        "replace": ("order_replacement", {}, (
            "order a replacement {card}",
            "my {card} is damaged, send me a new one",
            "I need a new {card}, the chip stopped working",
            "my {card} expires soon, send a replacement",
            "replace my {card}",
            "the magnetic strip on my {card} is worn out, I need another one",
        )),
    },
}

# help_center: the whole question is the query. intent -> questions (each one group).
HELP_QUESTIONS: dict[str, tuple[str, ...]] = {
    "fees": (
        "what are the fees for {help_action}?",
        "is there a fee for {help_action}?",
        "how much do you charge for {help_action}?",
        "why was I charged a fee for {help_action}?",
        "do you charge a monthly account fee?",
        "are there any fees for using my card abroad?",
    ),
    "limits": (
        "what's the daily limit for {limit_thing}?",
        "is there a limit on {limit_thing}?",
        "how much can I spend on {limit_thing} per month?",
        "what is the maximum for {limit_thing}?",
    ),
    "exchange": (
        "what exchange rate do you use for {currency}?",
        "can I exchange dollars to {currency} in the app?",
        "why did I get a bad exchange rate paying in {currency}?",
        "when do exchange rates update?",
    ),
    "currencies": (
        "do you support {currency}?",
        "which currencies can I hold in my account?",
        "can I use my card in {country}?",
        "can I receive money in {currency}?",
    ),
    "top_up": (
        "how do I top up my account with {topup_method}?",
        "how long does a top-up by {topup_method} take?",
        "why did my top-up by {topup_method} fail?",
        "is there a minimum top-up amount?",
    ),
    "identity": (
        "how do I verify my identity?",
        "why do you need to verify my identity?",
        "what documents do I need for the identity check?",
        "how long does identity verification take?",
    ),
    "products": (
        "how do I open a {product}?",
        "how do I close my {product}?",
        "what do I need to open a {product} with you?",
        "can I have more than one {product}?",
    ),
    "how_to": (
        "how do I change my address in the app?",
        "where do I find my account number and routing number?",
        "how do I reset my app passcode?",
        "how do I set up direct deposit?",
        "how do I download a bank statement?",
        "how do I add a new payee?",
    ),
    "cards": (
        "how do I add my card to {wallet}?",
        "how long does a new card take to arrive?",
        "how do I change my PIN?",
        "what should I do if my card is stolen?",
    ),
    "transfers_info": (
        "how long do international transfers take?",
        "what details do I need to send money to {country}?",
        "can I cancel a transfer after I send it?",
        "what is the cut-off time for same-day transfers?",
    ),
    "policies": (
        "is my money insured?",
        "what happens if I go overdrawn?",
        "how is interest on savings calculated?",
        "how do I dispute a charge?",
        "what is your refund policy for card payments?",
    ),
}
# fmt: on

# ----------------------------------------------------------------------------------------------------------
# Follow-ups: short turns that change the previous call.
# ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """A follow-up intent: the previous calls it continues and how it changes them.

    The new call keeps the previous arguments its tool accepts, minus ``drop``, then takes ``fixed`` and
    the slots of the phrasing. ``shift`` ("week" or "month") moves the previous period back by one.
    """

    after: tuple[str, ...]
    patterns: tuple[str, ...]
    tool: str | None = None
    drop: tuple[str, ...] = ()
    fixed: dict[str, Any] = field(default_factory=dict)
    shift: str | None = None


_PERIOD_PATTERNS = (
    "{and} {period}?",
    "how about {period}",
    "{and} {period}, how much?",
    "ok, {period}?",
    "now do {period}",
    "and {period} instead?",
    "same thing {period}",
)
_WEEK_BEFORE = ("and the week before?", "what about the week before that?", "and the previous week?")
_MONTH_BEFORE = ("and the month before?", "what about the month before that?", "and the previous month?")
_SPENDING = ("spending_summary", "list_card_transactions")
_CARD_TOOLS = ("card_status", "freeze_card", "unfreeze_card", "report_lost_card", "activate_card", "order_replacement")

FOLLOW_UPS: dict[str, dict[str, FollowUp]] = {
    "card_spending": {
        "period": FollowUp(_SPENDING, _PERIOD_PATTERNS),
        "week_before": FollowUp(_SPENDING, _WEEK_BEFORE, shift="week"),
        "month_before": FollowUp(_SPENDING, _MONTH_BEFORE, shift="month"),
        "category": FollowUp(
            _SPENDING,
            ("{and} {category}?", "{and} on {category}?", "same for {category}", "and how much on {category}?"),
            drop=("merchant",),
        ),
        "merchant": FollowUp(
            _SPENDING,
            ("{and} at {merchant}?", "how about at {merchant}", "same for {merchant}", "what about just {merchant}?"),
            drop=("category",),
        ),
        "min_amount": FollowUp(
            ("list_card_transactions",),
            ("only the ones over {min_amount}", "just those above {min_amount}", "only charges over {min_amount}"),
        ),
        "limit": FollowUp(("list_card_transactions",), ("just the top {limit}", "only show {limit}")),
        "list": FollowUp(
            ("spending_summary",),
            ("show me the transactions", "list those purchases", "can I see the individual charges?"),
            tool="list_card_transactions",
        ),
        "total": FollowUp(
            ("list_card_transactions",),
            ("what's the total?", "how much is that altogether?", "add those up"),
            tool="spending_summary",
            drop=("min_amount", "limit"),
        ),
    },
    "accounts": {
        "account": FollowUp(
            ("get_balance", "account_history"),
            ("{and} {account}?", "same for {account}", "and my {account}?", "what about the {account}?"),
        ),
        "period": FollowUp(("account_history",), _PERIOD_PATTERNS),
        "week_before": FollowUp(("account_history",), _WEEK_BEFORE, shift="week"),
        "month_before": FollowUp(("account_history",), _MONTH_BEFORE, shift="month"),
        "history": FollowUp(
            ("get_balance",),
            ("and its history {period}?", "show me the activity {period}", "what went in and out {period}?"),
            tool="account_history",
        ),
        "balance": FollowUp(
            ("account_history",),
            ("and what's the balance now?", "how much is in it now?", "and the current balance?"),
            tool="get_balance",
            drop=("period",),
        ),
    },
    "savings": {
        "period": FollowUp(("interest_earned",), _PERIOD_PATTERNS),
        "week_before": FollowUp(("interest_earned",), _WEEK_BEFORE, shift="week"),
        "month_before": FollowUp(("interest_earned",), _MONTH_BEFORE, shift="month"),
        "goal": FollowUp(
            ("goal_progress", "savings_overview"),
            ("{and} my {goal} goal?", "same for the {goal} goal", "and the {goal} one?", "how about {goal}?"),
            tool="goal_progress",
        ),
        "all_goals": FollowUp(
            ("goal_progress",), ("what about all my goals?", "and the rest of my goals?"), drop=("goal",)
        ),
        "interest": FollowUp(
            ("savings_overview",),
            ("and how much interest did it earn {period}?", "what interest did I get {period}?"),
            tool="interest_earned",
        ),
        "overview": FollowUp(
            ("goal_progress", "interest_earned"),
            ("and my total savings?", "what's the overall balance?", "and how much is in savings overall?"),
            tool="savings_overview",
            drop=("goal", "period"),
        ),
    },
    "bill_payments": {
        "period": FollowUp(("list_bills",), _PERIOD_PATTERNS),
        "overdue": FollowUp(
            ("list_bills",),
            ("and the overdue ones?", "what about overdue?"),
            drop=("period",),
            fixed={"status": "overdue"},
        ),
        "paid": FollowUp(
            ("list_bills",),
            ("and the ones I already paid?", "what about paid bills?"),
            drop=("period",),
            fixed={"status": "paid"},
        ),
        "upcoming": FollowUp(
            ("list_bills",),
            ("and the upcoming ones?", "what's coming up next?"),
            drop=("period",),
            fixed={"status": "upcoming"},
        ),
        "amount": FollowUp(
            ("pay_bill",),
            ("make it {amount}", "actually pay {amount}", "change the amount to {amount}", "only {amount} though"),
        ),
        "date": FollowUp(("pay_bill",), ("actually pay it {date}", "do it {date} instead", "can you do it {date}?")),
        "payee": FollowUp(
            ("pay_bill", "set_autopay"),
            ("and {payee} too", "same for {payee}", "do the same for {payee}", "now {payee}"),
            drop=("amount", "date"),
        ),
        "autopay_off": FollowUp(
            ("set_autopay",), ("actually turn it off", "no, switch it off"), fixed={"enabled": False}
        ),
        "autopay_on": FollowUp(
            ("set_autopay",), ("actually turn it back on", "no wait, keep it on"), fixed={"enabled": True}
        ),
        "autopay": FollowUp(
            ("pay_bill",),
            ("and put it on autopay", "set up autopay for it too", "turn on autopay for that one as well"),
            tool="set_autopay",
            drop=("amount", "date"),
            fixed={"enabled": True},
        ),
    },
    "transfers": {
        "amount": FollowUp(("transfer",), ("make it {amount}", "actually send {amount}", "change it to {amount}")),
        "date": FollowUp(("transfer",), ("do it {date} instead", "actually send it {date}", "schedule it {date}")),
        "to": FollowUp(
            ("transfer",), ("and the same to {to_person}", "now send the same to {to_person}", "same for {to_person}")
        ),
        "from": FollowUp(
            ("transfer",),
            ("from {from_account} instead", "take it out of {from_account} instead", "use {from_account} instead"),
        ),
        "status_to": FollowUp(("transfer_status",), ("{and} to {to_person}?", "and the one to {to_person}?")),
        "period": FollowUp(("transfer_status",), _PERIOD_PATTERNS),
        "status": FollowUp(
            ("transfer",),
            ("did it go through?", "has it arrived yet?", "is that done?"),
            tool="transfer_status",
            drop=("from_account", "amount", "date"),
        ),
    },
    "recent_transactions": {
        "pending": FollowUp(
            ("recent_transactions",),
            ("only the pending ones", "just pending", "which of those are pending?"),
            fixed={"pending_only": True},
        ),
        "posted": FollowUp(
            ("recent_transactions",),
            ("and the ones that already cleared?", "only posted ones"),
            fixed={"pending_only": False},
        ),
        "account": FollowUp(
            ("recent_transactions",), ("{and} {account}?", "same for {account}", "and on my {account}?")
        ),
        "limit": FollowUp(
            ("recent_transactions",), ("show me {limit} instead", "just the last {limit}", "give me {limit}")
        ),
        "merchant": FollowUp(
            ("find_transaction",),
            ("and the one at {merchant}?", "what about {merchant}?", "try {merchant}"),
            drop=("amount",),
        ),
        "amount": FollowUp(
            ("find_transaction",),
            ("and the {charge} one?", "what about a {charge} charge?", "look for {charge} instead"),
            drop=("merchant",),
        ),
        "period": FollowUp(("find_transaction",), ("{and} {day}?", "try {day} instead", "maybe it was {day}")),
    },
    "card_services": {
        "card": FollowUp(
            _CARD_TOOLS,
            ("{and} {card}?", "same for {card}", "and my {card} too", "do the {card} too", "now the {card}"),
        ),
        "freeze": FollowUp(
            ("card_status", "unfreeze_card", "activate_card"),
            ("now freeze it", "ok freeze it", "lock it"),
            tool="freeze_card",
        ),
        "unfreeze": FollowUp(
            ("card_status", "freeze_card"), ("ok unfreeze it", "actually unlock it"), tool="unfreeze_card"
        ),
        "replace": FollowUp(
            ("report_lost_card", "card_status", "freeze_card"),
            ("and send me a new one", "order a replacement too", "I need a new one"),
            tool="order_replacement",
        ),
        "status": FollowUp(
            ("freeze_card", "unfreeze_card", "activate_card", "order_replacement"),
            ("is it frozen now?", "what's its status?", "is it active now?"),
            tool="card_status",
        ),
        "report": FollowUp(
            ("card_status", "freeze_card"),
            ("actually it was stolen, report it", "I think it's lost, report it"),
            tool="report_lost_card",
        ),
    },
}

# ----------------------------------------------------------------------------------------------------------
# Negatives: requests no tool of the specialist can serve.
# ----------------------------------------------------------------------------------------------------------

#: Groups of other specialists (by prefix) whose requests this specialist could fairly serve too, so they
#: never become its negatives; with a value, only calls that use that value ("accounts/" with
#: "credit_card": a credit card balance is also a card statement question).
OVERLAPS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "card_spending": (("recent_transactions/", None), ("accounts/", "credit_card")),
    "accounts": (
        ("card_spending/card_statement/", None),
        ("card_spending/list_card_transactions/", None),
        ("savings/savings_overview/", None),
        ("recent_transactions/", None),
        ("transfers/transfer_status/", None),
    ),
    "savings": (("accounts/", "savings"),),
    "bill_payments": (("card_spending/card_statement/", None),),
    "transfers": (("bill_payments/pay_bill/", None),),
    "recent_transactions": (
        ("card_spending/list_card_transactions/", None),
        ("accounts/account_history/", None),
    ),
    "card_services": (("help_center/search_help/cards/", None),),
    "help_center": (),
}

#: In-domain requests that none of the specialist's tools can do.
UNSUPPORTED: dict[str, tuple[str, ...]] = {
    "card_spending": (
        "raise my credit limit",
        "can you increase my credit limit to {amount}?",
        "dispute the {charge} charge from {merchant}",
        "I want to dispute this charge",
        "what's my credit score?",
        "set a monthly budget of {amount} for {category}",
        "redeem my reward points",
        "how many reward points do I have?",
        "lower the interest rate on my card",
        "split my {merchant} purchase into monthly installments",
        "predict how much I'll spend on {category} next month",
        "cancel my {merchant} subscription",
        "add an authorized user to my credit card",
        "change my statement due date",
    ),
    "accounts": (
        "open a new checking account",
        "close my checking account",
        "order new checks",
        "add my partner to my checking account",
        "turn on overdraft protection",
        "rename my checking account",
        "set a low balance alert at {amount}",
        "send me a proof of funds letter",
        "how much will I have in checking at the end of the month?",
        "upgrade my account to premium",
        "stop a check I wrote",
        "deposit this check for me",
        "waive my monthly fee",
    ),
    "savings": (
        "open a new savings account",
        "create a new goal for {goal}",
        "change my {goal} goal target to {amount}",
        "delete my {goal} goal",
        "raise my savings interest rate",
        "set up automatic savings every payday",
        "close my savings account",
        "round up my purchases into savings",
        "open a CD for a year",
        "rename my {goal} goal",
        "pause my {goal} goal",
        "add {amount} to my {goal} goal",
    ),
    "bill_payments": (
        "add a new payee",
        "add {payee_name} as a payee",
        "cancel the scheduled payment to {payee_name}",
        "change the due date of {payee}",
        "dispute {payee}",
        "remind me before {payee} is due",
        "negotiate {payee} down for me",
        "split {payee} with my roommate",
        "remove {payee_name} from my payees",
        "update my account number for {payee_name}",
        "why is my electric bill so high this month?",
    ),
    "transfers": (
        "cancel my transfer to {to_person}",
        "add a new recipient",
        "set up a recurring transfer of {amount} every month",
        "send {amount} to a bank account in {country}",
        "increase my transfer limit",
        "request {amount} from {to_person}",
        "undo my last transfer",
        "add {to_person} as a new payee",
        "change my scheduled transfer to {to_person}",
        "split the dinner bill with {to_person}",
        "send money to a new account number",
        "remove {to_person} from my recipients",
    ),
    "recent_transactions": (
        "dispute the {charge} charge",
        "recategorise my {merchant} purchase as {category}",
        "export my transactions to a spreadsheet",
        "cancel the pending {merchant} charge",
        "hide this transaction",
        "get a refund for my {merchant} purchase",
        "email me a receipt for {merchant}",
        "split the {charge} transaction with {person}",
        "mark the {merchant} charge as fraud",
        "add a note to my {merchant} transaction",
        "delete the {merchant} transaction",
    ),
    "card_services": (
        "change my PIN",
        "I forgot my PIN",
        "what's my PIN?",
        "dispute a charge from {merchant}",
        "raise my credit limit",
        "upgrade to a metal card",
        "add my {card} to {wallet}",
        "order an extra card for my son",
        "change the design of my {card}",
        "increase my daily ATM limit",
        "set a spending limit on my {card}",
        "turn off international payments on my {card}",
    ),
    "help_center": (
        "close my account right now",
        "change my address to 12 Oak Street",
        "connect me to a human agent",
        "file a complaint for me",
        "update my phone number to 555 0134",
        "sign me up for the premium plan",
        "delete my account",
        "reset my password for me",
        "open a savings account for me now",
        "send me a new statement by mail",
    ),
}

#: Advice, judgement and anything outside banking: out of scope for every specialist.
OFF_TOPIC: tuple[str, ...] = (
    "should I buy a house or keep renting and invest my {big_amount}?",
    "is {asset} a good investment right now?",
    "how much do I need to retire at {age}?",
    "should I pay off my {debt} early or invest the money?",
    "am I spending too much on {category}?",
    "how should I budget a {income} salary?",
    "is it better to pay my credit card in full or just the minimum?",
    "should I move my savings to {other_bank} for a better rate?",
    "can I afford a {big_amount} car?",
    "help me plan a budget for my {goal}",
    "what's a good credit score?",
    "should I use autopay or pay manually?",
    "what is the capital of {nation}?",
    "tell me a joke",
    "what's the weather in {city} tomorrow?",
    "how do I make {dish}?",
    "write a poem about {topic}",
    "who won the {sport_event} last year?",
    "how many prime numbers are there below 100?",
    "how do I {code_task} in {prog_lang}?",
    "translate good morning into {language}",
    "set an alarm for 7am",
    "play some music",
    "thanks, that's all",
    "never mind",
    "hello there",
    "what can you do?",
    "who are you?",
    "what's 15 percent of 240?",
    "plan a trip to {city}",
)
