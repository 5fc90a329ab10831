"""The cloud relay: the bank-run service that answers escalated questions with a frontier model.

It runs as its own process, away from the device. The edge daemon reaches it over gRPC with a device
token and sends only redacted text.
"""
