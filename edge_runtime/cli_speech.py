"""``edge-assistant transcribe`` and the speech half of ``ask --audio``: WAV files to text on the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from edge_runtime.config import Settings
from edge_runtime.speech import AudioError, Transcriber, Transcript, read_wav
from edge_runtime.textio import argument_text


def load_transcriber(settings: Settings, threads: int | None) -> Transcriber:
    """The settings' Whisper model, on ``threads`` threads (default: the router's)."""
    return Transcriber(settings.whisper_model, threads=threads or settings.router.threads)


def hear(path: Path, settings: Settings, threads: int | None) -> Transcript:
    """Read and transcribe one question; a bad file stops with an :class:`AudioError` naming it.

    The file is read before the model loads, so a wrong file is reported at once.
    """
    try:
        audio = read_wav(path, settings.max_utterance_s)
    except AudioError as error:
        raise AudioError(f"{path}: {error}") from error
    return load_transcriber(settings, threads).transcribe(audio)


def cmd_transcribe(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    transcriber = load_transcriber(settings, args.threads)
    failed = False
    for number, name in enumerate(args.file, start=1):
        shown = argument_text(name, number)
        line: dict[str, str | float]
        try:
            transcript = transcriber.transcribe(read_wav(Path(name), settings.max_utterance_s))
        except AudioError as error:
            failed = True
            line = {"file": shown, "error": str(error)}
        else:
            line = {
                "file": shown,
                "text": transcript.text,
                "duration_s": round(transcript.duration_s, 3),
                "processing_s": round(transcript.processing_s, 3),
            }
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 1 if failed else 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``transcribe`` on the main parser."""
    transcribe = commands.add_parser(
        "transcribe", help="speech to text: one JSON line per WAV file, in order (exit 1 when any file failed)"
    )
    transcribe.add_argument(
        "file",
        nargs="+",
        help="WAV files: PCM or float, any rate and channels, up to $EDGE_ASSISTANT_MAX_UTTERANCE_S (default 30) s",
    )
    transcribe.add_argument("--threads", type=int, help="inference threads (default: 1)")
    transcribe.set_defaults(handler=cmd_transcribe)
