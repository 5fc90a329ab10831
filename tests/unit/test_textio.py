"""Lines from stdin for ``ask --jsonl``: batches as they arrive, and no line too long to hold."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

import pytest

from edge_runtime.textio import MAX_BATCH, MAX_LINE_BYTES, read_lines


@contextmanager
def pipe() -> Iterator[tuple[BinaryIO, BinaryIO]]:
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb") as reader, os.fdopen(write_fd, "wb", buffering=0) as writer:
        yield reader, writer


def _write_then_close(writer: BinaryIO, data: bytes) -> threading.Thread:
    def run() -> None:
        writer.write(data)
        writer.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_when_lines_arrive_then_each_comes_out_whole_without_its_line_end() -> None:
    with pipe() as (reader, writer):
        writer.write(b"What's my balance?\r\n\nPay the electricity bill\nand last month?")
        writer.close()
        lines = [text for batch in read_lines(reader) for text in batch]
    assert lines == ["What's my balance?", "", "Pay the electricity bill", "and last month?"]


def test_when_a_line_is_typed_then_it_comes_out_before_the_next_one_is() -> None:
    with pipe() as (reader, writer):
        batches = read_lines(reader)
        writer.write(b"first\n")
        assert next(batches) == ["first"]
        writer.write(b"sec")
        writer.write(b"ond\n")
        assert next(batches) == ["second"]
        writer.close()
        assert list(batches) == []


def test_when_a_pipe_is_full_then_no_batch_is_longer_than_the_limit() -> None:
    count = 3 * MAX_BATCH + 5
    with pipe() as (reader, writer):
        thread = _write_then_close(writer, b"".join(b"question %d\n" % number for number in range(count)))
        batches = list(read_lines(reader))
        thread.join()
    assert max(len(batch) for batch in batches) <= MAX_BATCH
    assert [text for batch in batches for text in batch] == [f"question {number}" for number in range(count)]


def test_when_a_line_is_endless_then_only_its_start_is_read_and_the_user_is_told(
    capsys: pytest.CaptureFixture[str],
) -> None:
    huge = b"a" * (5 * MAX_LINE_BYTES)
    with pipe() as (reader, writer):
        thread = _write_then_close(writer, huge + b"\nnext\n")
        lines = [text for batch in read_lines(reader) for text in batch]
        thread.join()
    assert lines == ["a" * MAX_LINE_BYTES, "next"]
    assert capsys.readouterr().err == (
        f"edge-assistant: warning: line 1 is {len(huge)} bytes long; only the first {MAX_LINE_BYTES} are read\n"
    )


def test_when_a_line_is_not_utf8_then_it_is_read_with_replacements(capsys: pytest.CaptureFixture[str]) -> None:
    with pipe() as (reader, writer):
        writer.write(b"caf\xe9\n")
        writer.close()
        lines = [text for batch in read_lines(reader) for text in batch]
    assert lines == ["caf\ufffd"]
    assert "line 1 is not valid UTF-8" in capsys.readouterr().err
