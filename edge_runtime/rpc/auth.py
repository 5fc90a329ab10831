"""The client token: every call but a health check carries ``authorization: Bearer <token>``.

A server interceptor, so no handler can forget it. Health checks are exempt: they say nothing about
anyone's banking, and supervisors (systemd, ``grpc_health_probe``, a container's health check) probe
without credentials.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Any, Final, TypeVar

import grpc

_Request = TypeVar("_Request")
_Response = TypeVar("_Response")

HEALTH_PREFIX: Final[str] = "/grpc.health.v1.Health/"
UNAUTHENTICATED_DETAILS: Final[str] = "this daemon needs its client token: send 'authorization: Bearer <token>'"


def bearer_token(metadata: Any) -> str | None:
    """The token of an ``authorization: Bearer`` header among the call's metadata, if there is one."""
    for key, value in metadata or ():
        if key == "authorization" and isinstance(value, str) and value.startswith("Bearer "):
            return value.removeprefix("Bearer ").strip()
    return None


class TokenInterceptor(grpc.ServerInterceptor):
    """Answers UNAUTHENTICATED to every call without the token, before the call reaches a handler."""

    def __init__(self, token: str) -> None:
        self._token = token.encode("utf-8")

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler[_Request, _Response] | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[_Request, _Response] | None:
        handler = continuation(handler_call_details)
        if handler is None or handler_call_details.method.startswith(HEALTH_PREFIX):
            return handler
        sent = bearer_token(handler_call_details.invocation_metadata)
        # Compared in constant time: a timing difference would leak the token a byte at a time.
        if sent is not None and hmac.compare_digest(sent.encode("utf-8"), self._token):
            return handler
        return _refusal(handler)


def _deny(request: Any, context: grpc.ServicerContext) -> Any:
    context.abort(grpc.StatusCode.UNAUTHENTICATED, UNAUTHENTICATED_DETAILS)


def _refusal(handler: grpc.RpcMethodHandler[_Request, _Response]) -> grpc.RpcMethodHandler[_Request, _Response]:
    """A handler of the same shape as ``handler`` that refuses the call."""
    if handler.request_streaming and handler.response_streaming:
        return grpc.stream_stream_rpc_method_handler(_deny)
    if handler.request_streaming:
        return grpc.stream_unary_rpc_method_handler(_deny)
    if handler.response_streaming:
        return grpc.unary_stream_rpc_method_handler(_deny)
    return grpc.unary_unary_rpc_method_handler(_deny)
