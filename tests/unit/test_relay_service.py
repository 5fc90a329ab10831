"""The relay's one table of status codes: every typed error becomes the code the contract names for it."""

from __future__ import annotations

import grpc
import pytest

from cloud_relay import errors
from cloud_relay.service import _status


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.RequestError("bad id"), grpc.StatusCode.INVALID_ARGUMENT),
        (errors.AuthError("revoked"), grpc.StatusCode.UNAUTHENTICATED),
        (errors.LimitError("rate"), grpc.StatusCode.RESOURCE_EXHAUSTED),
        (errors.BusyError("busy"), grpc.StatusCode.RESOURCE_EXHAUSTED),
        (errors.DeadlineError("late"), grpc.StatusCode.DEADLINE_EXCEEDED),
        (errors.NotReadyError("loading"), grpc.StatusCode.UNAVAILABLE),
        (errors.BackendError("all down"), grpc.StatusCode.UNAVAILABLE),
        (errors.StreamBrokenError("broke off"), grpc.StatusCode.UNAVAILABLE),
    ],
)
def test_when_a_call_fails_with_a_typed_error_then_its_code_is_the_contracts_and_its_message_the_details(
    error: Exception, code: grpc.StatusCode
) -> None:
    assert _status(error) == (code, str(error))


@pytest.mark.parametrize("error", [errors.StateError("/srv/state.sqlite: disk I/O error"), KeyError("question")])
def test_when_a_call_fails_inside_the_relay_then_the_device_gets_internal_without_the_inner_details(
    error: Exception,
) -> None:
    code, details = _status(error)
    assert code == grpc.StatusCode.INTERNAL
    assert "log has the details" in details and "state.sqlite" not in details and "question" not in details
