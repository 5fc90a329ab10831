"""How a specialist picks its tool: its own scores for each tool's name, weighed with the router's tool head.

The router's tool head reads the utterance (after the previous call's tool, for a follow-up) and scores
each specialist's choices; the engine weighs those scores with the specialist's own and then writes the
chosen tool's name, leaving the arguments to the specialist.
"""

from __future__ import annotations

import json
import math
import shutil
from datetime import date
from pathlib import Path

import pytest

from edge_runtime.manifest import MANIFEST_NAME, ModelError
from edge_runtime.router import Router, RouterOptions
from edge_runtime.specialists.engine import SpecialistEngine, SpecialistOptions
from edge_runtime.tools.schemas import SPECIALIST_TOOLS, tool_choices

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def router(model_dir: Path) -> Router:
    return Router(model_dir, RouterOptions(threads=2))


@pytest.fixture(scope="module")
def engine(model_dir: Path) -> SpecialistEngine:
    return SpecialistEngine.from_manifest(model_dir, SpecialistOptions(threads=2))


def _only(label: str, choice: str) -> dict[str, float]:
    """A prior that is sure of ``choice``."""
    return {other: 0.0 if other == choice else -30.0 for other in tool_choices(label)}


@pytest.mark.parametrize(
    ("label", "text", "choice"),
    [
        ("card_services", "please freeze my debit card", "freeze_card"),
        ("card_services", "I found my credit card, unfreeze it", "unfreeze_card"),
        ("savings", "how close am I to my vacation goal?", "goal_progress"),
        ("transfers", "did my transfer to Alex go through?", "transfer_status"),
        ("help_center", "how much did I spend on groceries last month?", "out_of_scope"),
        ("help_center", "what is the fee for international transfers?", "search_help"),
    ],
)
def test_when_the_router_reads_a_request_then_its_tool_head_favours_the_right_choice(
    router: Router, label: str, text: str, choice: str
) -> None:
    scores = router.tool_scores(label, text)
    assert set(scores) == set(tool_choices(label))
    assert math.isclose(sum(math.exp(value) for value in scores.values()), 1.0, rel_tol=1e-6)
    assert max(scores, key=scores.__getitem__) == choice


def test_when_a_follow_up_names_no_tool_then_the_previous_call_decides_it(router: Router) -> None:
    previous = json.dumps({"name": "card_statement", "arguments": {"month": "2026-10"}}, separators=(",", ":"))
    scores = router.tool_scores("card_spending", "and the month before?", previous)
    assert max(scores, key=scores.__getitem__) == "card_statement"


def test_when_a_route_is_made_then_its_own_pass_gives_the_same_prior(router: Router) -> None:
    text = "put a hold on my visa card"
    route = router.route_one(text)
    from_route = router.choice_prior(route, "card_services")
    alone = router.tool_scores("card_services", text)
    assert from_route.keys() == alone.keys()
    assert all(math.isclose(from_route[key], alone[key], abs_tol=1e-4) for key in alone)


@pytest.mark.parametrize("label", ["transfers", "card_services"])
def test_when_the_prior_is_sure_of_a_choice_then_the_specialist_writes_that_choice(model_dir: Path, label: str) -> None:
    # transfers has two names sharing their first token ("transfer", "transfer_status"): both must be writable.
    engine = SpecialistEngine.from_manifest(model_dir, SpecialistOptions(threads=2, prior_weight=4.0))
    for choice in tool_choices(label):
        call = engine.generate(label, "my card and my transfer", TODAY, prior=_only(label, choice)).call
        assert call["name"] == choice
        if choice in SPECIALIST_TOOLS[label]:
            assert isinstance(call["arguments"], dict)


def test_when_the_prior_weight_is_zero_then_the_specialist_alone_picks(model_dir: Path) -> None:
    engine = SpecialistEngine.from_manifest(model_dir, SpecialistOptions(threads=2, prior_weight=0.0))
    alone = engine.generate("card_services", "freeze my debit card", TODAY)
    weighed = engine.generate(
        "card_services", "freeze my debit card", TODAY, prior=_only("card_services", "order_replacement")
    )
    assert alone.call == weighed.call
    assert alone.call["name"] == "freeze_card"


def test_when_the_specialists_load_then_the_build_s_prior_weight_applies(engine: SpecialistEngine) -> None:
    assert engine.prior_weight > 0


def test_when_the_router_scores_other_tools_than_the_contract_then_it_refuses_to_load(
    model_dir: Path, tmp_path: Path
) -> None:
    shutil.copytree(model_dir / "router", tmp_path / "router")
    manifest = json.loads((model_dir / MANIFEST_NAME).read_text())
    manifest["models"]["router"]["tool_head"] = manifest["models"]["router"]["tool_head"][:-1]
    (tmp_path / MANIFEST_NAME).write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="rebuild"):
        Router(tmp_path)
