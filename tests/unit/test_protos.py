"""The checked-in gRPC stubs are exactly what ``scripts/gen_protos.py`` writes from ``proto/``."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gen_protos.py"
#: Each package's checked-in stubs: the edge daemon has every contract, the relay only its own.
CHECKED_IN = {
    "edge_runtime": ROOT / "edge_runtime" / "rpc" / "generated",
    "cloud_relay": ROOT / "cloud_relay" / "generated",
}


def _files(folder: Path) -> dict[str, Path]:
    return {
        path.relative_to(folder).as_posix(): path
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def _generate(out: Path, target: str = "edge_runtime") -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), "--target", target],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()


@pytest.mark.parametrize("target", sorted(CHECKED_IN))
def test_when_the_stubs_are_regenerated_then_they_equal_the_checked_in_ones(tmp_path: Path, target: str) -> None:
    fresh = tmp_path / "generated"
    _generate(fresh, target)
    checked_in = CHECKED_IN[target]
    expected, actual = _files(fresh), _files(checked_in)
    stale = sorted(name for name in expected if name not in actual or not filecmp.cmp(expected[name], actual[name]))
    extra = sorted(set(actual) - set(expected))
    assert not stale and not extra, (
        f"the gRPC stubs in {checked_in.relative_to(ROOT)} are stale (differ: {stale}, not generated: {extra}); "
        "run: python scripts/gen_protos.py"
    )


def test_when_the_relay_stubs_are_generated_then_they_hold_only_the_relay_contract(tmp_path: Path) -> None:
    _generate(tmp_path / "relay", "cloud_relay")
    assert sorted(name for name in _files(tmp_path / "relay") if name.endswith(".py") and "_pb2" in name) == [
        "relay/v1/relay_pb2.py",
        "relay/v1/relay_pb2_grpc.py",
    ]


def test_when_the_stubs_are_generated_twice_then_the_bytes_are_the_same(tmp_path: Path) -> None:
    _generate(tmp_path / "one")
    _generate(tmp_path / "two")
    one, two = _files(tmp_path / "one"), _files(tmp_path / "two")
    assert one.keys() == two.keys()
    assert all(one[name].read_bytes() == two[name].read_bytes() for name in one)


def test_when_the_output_folder_holds_other_files_then_the_script_refuses_to_replace_it(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)], capture_output=True, timeout=120, check=False
    )
    assert result.returncode != 0
    assert "was not written by this script" in result.stderr.decode()
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    "module",
    [
        "edge_runtime.rpc.generated.edge_assistant.v1.assistant_pb2",
        "edge_runtime.rpc.generated.edge_assistant.v1.assistant_pb2_grpc",
        "edge_runtime.rpc.generated.relay.v1.relay_pb2_grpc",
        "cloud_relay.generated.relay.v1.relay_pb2",
        "cloud_relay.generated.relay.v1.relay_pb2_grpc",
    ],
)
def test_when_a_stub_is_imported_then_it_loads_from_its_own_package(module: str) -> None:
    # The relay's stubs must import without edge_runtime: the relay deploys on its own.
    code = f"import sys, {module}; assert ('edge_runtime' in sys.modules) == {module.startswith('edge_runtime')!r}"
    # A fresh interpreter outside the repository: the stubs must not rely on proto/ being importable.
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, cwd="/", check=False)
    assert result.returncode == 0, result.stderr.decode()
