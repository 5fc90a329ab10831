"""Reading user text from the command line and stdin: never a crash on bad bytes or huge lines."""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Iterator
from typing import BinaryIO

#: Most stdin lines handed over together; the router sorts them by length into smaller model batches.
MAX_BATCH = 128
#: A line longer than this many bytes is cut before decoding; the router reads far less than this anyway.
MAX_LINE_BYTES = 64 * 1024


def warn(message: str) -> None:
    print(f"edge-assistant: warning: {message}", file=sys.stderr, flush=True)


def decode(raw: bytes, where: str) -> str:
    if len(raw) > MAX_LINE_BYTES:
        warn(f"{where} is {len(raw)} bytes long; only the first {MAX_LINE_BYTES} are read")
        raw = raw[:MAX_LINE_BYTES]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        warn(f"{where} is not valid UTF-8; the invalid bytes were replaced")
        return raw.decode("utf-8", errors="replace")


def argument_text(argument: str, number: int) -> str:
    # argv arrives decoded with surrogateescape: undecodable bytes show up as lone surrogates.
    return decode(argument.encode("utf-8", errors="surrogateescape"), f"argument {number}")


def read_lines(stream: BinaryIO) -> Iterator[list[str]]:
    """Yield batches of stdin lines: whatever has arrived, up to MAX_BATCH, without waiting for more.

    A reader thread feeds a queue, so a pipe full of lines is routed in batches while a person typing
    one line at a time gets each answer at once.
    """
    lines: queue.Queue[bytes | None] = queue.Queue(maxsize=4 * MAX_BATCH)

    def reader() -> None:
        for raw in stream:
            lines.put(raw)
        lines.put(None)

    threading.Thread(target=reader, name="stdin-reader", daemon=True).start()
    number = 0
    finished = False
    while not finished:
        item = lines.get()
        batch: list[bytes] = []
        while item is not None:
            batch.append(item)
            if len(batch) >= MAX_BATCH:
                break
            try:
                item = lines.get_nowait()
            except queue.Empty:
                break
        finished = item is None
        texts = []
        for raw in batch:
            number += 1
            texts.append(decode(raw.rstrip(b"\r\n"), f"line {number}"))
        if texts:
            yield texts
