"""``edge-assistant listen`` as a user runs it: spoken WAV files replayed through the microphone's path,
the real VAD, Whisper, models and bank; and the real no-microphone path of a machine without one.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from edge_runtime.app import open_assistant
from edge_runtime.config import Settings
from edge_runtime.hands_free import HandsFree
from edge_runtime.speech import Transcriber
from edge_runtime.speech.endpoint import Endpointer
from edge_runtime.speech.microphone import Microphone, list_input_devices
from tests.conftest import run_cli
from tests.signals import start_as_from_a_terminal
from tests.speech_helpers import say, silence, write_wav

TODAY = "2026-11-20"
#: Replayed this many times faster than real time: the pauses still reach the endpointer as pauses.
RATE = "4"


def conversation(path: Path, *sentences: str) -> Path:
    """The sentences said one after another with 1.5 s of silence between them, as a WAV file."""
    parts = [silence(0.5)]
    for sentence in sentences:
        parts += [say(sentence), silence(1.5)]
    return write_wav(path, np.concatenate(parts))


def bills_paid(env: dict[str, str]) -> int:
    with sqlite3.connect(env["EDGE_ASSISTANT_BANK"]) as db:
        return int(db.execute("select count(*) from bills where paid_on is not null").fetchone()[0])


def dialogue(stdout: bytes) -> list[str]:
    return [line for line in stdout.decode().splitlines() if line.startswith(("you: ", "assistant: "))]


def test_when_a_payment_is_confirmed_by_voice_then_the_bill_is_paid(tmp_path: Path, env: dict[str, str]) -> None:
    wav = conversation(tmp_path / "pay.wav", "Pay my electricity bill", "yes")
    paid_before = bills_paid(env)
    result = run_cli(["listen", "--input", str(wav), "--rate", RATE], env=env)
    assert result.returncode == 0, result.stderr.decode()
    you_pay, question, you_yes, done = dialogue(result.stdout)
    assert "electricity bill" in you_pay.lower()
    assert question.startswith("assistant: Pay $") and "City Power" in question and question.endswith("?")
    assert you_yes.lower().startswith("you: yes")
    assert done.startswith("assistant: Done. I paid $") and "City Power" in done
    assert bills_paid(env) == paid_before + 1


def test_when_the_user_says_no_then_nothing_is_paid(tmp_path: Path, env: dict[str, str]) -> None:
    wav = conversation(tmp_path / "decline.wav", "Pay my electricity bill", "no")
    paid_before = bills_paid(env)
    result = run_cli(["listen", "--input", str(wav), "--rate", RATE], env=env)
    assert result.returncode == 0, result.stderr.decode()
    lines = dialogue(result.stdout)
    assert len(lines) == 4 and "City Power" in lines[1]
    assert "Nothing was changed" in lines[3]
    assert bills_paid(env) == paid_before


def test_when_the_file_holds_only_silence_and_noise_then_nothing_is_answered(
    tmp_path: Path, env: dict[str, str]
) -> None:
    noise = 0.02 * np.random.default_rng(3).standard_normal(48_000)
    wav = write_wav(tmp_path / "quiet.wav", np.concatenate([silence(2.0), noise, silence(1.0)]))
    result = run_cli(["listen", "--input", str(wav), "--rate", "10"], env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert dialogue(result.stdout) == []


def test_when_speaking_then_every_answer_is_said_while_the_listening_waits(tmp_path: Path, env: dict[str, str]) -> None:
    # A stand-in espeak-ng that records each text it is given: this machine has no loudspeaker.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    spoken = tmp_path / "spoken.txt"
    script = bin_dir / "espeak-ng"
    script.write_text(f"#!/bin/sh\ncat >> {spoken}\necho >> {spoken}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    wav = conversation(tmp_path / "pay.wav", "Pay my electricity bill", "yes")
    path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    result = run_cli(["listen", "--input", str(wav), "--rate", RATE, "--speak"], env={**env, "PATH": path})
    assert result.returncode == 0, result.stderr.decode()
    answers = [line.removeprefix("assistant: ") for line in dialogue(result.stdout) if line.startswith("assistant: ")]
    assert len(answers) == 2
    assert spoken.read_text().splitlines() == answers


def test_when_espeak_is_missing_then_speak_warns_once_and_the_answers_are_printed(
    tmp_path: Path, env: dict[str, str]
) -> None:
    wav = conversation(tmp_path / "balance.wav", "How much did I spend on groceries this month?")
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = run_cli(["listen", "--input", str(wav), "--rate", RATE, "--speak"], env={**env, "PATH": str(empty)})
    assert result.returncode == 0, result.stderr.decode()
    warnings = [line for line in result.stderr.decode().splitlines() if "warning" in line]
    assert warnings == [
        "edge-assistant: warning: --speak needs espeak-ng, which is not on PATH, so answers are only printed; "
        "install it with: apt-get install espeak-ng (Debian, Ubuntu) or brew install espeak-ng"
    ]
    you, answer = dialogue(result.stdout)
    assert "groceries" in you.lower() and answer.startswith("assistant: You spent $")


def test_when_there_is_no_microphone_and_no_input_then_listen_exits_with_one_line(env: dict[str, str]) -> None:
    if list_input_devices():
        pytest.skip("this machine has a microphone")
    result = run_cli(["listen"], env=env)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().splitlines() == [
        "edge-assistant: error: no microphone found; connect one or pass --device "
        "(see `edge-assistant listen --list-devices`)"
    ]


def test_when_the_input_is_not_a_wav_file_then_listen_exits_with_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    mp3 = tmp_path / "question.mp3"
    mp3.write_bytes(b"ID3" + bytes(100))
    result = run_cli(["listen", "--input", str(mp3)], env=env)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "edge-assistant: error: the file is an MP3 file, not a WAV file; convert it, e.g. sox in.mp3 -r 16000 out.wav"
    ]


def test_when_the_user_presses_ctrl_c_then_listen_exits_0_without_a_traceback(
    tmp_path: Path, env: dict[str, str]
) -> None:
    wav = write_wav(tmp_path / "long.wav", silence(60.0))
    process = start_as_from_a_terminal(
        [sys.executable, "-m", "edge_runtime.cli", "listen", "--input", str(wav)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(b"Replaying ")
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0
    assert b"Traceback" not in err


def test_when_the_devices_are_listed_on_a_machine_without_any_then_it_says_so() -> None:
    if list_input_devices():
        pytest.skip("this machine has a microphone")
    result = run_cli(["listen", "--list-devices"])
    assert result.returncode == 0
    assert result.stdout.decode() == "No microphone found: PortAudio sees no input device on this machine.\n"


class LiveStream:
    """A stand-in PortAudio stream: the test speaks into it by calling PortAudio's callback with 30 ms blocks."""

    def __init__(self, **settings: Any) -> None:
        self.callback: Callable[..., None] = settings["callback"]
        self.active = False

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        self.active = False

    def speak(self, samples: npt.NDArray[np.float32]) -> None:
        assert self.active, "nobody hears audio while the microphone is stopped"
        for start in range(0, len(samples), 480):
            block = samples[start : start + 480]
            self.callback(block.reshape(-1, 1), len(block), None, type("Flags", (), {"input_overflow": False})())


def test_when_a_microphone_hears_a_payment_and_a_yes_then_the_hands_free_loop_pays(env: dict[str, str]) -> None:
    streams: list[LiveStream] = []

    def factory(**settings: Any) -> LiveStream:
        streams.append(LiveStream(**settings))
        return streams[-1]

    settings = Settings(bank_path=Path(env["EDGE_ASSISTANT_BANK"]), today=date.fromisoformat(TODAY))
    paid_before = bills_paid(env)
    with Microphone(stream_factory=factory) as mic, open_assistant(settings) as assistant:
        [stream] = streams
        hands_free = HandsFree(mic, Endpointer(), Transcriber(), assistant)
        turns = hands_free.turns()
        stream.speak(np.concatenate([silence(0.3), say("Pay my electricity bill"), silence(1.0)]))
        first = next(turns)
        assert "City Power" in first.turn.answer and first.turn.answer.endswith("?")
        with hands_free.deaf():
            # The assistant speaks its question now: the microphone is off, so it can't hear itself.
            assert not stream.active
        stream.speak(np.concatenate([say("yes"), silence(1.0)]))
        second = next(turns)
        assert second.transcript.text.lower().startswith("yes")
        assert second.turn.answer.startswith("Done. I paid $")
    assert bills_paid(env) == paid_before + 1
