"""The MD5 digests SQS returns for a message, computed exactly as the SDKs verify them.

The body's digest is MD5 of its UTF-8 bytes. Message attributes (and message system attributes) are
digested as AWS documents: attributes sorted by name; for each, the name, the data type and the value,
each as a 4-byte big-endian length then its bytes, with a one-byte transport type before the value
(1 String and Number, 2 Binary, 3 a string list, 4 a binary list).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping
from typing import Any

__all__ = ["md5_of_body", "md5_of_attributes"]


def md5_of_body(body: str) -> str:
    return hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest()


def _encoded(value: str | bytes) -> bytes:
    data = value.encode("utf-8") if isinstance(value, str) else value
    return struct.pack(">I", len(data)) + data


def md5_of_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    for name in sorted(attributes):
        value = attributes[name]
        digest.update(_encoded(name))
        digest.update(_encoded(value["DataType"]))
        if value.get("StringValue") is not None:
            digest.update(b"\x01" + _encoded(value["StringValue"]))
        elif value.get("BinaryValue") is not None:
            digest.update(b"\x02" + _encoded(value["BinaryValue"]))
        elif value.get("StringListValues"):
            digest.update(b"\x03")
            for item in value["StringListValues"]:
                digest.update(_encoded(item))
        elif value.get("BinaryListValues"):
            digest.update(b"\x04")
            for item in value["BinaryListValues"]:
                digest.update(_encoded(item))
    return digest.hexdigest()
