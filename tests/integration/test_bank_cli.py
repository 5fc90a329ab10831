"""``edge-assistant bank init`` as a user runs it: a real process writing a real SQLite bank."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from edge_runtime.bank import SqliteBank
from edge_runtime.bank.store import TransactionQuery
from tests.conftest import run_cli


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_when_bank_init_runs_then_a_year_of_banking_is_written_and_summarised(tmp_path: Path) -> None:
    path = tmp_path / "bank.sqlite"
    result = run_cli(["bank", "init", "--path", str(path), "--today", "2026-11-20", "--seed", "3"])
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert f"Created a demo bank at {path}" in out
    assert "card transactions" in out and "bills" in out and "help articles" in out
    assert "checking $" in out and "owed" in out
    with SqliteBank(path) as bank:
        latest = bank.transactions(TransactionQuery(limit=1))[0]
        assert latest.on.isoformat() == "2026-11-20"
        assert f"checking ${bank.accounts()[0].balance:,.2f}" in out


def test_when_the_bank_exists_then_init_refuses_without_force_and_replaces_with_it(tmp_path: Path) -> None:
    path = tmp_path / "bank.sqlite"
    assert run_cli(["bank", "init", "--path", str(path), "--today", "2026-11-20"]).returncode == 0
    before = _digest(path)
    refused = run_cli(["bank", "init", "--path", str(path), "--seed", "9"])
    stderr = refused.stderr.decode()
    assert refused.returncode == 2
    assert "already exists" in stderr and "--force" in stderr and "Traceback" not in stderr
    assert _digest(path) == before
    replaced = run_cli(["bank", "init", "--path", str(path), "--today", "2026-11-20", "--seed", "9", "--force"])
    assert replaced.returncode == 0, replaced.stderr
    assert _digest(path) != before


def test_when_no_path_is_given_then_the_environment_decides_where_the_bank_goes(tmp_path: Path) -> None:
    named = tmp_path / "named.sqlite"
    assert run_cli(["bank", "init"], env={"EDGE_ASSISTANT_BANK": str(named)}).returncode == 0
    assert named.is_file()
    xdg = tmp_path / "xdg"
    result = run_cli(["bank", "init"], env={"EDGE_ASSISTANT_BANK": "", "XDG_DATA_HOME": str(xdg)})
    assert result.returncode == 0, result.stderr
    assert (xdg / "edge-assistant" / "bank.sqlite").is_file()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--today", "2026-02-30"], {}, "'2026-02-30' is not a real date written YYYY-MM-DD"),
        ([], {"EDGE_ASSISTANT_TODAY": "next friday"}, "EDGE_ASSISTANT_TODAY must be a real date written YYYY-MM-DD"),
        ([], {"EDGE_ASSISTANT_BANK": "/"}, "EDGE_ASSISTANT_BANK must name the bank's database file"),
    ],
)
def test_when_a_setting_is_wrong_then_bank_init_says_which_and_writes_nothing(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    path_args = [] if "EDGE_ASSISTANT_BANK" in env else ["--path", str(tmp_path / "bank.sqlite")]
    result = run_cli(["bank", "init", *path_args, *args], env=env)
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()
    assert not (tmp_path / "bank.sqlite").exists()
