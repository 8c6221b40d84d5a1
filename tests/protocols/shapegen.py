"""Deterministic values for botocore shapes, and the normal form both sides of an oracle test compare in.

Generation fills every member it can, so that each codec path runs: lists have two elements, maps two
entries, strings are unicode with XML-special characters, blobs are not UTF-8, numbers sit inside the
model's range and floats are exactly representable. A member is left out only where the protocol can
not carry it (see `_carried`). Where the value lives constrains it: a header is ASCII, a URI label is
non-empty, a host label is a DNS label, a timestamp in a header or in rfc822 has whole seconds.

Normalization (`normalize`) applies the rules by which two values mean the same in a protocol:

1. `None` is absent, everywhere.
2. query, ec2 and rest-xml cannot tell an empty list, map or structure from an absent one, so empty
   containers are dropped there; so is an empty list bound to a header in any REST protocol.
3. A timestamp is an aware UTC datetime, however it was written (datetime, epoch number, text).
4. A blob is bytes: a file object, StreamingBody or iterable of chunks is read whole.
5. A float or double is a Python float (1 and 1.0 are the same number).
6. Keys of a map bound to a header prefix (`location: headers`) are lower case: header names are
   case-insensitive, and fogbank's request headers are lower case.
7. In XML, a member whose element name an earlier member of its structure already uses cannot be
   told apart from it (S3's deprecated notification `Event` and `Events`): it is neither generated
   nor compared.
8. Anything else (a string where an integer belongs, an extra key) stays, so the diff shows it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape
from botocore.utils import parse_timestamp

__all__ = [
    "generate_input",
    "generate_output",
    "generate_error",
    "normalize",
    "carried_members",
    "UNICODE",
    "MAX_DEPTH",
]

UNICODE = "ünï-✓ 𝔘 <&>'\""
MAX_DEPTH = 7
TIMESTAMP = datetime(2024, 5, 17, 12, 34, 56, tzinfo=UTC)
STATUS_CODE = 202
BLOB = b"\x00\xfffog\x80bank\xfe\n"
JSON_VALUE: dict[str, Any] = {"fog": ["bänk", 1, True], "nested": {"x": 1.5}}
DOCUMENT: dict[str, Any] = {"fog": "bänk ✓", "n": 7, "f": 2.5, "ok": False, "list": [1, "two", {"three": 3}]}

REST_PROTOCOLS = ("rest-json", "rest-xml")
XMLISH_PROTOCOLS = ("query", "ec2", "rest-xml")

# Candidate strings, most demanding first; the first that honours a shape's constraints wins.
_BODY_STRINGS = (
    UNICODE,
    "fog-bank_1.a",
    "fogbank",
    "FogBank1",
    "123456789012",
    "arn:aws:iam::123456789012:role/fogbank",
    "us-east-1",
    "2024-05-17T12:34:56Z",
    "https://example.com/fogbank",
    "fog@example.com",
    "a1",
    "A",
    "1",
)
_HEADER_STRINGS = tuple(s for s in _BODY_STRINGS if s.isascii() and "," not in s and '"' not in s)
_LABEL_STRINGS = tuple(s for s in _HEADER_STRINGS if "/" not in s and ":" not in s)
_GREEDY_STRINGS = ("dir/" + UNICODE.replace('"', "") + ".txt", *_LABEL_STRINGS)
_HOST_LABEL_STRINGS = ("123456789012", "fogbank", "a1")
_HEADER_MAP_KEYS = ("fog-key-a", "fog-key-b")


def generate_input(operation: OperationModel, seed: int = 0, protocol: str | None = None) -> dict[str, Any]:
    """An input for `operation` as a boto3 caller passes it, carried whole by `protocol` (by default the
    model's). Another seed flips booleans and picks other enum values, strings and union members."""
    shape = operation.input_shape
    if shape is None:
        return {}
    gen = _Generator(protocol or operation.service_model.protocol, seed, output=False)
    return gen.top(shape, operation)


def generate_output(operation: OperationModel, seed: int = 0, protocol: str | None = None) -> dict[str, Any]:
    """An output for `operation` as a handler returns it; a `statusCode` member is 202."""
    shape = operation.output_shape
    if shape is None:
        return {}
    gen = _Generator(protocol or operation.service_model.protocol, seed, output=True)
    return gen.top(shape, operation)


def generate_error(
    service: ServiceModel, error_shape: StructureShape, seed: int = 0, protocol: str | None = None
) -> dict[str, Any]:
    """Every member of a modelled error, the message member included."""
    gen = _Generator(protocol or service.protocol, seed, output=True)
    return gen.top(error_shape, None)


def carried_members(
    shape: StructureShape, protocol: str, *, output: bool, request_uri: str = ""
) -> list[str]:
    """The top-level members a protocol can carry, in model order."""
    return [name for name in shape.members if _carried(shape, name, protocol, output, request_uri)]


def _carried(shape: StructureShape, name: str, protocol: str, output: bool, request_uri: str) -> bool:
    member = shape.members[name]
    if member.serialization.get("eventstream"):
        return False  # event streams are the eventstream codec's, tested apart
    if protocol in XMLISH_PROTOCOLS and member.serialization.get("location") is None:
        if name not in _distinct_xml_names(shape, list(shape.members)):
            return False
    if protocol not in REST_PROTOCOLS:
        return True
    location = member.serialization.get("location")
    if output and location in ("uri", "querystring"):
        return False
    if not output and location == "statusCode":
        return False
    payload = shape.serialization.get("payload")
    if payload and location is None and name != payload:
        return False  # with a payload member, the body is that member alone
    if location in ("header", "querystring"):
        key = _location_key(member, name)
        if location == "querystring" and key in _literal_query_keys(request_uri):
            return False
        for other in shape.members:
            if other == name:
                break
            other_member = shape.members[other]
            if (
                other_member.serialization.get("location") == location
                and _location_key(other_member, other) == key
            ):
                return False  # bound to the same location twice: only the first is carried
    return True


def _distinct_xml_names(shape: StructureShape, names: list[str]) -> list[str]:
    """Members whose XML element name an earlier member already uses are left out: the wire can't
    say which of them an element belongs to (S3's deprecated notification `Event` and `Events`)."""
    seen: set[str] = set()
    kept = []
    for name in names:
        element = shape.members[name].serialization.get("name", name)
        if element not in seen:
            seen.add(element)
            kept.append(name)
    return kept


def _location_key(member: Shape, name: str) -> str:
    key = member.serialization.get("name", name)
    return key.lower() if member.serialization.get("location") == "header" else key


def _literal_query_keys(request_uri: str) -> set[str]:
    _, _, query = request_uri.partition("?")
    return {part.split("=", 1)[0] for part in query.split("&") if part}


class _Generator:
    def __init__(self, protocol: str, seed: int, *, output: bool) -> None:
        self.protocol = protocol
        self.seed = seed
        self.output = output
        self.stack: list[str] = []

    def top(self, shape: StructureShape, operation: OperationModel | None) -> dict[str, Any]:
        request_uri = operation.http.get("requestUri", "") if operation is not None else ""
        result: dict[str, Any] = {}
        self.stack.append(shape.name)
        for name in carried_members(shape, self.protocol, output=self.output, request_uri=request_uri):
            member = shape.members[name]
            location = member.serialization.get("location") if self.protocol in REST_PROTOCOLS else None
            if member.serialization.get("hostLabel"):
                location = "hostLabel"
            if location == "uri" and member.serialization.get("name", name) + "+}" in request_uri:
                location = "greedy"
            value = self.value(member, 0, location, 1)
            if value is not None:
                result[name] = value
        self.stack.pop()
        self._fix_content_length(shape, result)
        return result

    def _fix_content_length(self, shape: StructureShape, result: dict[str, Any]) -> None:
        """A Content-Length member frames the body: it must be the payload's length or absent."""
        payload = shape.serialization.get("payload")
        for name, member in shape.members.items():
            if (
                member.serialization.get("location") == "header"
                and member.serialization.get("name", "").lower() == "content-length"
                and name in result
            ):
                body = result.get(payload) if payload else None
                if isinstance(body, bytes):
                    result[name] = len(body)
                else:
                    del result[name]

    def value(self, shape: Shape, variant: int, location: str | None, depth: int) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, variant, depth)  # type: ignore[arg-type]
        if kind == "list":
            return self.list(shape, variant, location, depth)  # type: ignore[arg-type]
        if kind == "map":
            return self.map(shape, variant, location, depth)  # type: ignore[arg-type]
        if kind in ("string", "character"):
            return self.string(shape, variant, location)
        if kind in ("integer", "long", "short", "byte"):
            return self.integer(shape, variant, location)
        if kind in ("float", "double"):
            low, high = _range(shape)
            return float(_clamp(1.5 + 0.25 * variant, low, high))
        if kind == "boolean":
            return (self.seed + variant) % 2 == 0
        if kind == "timestamp":
            return self.timestamp(shape, variant, location)
        if kind == "blob":
            return self.blob(shape, variant)
        raise ValueError(f"no generator for shape type {kind!r} ({shape.name})")

    def structure(self, shape: StructureShape, variant: int, depth: int) -> dict[str, Any] | None:
        if shape.is_document_type:
            return dict(DOCUMENT, variant=variant)
        if depth > MAX_DEPTH or self.stack.count(shape.name) >= 2:
            return None
        names = [n for n in shape.members if not shape.members[n].serialization.get("eventstream")]
        if self.protocol in XMLISH_PROTOCOLS:
            names = _distinct_xml_names(shape, names)
        if shape.is_tagged_union and names:
            names = [names[(self.seed + variant + depth) % len(names)]]
        self.stack.append(shape.name)
        result: dict[str, Any] = {}
        for name in names:
            value = self.value(shape.members[name], variant, None, depth + 1)
            if value is not None:
                result[name] = value
        self.stack.pop()
        if shape.is_tagged_union and not result:
            return None
        return result

    def list(self, shape: ListShape, variant: int, location: str | None, depth: int) -> list[Any] | None:
        if depth > MAX_DEPTH:
            return None
        count = _count(shape)
        items = [self.value(shape.member, variant + i, location, depth + 1) for i in range(count)]
        items = [item for item in items if item is not None]
        return items or None

    def map(self, shape: MapShape, variant: int, location: str | None, depth: int) -> dict[Any, Any] | None:
        if depth > MAX_DEPTH:
            return None
        result: dict[Any, Any] = {}
        for i in range(_count(shape) + 4):
            if len(result) >= _count(shape):
                break
            if location == "headers":
                key: Any = _HEADER_MAP_KEYS[i % 2] + ("" if i < 2 else str(i))
            else:
                key = self.value(shape.key, variant + i, location, depth + 1)
            if key is None or key in result:
                continue
            value = self.value(
                shape.value, variant + i, "header" if location == "headers" else location, depth + 1
            )
            if value is not None:
                result[key] = value
        return result or None

    def string(self, shape: Shape, variant: int, location: str | None) -> Any:
        if shape.serialization.get("jsonvalue"):
            return dict(JSON_VALUE, variant=variant)
        enum = shape.enum
        if enum:
            return enum[(self.seed + variant) % len(enum)]
        candidates = {
            "header": _HEADER_STRINGS,
            "uri": _LABEL_STRINGS,
            "greedy": _GREEDY_STRINGS,
            "hostLabel": _HOST_LABEL_STRINGS,
        }.get(location or "", _BODY_STRINGS)
        fitting = _fitting_strings(shape, candidates)
        return fitting[(self.seed + variant) % len(fitting)]

    def integer(self, shape: Shape, variant: int, location: str | None) -> int:
        if location == "statusCode":
            return STATUS_CODE
        low, high = _range(shape)
        base = 1_234_567_890_123 if shape.type_name == "long" else 42
        value = _clamp(base + variant, low, high)
        if value != base + variant:
            value = _clamp(int(low if low is not None else 0) + variant, low, high)
        return int(value)

    def timestamp(self, shape: Shape, variant: int, location: str | None) -> datetime:
        # botocore writes a header timestamp from whole epoch seconds, whatever its format
        whole = location in ("header", "headers") or shape.serialization.get("timestampFormat") == "rfc822"
        value = TIMESTAMP + timedelta(days=variant)
        if not whole:
            value += timedelta(milliseconds=789)
        return value

    def blob(self, shape: Shape, variant: int) -> bytes:
        low, high = _length(shape)
        value = BLOB + bytes([variant % 256])
        if low is not None and len(value) < low:
            value = value * (low // len(value) + 1)
        if high is not None:
            value = value[: max(int(high), 1)]
        return value


def _range(shape: Shape) -> tuple[float | None, float | None]:
    meta = shape.metadata
    return meta.get("min"), meta.get("max")


def _length(shape: Shape) -> tuple[int | None, int | None]:
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    return (int(low) if low is not None else None), (int(high) if high is not None else None)


def _clamp(value: float, low: float | None, high: float | None) -> float:
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    return value


def _count(shape: Shape) -> int:
    low, high = _length(shape)
    count = 2
    if low is not None:
        count = max(count, min(low, 64))
    if high is not None:
        count = min(count, high)
    return max(count, 1)


_fitting_cache: dict[tuple[str | None, int | None, int | None, tuple[str, ...]], tuple[str, ...]] = {}


def _fitting_strings(shape: Shape, candidates: tuple[str, ...]) -> tuple[str, ...]:
    """Candidates adjusted to the shape's length limits, then filtered by its pattern; never empty."""
    low, high = _length(shape)
    pattern = shape.metadata.get("pattern")
    key = (pattern, low, high, candidates)
    cached = _fitting_cache.get(key)
    if cached is not None:
        return cached
    compiled = _compile(pattern)
    fitting: list[str] = []
    for candidate in candidates:
        value = _fit_length(candidate, low, high)
        if value and value not in fitting and (compiled is None or compiled.search(value)):
            fitting.append(value)
    if not fitting:
        fitting = [_fit_length("fogbank", low, high) or "f"]
    if len(fitting) == 1:
        fitting.append(fitting[0])
    result = tuple(fitting)
    _fitting_cache[key] = result
    return result


def _fit_length(value: str, low: int | None, high: int | None) -> str:
    if low is not None and len(value) < low:
        value = value + "x" * (low - len(value))
    if high is not None and len(value) > high:
        value = value[: max(high, 1)]
    return value


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    """Smithy patterns are ECMA 262 and not implicitly anchored; one Python cannot read matches nothing."""
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error:
        return re.compile(r"\A(?!)")


def normalize(
    shape: Shape | None, value: Any, protocol: str, *, top: bool = False, location: str | None = None
) -> Any:
    """The normal form of `value` for `shape` in `protocol` (the rules are in the module docstring).

    `top` marks an operation's input or output structure, whose members may be bound to HTTP
    locations; `location` is the binding of the value itself.
    """
    if value is None or shape is None:
        return _plain(value)
    kind = shape.type_name
    if kind == "structure":
        return _normalize_structure(shape, value, protocol, top=top)  # type: ignore[arg-type]
    if kind == "list":
        if not isinstance(value, list | tuple):
            return value
        items = [normalize(shape.member, item, protocol) for item in value]  # type: ignore[attr-defined]
        if not items and (protocol in XMLISH_PROTOCOLS or location == "header"):
            return None
        return items
    if kind == "map":
        if not isinstance(value, dict):
            return value
        value_shape = shape.value  # type: ignore[attr-defined]
        result = {
            (k.lower() if location == "headers" and isinstance(k, str) else k): normalize(
                value_shape, v, protocol
            )
            for k, v in value.items()
        }
        if not result and protocol in XMLISH_PROTOCOLS:
            return None
        return result
    if kind == "timestamp":
        return _timestamp(value)
    if kind == "blob":
        return _read(value)
    if kind in ("float", "double") and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value


def _normalize_structure(shape: StructureShape, value: Any, protocol: str, *, top: bool) -> Any:
    if shape.is_document_type or not isinstance(value, dict):
        return _plain(value)
    shadowed: set[str] = set()
    if protocol in XMLISH_PROTOCOLS:
        shadowed = set(shape.members) - set(_distinct_xml_names(shape, list(shape.members)))
    result: dict[str, Any] = {}
    for key, item in value.items():
        if key in shadowed:
            continue
        member = shape.members.get(key)
        location = member.serialization.get("location") if (top and member is not None) else None
        normal = normalize(member, item, protocol, location=location)
        if normal is not None:
            result[key] = normal
    if not result and not top and protocol in XMLISH_PROTOCOLS:
        return None
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview) or hasattr(value, "read"):
        return _read(value)
    return value


def _timestamp(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            return parse_timestamp(value).astimezone(UTC)
        except (ValueError, TypeError):
            return value
    return value


def _read(value: Any) -> Any:
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return value
    if hasattr(value, "read"):
        if isinstance(value, io.IOBase) and value.seekable():
            value.seek(0)
        data = value.read()
        return data.encode() if isinstance(data, str) else bytes(data)
    if isinstance(value, Iterable):
        return b"".join(_chunks(value))
    return value


def _chunks(value: Iterable[Any]) -> Iterator[bytes]:
    for chunk in value:
        yield chunk.encode() if isinstance(chunk, str) else bytes(chunk)
