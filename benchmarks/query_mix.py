"""The benchmark's questions: a seeded mix of routine and hard held-out questions, and how a call is scored.

Routine questions are the specialists' held-out test calls that stand alone (no previous turn, not
out-of-scope), each with the call it should make and the day it is said on; hard ones are the router's
held-out test examples labelled ``escalate``. Neither was seen in training.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from edge_runtime.labels import ESCALATE, SPECIALIST_LABELS
from edge_runtime.tools.schemas import OUT_OF_SCOPE
from export import datasets
from export.specialist_data import specialist_examples, split_of

#: The day the hard questions are asked on (they have none of their own), and the demo bank's.
TODAY: Final[date] = date(2026, 11, 20)

RATIONALE: Final[str] = (
    "An app's assistant is asked mostly what the app's own screens could show: balances, recent transactions, "
    "card spending, bills, transfers, card problems and policy look-ups. A smaller share needs judgement "
    "(advice, planning, comparisons) or is not about banking at all. This mix takes {hard:.0%} hard questions "
    "(the router's held-out escalate examples) and spreads the routine ones evenly over the eight specialists' "
    "held-out test calls, because there are no traffic logs to weight the categories by. The hard share is a "
    "parameter (--hard-share); the results are also re-weighted below to other shares, from this run's "
    "per-class figures (a re-weighting, not a re-run)."
)


@dataclass(frozen=True)
class Query:
    """One question of the mix: its category, the day it is asked on, and for a routine one the expected call."""

    text: str
    category: str  # a specialist label, or "escalate"
    today: date
    expected: dict[str, Any] | None = None  # None: a hard question, which has no right tool call

    @property
    def hard(self) -> bool:
        return self.expected is None


def held_out_queries() -> tuple[dict[str, list[Query]], list[Query]]:
    """The routine questions per specialist (complete, single-turn test calls) and the hard ones."""
    easy: dict[str, list[Query]] = {}
    for label in SPECIALIST_LABELS:
        easy[label] = []
        for example in specialist_examples(label):
            target = json.loads(example.target)
            if split_of(example) == "test" and example.previous is None and target["name"] != OUT_OF_SCOPE:
                easy[label].append(Query(example.text, label, example.today, target))
    hard = [
        Query(example.text, ESCALATE, TODAY)
        for example in datasets.by_split(datasets.router_dataset(), "test")
        if example.label == ESCALATE
    ]
    return easy, hard


def draw_mix(
    easy: Mapping[str, Sequence[Query]], hard: Sequence[Query], size: int, hard_share: float, seed: int
) -> list[Query]:
    """``size`` questions, ``round(size * hard_share)`` of them hard, the rest taken a category at a time, shuffled."""
    if size < 1:
        raise ValueError(f"the mix needs at least one question, not {size}")
    if not 0.0 <= hard_share <= 1.0:
        raise ValueError(f"the hard share is a fraction between 0 and 1, not {hard_share}")
    rng = random.Random(seed)
    n_hard = round(size * hard_share)
    n_easy = size - n_hard
    if n_hard > len(hard):
        raise ValueError(f"{n_hard} hard questions asked for, {len(hard)} held out; lower --limit or --hard-share")
    picked = rng.sample(list(hard), n_hard)
    pools = []
    for label in sorted(easy):
        pool = list(easy[label])
        rng.shuffle(pool)
        pools.append(pool)
    # One from each category in turn, so each gets an even share; a category that runs out leaves its turn.
    routine = [query for query in itertools.chain.from_iterable(itertools.zip_longest(*pools)) if query is not None]
    if n_easy > len(routine):
        raise ValueError(f"{n_easy} routine questions asked for, {len(routine)} held out; lower --limit")
    mix = picked + routine[:n_easy]
    rng.shuffle(mix)
    return mix


def score_call(call: Mapping[str, Any] | None, expected: Mapping[str, Any]) -> tuple[bool, bool]:
    """(right tool, right call): the name, then the name and every argument exact; ``None`` is no call."""
    if call is None:
        return False, False
    return call.get("name") == expected["name"], dict(call) == dict(expected)
