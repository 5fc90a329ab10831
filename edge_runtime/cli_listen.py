"""``edge-assistant listen``: hands-free, from a microphone (or a WAV file replayed like one) to spoken answers.

The microphone is opened before any model loads, so a machine without one is told so at once; it is
paused while the models load and while an answer is spoken, so the assistant hears neither the wait nor
itself.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from edge_runtime import cli_speech
from edge_runtime.app import open_assistant
from edge_runtime.cli_assistant import add_relay_flag, settings_and_bank
from edge_runtime.hands_free import HandsFree
from edge_runtime.speech.endpoint import Endpointer
from edge_runtime.speech.microphone import Microphone, list_input_devices
from edge_runtime.speech.replay import WavReplay
from edge_runtime.speech.speaker import INSTALL_HINT, Speaker, SpeakerError
from edge_runtime.textio import warn


def _device(text: str) -> int | str:
    """``--device 2`` is a device number; anything else is (part of) a name."""
    return int(text) if text.isdigit() else text


def _list_devices() -> int:
    devices = list_input_devices()
    if not devices:
        print("No microphone found: PortAudio sees no input device on this machine.")
        return 0
    for device in devices:
        mark = "*" if device.is_default else " "
        print(
            f"{mark} {device.index:>3}  {device.name}  ({device.host_api}, {device.channels} ch, "
            f"{device.default_rate:.0f} Hz)"
        )
    print("* the default input; pass --device NUMBER or part of a name to pick another.")
    return 0


def _speaker(wanted: bool) -> Speaker | None:
    if not wanted:
        return None
    speaker = Speaker.find()
    if speaker is None:
        warn(f"--speak needs espeak-ng, which is not on PATH, so answers are only printed; {INSTALL_HINT}")
    return speaker


def _source(args: argparse.Namespace) -> Microphone | WavReplay:
    if args.input is None:
        if args.rate is not None:
            raise ValueError("--rate sets the pace of an --input file; a microphone runs in real time")
        return Microphone(args.device)
    if args.device is not None:
        raise ValueError("listen takes its audio from --input or from a --device, not both")
    return WavReplay(args.input, rate=1.0 if args.rate is None else args.rate)


def cmd_listen(args: argparse.Namespace) -> int:
    if args.list_devices:
        return _list_devices()
    source = _source(args)
    try:
        with source, contextlib.ExitStack() as models:
            speaker = _speaker(args.speak)
            with source.paused():
                settings, bank_path = settings_and_bank(args)
                endpointer = Endpointer(max_utterance_s=settings.max_utterance_s)
                transcriber = cli_speech.load_transcriber(settings, args.threads)
                assistant = models.enter_context(
                    open_assistant(settings, model_dir=args.model_dir, bank_path=bank_path, threads=args.threads)
                )
            if isinstance(source, WavReplay):
                print(f"Replaying {source.path} ({source.duration_s:.1f} s) as if spoken, at {source.rate:g}x.")
            else:
                print("Listening. Ask about your spending, balances, bills, transfers or cards; Ctrl-C stops.")
                print('Write actions wait for you to say "yes"; anything else cancels them.')
            sys.stdout.flush()
            hands_free = HandsFree(source, endpointer, transcriber, assistant)
            for spoken in hands_free.turns():
                print(f"you: {spoken.transcript.text}")
                print(f"assistant: {spoken.turn.answer}", flush=True)
                if speaker is not None:
                    try:
                        with hands_free.deaf():
                            speaker.say(spoken.turn.answer)
                    except SpeakerError as error:
                        warn(f"{error}; answers are only printed from now on")
                        speaker = None
    except KeyboardInterrupt:
        # Ctrl-C is how a user leaves a hands-free session: not an error.
        print()
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``listen`` on the main parser."""
    listen = commands.add_parser(
        "listen", help="hands-free: speak questions to the microphone, hear (--speak) or read the answers"
    )
    listen.add_argument(
        "--device", type=_device, help="input device: a number or part of a name (default: the system's default)"
    )
    listen.add_argument("--list-devices", action="store_true", help="list the input devices and exit")
    listen.add_argument("--speak", action="store_true", help="read each answer aloud with espeak-ng")
    listen.add_argument(
        "--input",
        type=Path,
        metavar="FILE.wav",
        help="replay a WAV file through the same path instead of the microphone (no microphone needed)",
    )
    listen.add_argument(
        "--rate", type=float, help="replay speed of --input: 1 is real time (default), 4 four times faster"
    )
    listen.add_argument("--bank", type=Path, help="bank database (default: $EDGE_ASSISTANT_BANK or the demo bank)")
    listen.add_argument(
        "--model-dir", type=Path, help="model directory (default: $EDGE_ASSISTANT_MODEL_DIR or models/v1)"
    )
    listen.add_argument("--threads", type=int, help="inference threads (default: 1)")
    add_relay_flag(listen)
    listen.set_defaults(handler=cmd_listen)
