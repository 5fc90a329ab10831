"""A real OpenAI-compatible server on loopback for tests: llama.cpp's, serving SmolLM2-135M-Instruct.

The launcher lives in ``benchmarks/llama_server.py``, where the hybrid benchmark starts the same server.
"""

from __future__ import annotations

from benchmarks.llama_server import MODEL_ALIAS, START_TIMEOUT_S, llama_server, smollm2_gguf

__all__ = ["MODEL_ALIAS", "START_TIMEOUT_S", "llama_server", "smollm2_gguf"]
