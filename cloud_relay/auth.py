"""Who may call: a device token on every call but a health check, and TLS (optionally mutual) on the wire.

The token check is a server interceptor, so no handler can forget it. Health checks are exempt: they say
nothing about any device, and load balancers and supervisors probe without credentials.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import grpc

from cloud_relay.errors import AuthError
from cloud_relay.settings import RelaySettings
from cloud_relay.tokens import TokenStore

logger = logging.getLogger(__name__)

_Request = TypeVar("_Request")
_Response = TypeVar("_Response")

HEALTH_PREFIX: Final[str] = "/grpc.health.v1.Health/"


def bearer_token(metadata: Any) -> str | None:
    """The token of an ``authorization: Bearer`` header among the call's metadata, if there is one."""
    for key, value in metadata or ():
        if key == "authorization" and isinstance(value, str) and value.startswith("Bearer "):
            return value.removeprefix("Bearer ").strip()
    return None


def calling_device(tokens: TokenStore, context: grpc.ServicerContext) -> str:
    """The device whose token the call carries (the interceptor has already let only such calls through)."""
    return tokens.device(bearer_token(context.invocation_metadata()))


class DeviceTokenInterceptor(grpc.ServerInterceptor):
    """Answers UNAUTHENTICATED to a call without a usable device token, before it reaches a handler."""

    def __init__(self, tokens: TokenStore) -> None:
        self._tokens = tokens

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[_Request, _Response] | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[_Request, _Response] | None:
        handler = continuation(handler_call_details)
        if handler is None or handler_call_details.method.startswith(HEALTH_PREFIX):
            return handler
        try:
            self._tokens.device(bearer_token(handler_call_details.invocation_metadata))
        except AuthError as error:
            logger.info("refused %s: %s", handler_call_details.method, error)
            return _refusal(handler, str(error))
        return handler


def _refusal(handler: grpc.RpcMethodHandler[_Request, _Response], details: str) -> grpc.RpcMethodHandler[Any, Any]:
    """A handler of the same shape as ``handler`` that refuses the call with ``details``."""

    def deny(request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(grpc.StatusCode.UNAUTHENTICATED, details)

    if handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(deny)
    if handler.request_streaming:
        return grpc.stream_unary_rpc_method_handler(deny)
    if handler.response_streaming:
        return grpc.unary_stream_rpc_method_handler(deny)
    return grpc.unary_unary_rpc_method_handler(deny)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ValueError(f"can't read the {what} {path}: {error.strerror or error}") from error


def server_credentials(settings: RelaySettings) -> grpc.ServerCredentials | None:
    """TLS credentials from the settings' PEM files (mutual TLS with a client CA); ``None`` for plaintext."""
    if settings.tls_cert is None or settings.tls_key is None:
        return None
    pair = (_read(settings.tls_key, "TLS key"), _read(settings.tls_cert, "TLS certificate"))
    if settings.tls_client_ca is None:
        return grpc.ssl_server_credentials([pair])
    return grpc.ssl_server_credentials(
        [pair], root_certificates=_read(settings.tls_client_ca, "client CA"), require_client_auth=True
    )
