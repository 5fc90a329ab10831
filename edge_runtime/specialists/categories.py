"""Spending categories the user named, and the specialists' category arguments held to them.

Asked "how much did I spend on coffee this week?", a specialist wrote ``fuel`` and the answer said
"You didn't spend anything on fuel this week": a category nobody said, given as if it answered the
question. A call's category must be one the utterance (or, for a follow-up, the previous call) names:

- the call's category is said: it stays;
- another category, and only one, is said ("coffee" is dining): the call takes that one, also when
  the call kept the previous one ("what about groceries?" after a question about dining);
- none is said: a follow-up keeps the previous call's category; otherwise the category is dropped (it
  is optional), and the question is answered for all spending.

A merchant that is nothing but a category's name ("show me those purchases" after a question about
groceries came out as the merchant "groceries", which no purchase has) is taken as that category.
"""

from __future__ import annotations

import re
from typing import Any

from edge_runtime.specialists.prompt import previous_arguments
from edge_runtime.tools.schemas import argument_names

#: Words that name each category (singular and plural forms match), synonyms included.
CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "groceries": ("groceries", "grocery", "grocery shopping", "supermarket", "food shopping", "grocery store"),
    "dining": (
        "dining", "restaurant", "eating out", "takeout", "take-out", "food delivery", "coffee", "coffee shop",
        "cafe", "café", "dining out", "fast food", "bar", "lunch", "dinner", "breakfast", "brunch",
    ),
    "transport": (
        "transport", "transportation", "uber ride", "rideshare", "ride share", "taxi", "cab", "public transit",
        "transit", "parking", "train ticket", "bus fare", "getting around", "commute", "commuting",
    ),
    "fuel": ("fuel", "gas", "gas station", "gasoline", "petrol", "filling up the car", "gas for the car"),
    "shopping": ("shopping", "clothes", "online shopping", "electronics", "retail", "clothing", "shoes"),
    "entertainment": (
        "entertainment", "movie", "cinema", "concert", "video game", "going out", "events and tickets",
    ),
    "travel": ("travel", "flight", "hotel", "vacation rental", "airfare", "trip", "holiday", "vacation"),
    "utilities": ("utilities", "utility", "electricity and water", "utility bill", "power and water", "electricity"),
    "health": (
        "health", "pharmacy", "doctor visit", "doctor", "medical", "healthcare", "dentist", "medicine", "prescription",
    ),
    "subscriptions": (
        "subscription", "streaming service", "netflix and spotify", "streaming", "apps and subscriptions",
        "membership",
    ),
    "home": ("home", "home improvement", "furniture", "home goods", "hardware store", "the house", "household"),
    "education": (
        "education", "tuition", "books and courses", "online course", "school supplies", "classes", "school", "courses",
    ),
}  # fmt: skip

_PATTERNS: dict[str, re.Pattern[str]] = {
    category: re.compile(
        r"\b(?:" + "|".join(re.escape(word) + r"(?:s|es)?" for word in sorted(words, key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    for category, words in CATEGORY_WORDS.items()
}


def categories_said(text: str) -> set[str]:
    """The categories ``text`` names."""
    return {category for category, pattern in _PATTERNS.items() if pattern.search(text)}


def _previous_category(previous: str | None) -> str | None:
    category = previous_arguments(previous).get("category")
    return category if isinstance(category, str) else None


def merchant_as_category(call: dict[str, Any]) -> dict[str, Any]:
    """``call`` with a merchant that is only a category's name ("groceries", "hardware stores") taken as
    that category, for a tool that takes one and has no other category."""
    name, arguments = call.get("name"), call.get("arguments")
    if not isinstance(name, str) or not isinstance(arguments, dict) or "category" not in argument_names(name):
        return call
    merchant = arguments.get("merchant")
    if not isinstance(merchant, str):
        return call
    named = [category for category, pattern in _PATTERNS.items() if pattern.fullmatch(merchant.strip())]
    if len(named) != 1 or arguments.get("category", named[0]) != named[0]:
        return call
    moved = {**{key: value for key, value in arguments.items() if key != "merchant"}, "category": named[0]}
    return {**call, "arguments": {key: moved[key] for key in argument_names(name) if key in moved}}


def ground_category(call: dict[str, Any], text: str, previous: str | None = None) -> dict[str, Any]:
    """``call`` with its category held to the ones ``text`` names (see the module's rules)."""
    name, arguments = call.get("name"), call.get("arguments")
    if not isinstance(name, str) or not isinstance(arguments, dict) or "category" not in arguments:
        return call
    written = arguments["category"]
    said = categories_said(text)
    if written in said or (not said and written == _previous_category(previous)):
        return call
    grounded = dict(arguments)
    if len(said) == 1:
        grounded["category"] = next(iter(said))
    else:
        del grounded["category"]
    return {**call, "arguments": {key: grounded[key] for key in argument_names(name) if key in grounded}}
