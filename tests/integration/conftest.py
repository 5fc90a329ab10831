"""Fixtures of the integration tests: a demo bank made once per module by the real CLI, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli

#: The demo bank's "today" in every integration test that runs the CLI.
DEMO_TODAY = "2026-11-20"


@pytest.fixture(scope="module")
def bank_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bank") / "bank.sqlite"
    result = run_cli(["bank", "init", "--path", str(path), "--today", DEMO_TODAY])
    assert result.returncode == 0, result.stderr.decode()
    return path


@pytest.fixture
def env(bank_template: Path, tmp_path: Path) -> dict[str, str]:
    """The environment of a CLI run on a fresh copy of the demo bank."""
    bank = Path(shutil.copy(bank_template, tmp_path / "bank.sqlite"))
    return {"EDGE_ASSISTANT_BANK": str(bank), "EDGE_ASSISTANT_TODAY": DEMO_TODAY}
