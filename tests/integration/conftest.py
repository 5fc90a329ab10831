"""Fixtures of the integration tests: the demo bank, a real OpenAI-compatible server, the cloud relay.

The demo bank is made once per module by the real CLI and copied per test; the servers are processes on
loopback.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.openai_server import llama_server as start_llama_server
from tests.relay_process import start_relay

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


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OpenAI-compatible server (llama.cpp with SmolLM2) on loopback: its base URL, ``.../v1``."""
    with start_llama_server(tmp_path_factory.mktemp("llama") / "llama-server.log") as url:
        yield url


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``cloud-relay serve`` with its embedded local model, and a token of device "test-device": (address, token)."""
    with start_relay(tmp_path_factory.mktemp("relay")) as started:
        yield started.address, started.create_token("test-device")
