"""The specialists' adapters on the shipped int8 build: only the running specialist's stays in memory.

onnxruntime reads an adapter's weights from its mapped file, so every adapter left loaded stays
resident. These tests read the process's own mappings to see which adapter files are mapped.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from edge_runtime.manifest import Manifest, ModelError
from edge_runtime.specialists.engine import SpecialistEngine, SpecialistError, SpecialistOptions

TODAY = date(2026, 11, 20)
BALANCE = {"name": "get_balance", "arguments": {"account": "checking"}}
DINING = {"name": "spending_summary", "arguments": {"period": "this_month", "category": "dining"}}


def _copy_adapters(model_dir: Path, folder: Path) -> dict[str, Path]:
    """The committed adapters, copied to ``folder`` so that their mappings are this test's alone."""
    manifest = Manifest.load(model_dir)
    folder.mkdir()
    return {
        label: Path(shutil.copy(manifest.verified_path("specialists", f"adapter:{label}"), folder))
        for label in manifest.model("specialists")["adapters"]
    }


def _int8_dir(model_dir: Path) -> Path:
    """The int8 base model's directory (built on set-up; ``SpecialistEngine.from_manifest`` checks it)."""
    return model_dir / Path(Manifest.load(model_dir).file("specialists", "int8:model.onnx").path).parent


def _mapped(folder: Path) -> set[str]:
    """Names of the files in ``folder`` that this process has mapped."""
    lines = Path("/proc/self/maps").read_text().splitlines()
    return {Path(line.split(maxsplit=5)[5]).name for line in lines if f" {folder}/" in line}


@pytest.fixture
def adapters(model_dir: Path, tmp_path: Path) -> dict[str, Path]:
    return _copy_adapters(model_dir, tmp_path / "adapters")


@pytest.fixture
def engine(model_dir: Path, adapters: dict[str, Path]) -> SpecialistEngine:
    return SpecialistEngine(_int8_dir(model_dir), adapters, SpecialistOptions(threads=2))


def test_when_specialists_take_turns_then_only_the_running_ones_adapter_is_in_memory(
    engine: SpecialistEngine, adapters: dict[str, Path]
) -> None:
    folder = adapters["accounts"].parent
    assert _mapped(folder) == set()
    first = engine.generate("accounts", "What's my checking balance?", TODAY)
    assert first.call == BALANCE
    assert _mapped(folder) == {"accounts.onnx_adapter"}
    assert engine.generate("card_spending", "How much did I spend on dining this month?", TODAY).call == DINING
    assert _mapped(folder) == {"card_spending.onnx_adapter"}
    again = engine.generate("accounts", "What's my checking balance?", TODAY)
    assert (again.text, again.call) == (first.text, first.call)
    assert _mapped(folder) == {"accounts.onnx_adapter"}


def test_when_an_adapter_file_goes_missing_after_the_start_then_its_turn_fails_clearly_and_the_others_go_on(
    engine: SpecialistEngine, adapters: dict[str, Path]
) -> None:
    adapters["card_spending"].unlink()
    with pytest.raises(SpecialistError, match="cannot load the card_spending adapter"):
        engine.generate("card_spending", "How much did I spend on dining this month?", TODAY)
    assert engine.generate("accounts", "What's my checking balance?", TODAY).call == BALANCE


def test_when_a_file_is_not_an_adapter_then_the_engine_does_not_start(
    model_dir: Path, adapters: dict[str, Path]
) -> None:
    adapters["savings"].write_bytes(b"not an adapter" * 64)
    with pytest.raises(ModelError, match="cannot load the savings adapter"):
        SpecialistEngine(_int8_dir(model_dir), adapters, SpecialistOptions(threads=2))
