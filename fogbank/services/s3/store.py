"""How S3's state is kept: buckets as documents, objects and uploads in S3's own tables (schema.sql).

Bucket names are global across accounts, so a bucket is a document of service "s3", kind "bucket",
account "" and region "", keyed by its name:

    kind "bucket"  key Name
        Name, Account (the owner), Region, CreationDate, Versioning ("" never enabled | Enabled |
        Suspended), Tags [{Key, Value}], and the bucket's sub-resources as later services add them
        (Policy, Acl, Ownership, PublicAccessBlock, Encryption, Lifecycle, Cors, Website, Notification,
        ObjectLock, …), each under its AWS name.
    kind "owned-bucket"  account = the owner, key Name
        Region, CreationDate: the owner's index of its buckets (ListBuckets, the bucket quota)

An object version is a row of `s3_objects`; its bytes are a list of segments in the blob store
(`body`: JSON [[digest, size], …]): one segment for a PutObject, one per part for a completed multipart
upload (completion never copies bytes), none for an empty object or a delete marker. Keys compare in
UTF-8 byte order (SQLite's BINARY collation on TEXT; PostgreSQL needs COLLATE "C").

    s3_objects  (bucket, key, version_id) — version_id "null" for the unversioned/suspended version
        seq (grows with time: newest version has the largest), is_latest, is_delete_marker, body, size,
        etag (quoted, as S3 returns it), last_modified (epoch seconds, fogbank's clock), storage_class,
        meta (JSON: ContentType, ContentEncoding, ContentDisposition, CacheControl, ContentLanguage,
        Expires, Metadata {user}, Checksum {algorithm: value, Type FULL_OBJECT|COMPOSITE}, Parts
        [{PartNumber, Size, ETag, Checksum…}] for multipart objects, TagSet, Restore {…}, Owner,
        and what later issues add: encryption, object lock, ACL)
    s3_uploads  (upload_id) — bucket, key, initiated, meta (JSON: as an object's, plus ChecksumAlgorithm,
        ChecksumType, StorageClass, Owner/Initiator)
    s3_parts    (upload_id, part_number) — body, size, etag, last_modified, meta (JSON: Checksum…)
"""

from __future__ import annotations

__all__ = ["SERVICE", "BUCKET"]

SERVICE = "s3"
BUCKET = "bucket"
