"""What a backend gets for an escalated question, and the requests the relay refuses as out of contract."""

from __future__ import annotations

import pytest

from cloud_relay.errors import RequestError
from cloud_relay.generated.relay.v1 import relay_pb2 as pb
from cloud_relay.request import SYSTEM_PROMPT, parse


def _request(**fields: object) -> pb.EscalateRequest:
    values: dict[str, object] = {"request_id": "req-00000001", "question": "Can I afford a new phone for <NAME_1>?"}
    values.update(fields)
    return pb.EscalateRequest(**values)  # type: ignore[arg-type]


def test_when_a_question_has_facts_then_the_prompt_is_the_system_message_the_facts_and_the_question() -> None:
    facts = [pb.Fact(name="savings balance", value="$4,210.00"), pb.Fact(name="card", value="<CARD_1>")]
    messages = parse(_request(facts=facts), max_answer_tokens=256).messages()
    assert [message.role for message in messages] == ["system", "user"]
    assert messages[0].content == SYSTEM_PROMPT
    assert messages[1].content == (
        "Facts about the customer:\n- savings balance: $4,210.00\n- card: <CARD_1>\n\n"
        "Question: Can I afford a new phone for <NAME_1>?"
    )
    for promise in ("read aloud", "<CARD_1>", "keep them exactly as written", "never invent balances"):
        assert promise in SYSTEM_PROMPT


def test_when_the_language_is_not_english_then_the_model_is_asked_to_answer_in_it() -> None:
    assert "BCP 47 tag is de-CH" in parse(_request(language="de-CH"), 256).messages()[0].content
    assert parse(_request(language="en-GB"), 256).messages()[0].content == SYSTEM_PROMPT


@pytest.mark.parametrize(("asked", "expected"), [(0, 256), (100, 100), (5000, 256)])
def test_when_an_answer_length_is_asked_then_the_relay_caps_it(asked: int, expected: int) -> None:
    assert parse(_request(max_answer_tokens=asked), max_answer_tokens=256).max_tokens == expected


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"request_id": "short"}, "request_id must be 8 to 128"),
        ({"request_id": "has spaces in it"}, "request_id must be 8 to 128"),
        ({"request_id": "x" * 129}, "request_id must be 8 to 128"),
        ({"question": "   "}, "the question is empty"),
        ({"question": "x" * 4097}, "the question is 4097 characters long; the limit is 4096"),
        ({"facts": [pb.Fact(name=f"f{n}", value="1") for n in range(17)]}, "17 facts; the limit is 16"),
        ({"facts": [pb.Fact(name="", value="1")]}, "every fact needs a name"),
        ({"facts": [pb.Fact(name="note", value="x" * 1025)]}, "its value 1024"),
        ({"language": "english please"}, "language must be a BCP 47 tag"),
    ],
    ids=["id-short", "id-spaces", "id-long", "blank", "long", "facts", "fact-name", "fact-value", "language"],
)
def test_when_a_request_is_out_of_contract_then_it_is_refused_with_what_to_change(
    fields: dict[str, object], problem: str
) -> None:
    with pytest.raises(RequestError, match=problem):
        parse(_request(**fields), 256)


def test_when_a_request_is_retried_then_its_fingerprint_matches_and_another_question_does_not() -> None:
    first = parse(_request(facts=[pb.Fact(name="a", value="b")]), 256)
    assert parse(_request(facts=[pb.Fact(name="a", value="b")], max_answer_tokens=9), 256).fingerprint == (
        first.fingerprint
    )
    assert parse(_request(facts=[pb.Fact(name="ab", value="")]), 256).fingerprint != first.fingerprint
    assert parse(_request(question="Something else?"), 256).fingerprint != first.fingerprint
