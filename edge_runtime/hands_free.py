"""A spoken conversation: an audio source, then the endpointer, Whisper and the assistant, one turn per utterance.

The source is a microphone or a WAV file replayed at a microphone's pace; nothing after it can tell them
apart, so ``listen --input`` tests the same path a user talks to. Each utterance is asked in one
:class:`Conversation`, exactly as ``chat`` asks typed lines: a write action waits for the user to say
"yes", and anything else cancels it.

An utterance in which Whisper finds no words (a cough, a door, the radio) is skipped without an answer:
a typed empty line is a user's mistake worth answering, a noise is not. The daemon's Converse streams
with endpointing (``Config.endpointing``) cut their audio with the same endpointer and follow the same
rule, :func:`has_words`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from edge_runtime.conversation import Conversation
from edge_runtime.pipeline import Assistant, Turn
from edge_runtime.speech.endpoint import Endpointer, Utterance
from edge_runtime.speech.transcriber import Transcriber, Transcript

logger = logging.getLogger(__name__)


class AudioSource(Protocol):
    """Where the audio comes from: :class:`~edge_runtime.speech.microphone.Microphone` or a WAV replay."""

    def blocks(self) -> Iterator[npt.NDArray[np.float32]]:
        """16 kHz mono blocks as they are recorded; the iterator ends when the audio does."""
        ...

    def paused(self) -> AbstractContextManager[None]:
        """Nothing is recorded inside the block."""
        ...


def has_words(transcript: Transcript, sound_s: float) -> bool:
    """Whether an utterance the endpointer cut is worth an answer: not when Whisper heard no words in it."""
    if transcript.text:
        return True
    logger.info("no answer to %.1f s of sound with no words in it", sound_s)
    return False


@dataclass(frozen=True)
class SpokenTurn:
    """One thing the user said and the assistant's turn in reply.

    Attributes:
        utterance: the audio the endpointer cut.
        transcript: what Whisper heard in it.
        turn: the assistant's answer to the transcript.
    """

    utterance: Utterance
    transcript: Transcript
    turn: Turn


@dataclass
class HandsFree:
    """Turns of one spoken conversation, in order, as the user speaks them."""

    source: AudioSource
    endpointer: Endpointer
    transcriber: Transcriber
    assistant: Assistant
    conversation: Conversation = field(default_factory=Conversation)

    def turns(self) -> Iterator[SpokenTurn]:
        """Listen until the source ends (a replay) or forever (a microphone), answering each utterance."""
        for utterance in self._utterances():
            transcript = self.transcriber.transcribe(utterance.audio())
            if not has_words(transcript, utterance.duration_s):
                continue
            yield SpokenTurn(utterance, transcript, self.assistant.ask(transcript.text, self.conversation))

    @contextmanager
    def deaf(self) -> Iterator[None]:
        """Stop listening inside the block (the assistant is speaking), and start afresh after it."""
        with self.source.paused():
            yield
        # What the endpointer held from before the pause would be joined to what comes after it.
        self.endpointer.reset()

    def _utterances(self) -> Iterator[Utterance]:
        for block in self.source.blocks():
            yield from self.endpointer.feed(block)
        last = self.endpointer.flush()
        if last is not None:
            yield last
