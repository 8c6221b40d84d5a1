-- SNS's FIFO deduplication window: one row per (topic, scope and deduplication id) (see dedup.py).

CREATE TABLE IF NOT EXISTS sns_dedup (
    topic       TEXT NOT NULL,
    dedup_key   TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    expires     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (topic, dedup_key)
);

CREATE INDEX IF NOT EXISTS sns_dedup_expiry ON sns_dedup (topic, expires);
