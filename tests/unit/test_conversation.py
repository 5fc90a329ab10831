"""Confirmations and follow-ups: which replies count as a yes, and how conversations are kept apart."""

from __future__ import annotations

import pytest

from edge_runtime.conversation import ConversationStore, is_follow_up, is_no, is_yes, may_follow_up


@pytest.mark.parametrize("reply", ["yes", "Yes.", "yes please", "YEP", "ok", "go ahead", "Yes, do it!", "confirm"])
def test_when_the_reply_is_an_explicit_yes_then_it_confirms(reply: str) -> None:
    assert is_yes(reply)


@pytest.mark.parametrize(
    "reply",
    ["no", "yes but make it $50", "sure, wait", "maybe", "what?", "yes no", "", "pay the phone bill", "not yet"],
)
def test_when_the_reply_is_anything_but_a_plain_yes_then_it_does_not_confirm(reply: str) -> None:
    assert not is_yes(reply)


@pytest.mark.parametrize("reply", ["no", "No thanks", "cancel", "never mind", "nope"])
def test_when_the_reply_is_a_plain_no_then_it_is_recognised(reply: str) -> None:
    assert is_no(reply)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("and last month?", True),
        ("What about dining?", True),
        ("how about at Starbucks", True),
        ("same for savings", True),
        ("how much did I spend on groceries last month?", False),
        ("and then I want to know how much I spent on every category over the whole of last year", False),
        ("android pay top up", False),
        ("hey, and what about last week?", True),
        ("actually make it $50", True),
        ("$60 instead", True),
        ("do it on Friday instead", True),
        ("change the due date of my phone bill", True),
        ("what's the balance of my savings account?", False),
        ("freeze it", False),  # only maybe: see below
    ],
)
def test_when_an_utterance_leans_on_the_previous_one_then_it_is_a_follow_up(text: str, expected: bool) -> None:
    assert is_follow_up(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Visa credit card too?", True),
        ("checking as well", True),
        ("top 5 only", True),
        ("freeze it", True),
        ("is it frozen?", True),
        ("how much is in it now?", True),
        ("what's its status?", True),
        ("Quick question: only the pending ones", True),
        ("my card arrived, can you turn it on please", False),
        ("Well, it's my checking balance.", False),
        ("What's my checking balance?", False),
    ],
)
def test_when_an_utterance_adds_on_or_points_back_then_it_may_be_a_follow_up(text: str, expected: bool) -> None:
    assert may_follow_up(text) is expected


def test_when_a_conversation_id_comes_back_then_its_state_is_kept() -> None:
    store = ConversationStore()
    first = store.get("phone-1")
    first.last_label = "accounts"
    assert store.get("phone-1").last_label == "accounts"
    assert store.get("phone-2").last_label is None


def test_when_the_store_is_full_then_the_least_recently_used_conversation_goes() -> None:
    store = ConversationStore(capacity=2)
    store.get("a").last_label = "savings"
    store.get("b")
    store.get("a")
    store.get("c")
    assert len(store) == 2
    assert store.get("a").last_label == "savings"
    assert store.get("b").last_label is None  # "b" was dropped and comes back empty


def test_when_a_conversation_is_idle_past_its_ttl_then_it_is_forgotten() -> None:
    store = ConversationStore(ttl_s=0.0)
    store.get("a").last_label = "savings"
    assert store.get("a").last_label is None
