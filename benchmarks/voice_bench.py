"""Voice benchmark: the daemon as a process, spoken questions streamed to it over gRPC on loopback.

    python -m benchmarks.voice_bench [--model-dir DIR] [--limit N] [--threads N] [--silence-s S]
                                     [--partial-interval-s S] [--out benchmarks/results/voice.json]

It starts ``edge-assistant serve`` on a free loopback port with a fresh demo bank, waits for SERVING, and
measures what a phone's user would notice. Held-out questions of the router's test split (every category,
escalate among them) are said by espeak-ng (en-us, 160 words a minute) and the 2 to 5 s ones kept. Each is
streamed over ``Converse`` the way a microphone delivers it, 100 ms of 16 kHz 16-bit PCM every 100 ms, then
EndOfUtterance: end of speech to the final transcript and to the first answer (p50/p95), and the speed of
recognition as a real-time factor. Then again with the daemon finding the end itself (``Config.endpointing``):
the question is followed by silence at the same pace and no EndOfUtterance, and the end of speech is the
moment the chunk holding the question's last sample at or above -40 dBFS is sent, so the pause the daemon
waits for counts against it. Both ways once more with partial transcripts asked for, to see how many come
and what they cost the final transcript (the daemon's ``--partial-transcripts-interval-s``, 1 s unless
``--partial-interval-s`` says otherwise). The daemon's CPU, as a share of one core, while a stream is open and
only silence (or white noise at -50 dBFS RMS) comes in, with and without endpointing (which runs the voice
detector on everything it hears), against the daemon idle with no call. Robustness: the
same questions with white noise mixed in at 20, 10 and 5 dB SNR, sent whole with ``Ask`` (a pcm16 clip,
not paced, to save time), scored by the routed label (right when it is one of the example's acceptable
labels) and the transcripts' word error rate, against the same questions typed. Last, the daemon's peak
RSS with everything loaded, after the whole run.

Converse events carry no timings, so the streamed latencies are measured on the client; ``Ask`` replies
carry the daemon's own recognition time (``timings_ms.transcribe``), the real-time factor of each SNR.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.common import Row, finish, markdown_table
from edge_runtime.config import DEFAULT_MODEL_DIR
from edge_runtime.labels import ROUTER_LABELS
from edge_runtime.rpc.client import EdgeClient, config_message
from edge_runtime.rpc.generated.edge_assistant.v1 import assistant_pb2 as pb
from edge_runtime.services import stop_process
from edge_runtime.speech import SAMPLE_RATE, read_wav
from edge_runtime.speech.audio import DEFAULT_MAX_SECONDS
from export import datasets

RESULTS = Path(__file__).resolve().parent / "results"
TODAY = "2026-11-20"
SEED = 0
CHUNK_S = 0.1
MIN_SPEECH_S, MAX_SPEECH_S = 2.0, 5.0
SNRS_DB = (20, 10, 5)
NOISE_FLOOR_DBFS = -50.0
#: -40 dBFS: espeak-ng's quietest speech is far above it, its silence far below.
SPEECH_LEVEL = 0.01
#: With endpointing, the silence streamed after a question at most; the daemon answers after about 0.6 s.
MAX_PAUSE_S = 5.0
#: Loading the router, the specialists and Whisper on a busy two-core machine.
START_TIMEOUT_S = 180.0
CALL_TIMEOUT_S = 60.0
#: The ways a question is streamed: a name, whether the daemon finds the end, whether partials are asked.
STREAMINGS = (
    ("streamed", False, False),
    ("streamed + partials", False, True),
    ("endpointing", True, False),
    ("endpointing + partials", True, True),
)
TARGET_ANSWER_P50_MS = 800.0
TARGET_RSS_MB = 600.0
TARGET_LISTENING_CORE_PCT = 10.0
#: What partial transcripts may add to the final transcript's p50 latency, against the same run without them.
TARGET_PARTIAL_DELAY_MS = 100.0

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Utterance:
    """A held-out question, said by espeak-ng and read back as 16 kHz mono."""

    example: datasets.LabelledText
    samples: Samples

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def _percentiles(samples_s: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    return {
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
    }


def _pcm16(samples: Samples) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2").tobytes()


def spoken_questions(folder: Path, limit: int) -> list[Utterance]:
    """Up to ``limit`` test questions of 2 to 5 s, taken a category at a time so every category is heard."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise RuntimeError("espeak-ng is missing; scripts/setup.sh installs it (apt-get install espeak-ng)")
    by_label: dict[str, list[datasets.LabelledText]] = {label: [] for label in ROUTER_LABELS}
    for example in datasets.by_split(datasets.router_dataset(), "test"):
        by_label[example.label].append(example)
    shuffle = random.Random(SEED)
    for examples in by_label.values():
        shuffle.shuffle(examples)
    kept: list[Utterance] = []
    for example in itertools.chain.from_iterable(itertools.zip_longest(*by_label.values())):
        if len(kept) == limit:
            break
        if example is None:
            continue
        wav = folder / f"{hashlib.sha256(example.text.encode()).hexdigest()[:16]}.wav"
        if not wav.exists():
            # Text on stdin: a question starting with "-" would otherwise read as an option.
            command = [espeak, "-v", "en-us", "-s", "160", "-w", str(wav), "--stdin"]
            subprocess.run(command, input=example.text.encode(), check=True, capture_output=True, timeout=60)
        audio = read_wav(wav, DEFAULT_MAX_SECONDS)
        if MIN_SPEECH_S <= audio.duration_s <= MAX_SPEECH_S:
            kept.append(Utterance(example, audio.samples))
    return kept


def with_noise(samples: Samples, snr_db: float, seed: int) -> Samples:
    """``samples`` with white Gaussian noise at ``snr_db`` below the clip's mean power; same noise at every SNR."""
    noise = np.random.default_rng([SEED, seed]).standard_normal(len(samples))
    power = float(np.mean(np.square(samples, dtype=np.float64)))
    mixed: Samples = np.clip(samples + noise * np.sqrt(power / 10 ** (snr_db / 10)), -1.0, 1.0).astype(np.float32)
    return mixed


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower().replace("'", "").replace("\u2019", "")).split()


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """Word-level Levenshtein distance of two texts, lower-cased without punctuation; and the reference's length."""
    ref, hyp = _words(reference), _words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, start=1):
        previous, row[0] = row[0], i
        for j, heard in enumerate(hyp, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != heard))
    return row[-1], len(ref)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` and all its threads, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mib(pid: int, field: str) -> float:
    """A /proc/<pid>/status memory figure (``VmRSS``, ``VmHWM``) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"/proc/{pid}/status has no {field}")


@dataclass
class Daemon:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def client(self) -> EdgeClient:
        return EdgeClient(f"127.0.0.1:{self.port}")

    def failure(self, what: str) -> RuntimeError:
        return RuntimeError(f"{what}; the daemon's log:\n{self.log.read_text()[-4000:]}")


@contextmanager
def start_daemon(folder: Path, model_dir: Path, threads: int, partial_interval_s: float | None) -> Iterator[Daemon]:
    """``edge-assistant serve`` on a fresh demo bank and a port the system picks, SERVING; SIGTERM on exit."""
    bank = folder / "bank.sqlite"
    cli = [sys.executable, "-m", "edge_runtime.cli"]
    subprocess.run([*cli, "bank", "init", "--path", str(bank), "--today", TODAY], check=True, capture_output=True)
    env = {
        key: value for key, value in os.environ.items() if key not in ("EDGE_ASSISTANT_CONFIG", "EDGE_ASSISTANT_TOKEN")
    }
    env["EDGE_ASSISTANT_TODAY"] = TODAY
    log = folder / "daemon.log"
    serve = ["serve", "--port", "0", "--bank", str(bank), "--model-dir", str(model_dir), "--threads", str(threads)]
    if partial_interval_s is not None:
        serve += ["--partial-transcripts-interval-s", str(partial_interval_s)]
    with log.open("wb") as stderr:
        process = subprocess.Popen([*cli, *serve], stdout=subprocess.DEVNULL, stderr=stderr, env=env)
    try:
        daemon = Daemon(process, 0, log)
        deadline = time.monotonic() + START_TIMEOUT_S
        # Port 0: the daemon binds a free port and its first log line says which, so no other process can race for it.
        while not (bound := re.search(r"listening on \S+:(\d+) ", log.read_text())):
            if process.poll() is not None or time.monotonic() > deadline:
                raise daemon.failure(f"the daemon did not start listening (exit status {process.poll()})")
            time.sleep(0.1)
        daemon.port = int(bound.group(1))
        with daemon.client() as client:
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise daemon.failure(f"the daemon was not SERVING (exit status {process.poll()})")
                try:
                    client.wait_until_serving(timeout=2)
                    break
                except TimeoutError:
                    continue
        yield daemon
    finally:
        stop_process(process, grace_s=60)


def _paced(pcm: bytes, start: float) -> Iterator[pb.ClientMessage]:
    """``pcm`` as a microphone delivers it: chunk i of 100 ms at ``start`` + i * 100 ms."""
    step = int(SAMPLE_RATE * CHUNK_S) * 2
    for index, offset in enumerate(range(0, len(pcm), step)):
        time.sleep(max(0.0, start + index * CHUNK_S - time.perf_counter()))
        yield pb.ClientMessage(audio=pb.AudioChunk(pcm16=pcm[offset : offset + step]))


def _spoken_turn(pcm: bytes, marks: dict[str, float], partials: bool) -> Iterator[pb.ClientMessage]:
    """The client says where the question ends: its audio, then EndOfUtterance at once."""
    yield config_message(partial_transcripts=partials)
    yield from _paced(pcm, time.perf_counter())
    marks["end_of_speech"] = time.perf_counter()
    yield pb.ClientMessage(end_of_utterance=pb.EndOfUtterance())


def speech_end_s(samples: Samples) -> float:
    """Where the speech in a clip ends: just after its last sample at or above -40 dBFS.

    espeak-ng leaves about 0.35 s of silence after the last word, which the daemon must hear as a pause.
    """
    loud = np.flatnonzero(np.abs(samples) >= SPEECH_LEVEL)
    return (int(loud[-1]) + 1) / SAMPLE_RATE if len(loud) else 0.0


def _endpointed_turn(
    utterance: Utterance, marks: dict[str, float], answered: threading.Event, partials: bool
) -> Iterator[pb.ClientMessage]:
    """The daemon finds where the question ends: its audio, then silence at the same pace until the answer.

    The end of speech is the moment the chunk holding the last speech sample is sent.
    """
    yield config_message(endpointing=True, partial_transcripts=partials)
    pcm = _pcm16(utterance.samples)
    last_speech_chunk = int(speech_end_s(utterance.samples) * SAMPLE_RATE - 1) // int(SAMPLE_RATE * CHUNK_S)
    trailing = bytes(int(MAX_PAUSE_S * SAMPLE_RATE) * 2)
    for index, message in enumerate(_paced(pcm + trailing, time.perf_counter())):
        if index > last_speech_chunk and answered.is_set():
            return
        if index == last_speech_chunk:
            marks["end_of_speech"] = time.perf_counter()
        yield message


def stream_spoken(
    client: EdgeClient, utterances: Sequence[Utterance], *, endpointing: bool, partials: bool
) -> dict[str, Any]:
    """Each utterance over its own Converse stream, paced in real time; latencies from the end of speech.

    With ``endpointing`` the daemon has to hear where each question ends; a question it cuts in two (an
    answer before the last word was sent) is counted, and left out of the latencies.
    """
    to_transcript, to_answer, first_partials, right, partial_count, extra_turns, cut_early = [], [], [], 0, 0, 0, 0
    for utterance in utterances:
        marks: dict[str, float] = {}
        heard: dict[str, float] = {}
        label = None
        answered = threading.Event()
        finals = 0
        first_partial: float | None = None
        if endpointing:
            messages = _endpointed_turn(utterance, marks, answered, partials)
        else:
            messages = _spoken_turn(_pcm16(utterance.samples), marks, partials)
        started = time.perf_counter()
        timeout = utterance.duration_s + MAX_PAUSE_S + CALL_TIMEOUT_S
        for event in client.converse(messages, timeout=timeout):
            now, kind = time.perf_counter(), event.WhichOneof("event")
            if kind == "error":
                raise RuntimeError(f"the daemon refused a spoken question: {event.error.message}")
            if kind == "transcript" and not event.transcript.final:
                partial_count += 1
                first_partial = now - started if first_partial is None else first_partial
            elif kind == "transcript":
                finals += 1
                heard.setdefault("transcript", now)
            elif kind == "answer":
                heard.setdefault("answer", now)
                answered.set()
            elif kind == "route" and label is None:
                label = event.route.label
        if set(heard) != {"transcript", "answer"}:
            raise RuntimeError(f"a Converse stream ended with only {sorted(heard)}, not a transcript and an answer")
        extra_turns += finals - 1
        right += label in utterance.example.acceptable
        if first_partial is not None:
            first_partials.append(first_partial)
        if heard["transcript"] < marks["end_of_speech"]:
            cut_early += 1
            continue
        to_transcript.append(heard["transcript"] - marks["end_of_speech"])
        to_answer.append(heard["answer"] - marks["end_of_speech"])
    audio_s = sum(utterance.duration_s for utterance in utterances)
    result: dict[str, Any] = {
        "n": len(utterances),
        "audio_s": audio_s,
        "to_transcript": _percentiles(to_transcript),
        "to_answer": _percentiles(to_answer),
        "route_accuracy": right / len(utterances),
        "partials_per_question": partial_count / len(utterances),
        "extra_turns": extra_turns,
        "cut_early": cut_early,
    }
    if first_partials:
        result["first_partial"] = _percentiles(first_partials)
    if not endpointing:
        # The transcript's latency includes gRPC and turning PCM into audio, so it bounds recognition from above.
        result["rtf_client"] = sum(to_transcript) / audio_s
    return result


def _listening_turn(pcm: bytes, pid: int, window: dict[str, float], endpointing: bool) -> Iterator[pb.ClientMessage]:
    yield config_message(endpointing=endpointing)
    window["cpu_s"], window["wall_s"] = cpu_seconds(pid), time.perf_counter()
    yield from _paced(pcm, window["wall_s"])
    # The last chunk's 100 ms pass before the window closes, as they would at a microphone.
    time.sleep(max(0.0, window["wall_s"] + len(pcm) / 2 / SAMPLE_RATE - time.perf_counter()))
    window["cpu_s"] = cpu_seconds(pid) - window["cpu_s"]
    window["wall_s"] = time.perf_counter() - window["wall_s"]


def listen(
    client: EdgeClient, pid: int, seconds: float, noise_dbfs: float | None, *, endpointing: bool = False
) -> dict[str, Any]:
    """The daemon's CPU while a stream sends ``seconds`` of silence or noise and no EndOfUtterance.

    Closing the stream then ends the utterance, so the daemon transcribes what it heard, outside the window
    (with ``endpointing``, only what its voice detector took for speech).
    """
    samples = np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)
    if noise_dbfs is not None:
        samples += (np.random.default_rng(SEED).standard_normal(len(samples)) * 10 ** (noise_dbfs / 20)).astype(
            np.float32
        )
    window: dict[str, float] = {}
    transcript = None
    messages = _listening_turn(_pcm16(samples), pid, window, endpointing)
    for event in client.converse(messages, timeout=seconds + CALL_TIMEOUT_S):
        if event.WhichOneof("event") == "transcript":
            transcript = event.transcript.text
    return {"core_pct": 100 * window["cpu_s"] / window["wall_s"], "seconds": window["wall_s"], "transcript": transcript}


def idle(pid: int, seconds: float) -> dict[str, Any]:
    """The daemon's CPU with no call open: the floor the listening figures stand on."""
    cpu, wall = cpu_seconds(pid), time.perf_counter()
    time.sleep(seconds)
    return {"core_pct": 100 * (cpu_seconds(pid) - cpu) / (time.perf_counter() - wall), "seconds": seconds}


def _score(utterances: Sequence[Utterance], ask: Callable[[int, Utterance], pb.AskReply]) -> dict[str, Any]:
    """Route accuracy and Ask's round trip over every utterance; for spoken ones, WER and recognition time."""
    elapsed, inside, transcribe_ms, right, errors, words, empty = [], [], [], 0, 0, 0, 0
    misroutes: list[dict[str, Any]] = []
    misheard: list[dict[str, Any]] = []
    for index, utterance in enumerate(utterances):
        example = utterance.example
        started = time.perf_counter()
        reply = ask(index, utterance)
        elapsed.append(time.perf_counter() - started)
        # The daemon's own account of the call: what the round trip spends beyond it is the wire and gRPC.
        inside.append(sum(reply.timings_ms.get(stage, 0.0) for stage in ("transcribe", "total")) / 1000)
        label = reply.label if reply.HasField("label") else None
        if label in example.acceptable:
            right += 1
        else:
            misroutes.append(
                {"text": example.text, "heard": reply.text, "label": label, "acceptable": example.acceptable}
            )
        if reply.HasField("transcript"):
            transcribe_ms.append(reply.timings_ms["transcribe"])
            wrong, length = word_errors(example.text, reply.transcript)
            misheard.append({"text": example.text, "heard": reply.transcript, "word_errors": wrong})
            errors, words, empty = errors + wrong, words + length, empty + (not reply.transcript)
    result: dict[str, Any] = {
        "n": len(utterances),
        "ask": _percentiles(elapsed),
        "daemon_timings": _percentiles(inside),
        "route_accuracy": right / len(utterances),
        "misroutes": misroutes[:5],
    }
    if transcribe_ms:
        audio_s = sum(utterance.duration_s for utterance in utterances)
        worst = sorted(misheard, key=lambda row: -row["word_errors"])[:5]
        result |= {"rtf_daemon": sum(transcribe_ms) / 1000 / audio_s, "wer": errors / words, "empty": empty}
        result["misheard"] = [row for row in worst if row["word_errors"]]
    return result


def ask_spoken(client: EdgeClient, utterances: Sequence[Utterance], snr_db: float | None) -> dict[str, Any]:
    """Every utterance as one pcm16 clip with Ask, clean (``None``) or with white noise at ``snr_db``."""
    # Mixed beforehand, so the round trip is the daemon's and the wire's time alone.
    clips = [
        _pcm16(utterance.samples if snr_db is None else with_noise(utterance.samples, snr_db, index))
        for index, utterance in enumerate(utterances)
    ]
    return _score(
        utterances,
        lambda index, utterance: client.ask_audio(clips[index], sample_rate=SAMPLE_RATE, timeout=CALL_TIMEOUT_S),
    )


def ask_typed(client: EdgeClient, utterances: Sequence[Utterance]) -> dict[str, Any]:
    """Every utterance's text, as typed, with Ask: what the spoken columns are measured against."""
    return _score(utterances, lambda index, utterance: client.ask_text(utterance.example.text, timeout=CALL_TIMEOUT_S))


def measure(
    model_dir: Path, limit: int, threads: int, silence_s: float, partial_interval_s: float | None
) -> dict[str, Any]:
    """Every figure of the benchmark, from one daemon."""
    with tempfile.TemporaryDirectory(prefix="voice-bench-") as directory:
        folder = Path(directory)
        print("saying the test questions with espeak-ng ...", file=sys.stderr, flush=True)
        utterances = spoken_questions(folder, limit)
        if not utterances:
            raise RuntimeError("no test question was said in 2 to 5 s")
        print(f"starting the daemon ({threads} threads) ...", file=sys.stderr, flush=True)
        with (
            start_daemon(folder, model_dir, threads, partial_interval_s) as daemon,
            daemon.client() as client,
        ):
            pid = daemon.process.pid
            loaded_mib = memory_mib(pid, "VmRSS")
            # The peak after each phase too, so a peak over the target can be traced to what caused it.
            peak_after: dict[str, float] = {}
            # First-call allocations are not a user's latency: one question each way before measuring.
            client.ask_audio(_pcm16(utterances[0].samples), sample_rate=SAMPLE_RATE, timeout=CALL_TIMEOUT_S)
            client.ask_text(utterances[0].example.text, timeout=CALL_TIMEOUT_S)
            print(f"listening: idle, silence, noise, twice, {silence_s:g} s each ...", file=sys.stderr, flush=True)
            listening = {
                "idle": idle(pid, silence_s),
                "silence": listen(client, pid, silence_s, None),
                "noise": listen(client, pid, silence_s, NOISE_FLOOR_DBFS),
                "silence_endpointing": listen(client, pid, silence_s, None, endpointing=True),
                "noise_endpointing": listen(client, pid, silence_s, NOISE_FLOOR_DBFS, endpointing=True),
            }
            peak_after["listening"] = memory_mib(pid, "VmHWM")
            streams: dict[str, dict[str, Any]] = {}
            for name, endpointing, partials in STREAMINGS:
                print(f"streaming {len(utterances)} spoken questions in real time, {name} ...", file=sys.stderr)
                streams[name] = stream_spoken(client, utterances, endpointing=endpointing, partials=partials)
                peak_after[name] = memory_mib(pid, "VmHWM")
            conditions: dict[str, dict[str, Any]] = {}
            for name, snr in [("clean", None), *((f"{snr} dB", float(snr)) for snr in SNRS_DB)]:
                print(f"asking {len(utterances)} spoken questions, {name} ...", file=sys.stderr, flush=True)
                conditions[name] = ask_spoken(client, utterances, snr)
                peak_after[name] = memory_mib(pid, "VmHWM")
            conditions["text"] = ask_typed(client, utterances)
            if daemon.process.poll() is not None:
                raise daemon.failure("the daemon exited during the run")
            memory = {"loaded_mib": loaded_mib, "peak_mib": memory_mib(pid, "VmHWM"), "peak_after_mib": peak_after}
    durations = [utterance.duration_s for utterance in utterances]
    return {
        "utterances": {
            "n": len(utterances),
            "escalate": sum(utterance.example.label == "escalate" for utterance in utterances),
            "min_s": min(durations),
            "mean_s": statistics.fmean(durations),
            "max_s": max(durations),
        },
        "threads": threads,
        "partial_interval_s": partial_interval_s,
        # "streamed" is EndOfUtterance without partials, under the name earlier runs gave it.
        "streamed": streams["streamed"],
        "streamings": streams,
        "conditions": conditions,
        "listening": listening,
        "memory": memory,
    }


def _table(results: dict[str, Any]) -> str:
    streamed, listening, memory = results["streamed"], results["listening"], results["memory"]
    streams = results["streamings"]
    columns = {name: {"name": name, **values} for name, values in results["conditions"].items()}

    def clean(text: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: text if r["name"] == "clean" else ""

    def spoken(render: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
        return lambda r: "" if r["name"] == "text" else render(r)

    rows: list[Row] = [
        (
            "streamed: end of speech to transcript p50 / p95 ms",
            clean("{p50_ms:.0f} / {p95_ms:.0f}".format(**streamed["to_transcript"])),
        ),
        (
            "streamed: end of speech to answer p50 / p95 ms",
            clean("{p50_ms:.0f} / {p95_ms:.0f}".format(**streamed["to_answer"])),
        ),
        ("streamed: recognition RTF, client side", clean(f"{streamed['rtf_client']:.3f}")),
        ("streamed: route accuracy", clean(f"{streamed['route_accuracy']:.1%}")),
        *(
            (
                f"{name}: {'last speech sample' if 'endpointing' in name else 'end of speech'} to {what} p50 / p95 ms",
                clean("{p50_ms:.0f} / {p95_ms:.0f}".format(**streams[name][key])),
            )
            for name, _, _ in STREAMINGS[1:]
            for key, what in (("to_transcript", "transcript"), ("to_answer", "answer"))
        ),
        *(
            (
                f"{name}: partials per question / first after speech starts p50 ms",
                clean(
                    f"{streams[name]['partials_per_question']:.1f} / "
                    + (f"{streams[name]['first_partial']['p50_ms']:.0f}" if "first_partial" in streams[name] else "-")
                ),
            )
            for name in ("streamed + partials", "endpointing + partials")
        ),
        *(
            (
                f"{name}: questions cut early / extra turns",
                clean(f"{streams[name]['cut_early']} / {streams[name]['extra_turns']}"),
            )
            for name in ("endpointing", "endpointing + partials")
        ),
        ("Ask: question to answer p50 / p95 ms", lambda r: f"{r['ask']['p50_ms']:.0f} / {r['ask']['p95_ms']:.0f}"),
        ("Ask: recognition RTF, daemon's timing", spoken(lambda r: f"{r['rtf_daemon']:.3f}")),
        ("Ask: route accuracy", lambda r: f"{r['route_accuracy']:.1%}"),
        ("Ask: word error rate", spoken(lambda r: f"{r['wer']:.1%}")),
        ("Ask: empty transcripts", spoken(lambda r: f"{r['empty']}")),
        ("daemon CPU % of one core, idle", clean(f"{listening['idle']['core_pct']:.1f}")),
        ("daemon CPU % of one core, streaming silence", clean(f"{listening['silence']['core_pct']:.1f}")),
        ("daemon CPU % of one core, noise at -50 dBFS", clean(f"{listening['noise']['core_pct']:.1f}")),
        (
            "daemon CPU % of one core, endpointing: silence / noise",
            clean(
                f"{listening['silence_endpointing']['core_pct']:.1f} / {listening['noise_endpointing']['core_pct']:.1f}"
            ),
        ),
        ("daemon RSS MiB, models loaded / peak", clean(f"{memory['loaded_mib']:.0f} / {memory['peak_mib']:.0f}")),
    ]
    return "\n".join(markdown_table(f"{results['threads']} threads", columns, rows, cell_width=11))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--limit", type=int, default=60, help="at most this many spoken questions (default 60)")
    parser.add_argument("--threads", type=int, default=2, help="the daemon's inference threads (default 2)")
    parser.add_argument("--silence-s", type=float, default=20.0, help="each listening window in seconds (default 20)")
    parser.add_argument(
        "--partial-interval-s", type=float, help="the daemon's partial_transcripts_interval_s (default: its own)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "voice.json")
    args = parser.parse_args(argv)

    results = measure(args.model_dir, args.limit, args.threads, args.silence_s, args.partial_interval_s)
    streamed, listening, streams = results["streamed"], results["listening"], results["streamings"]
    delays = {
        name: streams[f"{name} + partials"]["to_transcript"]["p50_ms"] - streams[name]["to_transcript"]["p50_ms"]
        for name in ("streamed", "endpointing")
    }
    results["partial_delay_ms"] = delays
    targets = {
        f"end of speech to answer p50 <= {TARGET_ANSWER_P50_MS:.0f} ms": streamed["to_answer"]["p50_ms"]
        <= TARGET_ANSWER_P50_MS,
        f"daemon peak RSS <= {TARGET_RSS_MB:.0f} MB ({TARGET_RSS_MB * 1e6 / 2**20:.0f} MiB)": results["memory"][
            "peak_mib"
        ]
        * 2**20
        <= TARGET_RSS_MB * 1e6,
        f"listening to silence <= {TARGET_LISTENING_CORE_PCT:.0f}% of one core": listening["silence"]["core_pct"]
        <= TARGET_LISTENING_CORE_PCT,
        f"listening to silence with endpointing <= {TARGET_LISTENING_CORE_PCT:.0f}% of one core": listening[
            "silence_endpointing"
        ]["core_pct"]
        <= TARGET_LISTENING_CORE_PCT,
        **{
            f"{name}: partial transcripts add <= {TARGET_PARTIAL_DELAY_MS:.0f} ms to the final transcript's p50": delay
            <= TARGET_PARTIAL_DELAY_MS
            for name, delay in delays.items()
        },
    }
    print(_table(results))
    spoken = results["utterances"]
    print(
        f"\nspoken: {spoken['n']} router test questions ({spoken['escalate']} escalate), "
        f"{spoken['min_s']:.1f}-{spoken['max_s']:.1f} s (mean {spoken['mean_s']:.1f} s), espeak-ng en-us 160 wpm; "
        "Ask: each clip sent whole, not paced, noise mixed in at the column's SNR"
    )
    heard = {name: listening[name]["transcript"] for name in listening if name != "idle"}
    print(f"transcripts once the listening streams closed: {heard}")
    print(
        "partial transcripts' delay of the final transcript, p50: "
        + ", ".join(f"{n} {d:+.0f} ms" for n, d in delays.items())
    )
    return finish(targets, results, args.out)


if __name__ == "__main__":
    sys.exit(main())
