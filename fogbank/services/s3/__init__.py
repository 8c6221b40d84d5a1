"""S3: buckets, and objects streamed to and from the blob store."""

from __future__ import annotations

from importlib.resources import files

from fogbank.services import Service

__all__ = ["service"]

service = Service("s3", schema=files(__name__).joinpath("schema.sql").read_text(encoding="utf-8"))

from fogbank.services.s3 import (  # noqa: E402,F401
    access_log,
    acl,
    attributes,
    bucket_config,
    bucket_policy,
    buckets,
    copy,
    cors,
    lifecycle,
    listings,
    multipart,
    multipart_listings,
    object_lock,
    objects,
    ownership,
    policy_hook,
    public_access,
    restore,
    tagging,
    versions,
    website,
)

# Every S3 module has registered its own requirements: policy_hook wraps them all.
policy_hook.install()
