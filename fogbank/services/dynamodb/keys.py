"""Key encoding: AttributeValues of key attributes as bytes that SQLite's BLOB order sorts as DynamoDB does.

DynamoDB orders S by UTF-8 bytes, B by bytes and N numerically. Keys are stored as BLOBs, which SQLite
compares with memcmp, so:

- S is its UTF-8 bytes and B its raw bytes (memcmp is already their order);
- N is a sign byte, then the decimal exponent and the significant digits, arranged so that memcmp orders
  them numerically. Negative numbers complement exponent and digits and end with 0xFF, so that a longer
  negative mantissa (a number further from zero) sorts first.

Every row also carries the 32-bit hash of its partition key: rows are kept in (hash, partition key, sort
key) order, which is how AWS spreads a table over partitions, how a Scan walks it, and what parallel
Scan segments split.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from functools import lru_cache
from typing import Any

__all__ = ["encode", "encode_value", "partition_hash", "prefix_end", "HASH_SPACE"]

HASH_SPACE = 1 << 32
_EXPONENT_BIAS = 1000
_NEGATIVE, _ZERO, _POSITIVE = b"\x01", b"\x02", b"\x03"
_COMPLEMENT = bytes.maketrans(b"0123456789", b"9876543210")


def encode_value(attribute_type: str, value: Any) -> bytes:
    """The sortable bytes of one scalar value of type S, N or B."""
    if attribute_type == "S":
        return value.encode("utf-8")
    if attribute_type == "B":
        return bytes(value)
    return _encode_number(value)


def encode(attribute_value: dict[str, Any]) -> bytes:
    """The sortable bytes of an AttributeValue of type S, N or B ({"N": "1.5"} and so on)."""
    ((attribute_type, value),) = attribute_value.items()
    return encode_value(attribute_type, value)


def _encode_number(text: str) -> bytes:
    number = Decimal(text)
    if number.is_zero():
        return _ZERO
    sign, digits, _ = number.as_tuple()
    mantissa = "".join(map(str, digits)).rstrip("0").encode("ascii")
    exponent = number.adjusted() + _EXPONENT_BIAS
    if not sign:
        return _POSITIVE + exponent.to_bytes(2, "big") + mantissa
    return _NEGATIVE + (0xFFFF - exponent).to_bytes(2, "big") + mantissa.translate(_COMPLEMENT) + b"\xff"


@lru_cache(maxsize=65536)  # a table's busy partition keys come back request after request
def partition_hash(partition_key: bytes) -> int:
    """The 32-bit hash that places a partition key on a partition (and a parallel Scan segment)."""
    return int.from_bytes(hashlib.md5(partition_key, usedforsecurity=False).digest()[:4], "big")


def prefix_end(prefix: bytes) -> bytes | None:
    """The least byte string greater than every string starting with `prefix`; None if there is none."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return None
    return trimmed[:-1] + bytes([trimmed[-1] + 1])
