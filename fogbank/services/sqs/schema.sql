-- SQS's data plane: one row per message, and FIFO queues' deduplication window (see store.py).

CREATE TABLE IF NOT EXISTS sqs_messages (
    queue          TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    message_id     TEXT NOT NULL,
    visible_at     DOUBLE PRECISION NOT NULL,
    expires_at     DOUBLE PRECISION NOT NULL,
    sent_at        DOUBLE PRECISION NOT NULL,
    group_id       TEXT,
    receive_count  INTEGER NOT NULL,
    first_receive  DOUBLE PRECISION,
    receipt        TEXT,
    body           TEXT NOT NULL,
    meta           TEXT NOT NULL,
    PRIMARY KEY (queue, seq)
);

CREATE INDEX IF NOT EXISTS sqs_messages_visible ON sqs_messages (queue, visible_at);

CREATE TABLE IF NOT EXISTS sqs_dedup (
    queue       TEXT NOT NULL,
    scope       TEXT NOT NULL,
    dedup_id    TEXT NOT NULL,
    expires_at  DOUBLE PRECISION NOT NULL,
    message_id  TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    PRIMARY KEY (queue, scope, dedup_id)
);
