"""The workloads: the registry that every measured operation is added to.

A workload is one function decorated with `@workload`. It is the setup: it receives a client factory
(boto3 clients bound to the server under test), creates whatever the operation needs, and returns the
operation itself, a function of one client that makes one call. The harness gives every client thread
its own client of the workload's `service`. An operation that answers with an AWS error is still a
round trip and is timed like any other; the error code is reported as the server's answer. An error
during the setup instead makes the workload n/a on that server, with the error as the reason: a setup
that makes one call of its operation (as the DynamoDB and messaging workloads do) thereby skips a server
that does not answer that operation.

The workloads of the services too big for this module are in `workloads_dynamodb` and
`workloads_messaging`; the long runs are in `memory`.
"""

from __future__ import annotations

import inspect
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3

__all__ = ["WORKLOADS", "Client", "ClientFactory", "Drained", "Op", "Setup", "Workload", "workload"]

Client = Any
ClientFactory = Callable[[str], Client]
"""`make_client("sqs")`: a new boto3 client for the server under test."""
Op = Callable[[Client], object]
"""One call through one client."""
Setup = Callable[[ClientFactory], Op]
"""Prepares a workload on a fresh server and returns its operation."""


@dataclass(frozen=True)
class Workload:
    """A named operation to time, with the setup that prepares it."""

    name: str
    service: str
    setup: Setup
    description: str
    """The setup's docstring: a one-line summary, then (after a blank line) what the figures include."""
    max_ops: int | None = None  # a cap on --ops for heavy operations (large bodies)


WORKLOADS: dict[str, Workload] = {}


@dataclass(frozen=True)
class Drained:
    """An operation whose work may go on in the server after it answers, with a wait for that work.

    The harness waits before it reads the server's CPU time at either end of the timed phases, so that
    work done after the answer (an asynchronous delivery) is counted with the calls that caused it.
    """

    call: Op
    wait: Callable[[], None]

    def __call__(self, client: Client) -> object:
        return self.call(client)


def workload(name: str, service: str, max_ops: int | None = None) -> Callable[[Setup], Setup]:
    """Register the decorated setup function as the workload `name` on clients of `service`."""

    def register(setup: Setup) -> Setup:
        WORKLOADS[name] = Workload(name, service, setup, inspect.cleandoc(setup.__doc__ or ""), max_ops)
        return setup

    return register


@workload("sts_get_caller_identity", service="sts")
def sts_get_caller_identity(make_client: ClientFactory) -> Op:
    """STS GetCallerIdentity: the smallest signed round trip (query protocol, no state)."""
    return lambda client: client.get_caller_identity()


@workload("not_implemented", service="sqs")
def not_implemented(make_client: ClientFactory) -> Op:
    """SQS ListQueues (JSON protocol): fogbank answers NotImplemented, the peers answer the call."""
    return lambda client: client.list_queues()


def _policy_document(index: int) -> str:
    """Ten statements, of which only the last grants what the workload calls."""
    statements = [
        {
            "Sid": f"S{index}x{n}",
            "Effect": "Allow",
            "Action": [f"s3:Get{n}*", f"dynamodb:Query{index}", "sqs:SendMessage"],
            "Resource": f"arn:aws:s3:::bucket-{index}-{n}/*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
        }
        for n in range(9)
    ]
    statements.append(
        {
            "Sid": f"S{index}x9",
            "Effect": "Allow",
            "Action": "iam:GetUser",
            "Resource": "arn:aws:iam::*:user/bench*",
        }
    )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


@workload("iam_get_user_root", service="iam")
def iam_get_user_root(make_client: ClientFactory) -> Op:
    """IAM GetUser signed by the root user with the default keys: nothing verified, no policy evaluated."""
    make_client("iam").create_user(UserName="bench-root")
    return lambda client: client.get_user(UserName="bench-root")


@workload("iam_get_user_root_key", service="iam")
def iam_get_user_root_key(make_client: ClientFactory) -> Op:
    """IAM GetUser signed with an access key issued to the root user: verified, no policy evaluated."""
    iam = make_client("iam")
    iam.create_user(UserName="bench-root-key")
    key = iam.create_access_key()["AccessKey"]
    return _signed_by(key, "iam", lambda own: own.get_user(UserName="bench-root-key"))


def _signed_by(key: dict[str, str], service: str, call: Callable[[Client], object]) -> Op:
    """An operation made through a per-thread client signed with `key` instead of the default one."""
    local = threading.local()

    def op(client: Client) -> object:
        own = getattr(local, "client", None)
        if own is None:
            own = boto3.client(
                service,
                endpoint_url=client.meta.endpoint_url,
                aws_access_key_id=key["AccessKeyId"],
                aws_secret_access_key=key["SecretAccessKey"],
                region_name="us-east-1",
                config=client.meta.config,
            )
            local.client = own
        return call(own)

    return op


@workload("iam_get_user_10x10", service="iam")
def iam_get_user_10x10(make_client: ClientFactory) -> Op:
    """IAM GetUser signed by an IAM user with 10 attached policies of 10 statements each."""
    iam = make_client("iam")
    iam.create_user(UserName="bench-10x10")
    for index in range(10):
        arn = iam.create_policy(PolicyName=f"bench-{index}", PolicyDocument=_policy_document(index))[
            "Policy"
        ]["Arn"]
        iam.attach_user_policy(UserName="bench-10x10", PolicyArn=arn)
    key = iam.create_access_key(UserName="bench-10x10")["AccessKey"]
    return _signed_by(key, "iam", lambda own: own.get_user(UserName="bench-10x10"))


@workload("kms_encrypt_4k", service="kms")
def kms_encrypt_4k(make_client: ClientFactory) -> Op:
    """KMS Encrypt of 4 KiB under a symmetric key (JSON protocol, AES-256-GCM)."""
    key = make_client("kms").create_key()["KeyMetadata"]["KeyId"]
    plaintext = bytes(range(256)) * 16
    return lambda client: client.encrypt(KeyId=key, Plaintext=plaintext)


@workload("kms_generate_data_key", service="kms")
def kms_generate_data_key(make_client: ClientFactory) -> Op:
    """KMS GenerateDataKey (AES_256): a fresh data key, returned plain and encrypted."""
    key = make_client("kms").create_key()["KeyMetadata"]["KeyId"]
    return lambda client: client.generate_data_key(KeyId=key, KeySpec="AES_256")


def _bucket(make_client: ClientFactory, name: str) -> str:
    make_client("s3").create_bucket(Bucket=name)
    return name


@workload("s3_put_object_1k", service="s3")
def s3_put_object_1k(make_client: ClientFactory) -> Op:
    """S3 PutObject of 1 KiB (REST-XML, body to the blob store)."""
    bucket = _bucket(make_client, "bench-put-1k")
    body = b"x" * 1024
    return lambda client: client.put_object(Bucket=bucket, Key="k", Body=body)


@workload("s3_get_object_1k", service="s3")
def s3_get_object_1k(make_client: ClientFactory) -> Op:
    """S3 GetObject of 1 KiB, read whole."""
    bucket = _bucket(make_client, "bench-get-1k")
    make_client("s3").put_object(Bucket=bucket, Key="k", Body=b"x" * 1024)
    return lambda client: client.get_object(Bucket=bucket, Key="k")["Body"].read()


MIB = 1 << 20


@workload("s3_put_object_1m", service="s3", max_ops=300)
def s3_put_object_1m(make_client: ClientFactory) -> Op:
    """S3 PutObject of 1 MiB: ops/s is MiB/s."""
    bucket = _bucket(make_client, "bench-put-1m")
    body = bytes(range(256)) * (MIB // 256)
    return lambda client: client.put_object(Bucket=bucket, Key="k", Body=body)


@workload("s3_get_object_1m", service="s3", max_ops=300)
def s3_get_object_1m(make_client: ClientFactory) -> Op:
    """S3 GetObject of 1 MiB, read whole: ops/s is MiB/s."""
    bucket = _bucket(make_client, "bench-get-1m")
    make_client("s3").put_object(Bucket=bucket, Key="k", Body=bytes(range(256)) * (MIB // 256))
    return lambda client: client.get_object(Bucket=bucket, Key="k")["Body"].read()


@workload("s3_multipart_64m", service="s3", max_ops=6)
def s3_multipart_64m(make_client: ClientFactory) -> Op:
    """S3 multipart upload of 64 MiB in 8 parts of 8 MiB (create, 8 × UploadPart, complete)."""
    bucket = _bucket(make_client, "bench-multipart")
    part = bytes(range(256)) * (8 * MIB // 256)

    def op(client: Client) -> object:
        upload = client.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
        parts = [
            {
                "PartNumber": n,
                "ETag": client.upload_part(
                    Bucket=bucket, Key="big", UploadId=upload, PartNumber=n, Body=part
                )["ETag"],
            }
            for n in range(1, 9)
        ]
        return client.complete_multipart_upload(
            Bucket=bucket, Key="big", UploadId=upload, MultipartUpload={"Parts": parts}
        )

    return op


@workload("s3_list_objects_v2_1000", service="s3", max_ops=300)
def s3_list_objects_v2_1000(make_client: ClientFactory) -> Op:
    """S3 ListObjectsV2 of a bucket of 1,000 keys, one page."""
    bucket = _bucket(make_client, "bench-list")
    s3 = make_client("s3")
    for n in range(1000):
        s3.put_object(Bucket=bucket, Key=f"dir{n % 10}/key-{n:04d}", Body=b"")
    return lambda client: client.list_objects_v2(Bucket=bucket)


@workload("s3_put_object_1m_sse_s3", service="s3", max_ops=300)
def s3_put_object_1m_sse_s3(make_client: ClientFactory) -> Op:
    """S3 PutObject of 1 MiB with SSE-S3 (AES256): ops/s is MiB/s."""
    bucket = _bucket(make_client, "bench-put-1m-sse-s3")
    body = bytes(range(256)) * (MIB // 256)
    return lambda client: client.put_object(Bucket=bucket, Key="k", Body=body, ServerSideEncryption="AES256")


@workload("s3_get_object_1m_sse_s3", service="s3", max_ops=300)
def s3_get_object_1m_sse_s3(make_client: ClientFactory) -> Op:
    """S3 GetObject of a 1 MiB SSE-S3 object, read whole: ops/s is MiB/s."""
    bucket = _bucket(make_client, "bench-get-1m-sse-s3")
    body = bytes(range(256)) * (MIB // 256)
    make_client("s3").put_object(Bucket=bucket, Key="k", Body=body, ServerSideEncryption="AES256")
    return lambda client: client.get_object(Bucket=bucket, Key="k")["Body"].read()


@workload("s3_put_object_1m_sse_kms", service="s3", max_ops=300)
def s3_put_object_1m_sse_kms(make_client: ClientFactory) -> Op:
    """S3 PutObject of 1 MiB with SSE-KMS under a customer managed key: ops/s is MiB/s."""
    bucket = _bucket(make_client, "bench-put-1m-sse-kms")
    key = make_client("kms").create_key()["KeyMetadata"]["KeyId"]
    body = bytes(range(256)) * (MIB // 256)
    return lambda client: client.put_object(
        Bucket=bucket, Key="k", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key
    )


@workload("s3_get_object_1m_sse_kms", service="s3", max_ops=300)
def s3_get_object_1m_sse_kms(make_client: ClientFactory) -> Op:
    """S3 GetObject of a 1 MiB SSE-KMS object, read whole: ops/s is MiB/s."""
    bucket = _bucket(make_client, "bench-get-1m-sse-kms")
    key = make_client("kms").create_key()["KeyMetadata"]["KeyId"]
    body = bytes(range(256)) * (MIB // 256)
    make_client("s3").put_object(
        Bucket=bucket, Key="k", Body=body, ServerSideEncryption="aws:kms", SSEKMSKeyId=key
    )
    return lambda client: client.get_object(Bucket=bucket, Key="k")["Body"].read()
