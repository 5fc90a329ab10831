"""Reading answers aloud: espeak-ng gets the text on stdin, and its failures come back as one clear error.

A stand-in espeak-ng (a shell script) records what it was given: this machine has no sound output to hear.
"""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from edge_runtime.speech.speaker import Speaker, SpeakerError


def fake_espeak(directory: Path, body: str) -> Path:
    script = directory / "espeak-ng"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.mark.parametrize(
    "answer",
    [
        "Your checking balance is $8,383.36.",
        "-w /tmp/owned.wav --help",  # an answer that looks like options is still only read out
        "Zahlung an Café Müller: 12,50 €",
    ],
)
def test_when_an_answer_is_said_then_espeak_gets_it_on_stdin_not_as_options(tmp_path: Path, answer: str) -> None:
    log = tmp_path / "log"
    script = fake_espeak(tmp_path, f'echo "$@" > {log}.args; cat > {log}.text')
    Speaker(str(script)).say(answer)
    assert log.with_suffix(".text").read_text(encoding="utf-8") == answer
    assert log.with_suffix(".args").read_text().split() == ["-v", "en-us", "-s", "160", "--stdin"]


def test_when_the_answer_is_blank_then_nothing_is_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    Speaker(str(fake_espeak(tmp_path, f"touch {marker}"))).say("   ")
    assert not marker.exists()


def test_when_espeak_fails_then_the_error_carries_its_last_message(tmp_path: Path) -> None:
    script = fake_espeak(tmp_path, 'echo "ALSA lib: noise" >&2; echo "error: no audio device" >&2; exit 3')
    with pytest.raises(SpeakerError, match=r"^espeak-ng failed with exit status 3: error: no audio device$"):
        Speaker(str(script)).say("hello")


def test_when_espeak_cannot_be_started_then_the_error_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(SpeakerError, match=r"could not be started .*apt-get install espeak-ng"):
        Speaker(str(tmp_path / "missing" / "espeak-ng")).say("hello")


def test_when_espeak_is_not_on_path_then_there_is_no_speaker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert Speaker.find() is None
    fake_espeak(tmp_path, "exit 0")
    found = Speaker.find()
    assert found is not None and found.executable == str(tmp_path / "espeak-ng")


def test_when_a_question_is_written_then_the_wav_file_holds_speech(tmp_path: Path) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing; scripts/setup.sh installs it (apt-get install espeak-ng)")
    speaker = Speaker.find()
    assert speaker is not None
    path = speaker.write("What's my checking balance?", tmp_path / "question.wav")
    assert path.read_bytes()[:4] == b"RIFF" and path.stat().st_size > 20_000
