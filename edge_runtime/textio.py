"""Reading user text from the command line and stdin: never a crash on bad bytes or huge lines."""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Iterator
from typing import BinaryIO

#: Most stdin lines handed over together; the router sorts them by length into smaller model batches.
MAX_BATCH = 128
#: A line longer than this many bytes is cut before decoding; the router reads far less than this anyway.
MAX_LINE_BYTES = 64 * 1024
#: The longest wait for input before Python gets to run a signal handler (see read_lines).
_POLL_S = 0.25
_READ_BYTES = 64 * 1024


def warn(message: str) -> None:
    print(f"edge-assistant: warning: {message}", file=sys.stderr, flush=True)


def decode(raw: bytes, where: str, length: int | None = None) -> str:
    """``raw`` as text, cut to MAX_LINE_BYTES; ``length`` is its length before an earlier cut, if any."""
    length = len(raw) if length is None else length
    if length > MAX_LINE_BYTES:
        warn(f"{where} is {length} bytes long; only the first {MAX_LINE_BYTES} are read")
        raw = raw[:MAX_LINE_BYTES]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        warn(f"{where} is not valid UTF-8; the invalid bytes were replaced")
        return raw.decode("utf-8", errors="replace")


def argument_text(argument: str, number: int) -> str:
    # argv arrives decoded with surrogateescape: undecodable bytes show up as lone surrogates.
    return decode(argument.encode("utf-8", errors="surrogateescape"), f"argument {number}")


class _LineSplitter:
    """Whole lines out of chunks of bytes. A line's bytes past MAX_LINE_BYTES are counted, not kept, so one
    endless line can't fill the memory."""

    def __init__(self) -> None:
        self._head = bytearray()
        self._length = 0
        self.lines: list[tuple[bytes, int]] = []  # (the line, cut to MAX_LINE_BYTES; its full length)

    def feed(self, chunk: bytes) -> None:
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            self._take(chunk[start:end])
            self._end_line()
            start = end + 1
        self._take(chunk[start:])

    def close(self) -> None:
        """The end of the input: a last line without its newline still counts."""
        if self._length:
            self._end_line()

    def _take(self, piece: bytes) -> None:
        # One byte over the limit is kept, for a "\r" that turns out to end the line.
        room = MAX_LINE_BYTES + 1 - len(self._head)
        self._head += piece[:room]
        self._length += len(piece)

    def _end_line(self) -> None:
        line = bytes(self._head)
        length = self._length
        if line.endswith(b"\r") and length == len(line):
            line, length = line[:-1], length - 1
        self.lines.append((line, length))
        self._head.clear()
        self._length = 0


def read_lines(stream: BinaryIO) -> Iterator[list[str]]:
    """Yield batches of lines from ``stream``: whatever has arrived, up to MAX_BATCH, without waiting for more.

    A pipe full of lines is routed in batches while a person typing one line at a time gets each answer at
    once. The file descriptor is read in this thread and waited on in slices of _POLL_S: Python runs a
    Ctrl-C's handler only in the main thread, and only once it is back in the interpreter, which it never
    is in an untimed wait when the kernel hands SIGINT to another thread. (A reader thread, as this once
    had, also crashed the interpreter at exit: it held stdin's lock while blocked in a read.)
    """
    fd = stream.fileno()
    splitter = _LineSplitter()
    number = 0
    finished = False
    while not finished:
        ready, _, _ = select.select([fd], [], [], _POLL_S)
        if not ready:
            continue
        chunk = os.read(fd, _READ_BYTES)
        if chunk:
            splitter.feed(chunk)
        else:
            splitter.close()
            finished = True
        arrived, splitter.lines = splitter.lines, []
        for start in range(0, len(arrived), MAX_BATCH):
            texts = []
            for raw, length in arrived[start : start + MAX_BATCH]:
                number += 1
                texts.append(decode(raw, f"line {number}", length))
            yield texts
