"""The model build pipeline: training data, fine-tuning, ONNX export, quantization, quality gates, manifest.

Build-time only (torch, transformers); the edge runtime never imports it. Run it with ``python -m export build``.
"""
