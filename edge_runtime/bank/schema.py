"""The bank's SQLite schema: integer cents, ISO dates, and constraints for what the domain forbids."""

from __future__ import annotations

import sqlite3
from typing import Final

#: Bumped whenever the schema changes; an older file is refused rather than misread.
SCHEMA_VERSION: Final[int] = 1

# A date column holds a real ISO date: SQLite's date() echoes "2026-02-30" back, but with a modifier it
# normalises it to "2026-03-02", so only a real date compares equal to itself.
SCHEMA: Final[str] = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE accounts (
    id TEXT PRIMARY KEY CHECK (id IN ('checking', 'savings', 'credit_card')),
    last_four TEXT NOT NULL CHECK (length(last_four) = 4 AND last_four NOT GLOB '*[^0-9]*'),
    balance_cents INTEGER NOT NULL,
    interest_rate TEXT,
    credit_limit_cents INTEGER CHECK (credit_limit_cents > 0)
);
CREATE TABLE transactions (
    id INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    posted_on TEXT NOT NULL CHECK (date(posted_on, '+0 days') IS posted_on),
    kind TEXT NOT NULL
        CHECK (kind IN ('card', 'deposit', 'bill_payment', 'transfer', 'interest', 'card_payment')),
    counterparty TEXT NOT NULL CHECK (counterparty <> ''),
    category TEXT CHECK ((kind = 'card') = (category IS NOT NULL)),
    amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0),
    pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1))
);
CREATE INDEX transactions_by_date ON transactions (posted_on, id);
CREATE TABLE payees (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    aliases TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)),
    billable INTEGER NOT NULL CHECK (billable IN (0, 1)),
    transferable INTEGER NOT NULL CHECK (transferable IN (0, 1)),
    autopay INTEGER NOT NULL DEFAULT 0 CHECK (autopay IN (0, 1)),
    CHECK (billable OR transferable),
    CHECK (billable OR NOT autopay)
);
CREATE TABLE bills (
    id INTEGER PRIMARY KEY,
    payee_id INTEGER NOT NULL REFERENCES payees(id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    paid_cents INTEGER NOT NULL DEFAULT 0 CHECK (paid_cents BETWEEN 0 AND amount_cents),
    due_on TEXT NOT NULL CHECK (date(due_on, '+0 days') IS due_on),
    paid_on TEXT CHECK (date(paid_on, '+0 days') IS paid_on),
    scheduled_on TEXT CHECK (date(scheduled_on, '+0 days') IS scheduled_on),
    scheduled_cents INTEGER CHECK (scheduled_cents > 0),
    CHECK ((paid_on IS NOT NULL) = (paid_cents = amount_cents)),
    CHECK ((scheduled_on IS NULL) = (scheduled_cents IS NULL))
);
CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    aliases TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)),
    target_cents INTEGER NOT NULL CHECK (target_cents > 0),
    saved_cents INTEGER NOT NULL CHECK (saved_cents >= 0),
    started_on TEXT NOT NULL CHECK (date(started_on, '+0 days') IS started_on),
    target_on TEXT NOT NULL CHECK (date(target_on, '+0 days') IS target_on AND target_on > started_on)
);
CREATE TABLE cards (
    id TEXT PRIMARY KEY CHECK (id IN ('debit', 'credit')),
    account_id TEXT NOT NULL UNIQUE REFERENCES accounts(id),
    last_four TEXT NOT NULL CHECK (length(last_four) = 4 AND last_four NOT GLOB '*[^0-9]*'),
    state TEXT NOT NULL CHECK (state IN ('active', 'frozen', 'lost', 'inactive', 'replacement_ordered')),
    expires_on TEXT NOT NULL CHECK (date(expires_on, '+0 days') IS expires_on),
    replacement_ordered_on TEXT CHECK (date(replacement_ordered_on, '+0 days') IS replacement_ordered_on)
);
CREATE TABLE transfers (
    id INTEGER PRIMARY KEY,
    from_account TEXT NOT NULL REFERENCES accounts(id),
    to_account TEXT REFERENCES accounts(id),
    payee_id INTEGER REFERENCES payees(id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    on_date TEXT NOT NULL CHECK (date(on_date, '+0 days') IS on_date),
    status TEXT NOT NULL CHECK (status IN ('completed', 'pending', 'scheduled', 'failed')),
    CHECK ((to_account IS NULL) <> (payee_id IS NULL)),
    CHECK (to_account IS NULL OR to_account <> from_account)
);
CREATE TABLE statements (
    closing_on TEXT PRIMARY KEY CHECK (date(closing_on, '+0 days') IS closing_on),
    opening_on TEXT NOT NULL CHECK (date(opening_on, '+0 days') IS opening_on AND opening_on <= closing_on),
    balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0),
    minimum_cents INTEGER NOT NULL CHECK (minimum_cents BETWEEN 0 AND balance_cents),
    due_on TEXT NOT NULL CHECK (date(due_on, '+0 days') IS due_on AND due_on > closing_on),
    paid_on TEXT CHECK (date(paid_on, '+0 days') IS paid_on)
);
CREATE TABLE help_articles (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    keywords TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE VIRTUAL TABLE help_fts USING fts5(
    title, keywords, body, content='help_articles', content_rowid='id', tokenize='porter unicode61'
);
CREATE TABLE executed_actions (
    action_id TEXT PRIMARY KEY,
    tool TEXT NOT NULL,
    recorded_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
"""


def create_schema(connection: sqlite3.Connection) -> None:
    """Create every table of an empty bank in ``connection`` and stamp the schema version."""
    connection.executescript(SCHEMA)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def index_help_articles(connection: sqlite3.Connection) -> None:
    """Rebuild the full-text index from ``help_articles`` (after inserting articles)."""
    connection.execute("INSERT INTO help_fts(help_fts) VALUES ('rebuild')")
