"""Words that are never a person's name, however they are capitalised: the model needs them as they are.

Months, weekdays, the bank's products and categories, relations ("Mom"), and the words that start a
sentence. A known payee whose whole name is one of these ("Mom") is not redacted either: it identifies
no one.
"""

from __future__ import annotations

from typing import Final


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_DAYS = (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun "
    "today tomorrow yesterday tonight weekend week month year morning afternoon evening night "
    "christmas easter thanksgiving halloween hanukkah diwali eid ramadan new years eve"
)
_PRODUCTS = (
    "checking savings saving current credit debit card cards account accounts bank banking visa mastercard "
    "amex discover maestro zelle venmo paypal cashapp apple google pay ach wire swift iban bic sepa atm pin "
    "fee fees overdraft interest loan loans mortgage statement statements autopay direct standing order "
    "premium platinum gold silver rewards isa ira roth hsa cd cds brokerage investment investments "
    "chase citi citibank wells fargo barclays hsbc lloyds natwest santander monzo revolut wise "
    "emergency fund vacation holiday car goal goals budget social security benefits pension medicare medicaid "
    "federal reserve treasury black cyber prime deals sale refund refunds dispute disputes fraud top up "
    "transaction transactions transfer transfers international domestic exchange currency rate act law laws form "
    "rule rules regulation regulations agreement policy terms conditions program programme plan bureau department "
    "office authority commission protection fair billing reporting"
)
_CATEGORIES = (
    "groceries grocery dining restaurants restaurant transport transportation fuel gas petrol shopping "
    "entertainment travel utilities utility health healthcare subscriptions subscription home education "
    "rent bills bill insurance salary payroll paycheck tax taxes irs hmrc electricity water internet phone "
    "gym coffee food takeout"
)
#: Words for the people in someone's life: also what introduces a name ("my landlord Peter Jones").
RELATIONS: Final[frozenset[str]] = _words(
    "mom mum ma mama mommy mother dad da papa daddy pa father parents brother sister sis bro son daughter "
    "wife husband partner spouse boyfriend girlfriend fiance fiancee friend friends roommate flatmate "
    "landlord landlady tenant boss colleague coworker neighbor neighbour cousin uncle aunt auntie nephew niece "
    "grandma grandpa granny grandmother grandfather nan nana babysitter nanny cleaner tutor plumber "
    "contractor accountant lawyer doctor dentist vet kids kid baby family"
)
_FUNCTION = (
    "i me my mine you your yours we us our ours they them their he him his she her it its this that these "
    "those the a an and or but so if then than also please thanks thank hi hello hey ok okay yes no not "
    "can could would will shall should may might must do does did done is are was were be been being have "
    "has had what when where why how which who whom whose there here all any some every each both either "
    "neither none one two three four five six seven eight nine ten first second last next previous "
    "new old same other another more most less least much many few just only still already again now "
    "mr mrs ms miss mx dr prof sir dame madam customer support service team help agent someone somebody anyone "
    "everyone nobody "
    "usd eur gbp dollars dollar euros euro pounds pound cents later soon back online abroad overseas instead "
    "anyway early late"
)
# Street words: "Main Street" without a house number is a place anyone may name, not an address.
_STREET_WORDS = "street road avenue boulevard drive court place terrace crescent parkway highway square circle"

#: Places are no one's name, though they may follow "to" or "from"; an address's city may be one.
PLACES: Final[frozenset[str]] = _words(
    "america american usa us uk britain england scotland wales ireland canada mexico france spain italy germany "
    "portugal greece netherlands europe asia africa australia japan china india brazil london paris rome "
    "berlin madrid tokyo york switzerland united states kingdom union economic area americans residents "
    "resident russian ruble rubles british european english french spanish german italian chinese japanese "
    "indian canadian mexican australian irish scottish swiss dutch polish"
)
_BRANDS = (
    "amazon netflix spotify uber lyft walmart target costco starbucks mcdonalds airbnb ebay etsy "
    "microsoft hulu disney youtube steam ikea tesco sainsburys aldi lidl siri alexa"
)

COMMON: Final[frozenset[str]] = (
    _words(" ".join((_MONTHS, _DAYS, _PRODUCTS, _CATEGORIES, _FUNCTION, _BRANDS, _STREET_WORDS))) | RELATIONS | PLACES
)

#: First names that are also ordinary words: a known payee with such a name is redacted only where it is
#: capitalised and not the first word of a sentence ("pay Bill", not "pay the bill" or "Bill payments"); after
#: "to" or "from", such a word is a name only when a surname follows ("to Will Thompson").
MONTH_NAMES: Final[frozenset[str]] = _words(_MONTHS)
HOMONYMS: Final[frozenset[str]] = _words(
    "bill will may june april august mark rose grant penny art hope joy faith chase pat sue rob frank jack ray dawn "
    "summer amber ruby crystal sandy rusty sterling ivy holly lily iris"
)


def is_common(word: str) -> bool:
    """Whether ``word`` (any case, any possessive) is an ordinary word rather than a name."""
    folded = word.casefold().replace("\u2019", "'")
    folded = folded.removesuffix("'s").removesuffix("'").strip(".,")
    return folded in COMMON
