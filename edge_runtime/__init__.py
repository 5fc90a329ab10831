"""The on-device side of the assistant: router, specialists, speech front-end and the daemon's API.

Loads local model files only (see ``edge_runtime.manifest``) and never imports torch or transformers.
"""
