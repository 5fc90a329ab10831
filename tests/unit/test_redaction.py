"""The privacy layer: what leaves the device for the cloud relay, and what comes back into the answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import pii_corpus
from edge_runtime.bank import SqliteBank
from edge_runtime.redaction import Redaction, RedactionError, Redactor

KNOWN_NAMES = ("Sarah Johnson", "sarah", "Alex Chen", "City Power", "Mom", "Bill")
KNOWN_NUMBERS = ("7731", "4408")


def _redact(text: str, redactor: Redactor | None = None) -> str:
    return (redactor or Redactor(KNOWN_NAMES, KNOWN_NUMBERS, keep=("Whole Foods", "Trader Joe's"))).start().redact(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My card 4111 1111 1111 1111 was declined", "My card <CARD_1> was declined"),
        ("card 4111-1111-1111-1111", "card <CARD_1>"),
        ("is 4111111111111111 blocked?", "is <CARD_1> blocked?"),
        ("Amex 3782 822463 10005 please", "Amex <CARD_1> please"),
        ("old visa 4222222222222", "old visa <CARD_1>"),
        ("4111 1111 1111 1111 was charged 2 times", "<CARD_1> was charged 2 times"),
        ("two cards: 4111 1111 1111 1111 5500 0000 0000 0004", "two cards: <CARD_1> <CARD_2>"),
        # A bad check digit is not a card, but a 16-digit number still does not leave as it is.
        ("Is 4111 1111 1111 1112 mine?", "Is <ACCOUNT_1> mine?"),
        ("I paid $1,234.56 on 2026-11-21 at 10:30", "I paid $1,234.56 on 2026-11-21 at 10:30"),
        ("reference 4111 and 3 times", "reference 4111 and 3 times"),
    ],
)
def test_when_a_card_number_is_written_then_only_a_valid_checksum_makes_it_a_card(text: str, expected: str) -> None:
    assert _redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("balance on account number 12345678?", "balance on account number <ACCOUNT_1>?"),
        ("move it to 12345678901 today", "move it to <ACCOUNT_1> today"),
        ("close account no. 482913", "close account no. <ACCOUNT_1>"),
        ("acct #55512", "acct #<ACCOUNT_1>"),
        ("is my checking account ending in 1234 overdrawn", "is my checking account ending in <ACCOUNT_1> overdrawn"),
        ("the card ending 4242 was declined", "the card ending <CARD_1> was declined"),
        ("my Visa ending with 9876", "my Visa ending with <CARD_1>"),
        ("fee on ****5678", "fee on ****<ACCOUNT_1>"),
        ("statement for acct x9012", "statement for acct x<ACCOUNT_1>"),
        ("sort code 12-34-56", "sort code <ACCOUNT_1>"),
        ("routing number 021000021", "routing number <ACCOUNT_1>"),
        ("is 7731 my savings?", "is <ACCOUNT_1> my savings?"),
        ("a 20-digit 12345678901234567890 number", "a 20-digit <ACCOUNT_1> number"),
        # What the model needs stays: references, years, counts, amounts, dates.
        ("dispute reference 48213", "dispute reference 48213"),
        ("my account 2024 statement", "my account 2024 statement"),
        ("in November 2026, between 2019-2020", "in November 2026, between 2019-2020"),
        ("a $12,345,678.90 wire and 10 000 000 € tax", "a $12,345,678.90 wire and 10 000 000 € tax"),
        ("on 21/11/2026, 11/21/2026 and 21.11.2026", "on 21/11/2026, 11/21/2026 and 21.11.2026"),
        ("charged 3 times in 30 days", "charged 3 times in 30 days"),
        ("charged 12.99 12.99 12.99 12.99", "charged 12.99 12.99 12.99 12.99"),
    ],
)
def test_when_an_account_number_is_written_then_it_is_replaced_and_numbers_that_are_not_are_kept(
    text: str, expected: str
) -> None:
    assert _redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("send it to GB82 WEST 1234 5698 7654 32 today", "send it to <IBAN_1> today"),
        ("iban DE89370400440532013000", "iban <IBAN_1>"),
        ("iban de89 3704 0044 0532 0130 00 please", "iban <IBAN_1> please"),
        ("to NL91ABNA0417164300 and FR1420041010050500013M02606", "to <IBAN_1> and <IBAN_2>"),
        ("GB82 WEST 1234 5698 7654 32 TO ANNA", "<IBAN_1> TO ANNA"),
        # A mistyped IBAN (bad mod-97 check) is still someone's account number.
        ("iban GB00 WEST 1234 5698 7654 32 bounced", "iban <ACCOUNT_1> bounced"),
        ("Q3 2026 plan AB12 costs", "Q3 2026 plan AB12 costs"),
    ],
)
def test_when_an_iban_is_written_then_it_is_replaced_by_its_checksum_or_shape(text: str, expected: str) -> None:
    assert _redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("send it to jo.lee+bank@mail.example.co.uk.", "send it to <EMAIL_1>."),
        ("mail me at x@y", "mail me at <EMAIL_1>"),
        ("my email is john dot smith at gmail dot com", "my email is <EMAIL_1>"),
        ("write to jo.lee at outlook.com", "write to <EMAIL_1>"),
        ("I was shopping at amazon.com", "I was shopping at amazon.com"),
        ("meet @ 5 at the branch", "meet @ 5 at the branch"),
    ],
)
def test_when_an_email_address_is_written_or_spoken_then_it_is_replaced(text: str, expected: str) -> None:
    assert _redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me on (555) 123-4567", "call me on <PHONE_1>"),
        ("call 555.123.4567 or 555-987-6543", "call <PHONE_1> or <PHONE_2>"),
        ("+1 (555) 123-4567 after 6", "<PHONE_1> after 6"),
        ("ring 020 7946 0958 or 07700 900123", "ring <PHONE_1> or <PHONE_2>"),
        ("+44 (0)20 7946 0958 2 times", "<PHONE_1> 2 times"),
        ("+33 1 23 45 67 89 in Paris", "<PHONE_1> in Paris"),
        ("my number is 555-1234", "my number is <PHONE_1>"),
        ("$1,234.56 on 2026-11-21, 21/11/2026 at 10:30", "$1,234.56 on 2026-11-21, 21/11/2026 at 10:30"),
        ("call 911 about the 555 charge", "call 911 about the 555 charge"),
    ],
)
def test_when_a_phone_number_is_written_then_it_is_replaced_but_amounts_dates_and_times_are_not(
    text: str, expected: str
) -> None:
    assert _redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("did sarah johnson get it?", "did <NAME_1> get it?"),
        ("Is Sarah's rent late?", "Is <NAME_1>'s rent late?"),
        ("pay SARAH and Alex Chen", "pay <NAME_1> and <NAME_2>"),
        ("is my city power bill due", "is my <NAME_1> bill due"),
        ("Send $50 to John Smith tomorrow", "Send $50 to <NAME_1> tomorrow"),
        ("I got $20 from Maria", "I got $20 from <NAME_1>"),
        ("my landlord Peter Jones says", "my landlord <NAME_1> says"),
        ("did Mrs. Patel and Dr O'Brien pay", "did Mrs. <NAME_1> and Dr <NAME_2> pay"),
        ("Yesterday Maria sent me $50", "Yesterday <NAME_1> sent me $50"),
        ("to Will Thompson and May Chen", "to <NAME_1> and <NAME_2>"),
        ("Is Mark Green allowed to use my card?", "Is <NAME_1> allowed to use my card?"),
        ("I owe Bill $5, pay the bill", "I owe <NAME_1> $5, pay the bill"),
        # Capitalisation alone is not a name: sentence starts, products, months, relations, merchants, goals.
        ("Bill payments are late", "Bill payments are late"),
        ("Transfer $200 to Savings from Checking", "Transfer $200 to Savings from Checking"),
        ("Send $50 to Mom in May, by Friday", "Send $50 to Mom in May, by Friday"),
        ("Refund from Amazon for Groceries", "Refund from Amazon for Groceries"),
        ("Refund from Trader Joe's and Whole Foods", "Refund from Trader Joe's and Whole Foods"),
        ("Where is the ATM on Main Street?", "Where is the ATM on Main Street?"),
        ("my rights under the Fair Credit Billing Act", "my rights under the Fair Credit Billing Act"),
        ("Peter wants to know the balance", "Peter wants to know the balance"),
    ],
)
def test_when_a_name_is_known_or_introduced_then_it_is_replaced_and_capitalised_words_alone_are_not(
    text: str, expected: str
) -> None:
    assert _redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("send it to 12 Baker Street please", "send it to <ADDRESS_1> please"),
        ("221B Baker Street, London NW1 6XE", "<ADDRESS_1>"),
        ("at 1600 Pennsylvania Avenue NW, Washington, DC 20500.", "at <ADDRESS_1>."),
        ("42 Elm St, Apt 4B, Springfield, IL 62704 is home", "<ADDRESS_1> is home"),
        ("Flat 2, 10 Kingsley Road", "<ADDRESS_1>"),
        ("88 Riverside Drive, Apt 3C, New York, NY 10024.", "<ADDRESS_1>."),
        ("I live at 5 oak lane, leeds ls1 4dy", "I live at <ADDRESS_1>"),
        ("new card to PO Box 1234", "new card to <ADDRESS_1>"),
        ("12 Baker Street, Thanks", "<ADDRESS_1>, Thanks"),
        ("the 2 kids road trip cost $300", "the 2 kids road trip cost $300"),
        ("the ATM on 5th Avenue", "the ATM on 5th Avenue"),
    ],
)
def test_when_a_street_address_is_written_then_it_is_replaced_with_its_unit_city_and_postcode(
    text: str, expected: str
) -> None:
    assert _redact(text) == expected


def test_when_a_question_is_redacted_then_amounts_dates_merchants_and_categories_are_untouched() -> None:
    text = (
        "Why did Whole Foods charge card 4111 1111 1111 1111 $84.20 for groceries on 2026-11-21 at 10:30, "
        "and can Sarah's share of 3 times 19.99 go to GB82 WEST 1234 5698 7654 32?"
    )
    assert _redact(text) == (
        "Why did Whole Foods charge card <CARD_1> $84.20 for groceries on 2026-11-21 at 10:30, "
        "and can <NAME_1>'s share of 3 times 19.99 go to <IBAN_1>?"
    )


def test_when_an_answer_uses_the_placeholders_then_restore_puts_every_original_back() -> None:
    redaction = Redactor(KNOWN_NAMES, KNOWN_NUMBERS).start()
    text = (
        "Send $50 from 4111 1111 1111 1111 to Alex Chen at jo@example.org, +44 20 7946 0958, "
        "12 Baker Street, account ending in 7731, IBAN DE89 3704 0044 0532 0130 00."
    )
    redacted = redaction.redact(text)
    assert redacted == (
        "Send $50 from <CARD_1> to <NAME_1> at <EMAIL_1>, <PHONE_1>, <ADDRESS_1>, account ending in <ACCOUNT_1>, "
        "IBAN <IBAN_1>."
    )
    assert redaction.restore(redacted) == text
    assert redaction.counts() == {"card": 1, "iban": 1, "account": 1, "email": 1, "phone": 1, "name": 1, "address": 1}


@pytest.mark.parametrize(
    ("answer", "restored"),
    [
        ("<CARD_1> is blocked", "4111 1111 1111 1111 is blocked"),
        ("<card_1> is blocked", "4111 1111 1111 1111 is blocked"),
        ("< CARD_1 > is blocked", "4111 1111 1111 1111 is blocked"),
        ("<CARD 1> or <Card-1>", "4111 1111 1111 1111 or 4111 1111 1111 1111"),
        ("CARD_1 is blocked", "4111 1111 1111 1111 is blocked"),
        ("[CARD_1] and {CARD_1}", "4111 1111 1111 1111 and 4111 1111 1111 1111"),
        ("&lt;CARD_1&gt; and \\<CARD\\_1\\>", "4111 1111 1111 1111 and 4111 1111 1111 1111"),
        ("<NAME_1>'s payment", "Sarah Johnson's payment"),
        # Not this request's placeholders, or not placeholders at all: left as they are.
        ("<CARD_2> and <IBAN_1>", "<CARD_2> and <IBAN_1>"),
        ("your card 1 and CARD1", "your card 1 and CARD1"),
    ],
)
def test_when_the_model_changes_a_placeholder_then_restore_still_finds_it(answer: str, restored: str) -> None:
    redaction = Redactor(KNOWN_NAMES).start()
    redaction.redact("card 4111 1111 1111 1111 for Sarah Johnson")
    assert redaction.restore(answer) == restored


@pytest.mark.parametrize("text", ["", "How much did I spend on groceries in November?", "Pay the $84.20 bill"])
def test_when_a_question_holds_no_personal_data_then_it_leaves_unchanged(text: str) -> None:
    redaction = Redactor(KNOWN_NAMES, KNOWN_NUMBERS).start()
    assert redaction.redact(text) == text
    assert redaction.restore(text) == text
    assert (redaction.placeholders, redaction.counts()) == ({}, {})


def test_when_one_request_redacts_several_texts_then_a_value_keeps_its_placeholder() -> None:
    redaction = Redactor(KNOWN_NAMES).start()
    first = redaction.redact("Is 4111 1111 1111 1111 blocked? Ask Sarah Johnson.")
    second = redaction.redact("The earlier card 4111-1111-1111-1111, not 5500 0000 0000 0004; sarah johnson knows.")
    assert first == "Is <CARD_1> blocked? Ask <NAME_1>."
    assert second == "The earlier card <CARD_1>, not <CARD_2>; <NAME_1> knows."
    assert redaction.placeholders == {
        "<CARD_1>": "4111 1111 1111 1111",
        "<NAME_1>": "Sarah Johnson",
        "<CARD_2>": "5500 0000 0000 0004",
    }
    assert redaction.counts() == {"card": 2, "name": 1}


def test_when_two_requests_are_redacted_then_their_placeholders_are_independent() -> None:
    redactor = Redactor()
    one, two = redactor.start(), redactor.start()
    assert one.redact("card 4111 1111 1111 1111") == "card <CARD_1>"
    assert two.redact("card 5500 0000 0000 0004") == "card <CARD_1>"
    assert two.restore("<CARD_1>") == "5500 0000 0000 0004"


@pytest.mark.parametrize(
    "text",
    [
        "a $12345678901234 wire",  # money-shaped, so no recognizer takes it; still 14 digits
        "iban GB82WEST123456987654321",  # a British IBAN with a character too many
        "card 4111/1111/1111/1111",  # a card number no recognizer reads with slashes
    ],
)
def test_when_something_personal_looking_survives_redaction_then_it_fails_closed_and_remembers_nothing(
    text: str,
) -> None:
    redaction: Redaction = Redactor().start()
    redaction.redact("card 4111 1111 1111 1111")
    with pytest.raises(RedactionError, match="nothing was sent"):
        redaction.redact(text)
    assert redaction.placeholders == {"<CARD_1>": "4111 1111 1111 1111"}


def test_when_the_redactor_is_made_for_the_demo_bank_then_its_payees_and_own_numbers_are_redacted(
    bank: SqliteBank,
) -> None:
    redactor = Redactor.for_bank(bank)
    card = bank.cards()[0].last_four
    checking = next(account for account in bank.accounts() if account.id == "checking").last_four
    text = (
        f"Did sarah pay me back, is Alex Chen's transfer done, is my City Power bill paid, is card {card} "
        f"frozen, and what's on {checking}? Send $50 to Mom from what I spent at Trader Joe's, for my Vacation goal."
    )
    assert redactor.start().redact(text) == (
        "Did <NAME_1> pay me back, is <NAME_2>'s transfer done, is my <NAME_3> bill paid, is card <CARD_1> "
        "frozen, and what's on <ACCOUNT_1>? Send $50 to Mom from what I spent at Trader Joe's, for my Vacation goal."
    )


def test_when_the_pii_corpus_is_redacted_then_no_planted_card_number_or_iban_survives() -> None:
    redactor = Redactor(pii_corpus.KNOWN_NAMES, pii_corpus.KNOWN_NUMBERS, keep=pii_corpus.MERCHANTS)
    leaked = []
    for record in pii_corpus.load():
        try:
            redacted = redactor.start().redact(record["text"])
        except RedactionError:
            continue  # nothing was sent
        leaked += [
            (record["id"], span["kind"])
            for span in record["pii"]
            if span["kind"] in ("card", "iban") and span["value"] in redacted
        ]
    planted = sum(span["kind"] in ("card", "iban") for record in pii_corpus.load() for span in record["pii"])
    assert planted >= 200
    assert leaked == []


def test_when_the_corpus_generator_runs_then_it_writes_the_committed_corpus(tmp_path: Path) -> None:
    assert pii_corpus.main(["--out", str(tmp_path / "corpus.jsonl")]) == 0
    assert (tmp_path / "corpus.jsonl").read_text(encoding="utf-8") == pii_corpus.CORPUS.read_text(encoding="utf-8")
