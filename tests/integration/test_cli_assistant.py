"""``edge-assistant ask``, ``chat`` and ``demo`` as a user runs them: real processes, models and bank."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.signals import signal_worker_thread, start_as_from_a_terminal

TODAY = "2026-11-20"
KEYS = {"text", "label", "confidence", "tool_calls", "answer", "escalated", "timings_ms"}


def _bills_paid(env: dict[str, str]) -> int:
    with sqlite3.connect(env["EDGE_ASSISTANT_BANK"]) as db:
        return int(db.execute("select count(*) from bills where paid_on is not null").fetchone()[0])


def test_when_asked_for_json_then_one_object_carries_the_whole_turn(env: dict[str, str]) -> None:
    result = run_cli(["ask", "--json", "What's my checking balance?"], env=env)
    assert result.returncode == 0, result.stderr.decode()
    turn = json.loads(result.stdout)
    assert set(turn) == KEYS
    assert turn["label"] == "accounts"
    assert turn["tool_calls"] == [{"name": "get_balance", "arguments": {"account": "checking"}, "status": "ok"}]
    assert turn["answer"].startswith("Your checking balance is $")
    assert turn["escalated"] is False
    assert turn["timings_ms"]["total"] > 0


def test_when_asked_in_plain_text_then_the_answer_is_printed(env: dict[str, str]) -> None:
    result = run_cli(["ask", "How much did I spend on groceries this month?"], env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert "groceries" in result.stdout.decode() and "$" in result.stdout.decode()


def test_when_lines_come_on_stdin_then_each_gets_its_json_in_order_and_no_write_runs(env: dict[str, str]) -> None:
    questions = ["What's my checking balance?", "Pay the electricity bill", "", "How many primes are below 100?"]
    paid_before = _bills_paid(env)
    result = run_cli(["ask", "--jsonl"], stdin="\n".join(questions).encode() + b"\n", env=env)
    assert result.returncode == 0, result.stderr.decode()
    turns = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [turn["text"] for turn in turns] == questions
    # An escalated turn adds "relay" (how the cloud relay answered, here: none is configured).
    assert all(set(turn) == (KEYS | {"relay"} if turn["escalated"] else KEYS) for turn in turns)
    assert turns[1]["tool_calls"][0]["name"] == "pay_bill"
    assert turns[1]["tool_calls"][0]["status"] == "needs_confirmation"
    assert turns[3]["escalated"] is True
    assert _bills_paid(env) == paid_before


@pytest.mark.parametrize("target", ["process", "worker thread"])
def test_when_ctrl_c_comes_while_ask_jsonl_waits_for_a_line_then_it_exits_130(env: dict[str, str], target: str) -> None:
    process = start_as_from_a_terminal(
        [sys.executable, "-m", "edge_runtime.cli", "ask", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(b"What's my checking balance?\n")
        process.stdin.flush()
        assert json.loads(process.stdout.readline())["label"] == "accounts"
        # Waiting for the next line, with stdin still open.
        if target == "process":
            process.send_signal(signal.SIGINT)
        else:
            signal_worker_thread(process.pid, signal.SIGINT)
        assert process.wait(timeout=30) == 130
        assert process.stderr is not None
        err = process.stderr.read()
        assert b"Traceback" not in err and b"Fatal Python error" not in err
    finally:
        process.kill()
        process.communicate()


def test_when_a_chat_confirms_a_payment_then_the_bill_is_paid(env: dict[str, str]) -> None:
    paid_before = _bills_paid(env)
    result = run_cli(["chat"], stdin=b"Pay the electricity bill\nyes\nyes\n", env=env)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "City Power" in out
    assert "There's nothing waiting for your confirmation" in out
    assert _bills_paid(env) == paid_before + 1


def test_when_a_chat_declines_then_nothing_is_paid(env: dict[str, str]) -> None:
    paid_before = _bills_paid(env)
    result = run_cli(["chat"], stdin=b"Pay the electricity bill\nno\n", env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert "Nothing was changed" in result.stdout.decode()
    assert _bills_paid(env) == paid_before


def test_when_the_demo_runs_then_a_confirmed_payment_a_follow_up_and_an_escalation_happen() -> None:
    result = run_cli(["demo"], env={"EDGE_ASSISTANT_TODAY": TODAY})
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "pay_bill" in out and "done" in out
    assert "spending_summary" in out and "last_month" in out
    # The relay and the daemon ran as processes; the escalated question went out and its answer came back.
    assert "Cloud relay: started on 127.0.0.1:" in out and "Edge daemon: serving on 127.0.0.1:" in out
    assert "escalated, answered by the relay's local stand-in, SmolLM2-135M-Instruct" in out
    # The spoken turn: espeak-ng's question streamed as microphone audio; the daemon found where it ended.
    lines = out.splitlines()
    [spoken] = [number for number, line in enumerate(lines) if line.startswith("you>       (spoken) ")]
    assert "groceries" in lines[spoken].lower() and "month" in lines[spoken].lower()
    assert lines[spoken + 1].startswith("assistant> You spent $") and "groceries" in lines[spoken + 1]
    assert "spending_summary" in lines[spoken + 2] and "final transcript" in lines[spoken + 2]


def test_when_espeak_is_missing_then_the_demo_says_its_spoken_turn_is_skipped(tmp_path: Path) -> None:
    result = run_cli(["demo"], env={"EDGE_ASSISTANT_TODAY": TODAY, "PATH": str(tmp_path)})
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "(spoken)" not in out
    assert "(The spoken turn is skipped: espeak-ng, which says its question, is not installed; install it with:" in out
    assert "pay_bill" in out and "escalated" in out


def test_when_an_adapter_is_corrupt_then_ask_stops_with_a_clear_error(
    model_dir: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    broken = tmp_path / "models"
    shutil.copytree(model_dir, broken, ignore=shutil.ignore_patterns("*.fp32.onnx"))
    adapter = broken / "specialists" / "adapters" / "accounts.onnx_adapter"
    data = bytearray(adapter.read_bytes())
    data[len(data) // 2] ^= 0xFF
    adapter.write_bytes(bytes(data))
    result = run_cli(["ask", "--model-dir", str(broken), "What's my balance?"], env=env)
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert "accounts.onnx_adapter is corrupt" in stderr and "python -m export build" in stderr
    assert "Traceback" not in stderr


def test_when_the_bank_path_is_a_directory_then_ask_says_so(tmp_path: Path) -> None:
    result = run_cli(["ask", "hello"], env={"EDGE_ASSISTANT_BANK": str(tmp_path)})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr.decode()


def test_when_the_assistant_answers_then_torch_is_never_imported(env: dict[str, str]) -> None:
    code = (
        "import sys, edge_runtime.cli as cli; cli.main(['ask', 'what is my checking balance']); "
        "bad = [m for m in ('torch', 'transformers', 'peft', 'export') if m in sys.modules]; "
        "sys.exit(f'imported {bad}' if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, timeout=120, env={**os.environ, **env}, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
