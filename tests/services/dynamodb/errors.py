"""The error a DynamoDB call answers with, for tests that expect one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

__all__ = ["error_of", "failure_of"]


def failure_of(call: Callable[..., Any], **kwargs: Any) -> dict[str, Any]:
    """The Error member of the call's response, with its CancellationReasons as "Reasons"."""
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    return {**error.value.response["Error"], "Reasons": error.value.response.get("CancellationReasons")}


def error_of(call: Callable[..., Any], **kwargs: Any) -> tuple[str, str]:
    """(code, message) of the error the call answers with."""
    failure = failure_of(call, **kwargs)
    return failure["Code"], failure["Message"]
