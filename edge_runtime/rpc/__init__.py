"""The daemon's gRPC side: the ``edge_assistant.v1`` service, its server, settings and a Python client.

``generated/`` holds the stubs that ``python scripts/gen_protos.py`` writes from ``proto/``; everything
else here is written by hand. Importing this package is cheap: grpc loads with the modules that use it.
"""
