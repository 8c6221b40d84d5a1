"""Checksums against known vectors and botocore's own implementations, and the S3 digest errors."""

from __future__ import annotations

import base64
import hashlib
import io

import pytest
from botocore.httpchecksum import (
    Crc32Checksum,
    CrtCrc32cChecksum,
    CrtCrc64NvmeChecksum,
    CrtXxhash64Checksum,
    Sha1Checksum,
    Sha256Checksum,
)

from fogbank.auth import checksums
from fogbank.errors import ServiceError

CHECK = b"123456789"
INPUTS = [b"", b"a", CHECK, bytes(range(256)) * 1000]


@pytest.mark.parametrize(
    ("algorithm", "value"),
    [("crc32", 0xCBF43926), ("crc32c", 0xE3069283), ("crc64nvme", 0xAE8B14860A799888)],
)
def test_crc_check_values(algorithm: str, value: int) -> None:
    hasher = checksums.new(algorithm)
    hasher.update(CHECK)
    assert int.from_bytes(hasher.digest(), "big") == value


@pytest.mark.parametrize(
    ("algorithm", "reference"),
    [
        ("crc32", Crc32Checksum),
        ("crc32c", CrtCrc32cChecksum),
        ("crc64nvme", CrtCrc64NvmeChecksum),
        ("sha1", Sha1Checksum),
        ("sha256", Sha256Checksum),
        ("xxhash64", CrtXxhash64Checksum),
    ],
)
@pytest.mark.parametrize("data", INPUTS, ids=["empty", "a", "check", "256k"])
def test_matches_botocore_in_pieces(algorithm: str, reference: type, data: bytes) -> None:
    hasher = checksums.new(algorithm)
    for start in range(0, len(data), 7777):
        hasher.update(data[start : start + 7777])
    assert checksums.b64(hasher) == reference().handle(data)


def test_multi_hasher_and_sha256_hex() -> None:
    multi = checksums.MultiHasher(["md5", "crc32"])
    multi.update(b"hello ")
    multi.update(b"world")
    digests = multi.b64digests()
    assert digests["md5"] == base64.b64encode(hashlib.md5(b"hello world").digest()).decode()
    assert digests["crc32"] == Crc32Checksum().handle(b"hello world")
    body = io.BytesIO(b"hello world")
    assert checksums.sha256_hex(body) == hashlib.sha256(b"hello world").hexdigest()
    assert body.tell() == 0


def test_content_md5_errors() -> None:
    good = base64.b64encode(hashlib.md5(b"x").digest()).decode()
    checksums.verify_content_md5(good, good)
    with pytest.raises(ServiceError) as error:
        checksums.verify_content_md5(base64.b64encode(hashlib.md5(b"y").digest()).decode(), good)
    assert (error.value.code, error.value.status) == ("BadDigest", 400)
    assert error.value.message == "The Content-MD5 you specified did not match what we received."
    with pytest.raises(ServiceError) as error:
        checksums.verify_content_md5("not-base64!", good)
    assert error.value.code == "InvalidDigest"


def test_checksum_errors() -> None:
    good = Crc32Checksum().handle(b"x")
    checksums.verify_checksum("crc32", good, good)
    with pytest.raises(ServiceError) as error:
        checksums.verify_checksum("crc32", Crc32Checksum().handle(b"y"), good)
    assert error.value.code == "BadDigest"
    assert error.value.message == "The CRC32 you specified did not match the calculated checksum."
    with pytest.raises(ServiceError) as error:
        checksums.verify_checksum("sha256", good, good)  # a CRC32-sized value is no SHA-256
    assert error.value.code == "InvalidRequest"
    assert error.value.message == "Value for x-amz-checksum-sha256 header is invalid."
