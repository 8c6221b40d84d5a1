"""Every operation fogbank does not implement yet answers 501 NotImplemented in its own protocol."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

CALLS = [
    ("cloudformation", "list_stacks", {}, "query"),
    ("iam", "list_server_certificates", {}, "query"),
    ("ec2", "describe_vpcs", {}, "ec2"),
    ("dynamodb", "list_global_tables", {}, "json"),
    ("kms", "describe_custom_key_stores", {}, "json"),
    ("logs", "describe_log_groups", {}, "json"),
    ("lambda", "list_functions", {}, "rest-json"),
    ("apigateway", "get_rest_apis", {}, "rest-json"),
    ("s3", "get_bucket_replication", {"Bucket": "some-bucket"}, "rest-xml"),
    ("s3", "get_object_torrent", {"Bucket": "some-bucket", "Key": "a b/ü"}, "rest-xml"),
    ("route53", "list_hosted_zones", {}, "rest-xml"),
    ("cloudwatch", "list_metrics", {}, "cbor"),
]


@pytest.mark.parametrize(
    ("service", "method", "params", "protocol"), CALLS, ids=[c[0] + "." + c[1] for c in CALLS]
)
def test_not_implemented(
    client: Any, service: str, method: str, params: dict[str, Any], protocol: str
) -> None:
    api = client(service)
    operation = api.meta.method_to_api_mapping[method]
    with pytest.raises(ClientError) as error:
        getattr(api, method)(**params)
    response = error.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert response["Error"]["Code"] == "NotImplemented"
    assert operation in response["Error"]["Message"]
    assert api.meta.service_model.service_name in response["Error"]["Message"]


def test_streaming_checksum_upload_over_https_is_decoded_then_dispatched(client: Any) -> None:
    """boto3 sends aws-chunked with a CRC trailer over HTTPS: the body decodes, then PutObject answers."""
    s3 = client("s3", tls=True)
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket="some-bucket", Key="k", Body=b"x" * 70_000, ChecksumAlgorithm="CRC32")
    assert error.value.response["Error"]["Code"] == "NoSuchBucket"
