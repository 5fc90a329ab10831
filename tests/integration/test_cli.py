"""``edge-assistant route`` and ``models`` as a user runs them: a real process, real models, real stdin."""

from __future__ import annotations

import json
import select
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from edge_runtime.labels import ROUTER_LABELS
from tests.conftest import run_cli


def _readline(stream: IO[bytes], timeout: float = 60.0) -> bytes:
    """One line from a child's stdout, failing instead of hanging when none comes."""
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, f"no output within {timeout} s"
    return stream.readline()


def _lines(stdout: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


def test_when_utterances_are_arguments_then_one_json_object_per_utterance_comes_out_in_order() -> None:
    result = run_cli(["route", "what's my checking balance", "freeze my debit card"])
    assert result.returncode == 0, result.stderr
    out = _lines(result.stdout)
    assert [o["text"] for o in out] == ["what's my checking balance", "freeze my debit card"]
    assert [o["label"] for o in out] == ["accounts", "card_services"]
    assert all(0.0 < float(str(o["confidence"])) <= 1.0 for o in out)


def test_when_stdin_has_blank_invalid_and_huge_lines_then_each_gets_a_result_and_a_warning() -> None:
    stdin = b"\n".join(
        [
            b"how much did I spend on groceries this month",
            b"",
            b"what is my savings balance \xff\xfe please",
            b"pay the phone bill " + b"now " * 5000,
            b"tell me a joke",
        ]
    )
    result = run_cli(["route"], stdin=stdin)
    assert result.returncode == 0, result.stderr
    out = _lines(result.stdout)
    assert len(out) == 5
    assert out[1] == {"text": "", "label": None, "confidence": None}
    assert "\ufffd" in str(out[2]["text"])
    assert out[0]["label"] == "card_spending"
    assert out[3]["label"] in ROUTER_LABELS
    assert {o["label"] for o in out if o["label"]} <= set(ROUTER_LABELS)
    stderr = result.stderr.decode()
    assert "line 3 is not valid UTF-8" in stderr
    assert "line 4 is longer than 128 tokens" in stderr
    assert "Traceback" not in stderr


def test_when_a_person_types_one_line_then_its_answer_comes_before_stdin_closes() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "edge_runtime.cli", "route"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(b"is anything pending on my card\n")
        process.stdin.flush()
        first = json.loads(_readline(process.stdout))
        assert first["label"] == "recent_transactions"
        process.stdin.write(b"what's the exchange rate fee\n")
        process.stdin.close()
        assert json.loads(_readline(process.stdout))["label"] == "help_center"
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()


def _copy_models(source: Path, target: Path) -> Path:
    (target / "router").mkdir(parents=True)
    shutil.copy(source / "manifest.json", target / "manifest.json")
    for name in ("model.int8.onnx", "model.int8.onnx.data", "tokenizer.json"):
        shutil.copy(source / "router" / name, target / "router" / name)
    return target


def _edit_router_manifest(model_dir: Path, **changes: object) -> None:
    manifest = json.loads((model_dir / "manifest.json").read_text())
    manifest["models"]["router"].update(changes)
    (model_dir / "manifest.json").write_text(json.dumps(manifest))


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda d: _flip_byte(d / "router" / "model.int8.onnx"), "is corrupt"),
        (lambda d: _flip_byte(d / "router" / "model.int8.onnx.data"), "model.int8.onnx.data is corrupt"),
        (lambda d: (d / "router" / "model.int8.onnx.data").unlink(), "model.int8.onnx.data is missing"),
        (lambda d: (d / "router" / "tokenizer.json").unlink(), "is missing"),
        (lambda d: (d / "manifest.json").write_text("{"), "not valid JSON"),
        (lambda d: _edit_router_manifest(d, confidence_threshold=None), "no usable confidence_threshold"),
    ],
    ids=["corrupt-graph", "corrupt-weights", "missing-weights", "missing-tokenizer", "broken-manifest", "no-threshold"],
)
def test_when_model_files_are_broken_then_route_exits_with_an_error_naming_the_build_command(
    model_dir: Path,
    tmp_path: Path,
    damage: Callable[[Path], object],
    expected: str,
) -> None:
    broken = _copy_models(model_dir, tmp_path / "models")
    damage(broken)
    result = run_cli(["route", "--model-dir", str(broken), "what's my balance"])
    stderr = result.stderr.decode()
    assert result.returncode == 2
    assert result.stdout == b""
    assert expected in stderr
    assert "python -m export build" in stderr
    assert "Traceback" not in stderr


def test_when_the_model_dir_comes_from_the_environment_then_it_is_used(tmp_path: Path) -> None:
    result = run_cli(["route", "hello"], env={"EDGE_ASSISTANT_MODEL_DIR": str(tmp_path / "absent")})
    assert result.returncode == 2
    assert "does not exist" in result.stderr.decode()


def test_when_the_router_runs_then_torch_is_never_imported() -> None:
    code = (
        "import sys, edge_runtime.cli as cli; cli.main(['route', 'what is my balance']); "
        "bad = [m for m in ('torch', 'transformers', 'optimum', 'peft', 'export') if m in sys.modules]; "
        "sys.exit(f'imported {bad}' if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr.decode()


def test_when_models_are_verified_then_every_manifest_file_is_reported_ok(model_dir: Path, tmp_path: Path) -> None:
    assert run_cli(["models"]).stdout.decode().count("ok  router") == 4
    broken = _copy_models(model_dir, tmp_path / "models")
    shutil.copy(model_dir / "router" / "model.fp32.onnx", broken / "router" / "model.fp32.onnx")
    _flip_byte(broken / "router" / "model.fp32.onnx")
    result = run_cli(["models", "--model-dir", str(broken)])
    assert result.returncode == 2
    assert "model.fp32.onnx is corrupt" in result.stderr.decode()
