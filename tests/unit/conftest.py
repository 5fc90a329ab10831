"""Fixtures for the bank and tool tests: one demo bank per session, copied fresh for each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from edge_runtime.bank import FixedClock, SqliteBank, create_demo_bank
from edge_runtime.tools.toolbox import Toolbox

#: The demo's last day in every test: a Friday, so "this week" and "last week" are both non-trivial.
TODAY = date(2026, 11, 20)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bank") / "demo.sqlite"
    create_demo_bank(path, seed=7, today=TODAY)
    return path


@pytest.fixture
def bank_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo bank that a test may change."""
    return Path(shutil.copy(demo_template, tmp_path / "bank.sqlite"))


@pytest.fixture
def bank(bank_path: Path) -> Iterator[SqliteBank]:
    with SqliteBank(bank_path) as store:
        yield store


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture
def toolbox(bank: SqliteBank, clock: FixedClock) -> Toolbox:
    return Toolbox(bank, clock)
