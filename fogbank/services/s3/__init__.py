"""S3: buckets, and objects streamed to and from the blob store."""

from __future__ import annotations

from importlib.resources import files

from fogbank.services import Service

__all__ = ["service"]

service = Service("s3", schema=files(__name__).joinpath("schema.sql").read_text(encoding="utf-8"))

from fogbank.services.s3 import (  # noqa: E402,F401
    attributes,
    buckets,
    copy,
    listings,
    multipart,
    multipart_listings,
    objects,
    restore,
    tagging,
    versions,
)
