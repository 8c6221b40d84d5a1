"""Receipt handles: which message of which queue, and which receive of it.

A handle carries the queue ARN, the message's seq and the token of the receive that issued it. A
later receive gives the message a new token, so an old handle still names the message (a standard
queue's DeleteMessage deletes by it, as AWS does) but no longer its current receive
(ChangeMessageVisibility, and a FIFO queue's DeleteMessage, refuse it).
"""

from __future__ import annotations

import base64
import binascii
import os

from fogbank.errors import ServiceError

__all__ = ["new_token", "encode", "decode", "invalid"]


def new_token() -> str:
    return os.urandom(8).hex()


def encode(queue_arn: str, seq: int, token: str) -> str:
    return base64.b64encode(f"{queue_arn}|{seq}|{token}".encode()).decode()


def invalid(handle: str) -> ServiceError:
    return ServiceError(
        "ReceiptHandleIsInvalid", f'The input receipt handle "{handle}" is not a valid receipt handle.', 400
    )


def decode(handle: str, queue_arn: str) -> tuple[int, str]:
    """(seq, token) of a handle issued by `queue_arn`, else ReceiptHandleIsInvalid."""
    try:
        arn, seq, token = base64.b64decode(handle.encode(), validate=True).decode().split("|")
        number = int(seq)
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise invalid(handle) from exc
    if arn != queue_arn:
        raise invalid(handle)
    return number, token
