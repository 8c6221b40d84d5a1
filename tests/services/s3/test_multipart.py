"""Multipart uploads through boto3: parts, copies, completion rules, ETags, checksums and listings."""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.services.s3.helpers import error_code

MIB = 1024 * 1024


@pytest.fixture
def bucket(s3: Any) -> str:
    name = "mpu-" + uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    return name


def _multipart_etag(*parts: bytes) -> str:
    digests = b"".join(hashlib.md5(p).digest() for p in parts)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(parts)}"'


def _upload(s3: Any, bucket: str, key: str, parts: list[bytes], **create: Any) -> tuple[str, list[dict]]:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    done = []
    for number, body in enumerate(parts, 1):
        answer = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body)
        done.append({"PartNumber": number, "ETag": answer["ETag"]})
    return upload_id, done


def test_upload_complete_get(s3: Any, bucket: str) -> None:
    first, second = os.urandom(5 * MIB), b"the last part may be small"
    upload_id, parts = _upload(
        s3, bucket, "big/object.bin", [first, second], ContentType="text/plain", Metadata={"owner": "me"}
    )
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="big/object.bin", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    assert done["ETag"] == _multipart_etag(first, second)
    assert done["Key"] == "big/object.bin" and done["Bucket"] == bucket
    got = s3.get_object(Bucket=bucket, Key="big/object.bin")
    assert got["Body"].read() == first + second
    assert got["ETag"] == done["ETag"]
    assert got["ContentType"] == "text/plain" and got["Metadata"] == {"owner": "me"}
    # The upload is gone once completed.
    with pytest.raises(ClientError) as error:
        s3.list_parts(Bucket=bucket, Key="big/object.bin", UploadId=upload_id)
    assert error_code(error) == "NoSuchUpload"


def test_get_part_with_its_checksum(s3: Any, bucket: str) -> None:
    """botocore asks for checksums by default and checks the part it reads against the part's checksum."""
    first, second = os.urandom(5 * MIB), b"tail"
    upload_id, parts = _upload(s3, bucket, "k", [first, second])
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts})
    got = s3.get_object(Bucket=bucket, Key="k", PartNumber=2)
    assert got["Body"].read() == second and got["PartsCount"] == 2


def test_part_rules(s3: Any, bucket: str) -> None:
    small = [b"a" * 100, b"b" * 100]
    upload_id, parts = _upload(s3, bucket, "k", small)
    complete = lambda p: s3.complete_multipart_upload(  # noqa: E731
        Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": p}
    )
    with pytest.raises(ClientError) as error:
        complete(parts)
    assert error_code(error) == "EntityTooSmall"
    with pytest.raises(ClientError) as error:
        complete([parts[1], parts[0]])
    assert error_code(error) == "InvalidPartOrder"
    with pytest.raises(ClientError) as error:
        complete([{"PartNumber": 1, "ETag": '"' + "0" * 32 + '"'}])
    assert error_code(error) == "InvalidPart"
    with pytest.raises(ClientError) as error:
        complete([{"PartNumber": 3, "ETag": parts[0]["ETag"]}])
    assert error_code(error) == "InvalidPart"
    # One small part alone is the last part: allowed.
    assert complete(parts[:1])["ETag"] == _multipart_etag(small[0])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == small[0]


def test_part_numbers_and_missing_uploads(s3: Any, bucket: str) -> None:
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    for number in (0, 10001):
        with pytest.raises(ClientError) as error:
            s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=number, Body=b"x")
        assert error_code(error) == "InvalidArgument"
    s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=10000, Body=b"x")
    with pytest.raises(ClientError) as error:
        s3.upload_part(Bucket=bucket, Key="other", UploadId=upload_id, PartNumber=1, Body=b"x")
    assert error_code(error) == "NoSuchUpload"
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id)
    for call in (
        lambda: s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id),
        lambda: s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id),
        lambda: s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": "x"}]},
        ),
    ):
        with pytest.raises(ClientError) as error:
            call()
        assert error_code(error) == "NoSuchUpload"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_reupload_replaces_part_and_list_parts_pages(s3: Any, bucket: str) -> None:
    upload_id, _ = _upload(s3, bucket, "k", [b"one", b"two", b"three", b"four", b"five"])
    again = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=2, Body=b"TWO!")
    page = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, MaxParts=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [1, 2]
    assert page["IsTruncated"] is True and page["NextPartNumberMarker"] == 2
    assert page["Parts"][1]["ETag"] == again["ETag"] and page["Parts"][1]["Size"] == 4
    rest = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id, PartNumberMarker=2)
    assert [p["PartNumber"] for p in rest["Parts"]] == [3, 4, 5] and rest["IsTruncated"] is False
    assert rest["Owner"]["ID"] and rest["Initiator"]["ID"] and rest["StorageClass"] == "STANDARD"


def test_list_multipart_uploads(s3: Any, bucket: str) -> None:
    ids = {}
    for key in ("a/1", "a/2", "b/1", "c", "c"):
        ids.setdefault(key, []).append(s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"])
    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert [u["Key"] for u in listed["Uploads"]] == ["a/1", "a/2", "b/1", "c", "c"]
    assert [u["UploadId"] for u in listed["Uploads"] if u["Key"] == "c"] == ids["c"]
    grouped = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["a/", "b/"]
    assert [u["Key"] for u in grouped["Uploads"]] == ["c", "c"]
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket, Prefix="a/")["Uploads"]] == [
        "a/1",
        "a/2",
    ]
    seen: list[tuple[str, str]] = []
    kwargs: dict[str, Any] = {}
    while True:
        page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2, **kwargs)
        seen += [(u["Key"], u["UploadId"]) for u in page["Uploads"]]
        if not page["IsTruncated"]:
            break
        kwargs = {"KeyMarker": page["NextKeyMarker"], "UploadIdMarker": page["NextUploadIdMarker"]}
    assert seen == [(u["Key"], u["UploadId"]) for u in listed["Uploads"]]
    after = s3.list_multipart_uploads(Bucket=bucket, KeyMarker="b/1")
    assert [u["Key"] for u in after["Uploads"]] == ["c", "c"]


def test_upload_part_copy_ranges(s3: Any, bucket: str) -> None:
    source = os.urandom(6 * MIB)
    s3.put_object(Bucket=bucket, Key="source", Body=source)
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="copy")["UploadId"]
    first = s3.upload_part_copy(
        Bucket=bucket,
        Key="copy",
        UploadId=upload_id,
        PartNumber=1,
        CopySource=f"{bucket}/source",
        CopySourceRange=f"bytes=0-{5 * MIB - 1}",
    )["CopyPartResult"]
    whole = s3.upload_part_copy(
        Bucket=bucket, Key="copy", UploadId=upload_id, PartNumber=2, CopySource=f"{bucket}/source"
    )["CopyPartResult"]
    last = s3.upload_part_copy(
        Bucket=bucket,
        Key="copy",
        UploadId=upload_id,
        PartNumber=3,
        CopySource={"Bucket": bucket, "Key": "source"},
        CopySourceRange=f"bytes={5 * MIB}-{6 * MIB - 1}",
    )["CopyPartResult"]
    assert first["ETag"] == f'"{hashlib.md5(source[: 5 * MIB]).hexdigest()}"'
    assert whole["ETag"] == f'"{hashlib.md5(source).hexdigest()}"'
    with pytest.raises(ClientError) as error:
        s3.upload_part_copy(
            Bucket=bucket,
            Key="copy",
            UploadId=upload_id,
            PartNumber=4,
            CopySource=f"{bucket}/source",
            CopySourceRange=f"bytes=0-{6 * MIB}",
        )
    assert error_code(error) == "InvalidArgument"
    with pytest.raises(ClientError) as error:
        s3.upload_part_copy(
            Bucket=bucket, Key="copy", UploadId=upload_id, PartNumber=4, CopySource=f"{bucket}/missing"
        )
    assert error_code(error) == "NoSuchKey"
    with pytest.raises(ClientError) as error:
        s3.upload_part_copy(
            Bucket=bucket,
            Key="copy",
            UploadId=upload_id,
            PartNumber=4,
            CopySource=f"{bucket}/source",
            CopySourceIfMatch='"' + "1" * 32 + '"',
        )
    assert error_code(error) == "PreconditionFailed"
    parts = [
        {"PartNumber": 1, "ETag": first["ETag"]},
        {"PartNumber": 2, "ETag": whole["ETag"]},
        {"PartNumber": 3, "ETag": last["ETag"]},
    ]
    s3.complete_multipart_upload(
        Bucket=bucket, Key="copy", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    assert (
        s3.get_object(Bucket=bucket, Key="copy")["Body"].read()
        == source[: 5 * MIB] + source + source[5 * MIB :]
    )


def _crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def test_composite_checksum(s3: Any, bucket: str) -> None:
    first, second = os.urandom(5 * MIB), os.urandom(1000)
    create = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="CRC32")
    assert create["ChecksumAlgorithm"] == "CRC32" and create["ChecksumType"] == "COMPOSITE"
    upload_id = create["UploadId"]
    parts = []
    for number, body in enumerate((first, second), 1):
        answer = s3.upload_part(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            PartNumber=number,
            Body=body,
            ChecksumAlgorithm="CRC32",
        )
        assert answer["ChecksumCRC32"] == _crc32(body)
        parts.append({"PartNumber": number, "ETag": answer["ETag"], "ChecksumCRC32": answer["ChecksumCRC32"]})
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload_id)
    assert [p["ChecksumCRC32"] for p in listed["Parts"]] == [_crc32(first), _crc32(second)]
    assert listed["ChecksumAlgorithm"] == "CRC32"
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    joined = zlib.crc32(base64.b64decode(_crc32(first)) + base64.b64decode(_crc32(second)))
    expected = base64.b64encode(joined.to_bytes(4, "big")).decode() + "-2"
    assert done["ChecksumCRC32"] == expected and done["ChecksumType"] == "COMPOSITE"
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == expected and head["ChecksumType"] == "COMPOSITE"


def test_full_object_checksum(s3: Any, bucket: str) -> None:
    first, second = os.urandom(5 * MIB), os.urandom(777)
    upload_id = s3.create_multipart_upload(
        Bucket=bucket, Key="k", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT"
    )["UploadId"]
    parts = []
    for number, body in enumerate((first, second), 1):
        answer = s3.upload_part(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            PartNumber=number,
            Body=body,
            ChecksumAlgorithm="CRC32",
        )
        parts.append({"PartNumber": number, "ETag": answer["ETag"]})
    with pytest.raises(ClientError) as error:
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": parts},
            ChecksumCRC32=_crc32(b"something else"),
            ChecksumType="FULL_OBJECT",
        )
    assert error_code(error) == "BadDigest"
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="k",
        UploadId=upload_id,
        MultipartUpload={"Parts": parts},
        ChecksumCRC32=_crc32(first + second),
        ChecksumType="FULL_OBJECT",
        MpuObjectSize=len(first + second),
    )
    assert done["ChecksumCRC32"] == _crc32(first + second) and done["ChecksumType"] == "FULL_OBJECT"
    # botocore validates a full-object checksum against the body it reads.
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["Body"].read() == first + second and got["ChecksumCRC32"] == _crc32(first + second)


def test_checksum_type_rules(s3: Any, bucket: str) -> None:
    for algorithm, checksum_type in (("SHA256", "FULL_OBJECT"), ("CRC64NVME", "COMPOSITE")):
        with pytest.raises(ClientError) as error:
            s3.create_multipart_upload(
                Bucket=bucket, Key="k", ChecksumAlgorithm=algorithm, ChecksumType=checksum_type
            )
        assert error_code(error) == "InvalidRequest"
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="SHA1")["UploadId"]
    with pytest.raises(ClientError) as error:
        s3.upload_part(
            Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"x", ChecksumAlgorithm="CRC32"
        )
    assert error_code(error) == "InvalidRequest"
    answer = s3.upload_part(
        Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"x", ChecksumAlgorithm="SHA1"
    )
    with pytest.raises(ClientError) as error:
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": answer["ETag"]}]},
        )
    assert error_code(error) == "InvalidRequest"


def test_default_checksum_is_full_object_crc64nvme(s3: Any, bucket: str) -> None:
    from awscrt.checksums import crc64nvme

    first, second = os.urandom(5 * MIB), os.urandom(10)
    upload_id, parts = _upload(s3, bucket, "k", [first, second])
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts})
    expected = base64.b64encode(crc64nvme(first + second).to_bytes(8, "big")).decode()
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumCRC64NVME"] == expected and head["ChecksumType"] == "FULL_OBJECT"


def test_transfer_manager_over_https(client: Callable[..., Any], bucket: str, tmp_path: Any) -> None:
    from boto3.s3.transfer import TransferConfig

    s3 = client("s3", tls=True)
    source = tmp_path / "up.bin"
    source.write_bytes(os.urandom(12 * MIB + 5))
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    s3.upload_file(str(source), bucket, "transfer.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="transfer.bin")
    assert head["ContentLength"] == 12 * MIB + 5 and head["ETag"].endswith('-3"')
    target = tmp_path / "down.bin"
    s3.download_file(bucket, "transfer.bin", str(target), Config=config)
    assert target.read_bytes() == source.read_bytes()


def test_copy_whole_object_part_keeps_checksum(s3: Any, bucket: str) -> None:
    source = os.urandom(1000)
    s3.put_object(Bucket=bucket, Key="source", Body=source, ChecksumAlgorithm="CRC32")
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="copy", ChecksumAlgorithm="CRC32")["UploadId"]
    result = s3.upload_part_copy(
        Bucket=bucket, Key="copy", UploadId=upload_id, PartNumber=1, CopySource=f"{bucket}/source"
    )["CopyPartResult"]
    assert result["ETag"] == f'"{hashlib.md5(source).hexdigest()}"' and result["ChecksumCRC32"] == _crc32(
        source
    )
    part = {"PartNumber": 1, "ETag": result["ETag"], "ChecksumCRC32": result["ChecksumCRC32"]}
    s3.complete_multipart_upload(
        Bucket=bucket, Key="copy", UploadId=upload_id, MultipartUpload={"Parts": [part]}
    )
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == source


def test_complete_in_versioned_bucket_and_conditional_complete(s3: Any, bucket: str) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["VersionId"]
    upload_id, parts = _upload(s3, bucket, "k", [b"v2 in parts"])
    with pytest.raises(ClientError) as error:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts}, IfNoneMatch="*"
        )
    assert error_code(error) == "PreconditionFailed"
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    assert done["VersionId"] and done["VersionId"] != first
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=first)["Body"].read() == b"v1"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v2 in parts"
