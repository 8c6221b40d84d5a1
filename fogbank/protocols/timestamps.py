"""Timestamp, blob and float text forms shared by every codec: iso8601, rfc822, unix seconds,
base64, and NaN/Infinity/-Infinity for the floats no wire format has a literal for.

Parsing is lenient in the way AWS is: a timestamp in any of the three forms is accepted
whatever form the model asks for, because SDKs and hand-written clients disagree. Formatting is
exact: iso8601 with milliseconds (microseconds only when they are not whole milliseconds),
rfc822 in GMT, unix seconds with a fraction only when there is one. Every parse failure is a
ValueError, which each codec turns into its protocol's error.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

__all__ = [
    "parse_timestamp",
    "to_datetime",
    "format_timestamp",
    "timestamp_formatter",
    "format_iso8601",
    "format_rfc822",
    "format_unix",
    "b64encode",
    "b64decode",
    "special_float_text",
]

_ISO8601 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?"
)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_timestamp(text: str) -> datetime:
    """An aware UTC datetime from any of the three forms, whichever the text is in."""
    text = text.strip()
    if _NUMBER.fullmatch(text):
        return _from_unix(float(text))
    match = _ISO8601.fullmatch(text)
    if match:
        return _from_iso8601(match)
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"not a timestamp: {text!r}") from exc
    if parsed is None:
        raise ValueError(f"not a timestamp: {text!r}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _from_unix(seconds: float) -> datetime:
    if not math.isfinite(seconds):
        raise ValueError("timestamp is not finite")
    whole = math.floor(seconds)
    micros = round((seconds - whole) * 1_000_000)
    try:
        return _EPOCH + timedelta(seconds=whole, microseconds=micros)
    except OverflowError as exc:
        raise ValueError("timestamp out of range") from exc


def _from_iso8601(match: re.Match[str]) -> datetime:
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    value = datetime(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        micros,
        tzinfo=UTC,
    )
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        value -= sign * offset
    return value


def to_datetime(value: object) -> datetime:
    """A handler's timestamp (datetime, epoch seconds or text) as an aware UTC datetime."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, bool):
        raise ValueError("a boolean is not a timestamp")
    if isinstance(value, int | float):
        return _from_unix(float(value))
    if isinstance(value, str):
        return parse_timestamp(value)
    raise ValueError(f"not a timestamp: {value!r}")


def format_iso8601(value: datetime) -> str:
    value = to_datetime(value)
    micros = value.microsecond
    fraction = f"{micros // 1000:03d}" if micros % 1000 == 0 else f"{micros:06d}"
    return f"{value:%Y-%m-%dT%H:%M:%S}.{fraction}Z"


def format_rfc822(value: datetime) -> str:
    return format_datetime(to_datetime(value).replace(microsecond=0), usegmt=True)


def format_unix(value: datetime) -> str:
    delta = to_datetime(value) - _EPOCH
    seconds = delta.days * 86400 + delta.seconds
    if delta.microseconds:
        return f"{seconds}.{delta.microseconds:06d}".rstrip("0")
    return str(seconds)


_FORMATTERS = {"iso8601": format_iso8601, "rfc822": format_rfc822, "unixtimestamp": format_unix}


def format_timestamp(value: object, timestamp_format: str = "iso8601") -> str:
    """`timestamp_format` is a model's timestampFormat trait (iso8601, rfc822, unixTimestamp)."""
    return _FORMATTERS[timestamp_format.lower()](to_datetime(value))


def _fast_iso8601(value: object) -> str:
    # The common case spelled out: an aware UTC datetime, formatted without strftime.
    if type(value) is datetime and value.tzinfo is UTC:
        micros = value.microsecond
        fraction = f"{micros // 1000:03d}" if micros % 1000 == 0 else f"{micros:06d}"
        return (
            f"{value.year:04d}-{value.month:02d}-{value.day:02d}T"
            f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{fraction}Z"
        )
    return format_iso8601(to_datetime(value))


def timestamp_formatter(timestamp_format: str = "iso8601") -> Callable[[object], str]:
    """The function `format_timestamp` applies for one format, looked up once by a caller that formats
    many values."""
    if timestamp_format.lower() == "iso8601":
        return _fast_iso8601
    formatter = _FORMATTERS[timestamp_format.lower()]
    return lambda value: formatter(to_datetime(value))


def special_float_text(number: float) -> str | None:
    """NaN and the infinities as AWS writes them; None for any other number."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return None


def b64encode(value: bytes | str) -> str:
    if isinstance(value, str):
        value = value.encode()
    return base64.b64encode(value).decode("ascii")


def b64decode(text: str) -> bytes:
    """Strict base64 (padding may be missing, as some clients leave it off)."""
    text = text.strip()
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not valid base64") from exc
