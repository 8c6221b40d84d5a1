-- S3's data plane: object versions, multipart uploads and their parts (see store.py).

CREATE TABLE IF NOT EXISTS s3_objects (
    bucket            TEXT NOT NULL,
    key               TEXT NOT NULL,
    version_id        TEXT NOT NULL,
    seq               BIGINT NOT NULL,
    is_latest         INTEGER NOT NULL,
    is_delete_marker  INTEGER NOT NULL,
    body              TEXT NOT NULL,
    size              BIGINT NOT NULL,
    etag              TEXT,
    last_modified     DOUBLE PRECISION NOT NULL,
    storage_class     TEXT NOT NULL,
    meta              TEXT NOT NULL,
    PRIMARY KEY (bucket, key, version_id)
);

CREATE INDEX IF NOT EXISTS s3_objects_listing ON s3_objects (bucket, is_latest, key);
CREATE INDEX IF NOT EXISTS s3_objects_versions ON s3_objects (bucket, key, seq);

CREATE TABLE IF NOT EXISTS s3_uploads (
    upload_id  TEXT PRIMARY KEY,
    bucket     TEXT NOT NULL,
    key        TEXT NOT NULL,
    initiated  DOUBLE PRECISION NOT NULL,
    meta       TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS s3_uploads_listing ON s3_uploads (bucket, key, initiated);

CREATE TABLE IF NOT EXISTS s3_parts (
    upload_id      TEXT NOT NULL,
    part_number    INTEGER NOT NULL,
    body           TEXT NOT NULL,
    size           BIGINT NOT NULL,
    etag           TEXT NOT NULL,
    last_modified  DOUBLE PRECISION NOT NULL,
    meta           TEXT NOT NULL,
    PRIMARY KEY (upload_id, part_number)
);
