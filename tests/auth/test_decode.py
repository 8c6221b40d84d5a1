"""The decode stage: request compression, digests in headers, and the payload hash."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io

import pytest

from fogbank.auth import authenticate
from fogbank.auth.decode import DecodedBody, decode_body
from fogbank.errors import ServiceError
from fogbank.protocols.http import HttpRequest
from tests.auth.auth_helpers import capture, client, lookup, now


def decode(request: HttpRequest, **kwargs: object) -> DecodedBody:
    _, sig, secret = authenticate(request, now=now(), strict=True, lookup=lookup)
    return decode_body(request, sig, secret, None, **kwargs)  # type: ignore[arg-type]


def error_of(request: HttpRequest, **kwargs: object) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        decode(request, **kwargs)
    return error.value


def test_put_object_checksum_header_and_payload_hash() -> None:
    request = capture(client("s3"), "put_object", Bucket="b", Key="k", Body=b"hello")
    assert "x-amz-checksum-crc32" in request.headers
    result = decode(request, compute=("md5",))
    assert result.checksums["crc32"] == request.headers["x-amz-checksum-crc32"]
    assert result.checksums["md5"] == base64.b64encode(hashlib.md5(b"hello").digest()).decode()
    assert result.length == 5 and request.body.read() == b"hello"


def test_payload_hash_mismatch() -> None:
    request = capture(client("s3"), "put_object", Bucket="b", Key="k", Body=b"hello")
    request.body = io.BytesIO(b"jello")
    error = error_of(request)
    assert (error.code, error.status) == ("XAmzContentSHA256Mismatch", 400)
    assert error.fields["S3ComputedContentSHA256"] == hashlib.sha256(b"jello").hexdigest()


def _unsigned(body: bytes, **headers: str) -> HttpRequest:
    return HttpRequest(
        "PUT", "/b/k", headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD", **headers}, body=io.BytesIO(body)
    )


def test_checksum_header_mismatch() -> None:
    request = capture(client("s3"), "put_object", Bucket="b", Key="k", Body=b"hello")
    bad = _unsigned(b"jello", **{"x-amz-checksum-crc32": request.headers["x-amz-checksum-crc32"]})
    with pytest.raises(ServiceError) as error:
        decode_body(bad, None, None, None)
    assert error.value.code == "BadDigest"


def test_checksum_headers_can_be_left_to_the_operation() -> None:
    # CompleteMultipartUpload's x-amz-checksum-* describe the object, not the XML body.
    request = _unsigned(b"<xml/>", **{"x-amz-checksum-crc32": "AAAAAA=="})
    assert decode_body(request, None, None, None, checksum_headers=False).checksums == {}


def test_content_md5() -> None:
    request = capture(client("s3"), "put_bucket_policy", Bucket="b", Policy='{"Version": "2012-10-17"}')
    md5 = request.headers.get("content-md5")
    body = request.content()
    expected = base64.b64encode(hashlib.md5(body).digest()).decode()
    if md5 is not None:
        assert md5 == expected
    assert decode(request).checksums.get("md5", expected) == expected
    with pytest.raises(ServiceError) as error:
        decode_body(_unsigned(b"x", **{"content-md5": expected}), None, None, None)
    assert error.value.code == "BadDigest"
    with pytest.raises(ServiceError) as error:
        decode_body(_unsigned(b"x", **{"content-md5": "abc"}), None, None, None)
    assert error.value.code == "InvalidDigest"


def test_several_checksums_are_refused() -> None:
    request = _unsigned(b"x", **{"x-amz-checksum-crc32": "AAAAAA==", "x-amz-checksum-sha1": "AAAAAA=="})
    with pytest.raises(ServiceError) as error:
        decode_body(request, None, None, None)
    assert error.value.code == "InvalidRequest"


def test_sdk_algorithm_without_a_checksum_is_refused() -> None:
    with pytest.raises(ServiceError) as error:
        decode_body(_unsigned(b"x", **{"x-amz-sdk-checksum-algorithm": "CRC32"}), None, None, None)
    assert error.value.code == "InvalidRequest"


def test_request_compression_is_undone() -> None:
    boto = client("cloudwatch", request_min_compression_size_bytes=1)
    metrics = [{"MetricName": f"m{i}", "Value": float(i)} for i in range(50)]
    request = capture(boto, "put_metric_data", Namespace="n", MetricData=metrics)
    assert request.headers["content-encoding"] == "gzip"
    compressed = request.content()
    decode(request)
    assert "content-encoding" not in request.headers
    assert request.body.read() == gzip.decompress(compressed)
    assert request.content() == gzip.decompress(compressed)


def test_s3_content_encoding_gzip_is_the_object_s() -> None:
    data = gzip.compress(b"object")
    request = capture(client("s3"), "put_object", Bucket="b", Key="k", Body=data, ContentEncoding="gzip")
    decode(request)
    assert request.headers["content-encoding"] == "gzip" and request.body.read() == data


def test_bad_gzip() -> None:
    request = HttpRequest("POST", "/", headers={"content-encoding": "gzip"}, body=io.BytesIO(b"nope"))
    with pytest.raises(ServiceError) as error:
        decode_body(request, None, None, None, s3=False)
    assert error.value.code == "InvalidRequest"


def test_large_gzip_body_spools(tmp_path: object) -> None:
    data = b"0123456789abcdef" * 200_000  # 3.2 MB inflated
    request = HttpRequest(
        "POST", "/", headers={"content-encoding": "gzip"}, body=io.BytesIO(gzip.compress(data))
    )
    result = decode_body(request, None, None, str(tmp_path), s3=False)
    assert result.length == len(data)
    assert request.body._rolled  # type: ignore[attr-defined]
    assert request.body.read() == data
    assert request.headers["content-length"] == str(len(data))


def test_sigv4a_streaming_is_not_implemented() -> None:
    request = _unsigned(b"", **{"x-amz-content-sha256": "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"})
    with pytest.raises(ServiceError) as error:
        decode_body(request, None, None, None)
    assert error.value.status == 501


def test_content_digests_share_the_pass_that_checks_the_body() -> None:
    data = b"hello digests"
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
    request = _unsigned(
        data, **{"x-amz-content-sha256": hashlib.sha256(data).hexdigest(), "content-md5": md5}
    )
    result = decode_body(request, None, None, None, content_digests=True)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.md5 == hashlib.md5(data).hexdigest()
    assert "sha256" not in result.checksums  # the payload digests are not checksums the request sent
    assert request.body.read() == data
    plain = decode_body(_unsigned(data), None, None, None, content_digests=True)
    assert (plain.sha256, plain.md5) == (result.sha256, result.md5)
    assert decode_body(_unsigned(data), None, None, None).sha256 is None
