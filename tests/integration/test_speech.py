"""``edge-assistant transcribe`` and ``ask --audio`` as a user runs them: real speech, the real Whisper model."""

from __future__ import annotations

import json
import shutil
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from edge_runtime.manifest import ModelError
from edge_runtime.speech import Transcriber
from edge_runtime.speech.transcriber import bundled_model_path
from tests.conftest import run_cli
from tests.speech_helpers import espeak_wav

TODAY = "2026-11-20"
GROCERIES = "How much did I spend on groceries this month?"


def write_wav(path: Path, samples: npt.NDArray[np.float64], rate: int) -> Path:
    """16-bit PCM, frames x channels (or mono), with the stdlib's writer: independent of the parser under test."""
    frames = samples.reshape(len(samples), -1)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(frames.shape[1])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.round(np.clip(frames, -1, 1) * 32767).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The groceries question, said by espeak-ng (22,050 Hz mono)."""
    return espeak_wav(GROCERIES, tmp_path_factory.mktemp("speech") / "groceries.wav")


def _lines(stdout: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


def test_when_a_spoken_question_is_transcribed_then_its_words_come_back_with_timings(spoken: Path) -> None:
    result = run_cli(["transcribe", str(spoken)])
    assert result.returncode == 0, result.stderr.decode()
    [line] = _lines(result.stdout)
    assert set(line) == {"file", "text", "duration_s", "processing_s"}
    assert line["file"] == str(spoken)
    text = str(line["text"]).lower()
    assert "groceries" in text and "month" in text
    assert line["duration_s"] == pytest.approx(3.2, abs=0.5)
    assert 0 < float(str(line["processing_s"])) < 30


def test_when_the_question_is_recorded_at_48_khz_in_stereo_then_it_still_transcribes(
    spoken: Path, tmp_path: Path
) -> None:
    with wave.open(str(spoken), "rb") as source:
        rate = source.getframerate()
        mono = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2") / 32768.0
    times = np.arange(round(len(mono) * 48000 / rate)) / 48000
    upsampled = np.interp(times, np.arange(len(mono)) / rate, mono)
    stereo = np.stack([0.9 * upsampled, 0.6 * upsampled], axis=1)
    path = write_wav(tmp_path / "stereo48k.wav", stereo, 48000)
    result = run_cli(["transcribe", str(path)])
    assert result.returncode == 0, result.stderr.decode()
    [line] = _lines(result.stdout)
    assert "groceries" in str(line["text"]).lower()


def test_when_nobody_speaks_then_the_text_is_empty_not_an_error(tmp_path: Path) -> None:
    silence = write_wav(tmp_path / "silence.wav", np.zeros(32000), 16000)
    noise = write_wav(tmp_path / "noise.wav", 0.1 * np.random.default_rng(7).standard_normal(48000), 16000)
    result = run_cli(["transcribe", str(silence), str(noise)])
    assert result.returncode == 0, result.stderr.decode()
    assert [(line["text"], line["duration_s"]) for line in _lines(result.stdout)] == [("", 2.0), ("", 3.0)]


def test_when_one_file_is_bad_then_it_gets_an_error_line_the_others_are_transcribed_and_the_exit_is_1(
    spoken: Path, tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(bytes(range(256)) * 8)
    result = run_cli(["transcribe", str(garbage), str(spoken), str(tmp_path / "missing.wav")])
    assert result.returncode == 1
    bad, good, missing = _lines(result.stdout)
    assert bad == {"file": str(garbage), "error": "the file is not a WAV file (it has no RIFF/WAVE header)"}
    assert "groceries" in str(good["text"]).lower()
    assert missing["error"] == "the file can't be read: No such file or directory"
    assert "Traceback" not in result.stderr.decode()


def test_when_a_question_is_asked_by_voice_then_it_is_answered_as_the_typed_question(
    spoken: Path, env: dict[str, str]
) -> None:
    result = run_cli(["ask", "--audio", str(spoken), "--json"], env=env)
    assert result.returncode == 0, result.stderr.decode()
    turn = json.loads(result.stdout)
    assert "groceries" in turn["transcript"].lower()
    assert turn["text"] == turn["transcript"]
    assert turn["label"] == "card_spending"
    assert turn["tool_calls"] == [
        {"name": "spending_summary", "arguments": {"period": "this_month", "category": "groceries"}, "status": "ok"}
    ]
    assert turn["answer"].startswith("You spent $")
    assert turn["timings_ms"]["transcribe"] > 0


def test_when_a_question_is_asked_by_voice_in_plain_text_then_the_transcript_comes_before_the_answer(
    spoken: Path, env: dict[str, str]
) -> None:
    result = run_cli(["ask", "--audio", str(spoken)], env=env)
    assert result.returncode == 0, result.stderr.decode()
    heard, answer = result.stdout.decode().splitlines()[:2]
    assert heard.startswith("you said: ") and "groceries" in heard.lower()
    assert answer.startswith("You spent $") and "groceries" in answer


def test_when_the_recording_is_silent_then_ask_gives_its_usual_answer_to_an_empty_question(
    tmp_path: Path, env: dict[str, str]
) -> None:
    silence = write_wav(tmp_path / "silence.wav", np.zeros(16000), 16000)
    result = run_cli(["ask", "--audio", str(silence)], env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert "I didn't catch a question" in result.stdout.decode()


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_when_the_audio_file_is_garbage_then_ask_stops_with_one_line_and_no_traceback(
    tmp_path: Path, env: dict[str, str], extra: list[str]
) -> None:
    garbage = tmp_path / "question.wav"
    garbage.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(100))
    result = run_cli(["ask", "--audio", str(garbage), *extra], env=env)
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().splitlines() == [
        f"edge-assistant: error: {garbage}: the WAV file has no fmt chunk, so its encoding is unknown"
    ]


def test_when_audio_and_typed_text_are_both_given_then_ask_refuses(spoken: Path, env: dict[str, str]) -> None:
    result = run_cli(["ask", "--audio", str(spoken), "what is my balance"], env=env)
    assert result.returncode == 2
    assert "not both" in result.stderr.decode()


def test_when_the_whisper_model_directory_is_missing_then_the_error_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist; point EDGE_ASSISTANT_WHISPER_MODEL"):
        Transcriber(tmp_path / "no-such-model")


def test_when_the_whisper_model_is_incomplete_or_corrupt_then_the_error_names_it(tmp_path: Path) -> None:
    broken = tmp_path / "whisper"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"not a model")
    with pytest.raises(
        ModelError, match=r"lacks tokenizer\.json \(it holds: model\.bin\); point EDGE_ASSISTANT_WHISPER_MODEL"
    ):
        Transcriber(broken)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copy(bundled_model_path() / name, broken / name)
    with pytest.raises(ModelError, match="could not be loaded"):
        Transcriber(broken)


def test_when_the_transcribe_command_meets_a_broken_model_then_it_exits_2_with_the_fix(tmp_path: Path) -> None:
    result = run_cli(["transcribe", "any.wav"], env={"EDGE_ASSISTANT_WHISPER_MODEL": str(tmp_path)})
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert "lacks model.bin, tokenizer.json" in stderr and "Traceback" not in stderr
