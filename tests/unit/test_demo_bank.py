"""The demo bank: reproducible, realistic, coherent, and a help center that finds the right article."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from edge_runtime.bank import SqliteBank, create_demo_bank
from edge_runtime.bank.demo_catalog import SAVINGS_APY
from edge_runtime.bank.help_articles import HELP_ARTICLES
from edge_runtime.bank.helpsearch import fts_query
from edge_runtime.bank.store import BankError, BankNotFoundError, TransactionQuery
from edge_runtime.tools.checks import PAYEE_TRANSFER_LIMIT
from edge_runtime.tools.ledger import CARD_DELIVERY_DAYS
from edge_runtime.tools.schemas import CATEGORIES, NAME_PATTERN
from tests.unit.conftest import TODAY


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def test_when_the_same_seed_and_day_are_used_then_the_bank_is_identical(demo_template: Path, tmp_path: Path) -> None:
    again = create_demo_bank(tmp_path / "again.sqlite", seed=7, today=TODAY)
    assert _dump(again.path) == _dump(demo_template)


def test_when_the_seed_changes_then_the_purchases_change(demo_template: Path, tmp_path: Path) -> None:
    other = create_demo_bank(tmp_path / "other.sqlite", seed=8, today=TODAY)
    query = "SELECT posted_on, counterparty, amount_cents FROM transactions WHERE kind = 'card'"
    assert _rows(other.path, query) != _rows(demo_template, query)


def test_when_the_bank_is_created_then_it_holds_one_realistic_year_ending_today(demo_template: Path) -> None:
    first, last = _rows(demo_template, "SELECT min(posted_on), max(posted_on) FROM transactions")[0]
    assert (first, last) == ((TODAY - timedelta(days=364)).isoformat(), TODAY.isoformat())
    counts = {kind: n for kind, n in _rows(demo_template, "SELECT kind, count(*) FROM transactions GROUP BY kind")}
    assert 300 <= counts["card"] <= 900
    assert counts["deposit"] == 24  # salary on the 1st and the 15th
    assert counts["interest"] == 12
    categories = {
        row[0] for row in _rows(demo_template, "SELECT DISTINCT category FROM transactions WHERE category IS NOT NULL")
    }
    assert categories == set(CATEGORIES)
    merchants = {row[0] for row in _rows(demo_template, "SELECT DISTINCT counterparty FROM transactions")}
    assert {"Whole Foods", "Trader Joe's", "Starbucks", "Amazon", "Netflix", "Delta", "Airbnb"} <= merchants


def test_when_the_bank_is_created_then_only_the_last_two_days_have_pending_items(demo_template: Path) -> None:
    pending = [
        date.fromisoformat(row[0]) for row in _rows(demo_template, "SELECT posted_on FROM transactions WHERE pending")
    ]
    assert len(pending) >= 3
    assert min(pending) >= TODAY - timedelta(days=1)


def test_when_the_bank_is_created_then_bills_are_paid_upcoming_and_one_overdue(demo_template: Path) -> None:
    with SqliteBank(demo_template) as bank:
        bills = bank.bills()
        statuses = [bill.status(TODAY) for bill in bills]
        assert statuses.count("overdue") == 1
        payees = {p.name for p in bank.payees() if p.billable}
        assert {bill.payee for bill in bills if bill.status(TODAY) == "upcoming"} == payees
        paid = [bill for bill in bills if bill.paid_on is not None]
        payments = bank.transactions(TransactionQuery(kinds=("bill_payment",)))
        assert sorted((b.payee, -b.amount) for b in paid) == sorted((t.counterparty, t.amount) for t in payments)


def test_when_the_ledger_is_replayed_then_checking_never_goes_negative(demo_template: Path) -> None:
    with SqliteBank(demo_template) as bank:
        for account in bank.accounts():
            posted = bank.transactions(TransactionQuery(account=account.id, pending=False))
            opening = account.balance - sum(t.amount for t in posted)
            assert opening >= 0, account.id
            if account.id == "checking":
                running, lowest = opening, opening
                for t in reversed(posted):
                    running += t.amount
                    lowest = min(lowest, running)
                assert lowest > 0


def test_when_names_are_read_then_a_specialist_can_say_every_one_of_them(demo_template: Path) -> None:
    with SqliteBank(demo_template) as bank:
        names = bank.counterparties(("card",)) + [p.name for p in bank.payees()] + [g.name for g in bank.goals()]
        aliases = [alias for p in bank.payees() for alias in p.aliases] + [a for g in bank.goals() for a in g.aliases]
    for name in names + aliases:
        assert re.fullmatch(NAME_PATTERN, name), name


@pytest.mark.parametrize(
    ("question", "slug"),
    [
        ("What are the fees for international transfers?", "international-transfer-fees"),
        ("how much does it cost to send money to Mexico", "international-transfer-fees"),
        ("How do I verify my identity?", "verify-identity"),
        ("why do you need my passport", "verify-identity"),
        ("what is the ATM withdrawal limit", "atm-withdrawals"),
        ("my card hasn't arrived yet", "card-delivery"),
        ("why was my card declined", "declined-payments"),
        ("I forgot my PIN", "pin-and-passcode"),
        ("how do I close my account", "close-account"),
        ("what exchange rate do you use", "exchange-rates"),
        ("which currencies do you support", "supported-currencies"),
        ("is it visa or mastercard", "supported-currencies"),
        ("can I top up with cash", "top-ups"),
        ("my top up failed", "top-up-problems"),
        ("how old do I need to be to open an account", "open-account"),
        ("can I use apple pay", "contactless-and-wallets"),
        ("how do I get a virtual card", "virtual-cards"),
        ("my refund is not showing", "refunds"),
        ("I want to dispute a charge", "disputes"),
        ("someone stole my card", "lost-or-stolen-cards"),
        ("direct debit I don't recognise", "direct-debits"),
        ("do you charge a monthly fee", "account-fees"),
        ("what's the savings interest rate", "savings-interest"),
        ("how do I change my address", "personal-details"),
    ],
)
def test_when_a_typical_help_question_is_searched_then_the_right_article_is_found(
    demo_template: Path, question: str, slug: str
) -> None:
    with SqliteBank(demo_template) as bank:
        article = bank.search_help(question)
    assert article is not None and article.slug == slug


@pytest.mark.parametrize(
    "question",
    ["tell me a joke", "what's the weather in Paris", "how many prime numbers are there below 100", "hello", "??"],
)
def test_when_a_question_has_no_article_then_nothing_is_returned(demo_template: Path, question: str) -> None:
    with SqliteBank(demo_template) as bank:
        assert bank.search_help(question) is None


@pytest.mark.parametrize(
    "question", ['fees" OR NEAR(', "card* AND -limit", "title:fees", "NOT OR AND", "(((", "^fee$", "'; DROP TABLE"]
)
def test_when_a_question_holds_search_syntax_then_it_is_searched_as_plain_words(
    demo_template: Path, question: str
) -> None:
    query = fts_query(question)
    assert query is None or all(re.fullmatch(r'"[a-z0-9]+"', term) for term in query.split(" OR "))
    with SqliteBank(demo_template) as bank:
        bank.search_help(question)  # must not raise


def test_when_there_is_no_bank_file_then_the_error_names_the_command_that_creates_one(tmp_path: Path) -> None:
    with pytest.raises(BankNotFoundError, match="edge-assistant bank init"):
        SqliteBank(tmp_path / "missing.sqlite")
    assert not (tmp_path / "missing.sqlite").exists()


def test_when_the_file_is_not_a_bank_then_opening_it_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "notes.sqlite").write_text("not a database, just notes\n" * 100)
    with pytest.raises(BankError, match="is not a bank database"):
        SqliteBank(tmp_path / "notes.sqlite")


def test_when_a_bank_exists_then_creating_one_there_again_is_refused(demo_template: Path) -> None:
    before = _dump(demo_template)
    with pytest.raises(FileExistsError, match="--force"):
        create_demo_bank(demo_template, seed=1, today=TODAY)
    assert _dump(demo_template) == before


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO transfers (from_account, to_account, amount_cents, on_date, status) "
        "VALUES ('savings', 'savings', 100, '2026-11-20', 'completed')",
        "INSERT INTO transactions (account_id, posted_on, kind, counterparty, amount_cents) "
        "VALUES ('brokerage', '2026-11-20', 'deposit', 'Someone', 100)",
        "INSERT INTO transactions (account_id, posted_on, kind, counterparty, amount_cents) "
        "VALUES ('checking', '2026-02-30', 'deposit', 'Someone', 100)",
        "UPDATE cards SET state = 'melted' WHERE id = 'debit'",
        "UPDATE bills SET paid_cents = amount_cents + 1",
    ],
)
def test_when_a_write_breaks_a_domain_rule_then_the_schema_rejects_it(bank: SqliteBank, statement: str) -> None:
    db = sqlite3.connect(bank.path)
    db.execute("PRAGMA foreign_keys = ON")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            db.execute(statement)
    finally:
        db.close()


def test_when_the_help_center_states_a_rule_then_the_bank_and_toolbox_follow_the_same_figure() -> None:
    bodies = {article.slug: article.body for article in HELP_ARTICLES}
    assert f"{SAVINGS_APY}% APY" in bodies["savings-interest"]
    assert f"${PAYEE_TRANSFER_LIMIT:,.0f} per transfer" in bodies["transfer-limits"]
    assert f"5 to {CARD_DELIVERY_DAYS} business days" in bodies["card-delivery"]
