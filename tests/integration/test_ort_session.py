"""Sessions on onnxruntime's shared library: the same numbers as onnxruntime's Python binding, clear
errors for bad models and inputs, and a speech-and-text process that never loads the binding."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import onnxruntime
import pytest

from edge_runtime.ort_session import OrtError, OrtSession, open_session
from edge_runtime.speech.silero import MODEL_FILE, silero_session
from tests.speech_helpers import say, silence, write_wav

ROUTER_CONFIG = {"session.intra_op.allow_spinning": "0", "session.set_denormal_as_zero": "1"}


def _router_feeds(width: int, rows: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(width * 31 + rows)
    ids = rng.integers(1000, 20000, size=(rows, width), dtype=np.int64)
    ids[:, 0], ids[:, -1] = 101, 102
    mask = np.ones_like(ids)
    if rows > 1:
        mask[-1, width // 2 :] = 0
    return {"input_ids": ids, "attention_mask": mask}


@pytest.fixture(scope="module")
def router_path(model_dir: Path) -> Path:
    return model_dir / "router" / "model.int8.onnx"


@pytest.fixture(scope="module")
def session(router_path: Path) -> OrtSession:
    return OrtSession(router_path, threads=1, config=ROUTER_CONFIG)


def _binding(path: Path, config: dict[str, str] | None = None) -> onnxruntime.InferenceSession:
    settings = onnxruntime.SessionOptions()
    settings.intra_op_num_threads = 1
    settings.enable_cpu_mem_arena = False
    for key, value in (config or {}).items():
        settings.add_session_config_entry(key, value)
    return onnxruntime.InferenceSession(str(path), settings, providers=["CPUExecutionProvider"])


def test_when_the_router_runs_on_the_shared_library_then_its_outputs_equal_the_bindings(
    session: OrtSession, router_path: Path
) -> None:
    reference = _binding(router_path, ROUTER_CONFIG)
    assert session.input_names == ("input_ids", "attention_mask")
    assert session.output_names == ("logits", "tool_logits")
    for width, rows in [(3, 1), (11, 1), (40, 1), (17, 4)]:
        feeds = _router_feeds(width, rows)
        ours = session.run(None, feeds)
        theirs = reference.run(None, feeds)
        assert [array.shape for array in ours] == [(rows, 9), (rows, 30)]
        for mine, expected in zip(ours, theirs, strict=True):
            assert mine.dtype == np.float32
            np.testing.assert_array_equal(mine, expected)


def test_when_one_output_is_asked_for_then_only_it_comes_back(session: OrtSession) -> None:
    (tool_logits,) = session.run(["tool_logits"], _router_feeds(9))
    assert tool_logits.shape == (1, 30)


def test_when_threads_share_a_session_then_each_gets_its_own_answer(session: OrtSession) -> None:
    widths = [4, 9, 15, 23, 31, 6, 12, 27] * 4
    expected = {width: session.run(None, _router_feeds(width))[0] for width in set(widths)}
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda width: (width, session.run(None, _router_feeds(width))[0]), widths))
    for width, logits in results:
        np.testing.assert_array_equal(logits, expected[width])


def test_when_silero_runs_on_the_shared_library_then_its_probabilities_equal_faster_whispers() -> None:
    from faster_whisper.utils import get_assets_path

    audio = np.concatenate([silence(0.5), say("what is my checking balance"), silence(0.5)])
    windows = audio[: len(audio) // 512 * 512].reshape(-1, 512)
    batch = np.concatenate([np.zeros((len(windows), 64), np.float32), windows], axis=1)
    state = np.zeros((1, 1, 128), np.float32)
    feeds = {"input": batch, "h": state, "c": state}
    reference = _binding(Path(get_assets_path()) / MODEL_FILE)
    ours = silero_session().run(None, feeds)
    theirs = reference.run(None, feeds)
    for mine, expected in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(mine, expected)
    assert ours[0].max() > 0.9 and ours[0][:10].max() < 0.1, "speech and silence both show"


@pytest.mark.parametrize(
    ("feeds", "message"),
    [
        ({"input_ids": np.ones((1, 5), np.int64)}, "attention_mask"),
        ({"input_ids": np.ones((1, 5), np.float32), "attention_mask": np.ones((1, 5), np.int64)}, "type"),
        ({"input_ids": np.ones((1, 5), np.int64), "attention_mask": np.ones((1, 6), np.int64)}, "same shape"),
        (
            {"input_ids": np.ones((0, 5), np.int64), "attention_mask": np.ones((0, 5), np.int64)},
            r"empty \(shape \(0, 5\)\)",
        ),
        ({"input_ids": np.array([["a"]]), "attention_mask": np.ones((1, 1), np.int64)}, "input_ids is <U1"),
        ({"nonsense": np.ones((1, 5), np.int64), "attention_mask": np.ones((1, 5), np.int64)}, "nonsense"),
    ],
    ids=["missing input", "wrong type", "mismatched shapes", "empty batch", "strings", "unknown input"],
)
def test_when_an_input_is_wrong_then_onnxruntime_says_why_and_the_session_still_works(
    session: OrtSession, feeds: dict[str, np.ndarray], message: str
) -> None:
    with pytest.raises(OrtError, match=message):
        session.run(None, feeds)
    assert session.run(None, _router_feeds(7))[0].shape == (1, 9)


def test_when_an_unknown_output_is_asked_for_then_the_error_lists_the_real_ones(session: OrtSession) -> None:
    with pytest.raises(OrtError, match=r"no output scores \(it has: logits, tool_logits\)"):
        session.run(["scores"], _router_feeds(5))


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "No such file|does not exist|Load model"), (b"\x08\x07garbage" * 50, "protobuf|parsing|Load model")],
    ids=["missing file", "garbage file"],
)
def test_when_the_model_file_is_bad_then_loading_fails_with_onnxruntimes_reason(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "model.onnx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(OrtError, match=message):
        OrtSession(path)


def test_when_a_session_is_closed_then_running_it_is_an_error(router_path: Path) -> None:
    closing = OrtSession(router_path)
    closing.close()
    with pytest.raises(OrtError, match="closed"):
        closing.run(None, _router_feeds(5))


def test_when_a_provider_other_than_the_cpu_is_asked_for_then_the_binding_runs_it(router_path: Path) -> None:
    # No GPU here: the binding falls back to the CPU, as it always has.
    fallback = open_session(router_path, providers=("CUDAExecutionProvider", "CPUExecutionProvider"))
    assert isinstance(fallback, onnxruntime.InferenceSession)
    assert isinstance(open_session(router_path), OrtSession)


_NO_BINDING_SCRIPT = """
import json, sys
from pathlib import Path
import numpy as np
from edge_runtime.router import Router
from edge_runtime.specialists.engine import SpecialistEngine
from edge_runtime.speech import Endpointer, Transcriber
from edge_runtime.speech.audio import mono_audio
model_dir, clip = Path(sys.argv[1]), np.load(sys.argv[2])
route = Router(model_dir).route_one("what's my checking balance")
SpecialistEngine.from_manifest(model_dir)
text = Transcriber().transcribe(mono_audio(clip)).text
endpointer = Endpointer()
utterances = [*endpointer.feed(clip), endpointer.flush()]
libraries = {line.split()[-1] for line in open("/proc/self/maps") if "onnxruntime" in line and ".so" in line}
pyav_loaded = "av.audio" in sys.modules
import faster_whisper
decoded = faster_whisper.decode_audio(sys.argv[3])
print(json.dumps({"label": route.label, "text": text, "utterances": sum(u is not None for u in utterances),
                  "pyav_loaded": pyav_loaded, "decoded_s": len(decoded) / 16000,
                  "modules": sorted(m for m in sys.modules if m.startswith("onnxruntime.")),
                  "libraries": sorted(Path(p).name for p in libraries)}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_when_text_and_speech_models_are_loaded_then_one_onnxruntime_is_in_the_process_and_no_pyav(
    model_dir: Path, tmp_path: Path
) -> None:
    samples = np.concatenate([silence(0.6), say("what's my checking balance"), silence(1.2)])
    clip = tmp_path / "clip.npy"
    np.save(clip, samples)
    wav = write_wav(tmp_path / "clip.wav", samples)
    result = subprocess.run(
        [sys.executable, "-c", _NO_BINDING_SCRIPT, str(model_dir), str(clip), str(wav)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["label"] == "accounts"
    assert "checking balance" in seen["text"].lower()
    assert seen["utterances"] == 1
    # PyAV, which faster-whisper imports for reading files, loads only when a file is read with it.
    assert not seen["pyav_loaded"]
    assert seen["decoded_s"] == pytest.approx(len(samples) / 16000, abs=0.05)
    assert not [name for name in seen["modules"] if "pybind" in name]
    assert not [name for name in seen["libraries"] if "pybind" in name]
    assert sum(name.startswith("libonnxruntime.so") for name in seen["libraries"]) == 1
