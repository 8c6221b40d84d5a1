"""The flexible checksum an S3 object or part is stored with, how multipart checksums combine, and how
checksums are answered.

An upload carries at most one `x-amz-checksum-*` value (header or aws-chunked trailer); the decode stage
has already verified it against the body (`ctx.decoded`), so it is stored as sent. An upload that sends
none gets S3's default, a full-object CRC64NVME, computed while the body streams into the blob store.

Stored form, in an object's or part's meta: `Checksum` = {"CRC32": "<base64>", "Type": "FULL_OBJECT"}
(algorithm names upper-case as S3 spells them; "Type" only on objects). A multipart object's checksum is
either COMPOSITE (the checksum of the concatenated binary part checksums, then "-N") or FULL_OBJECT (the
CRC of the whole body, combined from the part CRCs without reading the bytes again).

GET and HEAD return the checksum only when asked (`ChecksumMode=ENABLED`), and not for a range; a
`partNumber` request of a multipart object answers with that part's checksum.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fogbank.auth.checksums import ALGORITHMS, Hasher, b64, new
from fogbank.errors import ServiceError
from fogbank.services.s3.objects_store import Segment, read_segments
from fogbank.state import BlobStore

if TYPE_CHECKING:
    from fogbank.context import Context

__all__ = [
    "CRCS",
    "DEFAULT",
    "FLEXIBLE",
    "BodyChecksum",
    "body_checksum",
    "combine_composite",
    "combine_full_object",
    "compute",
    "invalid_checksum_type",
    "member",
    "members",
    "object_members",
    "sent_checksum",
]

# Lower-case names as in `x-amz-checksum-{name}`; MD5 is Content-MD5's business, not a flexible checksum.
FLEXIBLE = tuple(name for name in ALGORITHMS if name != "md5")
CRCS = ("crc32", "crc32c", "crc64nvme")
DEFAULT = "crc64nvme"
_CRC_SIZES = {"crc32": 4, "crc32c": 4, "crc64nvme": 8}


def member(algorithm: str) -> str:
    """The model's member name: "crc64nvme" -> "ChecksumCRC64NVME"."""
    return "Checksum" + algorithm.upper()


def members(checksum: Mapping[str, str] | None, *, with_type: bool = True) -> dict[str, str]:
    """A stored checksum ({"CRC32": v, "Type": t}) as output members (ChecksumCRC32, ChecksumType)."""
    out: dict[str, str] = {}
    for name, value in (checksum or {}).items():
        if name == "Type":
            if with_type:
                out["ChecksumType"] = value
        else:
            out[member(name)] = value
    return out


def object_members(
    meta: Mapping[str, Any],
    checksum_mode: str | None,
    *,
    part_number: int | None = None,
    ranged: bool = False,
) -> dict[str, str]:
    """The checksum members a GET or HEAD answers with: none unless ChecksumMode is ENABLED."""
    if checksum_mode != "ENABLED" or ranged:
        return {}
    if part_number is not None and meta.get("Parts"):
        for part in meta["Parts"]:
            if part.get("PartNumber") == part_number:
                out = members(part.get("Checksum"))
                checksum_type = (meta.get("Checksum") or {}).get("Type")
                if out and checksum_type:
                    out["ChecksumType"] = checksum_type
                return out
        return {}
    return members(meta.get("Checksum"))


def sent_checksum(ctx: Context) -> tuple[str, str] | None:
    """(algorithm, base64 value) of the checksum the request carried and decode verified, if any."""
    if ctx.decoded is None:
        return None
    for name, value in ctx.decoded.checksums.items():
        if name in FLEXIBLE:
            return name, value
    return None


@dataclass(slots=True)
class BodyChecksum:
    """The checksums a body is stored with: what the request sent, plus what must be computed.

    `hashers` go to `BlobStore.write(extra=...)` so the computing costs no extra pass over the bytes."""

    sent: dict[str, str]
    computing: dict[str, Hasher]

    @property
    def hashers(self) -> list[Hasher]:
        return list(self.computing.values())

    def values(self) -> dict[str, str]:
        """Every checksum of the body, upper-case names, once the body has been written."""
        out = {name.upper(): value for name, value in self.sent.items()}
        out.update({name.upper(): b64(hasher) for name, hasher in self.computing.items()})
        return out


def body_checksum(ctx: Context, required: Iterable[str] = ()) -> BodyChecksum:
    """What an upload's body is stored with: the sent checksum, plus `required` algorithms (a multipart
    upload's), plus S3's default CRC64NVME when nothing else applies."""
    sent = sent_checksum(ctx)
    have = {sent[0]: sent[1]} if sent is not None else {}
    wanted = [name for name in required if name not in have]
    if not have and not wanted:
        wanted = [DEFAULT]
    return BodyChecksum(have, {name: new(name) for name in wanted})


def compute(blobs: BlobStore, algorithm: str, segments: Sequence[Segment]) -> str:
    """The base64 checksum of stored bytes, for the rare upload that needs one the request did not send."""
    hasher = new(algorithm)
    for piece in read_segments(blobs, segments):
        hasher.update(piece)
    return b64(hasher)


def _digest(value: str) -> bytes:
    return base64.b64decode(value.split("-", 1)[0])


def combine_composite(algorithm: str, part_values: list[str]) -> str:
    """COMPOSITE: the checksum of the concatenated binary part checksums, then "-N"."""
    hasher = new(algorithm)
    for value in part_values:
        hasher.update(_digest(value))
    return f"{b64(hasher)}-{len(part_values)}"


def combine_full_object(algorithm: str, parts: list[tuple[str, int]]) -> str:
    """FULL_OBJECT for a CRC: the CRC of the whole body from (part CRC, part size), in order."""
    from awscrt import checksums as crt  # native code, loaded on first use

    combine = {"crc32": crt.combine_crc32, "crc32c": crt.combine_crc32c, "crc64nvme": crt.combine_crc64nvme}
    fn = combine[algorithm]
    crc = 0
    for value, size in parts:
        crc = fn(crc, int.from_bytes(_digest(value), "big"), size)
    return base64.b64encode(crc.to_bytes(_CRC_SIZES[algorithm], "big")).decode("ascii")


def invalid_checksum_type(algorithm: str, checksum_type: str) -> ServiceError:
    return ServiceError(
        "InvalidRequest",
        f"The {checksum_type} checksum type cannot be used with the {algorithm.lower()} checksum algorithm.",
        400,
    )
